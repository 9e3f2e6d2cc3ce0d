"""Benchmark: reading the full-resolution national tambon layer (10.3 M vertices).

Compares, in the same run, plain readers with tambon_gis.load_boundaries cold (first read,
canonicalising and writing the GeoParquet cache) and warm (reading the cache).

    TAMBON_GIS_TEST_DATA=../shared/data/boundaries python benchmarks/bench_load.py

Target (issue 2): the cached read within 1.5x of the fastest plain reader.
"""

from __future__ import annotations

import sys
import tempfile
import time

from _common import best_of, data_dir  # benchmarks/ is on sys.path


def main() -> int:
    data = data_dir()
    path = data / "hdx-cod-ab-tha" / "full-resolution" / "tha_adm3_tambon_full.zip"
    if not path.exists():
        sys.stderr.write(f"missing {path}: set TAMBON_GIS_TEST_DATA\n")
        return 1
    import geopandas as gpd
    import pyogrio
    import shapely

    import tambon_gis as tg
    from tambon_gis.boundaries import load_boundaries_with_report

    tg.settings.progress = False
    tg.settings.cache_folder = tempfile.mkdtemp(prefix="tg_bench_")
    rows = []

    t, gdf = best_of(lambda: gpd.read_file(path), repeat=2)
    rows.append(("geopandas.read_file (pyogrio, default)", t))
    t, _ = best_of(lambda: gpd.read_file(path, use_arrow=True), repeat=2)
    rows.append(("geopandas.read_file(use_arrow=True)", t))
    t, _ = best_of(lambda: pyogrio.read_dataframe(path, use_arrow=True), repeat=2)
    rows.append(("pyogrio.read_dataframe(use_arrow=True)", t))
    fastest_plain = min(r[1] for r in rows)

    t0 = time.perf_counter()
    cold = tg.load_boundaries(path)
    rows.append(("tambon_gis.load_boundaries, first read (builds cache)", time.perf_counter() - t0))
    t, (_, warm_report) = best_of(lambda: load_boundaries_with_report(path), repeat=3)
    assert warm_report.from_cache
    rows.append(("tambon_gis.load_boundaries, cached read", t))

    n_vertices = int(shapely.get_num_coordinates(cold.geometry.values).sum())
    print(f"input: {path.name}: {len(gdf):,} features, {n_vertices:,} vertices")
    print(f"{'reader':58s} {'seconds':>8s} {'vs fastest plain':>17s}")
    for name, secs in rows:
        print(f"{name:58s} {secs:8.2f} {secs / fastest_plain:16.2f}x")
    ratio = rows[-1][1] / fastest_plain
    print(f"cached read / fastest plain reader = {ratio:.2f} (target <= 1.5): "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
