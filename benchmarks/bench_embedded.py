"""Benchmark the embedded national layer: size, load time, and points that change tambon.

Run from the repository root (after ``scripts/build_embedded_boundaries.py``)::

    python benchmarks/bench_embedded.py

Points: ``N_POINTS`` points spread uniformly over the full-resolution HDX layer (random
positions inside its national extent, kept when a tambon of the full layer holds them), assigned
with :func:`tambon_gis.assign_points` to the full layer and to the embedded layer; the share
whose tambon differs is the figure quoted in the ``assign_points`` warning. A second set puts
points within 500 m of a tambon border (where villages along roads and rivers often are).
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import best_of, data_dir

import tambon_gis as tg
from tambon_gis import datasets
from tambon_gis.boundaries import ResolutionWarning

N_POINTS = 100_000
SEED = 20221


def _assign(points: pd.DataFrame, layer) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        return tg.assign_points(points, layer, x="x", y="y")["tambon_code"].to_numpy()


def main() -> None:
    """Print the figures as JSON."""
    logging.basicConfig(level=logging.WARNING)
    tg.settings.progress = False
    info = datasets.embedded_info()
    t_tambon, emb = best_of(lambda: tg.load_boundaries(resolution="embedded"), repeat=1)
    t_again, _ = best_of(lambda: tg.load_boundaries(resolution="embedded"), repeat=3)
    t_amphoe, amphoe = best_of(lambda: tg.load_boundaries(resolution="embedded", level="amphoe"),
                               repeat=1)
    full = tg.load_boundaries(data_dir() / "hdx-cod-ab-tha" / "full-resolution"
                              / "tha_adm3_tambon_full.zip", use_cache=False)
    rng = np.random.default_rng(SEED)
    xmin, ymin, xmax, ymax = full.total_bounds
    tree = shapely.STRtree(full.geometry.values)
    pts: list[np.ndarray] = []
    while sum(len(p) for p in pts) < N_POINTS:
        xy = rng.uniform((xmin, ymin), (xmax, ymax), size=(N_POINTS, 2))
        inside = np.unique(tree.query(shapely.points(xy), predicate="within")[0])
        pts.append(xy[inside])
    xy = np.concatenate(pts)[:N_POINTS]
    uniform = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    # points near borders: random vertices of the full layer's borders, moved up to 500 m
    coords = shapely.get_coordinates(shapely.boundary(full.geometry.values))
    pick = coords[rng.integers(0, len(coords), N_POINTS)]
    jitter = rng.uniform(-0.0045, 0.0045, size=pick.shape)
    near = pd.DataFrame({"x": pick[:, 0] + jitter[:, 0], "y": pick[:, 1] + jitter[:, 1]})
    out = {}
    for name, points in (("uniform", uniform), ("near_border_500m", near)):
        a, b = _assign(points, full), _assign(points, emb)
        ok = pd.notna(a)
        out[f"changed_tambon_{name}_pct"] = round(100 * float((a[ok] != b[ok]).mean()), 3)
        out[f"points_{name}"] = int(ok.sum())
    figures = {
        "file_mb": round(info["bytes"] / 1e6, 2),
        "vertices": info["figures"]["vertices"],
        "vertices_source": info["figures"]["vertices_source"],
        "shift_m_p50": info["figures"]["shift_m_p50"],
        "shift_m_p99": info["figures"]["shift_m_p99"],
        "shift_m_max": info["figures"]["shift_m_max"],
        "load_tambon_first_s": round(t_tambon, 2),
        "load_tambon_again_s": round(t_again, 3),
        "load_amphoe_first_s": round(t_amphoe, 2),
        "amphoe": len(amphoe),
        **out,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
