"""Shared-arc extraction: cut a polygon coverage into the borders its neighbours share.

Both the simplification (:mod:`tambon_gis.webgeom.simplify`) and the TopoJSON encoding
(:mod:`tambon_gis.webgeom.topojson`) work on these arcs: each border between two
neighbours is stored once, on an integer grid, and polygons are lists of arc references.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import shapely


@dataclass
class Arcs:
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


@dataclass
class _Rings:
    """The rings of a layer on the grid: point ids per vertex and where each ring starts."""

    inv: np.ndarray  # point id of every kept vertex, ring after ring
    ring_of: np.ndarray  # ring of every kept vertex
    ring_starts: np.ndarray  # (n_rings + 1) offsets of the rings into ``inv``
    ok_ring: np.ndarray  # rings with at least 4 points (3 distinct); the others are dropped
    points: np.ndarray  # (P, 2) int64 grid coordinates of the unique points
    part_off: np.ndarray  # offsets of the polygons into the rings
    geom_off: np.ndarray  # offsets of the geometries into the polygons


def _grid_rings(geoms: np.ndarray, *, origin: tuple[float, float], quantum: float) -> _Rings:
    """Snap the vertices to the grid, drop repeated vertices, and number the unique points."""
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
    return _Rings(inv, ring_of, ring_starts, ok_ring, points, part_off, geom_off)


def _junctions(rings: _Rings) -> np.ndarray:
    """Mark the points where the set of rings sharing the edge before and after differs."""
    inv, ring_of, ring_starts, ok_ring = rings.inv, rings.ring_of, rings.ring_starts, rings.ok_ring
    n_rings = len(ring_starts) - 1
    # edges: point k -> k+1 inside each ring (the last point closes the ring)
    is_last = np.zeros(len(inv), dtype=bool)
    is_last[ring_starts[1:] - 1] = True
    a, b = inv[:-1][~is_last[:-1]], inv[1:][~is_last[:-1]]
    edge_ring = ring_of[:-1][~is_last[:-1]]
    m = np.int64(len(rings.points))
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
    junction = np.zeros(len(rings.points), dtype=bool)
    junction[vertex_point[vertex_junction & ok_ring[edge_ring]]] = True
    return junction


class _ArcTable:
    """The arcs found so far, each stored once in a canonical direction."""

    def __init__(self, junction: np.ndarray) -> None:
        self.junction = junction
        self.index: dict[bytes, int] = {}
        self.arcs: list[np.ndarray] = []

    def ref(self, chain: np.ndarray) -> int:
        """Return the signed reference of ``chain`` (``~i``: arc i reversed), adding it."""
        closed = chain[0] == chain[-1]
        if closed and not self.junction[chain[0]]:
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
        idx = self.index.get(k)
        if idx is None:
            idx = len(self.arcs)
            self.index[k] = idx
            self.arcs.append(np.ascontiguousarray(canon))
        return ~idx if reverse else idx

    def ring(self, ring: np.ndarray) -> list[int]:
        """Return the arc references of a closed ring, cut at its junctions."""
        body = ring[:-1]
        cuts = np.flatnonzero(self.junction[body])
        if len(cuts) == 0:
            return [self.ref(ring)]
        rolled = np.roll(body, -cuts[0])
        cuts = cuts - cuts[0]
        bounds = [*cuts.tolist(), len(body)]
        closed_ring = np.concatenate([rolled, rolled[:1]])
        return [self.ref(closed_ring[s : e + 1]) for s, e in itertools.pairwise(bounds)]


def extract_arcs(geoms: np.ndarray, *, origin: tuple[float, float], quantum: float) -> Arcs:
    """Split the rings of ``geoms`` into shared arcs on a grid of step ``quantum``.

    A vertex is a junction where the set of rings sharing the edge before it differs from the
    set sharing the edge after it; rings are cut at every junction and identical chains (in
    either direction) become one arc.
    """
    rings = _grid_rings(geoms, origin=origin, quantum=quantum)
    table = _ArcTable(_junctions(rings))
    inv, ring_starts, ok_ring = rings.inv, rings.ring_starts, rings.ok_ring
    part_off, geom_off = rings.part_off, rings.geom_off
    dropped: list[tuple[int, int, int]] = []
    features: list[list[list[list[int]]]] = []
    n_geoms = len(geom_off) - 1
    for g in range(n_geoms):
        polys: list[list[list[int]]] = []
        for p in range(geom_off[g], geom_off[g + 1]):
            refs: list[list[int]] = []
            for r in range(part_off[p], part_off[p + 1]):
                if not ok_ring[r]:
                    dropped.append((g, p - geom_off[g], r - part_off[p]))
                    continue
                refs.append(table.ring(inv[ring_starts[r] : ring_starts[r + 1]]))
            if refs and refs[0] and part_ok(part_off, p, ok_ring):
                polys.append(refs)
        features.append(polys)
    return Arcs(points=rings.points, arcs=table.arcs, features=features, dropped_rings=dropped)


def part_ok(part_off: np.ndarray, p: int, ok_ring: np.ndarray) -> bool:
    """Tell whether the exterior ring of polygon part ``p`` survived quantisation."""
    return bool(ok_ring[part_off[p]])
