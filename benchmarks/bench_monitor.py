"""Benchmark the monitoring store: import 1 M observations, then status and roll-ups.

Run with the real boundaries (for the 7,425 real tambon codes)::

    TAMBON_GIS_TEST_DATA=/path/to/boundaries python benchmarks/bench_monitor.py

Targets (issue 6): import 1,000,000 observations in under 60 s; status and roll-ups for
7,425 tambons x 20 indicators x 8 quarters in under 5 s.

Baseline, in the same run: plain ``pandas.DataFrame.to_sql`` into SQLite (no validation, no
revisions, no idempotency), and a plain pandas computation of status and roll-ups from the
same DataFrame in memory (latest value, pro-rata target, np.select, groupby).

Both backends run side by side: a SQLite file, and PostgreSQL at ``$TAMBON_GIS_BENCH_PG``
(a ``postgresql://`` URL of an empty database) or, when that is not set, a throwaway local
cluster started as in the tests (``tests/_pgserver.py``). On that cluster the PostgreSQL run
is made twice: as the store's owner, and with the import by an editor and the reads by a
reader, the users whose every statement row-level security checks.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tambon_gis import gazetteer, settings
from tambon_gis.monitoring import open_store
from tambon_gis.periods import quarter

settings.progress = False
N_INDICATORS = 20
QUARTERS = [quarter(fy, q) for fy in (2566, 2567) for q in (1, 2, 3, 4)]


def real_codes() -> list[str]:
    """The 7,425 tambon codes of the real layer, abolished Bangkok codes replaced by successors."""
    import pyogrio

    data = os.environ.get("TAMBON_GIS_TEST_DATA")
    if not data:
        sys.exit("set TAMBON_GIS_TEST_DATA to the folder holding hdx-cod-ab-tha/")
    zip_path = Path(data) / "hdx-cod-ab-tha" / "tha_adm3_tambon_simplified.zip"
    df = pyogrio.read_dataframe(zip_path, columns=["ADM3_PCODE"], read_geometry=False)
    codes = sorted(c[2:] for c in df["ADM3_PCODE"])
    known = set(gazetteer.tambons()["tambon_code"])
    ab = gazetteer.abolished().set_index("code")["successors"]
    fixed = [c if c in known else ab[c].split()[0] for c in codes]
    assert len(set(fixed)) == len(codes) == 7425, len(set(fixed))
    return fixed


def build(codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(6)
    ids = [f"kpi{i:02d}" for i in range(N_INDICATORS)]
    ind = pd.DataFrame(
        {
            "indicator_id": ids,
            "name_th": [f"ตัวชี้วัด {i}" for i in range(N_INDICATORS)],
            "aggregation": ["sum", "mean", "share", "sum"] * (N_INDICATORS // 4),
            "direction": ["higher", "higher", "higher", "lower"] * (N_INDICATORS // 4),
        }
    )
    grid = pd.MultiIndex.from_product(
        [codes, ids, [q.code for q in QUARTERS]], names=["tambon_code", "indicator_id", "period"]
    ).to_frame(index=False)
    grid["value"] = np.round(rng.uniform(0, 1, len(grid)), 3).astype(str)
    return ind, grid


def main() -> None:
    codes = real_codes()
    ind, grid = build(codes)
    first, rest = grid.iloc[:1_000_000], grid.iloc[1_000_000:]
    tmp = Path(tempfile.mkdtemp())
    f1, f2 = tmp / "obs_1M.csv", tmp / "obs_rest.csv"
    first.to_csv(f1, index=False)
    rest.to_csv(f2, index=False)
    print(f"data: {len(codes):,} tambons x {N_INDICATORS} indicators x {len(QUARTERS)} quarters "
          f"= {len(grid):,} observations; files in {tmp}")
    server = None
    pg = os.environ.get("TAMBON_GIS_BENCH_PG")
    if not pg:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        import _pgserver

        server = _pgserver.start()
        pg = server.url(server.new_database())
    try:
        results = {
            "SQLite": run(tmp / "kpi.sqlite", codes, ind, grid, f1, f2, tmp),
            "PostgreSQL": run(pg, codes, ind, grid, f1, f2, tmp),
        }
        if server is not None:  # the same as an editor and a reader: row-level security on
            for role in ("editor", "reader"):
                server.execute(f"DO $$ BEGIN CREATE ROLE bench_{role} LOGIN; "
                               "EXCEPTION WHEN duplicate_object THEN NULL; END $$")  # fmt: skip
            db = server.new_database()
            results["PostgreSQL, editor + reader"] = run(
                server.url(db), codes, ind, grid, f1, f2, tmp,
                users={r: server.url(db, user=f"bench_{r}") for r in ("editor", "reader")},
            )  # fmt: skip
    finally:
        if server is not None:
            server.stop()
    print()
    names = list(results)
    print("| step | " + " | ".join(f"{n} (s)" for n in names) + " | target |")
    print("| --- | " + " | ".join("---:" for _ in names) + " | ---: |")
    for k, (name, _, target) in enumerate(results["SQLite"]):
        times = [results[n][k][1] for n in names]
        verdict = "" if target is None else (
            f"< {target} s " + ("PASS" if max(times) < target else "FAIL")
        )
        print(f"| {name} | " + " | ".join(f"{t:.2f}" for t in times) + f" | {verdict} |")


def run(address, codes, ind, grid, f1, f2, tmp, users=None) -> list:  # a script
    """Set up as the owner; import (as ``users["editor"]``) and read (as ``users["reader"]``)."""
    rows = []
    store = open_store(address, fiscal_years=(2566, 2567))
    store.set_areas(pd.DataFrame({"tambon_code": codes, "programme": ["A", "B", "C"] * 2475}))
    store.set_indicators(ind)
    store.set_targets(
        [{"indicator_id": i, "fiscal_year": fy, "target": 2.0} for i in ind["indicator_id"]
         for fy in (2566, 2567)]
    )
    if users:
        store.grant_access("bench_editor", role="editor")  # no scope: writes everywhere
        store.grant_access("bench_reader", role="reader")
        store.close()
        store = open_store(users["editor"], create=False)

    t = time.perf_counter()
    rep = store.import_file(f1)
    t_import = time.perf_counter() - t
    assert rep.n_added == 1_000_000, rep
    rows.append(("import 1,000,000 observations (CSV, validated, all-or-nothing)", t_import, 60))
    t = time.perf_counter()
    again = store.import_file(f1)
    rows.append(
        ("import the same file again (idempotent, adds nothing)", time.perf_counter() - t, None)
    )
    assert again.status == "already imported"
    store.import_file(f2)

    if users:
        store.close()
        store = open_store(users["reader"], create=False)

    conn = sqlite3.connect(tmp / f"baseline_{len(list(tmp.glob('baseline_*')))}.sqlite")
    t = time.perf_counter()
    pd.read_csv(f1, dtype=str).to_sql("obs", conn, index=False, chunksize=50_000)
    conn.commit()
    rows.append(
        ("baseline: pandas read_csv + to_sql, no validation", time.perf_counter() - t, None)
    )
    conn.close()

    last = QUARTERS[-1]
    t = time.perf_counter()
    st = store.status(last)
    for level in ("amphoe", "changwat", "region", "programme"):
        store.rollup(last, level=level, status=st)
    t_status = time.perf_counter() - t
    rows.append((f"status + 4 roll-ups, {last.label_en} (YTD + 4-quarter trend)", t_status, 5))

    t = time.perf_counter()
    for q in QUARTERS:
        s = store.status(q)
        store.rollup(q, level="changwat", status=s)
    rows.append(
        ("status + changwat roll-up for each of the 8 quarters", time.perf_counter() - t, None)
    )

    # baseline: the same status arithmetic in plain pandas on the in-memory frame
    t = time.perf_counter()
    df = grid.copy()
    df["value"] = df["value"].astype(float)
    df = df[df["period"].str.startswith("2567")]
    df["q"] = df["period"].str[-1].astype(int)
    df = df.merge(ind, on="indicator_id")
    ytd = df.groupby(["tambon_code", "indicator_id"])["value"].transform("sum")
    actual = np.where(df["aggregation"] == "sum", ytd, df["value"])
    expected = np.where(df["aggregation"] == "sum", 2.0 * df["q"] / 4, 2.0)
    ratio = actual / expected
    df["status"] = np.select([ratio >= 0.9, ratio >= 0.7], ["on track", "at risk"], "off track")
    df["changwat_code"] = df["tambon_code"].str[:2]
    df[df["q"] == 4].groupby(["changwat_code", "indicator_id"]).agg(
        v=("value", "sum"), n=("value", "count")
    )
    rows.append(
        (
            "baseline: plain pandas status + 1 roll-up (no trend, no store)",
            time.perf_counter() - t,
            None,
        )
    )

    if store.backend == "sqlite":
        size = store.path.stat().st_size / 1e6
    else:
        size = store._con.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
    print(f"{store.backend}: store size {size:.0f} MB for {len(grid):,} observations")
    store.close()
    return rows


if __name__ == "__main__":
    main()
