"""Benchmark the bounds of the readers, the period parser and the KPI import (issue 16).

For each reader, peak memory and time against input size (1x, 10x, 100x) for a clean input
and an adversarial one, printed side by side. Each case runs in a fresh subprocess, so its
peak resident memory (``ru_maxrss``) is its own; the fixed base (Python, pandas, the
package) is printed once and shown separately. Needs no real data::

    PYTHONPATH=. python benchmarks/bench_bounds.py            # every reader, 1x/10x/100x
    PYTHONPATH=. python benchmarks/bench_bounds.py --kpi-2m   # also the 2-million-row import

Targets (issue 16): peak memory at most ~20x the file's size plus the fixed base, time
linear in the input; a 2-million-row KPI import within 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FACTORS = (1, 10, 100)


# ------------------------------------------------------------------------- inputs


def make_csv(path: Path, n: int, adversarial: bool) -> None:
    """Clean: n rows of a tambon table; adversarial: the same with one 200 kB cell."""
    lines = ["รหัสตำบล,จังหวัด,อำเภอ,ตำบล,ครัวเรือน"]
    lines += [f"{320101 + i % 90},สุรินทร์,เมืองสุรินทร์,ตำบล{i},{i}" for i in range(n)]
    if adversarial:
        lines[1] = "320101,สุรินทร์,เมืองสุรินทร์," + "ก" * 200_000 + ",1"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def xlsx_bomb(path: Path, n_far: int, *, merge: bool = True) -> None:
    """Add ``n_far`` far-away cells (the last at XFD1048576) and, with ``merge``, a merged
    range over the whole sheet to the first sheet of a workbook, by editing its XML (openpyxl
    itself would materialise the range when writing it)."""
    import re
    import zipfile

    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode("utf-8")
    far = "".join(
        f'<row r="{1_048_576 - k}"><c r="{get_column_letter(16_384 - k)}{1_048_576 - k}" '
        f't="inlineStr"><is><t>far</t></is></c></row>'
        for k in range(n_far - 1, -1, -1)
    )
    xml = xml.replace("</sheetData>", far + "</sheetData>", 1)
    xml = xml.replace("<sheetData/>", f"<sheetData>{far}</sheetData>", 1)
    if merge:
        xml = xml.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
            "</mergeCells>", 1,
        )  # fmt: skip
    xml = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml, count=1)
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in parts.items():
            zf.writestr(k, v)


def make_xlsx(path: Path, n: int, adversarial: bool) -> None:
    """Clean: n rows; adversarial: the same rows plus n/2000 far-away cells (the last at
    XFD1048576) and a merged range over the whole sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["รหัสตำบล", "จังหวัด", "ตำบล"])
    for i in range(n):
        ws.append([str(320101 + i % 90), "สุรินทร์", f"ตำบล{i}"])
    wb.save(path)
    if adversarial:
        xlsx_bomb(path, max(1, n // 2000))


def make_kpi(path: Path, n: int, adversarial: bool, codes: list[str]) -> None:
    """Clean: n distinct observations; adversarial: one observation repeated n times."""
    import numpy as np
    import pandas as pd

    if adversarial:
        df = pd.DataFrame(
            {"tambon_code": codes[0], "indicator_id": "k00", "period": "Q1 FY2566", "value": "1"},
            index=range(n),
        )
    else:
        quarters = [f"Q{q} FY{fy}" for fy in (2566, 2567) for q in (1, 2, 3, 4)]
        per = len(codes) * len(quarters)
        n_ind = -(-n // per)
        i = np.arange(n)
        df = pd.DataFrame(
            {
                "tambon_code": np.asarray(codes)[i % len(codes)],
                "indicator_id": np.char.add("k", np.char.zfill((i // per).astype(str), 2)),
                "period": np.asarray(quarters)[(i // len(codes)) % len(quarters)],
                "value": (i % 1000).astype(str),
            }
        )
        assert n_ind <= 40
    df.to_csv(path, index=False)


# ------------------------------------------------------------------------- one case


def run_case(kind: str, n: int, adversarial: bool, tmp: Path) -> dict[str, object]:
    from tambon_gis import settings

    settings.progress = False
    outcome = "ok"
    if kind == "csv":
        from tambon_gis.tables import read_table

        path = tmp / f"t{n}{adversarial}.csv"
        make_csv(path, n, adversarial)
        size = path.stat().st_size
        t0 = time.perf_counter()
        try:
            read_table(path)
        except Exception as exc:
            outcome = type(exc).__name__
    elif kind == "xlsx":
        from tambon_gis.tables import read_table

        path = tmp / f"t{n}{adversarial}.xlsx"
        make_xlsx(path, n, adversarial)
        size = path.stat().st_size
        t0 = time.perf_counter()
        try:
            read_table(path)
        except Exception as exc:
            outcome = type(exc).__name__
    elif kind == "period":
        from tambon_gis.periods import parse_period

        texts = ["ไตรมาส 1/2566"] * n if not adversarial else ["1" * (n * 100)]
        size = sum(len(t.encode()) for t in texts)
        t0 = time.perf_counter()
        for t in texts:
            try:
                parse_period(t)
            except Exception as exc:
                outcome = type(exc).__name__
    elif kind == "kpi":
        from tambon_gis import gazetteer
        from tambon_gis.monitoring import open_store

        codes = sorted(gazetteer.tambons()["tambon_code"])
        path = tmp / f"k{n}{adversarial}.csv"
        make_kpi(path, n, adversarial, codes)
        size = path.stat().st_size
        store = open_store(tmp / f"s{n}{adversarial}.sqlite", fiscal_years=(2566, 2567))
        store.set_areas(codes)
        ids = [f"k{i:02d}" for i in range(40)]
        store.set_indicators([{"indicator_id": i, "name_th": i, "aggregation": "sum"} for i in ids])
        t0 = time.perf_counter()
        try:
            store.import_file(path)
        except Exception as exc:
            outcome = type(exc).__name__
        store.close()
    else:
        raise SystemExit(f"unknown case {kind}")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "bytes": size, "outcome": outcome}


def child(kind: str, n: int, adversarial: bool) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--case", kind, str(n), str(int(adversarial))]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=os.environ)
    if out.returncode:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "bytes": 0,
                "outcome": f"died ({out.returncode}): {out.stderr.strip()[-200:]}"}  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def base_mb() -> float:
    code = "import resource, tambon_gis.monitoring, tambon_gis.tables; " \
           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


SIZES = {"csv": 20_000, "xlsx": 2_000, "period": 1_000, "kpi": 20_000}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", nargs=3)
    ap.add_argument("--kpi-2m", action="store_true")
    args = ap.parse_args()
    if args.case:
        kind, n, adv = args.case
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_case(kind, int(n), adv == "1", Path(tmp))))
        return
    base = base_mb()
    print(f"fixed base (python + pandas + tambon_gis imported): {base:,.0f} MB peak RSS")
    head = (f"{'reader':<8}{'size':>6}{'rows':>11} | {'clean MB':>9}{'file MB':>8}{'s':>8} | "
            f"{'advers. MB':>10}{'file MB':>8}{'s':>8}  outcome")  # fmt: skip
    print(head)
    print("-" * len(head))
    for kind, n1 in SIZES.items():
        for f in FACTORS:
            n = n1 * f
            c, a = child(kind, n, False), child(kind, n, True)
            print(
                f"{kind:<8}{f:>5}x{n:>11,} | {c['peak_mb']:>9,.0f}{c['bytes'] / 1e6:>8.1f}"
                f"{c['seconds']:>8.2f} | {a['peak_mb']:>10,.0f}{a['bytes'] / 1e6:>8.1f}"
                f"{a['seconds']:>8.2f}  {c['outcome']} / {a['outcome']}",
                flush=True,
            )
    if args.kpi_2m:
        c, a = child("kpi", 2_000_000, False), child("kpi", 2_000_000, True)
        print(
            f"kpi 2,000,000 rows: clean {c['peak_mb']:,.0f} MB {c['seconds']:.1f} s "
            f"({c['bytes'] / 1e6:.0f} MB file, {c['outcome']}); duplicated "
            f"{a['peak_mb']:,.0f} MB {a['seconds']:.1f} s ({a['bytes'] / 1e6:.0f} MB file, "
            f"{a['outcome']})"
        )


if __name__ == "__main__":
    main()
