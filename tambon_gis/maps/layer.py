"""The common builder: one map layer (fill, outlines, labels, search, symbols) as a page spec.

:func:`build_layer` turns classified values into the layer spec the page's runtime draws from
the shared topology; :func:`tambon_gis.maps.choropleth`, ``categorical`` and ``timeslider``
differ only in how they class the values.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis._errors import CRSError, SchemaError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.maps.classify import HIGHLIGHT_COLOR, NODATA_COLOR, legend_highlight_row
from tambon_gis.maps.context import context_layer_spec
from tambon_gis.maps.options import (
    LEVELS,
    MapOptions,
    basemap_specs,
    columns_arg,
    level_of,
    name_columns,
    wants_symbols,
)
from tambon_gis.maps.page import element_classes, encode_field, new_map, page_json, topology_for
from tambon_gis.maps.text import TEXT, credit_line, formatted

log = get_logger(__name__)


_OUTLINE_STYLE = {
    "amphoe": {"color": "#555555", "weight": 0.9, "opacity": 0.8},
    "changwat": {"color": "#1a1a1a", "weight": 1.7, "opacity": 0.9},
    "region": {"color": "#000000", "weight": 2.6, "opacity": 0.9},
}


_LABEL_ZOOM = {"region": (5, 6), "changwat": (7, 8), "amphoe": (9, 10), "tambon": (11, 30)}


def _label_points(
    gdf: gpd.GeoDataFrame, simple: np.ndarray, level: str, by: str
) -> list[list[Any]]:
    """One label point per group: the representative point of the group's most central row."""
    reps = shapely.point_on_surface(simple)
    xy = shapely.get_coordinates(reps)
    area = shapely.area(simple)
    keys = gdf[by].astype(str).to_numpy()
    frame = pd.DataFrame({"k": keys, "x": xy[:, 0], "y": xy[:, 1], "a": area})
    frame["ax"], frame["ay"] = frame.x * frame.a, frame.y * frame.a
    sums = frame.groupby("k", sort=False)[["ax", "ay", "a"]].transform("sum")
    cx, cy = sums.ax / sums.a.where(sums.a > 0, 1), sums.ay / sums.a.where(sums.a > 0, 1)
    frame["d"] = (frame.x - cx) ** 2 + (frame.y - cy) ** 2
    best = frame.reset_index(drop=True).groupby("k", sort=False)["d"].idxmin()
    return [[round(float(xy[i, 1]), 4), round(float(xy[i, 0]), 4), int(i)] for i in best.to_numpy()]


def _add_field(fields: dict[str, dict[str, Any]], key: str, values: Sequence[Any]) -> str:
    """Encode ``values`` as the layer's field ``key`` (in the order fields are added)."""
    fields[key] = encode_field(values)
    return key


def _tooltip_popup_rows(
    gdf: gpd.GeoDataFrame,
    fields: dict[str, dict[str, Any]],
    *,
    steps: list[dict[str, Any]],
    names: dict[str, str],
    own_level: str | None,
    tooltip: Sequence[str] | bool | None,
    tooltip_cols: Sequence[str] | None,
    popup_cols: Sequence[str] | None,
    text: dict[str, str],
    dates: str,
    lang: str,
) -> tuple[list[list[str]], list[list[str]]]:
    """Return the tooltip and popup rows, adding the fields of their extra columns."""
    # tooltip rows: names of the feature, then the mapped value, then extra columns
    rows: list[list[str]] = []
    if own_level:
        rows.append(["", names[own_level]])
        for parent in LEVELS[LEVELS.index(own_level) + 1 :]:
            if parent in names and parent != "region":
                rows.append([text[parent], names[parent]])
    rows.append(["", "@value"])
    extra_rows = []
    for col in tooltip_cols or []:
        key = f"col:{col}"
        if key not in fields:
            _add_field(fields, key, formatted(gdf[col], dates=dates, lang=lang))
        extra_rows.append([str(col), key])
    tooltip_rows = [] if tooltip is False else rows + extra_rows
    popup_rows: list[list[str]] = []
    if popup_cols:
        mapped = {step["field"].split(":", 1)[1] for step in steps}
        # the mapped value is listed once: as its own popup column when it is one
        popup_rows = [r for r in rows if not (r[1] == "@value" and mapped & set(popup_cols))]
        for col in popup_cols:
            key = f"col:{col}"
            if key not in fields:
                _add_field(fields, key, formatted(gdf[col], dates=dates, lang=lang))
            popup_rows.append([str(col), key])
    return tooltip_rows, popup_rows


def _outline_specs(
    gdf: gpd.GeoDataFrame,
    fields: dict[str, dict[str, Any]],
    outline_levels: list[str],
    *,
    text: dict[str, str],
    fn: str,
) -> list[dict[str, Any]]:
    """Return the outlines to draw, adding the code field each is drawn from."""
    outline_specs = []
    for o in outline_levels:
        col = f"{o}_code"
        if col not in gdf.columns:
            log.info("%s(): no %r column, so no %s outlines", fn, col, o)
            continue
        key = _add_field(fields, f"code:{o}", gdf[col].astype(str).tolist())
        outline_specs.append(
            {"level": o, "field": key, "name": text[f"outline_{o}"], "exterior": o == "changwat"
             or (o == outline_levels[-1]), **_OUTLINE_STYLE[o]}
        )
    # a border drawn by a coarser outline (a changwat border is also an amphoe border) is
    # left out of the finer one: fewer lines to draw
    drawn = {s["level"]: s["field"] for s in outline_specs}
    for spec_o in outline_specs:
        spec_o["skip"] = [drawn[c] for c in ("changwat", "region")
                          if c in drawn and LEVELS.index(c) > LEVELS.index(spec_o["level"])]
    return outline_specs


def _highlight_rows(
    gdf: gpd.GeoDataFrame, highlight: Iterable[str] | None, *, code: str | None, fn: str
) -> list[int]:
    """Return the sorted row positions of the highlighted codes."""
    if highlight is None:
        return []
    if code is None:
        raise SchemaError(f"{fn}(): highlight needs a '*_code' column to find the rows")
    wanted = [str(c) for c in highlight]
    pos = {c: i for i, c in enumerate(gdf[code].astype(str).tolist())}
    unknown = [c for c in wanted if c not in pos]
    if unknown:
        raise ValidationError(
            f"{fn}(): highlight codes {unknown[:10]} are not in the map's {code} column; "
            "pass codes of rows of the GeoDataFrame"
        )
    return sorted({pos[c] for c in wanted})


def _label_specs(
    gdf: gpd.GeoDataFrame, simple: np.ndarray, *, names: dict[str, str], level: str | None
) -> list[dict[str, Any]]:
    """Return the name labels of the rows' level and the coarser levels, with their zooms."""
    label_specs = []
    for lvl in ("region", "changwat", "amphoe", "tambon"):
        if lvl not in names or f"{lvl}_code" not in gdf.columns:
            continue
        if level is None or LEVELS.index(lvl) < LEVELS.index(level):
            continue  # finer than the rows: nothing to name
        lo, hi = _LABEL_ZOOM[lvl]
        if lvl == level:
            xy = shapely.get_coordinates(shapely.point_on_surface(simple))
            # one point per row, in row order: the row is the point's position (no index),
            # to 0.001° (about 110 m, under 2 px where tambon names show)
            pts = [[round(float(y), 3), round(float(x), 3)] for x, y in xy]
            hi = 30
        else:
            pts = _label_points(gdf, simple, lvl, f"{lvl}_code")
        label_specs.append(
            {"field": names[lvl], "points": pts, "min_zoom": lo, "max_zoom": hi,
             "class_name": f"tg-label-{lvl}"}
        )
    return label_specs


def _search_spec(
    gdf: gpd.GeoDataFrame,
    fields: dict[str, dict[str, Any]],
    *,
    names: dict[str, str],
    own_level: str,
) -> tuple[list[str], list[str]]:
    """Return the fields searched and shown by the search box, adding the missing ones."""
    search_fields = []
    for suffix in ("th", "en"):
        col = f"{own_level}_{suffix}"
        if col in gdf.columns:
            if col not in fields:
                _add_field(fields, col, gdf[col].tolist())
            search_fields.append(col)
    search_label = [names[own_level]] + [
        names[p]
        for p in LEVELS[LEVELS.index(own_level) + 1 :]
        if p in names and p != "region"
    ]
    return search_fields, search_label


def _focus(
    gdf: gpd.GeoDataFrame,
    simple: np.ndarray,
    *,
    steps: list[dict[str, Any]],
    highlight_idx: list[int],
    symbols: Any,
    context_spec: Any,
    text: dict[str, str],
) -> tuple[list[list[float]], dict[str, Any] | None]:
    """Return the bounds to fit and the symbols marking the areas of interest (or None).

    The areas of interest are the rows with a value in some step (all rows when every row has
    one) and the highlighted rows.
    """
    has_value = np.zeros(len(gdf), dtype=bool)
    for step in steps:
        has_value |= np.asarray(step["classes"]) >= 0
    if highlight_idx:
        has_value[highlight_idx] = True
    focus = np.flatnonzero(has_value) if has_value.any() else np.arange(len(gdf))
    fb = shapely.total_bounds(simple[focus])
    fit_bounds = [[float(fb[1]), float(fb[0])], [float(fb[3]), float(fb[2])]]
    symbol_spec = None
    # the symbols mark the areas of interest: the highlighted rows, else the rows with a value
    marked = np.asarray(highlight_idx, dtype=int) if highlight_idx else focus
    if wants_symbols(symbols, marked=len(marked), rows=len(gdf),
                     context=context_spec is not None):
        xy = shapely.get_coordinates(shapely.point_on_surface(simple[marked]))
        symbol_spec = {
            "points": [[round(float(y), 5), round(float(x), 5), int(i)]
                       for (x, y), i in zip(xy, marked, strict=True)],
            "radius": 6.5 if len(marked) <= 200 else 4.5,
            "max_px": 16,
            "name": text["symbols"],
            # the ring of a highlighted area's dot is the red of its outline (the legend says so)
            "ring": HIGHLIGHT_COLOR if highlight_idx else "#ffffff",
        }
    return fit_bounds, symbol_spec


def build_layer(
    gdf: gpd.GeoDataFrame,
    *,
    steps: list[dict[str, Any]],
    value_fields: dict[str, list[str | None]],
    palette: list[str],
    legend: str | None,
    options: MapOptions,
    popup_html: str | None,
    highlight: Iterable[str] | None,
    m: Any,
    name: str | None,
    fn: str,
    highlight_label: str | None = None,
) -> Any:
    """Add one layer (classes ``steps`` coloured by ``palette``) to a map and return it.

    The presentation is ``options``, already merged with the builder's keywords. The
    highlighted rows get a row of the legend, named ``highlight_label`` (default "highlighted
    tambons"), that says how they are drawn.
    """
    opts = options
    lang, dates, tooltip = opts.lang, opts.dates, opts.tooltip
    text = TEXT[lang]
    nodata_label = text["nodata"] if opts.nodata_label is None else str(opts.nodata_label)
    if gdf.crs is None:
        raise CRSError(
            f"{fn}(): the GeoDataFrame has no CRS; set it with gdf.set_crs('EPSG:4326') if the "
            "coordinates are longitude/latitude"
        )
    gdf = gdf if gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")
    level = level_of(gdf)
    code = f"{level}_code" if level else None
    names = name_columns(gdf, lang)
    tooltip_cols = columns_arg(tooltip, name="tooltip", gdf=gdf, fn=fn)
    popup_cols = columns_arg(opts.popup, name="popup", gdf=gdf, fn=fn)
    if popup_html is not None and popup_html not in gdf.columns:
        raise SchemaError(
            f"{fn}(): popup_html={popup_html!r} is not a column of the GeoDataFrame; pass the "
            "name of a column holding HTML built by tambon_gis"
        )
    outline_levels = list(opts.outlines or [])

    if m is None:
        m = new_map(gdf)
    topo_layer_class, _ = element_classes()
    context_spec, context_ids = context_layer_spec(m, gdf, opts.context, level=level, lang=lang,
                                                   fn=fn)
    topo_id, _topo, simple = topology_for(m, gdf, tolerance=opts.tolerance, code=code)

    fields: dict[str, dict[str, Any]] = {}
    for _level_name, col in names.items():
        _add_field(fields, col, gdf[col].tolist())
    for key, values in value_fields.items():
        _add_field(fields, key, values)
    own_level = level if level in names else (next(iter(names)) if names else None)
    tooltip_rows, popup_rows = _tooltip_popup_rows(
        gdf, fields, steps=steps, names=names, own_level=own_level, tooltip=tooltip,
        tooltip_cols=tooltip_cols, popup_cols=popup_cols, text=text, dates=dates, lang=lang,
    )
    if popup_html is not None:
        _add_field(fields, "html:popup", [None if v is None or v is pd.NA or (
            isinstance(v, float) and math.isnan(v)) else str(v) for v in gdf[popup_html].tolist()])
    outline_specs = _outline_specs(gdf, fields, outline_levels, text=text, fn=fn)
    highlight_idx = _highlight_rows(gdf, highlight, code=code, fn=fn)
    label_specs = _label_specs(gdf, simple, names=names, level=level) if opts.labels else []
    search_fields: list[str] = []
    search_label: list[str] = []
    if opts.search and own_level:
        search_fields, search_label = _search_spec(gdf, fields, names=names, own_level=own_level)
    fit_bounds, symbol_spec = _focus(
        gdf, simple, steps=steps, highlight_idx=highlight_idx, symbols=opts.symbols,
        context_spec=context_spec, text=text,
    )

    highlight_name = str(highlight_label or text["highlight"])
    if legend is not None and highlight_idx:
        legend += legend_highlight_row(
            highlight_name, len(highlight_idx), dots=symbol_spec is not None, text=text
        )
    title = opts.title
    layer_name = name or (title or steps[0]["label"])
    spec = {
        "id": hashlib.sha1(f"{layer_name}{len(m._children)}".encode()).hexdigest()[:8],
        "topo": topo_id,
        "name": html.escape(str(layer_name)),
        "fields": fields,
        "steps": steps,
        "current": 0,
        "palette": palette,
        "nodata": {"fill": NODATA_COLOR, "opacity": 0.55, "dash": "2 2"},
        "nodata_label": nodata_label,
        "fill_opacity": 0.8,
        "line": {"color": "#7a7a7a", "weight": 0.35 if len(gdf) > 2000 else 0.6, "opacity": 0.7},
        "tooltip": tooltip_rows,
        "popup": popup_rows,
        "popup_html": "html:popup" if popup_html is not None else None,
        "outlines": outline_specs,
        "highlight": highlight_idx,
        "highlight_style": {"color": HIGHLIGHT_COLOR, "weight": 2.5},
        "highlight_name": html.escape(f"{highlight_name} ({len(highlight_idx):,})"),
        "labels": label_specs,
        "legend": legend,
        "search": search_fields,
        "search_label": search_label,
        "basemaps": basemap_specs(opts.basemap),
        "fullscreen": True,
        "title": None if title is None else str(title),
        "text": text,
        "fit": False,
        "fit_bounds": fit_bounds,
        "fit_padding": 0.07,
        "context": context_spec,
        "symbols": symbol_spec,
        "credit": html.escape(credit_line(opts.credit, lang=lang)),
    }
    ids = [*context_ids, topo_id]
    m.add_child(topo_layer_class(spec, [(i, page_json(m, i)) for i in ids]))
    return m


def value_steps(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    classes: Sequence[np.ndarray],
    labels: Sequence[str],
    *, dates: str, lang: str,
) -> tuple[list[dict[str, Any]], dict[str, list[str | None]]]:
    """Return the steps of a layer (one per column) and the formatted value fields."""
    steps, value_fields = [], {}
    for col, cls, label in zip(columns, classes, labels, strict=True):
        key = f"value:{col}"
        value_fields[key] = formatted(gdf[col], dates=dates, lang=lang)
        steps.append({"field": key, "label": str(label), "classes": [int(c) for c in cls]})
    return steps, value_fields
