"""Geometry for the web: topology-preserving simplification and a compact shared-arc encoding.

A national tambon layer at full resolution holds about 10 million vertices. Simplifying each
polygon on its own (``GeoSeries.simplify``) tears neighbouring tambons apart, because the two
sides of a shared border are simplified differently. This module simplifies the *coverage* as a
whole: it cuts it into shared arcs (each border between two neighbours once) and simplifies each
arc once (Douglas-Peucker with the junctions fixed, repaired where arcs would cross), or uses
:func:`shapely.coverage_simplify`. It then encodes the result as TopoJSON: coordinates are
quantised to an integer grid, every shared border is stored once as an *arc*, and polygons are
lists of arc references. Amphoe and changwat outlines are meshes of the same arcs, so a page
embeds the geometry once for all its layers.

Results are cached on disk under :func:`tambon_gis.settings.get_cache_folder`, keyed by a hash
of the input geometry and the tolerance.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis import webgeom
>>> gdf = gpd.GeoDataFrame({"tambon_code": ["100101", "100102"]},
...                        geometry=[box(100, 13, 100.5, 13.5), box(100.5, 13, 101, 13.5)],
...                        crs="EPSG:4326")
>>> topo = webgeom.to_topology(gdf, tolerance=0.0, cache=False)
>>> topo.n_features, topo.n_arcs
(2, 3)
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import settings
from tambon_gis._errors import CRSError, ValidationError
from tambon_gis._logging import get_logger

log = get_logger(__name__)

#: Dropped-ring reports already logged in this process (see :func:`to_topology`).
_DROPS_REPORTED: set[tuple[Any, ...]] = set()

#: Version of the cache layout; bump when the simplification or the encoding changes.
_CACHE_VERSION = "3"

#: Default tolerance (degrees) for a layer as large as Thailand: borders move at most ~170 m.
NATIONAL_TOLERANCE = 0.0015

#: Smallest automatic tolerance (degrees, about 11 m).
MIN_TOLERANCE = 0.0001

__all__ = [
    "MIN_TOLERANCE",
    "NATIONAL_TOLERANCE",
    "CoverageCheck",
    "WebTopology",
    "auto_quantum",
    "auto_tolerance",
    "check_coverage",
    "from_topology",
    "simplify_coverage",
    "to_topology",
]


# --------------------------------------------------------------------------------------------
# tolerance and validation


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


def _check_layer(gdf: Any, *, what: str = "gdf") -> gpd.GeoDataFrame:
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


# --------------------------------------------------------------------------------------------
# cache


#: Digests computed once for the duration of one call chain (see ``_digest_scope``).
_SCOPE: dict[int, tuple[np.ndarray, str]] = {}


@contextmanager
def _digest_scope(geoms: np.ndarray) -> Iterator[None]:
    """Hash ``geoms`` once while the block runs (a map build looks the cache up 3 times)."""
    key = id(geoms)
    if key in _SCOPE:
        yield
        return
    _SCOPE[key] = (geoms, _geometry_digest(geoms))
    try:
        yield
    finally:
        _SCOPE.pop(key, None)


def _geometry_digest(geoms: np.ndarray) -> str:
    """Fingerprint of the geometry: every coordinate and the ring/part structure."""
    hit = _SCOPE.get(id(geoms))
    if hit is not None and hit[0] is geoms:
        return hit[1]
    digest = hashlib.sha256()
    digest.update(memoryview(np.ascontiguousarray(shapely.get_coordinates(geoms))))
    digest.update(shapely.get_num_coordinates(geoms).tobytes())
    parts, index = shapely.get_parts(geoms, return_index=True)
    digest.update(index.tobytes())
    digest.update(shapely.get_num_coordinates(parts).tobytes())
    digest.update(shapely.get_num_interior_rings(parts).tobytes())
    return digest.hexdigest()


def _geometry_hash(geoms: np.ndarray, *extra: object) -> str:
    digest = hashlib.sha256()
    digest.update(_CACHE_VERSION.encode())
    for value in extra:
        digest.update(repr(value).encode())
    digest.update(_geometry_digest(geoms).encode())
    return digest.hexdigest()[:24]


def _cache_path(key: str, suffix: str) -> Path:
    folder = settings.get_cache_folder() / "webgeom"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}{suffix}"


def _write_wkb(path: Path, geoms: np.ndarray) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"wkb": pa.array(list(shapely.to_wkb(geoms)), type=pa.binary())})
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _read_wkb(path: Path) -> np.ndarray:
    import pyarrow.parquet as pq

    values = pq.read_table(path).column("wkb").to_pylist()
    return shapely.from_wkb(np.asarray(values, dtype=object))


# --------------------------------------------------------------------------------------------
# shared-arc extraction


@dataclass
class _Arcs:
    """Shared arcs of a set of (multi)polygons on an integer grid."""

    points: np.ndarray  # (P, 2) int64 grid coordinates of the unique points
    arcs: list[np.ndarray]  # each an array of point ids, in order
    features: list[list[list[list[int]]]]  # feature -> polygon -> ring -> signed arc refs
    dropped_rings: list[tuple[int, int, int]] = field(default_factory=list)


def _ragged(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    _, coords, offsets = shapely.to_ragged_array(geoms)
    if len(offsets) == 2:  # only Polygons: one part per geometry
        ring_off, part_off = offsets
        geom_off = np.arange(len(part_off), dtype=part_off.dtype)
    else:
        ring_off, part_off, geom_off = offsets
    return coords, ring_off, part_off, geom_off


def _extract_arcs(geoms: np.ndarray, *, origin: tuple[float, float], quantum: float) -> _Arcs:
    """Split the rings of ``geoms`` into shared arcs on a grid of step ``quantum``.

    A vertex is a junction where the set of rings sharing the edge before it differs from the
    set sharing the edge after it; rings are cut at every junction and identical chains (in
    either direction) become one arc.
    """
    coords, ring_off, part_off, geom_off = _ragged(geoms)
    n_rings = len(ring_off) - 1
    qx = np.rint((coords[:, 0] - origin[0]) / quantum).astype(np.int64)
    qy = np.rint((coords[:, 1] - origin[1]) / quantum).astype(np.int64)
    key = (qx << 32) | qy
    del qx, qy, coords  # free memory early: a national layer has 10 million vertices
    ring_of = np.repeat(np.arange(n_rings), np.diff(ring_off))
    # drop consecutive duplicates inside each ring (quantisation can merge vertices)
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = (key[1:] != key[:-1]) | (ring_of[1:] != ring_of[:-1])
    key, ring_of = key[keep], ring_of[keep]
    lengths = np.bincount(ring_of, minlength=n_rings)
    # a closed ring needs 4 points (3 distinct); collapsed ones are dropped and reported
    ok_ring = lengths >= 4
    ring_starts = np.concatenate([[0], np.cumsum(lengths)])
    uniq, inv = np.unique(key, return_inverse=True)
    del key, keep
    points = np.column_stack([uniq >> 32, uniq & 0xFFFFFFFF])

    # edges: point k -> k+1 inside each ring (the last point closes the ring)
    is_last = np.zeros(len(inv), dtype=bool)
    is_last[ring_starts[1:] - 1] = True
    a, b = inv[:-1][~is_last[:-1]], inv[1:][~is_last[:-1]]
    edge_ring = ring_of[:-1][~is_last[:-1]]
    m = np.int64(len(uniq))
    ekey = np.minimum(a, b) * m + np.maximum(a, b)
    del a, b
    _, eid, ecount = np.unique(ekey, return_inverse=True, return_counts=True)
    del ekey
    order = np.lexsort((edge_ring, eid))
    first = np.ones(len(order), dtype=bool)
    first[1:] = eid[order][1:] != eid[order][:-1]
    lo = edge_ring[order][first]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = eid[order][1:] != eid[order][:-1]
    hi = edge_ring[order][last]
    sig_per_edge_id = (lo * (n_rings + 1) + hi) * 4 + np.minimum(ecount, 3)
    sig = sig_per_edge_id[eid]
    del order, first, last, lo, hi, eid, sig_per_edge_id
    # per ring, vertex j (0..n-2) has previous edge j-1 (cyclic) and next edge j
    edge_starts = ring_starts - np.arange(n_rings + 1)  # each ring has length-1 edges
    prev_index = np.arange(len(sig)) - 1
    first_edge = edge_starts[:-1]
    n_edges = np.diff(edge_starts)
    has_edges = n_edges > 0
    prev_index[first_edge[has_edges]] = first_edge[has_edges] + n_edges[has_edges] - 1
    vertex_junction = sig != sig[prev_index]
    vertex_point = inv[~is_last]
    junction = np.zeros(len(uniq), dtype=bool)
    junction[vertex_point[vertex_junction & ok_ring[edge_ring]]] = True

    arc_index: dict[bytes, int] = {}
    arcs: list[np.ndarray] = []

    def ref(chain: np.ndarray) -> int:
        closed = chain[0] == chain[-1]
        if closed and not junction[chain[0]]:
            # a ring with no junction: one closed arc, rotated to start at its smallest point
            body = chain[:-1]
            fwd = np.roll(body, -int(np.argmin(body)))
            back = body[::-1]
            back = np.roll(back, -int(np.argmin(back)))
            reverse = bool(len(body) > 1 and back[1] < fwd[1])
            canon = back if reverse else fwd
            canon = np.concatenate([canon, canon[:1]])
        elif chain[0] > chain[-1] or (closed and chain[1] > chain[-2]):
            canon, reverse = chain[::-1], True
        else:
            canon, reverse = chain, False
        k = canon.tobytes()
        idx = arc_index.get(k)
        if idx is None:
            idx = len(arcs)
            arc_index[k] = idx
            arcs.append(np.ascontiguousarray(canon))
        return ~idx if reverse else idx

    dropped: list[tuple[int, int, int]] = []
    features: list[list[list[list[int]]]] = []
    n_geoms = len(geom_off) - 1
    for g in range(n_geoms):
        polys: list[list[list[int]]] = []
        for p in range(geom_off[g], geom_off[g + 1]):
            rings: list[list[int]] = []
            for r in range(part_off[p], part_off[p + 1]):
                if not ok_ring[r]:
                    dropped.append((g, p - geom_off[g], r - part_off[p]))
                    continue
                ring = inv[ring_starts[r] : ring_starts[r + 1]]
                body = ring[:-1]
                cuts = np.flatnonzero(junction[body])
                if len(cuts) == 0:
                    rings.append([ref(ring)])
                    continue
                rolled = np.roll(body, -cuts[0])
                cuts = cuts - cuts[0]
                bounds = [*cuts.tolist(), len(body)]
                closed_ring = np.concatenate([rolled, rolled[:1]])
                rings.append(
                    [ref(closed_ring[s : e + 1])
                     for s, e in itertools.pairwise(bounds)]
                )
            if rings and rings[0] and part_ok(part_off, p, ok_ring):
                polys.append(rings)
        features.append(polys)
    return _Arcs(points=points, arcs=arcs, features=features, dropped_rings=dropped)


def part_ok(part_off: np.ndarray, p: int, ok_ring: np.ndarray) -> bool:
    """Tell whether the exterior ring of polygon part ``p`` survived quantisation."""
    return bool(ok_ring[part_off[p]])


def _arc_coords(arcs: _Arcs, refs: Sequence[int]) -> np.ndarray:
    parts = []
    for i, r in enumerate(refs):
        ids = arcs.arcs[~r][::-1] if r < 0 else arcs.arcs[r]
        parts.append(ids if i == 0 else ids[1:])
    return np.concatenate(parts)


def _rebuild(arcs: _Arcs, grid_to_xy: Any, rows: Iterable[int] | None = None) -> np.ndarray:
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
    arcs = _extract_arcs(geoms, origin=(xmin, ymin), quantum=quantum)
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
        for i in ids:
            arc_features_list[i].append(f)
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


# --------------------------------------------------------------------------------------------
# public: simplification


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
    gdf = _check_layer(gdf)
    tol = auto_tolerance(gdf) if tolerance == "auto" else float(tolerance)
    if tol < 0:
        raise ValidationError(f"tolerance={tolerance!r} is negative; pass a value >= 0 (degrees)")
    if method not in ("arcs", "coverage"):
        raise ValidationError(f"method={method!r} is not supported; use 'arcs' or 'coverage'")
    out = gdf.copy()
    if tol == 0:
        return out
    geoms = np.asarray(gdf.geometry.values)
    key = _geometry_hash(geoms, "simplify", method, tol) if cache else ""
    path = _cache_path(key, ".parquet") if cache else None
    if path is not None and path.is_file():
        simple = _read_wkb(path)
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
            _write_wkb(path, simple)
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


# --------------------------------------------------------------------------------------------
# public: topology


class WebTopology:
    """A TopoJSON topology of a layer: quantised shared arcs and the features that use them.

    Build it with :func:`to_topology`. ``topology`` is the TopoJSON dictionary; ``to_json()``
    is the compact text embedded in map pages.

    Attributes
    ----------
    topology : dict
        The TopoJSON object (``type``, ``transform``, ``objects``, ``arcs``).
    object_name : str
        Name of the geometry collection in ``topology["objects"]``.
    tolerance, quantum : float
        Simplification tolerance and grid step, in degrees.
    n_vertices_in : int
        Vertices of the input geometry.
    dropped : pandas.DataFrame
        Rings dropped because they collapsed on the grid (row position, polygon, ring, area).
    """

    def __init__(
        self,
        topology: dict[str, Any],
        *,
        object_name: str,
        tolerance: float,
        quantum: float,
        n_vertices_in: int,
        dropped: pd.DataFrame,
    ) -> None:
        self.topology = topology
        self.object_name = object_name
        self.tolerance = tolerance
        self.quantum = quantum
        self.n_vertices_in = n_vertices_in
        self.dropped = dropped
        self._json: str | None = None
        #: The simplified geometry (before quantisation), one per feature.
        self.geometry: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        """Number of features (rows of the input)."""
        return len(self.topology["objects"][self.object_name]["geometries"])

    @property
    def n_arcs(self) -> int:
        """Number of distinct arcs."""
        return len(self.topology["arcs"])

    @property
    def n_points(self) -> int:
        """Number of positions stored in the arcs."""
        return sum(len(a) for a in self.topology["arcs"])

    def to_json(self) -> str:
        """Return the topology as compact JSON text (cached)."""
        if self._json is None:
            self._json = json.dumps(self.topology, separators=(",", ":"), ensure_ascii=False)
        return self._json

    @property
    def nbytes(self) -> int:
        """Size of :meth:`to_json` in UTF-8 bytes."""
        return len(self.to_json().encode("utf-8"))

    def save(self, path: str | Path) -> Path:
        """Write the topology as a ``.topojson`` file (UTF-8) and return its path."""
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        log.info("WebTopology.save wrote %s (%s bytes)", path, f"{path.stat().st_size:,}")
        return path

    def to_frame(self) -> pd.DataFrame:
        """One row per feature: id, number of polygons, rings and arc references."""
        rows = []
        for g in self.topology["objects"][self.object_name]["geometries"]:
            arcs = g.get("arcs", [])
            if g["type"] == "Polygon":
                arcs = [arcs]
            rows.append(
                {
                    "id": g.get("id"),
                    "polygons": len(arcs),
                    "rings": sum(len(p) for p in arcs),
                    "arc_refs": sum(len(r) for p in arcs for r in p),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Key figures as a dictionary."""
        return {
            "features": self.n_features,
            "arcs": self.n_arcs,
            "points": self.n_points,
            "input vertices": self.n_vertices_in,
            "tolerance (deg)": self.tolerance,
            "grid step (deg)": self.quantum,
            "dropped rings": len(self.dropped),
            "bytes": self.nbytes,
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<WebTopology {s['features']:,} features, {s['arcs']:,} arcs, "
            f"{s['points']:,} points (from {s['input vertices']:,} vertices), "
            f"tolerance {s['tolerance (deg)']:g}°, grid {s['grid step (deg)']:g}°, "
            f"{s['bytes'] / 1e6:.2f} MB, {s['dropped rings']} rings dropped>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td>{html.escape(f'{v:,}' if isinstance(v, int) else f'{v:g}')}</td></tr>"
            for k, v in self.summary().items()
        )
        return f"<table><caption>WebTopology</caption>{rows}</table>"


def _encode_properties(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def to_topology(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    properties: Iterable[str] | None = None,
    id_column: str | None = "tambon_code",
    tolerance: float | str = "auto",
    quantum: float | str = "auto",
    object_name: str = "features",
    cache: bool = True,
) -> WebTopology:
    """Encode a layer as quantised TopoJSON with shared arcs.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
        Polygons, usually tambons in the canonical schema.
    properties : iterable of str, optional
        Columns copied into each feature's ``properties`` (JSON-safe: missing values become
        ``null``, other types text). ``None`` copies none.
    id_column : str or None, default "tambon_code"
        Column used as the feature ``id`` when present; otherwise the row position.
    tolerance : float or "auto", default "auto"
        Passed to :func:`simplify_coverage`; ``0`` keeps every vertex.
    quantum : float or "auto", default "auto"
        Grid step in degrees (:func:`auto_quantum` of the tolerance).
    object_name : str, default "features"
        Name of the geometry collection in the topology.
    cache : bool, default True
        Use the on-disk cache of simplified geometry.

    Returns
    -------
    WebTopology
        The topology with its figures.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["100101", "100102"], "v": [1.5, None]},
    ...                        geometry=[box(100, 13, 101, 14), box(101, 13, 102, 14)],
    ...                        crs="EPSG:4326")
    >>> topo = to_topology(gdf, properties=["v"], tolerance=0, cache=False)
    >>> [g["properties"]["v"] for g in topo.topology["objects"]["features"]["geometries"]]
    [1.5, None]
    >>> [g.bounds for g in from_topology(topo).geometry]
    [(100.0, 13.0, 101.0, 14.0), (101.0, 13.0, 102.0, 14.0)]
    """
    gdf = _check_layer(gdf)
    properties = list(properties or [])
    missing = [c for c in properties if c not in gdf.columns]
    if missing:
        raise ValidationError(
            f"properties {missing} are not columns of gdf; available: {list(gdf.columns)}"
        )
    tol = auto_tolerance(gdf) if tolerance == "auto" else float(tolerance)
    q = auto_quantum(tol) if quantum == "auto" else float(quantum)
    if q <= 0:
        raise ValidationError(f"quantum={quantum!r} must be > 0 (a grid step in degrees)")
    in_geoms = np.asarray(gdf.geometry.values)
    n_in = int(shapely.get_num_coordinates(in_geoms).sum())
    with _digest_scope(in_geoms) if cache else _no_scope():
        return _to_topology(gdf, in_geoms, n_in, properties=properties, id_column=id_column,
                            tol=tol, q=q, object_name=object_name, cache=cache)


@contextmanager
def _no_scope() -> Iterator[None]:
    yield


def _to_topology(
    gdf: gpd.GeoDataFrame, in_geoms: np.ndarray, n_in: int, *, properties: list[str],
    id_column: str | None, tol: float, q: float, object_name: str, cache: bool,
) -> WebTopology:
    simple = simplify_coverage(gdf, tolerance=tol, cache=cache) if tol > 0 else gdf
    geoms = np.asarray(simple.geometry.values)
    key = _geometry_hash(in_geoms, "topology", tol, q) if cache else ""
    path = _cache_path(key, ".json") if cache else None
    arrays = path.with_suffix(".npz") if path is not None else None
    if path is not None and arrays is not None and path.is_file() and arrays.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
        features = cached["features"]
        dropped_rings, (xmin, ymin) = cached["dropped"], cached["origin"]
        with np.load(arrays) as npz:
            deltas, offsets = npz["deltas"], npz["offsets"]
        encoded = [d.tolist() for d in np.split(deltas, offsets[1:-1])]
        log.debug("to_topology read the cache %s", path)
    else:
        xmin, ymin = (math.floor(v / q) * q for v in shapely.total_bounds(geoms)[:2])
        arcs = _extract_arcs(geoms, origin=(xmin, ymin), quantum=q)
        blocks = []
        for ids in arcs.arcs:
            xy = arcs.points[ids]
            blocks.append(np.vstack([xy[:1], np.diff(xy, axis=0)]))
        encoded = [b.tolist() for b in blocks]
        features, dropped_rings = arcs.features, [list(r) for r in arcs.dropped_rings]
        if path is not None and arrays is not None:
            offsets = np.concatenate([[0], np.cumsum([len(b) for b in blocks])])
            tmp = arrays.with_name(arrays.stem + ".tmp.npz")
            np.savez(tmp, deltas=np.concatenate(blocks) if blocks else np.zeros((0, 2), int),
                     offsets=offsets)
            tmp.replace(arrays)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"features": features, "dropped": dropped_rings,
                            "origin": [xmin, ymin]}, separators=(",", ":"),
                           default=lambda o: o.item()),  # numpy scalars of dropped rings
                encoding="utf-8",
            )
            tmp.replace(path)
    ids_col = (
        gdf[id_column].astype(str).tolist()
        if id_column is not None and id_column in gdf.columns
        else list(range(len(gdf)))
    )
    prop_values = {c: [_encode_properties(v) for v in gdf[c].tolist()] for c in properties}
    geometries = []
    for i, polys in enumerate(features):
        g: dict[str, Any] = (
            {"type": "Polygon", "arcs": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "arcs": polys}
        )
        g["id"] = ids_col[i]
        if properties:
            g["properties"] = {c: prop_values[c][i] for c in properties}
        geometries.append(g)
    empty = [i for i, polys in enumerate(features) if not polys]
    if empty:
        raise ValidationError(
            f"{len(empty)} features lost every polygon on a grid of {q:g}° (ids "
            f"{[ids_col[i] for i in empty[:5]]}); pass a smaller quantum="
        )
    dropped = pd.DataFrame(dropped_rings, columns=["row", "polygon", "ring"])
    if len(dropped):
        dropped["id"] = [ids_col[r] for r in dropped["row"]]
        key = (len(dropped), q, tuple(dropped["id"].head(20).tolist()))
        if key not in _DROPS_REPORTED:  # the same layer drawn again: said once is enough
            _DROPS_REPORTED.add(key)
            log.warning(
                "to_topology dropped %d rings smaller than the grid step %g° (ids %s; see "
                ".dropped): they cannot be seen at this precision, every feature keeps its "
                "other rings", len(dropped), q, ", ".join(map(str, dict.fromkeys(key[2]))),
            )
    topology = {
        "type": "Topology",
        "transform": {"scale": [q, q], "translate": [xmin, ymin]},
        "bbox": [float(v) for v in shapely.total_bounds(geoms)],
        "objects": {object_name: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }
    result = WebTopology(
        topology, object_name=object_name, tolerance=tol, quantum=q, n_vertices_in=n_in,
        dropped=dropped,
    )
    result.geometry = geoms
    log.info("to_topology returned %r", result)
    return result


def from_topology(topology: WebTopology | dict[str, Any], *, object_name: str | None = None
                  ) -> gpd.GeoDataFrame:
    """Decode a TopoJSON topology back to a GeoDataFrame (to check what a page will draw).

    Parameters
    ----------
    topology : WebTopology or dict
        A result of :func:`to_topology` or a TopoJSON dictionary.
    object_name : str, optional
        Geometry collection to decode; defaults to the only (or first) one.

    Returns
    -------
    GeoDataFrame
        Columns ``id``, the properties, and ``geometry`` in EPSG:4326.

    Examples
    --------
    >>> topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
    ...         "objects": {"a": {"type": "GeometryCollection", "geometries": [
    ...             {"type": "Polygon", "arcs": [[0]], "id": "x"}]}},
    ...         "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]]}
    >>> from_topology(topo).geometry.iloc[0].bounds
    (0.0, 0.0, 1.0, 1.0)
    """
    if isinstance(topology, WebTopology):
        object_name = object_name or topology.object_name
        topology = topology.topology
    objects = topology["objects"]
    name = object_name or next(iter(objects))
    scale = np.asarray(topology.get("transform", {}).get("scale", [1, 1]), dtype=float)
    translate = np.asarray(topology.get("transform", {}).get("translate", [0, 0]), dtype=float)
    decoded = []
    for arc in topology["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=float), axis=0) if "transform" in topology else \
            np.asarray(arc, dtype=float)
        decoded.append(xy * scale + translate)

    def ring(refs: list[int]) -> np.ndarray:
        parts = []
        for i, r in enumerate(refs):
            xy = decoded[~r][::-1] if r < 0 else decoded[r]
            parts.append(xy if i == 0 else xy[1:])
        return np.concatenate(parts)

    rows, geoms = [], []
    for g in objects[name]["geometries"]:
        polys = g.get("arcs", [])
        if g["type"] == "Polygon":
            polys = [polys]
        shapes = [shapely.Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in polys]
        geoms.append(shapely.MultiPolygon(shapes) if shapes else shapely.MultiPolygon())
        rows.append({"id": g.get("id"), **g.get("properties", {})})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4326")


# --------------------------------------------------------------------------------------------
# public: checks


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
    a = np.asarray(_check_layer(original, what="original").geometry.values)
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
