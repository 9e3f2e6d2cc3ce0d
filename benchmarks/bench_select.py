"""Benchmark of scoring, optimal selection and sensitivity on all 7,425 real tambons.

Run::

    TAMBON_GIS_TEST_DATA=/path/to/boundaries .venv/bin/python benchmarks/bench_select.py

The boundaries are the real HDX COD-AB simplified layer; the attributes are ILLUSTRATIVE
(seeded random values in the example pilot table's columns). Baselines, in the same run:

* scoring: the same arithmetic hand-written in pandas (what a notebook would do);
* selection: the same model built with PuLP and solved by CBC (PuLP's default solver), and the
  spreadsheet way (sort by score and take the best that still fit the maximums, no minimum
  quotas, no proof);
* sensitivity: calling ``select_areas`` from scratch for every draw (timed on 20 draws and
  extrapolated to 1,000).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import best_of  # benchmarks/ is on sys.path

import tambon_gis as tg
from tambon_gis import settings
from tambon_gis.selection import score_areas, select_areas, sensitivity
from tambon_gis.selection.solver import _Model

N = 23
QUOTAS = {
    "region": {
        "ภาคเหนือ": (3, 5),
        "ภาคตะวันออกเฉียงเหนือ": (4, 6),
        "ภาคกลาง": (3, 5),
        "ภาคตะวันออก": (3, 4),
        "ภาคตะวันตก": (3, 4),
        "ภาคใต้": (3, 5),
    }
}
MAX_PER_CHANGWAT = 1
FACT_OF_ISSUE = ("forest_land", "food_security", "grassroots_production", "cptpp")


def data() -> pd.DataFrame:
    root = os.environ.get("TAMBON_GIS_TEST_DATA")
    if not root:
        sys.exit("set TAMBON_GIS_TEST_DATA to the folder holding hdx-cod-ab-tha/")
    path = Path(root) / "hdx-cod-ab-tha" / "tha_adm3_tambon_simplified.zip"
    g = tg.load_boundaries(path)
    rng = np.random.default_rng(20251126)
    n = len(g)
    g["สภาองค์กรชุมชนตำบล"] = np.where(rng.random(n) < 0.8, "มี", "ไม่มี")
    g["แผนเกษตรตำบล"] = np.where(rng.random(n) < 0.75, "มี", "ไม่มี")
    hh = rng.integers(100, 3000, n).astype(float)
    hh[rng.random(n) < 0.03] = np.nan
    g["ครัวเรือนเกษตรกร"] = hh
    g["สมาชิกสภาเกษตรกร"] = rng.poisson(25, n)
    issues = np.array(["ที่ดินและป่าไม้", "ความมั่นคงทางอาหาร", "การผลิตฐานราก", "CPTPP"])
    g["ประเด็นนโยบาย"] = issues[rng.integers(0, 4, n)]
    # the plan facts the example criteria read (tambon_gis.plans.plan_facts), as columns
    g["has_adopted_agricultural_plan"] = g["แผนเกษตรตำบล"] == "มี"
    for text, ident in zip(issues, FACT_OF_ISSUE, strict=True):
        g[f"raises_{ident}"] = g["has_adopted_agricultural_plan"] & (g["ประเด็นนโยบาย"] == text)
    return g



def pandas_scoring(g: pd.DataFrame) -> pd.Series:
    """The example criteria written by hand in pandas."""
    ok = (g["สภาองค์กรชุมชนตำบล"] == "มี") & (g["สมาชิกสภาเกษตรกร"] >= 1) & (
        g["has_adopted_agricultural_plan"]
    )
    hh = g["ครัวเรือนเกษตรกร"].rank(pct=True).fillna(0)
    m = g["สมาชิกสภาเกษตรกร"].astype(float)
    members = (m - m.min()) / (m.max() - m.min())
    weights = {"forest_land": 0.1, "food_security": 0.1, "grassroots_production": 0.07,
               "cptpp": 0.03}  # fmt: skip
    issue = sum(w * g[f"raises_{k}"].astype(float) for k, w in weights.items())
    score = 0.4 * hh + 0.3 * members + issue
    return score.where(ok)


def pulp_select(scored: pd.DataFrame) -> tuple[float, float, str]:
    import pulp

    cand = scored[scored["eligible"]]
    prob = pulp.LpProblem("select", pulp.LpMaximize)
    x = {c: pulp.LpVariable(f"x_{c}", cat="Binary") for c in cand["tambon_code"]}
    s = dict(zip(cand["tambon_code"], cand["score"], strict=True))
    prob += pulp.lpSum(s[c] * v for c, v in x.items())
    prob += pulp.lpSum(x.values()) == N
    for region, (lo, hi) in QUOTAS["region"].items():
        members = [x[c] for c in cand.loc[cand["region"] == region, "tambon_code"]]
        prob += pulp.lpSum(members) >= lo
        prob += pulp.lpSum(members) <= hi
    for _, grp in cand.groupby("changwat_code"):
        prob += pulp.lpSum(x[c] for c in grp["tambon_code"]) <= MAX_PER_CHANGWAT
    t0 = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0))
    seconds = time.perf_counter() - t0
    return seconds, float(pulp.value(prob.objective)), pulp.LpStatus[prob.status]


def greedy_select(scored: pd.DataFrame) -> tuple[float, int, list[str]]:
    """The spreadsheet way: best first, skip what breaks a maximum; minimums not guaranteed."""
    cand = scored[scored["eligible"]].sort_values("score", ascending=False)
    taken, per_region, per_prov = [], {}, {}
    for row in cand.itertuples():
        hi = QUOTAS["region"].get(row.region, (0, N))[1]
        if per_region.get(row.region, 0) >= hi or per_prov.get(row.changwat_code, 0) >= 1:
            continue
        taken.append(row)
        per_region[row.region] = per_region.get(row.region, 0) + 1
        per_prov[row.changwat_code] = per_prov.get(row.changwat_code, 0) + 1
        if len(taken) == N:
            break
    short = [r for r, (lo, _) in QUOTAS["region"].items() if per_region.get(r, 0) < lo]
    return float(sum(r.score for r in taken)), len(taken), short


def main() -> None:
    try:
        import pulp  # noqa: F401  (the baseline solver; not a dependency of tambon_gis)
    except ImportError:
        sys.exit("this benchmark compares with PuLP + CBC: pip install pulp")
    settings.progress = False
    logging.basicConfig(level=logging.WARNING)
    g = data()
    crit = tg.load_criteria(
        Path(__file__).resolve().parent.parent / "examples" / "criteria_joint_plans.yaml"
    )
    rows = []

    t_ours, scored = best_of(lambda: score_areas(g, crit))
    t_pd, ref = best_of(lambda: pandas_scoring(g))
    same = np.allclose(scored["score"].where(scored["eligible"]).fillna(-1), ref.fillna(-1))
    rows.append(("score 7,425 tambons", "tambon_gis.score_areas", f"{t_ours:.3f} s",
                 "hand-written pandas", f"{t_pd:.3f} s", f"same scores: {same}"))  # fmt: skip

    t_sel, sel = best_of(
        lambda: select_areas(scored, n=N, quotas=QUOTAS, max_per_changwat=MAX_PER_CHANGWAT)
    )
    t_pulp, (solve_pulp, obj_pulp, status_pulp) = best_of(lambda: pulp_select(scored), repeat=1)
    rows.append((
        f"select {N} of {sel.n_candidates:,} (6 region quotas, ≤1 per province)",
        "tambon_gis.select_areas (HiGHS)",
        f"{t_sel:.2f} s, objective {sel.total_score:.4f}, proven optimal {sel.proven_optimal}",
        "PuLP + CBC, same model",
        f"{t_pulp:.2f} s (solve {solve_pulp:.2f} s), objective {obj_pulp:.4f}, {status_pulp}",
        f"objectives equal: {abs(obj_pulp - sel.total_score) < 1e-6}",
    ))  # fmt: skip
    t_gr, (obj_gr, n_gr, short) = best_of(lambda: greedy_select(scored))
    rows.append((
        "the same request by hand", "tambon_gis.select_areas", f"objective {sel.total_score:.4f}",
        "greedy (sort, skip full quotas)", f"{t_gr:.3f} s, {n_gr} picked, objective {obj_gr:.4f}",
        f"minimums missed in: {short or 'none'}",
    ))  # fmt: skip

    t_dist, sel_d = best_of(
        lambda: select_areas(scored, n=N, quotas=QUOTAS, min_distance_km=30), repeat=1
    )
    t0 = time.perf_counter()
    full = _Model(sel_d._setup.prob, sel_d._setup.scores[sel_d._setup.prob.cand],
                  time_limit=300, mip_gap=0.0).solve()  # fmt: skip
    t_full = time.perf_counter() - t0
    rows.append((
        f"select {N} with region quotas and ≥30 km apart ({sel_d.n_conflict_pairs:,} close pairs)",
        "select_areas (distance rows added lazily)",
        f"{t_dist:.2f} s, objective {sel_d.total_score:.4f}, proven optimal {sel_d.proven_optimal}",
        "HiGHS with every pair as a row",
        f"{t_full:.2f} s, objective {full['objective']:.4f}, {full['status']}",
        f"objectives equal: {abs(full['objective'] - sel_d.total_score) < 1e-6}",
    ))  # fmt: skip

    draws = 1000
    t0 = time.perf_counter()
    sens = sensitivity(g, crit, n=N, draws=draws, spread=0.2, seed=0, quotas=QUOTAS,
                       max_per_changwat=MAX_PER_CHANGWAT)  # fmt: skip
    t_sens = time.perf_counter() - t0
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    for _ in range(20):
        w = np.array(list(crit.weights.values())) * rng.uniform(0.8, 1.2, len(crit.weights))
        select_areas(g, n=N, score=crit.with_weights(w / w.sum()), quotas=QUOTAS,
                     max_per_changwat=MAX_PER_CHANGWAT)  # fmt: skip
    t_naive = (time.perf_counter() - t0) / 20 * draws
    rows.append((
        f"sensitivity, {draws:,} weight draws", "tambon_gis.sensitivity",
        f"{t_sens:.1f} s ({len(sens.core_codes)} core, {len(sens.marginal_codes)} marginal, "
        f"all optimal {sens.all_optimal})",
        "select_areas from scratch per draw", f"{t_naive:.0f} s (extrapolated from 20)", "",
    ))  # fmt: skip

    print("| task | tambon_gis | time / result | baseline | baseline time / result | check |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
