"""Benchmark the bounds of the readers, the period parser and the KPI import (issue 16).

For each reader, peak memory and time against input size (1x, 10x, 100x) for a clean input
and an adversarial one, and the baseline tool on the clean input (pandas ``read_csv`` /
``read_excel`` / ``Period``; ``read_csv`` + ``to_sql`` for the KPI import), printed side by
side. The parent writes every input; each case runs in a fresh subprocess (killed after 30
minutes), so its peak resident memory (``VmHWM``) is its own, and the memory it had just
before the measured call (Python, pandas, the package; the gazetteer and an empty store for
the import) is subtracted to give the call's own memory per MB of input. Needs no real data::

    PYTHONPATH=. python benchmarks/bench_bounds.py            # every reader, 1x/10x/100x
    PYTHONPATH=. python benchmarks/bench_bounds.py --kpi-2m   # make sure of a 2-million-row import

Targets (issue 16): peak memory at most ~20x the file's size plus the fixed base, time
linear in the input; a 2-million-row KPI import within 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import peak_mb  # benchmarks/ is on sys.path

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

#: Inputs made by the parent process, so a child's peak memory is the reader's, not the maker's.
MAKERS = {"csv": ("csv", make_csv), "xlsx": ("xlsx", make_xlsx), "kpi": ("csv", make_kpi)}


def _codes() -> list[str]:
    from tambon_gis import gazetteer

    return sorted(gazetteer.tambons()["tambon_code"])


def make_input(kind: str, n: int, adversarial: bool, tmp: Path) -> Path | None:
    """Write the input of a case (None for the period parser, whose input is a string)."""
    if kind not in MAKERS:
        return None
    suffix, maker = MAKERS[kind]
    path = tmp / f"{kind}{n}{int(adversarial)}.{suffix}"
    if kind == "kpi":
        make_kpi(path, n, adversarial, _codes())
    else:
        maker(path, n, adversarial)  # type: ignore[operator]
    return path


def _kpi_store(tmp: Path, name: str) -> Any:
    from tambon_gis.monitoring import open_store

    store = open_store(tmp / f"{name}.sqlite", fiscal_years=(2566, 2567))
    store.set_areas(_codes())
    ids = [f"k{i:02d}" for i in range(40)]
    store.set_indicators([{"indicator_id": i, "name_th": i, "aggregation": "sum"} for i in ids])
    return store


def run_case(kind: str, n: int, adversarial: bool, path: Path | None, tool: str) -> dict[str, Any]:
    """Run one case in this process; ``tool`` is ``tambon_gis`` or ``baseline``.

    The base is the peak resident memory just before the measured call (Python, pandas,
    the package, and for the KPI import the gazetteer and an empty store), so ``delta`` is
    what the call itself needed.
    """
    import pandas as pd

    from tambon_gis import settings
    from tambon_gis.periods import parse_period
    from tambon_gis.tables import read_table

    settings.progress = False
    outcome = "ok"
    texts: list[str] = []
    store: Any = None
    if kind == "period":
        texts = ["ไตรมาส 1/2566"] * n if not adversarial else ["1" * (n * 100)]
        path = Path(os.devnull)
        size = sum(len(t.encode()) for t in texts)
    else:
        assert path is not None, f"the {kind} case reads a file"
        size = path.stat().st_size
        if kind == "kpi" and tool == "tambon_gis":
            store = _kpi_store(path.parent, f"{tool}{n}{int(adversarial)}")
        elif kind == "kpi":  # the baseline writes into a plain SQLite file
            store = sqlite3.connect(path.parent / f"baseline{n}.sqlite")
    base = peak_mb()
    t0 = time.perf_counter()
    try:
        if kind == "period":
            for t in texts:
                try:
                    # the baseline parses the same period in pandas' own notation
                    parse_period(t) if tool == "tambon_gis" else pd.Period("2022Q4", freq="Q")
                except Exception as exc:
                    outcome = type(exc).__name__
        elif tool == "baseline" and kind == "xlsx":
            pd.read_excel(path, dtype=str)
        elif tool == "baseline":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if kind == "kpi":
                frame.to_sql("baseline", store, index=False)  # no checks, no revisions
        elif kind == "kpi":
            store.import_file(path)
        else:
            read_table(path)
    except Exception as exc:
        outcome = type(exc).__name__
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    if store is not None:
        store.close()
    return {"seconds": seconds, "peak_mb": peak, "base_mb": base, "bytes": size,
            "outcome": outcome}  # fmt: skip


def child(kind: str, n: int, adversarial: bool, path: Path | None, *, tool: str = "tambon_gis",
          timeout: float = 1800) -> dict[str, Any]:  # fmt: skip
    """Run a case in a fresh subprocess (its ``ru_maxrss`` is its own); kill it at ``timeout``."""
    cmd = [sys.executable, __file__, "--case", kind, str(n), str(int(adversarial)),
           str(path or "-"), tool]  # fmt: skip
    nan = float("nan")
    failed = {"seconds": nan, "peak_mb": nan, "base_mb": nan, "bytes": 0}
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=os.environ,
                             timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {**failed, "outcome": f"killed after {timeout:.0f} s"}
    if out.returncode:
        return {**failed, "outcome": f"died ({out.returncode}): {out.stderr.strip()[-200:]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


SIZES = {"csv": 20_000, "xlsx": 2_000, "period": 1_000, "kpi": 20_000}


def _cell(r: dict[str, Any]) -> str:
    """Peak MB, the call's own MB (peak - base) per MB of input, seconds."""
    mb = r["bytes"] / 1e6
    delta = r["peak_mb"] - r["base_mb"]
    ratio = f"{delta / mb:>6.1f}x" if mb >= 0.5 else f"{'-':>7}"
    return f"{r['peak_mb']:>7,.0f}{delta:>7,.0f}{ratio}{r['seconds']:>8.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", nargs=5)
    ap.add_argument("--kpi-2m", action="store_true")
    args = ap.parse_args()
    if args.case:
        kind, n, adv, path, tool = args.case
        print(json.dumps(run_case(kind, int(n), adv == "1", None if path == "-" else Path(path),
                                  tool)))  # fmt: skip
        return
    print("peak = peak RSS (MB); own = peak minus the base before the call (MB); x = own per "
          "MB of input (inputs under 0.5 MB: -); s = seconds")  # fmt: skip
    group = f"{'peak':>7}{'own':>7}{'x':>7}{'s':>8}"
    head = (f"{'reader':<7}{'size':>5}{'rows':>11}{'MB':>7} | {'tambon_gis, clean':^29} | "
            f"{'tambon_gis, adversarial':^29} | {'baseline, clean':^29} | outcome (clean / "
            f"adversarial / baseline)")  # fmt: skip
    print(head)
    print(f"{'':<30} | {group} | {group} | {group} |")
    print("-" * len(head))
    cases = [(kind, n1 * f, f) for kind, n1 in SIZES.items() for f in FACTORS]
    if args.kpi_2m and ("kpi", 2_000_000) not in {(k, n) for k, n, _ in cases}:
        cases.append(("kpi", 2_000_000, 2_000_000 // SIZES["kpi"]))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for kind, n, f in cases:
            clean, adv = make_input(kind, n, False, tmp), make_input(kind, n, True, tmp)
            c, a = child(kind, n, False, clean), child(kind, n, True, adv)
            b = child(kind, n, False, clean, tool="baseline")
            mb = c["bytes"] / 1e6
            print(
                f"{kind:<7}{f:>4}x{n:>11,}{mb:>7.1f} | {_cell(c)} | {_cell(a)} | {_cell(b)} | "
                f"{c['outcome']} / {a['outcome']} / {b['outcome']}",
                flush=True,
            )
            for p in (clean, adv):
                if p is not None:
                    p.unlink()


if __name__ == "__main__":
    main()
