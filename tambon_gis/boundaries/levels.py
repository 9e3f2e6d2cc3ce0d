"""Dissolve areas upward to amphoe, changwat or region: :func:`to_level`.

The parts of each upper area are merged by a coverage union (a plain union where the parts
do not form a clean coverage), tiny gaps between them are filled, and the names of the upper
level come from the gazetteer (or, for codes it does not know, from the input rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import gazetteer
from tambon_gis._errors import CodeError, SchemaError, ValidationError
from tambon_gis._logging import get_logger, progress
from tambon_gis.boundaries.schema import CANONICAL_COLUMNS
from tambon_gis.regions import REGION_EN, region_mapping

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

logger = get_logger("tambon_gis.boundaries")  # one logger for the whole package

def to_level(
    gdf: gpd.GeoDataFrame,
    level: Literal["amphoe", "changwat", "region"],
    *,
    region_scheme: str | Mapping[str, str] | None = None,
    method: Literal["auto", "unary", "coverage"] = "auto",
) -> gpd.GeoDataFrame:
    """Dissolve areas upward to amphoe, changwat or region.

    Parameters
    ----------
    gdf : GeoDataFrame
        Canonical boundaries (from :func:`load_boundaries`) at a lower level than ``level``.
    level : {"amphoe", "changwat", "region"}
        The level to dissolve to.
    region_scheme : str or mapping, optional
        Region grouping when ``level="region"`` (defaults to the grouping already in ``gdf``).
    method : {"auto", "unary", "coverage"}
        ``"auto"`` (default) unions each group with ``shapely.coverage_union_all`` and checks
        the result's area against the sum of its parts; a group whose parts overlap (as some
        do in the real full-resolution layer) is unioned again robustly with
        ``shapely.union_all``. ``"unary"`` always takes the robust way, ``"coverage"`` never.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area of ``level``, sorted by code, with ``CANONICAL_COLUMNS[level]`` and
        names from the gazetteer. Slivers left by gaps between the input areas (interior
        rings smaller than 0.01 km² that no input area covers) are filled, so shared borders
        stay clean.

    Examples
    --------
    >>> import tambon_gis as tg
    >>> amphoe = tg.to_level(tambons, "amphoe")  # doctest: +SKIP
    >>> len(amphoe)  # doctest: +SKIP
    928
    """
    if level not in ("amphoe", "changwat", "region"):
        raise ValidationError(
            f"level={level!r}: expected 'amphoe', 'changwat' or 'region' "
            "(to read tambons use load_boundaries)"
        )
    key = "region" if level == "region" else f"{level}_code"
    if key not in gdf.columns:
        raise SchemaError(
            f"to_level(..., {level!r}) needs a {key!r} column; found {list(gdf.columns)}. "
            "Load the layer with tambon_gis.load_boundaries first."
        )
    src = gdf
    if level == "region" and region_scheme is not None:
        src = gdf.copy()
        src["region"] = src["changwat_code"].map(region_mapping(region_scheme))
    src = src.to_crs(4326) if src.crs is not None and src.crs.to_epsg() != 4326 else src
    if method not in ("auto", "unary", "coverage"):
        raise ValidationError(f"method={method!r}: expected 'auto', 'unary' or 'coverage'")
    if src[key].isna().any():
        raise CodeError(
            f"{int(src[key].isna().sum())} rows have no {key!r}; give every row one (for regions, "
            "a region_scheme that covers all 77 provinces) before to_level"
        )
    groups = src.groupby(key, sort=True).indices
    keys = list(groups)
    geoms = []
    values = src.geometry.values
    fallbacks = 0
    for k in progress(keys, total=len(keys), desc=f"dissolving to {level}"):
        parts = values[groups[k]]
        parts = parts[~shapely.is_empty(parts)]
        merged = None
        if method in ("auto", "coverage"):
            merged = shapely.coverage_union_all(parts)
            if method == "auto":
                # A clean coverage unions to exactly the sum of its parts; overlapping
                # neighbours (as in the real full-resolution layer) do not: redo those robustly.
                total = float(shapely.area(parts).sum())
                if not merged.is_valid or abs(merged.area - total) > 1e-9 * max(total, 1e-12):
                    merged = None
                    fallbacks += 1
        if merged is None:
            merged = shapely.union_all(parts)
        geoms.append(_fill_slivers(merged, parts))
    if fallbacks:
        logger.info(
            "to_level: %d of %d groups overlap inside and were unioned robustly",
            fallbacks,
            len(keys),
        )
    out = pd.DataFrame({key: keys})
    if level == "amphoe":
        names = gazetteer.amphoes()[CANONICAL_COLUMNS["amphoe"][:-3]]
        out = out.merge(names, on="amphoe_code", how="left")
        out = _fill_names_from(out, src, level="amphoe")
    elif level == "changwat":
        names = gazetteer.changwats()[CANONICAL_COLUMNS["changwat"][:-3]]
        out = out.merge(names, on="changwat_code", how="left")
        out = _fill_names_from(out, src, level="changwat")
    if level != "region":
        first = src.groupby(key, sort=True)["region"].first()
        out["region"] = out[key].map(first)
    out["region_en"] = out["region"].map(lambda r: REGION_EN.get(r, r))
    out = gpd.GeoDataFrame(out, geometry=geoms, crs=4326)
    out = out[CANONICAL_COLUMNS[level]]
    logger.info(
        "to_level returned %s %s areas from %s rows", f"{len(out):,}", level, f"{len(gdf):,}"
    )
    return out


def _fill_names_from(out: pd.DataFrame, src: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Fill names of codes the gazetteer does not know from the first input row of each."""
    key = f"{level}_code"
    for col in [c for c in CANONICAL_COLUMNS[level] if c.startswith(("amphoe_", "changwat_"))]:
        if col == key or col not in src.columns:
            continue
        first = src.groupby(key, sort=True)[col].first()
        out[col] = out[col].where(out[col].notna(), out[key].map(first))
    return out


def _fill_slivers(
    merged: BaseGeometry, parts: np.ndarray, *, max_area_km2: float = 0.01
) -> BaseGeometry:
    """Drop interior rings of a dissolved area that are tiny gaps between its parts."""
    if merged.is_empty:
        return merged
    polys = shapely.get_parts(merged)
    limit = max_area_km2 / (111.0 * 111.0)  # degrees², ample at Thai latitudes
    rebuilt = []
    changed = False
    for poly in polys:
        holes = [r for r in poly.interiors]
        keep = []
        for ring in holes:
            hole = shapely.Polygon(ring)
            if (
                hole.area < limit
                and not shapely.intersects(hole.representative_point(), parts).any()
            ):
                changed = True
                continue
            keep.append(ring)
        rebuilt.append(shapely.Polygon(poly.exterior, keep))
    if not changed:
        return merged
    return shapely.union_all(rebuilt) if len(rebuilt) > 1 else rebuilt[0]
