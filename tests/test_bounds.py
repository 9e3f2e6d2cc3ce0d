"""Bounded readers, parsers and imports (issue 16) and hostile table/KPI files (issue 12).

Each adversarial input is built at a size that hung or blew up before the fix; the harness
stops a run that goes on too long (``signal.alarm``), the tests assert on the outcome only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from tambon_gis import settings
from tambon_gis._errors import (
    ImportRejectedError,
    LimitError,
    PeriodError,
    TambonGISError,
    ValidationError,
)
from tambon_gis._export import guard_frame, safe_excel_writer, write_csv
from tambon_gis.matching import match_areas
from tambon_gis.monitoring import MonitoringStore, open_store
from tambon_gis.periods import fiscal_year, parse_period
from tambon_gis.tables import read_table, read_table_with_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_bounds import xlsx_bomb

DATA = Path(__file__).parent / "data"


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the test if the block runs longer than ``seconds`` (a hang, not a slow run)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: the input is not bounded")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MonitoringStore]:
    s = open_store(tmp_path / "kpi.sqlite", name="t", fiscal_years=(2566, 2567))
    s.set_areas(DATA / "monitor_areas.csv")
    s.set_indicators(DATA / "monitor_indicators.csv")
    yield s
    s.close()


def small_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# ---------------------------------------------------------------------- spreadsheet bombs


def test_far_away_cell_and_whole_sheet_merge_read_in_bounded_time(tmp_path: Path) -> None:
    path = small_xlsx(tmp_path / "bomb.xlsx", [["จังหวัด", "ตำบล"], ["สุรินทร์", "ทุ่งกุลา"]])
    xlsx_bomb(path, 1)  # one cell at XFD1048576, a merged range over the whole sheet
    assert path.stat().st_size < 20_000
    with deadline(60):
        df, report = read_table_with_report(path)
    info = report.to_dict()
    # the two real rows and the far one; one column per column that holds something
    assert df.shape == (2, 3)
    assert info["file_rows"] == [1, 1_048_575]
    assert df.iloc[1, 2] == "far" and df.iloc[0, 0] == "สุรินทร์"


def test_sheet_larger_than_the_cell_limit_is_a_limit_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_xlsx(tmp_path / "big.xlsx", [["a", "b"]] + [[i, i] for i in range(300)])
    xlsx_bomb(path, 200, merge=False)  # 200 far cells on a diagonal: 500 rows x 202 columns
    monkeypatch.setattr(settings, "max_table_cells", 50_000)
    with deadline(60), pytest.raises(LimitError, match=r"big\.xlsx.*settings\.max_table_cells"):
        read_table(path)


def test_zip_bomb_workbook_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_xlsx(tmp_path / "z.xlsx", [["a"], [1]])
    monkeypatch.setattr(settings, "max_xlsx_bytes", 1_000)
    with pytest.raises(LimitError, match=r"settings\.max_xlsx_bytes"):
        read_table(path)


def test_csv_cell_over_128k_is_a_library_error_and_the_limit_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("tambon,note\nทุ่งกุลา," + "ก" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(LimitError) as info:
        read_table(path)
    msg = str(info.value)
    assert "long.csv" in msg and "settings.max_cell_chars" in msg and len(msg) < 500
    monkeypatch.setattr(settings, "max_cell_chars", 300_000)
    assert len(read_table(path).iloc[0, 1]) == 200_000


# ---------------------------------------------------------------------- parsers


def test_parse_period_on_a_megabyte_of_digits_is_refused_at_once() -> None:
    with deadline(10), pytest.raises(PeriodError) as info:
        parse_period("1" * 1_000_000)
    msg = str(info.value)
    assert "1,000,000 characters" in msg and "settings.max_period_chars" in msg
    assert len(msg) < 400  # a short excerpt, not the input


@pytest.mark.parametrize("n", [80, 99])
def test_parse_period_below_the_limit_stays_fast(n: int) -> None:
    with deadline(10), pytest.raises(PeriodError):
        parse_period("1" * n + " quarter")


def test_period_messages_name_the_real_problem() -> None:
    with pytest.raises(PeriodError, match="0 is neither a quarter"):
        parse_period("0/2566")
    with pytest.raises(PeriodError, match=r"neither a Buddhist Era year .* nor a Common Era"):
        parse_period("2399")
    assert parse_period("Q1\u200b FY2566\u200d") == parse_period("Q1 FY2566")
    with pytest.raises(PeriodError, match=r"datetime\.date\(2023, 1, 15\)"):
        parse_period(dt.date(2566, 1, 15))
    with pytest.raises(PeriodError, match="Buddhist Era year"):
        fiscal_year(dt.date(2566, 1, 15))


# ---------------------------------------------------------------------- the KPI import


def test_import_of_50000_duplicated_rows_is_rejected_in_bounded_memory(
    store: MonitoringStore, tmp_path: Path
) -> None:
    path = tmp_path / "dups.csv"
    n = 50_000
    path.write_text(
        "tambon_code,indicator_id,period,value\n" + "320101,hh_savings,Q1 FY2566,5\n" * n,
        encoding="utf-8",
    )
    with deadline(120), pytest.raises(ImportRejectedError) as info:
        store.import_file(path)
    rej = info.value.report.rejected
    assert len(rej) == n and rej["row"].is_unique
    reason = rej["reason"].iloc[-1]
    assert "rows 2, 3, 4, 5, 6 and 49,995 more" in reason and len(reason) < 200
    assert len(str(info.value)) < 5_000


def kpi_text(rows: list[str], sep: str = ",") -> str:
    head = sep.join(["tambon_code", "indicator_id", "period", "value"])
    return "\n".join([head, *rows]) + "\n"


@pytest.mark.parametrize("encoding", ["cp874", "utf-16", "utf-8-sig"])
def test_kpi_import_reads_thai_encodings_with_the_one_table_reader(
    store: MonitoringStore, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / f"kpi_{encoding}.csv"
    text = kpi_text(["320101,hh_savings,ไตรมาส 1/2566,5", "320102,hh_savings,ไตรมาส 1/2566,๗"])
    path.write_bytes(text.encode(encoding))
    report = store.import_file(path)
    assert report.n_added == 2
    assert sorted(store.observations()["value"]) == [5.0, 7.0]


def test_kpi_import_semicolons_and_codes_typed_as_numbers(
    store: MonitoringStore, tmp_path: Path
) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(
        kpi_text(["320101.0;hh_savings;Q1 FY2566;5", "TH320102;hh_savings;Q1 FY2566;6"], ";"),
        encoding="utf-8",
    )
    assert store.import_file(path).n_added == 2
    assert sorted(store.observations()["tambon_code"]) == ["320101", "320102"]


def test_kpi_row_with_an_extra_field_is_rejected_by_its_row(
    store: MonitoringStore, tmp_path: Path
) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        kpi_text(["320101,hh_savings,Q1 FY2566,5", "320102,hh_savings,Q1 FY2566,1,234"]),
        encoding="utf-8",
    )
    report = store.import_file(path, on_error="report")
    rej = report.rejected
    assert list(rej["row"]) == [3]
    assert "has 5 cells, more than the header" in rej["reason"].iloc[0]


@pytest.mark.parametrize("text", ["None", "nan"])
def test_none_and_nan_text_are_rejected_in_both_layouts_blank_is_not_reported(
    store: MonitoringStore, tmp_path: Path, text: str
) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(
        f"tambon_code,period,hh_savings,debt\n320101,Q1 FY2566,{text},\n", encoding="utf-8"
    )
    rep = store.import_file(wide, on_error="report")
    assert list(rep.rejected["column"]) == ["hh_savings"]
    assert f"holds the text '{text}'" in rep.rejected["reason"].iloc[0]
    assert "cell hh_savings" in rep.rejected["reason"].iloc[0]
    assert rep.n_empty_cells == 1  # the blank debt cell: not reported
    long = tmp_path / "long.csv"
    long.write_text(kpi_text([f"320101,hh_savings,Q1 FY2566,{text}"]), encoding="utf-8")
    rep = store.import_file(long, on_error="report")
    assert f"holds the text '{text}'" in rep.rejected["reason"].iloc[0]


# ---------------------------------------------------------------------- rows never lost


def test_blank_first_header_cell_with_unknown_names_loses_no_row(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(",name,value\n1,a,x\n2,b,y\n3,c,z\n", encoding="utf-8")
    df, report = read_table_with_report(path)
    assert len(df) == 3 and list(df.columns) == ["column_1", "name", "value"]
    assert report.rows_above_header == []


def test_rows_above_a_header_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("รายชื่อ\nจังหวัด,ตำบล\nสุรินทร์,ทุ่งกุลา\n", encoding="utf-8")
    df, report = read_table_with_report(path)
    assert len(df) == 1 and report.rows_above_header == [0]


def test_unterminated_quote_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('จังหวัด,ตำบล\nสุรินทร์,"ทุ่งกุลา\nน่าน,ศิลาแลง\nน่าน,ปัว\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"q\.csv: malformed quotes .* line 2"):
        read_table(path)


def test_hidden_first_sheet_is_skipped_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wb = Workbook()
    hidden = wb.active
    hidden.title = "old"
    hidden.append(["จังหวัด", "ตำบล"])
    hidden.append(["น่าน", "ศิลาแลง"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("current")
    ws.append(["จังหวัด", "ตำบล"])
    ws.append(["สุรินทร์", "ทุ่งกุลา"])
    wb.active = 1
    wb.save(tmp_path / "h.xlsx")
    df, report = read_table_with_report(tmp_path / "h.xlsx")
    assert report.sheet == "current"
    assert df["ตำบล"].tolist() == ["ทุ่งกุลา"]
    assert "hidden sheet(s) ['old']" in caplog.text


def test_formula_cells_without_cached_values_are_named(tmp_path: Path) -> None:
    path = small_xlsx(tmp_path / "f.xlsx", [["รหัสตำบล", "n"], ["=TEXT(320101,\"0\")", "=1+1"]])
    with pytest.raises(ValidationError, match=r"2 formula cell\(s\).*\(A2, B2\).*save it"):
        read_table(path)


def test_sheet_index_past_the_last_sheet_is_a_library_error(tmp_path: Path) -> None:
    path = small_xlsx(tmp_path / "s.xlsx", [["a"], [1]])
    with pytest.raises(ValidationError, match="sheet=3 is past the last sheet"):
        read_table(path, sheet=3)


def test_a_file_that_is_not_a_zip_is_a_library_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        read_table(path)


# ---------------------------------------------------------------------- formula injection

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "-1+1", "@SUM(1)", "\tx", "\rx"]


def test_csv_writer_prefixes_formula_text_and_read_table_strips_it(tmp_path: Path) -> None:
    df = pd.DataFrame({"note": [*HOSTILE, "-5", "ok"], "n": [-1, 2, 3, 4, 5, 6, 7, 8]})
    path = write_csv(df, tmp_path / "out.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'@SUM(1)" in text and "\n-5," in text
    back = read_table(path, dtype_str=True)
    assert len(back) == len(df)
    # read_table strips the spaces around a cell, so the tab and CR cells come back as "x"
    expected = [v.strip() for v in df["note"]]
    assert back["note"].tolist() == expected
    assert df["note"].iloc[0] == HOSTILE[0]  # the input is not changed
    assert guard_frame(df)["n"].tolist() == df["n"].tolist()  # numbers stay numbers


def test_excel_writer_writes_formula_text_as_string_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    with safe_excel_writer(path) as xw:
        pd.DataFrame({"note": HOSTILE, "n": range(6)}).to_excel(xw, sheet_name="r", index=False)
    cells = [c for row in load_workbook(path).active.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    # XML keeps a carriage return as a line feed; every other text is kept as typed
    assert [c.value for c in cells[::2]] == [h.replace("\r", "\n") for h in HOSTILE]


def test_match_report_exports_hold_no_live_formula(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {"province": ["สุรินทร์", "=HYPERLINK(\"http://x\",\"y\")"], "tambon": ["ทุ่งกุลา", "@SUM(1)"]}
    )
    report = match_areas(table, province="province", tambon="tambon")
    csv_text = report.to_csv(tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM(1)" in csv_text
    wb = load_workbook(report.to_excel(tmp_path / "r.xlsx"))
    formulas = [c.coordinate for ws in wb.worksheets for r in ws.iter_rows() for c in r
                if c.data_type == "f"]  # fmt: skip
    assert formulas == []
    rows = read_table(tmp_path / "r.csv", dtype_str=True)
    assert "=HYPERLINK(\"http://x\",\"y\")" in rows.to_numpy().tolist()[1]


def test_rejected_rows_export_reimports_to_the_same_values(
    store: MonitoringStore, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(kpi_text(["320101,hh_savings,Q1 FY2566,=1+1"]), encoding="utf-8")
    rep = store.import_file(path, on_error="report")
    out = rep.rejected_rows.to_csv(tmp_path / "rej.csv") if hasattr(rep, "rejected_rows") else (
        write_csv(rep.rejected, tmp_path / "rej.csv"))  # fmt: skip
    assert "'=1+1" in Path(out).read_text(encoding="utf-8-sig")
    assert read_table(out, dtype_str=True)["value"].tolist() == ["=1+1"]


# ---------------------------------------------------------------------- one code normaliser


def test_select_areas_include_of_a_five_digit_code_is_an_error() -> None:
    from tambon_gis.selection.problem import _normalize_codes

    assert _normalize_codes(["320101", "TH320102", 320103.0], "include") == [
        "320101", "320102", "320103",
    ]  # fmt: skip
    with pytest.raises(ValidationError, match=r"'32101'.*never zero-padded"):
        _normalize_codes(["32101"], "include")


def test_every_error_here_is_a_library_error() -> None:
    assert issubclass(LimitError, TambonGISError) and issubclass(LimitError, ValueError)
    assert zipfile  # the bomb helper edits the workbook's zip
