"""Topology-preserving simplification of a polygon coverage.

:func:`simplify_coverage` simplifies each shared arc once (Douglas-Peucker with the
junctions fixed, repaired where arcs would cross), or uses
:func:`shapely.coverage_simplify`, so neighbouring tambons keep matching borders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.webgeom.arcs import Arcs, extract_arcs
from tambon_gis.webgeom.cache import cache_path, geometry_hash, read_wkb, write_wkb
from tambon_gis.webgeom.tolerance import auto_tolerance, check_layer

log = get_logger(__name__)


def _arc_coords(arcs: Arcs, refs: Sequence[int]) -> np.ndarray:
    parts = []
    for i, r in enumerate(refs):
        ids = arcs.arcs[~r][::-1] if r < 0 else arcs.arcs[r]
        parts.append(ids if i == 0 else ids[1:])
    return np.concatenate(parts)


def _rebuild(arcs: Arcs, grid_to_xy: Any, rows: Iterable[int] | None = None) -> np.ndarray:
    """Polygons from arcs (used after simplifying the arcs themselves), for ``rows`` or all."""
    out = []
    for f in range(len(arcs.features)) if rows is None else rows:
        shells = []
        for rings in arcs.features[f]:
            coords = [grid_to_xy(arcs.points[_arc_coords(arcs, refs)]) for refs in rings]
            shells.append(shapely.Polygon(coords[0], coords[1:]))
        out.append(shells[0] if len(shells) == 1 else shapely.MultiPolygon(shells))
    return np.asarray(out, dtype=object)


def _simplify_arcs(geoms: np.ndarray, tolerance: float, *, rounds: int = 6) -> np.ndarray:
    """Simplify a coverage along its shared arcs (Douglas-Peucker, junctions fixed).

    Every shared border is simplified once, so neighbours still match exactly, and no vertex
    moves further than ``tolerance`` from the original border. Where simplified arcs would cross
    (an invalid polygon, or two neighbours that did not overlap and now do) the arcs of the
    polygons concerned are simplified again with half the tolerance, up to ``rounds`` times,
    then kept as they were.
    """
    xmin, ymin = shapely.total_bounds(geoms)[:2]
    quantum = 1e-7
    origin = np.array([xmin, ymin])
    arcs = extract_arcs(geoms, origin=(xmin, ymin), quantum=quantum)
    original = arcs.arcs
    keys = (arcs.points[:, 0] << 32) | arcs.points[:, 1]  # sorted: points come from np.unique
    lines = np.asarray(
        [shapely.LineString(arcs.points[a].astype(float)) for a in original], dtype=object
    )
    closed = np.array([a[0] == a[-1] for a in original])
    feature_arcs = [
        sorted({r if r >= 0 else ~r for poly in polys for ring in poly for r in ring})
        for polys in arcs.features
    ]
    arc_features_list: list[list[int]] = [[] for _ in original]
    for f, ids in enumerate(feature_arcs):
        for arc in ids:
            arc_features_list[arc].append(f)
    arc_features = [np.asarray(v, dtype=int) for v in arc_features_list]

    def to_xy(q: np.ndarray) -> np.ndarray:
        return q * quantum + origin

    tol = np.full(len(original), tolerance / quantum)
    current: list[np.ndarray] = list(original)
    todo = np.arange(len(original))
    simple_geoms = geoms
    checked_pairs: dict[tuple[int, int], bool] = {}
    valid_before = shapely.is_valid(geoms)
    for attempt in range(rounds + 1):
        if len(todo):
            if attempt == rounds:
                for i in todo:
                    current[i] = original[i]
            else:
                out = shapely.simplify(lines[todo], tol[todo], preserve_topology=False)
                for i, line in zip(todo, out, strict=True):
                    xy = np.rint(shapely.get_coordinates(line)).astype(np.int64)
                    if closed[i] and len(xy) < 5:
                        current[i] = original[i]  # keep small closed rings (islands)
                    else:
                        current[i] = np.searchsorted(keys, (xy[:, 0] << 32) | xy[:, 1])
        arcs.arcs = current
        if attempt == 0:
            simple_geoms = _rebuild(arcs, to_xy)
            rows = np.arange(len(simple_geoms))
        else:
            rows = np.unique(np.concatenate([arc_features[i] for i in todo]))
            simple_geoms = simple_geoms.copy()
            simple_geoms[rows] = _rebuild(arcs, to_xy, rows.tolist())
        if attempt == rounds:
            break
        bad = set(rows[~shapely.is_valid(simple_geoms[rows]) & valid_before[rows]].tolist())
        tree = shapely.STRtree(simple_geoms)
        left, right = tree.query(simple_geoms[rows], predicate="overlaps")
        left = rows[left]
        for a, b in zip(np.minimum(left, right).tolist(), np.maximum(left, right).tolist(),
                        strict=True):
            if a == b:
                continue
            if (a, b) not in checked_pairs:
                checked_pairs[(a, b)] = bool(shapely.overlaps(geoms[a], geoms[b]))
            if not checked_pairs[(a, b)]:
                bad.update((a, b))
        if not bad:
            break
        todo = np.unique(np.concatenate([np.asarray(feature_arcs[f], dtype=int) for f in bad]))
        tol[todo] /= 2
        log.debug("simplify round %d: %d polygons to repair, %d arcs", attempt + 1, len(bad),
                  len(todo))
    return simple_geoms


def simplify_coverage(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    tolerance: float | str = "auto",
    method: str = "arcs",
    cache: bool = True,
) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage as a whole, so neighbours keep sharing their borders.

    With ``method="arcs"`` (the default) the coverage is cut into shared arcs (each border
    between two neighbours once, junctions fixed) and each arc is simplified with
    Douglas-Peucker: neighbours stay matched exactly and no border moves further than
    ``tolerance`` from the original. Where simplified arcs would cross, the polygons concerned
    are simplified again with a smaller tolerance. ``method="coverage"`` uses
    :func:`shapely.coverage_simplify` (Visvalingam-Whyatt; smoother, but it can cut narrow
    spikes far beyond the tolerance). The result is cached on disk, keyed by the geometry, the
    method and the tolerance.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
        Polygons forming a coverage (tambons, amphoes, ...), any CRS (reprojected to EPSG:4326).
    tolerance : float or "auto", default "auto"
        Tolerance in degrees; ``"auto"`` uses :func:`auto_tolerance`; ``0`` returns the input.
    method : {"arcs", "coverage"}, default "arcs"
        Douglas-Peucker on shared arcs, or :func:`shapely.coverage_simplify`.
    cache : bool, default True
        Read and write the on-disk cache under ``settings.get_cache_folder()/webgeom``.

    Returns
    -------
    GeoDataFrame
        A copy of ``gdf`` (EPSG:4326) with simplified geometry, same rows and index.

    Raises
    ------
    ValidationError
        When a row has no geometry or is not a polygon.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Polygon
    >>> wiggly = Polygon([(0, 0), (1, 0.001), (2, 0), (2, 2), (0, 2)])
    >>> gdf = gpd.GeoDataFrame(geometry=[wiggly], crs="EPSG:4326")
    >>> out = simplify_coverage(gdf, tolerance=0.1, cache=False)
    >>> len(out.geometry.iloc[0].exterior.coords)
    5
    """
    gdf = check_layer(gdf)
    tol = auto_tolerance(gdf) if tolerance == "auto" else float(tolerance)
    if tol < 0:
        raise ValidationError(f"tolerance={tolerance!r} is negative; pass a value >= 0 (degrees)")
    if method not in ("arcs", "coverage"):
        raise ValidationError(f"method={method!r} is not supported; use 'arcs' or 'coverage'")
    out = gdf.copy()
    if tol == 0:
        return out
    geoms = np.asarray(gdf.geometry.values)
    key = geometry_hash(geoms, "simplify", method, tol) if cache else ""
    path = cache_path(key, ".parquet") if cache else None
    if path is not None and path.is_file():
        simple = read_wkb(path)
        log.info("simplify_coverage read %s polygons from the cache %s", f"{len(simple):,}", path)
    else:
        if method == "arcs":
            simple = _simplify_arcs(geoms, tol)
        else:
            work = geoms
            if int(shapely.get_num_coordinates(geoms).sum()) > 1_000_000:
                work = _simplify_arcs(geoms, tol / 10, rounds=2)
            simple = shapely.coverage_simplify(work, tol)
        simple = _keep_collapsed(simple, geoms)
        if path is not None:
            write_wkb(path, simple)
    out = out.set_geometry(gpd.GeoSeries(simple, index=gdf.index, crs="EPSG:4326"))
    log.info(
        "simplify_coverage returned %s polygons with %s vertices (%s, tolerance %g°)",
        f"{len(out):,}", f"{int(shapely.get_num_coordinates(simple).sum()):,}", method, tol,
    )
    return out


def _keep_collapsed(simple: np.ndarray, original: np.ndarray) -> np.ndarray:
    """Never return an empty polygon: fall back to the original where one collapsed."""
    empty = shapely.is_empty(simple) | shapely.is_missing(simple)
    if empty.any():
        log.warning("%d polygons collapsed when simplified; kept them unsimplified", empty.sum())
        simple = simple.copy()
        simple[empty] = original[empty]
    return simple
