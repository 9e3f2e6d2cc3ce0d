"""Hostile inputs to tambon_gis.plans: each test is a file, table or call a real (or careless)
analyst would give, and the defect it found: a raw dependency error, a row or a value lost or
stored wrong, or a misleading message.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from tambon_gis import plans
from tambon_gis._errors import ImportRejectedError, SchemaError, ValidationError
from tambon_gis.cli import main
from tambon_gis.datasets import example_path
from tambon_gis.monitoring import MonitoringStore, open_store

MON = example_path("monitoring/areas.csv").parent
HEAD = ("จังหวัด,อำเภอ,ตำบล,ประเภทแผน,ปีของแผน,สถานะแผน,ลำดับ,กิจกรรม,ประเด็นนโยบาย,"
        "งบประมาณ 2566,แหล่งงบประมาณ\n")  # fmt: skip
ROW = "น่าน,ปัว,ศิลาแลง,แผนเกษตร,2566-2570,ประกาศใช้แล้ว,{no},{act},อาหาร,{budget},งบ อบต.\n"


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "plans.sqlite", name="ทดสอบ", fiscal_years=2566)
    s.set_areas(MON / "areas.csv")
    s.set_indicators(MON / "indicators.csv")
    yield s
    s.close()


def _sheet(**over: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "จังหวัด": ["น่าน", "น่าน"], "อำเภอ": ["ปัว", "ปัว"], "ตำบล": ["ศิลาแลง", "ศิลาแลง"],
        "ประเภทแผน": ["แผนเกษตรตำบล"] * 2, "ปีของแผน": ["2566-2570"] * 2,
        "สถานะแผน": ["ประกาศใช้แล้ว"] * 2, "ลำดับ": ["1", "2"],
        "กิจกรรม": ["ธนาคารเมล็ดพันธุ์", "โฉนดชุมชน"],
        "ประเด็นนโยบาย": ["ความมั่นคงทางอาหาร", "ที่ดินและป่าไม้"],
        "งบประมาณ 2566": ["50,000", "๑๒๐๐๐๐"],
    }  # fmt: skip
    base.update(over)
    return pd.DataFrame(base)


def _count(store: MonitoringStore, table: str) -> int:
    return int(store.read_sql(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0])


# ----------------------------------------------------------------------------- import


def test_a_budget_with_an_unquoted_thousands_comma_is_refused_not_split(
    store: MonitoringStore, tmp_path: Path
):
    # 143,000 typed without quotes in a CSV is two cells: 143 as the budget and "000" as its
    # source was stored before
    path = tmp_path / "plans.csv"
    path.write_text(HEAD + ROW.format(no=1, act="ก", budget="143,000")
                    + ROW.format(no=2, act="ข", budget='"5,000"'), encoding="utf-8")  # fmt: skip
    report = plans.import_plans(store, path, on_error="report")
    assert report.status == "rejected"
    bad = report.rejected
    assert bad["row"].tolist() == [2]
    assert "more than the header" in bad["reason"].iloc[0]
    assert "quote" in bad["reason"].iloc[0]
    assert _count(store, "plan_items") == 0


def test_an_item_number_too_large_for_the_store_is_a_row_problem(store: MonitoringStore):
    # was OverflowError: Python int too large to convert to C long
    report = plans.import_plans(
        store, _sheet(**{"ลำดับ": ["99999999999999999999", "2"]}), on_error="report"
    )
    assert report.status == "rejected"
    assert report.rejected["row"].tolist() == [2]
    assert report.rejected["column"].tolist() == ["ลำดับ"]
    assert "whole number from 1 to" in report.rejected["reason"].iloc[0]


@pytest.mark.parametrize("second", ["กิจกรรม", "ลำดับ ", "งบประมาณ 2566"])
def test_a_header_typed_twice_in_a_file_is_refused_not_half_read(
    store: MonitoringStore, tmp_path: Path, second: str
):
    # read_table keeps both as X and X_2; the second column was silently "not stored"
    df = pd.concat([_sheet(), pd.DataFrame({second: ["9", "9"]})], axis=1)
    path = tmp_path / "dup.csv"
    df.to_csv(path, index=False)
    with pytest.raises(SchemaError, match="two columns are headed"):
        plans.import_plans(store, path)
    assert _count(store, "plans") == 0


def test_two_budget_columns_of_one_year_are_refused_not_one_dropped(store: MonitoringStore):
    df = _sheet()
    df["งบ 2566 (บาท)"] = ["7", "8"]
    with pytest.raises(SchemaError, match="two columns hold the budget of FY2566"):
        plans.import_plans(store, df)


def test_a_budget_header_with_a_two_digit_be_year_is_read(store: MonitoringStore):
    # "งบประมาณ ปี 66" was a column "not stored": the budgets were lost
    df = _sheet().rename(columns={"งบประมาณ 2566": "งบประมาณ ปี 66"})
    report = plans.import_plans(store, df)
    assert report.ignored_columns == []
    assert plans.plan_items(store)["budgets"].tolist() == [{2566: 50000.0}, {2566: 120000.0}]


# ----------------------------------------------------------------------------- vocabulary


def test_one_new_alias_for_two_new_issues_in_one_table_is_refused(store: MonitoringStore):
    with pytest.raises(ValidationError, match="'ขข' already names the issue 'aa'"):
        plans.add_policy_issues(store, [
            {"issue_id": "aa", "name_th": "กก", "aliases": "ขข"},
            {"issue_id": "bb", "name_th": "คค", "aliases": "ขข"},
        ])  # fmt: skip
    assert "aa" not in set(plans.policy_issues(store)["issue_id"])


def test_two_rows_of_one_issue_add_both_aliases(store: MonitoringStore):
    # the second row replaced the first: its aliases were lost
    v = plans.add_policy_issues(store, [
        {"issue_id": "water", "name_th": "การจัดการน้ำ", "aliases": "น้ำ"},
        {"issue_id": "water", "name_th": "การจัดการน้ำ", "aliases": "แหล่งน้ำ"},
    ]).set_index("issue_id")  # fmt: skip
    assert v.loc["water", "aliases"] == ["น้ำ", "แหล่งน้ำ"]


def test_an_issue_id_that_is_another_issues_spelling_is_refused(store: MonitoringStore):
    # "food" is an alias of food_security: an issue with the id food could never be typed
    with pytest.raises(ValidationError, match="'food' already names the issue 'food_security'"):
        plans.add_policy_issues(store, [{"issue_id": "food", "name_th": "อาหารพื้นบ้าน"}])


def test_the_issue_table_headers_and_one_dict_are_read_as_typed(
    store: MonitoringStore, tmp_path: Path
):
    path = tmp_path / "issues.csv"
    path.write_text("Issue_ID ,Name_TH,aliases\nwater,การจัดการน้ำ,น้ำ; แหล่งน้ำ\n", encoding="utf-8")
    v = plans.add_policy_issues(store, path).set_index("issue_id")
    assert v.loc["water", "aliases"] == ["น้ำ", "แหล่งน้ำ"]
    v = plans.add_policy_issues(store, {"issue_id": "health", "name_th": "สุขภาวะ"})
    assert "health" in set(v["issue_id"])


def test_an_alias_typed_with_nikhahit_and_sara_aa_is_the_existing_name(store: MonitoringStore):
    typed = "ที่ดินท\u0e4d\u0e32กิน"
    with pytest.raises(ValidationError, match="already names the issue 'forest_land'"):
        plans.add_policy_issues(store, [{"issue_id": "land2", "name_th": "ที่ดินสอง",
                                         "aliases": typed}])  # fmt: skip


# ----------------------------------------------------------------------------- questions


def test_a_ce_fiscal_year_is_read_as_be_and_a_wrong_one_is_refused(store: MonitoringStore):
    plans.import_plans(store, _sheet())
    # 2023 was compared with BE years: every answer was silently empty
    assert len(plans.plan_items(store, fiscal_year=2023)) == 2
    assert len(plans.plan_items(store, fiscal_year=2566)) == 2
    assert plans.plan_status(store, fiscal_year=2023)["adopted_agricultural"].any()
    with pytest.raises(ValidationError, match="fiscal_year=1066 is not a fiscal year"):
        plans.issue_rollup(store, fiscal_year=1066)


def test_plan_status_refuses_codes_that_are_not_codes(store: MonitoringStore):
    # "abc" was dropped: the answer had fewer rows than the codes asked for
    with pytest.raises(ValidationError, match="'abc', which is not a 6-digit tambon code"):
        plans.plan_status(store, codes=["550504", "abc"])
    assert plans.plan_status(store, codes=[550504])["tambon_code"].tolist() == ["550504"]


def test_plan_facts_of_a_plan_file_for_a_table_with_repeated_codes(
    store: MonitoringStore, tmp_path: Path
):
    # was ValueError: cannot reindex on an axis with duplicate labels
    path = tmp_path / "plans.csv"
    _sheet().to_csv(path, index=False)
    codes = [550504, "550503", None, "TH550504"]
    out = plans.with_plan_facts(pd.DataFrame({"tambon_code": codes}), path)
    assert out["tambon_code"].tolist() == codes
    assert out["n_plan_items"].tolist()[:2] == [2, 0] and out["n_plan_items"].iloc[3] == 2
    assert pd.isna(out["n_plan_items"].iloc[2])  # no code: no facts, never another row's


# ----------------------------------------------------------------------------- policy brief


def test_the_brief_takes_one_issue_id_as_a_string(store: MonitoringStore, tmp_path: Path):
    # "cptpp" was read letter by letter: issues ['c', 'p', 't', 'p', 'p'] are not ...
    plans.import_plans(store, _sheet())
    out = plans.policy_brief(store, tmp_path / "b.html", issues="food_security",
                             include_maps=False)  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert "id='food_security'" in page and "id='forest_land'" not in page


def test_the_brief_names_the_fiscal_year_when_no_plan_covers_it(
    store: MonitoringStore, tmp_path: Path
):
    plans.import_plans(store, _sheet())
    # was "the store has no plan items ... import the plans first" although it has them
    with pytest.raises(ValidationError, match="no plan of the store covers fiscal_year=2599"):
        plans.policy_brief(store, tmp_path / "b.html", fiscal_year=2599, include_maps=False)
    with pytest.raises(ValidationError, match="is a folder"):
        plans.policy_brief(store, tmp_path, include_maps=False)


def test_the_brief_of_an_empty_store_names_the_real_command(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as s, pytest.raises(ValidationError) as info:
        plans.policy_brief(s, tmp_path / "b.html", include_maps=False)
    assert "tambon-gis plans import STORE FILE" in str(info.value)
    assert "--store" not in str(info.value)


def test_html_in_the_plans_is_escaped_in_the_brief_and_the_popups(
    store: MonitoringStore, tmp_path: Path
):
    plans.import_plans(store, _sheet(กิจกรรม=["<script>alert(1)</script>", "<img src=x onerror=y>"],
                                     หน่วยงานหลัก=["<b>lead</b>", "=cmd|'/C calc'!A0"]))  # fmt: skip
    page = plans.policy_brief(store, tmp_path / "b.html", include_maps=False).read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>lead" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    from tambon_gis.plans.maps import popups

    html = popups(plans.plan_items(store), {}).iloc[0]
    assert "<script>alert" not in html and "<img src=x" not in html


# ----------------------------------------------------------------------------- CLI


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["plans", *args])
    captured = capsys.readouterr()
    return code, captured.err


def test_the_cli_refuses_an_sqlite_file_that_is_not_a_store_and_leaves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE survey (x)")
    con.commit()
    con.close()
    plan_file = tmp_path / "p.csv"
    _sheet().to_csv(plan_file, index=False)
    # status printed an empty table and exit 0, after writing the store's tables into it
    for args in (("status", str(other)), ("import", str(other), str(plan_file)),
                 ("vocabulary", str(other))):  # fmt: skip
        code, err = _cli(capsys, *args)
        assert code == 1
        assert err.startswith(f"tambon-gis plans {args[0]}: error: ")
        assert "not a monitoring store" in err and "Traceback" not in err
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["survey"]
    con.close()


def test_the_cli_import_of_a_missing_plan_file_creates_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    store = tmp_path / "new.sqlite"
    code, err = _cli(capsys, "import", str(store), str(tmp_path / "nope.csv"))
    assert code == 1
    assert err.startswith("tambon-gis plans import: error: no plan file")
    assert not store.exists()


@pytest.mark.parametrize("what", ["missing", "folder", "text"])
def test_the_cli_names_a_bad_store_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
):
    path = {"missing": tmp_path / "none.sqlite", "folder": tmp_path,
            "text": tmp_path / "t.sqlite"}[what]  # fmt: skip
    if what == "text":
        path.write_text("not a database", encoding="utf-8")
    for action in ("status", "issues", "gaps", "vocabulary"):
        code, err = _cli(capsys, action, str(path))
        assert code == 1
        assert err.startswith(f"tambon-gis plans {action}: error: ") and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_rejected_rows_are_every_non_empty_row(store: MonitoringStore, tmp_path: Path):
    # a file with a bad row, a whitespace-only row and a good one: the good one is counted in
    # the report, the bad one listed, the blank one neither
    df = pd.concat([_sheet(), pd.DataFrame([{c: "  " for c in _sheet().columns}]),
                    _sheet(**{"ลำดับ": ["3", "4"], "ประเด็นนโยบาย": ["ไม่มีประเด็นนี้", "อาหาร"]})],
                   ignore_index=True)  # fmt: skip
    with pytest.raises(ImportRejectedError) as info:
        plans.import_plans(store, df)
    assert info.value.report.rejected["row"].tolist() == [5]


def test_one_budget_in_two_columns_of_one_year_is_refused_not_added_up(store: MonitoringStore):
    # งบประมาณ 2566 and งบประมาณ with ปีงบประมาณ 2566 were summed: 50,000 + 1 stored as 50,001
    df = _sheet(**{"งบประมาณ": ["1", ""], "ปีงบประมาณ": ["2566", ""]})
    report = plans.import_plans(store, df, on_error="report")
    assert report.status == "rejected"
    assert report.rejected["row"].tolist() == [2]
    assert "in two columns ('งบประมาณ 2566' and 'งบประมาณ')" in report.rejected["reason"].iloc[0]


def test_a_workbook_whose_first_sheet_is_not_the_plans_says_so(
    store: MonitoringStore, tmp_path: Path
):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "สรุป"
    wb.active["A1"] = "สรุปภาพรวม"
    ws = wb.create_sheet("แผน")
    df = _sheet()
    ws.append(list(df.columns))
    for row in df.values.tolist():
        ws.append(row)
    wb.save(tmp_path / "plans.xlsx")
    with pytest.raises(SchemaError, match=r"another sheet of the workbook.*--sheet"):
        plans.import_plans(store, tmp_path / "plans.xlsx")
    assert plans.import_plans(store, tmp_path / "plans.xlsx", sheet="แผน").n_added == 2


def test_a_popup_lists_twelve_items_in_order_and_counts_the_rest(store: MonitoringStore):
    n = 14
    df = pd.DataFrame({"รหัสตำบล": ["550504"] * n, "ประเภทแผน": ["แผนเกษตร"] * n,
                       "ปีของแผน": ["2566-2570"] * n, "สถานะแผน": ["มี"] * n,
                       "ลำดับ": [str(i) for i in range(1, n + 1)],
                       "กิจกรรม": [f"กิจกรรมที่ {i}" for i in range(1, n + 1)],
                       "ประเด็นนโยบาย": ["อาหาร"] * n})  # fmt: skip
    plans.import_plans(store, df)
    from tambon_gis.plans.maps import popups

    html = popups(plans.plan_items(store), {"food_security": "อาหาร"}).loc["550504"]
    shown = [f"กิจกรรมที่ {i}<" for i in range(1, n + 1) if f"กิจกรรมที่ {i}<" in html]
    assert shown == [f"กิจกรรมที่ {i}<" for i in range(1, 13)]
    assert "… 2 more" in html


@pytest.mark.parametrize("name", ["หมายเหตุเพิ่มเติม", "ตำบล"])
def test_a_table_with_two_columns_of_one_name_is_refused(store: MonitoringStore, name: str):
    # was AttributeError: 'DataFrame' object has no attribute 'str' (or a TypeError of
    # factorize for a location column)
    df = pd.concat([_sheet(), pd.DataFrame({name: ["ก", "ข"]}), pd.DataFrame({name: ["ค", "ง"]})],
                   axis=1)  # fmt: skip
    with pytest.raises(SchemaError, match=f"two columns named '{name}'"):
        plans.import_plans(store, df)


def test_a_placeholder_activity_is_not_stored_as_an_item(store: MonitoringStore):
    # "-" typed for "nothing yet" was stored as the activity of item 1
    report = plans.import_plans(store, _sheet(**{"กิจกรรม": ["-", "โฉนดชุมชน"]}), on_error="report")
    assert report.rejected["row"].tolist() == [2]
    assert "activity '-' says nothing" in report.rejected["reason"].iloc[0]


def test_an_item_number_typed_with_a_full_stop_is_read(store: MonitoringStore):
    plans.import_plans(store, _sheet(**{"ลำดับ": ["1.", "๒."]}))
    assert plans.plan_items(store)["item_no"].tolist() == [1, 2]


def test_the_summary_of_a_rejected_file_quotes_each_bad_value(store: MonitoringStore):
    # the summary (what the CLI prints) gave the row and column but not what was typed
    df = _sheet(**{"งบประมาณ 2566": ["-", "1"], "ปีของแผน": ["2566-2570", "ห้าปี"],
                   "ลำดับ": ["1", "ข้อหนึ่ง"]})  # fmt: skip
    with pytest.raises(ImportRejectedError) as info:
        plans.import_plans(store, df)
    text = info.value.report.summary()
    assert "budget '-' is not a number of baht" in text and "leave the cell blank" in text
    assert "fiscal years 'ห้าปี'" in text
    assert "item number 'ข้อหนึ่ง'" in text


def test_a_row_of_a_tambon_without_a_plan_says_it_needs_no_row(store: MonitoringStore):
    blank = ["", ""]
    df = _sheet(**{"สถานะแผน": ["ยังไม่มีแผน"] * 2, "ปีของแผน": blank, "กิจกรรม": blank,
                   "ลำดับ": blank, "ประเด็นนโยบาย": blank, "งบประมาณ 2566": blank})  # fmt: skip
    report = plans.import_plans(store, df, on_error="report")
    assert "a tambon with no plan needs no row" in report.rejected["reason"].iloc[0]


def test_gaps_read_the_ranked_csv_that_tambon_gis_select_writes(
    store: MonitoringStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # bilingual headers were "no tambon_code column"; and "False" read back from a CSV was
    # truthy: every ranked tambon counted as selected
    path = tmp_path / "ranked.csv"
    pd.DataFrame({"รหัสตำบล (tambon_code)": ["100101", "100102", "100103"],
                  "ได้รับเลือก (selected)": ["True", "False", "False"]}).to_csv(
        path, index=False, encoding="utf-8-sig")  # fmt: skip
    from tambon_gis.tables import read_table

    gaps = plans.plan_gaps(store, selection=read_table(path, dtype_str=True))
    chosen = gaps.loc[gaps["kind"] == "selected without a plan", "tambon_code"].tolist()
    assert chosen == ["100101"]
    code, err = _cli(capsys, "gaps", str(store.path), "--selection", str(path))
    assert (code, err) == (0, "")
    bad = pd.DataFrame({"tambon_code": ["100101"], "selected": ["บางที"]})
    with pytest.raises(ValidationError, match="selected column holds 'บางที'"):
        plans.plan_gaps(store, selection=bad)


@pytest.fixture(scope="module")
def nan_boundaries():
    from tambon_gis.boundaries import load_boundaries

    gdf = load_boundaries()
    return gdf[gdf["tambon_code"].str.startswith("55")].reset_index(drop=True)


def test_maps_read_boundary_codes_typed_as_numbers(store: MonitoringStore, nan_boundaries):
    # was "categorical(): the GeoDataFrame is empty; there is nothing to map"
    plans.import_plans(store, _sheet())
    as_int = nan_boundaries.assign(tambon_code=nan_boundaries["tambon_code"].astype(int))
    html = plans.issue_map(store, "food_security", gdf=as_int).get_root().render()
    assert "ศิลาแลง" in html
    assert "ศิลาแลง" in plans.plan_map(store, gdf=as_int).get_root().render()


def test_maps_of_a_store_with_nothing_to_map_say_so(tmp_path: Path, nan_boundaries):
    # issue_map was KeyError: 'tambon_code'
    with open_store(tmp_path / "e.sqlite") as s:
        for draw in (lambda: plans.issue_map(s, "cptpp", gdf=nan_boundaries),
                     lambda: plans.plan_map(s, gdf=nan_boundaries)):  # fmt: skip
            with pytest.raises(ValidationError, match="no plans and no operation areas"):
                draw()


def test_plan_status_of_a_store_without_plans_warns_nothing(store: MonitoringStore):
    # fillna("none") on the float NaN of an empty map: a FutureWarning printed by every
    # `tambon-gis plans status/gaps`, and an error in a coming pandas
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        st = plans.plan_status(store)
        facts = plans.plan_facts(store)
    assert set(st["agricultural"]) == {"none"} and set(facts["plan_development"]) == {"none"}


def test_an_issue_typed_in_brackets_quotes_or_fullwidth_letters_is_read(store: MonitoringStore):
    # "(อาหาร)", "ที่ดิน." and ＣＰＴＰＰ rejected the whole file as not in the vocabulary
    plans.import_plans(store, _sheet(**{"ประเด็นนโยบาย": ["(อาหาร); ＣＰＴＰＰ", "“ที่ดิน”."],
                                        "สถานะแผน": ["ประกาศใช้แล้ว.", "ประกาศใช้แล้ว."]}))  # fmt: skip
    assert plans.plan_items(store)["issues"].tolist() == ["food_security|cptpp", "forest_land"]


def test_plan_facts_of_an_old_xls_plan_file_say_what_to_do(tmp_path: Path):
    # an .xls was opened as a store: "not a readable monitoring store (file is not a database)"
    path = tmp_path / "plans.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 600)
    with pytest.raises(ValidationError, match=r"old \.xls workbook.*save it as \.xlsx"):
        plans.with_plan_facts(pd.DataFrame({"tambon_code": ["550504"]}), path)
