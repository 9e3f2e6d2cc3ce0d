"""Static maps for reports: PNG/PDF with matplotlib, in Thai.

The maps use the Sarabun font shipped by the ``fontpkg-sarabun`` dependency (falling back to
Noto Sans Thai from ``fontpkg-noto-sans-thai``), so Thai titles, legends and labels render on
any machine without system fonts. Each map has a title, a legend with the class limits (and a
"no data" entry), a north arrow and a scale bar; it is drawn in UTM zone 47N (EPSG:32647) so
that the scale bar is true, from the coverage-simplified geometry of
:mod:`tambon_gis.webgeom` (cached), which keeps neighbouring tambons matched.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis import static
>>> gdf = gpd.GeoDataFrame(
...     {"tambon_code": ["320101", "320102"], "v": [1.0, 2.0]},
...     geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
...     crs="EPSG:4326")
>>> fig = static.plot_map(gdf, "v", k=2, title="ครัวเรือนเกษตรกร")
>>> fig.axes[0].get_title()
'ครัวเรือนเกษตรกร'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import webgeom
from tambon_gis._errors import SchemaError, ValidationError
from tambon_gis._logging import get_logger

log = get_logger(__name__)

__all__ = ["plot_map", "small_multiples", "thai_font_family"]

#: Projected CRS the maps are drawn in (UTM zone 47N covers most of Thailand).
PLOT_CRS = "EPSG:32647"

_TEXT = {
    "th": {"nodata": "ไม่มีข้อมูล", "north": "เหนือ", "km": "กม.", "m": "ม."},
    "en": {"nodata": "No data", "north": "N", "km": "km", "m": "m"},
}


@cache
def thai_font_family() -> str:
    """Register the packaged Thai fonts with matplotlib and return the family to use.

    Returns
    -------
    str
        ``"Sarabun"`` (from ``fontpkg-sarabun``), else ``"Noto Sans Thai"``.

    Examples
    --------
    >>> thai_font_family()
    'Sarabun'
    """
    from matplotlib import font_manager

    family = None
    try:
        import fontpkg_sarabun

        folder = Path(fontpkg_sarabun.__file__).parent / "files"
        for name in ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"):
            font_manager.fontManager.addfont(str(folder / name))
        family = "Sarabun"
    except (ImportError, OSError):  # pragma: no cover - both font packages are dependencies
        pass
    try:
        import fontpkg_noto_sans_thai

        folder = Path(fontpkg_noto_sans_thai.__file__).parent / "files"
        for f in folder.glob("*.ttf"):
            font_manager.fontManager.addfont(str(f))
        family = family or "Noto Sans Thai"
    except (ImportError, OSError):  # pragma: no cover
        pass
    if family is None:  # pragma: no cover
        raise ImportError("no Thai font: pip install fontpkg-sarabun fontpkg-noto-sans-thai")
    log.info("thai_font_family returned %r", family)
    return family


def _rc() -> dict[str, Any]:
    family = thai_font_family()
    return {
        "font.family": [family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "axes.unicode_minus": False,
    }


def _prepare(gdf: Any, columns: Sequence[str], *, fn: str) -> gpd.GeoDataFrame:
    from tambon_gis.maps import _check_gdf

    gdf = _check_gdf(gdf, list(columns), fn=fn)
    simple = webgeom.simplify_coverage(gdf)
    return simple.to_crs(PLOT_CRS)


def _classes(
    values: pd.Series, *, scheme: str, k: int, bins: Sequence[float] | None,
    categorical: bool, categories: Sequence[Any] | None,
) -> tuple[np.ndarray, list[str], bool]:
    """Class index per row (-1 = no data), the legend labels and whether it is categorical."""
    from tambon_gis import maps

    if not categorical and not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        if converted.notna().sum() == values.notna().sum():  # numbers stored as objects
            values = converted
    if categorical or not pd.api.types.is_numeric_dtype(values):
        cats = maps._categories([values], categories)
        cls = maps._category_classes(values, cats, column=str(values.name))
        return cls, [str(c) for c in cats], True
    cls, edges, vmin = maps._classify(values, scheme=scheme, k=k, bins=bins)
    labels, lower = [], vmin
    for edge in edges:
        labels.append(f"{maps.format_value(lower)} – {maps.format_value(edge)}")
        lower = edge
    return cls, labels, False


def _colors(n: int, *, cmap: str | Sequence[str], categorical: bool,
            colors: Mapping[Any, str] | Sequence[str] | None, cats: Sequence[str]) -> list[str]:
    from tambon_gis import maps

    if categorical:
        if isinstance(colors, Mapping):
            colors = {str(k): v for k, v in colors.items()}
        return maps._category_colors(cats, colors)
    return maps._palette(cmap, n)


def _nice_length(width_m: float) -> float:
    target = width_m / 5
    exp = 10 ** math.floor(math.log10(target))
    for f in (5, 2, 1):
        if f * exp <= target:
            return f * exp
    return exp


def _scale_bar(ax: Any, *, lang: str) -> None:
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    height = (y1 - y0) * 0.008
    bx, by = x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.04
    for i in range(4):
        ax.add_patch(Rectangle((bx + i * length / 4, by), length / 4, height,
                               facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.6, zorder=10))
    text = _TEXT[lang]
    label = (f"{length / 1000:,.0f} {text['km']}" if length >= 1000
             else f"{length:,.0f} {text['m']}")
    ax.text(bx, by + height * 1.8, "0", ha="center", va="bottom", fontsize=7, zorder=10)
    ax.text(bx + length, by + height * 1.8, label, ha="center", va="bottom", fontsize=7, zorder=10)


def _north_arrow(ax: Any, *, lang: str) -> None:
    ax.annotate(
        _TEXT[lang]["north"], xy=(0.94, 0.95), xytext=(0.94, 0.85), xycoords="axes fraction",
        ha="center", va="center", fontsize=9, fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
        zorder=10,
    )


def _paths(geoms: np.ndarray) -> list[Any]:
    """One matplotlib Path per (multi)polygon, holes included (much faster than patches)."""
    from matplotlib.path import Path as MPath

    oriented = shapely.orient_polygons(geoms)
    _, coords, offsets = shapely.to_ragged_array(oriented)
    if len(offsets) == 2:
        ring_off, part_off = offsets
        geom_off = np.arange(len(part_off))
    else:
        ring_off, part_off, geom_off = offsets
    codes = np.full(len(coords), MPath.LINETO, dtype=MPath.code_type)
    codes[ring_off[:-1]] = MPath.MOVETO
    codes[ring_off[1:] - 1] = MPath.CLOSEPOLY
    starts = ring_off[part_off[geom_off]]
    return [MPath(coords[a:b], codes[a:b]) for a, b in zip(starts[:-1], starts[1:], strict=True)]


def _draw(
    ax: Any, gdf: gpd.GeoDataFrame, cls: np.ndarray, palette: Sequence[str], *,
    outlines: Sequence[str], highlight: set[str] | None, edge_width: float,
) -> None:
    from matplotlib.collections import PathCollection

    face = [palette[c] if c >= 0 else "#ffffff" for c in cls]
    nodata = cls < 0
    geoms = np.asarray(gdf.geometry.values)
    paths = _paths(geoms)
    ax.add_collection(PathCollection(paths, facecolors=face, edgecolors="#9a9a9a",
                                     linewidths=edge_width))
    if nodata.any():
        ax.add_collection(PathCollection([p for p, n in zip(paths, nodata, strict=True) if n],
                                         facecolors="#ffffff", edgecolors="#9a9a9a",
                                         hatch="////", linewidths=edge_width))
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    for level, width, color in (("amphoe", 0.45, "#555555"), ("changwat", 0.9, "#1a1a1a")):
        if level not in outlines:
            continue
        col = f"{level}_code"
        if col not in gdf.columns:
            log.info("no %r column, so no %s outlines", col, level)
            continue
        keys = gdf[col].astype(str).to_numpy()
        merged = [shapely.coverage_union_all(geoms[keys == k]) for k in pd.unique(keys)]
        gpd.GeoSeries(merged, crs=gdf.crs).boundary.plot(ax=ax, color=color, linewidth=width)
    if highlight:
        code = next((c for c in ("tambon_code", "amphoe_code", "changwat_code")
                     if c in gdf.columns), None)
        if code is None:
            raise SchemaError("highlight needs a tambon_code (or amphoe/changwat) column")
        sel = gdf[gdf[code].astype(str).isin(highlight)]
        sel.boundary.plot(ax=ax, color="#e31a1c", linewidth=1.4)
    ax.set_axis_off()
    ax.set_aspect("equal")


def _legend(ax: Any, labels: Sequence[str], palette: Sequence[str], counts: Sequence[int], *,
            nodata: int, nodata_label: str, title: str | None, loc: str = "lower right") -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#666", label=f"{lab}  ({n:,})")
               for lab, c, n in zip(labels, palette, counts, strict=True)]
    if nodata:
        handles.append(Patch(facecolor="#ffffff", edgecolor="#666", hatch="////",
                             label=f"{nodata_label}  ({nodata:,})"))
    ax.legend(handles=handles, title=title, loc=loc, fontsize=7, title_fontsize=8,
              frameon=True, framealpha=0.9)


def _save(fig: Any, path: str | Path | None, *, dpi: int) -> None:
    if path is None:
        return
    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise ValidationError(f"path={str(path)!r} should end in .png, .pdf or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    log.info("saved %s (%s bytes)", path, f"{path.stat().st_size:,}")


def plot_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    categorical: bool = False,
    categories: Sequence[Any] | None = None,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    nodata_label: str | None = None,
    lang: str = "th",
    outlines: Sequence[str] = ("changwat",),
    highlight: Iterable[str] | None = None,
    credit: str | None = "ขอบเขตการปกครอง: HDX COD-AB (RTSD), CC BY-IGO",
    figsize: tuple[float, float] = (7.5, 10),
    dpi: int = 200,
    ax: Any = None,
    path: str | Path | None = None,
) -> Any:
    """Draw a static choropleth (or categorical) map with title, legend, north arrow and scale.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema with the column to map.
    column : str
        Numeric column (classed by ``scheme``) or, with ``categorical=True`` or a text column,
        categories.
    scheme, k, bins, cmap
        Classification and colours as in :func:`tambon_gis.maps.choropleth`.
    categorical : bool, default False
        Treat the column as categories.
    categories, colors
        Category order and colours as in :func:`tambon_gis.maps.categorical`.
    title, legend_title, nodata_label : str, optional
        Texts (Thai welcome).
    lang : {"th", "en"}, default "th"
        Language of the built-in texts (north arrow, units, "no data").
    outlines : sequence of str, default ("changwat",)
        Borders to draw over the fill: ``"amphoe"``, ``"changwat"``.
    highlight : iterable of str, optional
        Codes to outline in red.
    credit : str, optional
        Small source line under the map.
    figsize, dpi
        Figure size (inches) and resolution of a saved PNG.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    path : str or Path, optional
        Save to ``.png``, ``.pdf`` or ``.svg``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not shown; display it in Jupyter or save it).

    Examples
    --------
    >>> import geopandas as gpd, tempfile
    >>> from pathlib import Path
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"], "lead": ["พอช.", None]},
    ...     geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
    ...     crs="EPSG:4326")
    >>> out = Path(tempfile.mkdtemp()) / "lead.pdf"
    >>> fig = plot_map(gdf, "lead", title="หน่วยงานนำ", outlines=(), path=out)
    >>> out.stat().st_size > 1000
    True
    """
    from matplotlib.figure import Figure
    import matplotlib

    if lang not in _TEXT:
        raise ValidationError(f"lang={lang!r} is not supported; use 'th' or 'en'")
    data = _prepare(gdf, [column], fn="plot_map")
    cls, labels, is_cat = _classes(gdf[column], scheme=scheme, k=k, bins=bins,
                                   categorical=categorical, categories=categories)
    palette = _colors(len(labels), cmap=cmap, categorical=is_cat, colors=colors, cats=labels)
    with matplotlib.rc_context(_rc()):
        if ax is None:
            fig = Figure(figsize=figsize, layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        _draw(ax, data, cls, palette, outlines=outlines,
              highlight={str(c) for c in highlight} if highlight is not None else None,
              edge_width=0.08 if len(data) > 2000 else 0.3)
        if title:
            ax.set_title(title, fontsize=14, fontweight="bold")
        _legend(ax, labels, palette, [int((cls == i).sum()) for i in range(len(labels))],
                nodata=int((cls < 0).sum()),
                nodata_label=_TEXT[lang]["nodata"] if nodata_label is None else nodata_label,
                title=legend_title or column)
        _north_arrow(ax, lang=lang)
        _scale_bar(ax, lang=lang)
        if credit:
            ax.text(0.0, -0.01, credit, transform=ax.transAxes, fontsize=6, color="#555",
                    va="top")
        _save(fig, path, dpi=dpi)
    log.info("plot_map returned a figure of %s rows of %r (%d classes)", f"{len(gdf):,}",
             column, len(labels))
    return fig


def small_multiples(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    ncols: int = 3,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    categorical: bool = False,
    categories: Sequence[Any] | None = None,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    nodata_label: str | None = None,
    lang: str = "th",
    outlines: Sequence[str] = ("changwat",),
    highlight: Iterable[str] | None = None,
    panel_size: float = 3.2,
    dpi: int = 200,
    path: str | Path | None = None,
) -> Any:
    """Draw one small map per column (e.g. per fiscal quarter) with one shared legend.

    Numeric columns are classed together, so one colour means the same range in every panel.
    The keywords not listed below work as in :func:`plot_map`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema.
    columns : sequence of str
        Columns, one panel each.
    labels : sequence of str, optional
        Panel titles (default: the column names), e.g. ``["ไตรมาส 1/2568", ...]``.
    ncols : int, default 3
        Panels per row.
    panel_size : float, default 3.2
        Width of a panel in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"], "q1": [1, 2], "q2": [2, 3]},
    ...     geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
    ...     crs="EPSG:4326")
    >>> fig = small_multiples(gdf, ["q1", "q2"], labels=["Q1", "Q2"], k=3, outlines=())
    >>> [a.get_title() for a in fig.axes if a.get_title()]
    ['Q1', 'Q2']
    """
    from matplotlib.figure import Figure
    import matplotlib

    columns = list(columns)
    if not columns:
        raise ValidationError("small_multiples(): columns is empty; pass one column per panel")
    labels = list(labels) if labels is not None else [str(c) for c in columns]
    if len(labels) != len(columns):
        raise ValidationError(
            f"small_multiples(): {len(labels)} labels for {len(columns)} columns; give one each"
        )
    if lang not in _TEXT:
        raise ValidationError(f"lang={lang!r} is not supported; use 'th' or 'en'")
    data = _prepare(gdf, columns, fn="small_multiples")
    stacked = pd.concat([gdf[c] for c in columns], ignore_index=True)
    stacked.name = legend_title or title or columns[0]
    cls_all, legend_labels, is_cat = _classes(stacked, scheme=scheme, k=k, bins=bins,
                                              categorical=categorical, categories=categories)
    palette = _colors(len(legend_labels), cmap=cmap, categorical=is_cat, colors=colors,
                      cats=legend_labels)
    n = len(gdf)
    ncols = max(1, min(ncols, len(columns)))
    nrows = math.ceil(len(columns) / ncols)
    xmin, ymin, xmax, ymax = data.total_bounds
    aspect = (ymax - ymin) / max(xmax - xmin, 1)
    highlight_set = {str(c) for c in highlight} if highlight is not None else None
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(panel_size * ncols, panel_size * aspect * nrows + 1.2),
                     layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for i, (col, label) in enumerate(zip(columns, labels, strict=True)):
            ax = axes[i // ncols][i % ncols]
            _draw(ax, data, cls_all[i * n : (i + 1) * n], palette, outlines=outlines,
                  highlight=highlight_set, edge_width=0.05 if n > 2000 else 0.2)
            ax.set_title(label, fontsize=10)
        for j in range(len(columns), nrows * ncols):
            axes[j // ncols][j % ncols].set_axis_off()
        first = axes[0][0]
        _north_arrow(first, lang=lang)
        _scale_bar(first, lang=lang)
        if title:
            fig.suptitle(title, fontsize=14, fontweight="bold")
        from matplotlib.patches import Patch

        handles = [Patch(facecolor=c, edgecolor="#666", label=lab)
                   for lab, c in zip(legend_labels, palette, strict=True)]
        if (cls_all < 0).any():
            handles.append(Patch(facecolor="#ffffff", edgecolor="#666", hatch="////",
                                 label=_TEXT[lang]["nodata"] if nodata_label is None
                                 else nodata_label))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6),
                   fontsize=8, title=legend_title, title_fontsize=9, frameon=False)
        _save(fig, path, dpi=dpi)
    log.info("small_multiples returned a figure of %d panels of %s rows", len(columns),
             f"{len(gdf):,}")
    return fig
