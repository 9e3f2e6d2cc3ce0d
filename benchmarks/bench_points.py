"""Benchmark: putting random points into tambons of the full-resolution layer, vs geopandas.sjoin.

Points are drawn uniformly in the bounding box of Thailand (about half fall in a tambon, the
rest in the sea or a neighbouring country). In the same run, for each size:

1. ``tambon_gis.assign_points`` from a table of lon/lat columns (no Point objects made);
2. a plain ``geopandas.sjoin(points, tambons, predicate="within")``, timed with and without
   building the GeoDataFrame of points it needs.

    TAMBON_GIS_TEST_DATA=../shared/data/boundaries python benchmarks/bench_points.py [N ...]

Sizes default to 1,000,000 and 10,000,000 points.
"""

from __future__ import annotations

import gc
import os
import sys
import time

from _common import data_dir  # benchmarks/ is on sys.path


def rss_gb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 1e9
    except ImportError:  # pragma: no cover
        return float("nan")


def main(argv: list[str]) -> int:
    data = data_dir()
    path = data / "hdx-cod-ab-tha" / "full-resolution" / "tha_adm3_tambon_full.zip"
    if not path.exists():
        sys.stderr.write(f"missing {path}: set TAMBON_GIS_TEST_DATA\n")
        return 1
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    import tambon_gis as tg

    tg.settings.progress = False
    sizes = [int(a.replace("_", "")) for a in argv] or [1_000_000, 10_000_000]
    t0 = time.perf_counter()
    tambons = tg.load_boundaries(path)
    t_load = time.perf_counter() - t0
    vertices = int(shapely.get_num_coordinates(tambons.geometry.to_numpy()).sum())
    x0, y0, x1, y1 = tambons.total_bounds
    rows = []
    for n in sizes:
        rng = np.random.default_rng(n)
        df = pd.DataFrame({"lon": rng.uniform(x0, x1, n), "lat": rng.uniform(y0, y1, n)})
        gc.collect()
        t0 = time.perf_counter()
        ours = tg.assign_points(df, tambons)
        t_ours = time.perf_counter() - t0
        inside = int((ours["assign_status"] == "inside").sum())
        codes_ours = ours["tambon_code"].to_numpy(dtype=object)
        single = ours["n_tambons"].to_numpy() <= 1
        mem_ours = rss_gb()
        del ours
        gc.collect()
        t0 = time.perf_counter()
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
        t_pts = time.perf_counter() - t0
        t0 = time.perf_counter()
        joined = gpd.sjoin(
            pts, tambons[["tambon_code", "geometry"]], predicate="within", how="left"
        )
        t_sjoin = time.perf_counter() - t0
        mem_sjoin = rss_gb()
        first = joined[~joined.index.duplicated(keep="first")]["tambon_code"].to_numpy(dtype=object)
        a = pd.Series(codes_ours[single], dtype="str").fillna("-").to_numpy()
        b = pd.Series(first[single], dtype="str").fillna("-").to_numpy()
        same = a == b
        rows.append((n, t_ours, t_pts, t_sjoin, inside, float(same.mean()), mem_ours, mem_sjoin))
        del pts, joined, first, df
        gc.collect()

    print(
        f"tambon_gis {tg.__version__}; full-resolution layer: {len(tambons):,} tambons, "
        f"{vertices:,} vertices (load_boundaries {t_load:.1f} s, cached GeoParquet if warm)"
    )
    print(f"machine: {os.cpu_count()} cores, shared with other jobs (figures taken under load)")
    print()
    print(
        "| points | assign_points (s) | points/s | sjoin only (s) | points_from_xy + sjoin (s) "
        "| sjoin points/s (with points) | inside | same answer | RSS after ours / sjoin (GB) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, t_ours, t_pts, t_sjoin, inside, same, m1, m2 in rows:
        print(
            f"| {n:,} | {t_ours:.2f} | {n / t_ours:,.0f} | {t_sjoin:.2f} | {t_pts + t_sjoin:.2f} | "
            f"{n / (t_pts + t_sjoin):,.0f} | {inside / n:.1%} | {same:.4%} | {m1:.1f} / {m2:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
