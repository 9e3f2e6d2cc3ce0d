"""Interactive maps of tambons that open fast, work offline and speak Thai.

The builders return :class:`folium.Map` objects, so they display inline in Jupyter and can be
extended with any folium feature. Unlike ``GeoDataFrame.explore()``, the geometry is simplified
as a coverage and embedded **once** per page as quantised TopoJSON
(:mod:`tambon_gis.webgeom`); the tambon fill, the amphoe and changwat outlines, the highlighted
tambons and the labels are all drawn from it in the browser. :func:`save` with ``offline=True``
writes a self-contained page: Leaflet, topojson-client, the map runtime and a Thai font subset
(Sarabun) are inlined from the package's vendored assets, so the page opens with no network.

Every text that comes from data reaches the page as JSON and is inserted with ``textContent``;
legends and panels are built here with :func:`html.escape`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis import maps
>>> gdf = gpd.GeoDataFrame(
...     {"tambon_code": ["320101", "320102"], "tambon_th": ["ในเมือง", "ตั้งใจ"],
...      "households": [1200, 850]},
...     geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
...     crs="EPSG:4326")
>>> m = maps.choropleth(gdf, "households", k=2, tooltip=["households"])
>>> type(m).__name__
'Map'
>>> "ในเมือง" in m.get_root().render()
True
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import webgeom
from tambon_gis._errors import (
    CRSError,
    DataNotFoundError,
    SchemaError,
    ValidationError,
)
from tambon_gis._logging import get_logger
from tambon_gis.webgeom.cache import digest_scope, geometry_hash

log = get_logger(__name__)

__all__ = [
    "BASEMAPS",
    "NODATA_COLOR",
    "SCHEMES",
    "add_panel",
    "attach_columns",
    "categorical",
    "choropleth",
    "context_layers",
    "credit",
    "format_value",
    "save",
    "timeslider",
]

#: Classification schemes of :func:`choropleth` (names of :func:`mapclassify.classify`).
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user_defined")

#: Fill colour of rows with no value.
NODATA_COLOR = "#ffffff"

#: Basemaps by name: ``None`` (no tiles, for offline use) or one of these keys.
BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {
        "name": "OpenStreetMap",
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "&copy; OpenStreetMap contributors",
        "max_zoom": 19,
    },
    "positron": {
        "name": "CARTO Positron",
        "url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attribution": "&copy; OpenStreetMap contributors &copy; CARTO",
        "max_zoom": 20,
    },
    "satellite": {
        "name": "Esri World Imagery",
        "url": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/"
        "tile/{z}/{y}/{x}",
        "attribution": "Tiles &copy; Esri",
        "max_zoom": 19,
    },
}

_LEVELS = ("tambon", "amphoe", "changwat", "region")

_TEXT = {
    "th": {
        "tambon": "ตำบล",
        "amphoe": "อำเภอ",
        "changwat": "จังหวัด",
        "region": "ภาค",
        "nodata": "ไม่มีข้อมูล",
        "search": "ค้นหาตำบล (ไทย / English)",
        "not_found": "ไม่พบ",
        "fullscreen": "เต็มจอ",
        "no_basemap": "ไม่มีแผนที่ฐาน",
        "slider": "เลือกช่วงเวลา",
        "highlight": "ตำบลที่เน้น",
        "outline_amphoe": "เขตอำเภอ",
        "outline_changwat": "เขตจังหวัด",
        "outline_region": "เขตภาค",
        "blank": "(ว่าง)",
        "context": "ภูมิศาสตร์โดยรอบ",
        "symbols": "สัญลักษณ์พื้นที่ขนาดเล็ก",
    },
    "en": {
        "tambon": "Tambon",
        "amphoe": "District",
        "changwat": "Province",
        "region": "Region",
        "nodata": "No data",
        "search": "Search tambon (Thai / English)",
        "not_found": "Not found",
        "fullscreen": "Full screen",
        "no_basemap": "No basemap",
        "slider": "Choose the period",
        "highlight": "Highlighted tambons",
        "outline_amphoe": "District borders",
        "outline_changwat": "Province borders",
        "outline_region": "Region borders",
        "blank": "(blank)",
        "context": "Surrounding geography",
        "symbols": "Symbols of small areas",
    },
}

_THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)

_OUTLINE_STYLE = {
    "amphoe": {"color": "#555555", "weight": 0.9, "opacity": 0.8},
    "changwat": {"color": "#1a1a1a", "weight": 1.7, "opacity": 0.9},
    "region": {"color": "#000000", "weight": 2.6, "opacity": 0.9},
}

#: Colours of the context geography drawn around the areas of a map.
CONTEXT_STYLE = {
    "land": "#ecebe6",
    "tambon": "#d2d0c8",
    "tambon_fill": "#f5f4f0",
    "amphoe": "#b9b6ad",
    "changwat": "#77736b",
}

#: Below this many rows a tambon layer (amphoe: 400, changwat: 40) is a set of areas of
#: interest, drawn with the country around it (``context="auto"``).
_CONTEXT_ROWS = {"tambon": 3000, "amphoe": 400, "changwat": 40, "region": 0}

_CREDIT = {
    "th": "ขอบเขตการปกครอง: {attribution} (ข้อมูล ณ {vintage})",
    "en": "Boundaries: {attribution} (as of {vintage})",
}

_LABEL_ZOOM = {"region": (5, 6), "changwat": (7, 8), "amphoe": (9, 10), "tambon": (11, 30)}


# --------------------------------------------------------------------------------------------
# assets


@cache
def _asset(relative: str) -> bytes:
    return resources.files("tambon_gis").joinpath("_assets", relative).read_bytes()


def _asset_text(relative: str) -> str:
    return _asset(relative).decode("utf-8")


def _data_uri(relative: str, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(_asset(relative)).decode('ascii')}"


@cache
def _leaflet_css_inline() -> str:
    css = _asset_text("leaflet/leaflet.css")
    for name in ("layers.png", "layers-2x.png", "marker-icon.png"):
        uri = _data_uri("leaflet/images/" + name, "image/png")
        css = css.replace(f"url(images/{name})", f"url({uri})")
    return css


@cache
def _leaflet_icon_fix() -> str:
    return (
        "L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({"
        f"iconUrl:'{_data_uri('leaflet/images/marker-icon.png', 'image/png')}',"
        f"iconRetinaUrl:'{_data_uri('leaflet/images/marker-icon-2x.png', 'image/png')}',"
        f"shadowUrl:'{_data_uri('leaflet/images/marker-shadow.png', 'image/png')}'}});"
    )


@cache
def _font_css() -> str:
    faces = []
    for weight, name in ((400, "Sarabun-Regular-subset.woff"), (700, "Sarabun-Bold-subset.woff")):
        uri = _data_uri(f"fonts/{name}", "font/woff")
        faces.append(
            f"@font-face{{font-family:'Sarabun';font-style:normal;font-weight:{weight};"
            f"font-display:swap;src:url({uri}) format('woff');}}"
        )
    return "\n".join(faces)


def _json_for_html(obj: Any) -> str:
    """JSON text safe inside a ``<script>`` element and as a JavaScript literal."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --------------------------------------------------------------------------------------------
# formatting


def format_value(
    value: Any, *, dates: str = "iso", lang: str = "th", decimals: int = 2
) -> str | None:
    """Format one value for a tooltip or popup.

    Numbers get thousands separators (at most ``decimals`` decimals, trailing zeros dropped);
    dates are ISO (``2025-03-12``) or Buddhist-Era (``12 มี.ค. 2568``); missing values are
    ``None``.

    Parameters
    ----------
    value : Any
        The value.
    dates : {"iso", "be"}, default "iso"
        How dates and timestamps are written.
    lang : {"th", "en"}, default "th"
        Language of Buddhist-Era month names (``"en"`` writes ``12 Mar 2568 BE``).
    decimals : int, default 2
        Largest number of decimals of a float.

    Returns
    -------
    str or None
        The text, or ``None`` for a missing value.

    Examples
    --------
    >>> format_value(1234567)
    '1,234,567'
    >>> format_value(0.12345)
    '0.12'
    >>> format_value(pd.Timestamp("2025-03-12"), dates="be")
    '12 มี.ค. 2568'
    >>> format_value(float("nan")) is None
    True
    """
    if dates not in ("iso", "be"):
        raise ValidationError(f"dates={dates!r} is not supported; use 'iso' or 'be'")
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return ("ใช่" if value else "ไม่ใช่") if lang == "th" else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        text = f"{value:,.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (dt.date, pd.Timestamp)):
        ts = pd.Timestamp(value)
        if dates == "be":
            month = _THAI_MONTHS[ts.month - 1] if lang == "th" else ts.strftime("%b")
            suffix = "" if lang == "th" else " BE"
            return f"{ts.day} {month} {ts.year + 543}{suffix}"
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _formatted(series: pd.Series, *, dates: str, lang: str) -> list[str | None]:
    return [format_value(v, dates=dates, lang=lang) for v in series.tolist()]


def _encode_field(values: Sequence[Any]) -> dict[str, Any]:
    """Dictionary-encode a column of texts when it has many repeats (smaller pages)."""
    values = [None if v is None else str(v) for v in values]
    distinct = pd.unique(pd.Series(values, dtype=object).dropna())
    if len(distinct) * 2 < len(values):
        lookup = {v: i for i, v in enumerate(distinct)}
        return {"dict": list(distinct), "codes": [-1 if v is None else lookup[v] for v in values]}
    return {"values": values}


def credit(*, lang: str = "th", source: str | None = None) -> str:
    """Return the credit line (source and vintage of the boundaries) shown on every map.

    Parameters
    ----------
    lang : {"th", "en"}, default "th"
        Language of the line.
    source : str, optional
        A credit of your own (e.g. for other boundaries); it is returned as given.

    Returns
    -------
    str
        Plain text (escape it before putting it in HTML).

    Examples
    --------
    >>> line = credit(lang="en")
    >>> line.startswith("Boundaries:") and "2022" in line and "CC BY-IGO" in line
    True
    """
    if source is not None:
        return str(source)
    attribution, vintage = "HDX COD-AB Thailand (RTSD), CC BY-IGO", "2022-01-21"
    try:
        from tambon_gis import datasets

        src = datasets.get_source()
        if src.attribution:
            attribution = src.attribution + (f", {src.license}" if src.license else "")
        vintage = src.vintage or vintage
    except Exception:  # the registry is optional here; the default is right
        log.debug("no dataset registry entry; using the default credit")
    return _CREDIT["en" if lang == "en" else "th"].format(attribution=attribution,
                                                         vintage=vintage)


_CONTEXT_CACHE: dict[str, gpd.GeoDataFrame] = {}


def context_layers(
    gdf: gpd.GeoDataFrame | None = None,
    *,
    areas: gpd.GeoDataFrame | None = None,
    max_tambons: int = 2500,
) -> dict[str, gpd.GeoDataFrame]:
    """Return the geography drawn around the areas of a map: amphoes of the country and tambons.

    Every map of a few areas (a selection, the operation areas of a programme) is drawn over
    this context: the land, changwat and amphoe borders of the whole country, and the other
    tambons of the changwats the areas are in, muted.

    Parameters
    ----------
    gdf : GeoDataFrame, optional
        National tambon boundaries in the canonical schema; default
        :func:`tambon_gis.load_boundaries` (the package's lookup, which works offline).
    areas : GeoDataFrame, optional
        The areas of interest (with ``changwat_code``); their changwats give the tambons of
        the context. Without it, no tambons are returned.
    max_tambons : int, default 2500
        At most this many context tambons (the changwats with most areas first), which keeps
        pages small.

    Returns
    -------
    dict of GeoDataFrame
        ``"amphoe"``: the country's amphoes (from :func:`tambon_gis.to_level`), with
        ``changwat_code``; ``"tambon"``: the context tambons (possibly empty).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"tambon_code": ["320101", "320102", "330101"], "tambon_th": ["ก", "ข", "ค"],
    ...      "amphoe_code": ["3201", "3201", "3301"], "changwat_code": ["32", "32", "33"],
    ...      "region": ["ภาคตะวันออกเฉียงเหนือ"] * 3},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1),
    ...               box(104, 14, 104.1, 14.1)], crs="EPSG:4326")
    >>> ctx = context_layers(gdf, areas=gdf.iloc[[0]])
    >>> len(ctx["amphoe"]), ctx["tambon"]["tambon_code"].tolist()
    (2, ['320102'])
    """
    if gdf is None:
        from tambon_gis.boundaries import load_boundaries

        gdf = load_boundaries()
    if not isinstance(gdf, gpd.GeoDataFrame) or "changwat_code" not in gdf.columns:
        raise SchemaError(
            "context_layers(): the boundaries need a changwat_code column; pass a tambon layer "
            "read with tambon_gis.load_boundaries()"
        )
    gdf = gdf if gdf.crs is None or gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")
    geoms = np.asarray(gdf.geometry.values)
    key = geometry_hash(geoms, "context", len(gdf))
    if key not in _CONTEXT_CACHE:
        if "tambon_code" in gdf.columns:
            from tambon_gis.boundaries import to_level

            amphoe = to_level(gdf, "amphoe")
        else:
            amphoe = gdf
        _CONTEXT_CACHE.clear()  # one national layer at a time
        _CONTEXT_CACHE[key] = amphoe[["amphoe_code", "changwat_code", "geometry"]] \
            if "amphoe_code" in amphoe.columns else amphoe[["changwat_code", "geometry"]]
    amphoe = _CONTEXT_CACHE[key]
    tambon = gdf.iloc[0:0]
    if areas is not None and "tambon_code" in gdf.columns and "changwat_code" in areas.columns:
        counts = areas["changwat_code"].astype(str).value_counts()
        own = set(areas["tambon_code"].astype(str)) if "tambon_code" in areas.columns else set()
        per = gdf["changwat_code"].astype(str).value_counts()
        chosen, total = [], 0
        for cw in counts.index:
            n = int(per.get(cw, 0))
            if total + n > max_tambons:
                continue
            chosen.append(cw)
            total += n
        mask = gdf["changwat_code"].astype(str).isin(chosen) & ~gdf["tambon_code"].astype(
            str).isin(own)
        tambon = gdf.loc[mask, ["tambon_code", "changwat_code", "geometry"]]
    log.info("context_layers returned %d amphoes and %d tambons", len(amphoe), len(tambon))
    return {"amphoe": amphoe, "tambon": tambon}


_CONTEXT_MISSING: set[str] = set()


def _auto_context(areas: gpd.GeoDataFrame | None, *, fn: str) -> dict[str, Any] | None:
    """Return the context from the boundaries found offline, or None (said once) if none.

    A map never starts a download of the national layer by itself: the lookup runs with
    ``$TAMBON_GIS_OFFLINE`` set.
    """
    import os

    from tambon_gis import settings

    key = os.environ.get("TAMBON_GIS_BOUNDARIES", "")
    if key in _CONTEXT_MISSING:
        return None
    before = os.environ.get(settings.ENV_OFFLINE)
    os.environ[settings.ENV_OFFLINE] = "1"
    try:
        return context_layers(None, areas=areas)
    except DataNotFoundError as exc:
        _CONTEXT_MISSING.add(key)
        log.warning("%s(): no national boundaries found offline, so no context geography is "
                    "drawn (pass context=gdf, or set $TAMBON_GIS_BOUNDARIES): %s", fn,
                    str(exc).splitlines()[0][:300])
        return None
    finally:
        if before is None:
            os.environ.pop(settings.ENV_OFFLINE, None)
        else:
            os.environ[settings.ENV_OFFLINE] = before


def _context_spec(m: Any, gdf: gpd.GeoDataFrame, context: Any, *, level: str | None,
                  lang: str, fn: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Return the context spec of a layer and the topology ids it needs (None: not drawn)."""
    if context is False or context is None or getattr(m, "_tg_context", False):
        return None, []
    if isinstance(context, str):
        if context != "auto":
            raise ValidationError(
                f"{fn}(): context={context!r}; use 'auto', True, False or a GeoDataFrame of "
                "national tambon boundaries"
            )
        if level is None or len(gdf) >= _CONTEXT_ROWS.get(level, 0):
            return None, []
        ctx = _auto_context(gdf if level == "tambon" else None, fn=fn)
        if ctx is None:
            return None, []
    else:
        base = context if isinstance(context, gpd.GeoDataFrame) else None
        ctx = context_layers(base, areas=gdf if level == "tambon" else None)
    ids = []
    a_id, _, _ = _topology_for(m, ctx["amphoe"], tolerance="auto", code=None)
    ids.append(a_id)
    spec: dict[str, Any] = {
        "topo": a_id,
        "fields": {"changwat": ctx["amphoe"]["changwat_code"].astype(str).tolist()},
        "style": CONTEXT_STYLE,
        "amphoe_zoom": 7,
        "name": _TEXT[lang]["context"],
        "tambon_topo": None,
    }
    if len(ctx["tambon"]):
        t_id, _, _ = _topology_for(m, ctx["tambon"], tolerance="auto", code=None)
        spec["tambon_topo"] = t_id
        ids.append(t_id)
    m._tg_context = True
    return spec, ids


# --------------------------------------------------------------------------------------------
# layer preparation


def _level_of(gdf: gpd.GeoDataFrame) -> str | None:
    for level in _LEVELS:
        if f"{level}_code" in gdf.columns:
            return level
    return None


def _check_gdf(gdf: Any, column: str | Sequence[str] | None, *, fn: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"{fn}() needs a GeoDataFrame as first argument, got {type(gdf).__name__}; load one "
            "with tambon_gis.load_boundaries() and join your table with "
            "tambon_gis.join_attributes()"
        )
    columns = [column] if isinstance(column, str) else list(column or [])
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise SchemaError(
            f"{fn}(): column(s) {missing} not in the GeoDataFrame; available columns: "
            f"{[c for c in gdf.columns if c != gdf.geometry.name]}"
        )
    if len(gdf) == 0:
        raise ValidationError(f"{fn}(): the GeoDataFrame is empty; there is nothing to map")
    return gdf


def _name_columns(gdf: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    names = {}
    for level in _LEVELS:
        for suffix in (lang, "en" if lang == "th" else "th"):
            col = f"{level}_{suffix}"
            if col in gdf.columns:
                names[level] = col
                break
    return names


def _columns_arg(value: Any, *, name: str, gdf: gpd.GeoDataFrame, fn: str) -> list[str] | None:
    # The same in every builder: None or True is the default, False none, else column names.
    if value is True and name == "tooltip":
        return None
    if value is True:
        raise ValidationError(
            f"{fn}(): {name}=True does not say what to show: pass the columns, e.g. "
            f"{name}=['{next((c for c in gdf.columns if c != gdf.geometry.name), 'COLUMN')}']"
        )
    if value is None or value is False:
        return None if value is None else []
    if isinstance(value, str):
        value = [value]
    value = list(value)
    missing = [c for c in value if c not in gdf.columns]
    if missing:
        raise SchemaError(
            f"{fn}(): {name}={missing} are not columns of the GeoDataFrame; available: "
            f"{[c for c in gdf.columns if c != gdf.geometry.name]}"
        )
    return value


def _palette(cmap: str | Sequence[str], n: int) -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if not isinstance(cmap, str):
        colors = [to_hex(c) for c in cmap]
        if len(colors) < n:
            raise ValidationError(
                f"cmap has {len(colors)} colours for {n} classes; give at least {n} colours "
                "or a matplotlib colormap name such as 'YlGnBu'"
            )
        return colors[:n]
    try:
        cm = colormaps[cmap]
    except KeyError:
        raise ValidationError(
            f"cmap={cmap!r} is not a matplotlib colormap; try 'YlGnBu', 'OrRd', 'viridis' or a "
            "list of colours"
        ) from None
    if n == 1:
        return [to_hex(cm(0.6))]
    return [to_hex(cm(0.15 + 0.85 * i / (n - 1))) for i in range(n)]


def _classify(
    values: pd.Series, *, scheme: str, k: int, bins: Sequence[float] | None
) -> tuple[np.ndarray, list[float], float]:
    """Class index per value (-1 for missing), the upper bounds, and the minimum."""
    import mapclassify

    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    arr = numeric.to_numpy(dtype="float64", na_value=np.nan)
    ok = np.isfinite(arr)
    if not ok.any():
        raise ValidationError(
            "every value of the column is missing or not a number; check the join "
            "(tambon_gis.join_attributes) or map it with maps.categorical()"
        )
    y = arr[ok]
    if bins is not None:
        scheme = "user_defined"
    if scheme not in SCHEMES:
        raise ValidationError(f"scheme={scheme!r} is not supported; use one of {SCHEMES}")
    if scheme == "user_defined":
        if bins is None:
            raise ValidationError("scheme='user_defined' needs bins=[...] (upper class bounds)")
        edges = sorted(float(b) for b in bins)
        if edges[-1] < y.max():
            edges.append(float(y.max()))
        cls = np.searchsorted(np.asarray(edges), y, side="left")
    else:
        n_unique = len(np.unique(y))
        k_eff = max(1, min(int(k), n_unique))
        if k_eff == 1:
            edges, cls = [float(y.max())], np.zeros(len(y), dtype=int)
        else:
            with warnings.catch_warnings():
                # mapclassify lowers k itself when quantiles repeat; the legend shows the result
                warnings.filterwarnings("ignore", message="Not enough unique values")
                result = mapclassify.classify(y, scheme, k=k_eff)
            edges, cls = [float(b) for b in result.bins], np.asarray(result.yb)
    out = np.full(len(arr), -1, dtype=int)
    out[ok] = cls
    return out, edges, float(y.min())


def _legend_numeric(
    title: str, edges: Sequence[float], vmin: float, colors: Sequence[str], counts: Sequence[int],
    *, nodata: int, nodata_label: str,
) -> str:
    rows = []
    lower = vmin
    for edge, color, count in zip(edges, colors, counts, strict=True):
        label = f"{format_value(lower)} – {format_value(edge)}"
        rows.append(_legend_row(color, label, count))
        lower = edge
    if nodata:
        rows.append(_legend_row(None, nodata_label, nodata))
    return f"<div class='tg-legend-title'>{html.escape(title)}</div>" + "".join(rows)


def _legend_row(color: str | None, label: str, count: int) -> str:
    swatch = (
        "<span class='tg-swatch tg-nodata'></span>"
        if color is None
        else f"<span class='tg-swatch' style='background:{html.escape(color)}'></span>"
    )
    return (
        f"<div class='tg-row'>{swatch}<span class='tg-label-text'>{html.escape(label)}</span>"
        f"<span class='tg-count'>{count:,}</span></div>"
    )


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


class _TopologyCache:
    """Per-map registry so a page embeds each geometry once."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[str, webgeom.WebTopology, np.ndarray]] = {}
        self.json_by_id: dict[str, str] = {}


def _page_json(m: Any, topo_id: str) -> str:
    registry = m._tg_topologies
    if topo_id not in registry.json_by_id:
        topo = next(t for i, t, _ in registry.by_key.values() if i == topo_id)
        registry.json_by_id[topo_id] = _page_topology(topo)
    return registry.json_by_id[topo_id]


def _topology_for(m: Any, gdf: gpd.GeoDataFrame, *, tolerance: float | str, code: str | None
                  ) -> tuple[str, webgeom.WebTopology, np.ndarray]:
    registry = getattr(m, "_tg_topologies", None)
    if registry is None:
        registry = _TopologyCache()
        m._tg_topologies = registry
    geoms = np.asarray(gdf.geometry.values)
    with digest_scope(geoms):
        key = geometry_hash(geoms, "page", tolerance)
        if key not in registry.by_key:
            topo = webgeom.to_topology(gdf, id_column=code, tolerance=tolerance, object_name="f")
            registry.by_key[key] = (f"tg-topo-{key[:12]}", topo, topo.geometry)
    return registry.by_key[key]


# --------------------------------------------------------------------------------------------
# folium elements


def _folium() -> Any:
    try:
        import folium
    except ImportError as exc:  # pragma: no cover - folium is a dependency
        raise ImportError("tambon_gis.maps needs folium: pip install folium") from exc
    return folium


@cache
def _element_classes() -> tuple[type, type]:
    folium = _folium()
    from branca.element import MacroElement
    from jinja2 import Template

    class TopoLayer(MacroElement):  # type: ignore[misc]
        """A tambon_gis layer drawn in the browser from a shared TopoJSON topology."""

        _template = Template(
            "{% macro script(this, kwargs) %}"
            "TambonGIS.addLayer({{ this._parent.get_name() }}, {{ this.spec_json }});"
            "{% endmacro %}"
        )

        def __init__(self, spec: dict[str, Any], topologies: Sequence[tuple[str, str]]
                     ) -> None:
            super().__init__()
            self._name = "TambonGISLayer"
            self.spec_json = _json_for_html(spec)
            self.topologies = list(topologies)

        def render(self, **kwargs: Any) -> None:
            figure = self.get_root()
            _add_runtime(figure)
            for topo_id, topo_json in self.topologies:
                # one script per topology and page, however many layers use it
                figure.header.add_child(
                    _raw(f'<script type="application/json" id="{topo_id}">'
                         f"{topo_json}</script>"),
                    name=topo_id,
                )
            super().render(**kwargs)

    class Panel(MacroElement):  # type: ignore[misc]
        """A box of HTML (built and escaped by tambon_gis) on the map."""

        _template = Template(
            "{% macro script(this, kwargs) %}"
            "TambonGIS.addPanel({{ this._parent.get_name() }}, {{ this.html_json }}, "
            "{{ this.position_json }});"
            "{% endmacro %}"
        )

        def __init__(self, html_text: str, position: str) -> None:
            super().__init__()
            self._name = "TambonGISPanel"
            self.html_json = _json_for_html(html_text)
            self.position_json = _json_for_html(position)

        def render(self, **kwargs: Any) -> None:
            _add_runtime(self.get_root())
            super().render(**kwargs)

    _ = folium
    return TopoLayer, Panel


def _add_runtime(figure: Any) -> None:
    js = _asset_text("topojson-client/topojson-client.min.js") + "\n" + _asset_text(
        "tambon_gis/maps.js"
    )
    figure.header.add_child(_raw(f"<style>{_asset_text('tambon_gis/maps.css')}</style>"),
                            name="tg_css")
    figure.header.add_child(_raw(f"<script>{js}</script>"), name="tg_runtime")


@cache
def _raw_class() -> type:
    from branca.element import Element
    from jinja2 import Template

    class Raw(Element):  # type: ignore[misc]
        """Text put in the page as it is: never parsed as a Jinja template.

        Fast, and safe for JSON or JavaScript that contains ``{{`` or ``{%``.
        """

        _template = Template("{{ this.text }}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    return Raw


def _raw(text: str) -> Any:
    return _raw_class()(text)


def _new_map(gdf: gpd.GeoDataFrame, *, width: Any = "100%", height: Any = "100%") -> Any:
    folium = _folium()
    xmin, ymin, xmax, ymax = gdf.total_bounds
    m = folium.Map(
        location=[(ymin + ymax) / 2, (xmin + xmax) / 2],
        zoom_start=6,
        tiles=None,
        width=width,
        height=height,
        control_scale=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # only Leaflet is needed; folium's jQuery/Bootstrap/awesome-markers are left out
    m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")]
    m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")]
    # the first view is fitted in the browser to the areas, with padding (spec "fit_bounds")
    return m


def _basemaps(basemap: str | Sequence[str] | None) -> list[dict[str, Any]]:
    if basemap is None or basemap is False:
        return []
    names = [basemap] if isinstance(basemap, str) else list(basemap)
    out = []
    for name in names:
        key = str(name).lower()
        if key in ("none", ""):
            continue
        if key not in BASEMAPS:
            raise ValidationError(
                f"basemap={name!r} is not known; use None (no tiles, works offline) or one of "
                f"{sorted(BASEMAPS)}"
            )
        out.append(dict(BASEMAPS[key]))
    return out


# --------------------------------------------------------------------------------------------
# the common builder


def _build(
    gdf: gpd.GeoDataFrame,
    *,
    steps: list[dict[str, Any]],
    value_fields: dict[str, list[str | None]],
    palette: list[str],
    legend: str | None,
    tooltip: Sequence[str] | bool | None,
    popup: Sequence[str] | bool | None,
    popup_html: str | None,
    lang: str,
    outlines: Sequence[str] | None,
    highlight: Iterable[str] | None,
    labels: bool,
    basemap: str | Sequence[str] | None,
    search: bool,
    title: str | None,
    nodata_label: str | None,
    m: Any,
    name: str | None,
    tolerance: float | str,
    dates: str,
    fn: str,
    context: Any = "auto",
    symbols: Any = "auto",
    credit_text: str | None = None,
) -> Any:
    if lang not in _TEXT:
        raise ValidationError(f"lang={lang!r} is not supported; use 'th' or 'en'")
    text = _TEXT[lang]
    nodata_label = text["nodata"] if nodata_label is None else str(nodata_label)
    if gdf.crs is None:
        raise CRSError(
            f"{fn}(): the GeoDataFrame has no CRS; set it with gdf.set_crs('EPSG:4326') if the "
            "coordinates are longitude/latitude"
        )
    gdf = gdf if gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")
    level = _level_of(gdf)
    code = f"{level}_code" if level else None
    names = _name_columns(gdf, lang)
    tooltip_cols = _columns_arg(tooltip, name="tooltip", gdf=gdf, fn=fn)
    popup_cols = _columns_arg(popup, name="popup", gdf=gdf, fn=fn)
    if popup_html is not None and popup_html not in gdf.columns:
        raise SchemaError(
            f"{fn}(): popup_html={popup_html!r} is not a column of the GeoDataFrame; pass the "
            "name of a column holding HTML built by tambon_gis"
        )
    outline_levels = list(outlines or [])
    bad = [o for o in outline_levels if o not in ("amphoe", "changwat", "region")]
    if bad:
        raise ValidationError(
            f"{fn}(): outlines={bad} not supported; use any of ('amphoe', 'changwat', 'region')"
        )

    if m is None:
        m = _new_map(gdf)
    topo_layer_class, _ = _element_classes()
    context_spec, context_ids = _context_spec(m, gdf, context, level=level, lang=lang, fn=fn)
    topo_id, _topo, simple = _topology_for(m, gdf, tolerance=tolerance, code=code)

    fields: dict[str, dict[str, Any]] = {}

    def add_field(key: str, values: Sequence[Any]) -> str:
        fields[key] = _encode_field(values)
        return key

    for _level_name, col in names.items():
        add_field(col, gdf[col].tolist())
    for key, values in value_fields.items():
        add_field(key, values)

    # tooltip rows: names of the feature, then the mapped value, then extra columns
    own_level = level if level in names else (next(iter(names)) if names else None)
    rows: list[list[str]] = []
    if own_level:
        rows.append(["", names[own_level]])
        for parent in _LEVELS[_LEVELS.index(own_level) + 1 :]:
            if parent in names and parent != "region":
                rows.append([text[parent], names[parent]])
    rows.append(["", "@value"])
    extra_rows = []
    for col in tooltip_cols or []:
        key = f"col:{col}"
        if key not in fields:
            add_field(key, _formatted(gdf[col], dates=dates, lang=lang))
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
                add_field(key, _formatted(gdf[col], dates=dates, lang=lang))
            popup_rows.append([str(col), key])
    if popup_html is not None:
        add_field("html:popup", [None if v is None or v is pd.NA or (isinstance(v, float) and
                                 math.isnan(v)) else str(v) for v in gdf[popup_html].tolist()])

    outline_specs = []
    for o in outline_levels:
        col = f"{o}_code"
        if col not in gdf.columns:
            log.info("%s(): no %r column, so no %s outlines", fn, col, o)
            continue
        key = add_field(f"code:{o}", gdf[col].astype(str).tolist())
        outline_specs.append(
            {"level": o, "field": key, "name": text[f"outline_{o}"], "exterior": o == "changwat"
             or (o == outline_levels[-1]), **_OUTLINE_STYLE[o]}
        )
    # a border drawn by a coarser outline (a changwat border is also an amphoe border) is
    # left out of the finer one: fewer lines to draw
    drawn = {s["level"]: s["field"] for s in outline_specs}
    for spec_o in outline_specs:
        spec_o["skip"] = [drawn[c] for c in ("changwat", "region")
                          if c in drawn and _LEVELS.index(c) > _LEVELS.index(spec_o["level"])]

    highlight_idx: list[int] = []
    if highlight is not None:
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
        highlight_idx = sorted({pos[c] for c in wanted})

    label_specs = []
    if labels:
        for lvl in ("region", "changwat", "amphoe", "tambon"):
            if lvl not in names or f"{lvl}_code" not in gdf.columns:
                continue
            if level is None or _LEVELS.index(lvl) < _LEVELS.index(level):
                continue  # finer than the rows: nothing to name
            lo, hi = _LABEL_ZOOM[lvl]
            if lvl == level:
                xy = shapely.get_coordinates(shapely.point_on_surface(simple))
                pts = [[round(float(y), 4), round(float(x), 4), i] for i, (x, y) in enumerate(xy)]
                hi = 30
            else:
                pts = _label_points(gdf, simple, lvl, f"{lvl}_code")
            label_specs.append(
                {"field": names[lvl], "points": pts, "min_zoom": lo, "max_zoom": hi,
                 "class_name": f"tg-label-{lvl}"}
            )

    search_fields = []
    search_label = []
    if search and own_level:
        for suffix in ("th", "en"):
            col = f"{own_level}_{suffix}"
            if col in gdf.columns:
                if col not in fields:
                    add_field(col, gdf[col].tolist())
                search_fields.append(col)
        search_label = [names[own_level]] + [
            names[p]
            for p in _LEVELS[_LEVELS.index(own_level) + 1 :]
            if p in names and p != "region"
        ]

    # the areas of interest: rows with a value in some step (all rows when every row has one)
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
    if symbols == "auto":
        symbols = len(marked) <= 3000 and (len(marked) < len(gdf) or context_spec is not None)
    if symbols:
        xy = shapely.get_coordinates(shapely.point_on_surface(simple[marked]))
        symbol_spec = {
            "points": [[round(float(y), 5), round(float(x), 5), int(i)]
                       for (x, y), i in zip(xy, marked, strict=True)],
            "radius": 6.5 if len(marked) <= 200 else 4.5,
            "max_px": 16,
            "name": text["symbols"],
        }

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
        "highlight_style": {"color": "#e31a1c", "weight": 2.5},
        "highlight_name": f"{text['highlight']} ({len(highlight_idx):,})",
        "labels": label_specs,
        "legend": legend,
        "search": search_fields,
        "search_label": search_label,
        "basemaps": _basemaps(basemap),
        "fullscreen": True,
        "title": None if title is None else str(title),
        "text": text,
        "fit": False,
        "fit_bounds": fit_bounds,
        "fit_padding": 0.07,
        "context": context_spec,
        "symbols": symbol_spec,
        "credit": html.escape(credit(lang=lang, source=credit_text)),
    }
    ids = [*context_ids, topo_id]
    m.add_child(topo_layer_class(spec, [(i, _page_json(m, i)) for i in ids]))
    return m


def _page_topology(topo: webgeom.WebTopology) -> str:
    """Return the topology as embedded in a page: arcs as flat integer lists, no feature ids.

    ``[[x0, y0], [dx, dy], ...]`` becomes ``[x0, y0, dx, dy, ...]`` (the runtime expands it),
    which saves about a fifth of the page.
    """
    t = topo.topology
    geometries = [
        {"type": g["type"], "arcs": g["arcs"]} for g in t["objects"][topo.object_name]["geometries"]
    ]
    compact = {
        "type": "Topology",
        "flat": True,
        "transform": t["transform"],
        "bbox": t["bbox"],
        "objects": {"f": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [[v for pair in arc for v in pair] for arc in t["arcs"]],
    }
    return _json_for_html(compact)


def _value_steps(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    classes: Sequence[np.ndarray],
    labels: Sequence[str],
    *, dates: str, lang: str,
) -> tuple[list[dict[str, Any]], dict[str, list[str | None]]]:
    steps, value_fields = [], {}
    for col, cls, label in zip(columns, classes, labels, strict=True):
        key = f"value:{col}"
        value_fields[key] = _formatted(gdf[col], dates=dates, lang=lang)
        steps.append({"field": key, "label": str(label), "classes": [int(c) for c in cls]})
    return steps, value_fields


# --------------------------------------------------------------------------------------------
# public builders


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
    gdf = _check_gdf(gdf, column, fn="choropleth")
    values = gdf[column]
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        converted = pd.to_numeric(values, errors="coerce")
        bad = values[converted.isna() & values.notna()]
        if len(bad):
            raise ValidationError(
                f"choropleth(): column {column!r} is not numeric (e.g. {bad.iloc[0]!r}); "
                "convert it with pd.to_numeric or use maps.categorical()"
            )
    cls, edges, vmin = _classify(values, scheme=scheme, k=k, bins=bins)
    colors = _palette(cmap, len(edges))
    counts = [int((cls == i).sum()) for i in range(len(edges))]
    text = _TEXT.get(lang, _TEXT["th"])
    legend = _legend_numeric(
        legend_title or column, edges, vmin, colors, counts, nodata=int((cls < 0).sum()),
        nodata_label=text["nodata"] if nodata_label is None else nodata_label,
    )
    steps, value_fields = _value_steps(gdf, [column], [cls], [column], dates=dates, lang=lang)
    m = _build(
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


def _categories(
    series_list: Sequence[pd.Series], categories: Sequence[Any] | None
) -> list[Any]:
    if categories is not None:
        return list(categories)
    seen: list[Any] = []
    for s in series_list:
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
        else:
            cats = sorted(pd.unique(s.dropna()).tolist(), key=lambda v: str(v))
        for c in cats:
            if c not in seen:
                seen.append(c)
    return seen


_QUALITATIVE = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
    "#b2df8a", "#fb9a99", "#cab2d6", "#ffff99",
)


def _category_colors(
    cats: Sequence[Any], colors: Mapping[Any, str] | Sequence[str] | None
) -> list[str]:
    from matplotlib.colors import to_hex

    if colors is None:
        if len(cats) > len(_QUALITATIVE):
            raise ValidationError(
                f"{len(cats)} categories but only {len(_QUALITATIVE)} default colours; pass "
                "colors={category: colour} or group rare categories together"
            )
        return list(_QUALITATIVE[: len(cats)])
    if isinstance(colors, Mapping):
        missing = [c for c in cats if c not in colors]
        if missing:
            raise ValidationError(
                f"colors has no colour for categories {missing}; add them to the colors mapping"
            )
        return [to_hex(colors[c]) for c in cats]
    colors = list(colors)
    if len(colors) < len(cats):
        raise ValidationError(
            f"{len(colors)} colours for {len(cats)} categories; give one per category"
        )
    return [to_hex(c) for c in colors[: len(cats)]]


def _category_classes(series: pd.Series, cats: Sequence[Any], *, column: str) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(cats)}
    values = series.tolist()
    out = np.full(len(values), -1, dtype=int)
    unknown = set()
    for i, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if v in lookup:
            out[i] = lookup[v]
        else:
            unknown.add(v)
    if unknown:
        raise ValidationError(
            f"column {column!r} has values {sorted(map(str, unknown))[:10]} not in categories; "
            "add them to categories= or leave categories=None"
        )
    return out


def _legend_categorical(
    title: str, cats: Sequence[Any], colors: Sequence[str], counts: Sequence[int],
    *, nodata: int, nodata_label: str,
) -> str:
    rows = [_legend_row(c, str(cat), n) for cat, c, n in zip(cats, colors, counts, strict=True)]
    if nodata:
        rows.append(_legend_row(None, nodata_label, nodata))
    return f"<div class='tg-legend-title'>{html.escape(title)}</div>" + "".join(rows)


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
    gdf = _check_gdf(gdf, column, fn="categorical")
    cats = _categories([gdf[column]], categories)
    if not cats:
        raise ValidationError(f"categorical(): column {column!r} has no values to map")
    palette = _category_colors(cats, colors)
    cls = _category_classes(gdf[column], cats, column=column)
    text = _TEXT.get(lang, _TEXT["th"])
    legend = _legend_categorical(
        legend_title or column, cats, palette, [int((cls == i).sum()) for i in range(len(cats))],
        nodata=int((cls < 0).sum()),
        nodata_label=text["nodata"] if nodata_label is None else nodata_label,
    )
    steps, value_fields = _value_steps(gdf, [column], [cls], [column], dates=dates, lang=lang)
    m = _build(
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
    gdf = _check_gdf(gdf, columns, fn="timeslider")
    labels = list(labels) if labels is not None else [str(c) for c in columns]
    if len(labels) != len(columns):
        raise ValidationError(
            f"timeslider(): {len(labels)} labels for {len(columns)} columns; give one label "
            "per column"
        )
    text = _TEXT.get(lang, _TEXT["th"])
    nd_label = text["nodata"] if nodata_label is None else nodata_label
    title_text = legend_title or title or labels[0]
    if kind == "numeric":
        stacked = pd.concat([pd.to_numeric(gdf[c], errors="coerce") for c in columns],
                            ignore_index=True)
        all_cls, edges, vmin = _classify(stacked, scheme=scheme, k=k, bins=bins)
        n = len(gdf)
        classes = [all_cls[i * n : (i + 1) * n] for i in range(len(columns))]
        palette = _palette(cmap, len(edges))
        counts = [int((all_cls == i).sum()) for i in range(len(edges))]
        legend = _legend_numeric(
            title_text, edges,
            vmin, palette, counts, nodata=int((all_cls < 0).sum()), nodata_label=nd_label,
        )
    elif kind == "categorical":
        cats = _categories([gdf[c] for c in columns], categories)
        palette = _category_colors(cats, colors)
        classes = [_category_classes(gdf[c], cats, column=c) for c in columns]
        stacked_cls = np.concatenate(classes)
        legend = _legend_categorical(
            title_text, cats, palette,
            [int((stacked_cls == i).sum()) for i in range(len(cats))],
            nodata=int((stacked_cls < 0).sum()), nodata_label=nd_label,
        )
    else:
        raise ValidationError(f"kind={kind!r} is not supported; use 'numeric' or 'categorical'")
    steps, value_fields = _value_steps(gdf, columns, classes, labels, dates=dates, lang=lang)
    m = _build(
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


def add_panel(
    m: Any,
    html_or_dataframe: str | pd.DataFrame,
    *,
    title: str | None = None,
    position: str = "topright",
) -> Any:
    r"""Add a side panel (a legend box, a table of region quotas...) to a map.

    Parameters
    ----------
    m : folium.Map
        The map (from any builder of this module, or a plain folium map).
    html_or_dataframe : str or pandas.DataFrame
        A DataFrame is rendered as an escaped HTML table (numbers with separators); a string is
        inserted as HTML and must already be escaped (build it with :func:`html.escape`).
    title : str, optional
        Bold title of the panel (escaped).
    position : {"topright", "topleft", "bottomright", "bottomleft"}, default "topright"
        Corner of the map.

    Returns
    -------
    folium.Map
        The same map, for chaining.

    Examples
    --------
    >>> import folium, pandas as pd
    >>> m = folium.Map(tiles=None)
    >>> quotas = pd.DataFrame({"ภาค": ["เหนือ", "<b>ใต้</b>"], "โควตา": [12, 1500]})
    >>> page = add_panel(m, quotas, title="โควตา").get_root().render()
    >>> "1,500" in page and "\\u0026lt;b\\u0026gt;ใต้" in page
    True
    """
    positions = ("topright", "topleft", "bottomright", "bottomleft")
    if position not in positions:
        raise ValidationError(f"position={position!r} is not valid; use one of {positions}")
    if isinstance(html_or_dataframe, pd.DataFrame):
        body = _table_html(html_or_dataframe)
    elif isinstance(html_or_dataframe, str):
        body = html_or_dataframe
    else:
        raise TypeError(
            f"add_panel() takes HTML text or a DataFrame, got {type(html_or_dataframe).__name__}"
        )
    head = f"<div class='tg-panel-title'>{html.escape(title)}</div>" if title else ""
    _, panel_class = _element_classes()
    m.add_child(panel_class(head + body, position))
    log.info("add_panel returned the map with a %s panel at %s", "table" if isinstance(
        html_or_dataframe, pd.DataFrame) else "HTML", position)
    return m


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for record in df.itertuples(index=False):
        cells = []
        for v in record:
            text = format_value(v)
            numeric = isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
            cls = " class='tg-num'" if numeric else ""
            cells.append(f"<td{cls}>{html.escape(text if text is not None else '–')}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def attach_columns(
    gdf: gpd.GeoDataFrame,
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    on: str = "tambon_code",
) -> gpd.GeoDataFrame:
    """Copy columns of a joined table onto every row of a boundary layer, by code.

    The result keeps every boundary row (rows without a value get missing values, drawn as
    "no data"), so a map of a few pilot tambons still shows the whole country or province.
    When the table has a code twice, the first row is used and the count is logged and kept in
    ``attrs["duplicates"]``; table rows without a code are counted in ``attrs["unmatched"]``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Boundaries in the canonical schema.
    table : DataFrame
        A table with the ``on`` column, e.g. the result of :func:`tambon_gis.join_attributes`.
    columns : sequence of str, optional
        Columns to copy (default: every column not already in ``gdf``, except geometry and
        the matching bookkeeping columns).
    on : str, default "tambon_code"
        The code column present in both.

    Returns
    -------
    GeoDataFrame
        A copy of ``gdf`` with the columns added, in the order of ``gdf``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1)], crs="EPSG:4326")
    >>> t = pd.DataFrame({"tambon_code": ["320102", None], "lead": ["พอช.", "x"]})
    >>> out = attach_columns(b, t)
    >>> out["lead"].tolist(), out.attrs["unmatched"]
    ([nan, 'พอช.'], 1)
    """
    if on not in gdf.columns or on not in table.columns:
        raise SchemaError(
            f"attach_columns(): both tables need the {on!r} column; join the table first with "
            "tambon_gis.join_attributes()"
        )
    skip = {"status", "score", "candidates", "note", "duplicate", "in_boundaries", "geometry"}
    if columns is None:
        columns = [c for c in table.columns if c not in gdf.columns and c not in skip
                   and c != getattr(table, "_geometry_column_name", None)]
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(f"attach_columns(): columns {missing} are not in the table")
    frame = pd.DataFrame(table[[on, *columns]])
    unmatched = int(frame[on].isna().sum())
    frame = frame[frame[on].notna()]
    duplicated = int(frame[on].duplicated().sum())
    if duplicated:
        log.warning("attach_columns: %d table rows repeat a %s; the first row is used",
                    duplicated, on)
    frame = frame.drop_duplicates(on).set_index(on)
    out = gdf.copy()
    codes = out[on].astype(str)
    for col in columns:
        out[col] = codes.map(frame[col]).to_numpy()
    not_in_layer = int((~frame.index.isin(codes)).sum())
    out.attrs.update({"unmatched": unmatched, "duplicates": duplicated,
                      "not_in_layer": not_in_layer})
    log.info(
        "attach_columns returned %s rows, %s with values (%d table rows without a code, %d "
        "repeated, %d codes not in the layer)", f"{len(out):,}",
        f"{int(codes.isin(frame.index).sum()):,}", unmatched, duplicated, not_in_layer,
    )
    return out


# --------------------------------------------------------------------------------------------
# saving

_SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"[^>]*>\s*</script>', re.IGNORECASE)
_LINK_CSS = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"[^>]*/?>', re.IGNORECASE)
_FOLIUM_EXTRAS = ("jquery", "bootstrap", "awesome-markers", "fontawesome", "awesome.rotate",
                  "glyphicons")


def _inline_assets(page: str) -> str:
    problems: list[str] = []
    uses_awesome = "AwesomeMarkers" in page.split("</head>", 1)[-1]

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        base = url.rsplit("/", 1)[-1].lower()
        if base in ("leaflet.js", "leaflet-src.js"):
            js = _asset_text("leaflet/leaflet.js")
            return f"<script>{js}\n{_leaflet_icon_fix()}</script>"
        if any(x in url.lower() for x in _FOLIUM_EXTRAS) and not uses_awesome:
            return ""
        problems.append(url)
        return match.group(0)

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        base = url.rsplit("/", 1)[-1].lower()
        if base == "leaflet.css":
            return f"<style>{_leaflet_css_inline()}</style>"
        if any(x in url.lower() for x in _FOLIUM_EXTRAS) and not uses_awesome:
            return ""
        problems.append(url)
        return match.group(0)

    page = _SCRIPT_SRC.sub(script, page)
    page = _LINK_CSS.sub(link, page)
    if problems:
        raise ValidationError(
            f"save(offline=True): the map uses assets tambon_gis does not vendor: {problems}; "
            "remove the folium plugin that needs them, or save with offline=False"
        )
    return page.replace("</head>", f"<style>{_font_css()}</style>\n</head>", 1)


def save(m: Any, path: str | Path, *, offline: bool = True) -> Path:
    """Write a map as one HTML page.

    Parameters
    ----------
    m : folium.Map
        A map from this module (or any folium map).
    path : str or Path
        Output ``.html`` file; parent folders are created.
    offline : bool, default True
        Inline Leaflet, its images, and a Sarabun font subset, so the page opens with no network
        at all; ``False`` keeps Leaflet on its CDN (a smaller page).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValidationError
        With ``offline=True``, when the map uses a remote asset that is not vendored (a folium
        plugin); the message names it.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from pathlib import Path
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["320101"], "v": [1]},
    ...                        geometry=[box(103, 14, 103.1, 14.1)], crs="EPSG:4326")
    >>> out = save(choropleth(gdf, "v", outlines=None), Path(tempfile.mkdtemp()) / "m.html")
    >>> page = out.read_text(encoding="utf-8")
    >>> "cdn.jsdelivr" in page, "@font-face" in page
    (False, True)
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValidationError(f"path={str(path)!r} should end in .html")
    path.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root().render()
    if offline:
        page = _inline_assets(page)
    path.write_text(page, encoding="utf-8")
    size = path.stat().st_size
    log.info("save wrote %s (%s bytes, %s)", path, f"{size:,}", "offline" if offline else "CDN")
    return path
