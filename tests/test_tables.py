"""tambon_gis.tables: reading hand-made CSV and Excel tables of tambons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tambon_gis._errors import EncodingError, ValidationError
from tambon_gis.matching import match_areas
from tambon_gis.tables import ReadReport, detect_columns, read_table, read_table_with_report

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
HEADER = (
    "ลำดับ,รหัสตำบล,จังหวัด,อำเภอ,ตำบล,หน่วยงานนำ,"
    "สภาองค์กรชุมชนตำบล,แผนเกษตรตำบล,ครัวเรือนเกษตรกร,ประเด็นนโยบาย,สมาชิกสภาเกษตรกร"
)


def test_pilot_csv_is_utf8_with_bom_and_exact_headers() -> None:
    raw = (EXAMPLES / "pilot_tambons.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").splitlines()[0] == HEADER
    df, report = read_table_with_report(EXAMPLES / "pilot_tambons.csv")
    assert list(df.columns) == HEADER.split(",")
    assert len(df) == 23
    assert report.encoding == "utf-8-sig"
    assert str(df["ครัวเรือนเกษตรกร"].dtype) == "Int64"
    assert set(df["หน่วยงานนำ"]) == {"พอช.", "สภาเกษตรกรฯ", "ร่วม"}
    assert set(df["สภาองค์กรชุมชนตำบล"]) | set(df["แผนเกษตรตำบล"]) == {"มี", "ไม่มี"}
    assert set(df["ประเด็นนโยบาย"]) == {"ที่ดินและป่าไม้", "ความมั่นคงทางอาหาร", "CPTPP", "การผลิตฐานราก"}
    # codes stay text, in the digits they were typed in
    assert "๕๕๐๕๐๔" in set(df["รหัสตำบล"].dropna())
    assert df["รหัสตำบล"].isna().sum() >= 15


def test_pilot_xlsx_title_row_and_merged_cells() -> None:
    df, report = read_table_with_report(EXAMPLES / "pilot_tambons.xlsx")
    info = report.to_dict()
    assert len(df) == 23
    assert info["header_row"] == 3
    assert info["columns"] == {
        "province": "จังหวัด",
        "amphoe": "อำเภอ",
        "tambon": "ตำบล",
        "code": "รหัสตำบล",
    }
    assert info["filled"] == {"จังหวัด": [1, 5]}
    assert df["จังหวัด"].iloc[1] == "เชียงใหม่"
    assert df["จังหวัด"].iloc[5] == "โคราช"
    assert df["จังหวัด"].notna().all()
    assert df["ลำดับ"].tolist() == list(range(1, 24))


def test_cp874_csv_from_thai_windows_excel() -> None:
    raw = (DATA / "match_cp874.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    df, report = read_table_with_report(DATA / "match_cp874.csv")
    assert report.encoding == "cp874"
    assert df["ตำบล/แขวง"].tolist() == ["ทุ่งกุลา", "ศิลาแลง", "ลำผักชี"]
    assert detect_columns(df) == {
        "province": "จังหวัด",
        "amphoe": "อำเภอ/เขต",
        "tambon": "ตำบล/แขวง",
    }
    assert df["หมายเหตุ"].isna().tolist() == [False, False, True]


def test_utf8_without_bom_and_utf16(tmp_path: Path) -> None:
    text = "จังหวัด,ตำบล\nน่าน,ศิลาแลง\n"
    p1 = tmp_path / "plain.csv"
    p1.write_text(text, encoding="utf-8")
    assert read_table_with_report(p1)[1].encoding == "utf-8"
    p2 = tmp_path / "unicode.txt"
    p2.write_text(text.replace(",", "\t"), encoding="utf-16")
    df, report = read_table_with_report(p2)
    assert report.encoding == "utf-16"
    assert df.iloc[0].tolist() == ["น่าน", "ศิลาแลง"]


def test_semicolon_delimiter_and_title_rows(tmp_path: Path) -> None:
    p = tmp_path / "semi.csv"
    p.write_text(
        "รายงานตำบลเป้าหมาย;;\nหน่วยงาน: สภาเกษตรกรฯ;;\n;;\nProvince;District;Sub-district\n"
        "Surin;Tha Tum;Thung Kula\n",
        encoding="utf-8",
    )
    df, report = read_table_with_report(p)
    assert report.header_row == 3
    assert list(df.columns) == ["Province", "District", "Sub-district"]
    assert len(df) == 1


def test_merged_and_blank_cells_are_filled_and_reported() -> None:
    df, report = read_table_with_report(DATA / "match_merged.xlsx")
    info = report.to_dict()
    assert info["header_row"] == 2
    assert info["blank_rows_dropped"] == 1
    assert df["จังหวัด"].tolist() == ["สุรินทร์", "สุรินทร์", "สุรินทร์", "น่าน", "น่าน", "ตราด"]
    assert df["อำเภอ"].tolist() == ["ท่าตูม", "ท่าตูม", "เมืองสุรินทร์", "ปัว", "ปัว", "เขาสมิง"]
    assert info["filled"] == {"จังหวัด": [1, 2, 4], "อำเภอ": [1, 4]}
    # file rows of each data row, so a person can find them in the sheet (0-based)
    assert info["file_rows"] == [3, 4, 5, 6, 7, 9]
    assert df["รหัส"].tolist()[3] == "550504"


def test_fill_down_can_be_turned_off(tmp_path: Path) -> None:
    df, report = read_table_with_report(DATA / "match_merged.xlsx", fill_down=False)
    # merged cells are always filled; plain blank cells are left blank
    assert df["จังหวัด"].tolist()[4] is None or pd.isna(df["จังหวัด"].tolist()[4])
    assert report.filled == {"จังหวัด": [1, 2], "อำเภอ": [1]}


def test_amphoe_not_filled_across_a_new_province(tmp_path: Path) -> None:
    p = tmp_path / "blank.csv"
    p.write_text("จังหวัด,อำเภอ,ตำบล\nสุรินทร์,ท่าตูม,ทุ่งกุลา\n,,กระโพ\nน่าน,,ศิลาแลง\n", encoding="utf-8")
    plain = read_table(p)
    assert plain["จังหวัด"].isna().sum() == 1  # CSV: no fill-down unless asked
    df, report = read_table_with_report(p, fill_down=True)
    assert df["จังหวัด"].tolist() == ["สุรินทร์", "สุรินทร์", "น่าน"]
    assert df["อำเภอ"].iloc[1] == "ท่าตูม"
    assert pd.isna(df["อำเภอ"].iloc[2])  # the province changed: never copied
    assert report.filled == {"จังหวัด": [1], "อำเภอ": [1]}


def test_no_row_is_lost(tmp_path: Path) -> None:
    p = tmp_path / "rows.csv"
    lines = ["จังหวัด,ตำบล"] + [f"น่าน,{i}" for i in range(50)] + [",", "น่าน,"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df, report = read_table_with_report(p)
    assert len(df) == 51  # the wholly blank row is dropped and counted, the half-blank kept
    assert report.blank_rows_dropped == 1


def test_numbers_become_int64_but_codes_and_leading_zeros_stay_text(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_text(
        'code,households,phone,area\n320101,1452,081234,1.5\n320102,"1,240",089999,2\n',
        encoding="utf-8",
    )
    df = read_table(p)
    assert df["code"].tolist() == ["320101", "320102"]
    assert df["households"].tolist() == [1452, 1240]
    assert str(df["households"].dtype) == "Int64"
    assert df["phone"].tolist() == ["081234", "089999"]
    assert df["area"].tolist() == ["1.5", "2"]
    assert read_table(p, dtype_str=True)["households"].tolist() == ["1452", "1,240"]


def test_mojibake_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "moji.csv"
    p.write_text("ตำบล\nในเมือง\n".encode().decode("latin-1"), encoding="utf-8")
    with pytest.raises(EncodingError, match="mojibake"):
        read_table(p)


def test_undecodable_bytes_name_the_fix(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(b"a,b\n\x81\x82\x83,\xff\n")
    with pytest.raises(EncodingError, match="CSV UTF-8"):
        read_table(p)
    with pytest.raises(EncodingError, match="not utf-8"):
        read_table(DATA / "match_cp874.csv", encoding="utf-8")


def test_bad_paths_and_types(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="check the path"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "old.xls").write_bytes(b"x")
    with pytest.raises(ValidationError, match=r"save it as .xlsx"):
        read_table(tmp_path / "old.xls")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValidationError, match=r"expected a .csv"):
        read_table(tmp_path / "x.json")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValidationError, match="empty"):
        read_table(tmp_path / "empty.csv")


def test_sheet_by_name_and_number(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "cover"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("ตำบล")
    ws.append(["province", "tambon"])
    ws.append(["น่าน", "ศิลาแลง"])
    p = tmp_path / "two.xlsx"
    wb.save(p)
    assert read_table(p, sheet="ตำบล").iloc[0].tolist() == ["น่าน", "ศิลาแลง"]
    assert read_table_with_report(p, sheet=1)[1].sheet == "ตำบล"
    with pytest.raises(ValidationError, match=r"sheet 'x' not in two.xlsx.*cover"):
        read_table(p, sheet="x")


def test_explicit_header_row(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text("a,b\nx,y\n1,2\n", encoding="utf-8")
    assert list(read_table(p, header=1).columns) == ["x", "y"]
    with pytest.raises(ValidationError, match="header=7"):
        read_table(p, header=7)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["จังหวัด", "อำเภอ", "ตำบล"], {"province": "จังหวัด", "amphoe": "อำเภอ", "tambon": "ตำบล"}),
        (["จังหวัด", "เขต", "แขวง"], {"province": "จังหวัด", "amphoe": "เขต", "tambon": "แขวง"}),
        (
            ["province", "amphoe", "tambon", "code"],
            {"province": "province", "amphoe": "amphoe", "tambon": "tambon", "code": "code"},
        ),
        (
            ["Province", "District", "Subdistrict"],
            {"province": "Province", "amphoe": "District", "tambon": "Subdistrict"},
        ),
        (
            ["ADM1_TH", "ADM2_TH", "ADM3_TH", "ADM3_PCODE"],
            {"province": "ADM1_TH", "amphoe": "ADM2_TH", "tambon": "ADM3_TH", "code": "ADM3_PCODE"},
        ),
        (["ชื่อ", "รหัสตำบล", " ตำบล "], {"tambon": " ตำบล ", "code": "รหัสตำบล"}),
        (["a", "b"], {}),
    ],
)
def test_detect_columns(headers: list[str], expected: dict[str, str]) -> None:
    assert detect_columns(pd.DataFrame(columns=headers)) == expected


def test_duplicate_and_blank_headers_are_made_unique(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("ตำบล,ตำบล,,จังหวัด\nก,ข,ค,น่าน\n", encoding="utf-8")
    df = read_table(p)
    assert list(df.columns) == ["ตำบล", "ตำบล_2", "column_3", "จังหวัด"]


def test_the_read_report_is_an_object_and_attrs_hold_the_source(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("ชื่อเรื่อง\nจังหวัด,ตำบล\nสุรินทร์,ทุ่งกุลา\n".encode("cp874"))
    df, report = read_table_with_report(p)
    assert isinstance(report, ReadReport) and report.path == str(p)
    assert report.rows_above_header == [0] and report.file_rows == [2]
    assert df.attrs == {"source": str(p)}
    assert "cp874" in repr(report) and "rows above the header: [0]" in repr(report)
    # read_table keeps the report as a dict in attrs for one release (deprecated)
    old = read_table(p)
    assert old.attrs["read_table"] == report.to_dict() and old.attrs["source"] == str(p)
    pd.testing.assert_frame_equal(old, df)


def test_match_areas_notes_filled_cells_from_the_read_report(tmp_path: Path) -> None:
    p = tmp_path / "filled.csv"
    p.write_text("จังหวัด,ตำบล\nสุรินทร์,ทุ่งกุลา\n,ในเมือง\n", encoding="utf-8")
    df, report = read_table_with_report(p, fill_down=True)
    assert report.filled == {"จังหวัด": [1]} and df.attrs == {"source": str(p)}
    notes = match_areas(df, read_report=report).to_frame()["note"].tolist()
    assert "จังหวัด filled down" in str(notes[1]) and "filled down" not in str(notes[0])
    # without the report nothing says the cell was filled: attrs carry no report
    assert "filled down" not in str(match_areas(df).to_frame()["note"].iloc[1])
    # a frame of the deprecated read_table still has its attrs read, for this release only
    old = read_table(p, fill_down=True)
    assert "จังหวัด filled down" in str(match_areas(old).to_frame()["note"].iloc[1])
