"""The public map builders: numeric choropleth, categorical map and time slider.

Each checks its columns, classes the values (:mod:`tambon_gis.maps.classify`), writes the
legend and hands the rest to the common builder (:mod:`tambon_gis.maps.layer`). The
presentation keywords are the fields of :class:`~tambon_gis.maps.MapOptions`: a builder takes
them as ``options=`` and as explicit keywords, which win (:func:`resolve_options`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from tambon_gis._deprecation import warn_deprecated
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.maps.classify import (
    categories_of,
    category_classes,
    category_colors,
    classify_values,
    legend_categorical,
    legend_numeric,
    palette_colors,
    resolve_kind,
)
from tambon_gis.maps.layer import build_layer, value_steps
from tambon_gis.maps.options import (
    UNSET,
    MapOptions,
    Unset,
    check_gdf,
    resolve_options,
)
from tambon_gis.maps.text import TEXT

log = get_logger(__name__)


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    highlight: Iterable[str] | None = None,
    highlight_label: str | None = None,
    popup_html: str | None = None,
    m: Any = None,
    name: str | None = None,
    options: MapOptions | None = None,
    tooltip: Sequence[str] | str | bool | Unset | None = UNSET,
    popup: Sequence[str] | str | bool | Unset | None = UNSET,
    lang: str | Unset = UNSET,
    outlines: Sequence[str] | Unset | None = UNSET,
    labels: bool | Unset = UNSET,
    basemap: str | Sequence[str] | Unset | None = UNSET,
    search: bool | Unset = UNSET,
    title: str | Unset | None = UNSET,
    legend_title: str | Unset | None = UNSET,
    nodata_label: str | Unset | None = UNSET,
    dates: str | Unset = UNSET,
    tolerance: float | str | Unset = UNSET,
    context: Any = UNSET,
    symbols: str | bool | Unset = UNSET,
    credit: str | Unset | None = UNSET,
) -> Any:
    """Numeric choropleth of tambons (or amphoes, changwats) with a classed colour scale.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema of :func:`tambon_gis.load_boundaries` (or
        :func:`tambon_gis.to_level`), with the column to map.
    column : str
        Numeric column (numbers stored as text are read as numbers); missing values are drawn
        in the "no data" style and counted in the legend.
    scheme : str, default "quantiles"
        ``"quantiles"``, ``"natural_breaks"`` (k-means), ``"equal_interval"`` or
        ``"user_defined"`` (via :func:`mapclassify.classify`).
    k : int, default 5
        Number of classes (fewer when the column has fewer distinct values).
    bins : sequence of float, optional
        Upper class bounds; implies ``scheme="user_defined"``.
    cmap : str or sequence of colours, default "YlGnBu"
        Matplotlib colormap name or a list of colours.
    highlight : iterable of str, optional
        Codes of rows to outline in red (e.g. the pilot tambons); the legend gets a row for
        them, and at national zoom they are also dots.
    highlight_label : str, optional
        The name of the highlighted rows in the legend and the layer control (default
        "ตำบลที่เน้น" / "Highlighted tambons"), e.g. "ตำบลที่เลือก".
    popup_html : str, optional
        Column holding popup HTML already built and escaped by tambon_gis code.
    m : folium.Map, optional
        Add the layer to this map (same geometry is embedded once).
    name : str, optional
        Name of the layer in the layer control.
    options : MapOptions, optional
        The presentation: language, titles, borders, labels, tooltip, tiles, the country
        around... (:class:`~tambon_gis.maps.MapOptions` gives each field's default and
        meaning).
    tooltip, popup, lang, outlines, labels, basemap, search, title
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly; each wins over the
        same field of ``options``.
    legend_title, nodata_label, dates, tolerance, context, symbols, credit
        The same: fields of :class:`~tambon_gis.maps.MapOptions` that win over ``options``.

    Returns
    -------
    folium.Map
        The map; save it with :func:`save`.

    Raises
    ------
    SchemaError
        When a named column is missing.
    ValidationError
        When the column is not numeric or the options are not valid.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"tambon_code": ["320101", "320102", "320103"], "tambon_th": ["ก", "ข", "ค"],
    ...      "v": [1.0, None, 3.0]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1),
    ...               box(103.2, 14, 103.3, 14.1)], crs="EPSG:4326")
    >>> m = choropleth(gdf, "v", bins=[2, 4], outlines=None)
    >>> page = m.get_root().render()
    >>> "ไม่มีข้อมูล" in page  # the no-data class is in the legend
    True
    >>> page.count('"type":"Topology"')  # the tambons, and the provinces drawn around them
    2
    """
    opts = resolve_options(
        options, fn="choropleth", tooltip=tooltip, popup=popup, lang=lang, outlines=outlines,
        labels=labels, basemap=basemap, search=search, title=title, legend_title=legend_title,
        nodata_label=nodata_label, dates=dates, tolerance=tolerance, context=context,
        symbols=symbols, credit=credit,
    )
    gdf = check_gdf(gdf, column, fn="choropleth")
    values = gdf[column]
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        converted = pd.to_numeric(values, errors="coerce")
        bad = values[converted.isna() & values.notna()]
        if len(bad):
            raise ValidationError(
                f"choropleth(): column {column!r} is not numeric (e.g. {bad.iloc[0]!r}); "
                "convert it with pd.to_numeric or use maps.categorical()"
            )
    cls, edges, vmin = classify_values(values, scheme=scheme, k=k, bins=bins)
    colors = palette_colors(cmap, len(edges))
    counts = [int((cls == i).sum()) for i in range(len(edges))]
    legend = legend_numeric(
        opts.legend_title or column, edges, vmin, colors, counts, nodata=int((cls < 0).sum()),
        nodata_label=_nodata_label(opts),
    )
    steps, value_fields = value_steps(gdf, [column], [cls], [column], dates=opts.dates,
                                      lang=opts.lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=colors, legend=legend,
        options=opts, popup_html=popup_html, highlight=highlight,
        highlight_label=highlight_label, m=m, name=name,
        fn="choropleth",
    )
    log.info(
        "choropleth returned a map of %s rows of %r in %d classes (%s), %d without data",
        f"{len(gdf):,}", column, len(edges), scheme if bins is None else "user_defined",
        int((cls < 0).sum()),
    )
    return m



def _nodata_label(opts: MapOptions) -> str:
    """Return the legend text of missing values: the option's, else the language's."""
    return TEXT[opts.lang]["nodata"] if opts.nodata_label is None else str(opts.nodata_label)


def categorical(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    categories: Sequence[Any] | None = None,
    highlight: Iterable[str] | None = None,
    highlight_label: str | None = None,
    popup_html: str | None = None,
    m: Any = None,
    name: str | None = None,
    options: MapOptions | None = None,
    tooltip: Sequence[str] | str | bool | Unset | None = UNSET,
    popup: Sequence[str] | str | bool | Unset | None = UNSET,
    lang: str | Unset = UNSET,
    outlines: Sequence[str] | Unset | None = UNSET,
    labels: bool | Unset = UNSET,
    basemap: str | Sequence[str] | Unset | None = UNSET,
    search: bool | Unset = UNSET,
    title: str | Unset | None = UNSET,
    legend_title: str | Unset | None = UNSET,
    nodata_label: str | Unset | None = UNSET,
    dates: str | Unset = UNSET,
    tolerance: float | str | Unset = UNSET,
    context: Any = UNSET,
    symbols: str | bool | Unset = UNSET,
    credit: str | Unset | None = UNSET,
) -> Any:
    """Map of a categorical column (lead agency, policy issue, selection status...).

    ``highlight``, ``highlight_label``, ``popup_html``, ``m`` and ``name`` work as in
    :func:`choropleth`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema.
    column : str
        Column of categories; missing values use the "no data" style.
    colors : mapping or sequence of colours, optional
        Colour per category (a dict) or in the order of ``categories``; default a qualitative
        palette of 12 colours.
    categories : sequence, optional
        Categories in legend order (default: a pandas Categorical's order, else sorted).
    options : MapOptions, optional
        The presentation: language, titles, borders, labels, tooltip, tiles, the country
        around... (:class:`~tambon_gis.maps.MapOptions` gives each field's default and
        meaning).
    tooltip, popup, lang, outlines, labels, basemap, search, title
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly; each wins over the
        same field of ``options``.
    legend_title, nodata_label, dates, tolerance, context, symbols, credit
        The same: fields of :class:`~tambon_gis.maps.MapOptions` that win over ``options``.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"tambon_code": ["320101", "320102"], "tambon_th": ["ก", "ข"],
    ...      "status": ["selected", "candidate"]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1)], crs="EPSG:4326")
    >>> m = categorical(gdf, "status", categories=["selected", "candidate"],
    ...                 colors={"selected": "#1a9641", "candidate": "#fdae61"}, outlines=None)
    >>> "#1a9641" in m.get_root().render()
    True
    """
    opts = resolve_options(
        options, fn="categorical", tooltip=tooltip, popup=popup, lang=lang, outlines=outlines,
        labels=labels, basemap=basemap, search=search, title=title, legend_title=legend_title,
        nodata_label=nodata_label, dates=dates, tolerance=tolerance, context=context,
        symbols=symbols, credit=credit,
    )
    gdf = check_gdf(gdf, column, fn="categorical")
    cats = categories_of([gdf[column]], categories)
    if not cats:
        raise ValidationError(f"categorical(): column {column!r} has no values to map")
    palette = category_colors(cats, colors)
    cls = category_classes(gdf[column], cats, column=column)
    legend = legend_categorical(
        opts.legend_title or column, cats, palette,
        [int((cls == i).sum()) for i in range(len(cats))], nodata=int((cls < 0).sum()),
        nodata_label=_nodata_label(opts),
    )
    steps, value_fields = value_steps(gdf, [column], [cls], [column], dates=opts.dates,
                                      lang=opts.lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=palette, legend=legend,
        options=opts, popup_html=popup_html, highlight=highlight,
        highlight_label=highlight_label, m=m, name=name,
        fn="categorical",
    )
    log.info("categorical returned a map of %s rows of %r in %d categories", f"{len(gdf):,}",
             column, len(cats))
    return m



def _slider_labels(
    labels: Any, step_labels: Sequence[str] | None, map_labels: bool | None
) -> tuple[Sequence[str] | None, Any]:
    """Return the step labels and the place-labels keyword of :func:`timeslider`.

    ``labels`` with a list and ``map_labels`` are the spellings of before the keywords
    meant the same in every builder: they warn and still work for one release.
    """
    if map_labels is not None:
        warn_deprecated("timeslider(map_labels=...)",
                        "timeslider(labels=...), the place names as in every builder",
                        stacklevel=4)
        if labels is UNSET:
            labels = map_labels
    if labels is None:  # the old default of the step labels
        labels = UNSET
    if labels is not UNSET and not isinstance(labels, bool):
        warn_deprecated("timeslider(labels=[...]) for the step labels",
                        "timeslider(step_labels=[...]); labels= is the place names (True or "
                        "False), as in every builder", stacklevel=4)
        if step_labels is None:
            step_labels = list(labels)
        labels = UNSET
    return step_labels, labels


def _slider_classes(
    gdf: gpd.GeoDataFrame, columns: list[str], *, kind: str, scheme: str, k: int,
    bins: Sequence[float] | None, cmap: str | Sequence[str],
    colors: Mapping[Any, str] | Sequence[str] | None, categories: Sequence[Any] | None,
    legend_title: str, nodata_label: str,
) -> tuple[list[np.ndarray], list[str], str, str]:
    """Class the columns together: the classes of each step, the palette, legend and kind."""
    stacked = pd.concat([gdf[c] for c in columns], ignore_index=True)
    kind = resolve_kind(kind, stacked, fn="timeslider")
    if kind == "numeric":
        numbers = pd.concat([pd.to_numeric(gdf[c], errors="coerce") for c in columns],
                            ignore_index=True)
        all_cls, edges, vmin = classify_values(numbers, scheme=scheme, k=k, bins=bins)
        n = len(gdf)
        classes = [all_cls[i * n : (i + 1) * n] for i in range(len(columns))]
        palette = palette_colors(cmap, len(edges))
        counts = [int((all_cls == i).sum()) for i in range(len(edges))]
        legend = legend_numeric(legend_title, edges, vmin, palette, counts,
                                nodata=int((all_cls < 0).sum()), nodata_label=nodata_label)
        return classes, palette, legend, kind
    cats = categories_of([gdf[c] for c in columns], categories)
    palette = category_colors(cats, colors)
    classes = [category_classes(gdf[c], cats, column=c) for c in columns]
    stacked_cls = np.concatenate(classes)
    legend = legend_categorical(
        legend_title, cats, palette, [int((stacked_cls == i).sum()) for i in range(len(cats))],
        nodata=int((stacked_cls < 0).sum()), nodata_label=nodata_label,
    )
    return classes, palette, legend, kind


def timeslider(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    kind: str = "auto",
    step_labels: Sequence[str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    categories: Sequence[Any] | None = None,
    highlight: Iterable[str] | None = None,
    highlight_label: str | None = None,
    m: Any = None,
    name: str | None = None,
    options: MapOptions | None = None,
    tooltip: Sequence[str] | str | bool | Unset | None = UNSET,
    popup: Sequence[str] | str | bool | Unset | None = UNSET,
    lang: str | Unset = UNSET,
    outlines: Sequence[str] | Unset | None = UNSET,
    labels: bool | Unset = UNSET,
    basemap: str | Sequence[str] | Unset | None = UNSET,
    search: bool | Unset = UNSET,
    title: str | Unset | None = UNSET,
    legend_title: str | Unset | None = UNSET,
    nodata_label: str | Unset | None = UNSET,
    dates: str | Unset = UNSET,
    tolerance: float | str | Unset = UNSET,
    context: Any = UNSET,
    symbols: str | bool | Unset = UNSET,
    credit: str | Unset | None = UNSET,
    map_labels: bool | None = None,
) -> Any:
    """One geometry, a slider switching which column (e.g. one per fiscal quarter) colours it.

    Numeric columns are classed together (one set of class limits for every step), so colours
    compare across steps; categorical columns share one list of categories. ``scheme``, ``k``,
    ``bins``, ``cmap``, ``highlight``, ``highlight_label``, ``m`` and ``name`` work as in
    :func:`choropleth`,
    ``colors`` and ``categories`` as in :func:`categorical`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema.
    columns : sequence of str
        Columns in slider order.
    kind : {"auto", "numeric", "categorical"}, default "auto"
        How the columns are coloured; ``"auto"`` decides by their values
        (:func:`~tambon_gis.maps.infer_kind` of the columns stacked).
    step_labels : sequence of str, optional
        Slider label of each column (default: the column names), e.g. ``["Q1/2568", ...]``.
    options : MapOptions, optional
        The presentation: language, titles, borders, labels, tooltip, tiles, the country
        around... (:class:`~tambon_gis.maps.MapOptions` gives each field's default and
        meaning).
    tooltip, popup, lang, outlines, labels, basemap, search, title
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly; each wins over the
        same field of ``options``.
    legend_title, nodata_label, dates, tolerance, context, symbols, credit
        The same: fields of :class:`~tambon_gis.maps.MapOptions` that win over ``options``.
    map_labels : bool, optional
        Deprecated: say ``labels=`` (place names, as in every builder). ``labels=[...]`` with
        one label per step is the deprecated spelling of ``step_labels=``; both warn
        (``FutureWarning``) and go in the next release.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"tambon_code": ["320101", "320102"], "q1": [1, 2], "q2": [3, 4]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1)], crs="EPSG:4326")
    >>> m = timeslider(gdf, ["q1", "q2"], step_labels=["Q1", "Q2"], k=2, outlines=None)
    >>> "tg-slider" in m.get_root().render()
    True
    """
    step_labels, labels = _slider_labels(labels, step_labels, map_labels)
    opts = resolve_options(
        options, fn="timeslider", tooltip=tooltip, popup=popup, lang=lang, outlines=outlines,
        labels=labels, basemap=basemap, search=search, title=title, legend_title=legend_title,
        nodata_label=nodata_label, dates=dates, tolerance=tolerance, context=context,
        symbols=symbols, credit=credit,
    )
    columns = list(columns)
    if not columns:
        raise ValidationError("timeslider(): columns is empty; pass one column per step")
    gdf = check_gdf(gdf, columns, fn="timeslider")
    steps_text = list(step_labels) if step_labels is not None else [str(c) for c in columns]
    if len(steps_text) != len(columns):
        raise ValidationError(
            f"timeslider(): {len(steps_text)} step_labels for {len(columns)} columns; give one "
            "label per column"
        )
    classes, palette, legend, kind = _slider_classes(
        gdf, columns, kind=kind, scheme=scheme, k=k, bins=bins, cmap=cmap, colors=colors,
        categories=categories, legend_title=opts.legend_title or opts.title or steps_text[0],
        nodata_label=_nodata_label(opts),
    )
    steps, value_fields = value_steps(gdf, columns, classes, steps_text, dates=opts.dates,
                                      lang=opts.lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=palette, legend=legend,
        options=opts, popup_html=None, highlight=highlight, highlight_label=highlight_label, m=m,
        name=name or (opts.title or "timeslider"), fn="timeslider",
    )
    log.info("timeslider returned a map of %s rows with %d steps (%s)", f"{len(gdf):,}",
             len(columns), kind)
    return m

