"""``tambon-gis match``: the thin CLI layer over read_table, match_areas and join_attributes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from tambon_gis.cli import build_parser, main

EXAMPLES = Path(__file__).parent.parent / "examples"
DATA = Path(__file__).parent / "data"


def test_match_is_registered() -> None:
    parser = build_parser()
    args = parser.parse_args(["match", "t.csv", "--out", "r.csv"])
    assert args.command == "match" and args.func is not None


def test_match_csv_to_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.csv"
    rc = main(
        [
            "match", str(EXAMPLES / "pilot_tambons.csv"), "--province", "จังหวัด",
            "--amphoe", "อำเภอ", "--tambon", "ตำบล", "--code", "รหัสตำบล", "--out", str(out),
        ]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "MatchReport: 23 rows, 23 matched (100.0%), 2 need attention" in text
    assert "ประนีต" in text and f"report written: {out}" in text
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(back) == 23 and back["tambon_code"].notna().all()
    assert back["ตำบล"].iloc[9] == "แขวงลำผักชี"


def test_match_xlsx_recognises_columns_and_writes_excel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.xlsx"
    assert main(["match", str(EXAMPLES / "pilot_tambons.xlsx"), "--out", str(out)]) == 0
    assert "23 matched" in capsys.readouterr().out
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["summary", "rows", "attention", "duplicates", "candidates"]
    rows = list(wb["rows"].iter_rows(values_only=True))
    notes = [r[rows[0].index("note")] for r in rows[1:]]
    assert "จังหวัด filled down" in (notes[1] or "")


@pytest.mark.realdata
def test_match_writes_a_joined_geopackage(
    tmp_path: Path, tambon_simplified_zip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpkg = tmp_path / "joined.gpkg"
    rc = main(
        [
            "match", str(DATA / "match_messy.csv"),
            "--province", "province", "--amphoe", "district",
            "--tambon", "subdistrict", "--code", "code", "--out", str(tmp_path / "r.csv"),
            "--gpkg", str(gpkg), "--boundaries", str(tambon_simplified_zip),
        ]
    )  # fmt: skip
    assert rc == 0
    assert "(12 of 17 with a geometry)" in capsys.readouterr().out
    gdf = pyogrio.read_dataframe(gpkg)
    assert len(gdf) == 17 and gdf.geometry.notna().sum() == 12
    assert "ปากพนังฝั่งตะวัน" in set(gdf["subdistrict"])


def test_match_errors_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "match",
            str(EXAMPLES / "pilot_tambons.csv"),
            "--tambon",
            "ไม่มี",
            "--out",
            str(tmp_path / "r.csv"),
        ]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert "tambon-gis match: error:" in err and "tambon='ไม่มี'" in err
    assert main(["match", str(tmp_path / "none.csv"), "--out", str(tmp_path / "r.csv")]) == 1
    assert "check the path" in capsys.readouterr().err
    rc = main(["match", str(EXAMPLES / "pilot_tambons.csv"), "--out", str(tmp_path / "r.txt")])
    assert rc == 1 and "expected a .csv or .xlsx" in capsys.readouterr().err
