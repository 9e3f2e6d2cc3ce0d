"""The country drawn around the areas of a map: land, changwat and amphoe borders, muted tambons.

:func:`context_layers` returns that geography from the national tambon boundaries;
``context="auto"`` draws it for a set of areas (fewer rows than :data:`CONTEXT_ROWS`) from
the boundaries found offline, never starting a download.
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np

from tambon_gis import boundaries, settings
from tambon_gis._errors import DataNotFoundError, SchemaError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.maps.page import topology_for
from tambon_gis.maps.text import TEXT
from tambon_gis.webgeom.cache import geometry_hash

log = get_logger(__name__)


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
CONTEXT_ROWS = {"tambon": 3000, "amphoe": 400, "changwat": 40, "region": 0}


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
        gdf = boundaries.load_boundaries()
    if not isinstance(gdf, gpd.GeoDataFrame) or "changwat_code" not in gdf.columns:
        raise SchemaError(
            "context_layers(): the boundaries need a changwat_code column; pass a tambon layer "
            "read with tambon_gis.load_boundaries()"
        )
    gdf = gdf if gdf.crs is None or gdf.crs.equals("EPSG:4326") else gdf.to_crs("EPSG:4326")
    geoms = np.asarray(gdf.geometry.values)
    key = geometry_hash(geoms, "context", len(gdf))
    if key not in _CONTEXT_CACHE:
        amphoe = boundaries.to_level(gdf, "amphoe") if "tambon_code" in gdf.columns else gdf
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


def auto_context(areas: gpd.GeoDataFrame | None, *, fn: str) -> dict[str, Any] | None:
    """Return the context from the boundaries found offline, or None (said once) if none.

    A map never starts a download of the national layer by itself: the lookup runs with
    ``$TAMBON_GIS_OFFLINE`` set.
    """
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


def context_layer_spec(m: Any, gdf: gpd.GeoDataFrame, context: Any, *, level: str | None,
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
        if level is None or len(gdf) >= CONTEXT_ROWS.get(level, 0):
            return None, []
        ctx = auto_context(gdf if level == "tambon" else None, fn=fn)
        if ctx is None:
            return None, []
    else:
        base = context if isinstance(context, gpd.GeoDataFrame) else None
        ctx = context_layers(base, areas=gdf if level == "tambon" else None)
    ids = []
    a_id, _, _ = topology_for(m, ctx["amphoe"], tolerance="auto", code=None)
    ids.append(a_id)
    spec: dict[str, Any] = {
        "topo": a_id,
        "fields": {"changwat": ctx["amphoe"]["changwat_code"].astype(str).tolist()},
        "style": CONTEXT_STYLE,
        "amphoe_zoom": 7,
        "name": TEXT[lang]["context"],
        "tambon_topo": None,
    }
    if len(ctx["tambon"]):
        t_id, _, _ = topology_for(m, ctx["tambon"], tolerance="auto", code=None)
        spec["tambon_topo"] = t_id
        ids.append(t_id)
    m._tg_context = True
    return spec, ids
