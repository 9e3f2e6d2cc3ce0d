"""Checks of a simplified coverage against the original: gaps, overlaps, lost islands, shift."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import settings
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.webgeom.tolerance import check_layer

log = get_logger(__name__)


@dataclass
class CoverageCheck:
    """How well a simplified coverage matches the original.

    Attributes
    ----------
    features : int
        Rows compared.
    empty : int
        Rows whose simplified geometry is empty (must be 0).
    invalid : int
        Rows whose simplified geometry is not valid.
    invalid_coverage_before, invalid_coverage_after : int
        Polygons with gap or overlap edges against a neighbour, before and after.
    overlap_km2_before, overlap_km2_after : float
        Total area where neighbours overlap.
    parts_before, parts_after : int
        Polygon parts (islands) before and after.
    max_shift_m : float
        Largest Hausdorff distance between a row and its simplified version, in metres.
    vertices_before, vertices_after : int
        Vertex counts.
    """

    features: int
    empty: int
    invalid: int
    invalid_coverage_before: int
    invalid_coverage_after: int
    overlap_km2_before: float
    overlap_km2_after: float
    parts_before: int
    parts_after: int
    max_shift_m: float
    vertices_before: int
    vertices_after: int

    @property
    def ok(self) -> bool:
        """No empty row, no new invalid coverage edge, no island lost, no new overlap."""
        return (
            self.empty == 0
            and self.invalid_coverage_after <= self.invalid_coverage_before
            and self.parts_after >= self.parts_before
            and self.overlap_km2_after <= self.overlap_km2_before + 0.01
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the figures as a one-column table."""
        return pd.DataFrame({"value": pd.Series(vars(self))})

    def __repr__(self) -> str:
        return (
            f"<CoverageCheck ok={self.ok}: {self.features:,} features, {self.empty} empty, "
            f"{self.invalid} invalid, coverage errors {self.invalid_coverage_before} -> "
            f"{self.invalid_coverage_after}, overlap {self.overlap_km2_before:.3f} -> "
            f"{self.overlap_km2_after:.3f} km², parts {self.parts_before:,} -> "
            f"{self.parts_after:,}, vertices {self.vertices_before:,} -> "
            f"{self.vertices_after:,}, max shift {self.max_shift_m:,.0f} m>"
        )

    def _repr_html_(self) -> str:
        return self.to_frame().to_html()


def _overlap_km2(geoms: np.ndarray) -> float:
    valid = shapely.make_valid(geoms)
    tree = shapely.STRtree(valid)
    geoms = valid
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    if not keep.any():
        return 0.0
    inter = shapely.intersection(valid[left[keep]], valid[right[keep]])
    poly = inter[shapely.get_type_id(inter) != 7]
    series = gpd.GeoSeries(shapely.get_parts(poly), crs="EPSG:4326")
    series = series[series.geom_type.isin(["Polygon", "MultiPolygon"])]
    return float(series.to_crs(settings.area_crs).area.sum() / 1e6)


def check_coverage(
    original: gpd.GeoDataFrame | gpd.GeoSeries, simplified: gpd.GeoDataFrame | gpd.GeoSeries
) -> CoverageCheck:
    """Compare a simplified coverage with the original: gaps, overlaps, lost islands, shift.

    Parameters
    ----------
    original, simplified : GeoDataFrame or GeoSeries
        Same rows in the same order (e.g. the input and the output of :func:`simplify_coverage`
        or :func:`from_topology`).

    Returns
    -------
    CoverageCheck
        The figures; ``.ok`` is True when nothing was lost or broken.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoSeries([box(100, 13, 100.5, 13.5), box(100.5, 13, 101, 13.5)], crs="EPSG:4326")
    >>> check_coverage(a, a).ok
    True
    """
    a = np.asarray(check_layer(original, what="original").geometry.values)
    b_frame = (simplified.to_frame("geometry") if isinstance(simplified, gpd.GeoSeries)
               else simplified)
    b = np.asarray(b_frame.to_crs("EPSG:4326").geometry.values)
    if len(a) != len(b):
        raise ValidationError(
            f"original has {len(a):,} rows and simplified {len(b):,}; pass the same rows in the "
            "same order"
        )
    empty = int((shapely.is_empty(b) | shapely.is_missing(b)).sum())
    ua = gpd.GeoSeries(a, crs="EPSG:4326").to_crs(settings.distance_crs).values
    ub = gpd.GeoSeries(b, crs="EPSG:4326").to_crs(settings.distance_crs).values
    shift = shapely.hausdorff_distance(ua, ub)
    check = CoverageCheck(
        features=len(a),
        empty=empty,
        invalid=int((~shapely.is_valid(b)).sum()),
        invalid_coverage_before=int((~shapely.is_empty(shapely.coverage_invalid_edges(a))).sum()),
        invalid_coverage_after=int((~shapely.is_empty(shapely.coverage_invalid_edges(b))).sum()),
        overlap_km2_before=_overlap_km2(a),
        overlap_km2_after=_overlap_km2(b),
        parts_before=int(shapely.get_num_geometries(a).sum()),
        parts_after=int(shapely.get_num_geometries(b).sum()),
        max_shift_m=float(np.nanmax(shift)) if len(shift) else 0.0,
        vertices_before=int(shapely.get_num_coordinates(a).sum()),
        vertices_after=int(shapely.get_num_coordinates(b).sum()),
    )
    log.info("check_coverage returned %r", check)
    return check
