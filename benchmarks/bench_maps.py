"""Benchmark of tambon_gis.maps against GeoDataFrame.explore(), on the real boundaries.

Prints one table: page size, build time (cold and with the simplified geometry cached), peak
memory of the build, border shift from the original, and the time headless Chromium takes to
draw the page, for

* the national full-resolution tambon layer (10.3 million vertices): tambon_gis only by
  default, because ``explore()`` of that layer needs ~48 s, 4.4 GB and writes a 432 MB page
  (measured once before; pass ``--explore-full`` to measure it again here);
* the national simplified layer (206,199 vertices) and one province at full resolution
  (Surin, 219,841 vertices): tambon_gis and ``explore()`` side by side, same input, same run.

Every build runs in a fresh child process, so the peak memory (VmHWM) is its own.

Run::

    TAMBON_GIS_TEST_DATA=../shared/data/boundaries .venv/bin/python benchmarks/bench_maps.py
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import peak_mb  # benchmarks/ is on sys.path

HDX = "hdx-cod-ab-tha"


def _data(name: str) -> Path:
    root = os.environ.get("TAMBON_GIS_TEST_DATA")
    if not root:
        sys.exit("set TAMBON_GIS_TEST_DATA to the folder holding hdx-cod-ab-tha/")
    paths = {
        "national-full": Path(root) / HDX / "full-resolution" / "tha_adm3_tambon_full.zip",
        "national-simplified": Path(root) / HDX / "tha_adm3_tambon_simplified.zip",
        "surin-full": Path(root) / HDX / "full-resolution" / "Surin.zip",
    }
    return paths[name]


def _load(name: str) -> Any:
    import tambon_gis as tg

    gdf = tg.load_boundaries(_data(name), use_cache=False)
    gdf["area_km2"] = gdf.geometry.to_crs("EPSG:32647").area / 1e6
    return gdf


def _build(args: tuple[str, str, str, str]) -> dict[str, Any]:
    """Child process: load, build one page, save it; report time and peak memory."""
    tool, name, cache, out = args
    from tambon_gis import settings

    settings.cache_folder = cache
    settings.progress = False
    gdf = _load(name)
    # import the map libraries before timing (a one-off cost of a Python session)
    import folium  # noqa: F401
    import mapclassify  # noqa: F401

    from tambon_gis import maps

    t0 = time.perf_counter()
    if tool == "tambon_gis":
        m = maps.choropleth(gdf, "area_km2", tooltip=["tambon_code"])
        maps.save(m, out)
    else:
        m = gdf.explore(column="area_km2", scheme="quantiles", k=5, cmap="YlGnBu",
                        tooltip=["tambon_th", "amphoe_th", "changwat_th", "area_km2"])
        m.save(out)
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    return {"seconds": seconds, "peak_mib": peak, "bytes": Path(out).stat().st_size}


def _run(tool: str, name: str, cache: str, out: str) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        return pool.map(_build, [(tool, name, cache, out)])[0]


def _shift(name: str, cache: str) -> dict[str, float]:
    """Border shift (Hausdorff, metres) of the simplified geometry, and coverage errors."""
    import numpy as np
    import shapely

    from tambon_gis import settings, webgeom

    settings.cache_folder = cache
    gdf = _load(name)
    simple = webgeom.simplify_coverage(gdf)
    a = gdf.to_crs("EPSG:32647").geometry.values
    b = simple.to_crs("EPSG:32647").geometry.values
    d = shapely.hausdorff_distance(np.asarray(a), np.asarray(b))
    naive = gdf.geometry.simplify(0.0005).values
    return {
        "p50_m": float(np.percentile(d, 50)),
        "p99_m": float(np.percentile(d, 99)),
        "max_m": float(d.max()),
        "over_200m": int((d > 200).sum()),
        "invalid_cov_before": int((~shapely.is_empty(shapely.coverage_invalid_edges(
            np.asarray(gdf.geometry.values)))).sum()),
        "invalid_cov_after": int((~shapely.is_empty(shapely.coverage_invalid_edges(
            np.asarray(simple.geometry.values)))).sum()),
        "invalid_cov_naive": int((~shapely.is_empty(shapely.coverage_invalid_edges(
            np.asarray(naive)))).sum()),
    }


def _draw(path: str) -> float | None:
    """Seconds from navigation to the map drawn, in headless Chromium with no network."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--no-first-run"])
        ctx = b.new_context(viewport={"width": 1200, "height": 900}, offline=True)
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(Path(path).as_uri(), timeout=120_000)
        page.wait_for_function("document.documentElement.getAttribute('data-tg-drawn')",
                               timeout=120_000)
        wall = time.perf_counter() - t0
        in_page = page.evaluate("TambonGIS.drawnAt") / 1000
        n = page.evaluate("document.querySelectorAll('path.tg-fill').length")
        b.close()
    print(f"    drawn {n:,} shapes: {in_page:.2f} s after navigation start ({wall:.2f} s wall)")
    return in_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--explore-full", action="store_true",
                        help="also run explore() on the full-resolution national layer")
    args = parser.parse_args()
    out_dir = Path(tempfile.mkdtemp(prefix="bench_maps_"))
    rows = []
    cases = [("national-full", True), ("national-simplified", True), ("surin-full", True)]
    for name, _ in cases:
        cache = tempfile.mkdtemp(prefix="tg_cache_")
        page = str(out_dir / f"{name}-tambon_gis.html")
        print(f"{name}: tambon_gis cold ...", flush=True)
        cold = _run("tambon_gis", name, cache, page)
        print(f"{name}: tambon_gis cached ...", flush=True)
        warm = _run("tambon_gis", name, cache, page)
        draw = _draw(page)
        shift = _shift(name, cache)
        rows.append({"layer": name, "tool": "tambon_gis", "MB": cold["bytes"] / 1e6,
                     "cold_s": cold["seconds"], "cached_s": warm["seconds"],
                     "peak_MiB": max(cold["peak_mib"], warm["peak_mib"]), "draw_s": draw,
                     **shift})
        if name != "national-full" or args.explore_full:
            print(f"{name}: explore() ...", flush=True)
            ex = _run("explore", name, cache, str(out_dir / f"{name}-explore.html"))
            rows.append({"layer": name, "tool": "explore()", "MB": ex["bytes"] / 1e6,
                         "cold_s": ex["seconds"], "cached_s": None, "peak_MiB": ex["peak_mib"],
                         "draw_s": None})
    import pandas as pd

    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print()
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"\npages in {out_dir}")


if __name__ == "__main__":
    main()
