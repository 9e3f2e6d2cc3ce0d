"""Property-based tests and a fuzz pass (issue 12): no input makes the name normaliser, the
period parser, the code normaliser or the table reader raise anything but the library's own
errors, and the table reader loses no row."""

from __future__ import annotations

import contextlib
import csv
import io
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tambon_gis._errors import TambonGISError
from tambon_gis.names import clean_code, normalize_name
from tambon_gis.periods import parse_period
from tambon_gis.tables import read_table_with_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATA = Path(__file__).parent / "data"

THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
TEXT = st.text(
    st.one_of(THAI, st.characters(codec="utf-8", exclude_categories=("Cs",))), max_size=60
)
PERIODISH = st.lists(
    st.sampled_from([*list("0123456789๐๑๒๓๔๕/.- QqFfYy"), "ไตรมาส", "ปีงบ", "ต.ค.", "พ.ศ."]),
    max_size=30,
).map("".join)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_normalize_name_returns_text_or_a_library_error(text: str) -> None:
    with contextlib.suppress(TambonGISError):
        assert isinstance(normalize_name(text), str)


@FAST
@given(st.one_of(TEXT, PERIODISH))
def test_parse_period_returns_a_period_or_a_library_error(text: str) -> None:
    try:
        p = parse_period(text)
    except TambonGISError:
        return
    assert p.start <= p.end and parse_period(p.code) == p


@FAST
@given(
    st.one_of(
        TEXT, st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.none(),
        st.booleans(), st.from_regex(r"(TH)?[0-9๐-๙]{6}(\.0+)?", fullmatch=True),
    ),
    st.sampled_from(["tambon", "amphoe", "changwat"]),
)
def test_clean_code_returns_a_code_or_none(value: object, level: str) -> None:
    code = clean_code(value, level=level)
    n = {"tambon": 6, "amphoe": 4, "changwat": 2}[level]
    assert code is None or (len(code) == n and code.isdigit() and code.isascii())
    if code is not None:
        assert clean_code(code, level=level) == code  # idempotent


CELL = st.text(
    st.one_of(THAI, st.sampled_from(list(',;"\n\r\t \'=+-@x1'))), max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=12))
def test_read_table_loses_no_row(tmp_path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["จังหวัด", "อำเภอ", "ตำบล"])
    w.writerows(rows)
    path = tmp_path / "t.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        df, report = read_table_with_report(path, sep=",")
    except TambonGISError:
        return
    info = report.to_dict()
    blank = sum(all(not c.strip() for c in r) for r in rows)
    # every data row is in the frame, or counted as wholly blank, or above the header
    assert len(df) + blank + len(info["rows_above_header"]) >= len(rows)
    assert len(df) <= len(rows)


# ---------------------------------------------------------------------- fuzz the table reader

_CHILD = """
import sys
from tambon_gis._errors import TambonGISError
from tambon_gis.tables import read_table_with_report
try:
    df, report = read_table_with_report(sys.argv[1])
    info = report.to_dict()
    assert len(df) == len(info["file_rows"])
    print("read", len(df))
except TambonGISError as exc:
    print("library error", type(exc).__name__)
"""


def _mutants(raw: bytes, rng: random.Random, n: int) -> list[bytes]:
    out = []
    for i in range(n):
        b = bytearray(raw)
        if i % 2 == 0:
            b = b[: rng.randrange(1, len(b))]  # truncated
        else:
            for _ in range(rng.randint(1, 8)):  # bit flips
                pos = rng.randrange(len(b))
                b[pos] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
    return out


@pytest.mark.parametrize(
    "source", [EXAMPLES / "pilot_tambons.xlsx", DATA / "match_merged.xlsx",
               DATA / "match_cp874.csv", EXAMPLES / "pilot_tambons.csv"],
    ids=lambda p: p.name,
)
def test_fuzz_table_reader_with_truncated_and_bit_flipped_copies(
    source: Path, tmp_path: Path
) -> None:
    """Each case in a subprocess (a crash in a C library is caught), fixed seed, time budget:
    every outcome is a read that accounts for its rows, or a library error."""
    rng = random.Random(12)
    budget = time.monotonic() + 25
    failures = []
    n_run = 0
    for k, data in enumerate(_mutants(source.read_bytes(), rng, 8)):
        if time.monotonic() > budget:
            break
        path = tmp_path / f"case{k}{source.suffix}"
        path.write_bytes(data)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
        n_run += 1
        if out.returncode != 0:
            failures.append((k, out.stderr.strip().splitlines()[-1:]))
    assert n_run >= 3
    assert failures == []
