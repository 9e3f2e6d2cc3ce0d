"""The keywords every map builder shares: the layer checked, its level and names, columns, tiles.

One place for what ``choropleth``, ``categorical`` and ``timeslider`` (and
:mod:`tambon_gis.static`) accept the same way: the GeoDataFrame (:func:`check_gdf`), the
administrative level of its rows (:func:`level_of`), the name columns of a language, the
``tooltip=``/``popup=`` column lists (:func:`columns_arg`) and ``basemap=``
(:data:`BASEMAPS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd

from tambon_gis._errors import SchemaError, ValidationError

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


LEVELS = ("tambon", "amphoe", "changwat", "region")


def level_of(gdf: gpd.GeoDataFrame) -> str | None:
    """Return the finest level with a ``*_code`` column in ``gdf`` (None if none)."""
    for level in LEVELS:
        if f"{level}_code" in gdf.columns:
            return level
    return None


def check_gdf(gdf: Any, column: str | Sequence[str] | None, *, fn: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` if it is a non-empty GeoDataFrame with ``column``; raise otherwise."""
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


def name_columns(gdf: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Return the name column of each level, in ``lang`` if present, else the other."""
    names = {}
    for level in LEVELS:
        for suffix in (lang, "en" if lang == "th" else "th"):
            col = f"{level}_{suffix}"
            if col in gdf.columns:
                names[level] = col
                break
    return names


def columns_arg(value: Any, *, name: str, gdf: gpd.GeoDataFrame, fn: str) -> list[str] | None:
    """Return the columns of a ``tooltip=``/``popup=`` keyword (None: the default)."""
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


def basemap_specs(basemap: str | Sequence[str] | None) -> list[dict[str, Any]]:
    """Return the tile layers of ``basemap=`` (none for None)."""
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
