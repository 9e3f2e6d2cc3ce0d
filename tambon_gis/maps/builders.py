"""The public map builders: numeric choropleth, categorical map and time slider.

Each checks its columns, classes the values (:mod:`tambon_gis.maps.classify`), writes the
legend and hands the rest to the common builder (:mod:`tambon_gis.maps.layer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

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
)
from tambon_gis.maps.layer import build_layer, value_steps
from tambon_gis.maps.options import check_gdf
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
    tooltip: Sequence[str] | str | bool | None = None,
    popup: Sequence[str] | str | bool | None = None,
    popup_html: str | None = None,
    lang: str = "th",
    outlines: Sequence[str] | None = ("amphoe", "changwat"),
    highlight: Iterable[str] | None = None,
    labels: bool = True,
    basemap: str | Sequence[str] | None = None,
    search: bool = True,
    title: str | None = None,
    legend_title: str | None = None,
    nodata_label: str | None = None,
    m: Any = None,
    name: str | None = None,
    dates: str = "iso",
    tolerance: float | str = "auto",
    context: Any = "auto",
    symbols: Any = "auto",
    credit: str | None = None,
) -> Any:
    """Numeric choropleth of tambons (or amphoes, changwats) with a classed colour scale.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema of :func:`tambon_gis.load_boundaries` (or
        :func:`tambon_gis.to_level`), with the column to map.
    column : str
        Numeric column; missing values are drawn in the "no data" style and counted in the
        legend.
    scheme : str, default "quantiles"
        ``"quantiles"``, ``"natural_breaks"`` (k-means), ``"equal_interval"`` or
        ``"user_defined"`` (via :func:`mapclassify.classify`).
    k : int, default 5
        Number of classes (fewer when the column has fewer distinct values).
    bins : sequence of float, optional
        Upper class bounds; implies ``scheme="user_defined"``.
    cmap : str or sequence of colours, default "YlGnBu"
        Matplotlib colormap name or a list of colours.
    tooltip : list of str or bool, optional
        Extra columns shown on hover, after the names and the mapped value; ``None`` or
        ``True`` for the names and value only, ``False`` for no tooltip (same in every builder).
    popup : list of str, optional
        Columns shown in a popup on click (numbers with separators, dates as ``dates=``).
    popup_html : str, optional
        Column holding popup HTML already built and escaped by tambon_gis code.
    lang : {"th", "en"}, default "th"
        Language of names, legend and controls.
    outlines : sequence of str, default ("amphoe", "changwat")
        Borders drawn over the fill, as meshes of the same topology.
    highlight : iterable of str, optional
        Codes of rows to outline in red (e.g. the pilot tambons).
    labels : bool, default True
        Names at suitable zooms (changwat from zoom 7, amphoe 9, tambon 11).
    basemap : str or list of str, optional
        ``None`` draws no tiles (works offline); else keys of :data:`BASEMAPS`.
    search : bool, default True
        A box that finds a row by Thai or English name.
    title, legend_title : str, optional
        Title over the map and of the legend (default: the column name).
    nodata_label : str, optional
        Legend text of missing values (default ``ไม่มีข้อมูล`` / ``No data``).
    m : folium.Map, optional
        Add the layer to this map (same geometry is embedded once).
    name : str, optional
        Name of the layer in the layer control.
    dates : {"iso", "be"}, default "iso"
        Date format of tooltips and popups (``"be"``: Buddhist Era).
    tolerance : float or "auto", default "auto"
        Simplification tolerance in degrees (:func:`tambon_gis.webgeom.auto_tolerance`).
    context : "auto", bool or GeoDataFrame, default "auto"
        Draw the country around the areas (land, changwat and amphoe borders, the other
        tambons of their changwats muted; :func:`context_layers`). ``"auto"`` draws it when
        the layer is a set of areas (fewer than 3,000 tambons), not the whole country;
        ``True`` always, ``False`` never; a GeoDataFrame gives the national tambon
        boundaries to draw it from (default: :func:`tambon_gis.load_boundaries`).
    symbols : "auto" or bool, default "auto"
        A circle in the area's colour at its representative point, shown while the polygon
        is smaller than 16 pixels on screen (national and regional zoom), so small areas
        stay visible. ``"auto"``: for the areas with a value when there are at most 3,000.
    credit : str, optional
        Source line shown on the map (default: :func:`credit`, the boundaries' source and
        vintage).

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
    text = TEXT.get(lang, TEXT["th"])
    legend = legend_numeric(
        legend_title or column, edges, vmin, colors, counts, nodata=int((cls < 0).sum()),
        nodata_label=text["nodata"] if nodata_label is None else nodata_label,
    )
    steps, value_fields = value_steps(gdf, [column], [cls], [column], dates=dates, lang=lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=colors, legend=legend,
        tooltip=tooltip, popup=popup, popup_html=popup_html, lang=lang, outlines=outlines,
        highlight=highlight, labels=labels, basemap=basemap, search=search, title=title,
        nodata_label=nodata_label, m=m, name=name, tolerance=tolerance, dates=dates,
        fn="choropleth", context=context, symbols=symbols, credit_text=credit,
    )
    log.info(
        "choropleth returned a map of %s rows of %r in %d classes (%s), %d without data",
        f"{len(gdf):,}", column, len(edges), scheme if bins is None else "user_defined",
        int((cls < 0).sum()),
    )
    return m


def categorical(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    categories: Sequence[Any] | None = None,
    tooltip: Sequence[str] | str | bool | None = None,
    popup: Sequence[str] | str | bool | None = None,
    popup_html: str | None = None,
    lang: str = "th",
    outlines: Sequence[str] | None = ("amphoe", "changwat"),
    highlight: Iterable[str] | None = None,
    labels: bool = True,
    basemap: str | Sequence[str] | None = None,
    search: bool = True,
    title: str | None = None,
    legend_title: str | None = None,
    nodata_label: str | None = None,
    m: Any = None,
    name: str | None = None,
    dates: str = "iso",
    tolerance: float | str = "auto",
    context: Any = "auto",
    symbols: Any = "auto",
    credit: str | None = None,
) -> Any:
    """Map of a categorical column (lead agency, policy issue, selection status...).

    The keywords not listed below (``tooltip``, ``popup``, ``popup_html``, ``lang``,
    ``outlines``, ``highlight``, ``labels``, ``basemap``, ``search``, ``title``,
    ``legend_title``, ``nodata_label``, ``m``, ``name``, ``dates``, ``tolerance``) work as in
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
    gdf = check_gdf(gdf, column, fn="categorical")
    cats = categories_of([gdf[column]], categories)
    if not cats:
        raise ValidationError(f"categorical(): column {column!r} has no values to map")
    palette = category_colors(cats, colors)
    cls = category_classes(gdf[column], cats, column=column)
    text = TEXT.get(lang, TEXT["th"])
    legend = legend_categorical(
        legend_title or column, cats, palette, [int((cls == i).sum()) for i in range(len(cats))],
        nodata=int((cls < 0).sum()),
        nodata_label=text["nodata"] if nodata_label is None else nodata_label,
    )
    steps, value_fields = value_steps(gdf, [column], [cls], [column], dates=dates, lang=lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=palette, legend=legend,
        tooltip=tooltip, popup=popup, popup_html=popup_html, lang=lang, outlines=outlines,
        highlight=highlight, labels=labels, basemap=basemap, search=search, title=title,
        nodata_label=nodata_label, m=m, name=name, tolerance=tolerance, dates=dates,
        fn="categorical", context=context, symbols=symbols, credit_text=credit,
    )
    log.info("categorical returned a map of %s rows of %r in %d categories", f"{len(gdf):,}",
             column, len(cats))
    return m


def timeslider(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    kind: str = "numeric",
    labels: Sequence[str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    categories: Sequence[Any] | None = None,
    tooltip: Sequence[str] | str | bool | None = None,
    popup: Sequence[str] | str | bool | None = None,
    lang: str = "th",
    outlines: Sequence[str] | None = ("amphoe", "changwat"),
    highlight: Iterable[str] | None = None,
    basemap: str | Sequence[str] | None = None,
    search: bool = True,
    title: str | None = None,
    legend_title: str | None = None,
    nodata_label: str | None = None,
    m: Any = None,
    name: str | None = None,
    dates: str = "iso",
    tolerance: float | str = "auto",
    map_labels: bool = True,
    context: Any = "auto",
    symbols: Any = "auto",
    credit: str | None = None,
) -> Any:
    """One geometry, a slider switching which column (e.g. one per fiscal quarter) colours it.

    Numeric columns are classed together (one set of class limits for every step), so colours
    compare across steps; categorical columns share one list of categories. The keywords not
    listed below work as in :func:`choropleth` (numeric: ``scheme``, ``k``, ``bins``,
    ``cmap``) and :func:`categorical` (``colors``, ``categories``).

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema.
    columns : sequence of str
        Columns in slider order.
    kind : {"numeric", "categorical"}, default "numeric"
        How the columns are coloured.
    labels : sequence of str, optional
        Slider label of each column (default: the column names), e.g. ``["Q1/2568", ...]``.
    map_labels : bool, default True
        Place names at suitable zooms (the ``labels`` keyword of :func:`choropleth`).

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
    >>> m = timeslider(gdf, ["q1", "q2"], labels=["Q1", "Q2"], k=2, outlines=None)
    >>> "tg-slider" in m.get_root().render()
    True
    """
    columns = list(columns)
    if not columns:
        raise ValidationError("timeslider(): columns is empty; pass one column per step")
    gdf = check_gdf(gdf, columns, fn="timeslider")
    labels = list(labels) if labels is not None else [str(c) for c in columns]
    if len(labels) != len(columns):
        raise ValidationError(
            f"timeslider(): {len(labels)} labels for {len(columns)} columns; give one label "
            "per column"
        )
    text = TEXT.get(lang, TEXT["th"])
    nd_label = text["nodata"] if nodata_label is None else nodata_label
    title_text = legend_title or title or labels[0]
    if kind == "numeric":
        stacked = pd.concat([pd.to_numeric(gdf[c], errors="coerce") for c in columns],
                            ignore_index=True)
        all_cls, edges, vmin = classify_values(stacked, scheme=scheme, k=k, bins=bins)
        n = len(gdf)
        classes = [all_cls[i * n : (i + 1) * n] for i in range(len(columns))]
        palette = palette_colors(cmap, len(edges))
        counts = [int((all_cls == i).sum()) for i in range(len(edges))]
        legend = legend_numeric(
            title_text, edges,
            vmin, palette, counts, nodata=int((all_cls < 0).sum()), nodata_label=nd_label,
        )
    elif kind == "categorical":
        cats = categories_of([gdf[c] for c in columns], categories)
        palette = category_colors(cats, colors)
        classes = [category_classes(gdf[c], cats, column=c) for c in columns]
        stacked_cls = np.concatenate(classes)
        legend = legend_categorical(
            title_text, cats, palette,
            [int((stacked_cls == i).sum()) for i in range(len(cats))],
            nodata=int((stacked_cls < 0).sum()), nodata_label=nd_label,
        )
    else:
        raise ValidationError(f"kind={kind!r} is not supported; use 'numeric' or 'categorical'")
    steps, value_fields = value_steps(gdf, columns, classes, labels, dates=dates, lang=lang)
    m = build_layer(
        gdf, steps=steps, value_fields=value_fields, palette=palette, legend=legend,
        tooltip=tooltip, popup=popup, popup_html=None, lang=lang, outlines=outlines,
        highlight=highlight, labels=map_labels, basemap=basemap, search=search, title=title,
        nodata_label=nodata_label, m=m, name=name or (title or "timeslider"),
        tolerance=tolerance, dates=dates, fn="timeslider", context=context, symbols=symbols,
        credit_text=credit,
    )
    log.info("timeslider returned a map of %s rows with %d steps (%s)", f"{len(gdf):,}",
             len(columns), kind)
    return m
