"""The KPI import in chunks (issue 16): bounded memory, still one all-or-nothing transaction.

Each test runs on SQLite and on the throwaway PostgreSQL server (tests/_pgserver.py), with
``settings.import_chunk_rows`` small enough that a file spans many chunks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from _programme import make_store

from tambon_gis import settings
from tambon_gis._errors import ImportRejectedError, LimitError
from tambon_gis.monitoring import MonitoringStore, validate

DATA = Path(__file__).parent / "data"
CODES = ["320101", "320102", "320103", "320104", "320105", "500101", "900101"]
INDICATORS = ["hh_savings", "debt", "plan_share"]
# Q1 FY2566 ends before 500101 joined the programme: start at Q2
QUARTERS = [f"Q{q} FY2566" for q in (2, 3, 4)] + [f"Q{q} FY2567" for q in (1, 2, 3, 4)]
SKIP = ["recorded_by", "recorded_at", "obs_id", "import_id"]


def kpi_rows(offset: int = 0) -> list[list[str]]:
    """147 distinct observations (7 areas x 3 indicators x 7 quarters)."""
    keys = [(q, i, c) for q in QUARTERS for i in INDICATORS for c in CODES]
    return [[c, i, q, str((n + offset) % 90)] for n, (q, i, c) in enumerate(keys)]


def write_kpi(path: Path, rows: list[list[str]]) -> Path:
    lines = ["tambon_code,indicator_id,period,value", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(store: MonitoringStore) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(store.read_sql(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0])
        for t in ("observations", "current", "imports")
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def address(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    if request.param == "sqlite":
        yield tmp_path / "kpi.sqlite"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(settings, "import_chunk_rows", 7)
    return 7


def test_a_file_of_many_chunks_imports_as_one_chunk(
    address: str | Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_kpi(tmp_path / "first.csv", kpi_rows())
    rows = kpi_rows()
    for r in rows[::5]:  # a revision of every fifth observation, spread over the chunks
        r[3] = str(int(r[3]) + 1)
    second = write_kpi(tmp_path / "second.csv", rows)
    results = {}
    for size in (7, 1_000_000):
        monkeypatch.setattr(settings, "import_chunk_rows", size)
        # many chunks on the backend under test, one chunk on SQLite
        store = make_store(address if size == 7 else tmp_path / "whole.sqlite")
        reps = [store.import_file(first), store.import_file(DATA / "monitor_q2_wide.xlsx"),
                store.import_file(second)]  # fmt: skip
        results[size] = (
            [(r.status, r.n_rows, r.n_added, r.n_revised, r.n_unchanged, r.n_empty_cells)
             for r in reps],
            store.observations(latest=False).drop(columns=SKIP),
            store.observations().drop(columns=SKIP),
            counts(store),
        )  # fmt: skip
        store.close()
    small, whole = results[7], results[1_000_000]
    assert small[0] == whole[0]
    assert small[0][0][:3] == ("imported", 147, 147)
    # every fifth of the 147 revised, and those the wide file had set in between
    assert small[0][2][3] > 30 and small[0][2][3] + small[0][2][4] == 147
    pd.testing.assert_frame_equal(small[1], whole[1], check_dtype=False)
    pd.testing.assert_frame_equal(small[2], whole[2], check_dtype=False)
    assert small[3] == whole[3]


def test_a_duplicate_in_two_chunks_rejects_the_whole_file(
    address: str | Path, tmp_path: Path, chunked: int
) -> None:
    store = make_store(address)
    store.import_file(DATA / "monitor_q1_long.csv")
    before = counts(store)
    rows = kpi_rows()
    rows.append(list(rows[3]))  # row 5 of the file again as its last row (row 149)
    rows[-1][3] = "1"
    path = write_kpi(tmp_path / "dup.csv", rows)
    with pytest.raises(ImportRejectedError) as info:
        store.import_file(path)
    rej = info.value.report.rejected
    assert rej["row"].tolist() == [5, 149]
    assert (rej["reason"] == "the same tambon, indicator and period appear in rows 5, 149: "
            "keep one row").all()  # fmt: skip
    assert rej["value"].tolist() == [rows[3][3], "1"]
    assert counts(store) == before  # the chunks written before were rolled back
    # returned rather than raised, the report is the same and nothing is kept either
    report = store.import_file(path, on_error="report")
    assert report.status == "rejected" and report.rejected["row"].tolist() == [5, 149]
    assert counts(store) == before
    assert store.imports()["file_name"].tolist() == ["monitor_q1_long.csv"]
    store.close()


def test_an_error_in_the_last_chunk_leaves_nothing_behind(
    address: str | Path, tmp_path: Path, chunked: int
) -> None:
    store = make_store(address)
    rows = kpi_rows()
    rows[-1][3] = "ห้าพัน"
    path = write_kpi(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRejectedError) as info:
        store.import_file(path)
    rej = info.value.report.rejected
    assert rej["row"].tolist() == [len(rows) + 1]
    assert "value 'ห้าพัน' is not a number" in rej["reason"].iloc[0]
    assert info.value.report.n_rows == len(rows)
    assert counts(store) == (0, 0, 0)
    rows[-1][3] = "5"  # fixed, the file imports whole
    report = store.import_file(write_kpi(tmp_path / "bad.csv", rows))
    assert (report.status, report.n_added) == ("imported", len(rows))
    assert counts(store) == (len(rows), len(rows), 1)
    store.close()


def test_a_chunked_import_is_idempotent(address: str | Path, tmp_path: Path, chunked: int):
    store = make_store(address)
    path = write_kpi(tmp_path / "kpi.csv", kpi_rows())
    assert store.import_file(path).n_added == 147
    assert store.import_file(path).status == "already imported"
    table = pd.read_csv(path, dtype=str)
    again = store.import_table(table, name="same rows")
    assert (again.status, again.n_added, again.n_unchanged) == ("imported", 0, 147)
    assert store.import_table(table, name="same rows").status == "already imported"
    assert counts(store) == (147, 147, 2)
    store.close()


def test_every_problem_of_every_chunk_is_reported(tmp_path: Path, chunked: int) -> None:
    store = make_store(tmp_path / "kpi.sqlite")
    rows = kpi_rows()
    rows[0][0] = "32010"  # chunk 1
    rows[60][3] = "-"  # chunk 9
    rows[100] = list(rows[20])  # rows 22 and 102 are the same observation, chunks 3 and 15
    report = store.import_file(write_kpi(tmp_path / "many.csv", rows), on_error="report")
    assert report.rejected["row"].tolist() == [2, 22, 62, 102]
    assert counts(store) == (0, 0, 0)
    store.close()


@pytest.mark.parametrize("value", [0, -3, 2.5, "100", True])
def test_a_bad_chunk_size_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: object
) -> None:
    store = make_store(tmp_path / "kpi.sqlite")
    monkeypatch.setattr(settings, "import_chunk_rows", value)
    with pytest.raises(LimitError, match=r"settings\.import_chunk_rows"):
        store.import_file(write_kpi(tmp_path / "kpi.csv", kpi_rows()))
    store.close()


MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys, tempfile
    from pathlib import Path
    from tambon_gis import settings
    from tambon_gis._errors import ImportRejectedError
    from tambon_gis.monitoring import open_store

    def peak_mb():
        # VmHWM starts again in each program; ru_maxrss keeps the parent's across exec
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    settings.progress = False
    tmp = Path(tempfile.mkdtemp())
    n = int(sys.argv[1])
    path = tmp / "dups.csv"
    path.write_text(
        "tambon_code,indicator_id,period,value\\n" + "320101,hh_savings,Q1 FY2566,5\\n" * n,
        encoding="utf-8",
    )
    store = open_store(tmp / "kpi.sqlite", fiscal_years=(2566, 2567))
    store.set_areas(["320101"])
    store.set_indicators([{"indicator_id": "hh_savings", "name_th": "x", "aggregation": "sum"}])
    base = peak_mb()
    try:
        store.import_file(path)
        outcome = "imported"
    except ImportRejectedError as exc:
        outcome = str(len(exc.report.rejected))
    peak = peak_mb()
    print(json.dumps({"base": base, "peak": peak, "mb": path.stat().st_size / 2**20,
                      "outcome": outcome}))
    """
)


def test_an_import_of_many_duplicated_rows_runs_in_bounded_memory(tmp_path: Path) -> None:
    n = 200_000  # 5.9 MB
    script = tmp_path / "mem.py"
    script.write_text(MEMORY_SCRIPT, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script), str(n)], capture_output=True, text=True, timeout=300,
        check=True,
    )  # fmt: skip
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["outcome"] == str(n)  # every row reported, none lost
    # the target: at most ~20x the file plus a fixed base (the chunk's working set)
    assert res["peak"] - res["base"] < 20 * res["mb"] + 150, res
    assert res["peak"] < 1024, res


def test_keys_that_share_only_their_first_hash_are_not_duplicates(
    tmp_path: Path, chunked: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every key given the same first hash: writing is held back at once, the whole-file
    # check on both hashes finds no duplicate, and the held-back chunks are written after
    real = validate.key_hashes
    monkeypatch.setattr(validate, "key_hashes", lambda keys: (real(keys)[0] * 0, real(keys)[1]))
    store = make_store(tmp_path / "kpi.sqlite")
    report = store.import_file(write_kpi(tmp_path / "kpi.csv", kpi_rows()))
    assert (report.status, report.n_added) == ("imported", 147)
    assert counts(store) == (147, 147, 1)
    assert store.observations()["source_row"].sort_values().tolist() == list(range(2, 149))
    store.close()
