"""Tolerance and grid step suited to a layer, and the check that a layer can be drawn.

A web map simplifies its polygons by a tolerance that scales with the extent of the layer
(:func:`auto_tolerance`) and rounds coordinates to a grid a tenth as fine
(:func:`auto_quantum`). :func:`check_layer` is the validation every entry point of
:mod:`tambon_gis.webgeom` starts with.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from tambon_gis._errors import CRSError, ValidationError

#: Default tolerance (degrees) for a layer as large as Thailand: borders move at most ~170 m.
NATIONAL_TOLERANCE = 0.0015


#: Smallest automatic tolerance (degrees, about 11 m).
MIN_TOLERANCE = 0.0001


def auto_tolerance(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> float:
    """Choose a simplification tolerance suited to the extent of a layer.

    The tolerance scales with the diagonal of the bounding box (one 10,000th of it), between
    :data:`MIN_TOLERANCE` (about 11 m, for one district) and :data:`NATIONAL_TOLERANCE`
    (about 160 m, for the whole country), so a map of one province keeps its detail and the
    national map stays small.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
        Layer in EPSG:4326.

    Returns
    -------
    float
        Tolerance in degrees.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.webgeom import auto_tolerance
    >>> auto_tolerance(gpd.GeoSeries([box(97.3, 5.6, 105.7, 20.5)], crs="EPSG:4326"))
    0.0015
    >>> auto_tolerance(gpd.GeoSeries([box(103.0, 14.3, 104.2, 15.3)], crs="EPSG:4326"))
    0.00016
    """
    xmin, ymin, xmax, ymax = gdf.total_bounds
    diagonal = math.hypot(xmax - xmin, ymax - ymin)
    if not math.isfinite(diagonal):
        return MIN_TOLERANCE
    value = min(max(diagonal / 10_000, MIN_TOLERANCE), NATIONAL_TOLERANCE)
    return float(f"{value:.2g}")


def auto_quantum(tolerance: float) -> float:
    """Choose the grid step (degrees) coordinates are rounded to for a given tolerance.

    One tenth of the tolerance, at most 0.0001° (about 11 m) and at least 0.000001°.

    Parameters
    ----------
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    float
        Grid step in degrees.

    Examples
    --------
    >>> from tambon_gis.webgeom import auto_quantum
    >>> auto_quantum(0.0015)
    0.0001
    >>> auto_quantum(0.0002)
    2e-05
    """
    if tolerance <= 0:
        return 1e-6
    return float(f"{min(max(tolerance / 10, 1e-6), 1e-4):.1g}")


def check_layer(gdf: Any, *, what: str = "gdf") -> gpd.GeoDataFrame:
    """Return ``gdf`` as a GeoDataFrame in EPSG:4326, or raise if it is not a coverage."""
    if isinstance(gdf, gpd.GeoSeries):
        gdf = gdf.to_frame("geometry")
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"{what} must be a GeoDataFrame or GeoSeries, got {type(gdf).__name__}; "
            "read boundaries with tambon_gis.load_boundaries()"
        )
    if gdf.crs is None:
        raise CRSError(
            f"{what} has no CRS; set it with gdf.set_crs('EPSG:4326') if the coordinates are "
            "longitude/latitude"
        )
    if not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    geoms = gdf.geometry.values
    problems = []
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(missing):
        problems.append(
            f"{len(missing)} rows have no geometry (first positions: {missing[:5].tolist()})"
        )
    types = shapely.get_type_id(geoms)
    bad = np.flatnonzero(~np.isin(types, [3, 6]) & ~shapely.is_missing(geoms))
    if len(bad):
        problems.append(
            f"{len(bad)} rows are not Polygon/MultiPolygon (first positions: {bad[:5].tolist()})"
        )
    if problems:
        raise ValidationError(
            f"{what} cannot be drawn as a coverage: " + "; ".join(problems)
            + ". Drop or fix those rows (e.g. gdf[~gdf.geometry.is_empty]) before mapping."
        )
    return gdf
