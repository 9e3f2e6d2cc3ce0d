"""Where points fall: the coordinate columns of a table, point in polygon, and snapping.

The geometry behind :func:`tambon_gis.join.assign_points`, which is the public function.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import pandas as pd
import shapely

from tambon_gis._errors import SchemaError
from tambon_gis._logging import progress

X_NAMES = ("lon", "long", "lng", "longitude", "x", "ลองจิจูด", "ลองติจูด", "พิกัดx")
Y_NAMES = ("lat", "latitude", "y", "ละติจูด", "พิกัดy")
_GRID = 0.05  # degrees per cell of the point index


def xy_columns(df: pd.DataFrame, x: str | None, y: str | None) -> tuple[str, str]:
    def find(names: tuple[str, ...]) -> str | None:
        for c in df.columns:
            if str(c).strip().lower().replace(" ", "").replace("_", "") in names:
                return c
        return None

    x = x or find(X_NAMES)
    y = y or find(Y_NAMES)
    if x is None or y is None or x not in df.columns or y not in df.columns:
        raise SchemaError(
            f"cannot find the coordinate columns among {list(df.columns)}: pass x='LON_COLUMN', "
            "y='LAT_COLUMN', or give a GeoDataFrame of points"
        )
    return x, y


def locate(
    xs: np.ndarray, ys: np.ndarray, geoms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first polygon containing each point (-1 if none) and how many contain it.

    Points are bucketed in a grid of ``_GRID`` degrees and sorted by cell, so the points in
    a polygon's bounding box are a few contiguous slices; only those are tested, with
    ``shapely.contains_xy`` on the prepared polygon (no Point objects are made).
    """
    n = len(xs)
    first = np.full(n, -1, dtype=np.int64)
    count = np.zeros(n, dtype=np.int32)
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any() or len(geoms) == 0:
        return first, count
    idx_ok = np.flatnonzero(ok)
    px, py = xs[idx_ok], ys[idx_ok]
    x0, y0 = float(px.min()), float(py.min())
    nx = int((px.max() - x0) // _GRID) + 1
    ny = int((py.max() - y0) // _GRID) + 1
    cid = ((py - y0) // _GRID).astype(np.int64) * nx + ((px - x0) // _GRID).astype(np.int64)
    order = np.argsort(cid, kind="stable")
    scid = cid[order]
    sx, sy = px[order], py[order]
    s_first = np.full(len(order), -1, dtype=np.int64)
    s_count = np.zeros(len(order), dtype=np.int32)
    bounds = shapely.bounds(geoms)
    shapely.prepare(geoms)
    usable = cast(np.ndarray, np.isfinite(bounds).all(axis=1))  # one flag per row
    b = np.where(usable[:, None], bounds, 0.0)
    gx0 = np.clip((b[:, 0] - x0) // _GRID, 0, nx - 1).astype(np.int64)
    gx1 = np.clip((b[:, 2] - x0) // _GRID, -1, nx - 1).astype(np.int64)
    gy0 = np.clip((b[:, 1] - y0) // _GRID, 0, ny - 1).astype(np.int64)
    gy1 = np.clip((b[:, 3] - y0) // _GRID, -1, ny - 1).astype(np.int64)
    nrows = np.where(usable & (gx1 >= gx0), gy1 - gy0 + 1, 0).clip(min=0)
    polys = np.flatnonzero(nrows > 0)
    # batches of polygons, so the candidate pairs stay a few million at a time
    batches = np.array_split(polys, max(1, len(polys) // 256))
    for batch in progress(batches, total=len(batches), desc="assigning points"):
        if len(batch) == 0:
            continue
        reps = nrows[batch]
        poly_of_row = np.repeat(batch, reps)
        offset = np.arange(len(poly_of_row)) - np.repeat(np.cumsum(reps) - reps, reps)
        row_y = gy0[poly_of_row] + offset
        lo = np.searchsorted(scid, row_y * nx + gx0[poly_of_row], side="left")
        hi = np.searchsorted(scid, row_y * nx + gx1[poly_of_row], side="right")
        size = hi - lo
        keep = size > 0
        lo, size, poly_of_row = lo[keep], size[keep], poly_of_row[keep]
        total = int(size.sum())
        if total == 0:
            continue
        start = np.repeat(lo - (np.cumsum(size) - size), size)
        cand = start + np.arange(total)  # positions in the sorted points
        pol = np.repeat(poly_of_row, size)
        cx, cy = sx[cand], sy[cand]
        inb = (cx >= bounds[pol, 0]) & (cx <= bounds[pol, 2])
        inb &= (cy >= bounds[pol, 1]) & (cy <= bounds[pol, 3])
        cand, pol, cx, cy = cand[inb], pol[inb], cx[inb], cy[inb]
        if len(cand) == 0:
            continue
        inside = shapely.contains_xy(geoms[pol], cx, cy)
        hit, hpol = cand[inside], pol[inside]
        if len(hit) == 0:
            continue
        np.add.at(s_count, hit, 1)
        # pairs come in polygon order: the first pair of a point has its lowest polygon
        uniq, at = np.unique(hit, return_index=True)
        fresh = s_first[uniq] < 0
        s_first[uniq[fresh]] = hpol[at[fresh]]
    back = idx_ok[order]
    first[back] = s_first
    count[back] = s_count
    return first, count


def snap(
    xs: np.ndarray, ys: np.ndarray, geoms: np.ndarray, max_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest polygon within ``max_m`` metres (geodesic) of each point: (index or -1, metres)."""
    from pyproj import Geod

    n = len(xs)
    best = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if n == 0:
        return best, dist
    pts = cast(np.ndarray, shapely.points(xs, ys))  # arrays in: an array of points out
    lat_max = min(float(np.nanmax(np.abs(ys))) + 1.0, 89.0)
    tol = max_m / (111_320.0 * math.cos(math.radians(lat_max))) * 1.05
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(pts, predicate="dwithin", distance=tol)
    if len(pi) == 0:
        return best, dist
    lines = shapely.shortest_line(pts[pi], geoms[gi])
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    geod = Geod(ellps="WGS84")
    _, _, d = geod.inv(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
    d = np.asarray(d, dtype=float)
    order = np.lexsort((gi, d, pi))
    pi_s, gi_s, d_s = pi[order], gi[order], d[order]
    firsts = np.flatnonzero(np.r_[True, pi_s[1:] != pi_s[:-1]])
    p, g, dd = pi_s[firsts], gi_s[firsts], d_s[firsts]
    keep = dd <= max_m
    best[p[keep]] = g[keep]
    dist[p[keep]] = dd[keep]
    return best, dist
