"""Fuzz the boundary readers with truncated and bit-flipped copies of the real HDX files.

Every case is read in a child process of its own (forked, so a crash in GDAL, GEOS or Arrow
is caught as a crash and not taken for a pass), from a copy in ``tmp_path`` (never in the
repository). Every outcome must be either a load whose report accounts for every feature of
the file, or an error of the library (:class:`tambon_gis.TambonGISError`).

The seed is fixed, so a failing case is the same on every run; the time budget
(``$TAMBON_GIS_FUZZ_SECONDS``, default 40 s) bounds how many cases run.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import random
import shutil
import time
import traceback
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SEED = 20261201
BUDGET = float(os.environ.get("TAMBON_GIS_FUZZ_SECONDS", "40"))
CASE_TIMEOUT = 60.0


def _load_in_child(path: str, level: str, allow_partial: bool, conn: Any) -> None:
    """Child process: load once and send back what happened (never raises)."""
    try:
        import tambon_gis as tg
        from tambon_gis import settings

        settings.use_cache = False
        settings.progress = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf, report = tg.boundaries.load_boundaries_with_report(
                path, level=level, allow_partial=allow_partial
            )
        conn.send({"outcome": "load", "rows": len(gdf), "features_read": report.features_read,
                   "merged": report.merged, "unreadable": report.unreadable,
                   "empty": report.empty})  # fmt: skip
    except BaseException as exc:  # everything is reported to the parent
        import tambon_gis as tg

        conn.send({"outcome": "error", "library": isinstance(exc, tg.TambonGISError),
                   "type": type(exc).__name__, "message": str(exc)[:500],
                   "traceback": traceback.format_exc()[-2000:]})  # fmt: skip
    finally:
        conn.close()


def run_case(path: Path, level: str, allow_partial: bool) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_load_in_child, args=(str(path), level, allow_partial, child))
    proc.start()
    child.close()
    result: dict[str, Any] = {"outcome": "crash"}
    if parent.poll(CASE_TIMEOUT):
        with contextlib.suppress(EOFError):  # the child died before it could answer
            result = parent.recv()
    else:
        result = {"outcome": "hang"}
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    result["exitcode"] = proc.exitcode
    return result


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if rng.random() < 0.4:
        cut = rng.randrange(len(data))
        return data[:cut], f"truncated at {cut:,} of {len(data):,}"
    out = bytearray(data)
    n = rng.choice([1, 1, 2, 8, 64])
    start = rng.choice([0, 100, len(data) // 2])  # the headers too, not only the body
    for _ in range(n):
        out[rng.randrange(start, len(out))] ^= 1 << rng.randrange(8)
    return bytes(out), f"{n} bit(s) flipped"


@pytest.fixture(scope="module")
def sources(surin_zip: Path, changwat_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    """(kind, files, level, number of features) of the originals, in tmp_path."""
    import geopandas as gpd
    import pyogrio

    base = tmp_path_factory.mktemp("fuzz_src")
    out = []
    for zpath, level, n in ((changwat_zip, "changwat", 77), (surin_zip, "tambon", 159)):
        folder = base / zpath.stem
        with zipfile.ZipFile(zpath) as zf:
            zf.extractall(folder)
        out.append(("zip", [zpath], level, n))
        out.append(("shp", sorted(folder.iterdir()), level, n))
    raw = pyogrio.read_dataframe(surin_zip, encoding="utf-8")
    assert len(raw) == 159
    for suffix in (".gpkg", ".geojson", ".parquet"):
        path = base / f"surin_tambon{suffix}"
        if suffix == ".parquet":
            gpd.GeoDataFrame(raw).to_parquet(path)
        else:
            raw.to_file(path)
        out.append((suffix.lstrip("."), [path], "tambon", 159))
    return out


def test_damaged_copies_load_whole_or_raise_library_errors(sources: list, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    deadline = time.monotonic() + BUDGET
    seen: dict[str, int] = {}
    failures = []
    n_cases = 0
    while time.monotonic() < deadline:
        kind, files, level, n = sources[n_cases % len(sources)]
        case = tmp_path / f"case{n_cases}"
        case.mkdir()
        for f in files:
            shutil.copy(f, case / f.name)
        victims = [p for p in case.iterdir() if p.suffix.lower() not in (".prj", ".cpg")]
        victim = rng.choice(victims)
        data, how = mutate(victim.read_bytes(), rng)
        victim.write_bytes(data)
        suffixes = (".zip", ".shp", ".gpkg", ".geojson", ".parquet")
        target = next(p for p in case.iterdir() if p.suffix.lower() in suffixes)
        allow_partial = rng.random() < 0.5
        res = run_case(target, level, allow_partial)
        where = f"case {n_cases} ({kind}: {victim.name} {how}, allow_partial={allow_partial})"
        if res["outcome"] == "load":
            accounted = (
                res["rows"] + sum(v - 1 for v in res["merged"].values()) + len(res["unreadable"])
            )
            if res["features_read"] != n or accounted != n:
                failures.append(f"{where}: a load that does not account for every feature: {res}")
            if res["unreadable"] and not allow_partial:
                failures.append(f"{where}: unreadable features loaded without allow_partial")
            seen["load"] = seen.get("load", 0) + 1
        elif res["outcome"] == "error":
            if not res["library"]:
                failures.append(f"{where}: raw {res['type']}: {res['message']}\n{res['traceback']}")
            seen[res["type"]] = seen.get(res["type"], 0) + 1
        else:
            failures.append(f"{where}: the reader {res['outcome']}ed (exit code {res['exitcode']})")
        shutil.rmtree(case)
        n_cases += 1
    print(f"{n_cases} fuzz cases in {BUDGET:.0f} s: {seen}")
    assert n_cases >= 2 * len(sources), "the time budget ran out before every source was fuzzed"
    assert not failures, f"{len(failures)} of {n_cases} cases failed:\n" + "\n".join(failures[:10])
