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

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import webgeom
from tambon_gis._deprecation import renamed_keyword, warn_deprecated
from tambon_gis._errors import SchemaError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.maps.classify import (
    HIGHLIGHT_COLOR,
    categories_of,
    category_classes,
    category_colors,
    check_kind,
    classify_values,
    palette_colors,
    resolve_kind,
)
from tambon_gis.maps.context import CONTEXT_ROWS, CONTEXT_STYLE, auto_context, context_layers
from tambon_gis.maps.options import (
    UNSET,
    MapOptions,
    Unset,
    check_gdf,
    level_of,
    resolve_options,
    wants_symbols,
)
from tambon_gis.maps.text import TEXT as MAP_TEXT
from tambon_gis.maps.text import credit_line, format_value
from tambon_gis.webgeom.cache import geometry_hash

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

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


def _rc() -> dict[RcKeyType, Any]:
    family = thai_font_family()
    return {
        "font.family": [family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "axes.unicode_minus": False,
    }


def _prepare(gdf: Any, columns: Sequence[str], *, fn: str) -> gpd.GeoDataFrame:
    gdf = check_gdf(gdf, list(columns), fn=fn)
    simple = webgeom.simplify_coverage(gdf)
    return simple.to_crs(PLOT_CRS)


def _kind(kind: str, categorical: bool | None, *, fn: str) -> str:
    """Return ``kind=``, or the kind of the deprecated ``categorical=`` when it is given."""
    check_kind(kind, fn=fn)
    if categorical is None:
        return kind
    warn_deprecated(f"{fn}(categorical=...)",
                    f"{fn}(kind='categorical') (or kind='numeric', 'auto')", stacklevel=4)
    return "categorical" if categorical else kind  # False said "not forced": as kind says


def _classes(
    values: pd.Series, *, scheme: str, k: int, bins: Sequence[float] | None,
    kind: str, categories: Sequence[Any] | None, fn: str,
) -> tuple[np.ndarray, list[str], bool]:
    """Class index per row (-1 = no data), the legend labels and whether it is categorical."""
    if resolve_kind(kind, values, fn=fn) == "categorical":
        cats = categories_of([values], categories)
        cls = category_classes(values, cats, column=str(values.name))
        return cls, [str(c) for c in cats], True
    cls, edges, vmin = classify_values(values, scheme=scheme, k=k, bins=bins)
    labels, lower = [], vmin
    for edge in edges:
        labels.append(f"{format_value(lower)} – {format_value(edge)}")
        lower = edge
    return cls, labels, False


def _colors(n: int, *, cmap: str | Sequence[str], categorical: bool,
            colors: Mapping[Any, str] | Sequence[str] | None, cats: Sequence[str]) -> list[str]:
    if categorical:
        if isinstance(colors, Mapping):
            colors = {str(k): v for k, v in colors.items()}
        return category_colors(cats, colors)
    return palette_colors(cmap, n)


def _nice_length(width_m: float) -> float:
    target = width_m / 5
    exp = 10 ** math.floor(math.log10(target))
    for f in (5, 2, 1):
        if f * exp <= target:
            return f * exp
    return exp


def _scale_bar(ax: Any, *, lang: str, right: bool = False) -> None:
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    height = (y1 - y0) * 0.008
    # bottom left, or bottom middle when the locator map takes the corner
    bx = x0 + (x1 - x0) * (0.26 if right else 0.05)
    by = y0 + (y1 - y0) * 0.04
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
        _TEXT[lang]["north"], xy=(0.95, 0.97), xytext=(0.95, 0.91), xycoords="axes fraction",
        ha="center", va="center", fontsize=8, fontweight="bold",
        arrowprops={"facecolor": "black", "width": 2.5, "headwidth": 8, "headlength": 7},
        zorder=10,
    )


_PLOT_CONTEXT: dict[str, dict[str, Any]] = {}


def _context(gdf: gpd.GeoDataFrame, context: Any) -> dict[str, Any] | None:
    """Return the context geography of a partial layer in the plot CRS (None if national)."""
    level = level_of(gdf)
    if context is False or context is None:
        return None
    base = context if isinstance(context, gpd.GeoDataFrame) else None
    if isinstance(context, str) and (
            level is None or len(gdf) >= CONTEXT_ROWS.get(level, 0)):
        return None
    areas = gdf if level == "tambon" else None
    if isinstance(context, str) and context == "auto":
        ctx = auto_context(areas, fn="static")
        if ctx is None:
            return None
    else:
        ctx = context_layers(base, areas=areas)
    amphoe = ctx["amphoe"]
    key = geometry_hash(np.asarray(amphoe.geometry.values), "plot-context")
    if key not in _PLOT_CONTEXT:
        a = amphoe.to_crs(PLOT_CRS)
        geoms = np.asarray(a.geometry.values)
        keys = a["changwat_code"].astype(str).to_numpy()
        changwat = [shapely.coverage_union_all(geoms[keys == k]) for k in pd.unique(keys)]
        _PLOT_CONTEXT.clear()
        _PLOT_CONTEXT[key] = {
            "amphoe": a,
            "changwat": gpd.GeoSeries(changwat, crs=PLOT_CRS),
            "land": gpd.GeoSeries([shapely.coverage_union_all(changwat)], crs=PLOT_CRS),
        }
    out = dict(_PLOT_CONTEXT[key])
    out["tambon"] = ctx["tambon"].to_crs(PLOT_CRS) if len(ctx["tambon"]) else None
    return out


def _draw_context(ax: Any, ctx: dict[str, Any], *, regional: bool) -> None:
    st = CONTEXT_STYLE

    ax.add_collection(_collection(ctx["land"], face=st["land"], edge="none", width=0, z=0))
    if ctx.get("tambon") is not None:
        ax.add_collection(_collection(ctx["tambon"].geometry, face=st["tambon_fill"],
                                      edge=st["tambon"], width=0.25, z=0.5))
    if regional:
        ctx["amphoe"].boundary.plot(ax=ax, color=st["amphoe"], linewidth=0.35, zorder=0.7)
    ctx["changwat"].boundary.plot(ax=ax, color=st["changwat"], linewidth=0.6, zorder=0.8)


def _collection(geoms: Any, *, face: Any, edge: str, width: float, z: float) -> Any:
    from matplotlib.collections import PathCollection

    return PathCollection(_paths(np.asarray(geoms.values if hasattr(geoms, "values") else geoms)),
                          facecolors=face, edgecolors=edge, linewidths=width, zorder=z)


def _extent(ax: Any, bounds: Sequence[float] | np.ndarray, *, pad: float = 0.08) -> None:
    """Fit the axes to the bounds with padding, widened to the axes' shape (fills the frame)."""
    xmin, ymin, xmax, ymax = bounds
    w, h = max(xmax - xmin, 2000.0), max(ymax - ymin, 2000.0)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    shape = (bbox.height * fig_h) / max(bbox.width * fig_w, 1e-9)
    if h / w < shape:
        h = w * shape
    else:
        w = h / shape
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)


def _locator(ax: Any, ctx: dict[str, Any]) -> None:
    """Add a small map of Thailand in a corner, the extent of the main map outlined in red."""
    from matplotlib.patches import Rectangle

    inset = ax.inset_axes([0.0, 0.0, 0.2, 0.3])
    ctx["land"].plot(ax=inset, color="#d9d6cc", edgecolor="#777", linewidth=0.3)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    inset.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#e31a1c",
                              linewidth=1.0))
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_facecolor((1, 1, 1, 0.85))
    for spine in inset.spines.values():
        spine.set_edgecolor("#999")


def _paths(geoms: np.ndarray) -> list[Any]:
    """One matplotlib Path per (multi)polygon, holes included (much faster than patches)."""
    from matplotlib.path import Path as MPath

    oriented = shapely.orient_polygons(geoms)
    _, coords, offsets = shapely.to_ragged_array(oriented)
    geom_off: np.ndarray
    if len(offsets) == 2:
        ring_off, part_off = offsets
        geom_off = np.arange(len(part_off))
    else:
        ring_off, part_off, geom_off = offsets
    codes = np.full(len(coords), MPath.LINETO, dtype=MPath.code_type)
    codes[ring_off[:-1]] = MPath.MOVETO
    codes[ring_off[1:] - 1] = MPath.CLOSEPOLY
    starts = ring_off[part_off[geom_off]]
    return [MPath(coords[a:b], codes[a:b]) for a, b in itertools.pairwise(starts)]


def _draw(
    ax: Any, gdf: gpd.GeoDataFrame, cls: np.ndarray, palette: Sequence[str], *,
    outlines: Sequence[str], highlight: set[str] | None, edge_width: float,
    ctx: dict[str, Any] | None = None, symbols: str | bool = "auto",
) -> None:
    from matplotlib.collections import PathCollection

    face = [palette[c] if c >= 0 else "#ffffff" for c in cls]
    nodata = cls < 0
    geoms = np.asarray(gdf.geometry.values)
    paths = _paths(geoms)
    ax.add_collection(PathCollection(paths, facecolors=face, edgecolors="#9a9a9a",
                                     linewidths=edge_width, zorder=2))
    if nodata.any():
        ax.add_collection(PathCollection([p for p, n in zip(paths, nodata, strict=True) if n],
                                         facecolors="#ffffff", edgecolors="#9a9a9a",
                                         hatch="////", linewidths=edge_width, zorder=2))
    # the areas of interest: the highlighted rows, else those with a value
    code = next((c for c in ("tambon_code", "amphoe_code", "changwat_code")
                 if c in gdf.columns), None)
    marked = ~nodata
    if highlight and code is not None:
        marked = gdf[code].astype(str).isin(highlight).to_numpy()
    if not marked.any():
        marked = np.ones(len(gdf), dtype=bool)
    bounds = shapely.total_bounds(geoms[marked] if ctx is not None or marked.sum() < len(gdf)
                                  else geoms)
    if ctx is not None or marked.sum() < len(gdf) * 0.5:
        _extent(ax, bounds)
    else:
        _extent(ax, shapely.total_bounds(geoms), pad=0.02)
    regional = False
    if ctx is not None:
        x0, x1 = ax.get_xlim()
        regional = (x1 - x0) < 450_000  # narrower than half of Thailand
        _draw_context(ax, ctx, regional=regional)
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
        sel.boundary.plot(ax=ax, color=HIGHLIGHT_COLOR, linewidth=1.4, zorder=4)
    ax._tg_dots = False
    if wants_symbols(symbols, marked=int(marked.sum()), rows=len(gdf), context=ctx is not None):
        # a circle in the area's colour where the polygon is too small to see on the page
        x0, x1 = ax.get_xlim()
        b = shapely.bounds(geoms[marked])
        size = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
        small = size < 0.025 * (x1 - x0)
        if small.any():
            pts = shapely.get_coordinates(shapely.point_on_surface(geoms[marked][small]))
            colours = [palette[c] if c >= 0 else "#bdbdbd" for c in cls[marked][small]]
            # the ring of a highlighted area's dot is the red of its outline, as on the web
            ax.scatter(pts[:, 0], pts[:, 1], s=38 if len(pts) <= 200 else 12, c=colours,
                       edgecolors=HIGHLIGHT_COLOR if highlight else "white",
                       linewidths=1.1 if highlight else 0.8, zorder=5)
            ax._tg_dots = True
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax._tg_regional = regional


def _codes(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the codes of the rows at their finest level (what ``highlight`` names)."""
    code = next((c for c in ("tambon_code", "amphoe_code", "changwat_code") if c in gdf.columns),
                None)  # fmt: skip
    return [] if code is None else gdf[code].astype(str).tolist()


def _highlight_handle(label: str | None, count: int, *, dots: bool, lang: str) -> Any:
    """Return the legend entry of the highlighted areas (as the web legend says it)."""
    from matplotlib.patches import Patch

    text = MAP_TEXT[lang]
    how = text["highlight_how"] + (f"; {text['highlight_dots_print']}" if dots else "")
    return Patch(facecolor="none", edgecolor=HIGHLIGHT_COLOR, linewidth=1.4,
                 label=f"{label or text['highlight']} ({how})  ({count:,})")


def _legend(ax: Any, labels: Sequence[str], palette: Sequence[str], counts: Sequence[int], *,
            nodata: int, nodata_label: str, title: str | None, loc: str = "lower right",
            highlight: Any = None) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#666", label=f"{lab}  ({n:,})")
               for lab, c, n in zip(labels, palette, counts, strict=True)]
    if nodata:
        handles.append(Patch(facecolor="#ffffff", edgecolor="#666", hatch="////",
                             label=f"{nodata_label}  ({nodata:,})"))
    if highlight is not None:
        handles.append(highlight)
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
    kind: str = "auto",
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    categories: Sequence[Any] | None = None,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    highlight: Iterable[str] | None = None,
    highlight_label: str | None = None,
    figsize: tuple[float, float] = (7.5, 10),
    dpi: int = 200,
    ax: Any = None,
    path: str | Path | None = None,
    options: MapOptions | None = None,
    title: str | Unset | None = UNSET,
    legend_title: str | Unset | None = UNSET,
    nodata_label: str | Unset | None = UNSET,
    lang: str | Unset = UNSET,
    outlines: Sequence[str] | Unset | None = UNSET,
    credit: str | Unset | None = UNSET,
    context: Any = UNSET,
    symbols: str | bool | Unset = UNSET,
    categorical: bool | None = None,
) -> Any:
    """Draw a static choropleth (or categorical) map with title, legend, north arrow and scale.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema with the column to map.
    column : str
        The column to map: numbers are classed by ``scheme``, categories get one colour each.
    kind : {"auto", "numeric", "categorical"}, default "auto"
        How the column is coloured; ``"auto"`` decides by its values
        (:func:`tambon_gis.maps.infer_kind`: numbers, also stored as text, are numeric).
    scheme, k, bins, cmap
        Classification and colours as in :func:`tambon_gis.maps.choropleth`.
    categories, colors
        Category order and colours as in :func:`tambon_gis.maps.categorical`.
    highlight : iterable of str, optional
        Codes to outline in red; the legend says how they are drawn.
    highlight_label : str, optional
        Their name in the legend (default "ตำบลที่เน้น" / "Highlighted tambons").
    figsize, dpi
        Figure size (inches) and resolution of a saved PNG.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    path : str or Path, optional
        Save to ``.png``, ``.pdf`` or ``.svg``.
    options : MapOptions, optional
        The presentation, shared with the web maps (:class:`tambon_gis.maps.MapOptions`
        gives each field's default and meaning). A figure uses ``lang`` (also for the north
        arrow and units), ``title``, ``legend_title``, ``nodata_label``, ``outlines``
        (amphoe and changwat borders), ``credit``, ``context`` (the extent is the areas'
        with padding, and a locator map of Thailand is added when it is regional) and
        ``symbols``; the others are for web maps.
    title, legend_title, nodata_label, lang, outlines, credit, context, symbols
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly; each wins over the
        same field of ``options``.
    categorical : bool, optional
        Deprecated: say ``kind="categorical"``; it warns (``FutureWarning``) and goes in the
        next release.

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
    import matplotlib
    from matplotlib.figure import Figure

    opts = resolve_options(
        options, fn="plot_map", title=title, legend_title=legend_title,
        nodata_label=nodata_label, lang=lang, outlines=outlines, credit=credit,
        context=context, symbols=symbols,
    )
    kind = _kind(kind, categorical, fn="plot_map")
    lang = opts.lang
    data = _prepare(gdf, [column], fn="plot_map")
    cls, labels, is_cat = _classes(gdf[column], scheme=scheme, k=k, bins=bins, kind=kind,
                                   categories=categories, fn="plot_map")
    palette = _colors(len(labels), cmap=cmap, categorical=is_cat, colors=colors, cats=labels)
    with matplotlib.rc_context(_rc()):
        if ax is None:
            fig = Figure(figsize=figsize, layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        ctx = _context(gdf, opts.context)
        _draw(ax, data, cls, palette, outlines=opts.outlines or (),
              highlight={str(c) for c in highlight} if highlight is not None else None,
              edge_width=0.08 if len(data) > 2000 else 0.3, ctx=ctx, symbols=opts.symbols)
        if ctx is not None and getattr(ax, "_tg_regional", False):
            _locator(ax, ctx)
        if opts.title:
            ax.set_title(opts.title, fontsize=14, fontweight="bold")
        _legend(ax, labels, palette, [int((cls == i).sum()) for i in range(len(labels))],
                nodata=int((cls < 0).sum()),
                nodata_label=(_TEXT[lang]["nodata"] if opts.nodata_label is None
                              else opts.nodata_label),
                title=opts.legend_title or column,
                highlight=None if not highlight else _highlight_handle(
                    highlight_label, len(set(map(str, highlight)) & set(_codes(data))),
                    dots=getattr(ax, "_tg_dots", False), lang=lang))
        _north_arrow(ax, lang=lang)
        _scale_bar(ax, lang=lang, right=ctx is not None and getattr(ax, "_tg_regional", False))
        if opts.credit:
            ax.text(0.0, -0.01, credit_line(opts.credit, lang=lang), transform=ax.transAxes,
                    fontsize=6, color="#555", va="top")
        _save(fig, path, dpi=dpi)
    log.info("plot_map returned a figure of %s rows of %r (%d classes)", f"{len(gdf):,}",
             column, len(labels))
    return fig


def _panel_labels(
    step_labels: Sequence[str] | None, labels: Sequence[str] | Unset, columns: list[str]
) -> list[str]:
    """Return the panel titles of :func:`small_multiples` (``labels=`` is deprecated)."""
    step_labels = renamed_keyword("small_multiples", "labels", "step_labels", labels,
                                  step_labels)
    out = list(step_labels) if step_labels is not None else [str(c) for c in columns]
    if len(out) != len(columns):
        raise ValidationError(
            f"small_multiples(): {len(out)} step_labels for {len(columns)} columns; give one "
            "each"
        )
    return out


def small_multiples(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    step_labels: Sequence[str] | None = None,
    ncols: int = 3,
    kind: str = "auto",
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str | Sequence[str] = "YlGnBu",
    categories: Sequence[Any] | None = None,
    colors: Mapping[Any, str] | Sequence[str] | None = None,
    highlight: Iterable[str] | None = None,
    highlight_label: str | None = None,
    panel_size: float = 3.2,
    dpi: int = 200,
    path: str | Path | None = None,
    options: MapOptions | None = None,
    title: str | Unset | None = UNSET,
    legend_title: str | Unset | None = UNSET,
    nodata_label: str | Unset | None = UNSET,
    lang: str | Unset = UNSET,
    outlines: Sequence[str] | Unset | None = UNSET,
    credit: str | Unset | None = UNSET,
    context: Any = UNSET,
    symbols: str | bool | Unset = UNSET,
    categorical: bool | None = None,
    labels: Sequence[str] | Unset = UNSET,
) -> Any:
    """Draw one small map per column (e.g. per fiscal quarter) with one shared legend.

    Numeric columns are classed together, so one colour means the same range in every panel;
    every panel has the same extent (the areas' with padding). The keywords not listed below
    work as in :func:`plot_map`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in the canonical schema.
    columns : sequence of str
        Columns, one panel each.
    step_labels : sequence of str, optional
        Panel titles (default: the column names), e.g. ``["ไตรมาส 1/2568", ...]``; the
        ``step_labels`` of :func:`tambon_gis.maps.timeslider`.
    ncols : int, default 3
        Panels per row.
    kind : {"auto", "numeric", "categorical"}, default "auto"
        As in :func:`plot_map`, decided on the columns stacked.
    panel_size : float, default 3.2
        Width of a panel in inches.
    options : MapOptions, optional
        As in :func:`plot_map`; ``title`` is over the panels.
    labels, categorical : optional
        Deprecated spellings of ``step_labels=`` and ``kind="categorical"``; they warn
        (``FutureWarning``) and go in the next release.

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
    >>> fig = small_multiples(gdf, ["q1", "q2"], step_labels=["Q1", "Q2"], k=3, outlines=())
    >>> [a.get_title() for a in fig.axes if a.get_title()]
    ['Q1', 'Q2']
    """
    import matplotlib
    from matplotlib.figure import Figure

    opts = resolve_options(
        options, fn="small_multiples", title=title, legend_title=legend_title,
        nodata_label=nodata_label, lang=lang, outlines=outlines, credit=credit,
        context=context, symbols=symbols,
    )
    kind = _kind(kind, categorical, fn="small_multiples")
    lang = opts.lang
    columns = list(columns)
    if not columns:
        raise ValidationError("small_multiples(): columns is empty; pass one column per panel")
    panel_titles = _panel_labels(step_labels, labels, columns)
    data = _prepare(gdf, columns, fn="small_multiples")
    stacked = pd.concat([gdf[c] for c in columns], ignore_index=True)
    stacked.name = opts.legend_title or opts.title or columns[0]
    cls_all, legend_labels, is_cat = _classes(stacked, scheme=scheme, k=k, bins=bins, kind=kind,
                                              categories=categories, fn="small_multiples")
    palette = _colors(len(legend_labels), cmap=cmap, categorical=is_cat, colors=colors,
                      cats=legend_labels)
    n = len(gdf)
    ncols = max(1, min(ncols, len(columns)))
    nrows = math.ceil(len(columns) / ncols)
    ctx = _context(gdf, opts.context)
    xmin, ymin, xmax, ymax = data.total_bounds
    aspect = min(max((ymax - ymin) / max(xmax - xmin, 1), 0.75), 1.6)
    highlight_set = {str(c) for c in highlight} if highlight is not None else None
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(panel_size * ncols, panel_size * aspect * nrows + 1.2),
                     layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for i, label in enumerate(panel_titles):
            ax = axes[i // ncols][i % ncols]
            _draw(ax, data, cls_all[i * n : (i + 1) * n], palette, outlines=opts.outlines or (),
                  highlight=highlight_set, edge_width=0.05 if n > 2000 else 0.2, ctx=ctx,
                  symbols=opts.symbols)
            ax.set_title(label, fontsize=10)
        _same_extent([axes[i // ncols][i % ncols] for i in range(len(columns))])
        for j in range(len(columns), nrows * ncols):
            axes[j // ncols][j % ncols].set_axis_off()
        first = axes[0][0]
        _north_arrow(first, lang=lang)
        _scale_bar(first, lang=lang)
        if opts.title:
            fig.suptitle(opts.title, fontsize=14, fontweight="bold")
        from matplotlib.patches import Patch

        handles = [Patch(facecolor=c, edgecolor="#666", label=lab)
                   for lab, c in zip(legend_labels, palette, strict=True)]
        if (cls_all < 0).any():
            handles.append(Patch(facecolor="#ffffff", edgecolor="#666", hatch="////",
                                 label=_TEXT[lang]["nodata"] if opts.nodata_label is None
                                 else opts.nodata_label))
        if highlight_set:
            handles.append(_highlight_handle(
                highlight_label, len(highlight_set & set(_codes(data))),
                dots=any(getattr(a, "_tg_dots", False) for row in axes for a in row), lang=lang))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6),
                   fontsize=8, title=opts.legend_title, title_fontsize=9, frameon=False)
        if opts.credit:
            fig.text(0.005, 0.995, credit_line(opts.credit, lang=lang), fontsize=6,
                     color="#555", ha="left", va="top")
        _save(fig, path, dpi=dpi)
    log.info("small_multiples returned a figure of %d panels of %s rows", len(columns),
             f"{len(gdf):,}")
    return fig


def _same_extent(used: Sequence[Any]) -> None:
    """Give every panel the same extent: the union of the panels' (they differ by values)."""
    xs = [a.get_xlim() for a in used]
    ys = [a.get_ylim() for a in used]
    for a in used:
        a.set_xlim(min(x[0] for x in xs), max(x[1] for x in xs))
        a.set_ylim(min(y[0] for y in ys), max(y[1] for y in ys))
