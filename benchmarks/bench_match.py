"""Benchmark: matching typed (province, amphoe, tambon) triples, against geothai.match.

Real triples are the Thai names of the 7,425 tambons of the HDX COD-AB layer as the layer
spells them (names cut at 50 bytes, district 8001 without "เมือง" ...). In the same run:

1. ``geothai.match(tambon, district=..., province=...)`` called row by row (the baseline);
2. ``tambon_gis.match_areas`` on the same 7,425 rows, all distinct;
3. ``match_areas`` on 1,000,000 rows drawn from those triples (~7,400 distinct combinations);
4. the 3,301 hard-case rows of ``tests/data/match_hard_cases.csv`` (issue 13: words that are
   not part of the name, ``ฯ``, spelling variants, moved tambons, province changes, codes in
   the tambon column), all distinct and mostly off the fast path, by both.

    TAMBON_GIS_TEST_DATA=../shared/data/boundaries python benchmarks/bench_match.py

Targets (issues 3 and 13): (3) under 2 s; (2) at least 2x the rows per second of (1).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from _common import best_of, data_dir  # benchmarks/ is on sys.path


def main() -> int:
    data = data_dir()
    path = data / "hdx-cod-ab-tha" / "tha_adm3_tambon_simplified.zip"
    if not path.exists():
        sys.stderr.write(f"missing {path}: set TAMBON_GIS_TEST_DATA\n")
        return 1
    import geothai
    import numpy as np
    import pandas as pd
    import pyogrio

    import tambon_gis as tg
    from tambon_gis.matching import _index

    tg.settings.progress = False
    raw = pyogrio.read_dataframe(path, read_geometry=False, encoding="utf-8")
    triples = pd.DataFrame(
        {"province": raw["ADM1_TH"], "amphoe": raw["ADM2_TH"], "tambon": raw["ADM3_TH"]}
    ).astype("str")
    n = len(triples)
    cols = {"province": "province", "amphoe": "amphoe", "tambon": "tambon"}

    t0 = time.perf_counter()
    _index()
    build = time.perf_counter() - t0

    rows_list = list(triples.itertuples(index=False))
    geothai.match(rows_list[0].tambon, district=rows_list[0].amphoe, province=rows_list[0].province)

    def run_geothai() -> int:
        found = 0
        for r in rows_list:
            found += len(geothai.match(r.tambon, district=r.amphoe, province=r.province)) == 1
        return found

    t_geo, geo_found = best_of(run_geothai, repeat=3)
    t_ours, report = best_of(lambda: tg.match_areas(triples, **cols), repeat=3)
    ours_found = report.n_matched

    rng = np.random.default_rng(0)
    big = triples.iloc[rng.integers(0, n, 1_000_000)].reset_index(drop=True)
    distinct = len(big.drop_duplicates())
    t_big, big_report = best_of(lambda: tg.match_areas(big, **cols), repeat=3)
    t_frame, _ = best_of(lambda: big_report.to_frame(), repeat=1)

    hard_path = Path(__file__).parent.parent / "tests" / "data" / "match_hard_cases.csv"
    hard = pd.read_csv(hard_path, dtype=str, keep_default_na=False)[
        ["province", "amphoe", "tambon"]
    ]
    hard_rows = list(hard.itertuples(index=False))

    def run_geothai_hard() -> int:
        found = 0
        for r in hard_rows:
            hit = geothai.match(r.tambon, district=r.amphoe or None, province=r.province or None)
            found += len(hit) == 1
        return found

    t_geo_h, geo_found_h = best_of(run_geothai_hard, repeat=3)
    t_ours_h, report_h = best_of(lambda: tg.match_areas(hard, **cols), repeat=3)
    nh = len(hard)

    counts = report.counts
    print(f"tambon_gis {tg.__version__}, geothai data {geothai.DATA_VERSION}; best of 3 runs")
    print(f"machine: {os.cpu_count()} cores, shared with other jobs (figures taken under load)")
    print()
    print("| what | rows | time (s) | rows/s | rows given one tambon |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| geothai.match, row by row (baseline) | {n:,} | {t_geo:.3f} | {n / t_geo:,.0f} "
        f"| {geo_found:,} |"
    )
    print(
        f"| tambon_gis.match_areas, all rows distinct | {n:,} | {t_ours:.3f} | {n / t_ours:,.0f} "
        f"| {ours_found:,} |"
    )
    print(
        f"| tambon_gis.match_areas, {distinct:,} distinct combinations | {len(big):,} | "
        f"{t_big:.3f} | {len(big) / t_big:,.0f} | {big_report.n_matched:,} |"
    )
    print(
        f"| geothai.match, row by row, hard cases (issue 13) | {nh:,} | {t_geo_h:.3f} "
        f"| {nh / t_geo_h:,.0f} | {geo_found_h:,} |"
    )
    print(
        f"| tambon_gis.match_areas, hard cases, all distinct | {nh:,} | {t_ours_h:.3f} "
        f"| {nh / t_ours_h:,.0f} | {report_h.n_matched:,} |"
    )
    print()
    print(f"one-off gazetteer index build (first call only): {build:.2f} s")
    print(f"MatchReport.to_frame() on the 1,000,000-row report: {t_frame:.2f} s")
    print(
        "statuses of the 7,425 HDX triples: "
        + ", ".join(f"{s} {c:,}" for s, c in counts.items() if c)
    )
    print(
        f"speed-up per row vs geothai: {t_geo / t_ours:.1f}x (HDX triples), "
        f"{t_geo_h / t_ours_h:.1f}x (hard cases); 1 M rows under 2 s: {t_big < 2}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
