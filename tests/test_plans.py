"""Tambon plans in the store: vocabulary, import with the rejected-rows report, questions, maps.

The example plan files (examples/plans/) are typed as councils type them; every expected number
below is recomputed from the file with pandas, not copied from the library's output.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tambon_gis import plans
from tambon_gis._errors import ImportRejectedError, SchemaError, ValidationError
from tambon_gis.datasets import example_path
from tambon_gis.monitoring import MonitoringStore, open_store
from tambon_gis.vocabulary import (
    issue_key,
    issue_lookup,
    parse_plan_status,
    parse_plan_type,
    split_issues,
)

PLANS = example_path("plans/tambon_plans_2566.csv")
PLANS_XLSX = example_path("plans/tambon_plans_2566.xlsx")
BAD = example_path("plans/tambon_plans_with_errors.csv")
MON = example_path("monitoring/areas.csv").parent


def _store(path: Path | str) -> MonitoringStore:
    store = open_store(path, name="ตัวอย่าง", fiscal_years=2566)
    store.set_areas(MON / "areas.csv")
    store.set_indicators(MON / "indicators.csv")
    return store


@pytest.fixture
def store(tmp_path: Path):
    s = _store(tmp_path / "plans.sqlite")
    yield s
    s.close()


def _sheet(**over: list[str]) -> pd.DataFrame:
    base = {
        "จังหวัด": ["น่าน", "น่าน"], "อำเภอ": ["ปัว", "ปัว"], "ตำบล": ["ศิลาแลง", "ศิลาแลง"],
        "ประเภทแผน": ["แผนเกษตรตำบล", "แผนเกษตรตำบล"], "ปีของแผน": ["2566-2570", "2566-2570"],
        "สถานะแผน": ["ประกาศใช้แล้ว", "ประกาศใช้แล้ว"], "ลำดับ": ["1", "2"],
        "กิจกรรม": ["ธนาคารเมล็ดพันธุ์", "โฉนดชุมชน"],
        "ประเด็นนโยบาย": ["ความมั่นคงทางอาหาร", "ที่ดินและป่าไม้"],
        "งบประมาณ 2566": ["50,000", "๑๒๐๐๐๐"],
    }  # fmt: skip
    base.update(over)
    return pd.DataFrame(base)


def _count(store: MonitoringStore, table: str) -> int:
    return int(store.read_sql(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0])


# ----------------------------------------------------------------------------- vocabulary


def test_vocabulary_reads_every_spelling_in_use():
    lookup = issue_lookup()
    assert lookup[issue_key("ที่ดินและป่าไม้")] == "forest_land"
    assert lookup[issue_key("การผลิตฐานราก")] == "grassroots_production"
    assert lookup[issue_key("  Food Security ")] == "food_security"
    # sara am typed as nikhahit + sara aa is the same key
    assert lookup[issue_key("ที่ดินท\u0e4d\u0e32กิน")] == "forest_land"
    assert lookup[issue_key("cptpp")] == "cptpp"
    assert parse_plan_type("แผนพัฒนาเกษตรกรรมระดับตำบล") == "agricultural"
    assert parse_plan_type("Tambon development plan") == "development"
    assert parse_plan_type("แผนอื่น") is None
    assert parse_plan_status("อยู่ระหว่างทบทวน") == "under review"
    assert parse_plan_status("กำลังจัดทำ") == "drafting"
    assert parse_plan_status("ยังไม่มี") == "none"
    # "และ" belongs to names; only , ; / | and new lines separate values
    assert split_issues("ที่ดินและป่าไม้ / CPTPP;อาหาร") == ["ที่ดินและป่าไม้", "CPTPP", "อาหาร"]


def test_a_store_extends_the_vocabulary_and_refuses_clashes(store: MonitoringStore):
    with pytest.raises(ImportRejectedError, match="not in the vocabulary"):
        plans.import_plans(store, _sheet(ประเด็นนโยบาย=["การจัดการน้ำ", "น้ำ"]))
    v = plans.add_policy_issues(store, [
        {"issue_id": "water", "name_th": "การจัดการน้ำ", "name_en": "Water", "aliases": "น้ำ"},
        {"issue_id": "food_security", "name_th": "x", "aliases": "ข้าวปลาอาหาร"},
    ])  # fmt: skip
    v = v.set_index("issue_id")
    assert v.loc["water", "aliases"] == ["น้ำ"] and not v.loc["water", "builtin"]
    # a built-in issue keeps its names and gains the alias
    assert v.loc["food_security", "name_th"] == "ความมั่นคงทางอาหาร"
    assert "ข้าวปลาอาหาร" in v.loc["food_security", "aliases"]
    report = plans.import_plans(store, _sheet(ประเด็นนโยบาย=["การจัดการน้ำ", "ข้าวปลาอาหาร"]))
    assert report.ok
    assert plans.plan_items(store)["issues"].tolist() == ["water", "food_security"]
    with pytest.raises(ValidationError, match="already names the issue 'forest_land'"):
        plans.add_policy_issues(store, [{"issue_id": "land2", "name_th": "ที่ดิน"}])
    with pytest.raises(ValidationError, match="expected 2-40 lower-case"):
        plans.add_policy_issues(store, [{"issue_id": "Bad Id", "name_th": "ก"}])
    with pytest.raises(ValidationError, match="no column"):
        plans.add_policy_issues(store, pd.DataFrame({"name": ["x"]}))


# ----------------------------------------------------------------------------- import


def test_example_plans_import_all_rows_and_again_nothing(store: MonitoringStore):
    typed = pd.read_csv(PLANS, dtype=str, encoding="utf-8-sig").fillna("")
    report = plans.import_plans(store, PLANS)
    n_items = int((typed["กิจกรรม/โครงการ"] != "").sum())
    n_plans = len(typed.drop_duplicates(["จังหวัด", "อำเภอ", "ตำบล", "ประเภทแผน", "ปีของแผน"]))
    assert (report.status, report.n_added, report.n_plans_added) == ("imported", n_items, n_plans)
    assert report.match is not None and report.match.counts[["ambiguous", "unmatched"]].sum() == 0
    assert _count(store, "plan_items") == n_items and _count(store, "plans") == n_plans
    assert plans.import_plans(store, PLANS).status == "already imported"
    # the same plans in a workbook with a title row: read, recognised as unchanged
    again = plans.import_plans(store, PLANS_XLSX)
    assert (again.n_added, again.n_revised, again.n_unchanged) == (0, 0, n_items)
    assert _count(store, "plan_items") == n_items
    budget = typed[["งบประมาณ 2566", "งบประมาณ 2567"]].replace("", "0")
    total = budget.apply(lambda c: c.str.replace(",", "").astype(float)).to_numpy().sum()
    assert plans.plan_items(store)["budget"].sum() == pytest.approx(total)


def test_a_change_is_a_new_revision_and_the_old_one_is_kept(store: MonitoringStore):
    plans.import_plans(store, _sheet())
    changed = _sheet(**{"งบประมาณ 2566": ["50,000", "130000"], "สถานะแผน": ["อยู่ระหว่างทบทวน"] * 2})
    report = plans.import_plans(store, changed)
    assert (report.n_added, report.n_revised, report.n_unchanged) == (0, 1, 1)
    assert (report.n_plans_revised, report.n_plans_added) == (1, 0)
    items = plans.plan_items(store)
    assert items["revision"].tolist() == [1, 2] and items["budget"].tolist() == [50000, 130000]
    assert set(items["status"]) == {"under review"}
    assert _count(store, "plan_items") == 3 and _count(store, "plans") == 2
    raw = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE plan_items SET activity = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM plans")
    raw.close()


def test_the_error_file_is_rejected_whole_with_every_row_named(store: MonitoringStore):
    with pytest.raises(ImportRejectedError) as info:
        plans.import_plans(store, BAD)
    rej = info.value.report.rejected
    by_row = rej.groupby("row")["reason"].apply(" | ".join).to_dict()
    assert sorted(by_row) == [3, 4, 5, 6, 8]
    assert "ambiguous" in by_row[3] and "อ.ฝาง" in by_row[3] and "อ.สารภี" in by_row[3]
    assert "การท่องเที่ยวชุมชน" in by_row[4] and "add_policy_issues" in by_row[4]
    assert "number of baht" in by_row[5] and "rows 5, 6" in by_row[5] and "rows 5, 6" in by_row[6]
    assert "เสร็จแล้วครับ" in by_row[8] and "ประกาศใช้แล้ว" in by_row[8]
    assert _count(store, "plan_items") == 0 and _count(store, "plans") == 0
    assert _count(store, "imports") == 0
    report = plans.import_plans(store, BAD, on_error="report")
    assert not report.ok and len(report.rejected) == len(rej)


@pytest.mark.parametrize(
    ("over", "column", "words"),
    [
        ({"ปีของแผน": ["2570-2566"] * 2}, "ปีของแผน", "run forward"),
        ({"ปีของแผน": ["ห้าปี"] * 2}, "ปีของแผน", "not a year or a range"),
        ({"ประเภทแผน": ["แผนอื่น", "แผนเกษตรตำบล"]}, "ประเภทแผน", "not known"),
        ({"ลำดับ": ["1", "x"]}, "ลำดับ", "whole number"),
        ({"งบประมาณ 2566": ["-5", "1"]}, "งบประมาณ 2566", "≥ 0"),
        ({"งบประมาณ 2566": ["1,2", "1"]}, "งบประมาณ 2566", "number of baht"),
        ({"กิจกรรม": ["", "โฉนดชุมชน"]}, "กิจกรรม", "no activity"),
        ({"สถานะแผน": ["ประกาศใช้แล้ว", "อยู่ระหว่างจัดทำ"]}, "สถานะแผน", "different status"),
        ({"ตำบล": ["ไม่มีตำบลนี้", "ศิลาแลง"]}, "ตำบล", "unmatched"),
    ],
)
def test_each_rule_names_the_row_the_column_and_the_fix(
    store: MonitoringStore, over: dict[str, list[str]], column: str, words: str
):
    report = plans.import_plans(store, _sheet(**over), on_error="report")
    assert report.status == "rejected"
    rej = report.rejected
    hit = rej[rej["column"] == column]
    assert len(hit) >= 1 and hit["reason"].str.contains(words, regex=False).all(), rej
    assert hit["row"].min() >= 2  # spreadsheet rows: the header is row 1
    assert _count(store, "plan_items") == 0


def test_a_budget_of_another_year_and_a_year_column(store: MonitoringStore):
    sheet = _sheet(**{"งบประมาณ 2566": ["", ""]}).assign(
        งบประมาณ=["10,000", "20000"], ปีงบประมาณ=["๒๕๖๗", "2023"]
    )
    plans.import_plans(store, sheet)
    items = plans.plan_items(store)
    assert items["budgets"].tolist() == [{2567: 10000.0}, {2566: 20000.0}]
    assert plans.plan_items(store, fiscal_year=2567)["budget"].tolist() == [10000.0, 0.0]
    outside = _sheet(**{"งบประมาณ 2566": ["", ""]}).assign(งบประมาณ=["1", "1"],
                                                          ปีงบประมาณ=["2580", "2566"])
    rej = plans.import_plans(store, outside, on_error="report").rejected
    assert rej["reason"].str.contains("outside the plan's years").any()


def test_no_row_is_lost_blank_lines_are_skipped_and_plan_only_rows_kept(store: MonitoringStore):
    sheet = pd.concat([
        _sheet(), pd.DataFrame([{c: "" for c in _sheet().columns}]),
        pd.DataFrame([{"จังหวัด": "น่าน", "อำเภอ": "ปัว", "ตำบล": "ไชยวัฒนา",
                       "ประเภทแผน": "แผนพัฒนาตำบล", "ปีของแผน": "2566-2570",
                       "สถานะแผน": "กำลังจัดทำ"}]),
    ], ignore_index=True).fillna("")  # fmt: skip
    report = plans.import_plans(store, sheet)
    assert (report.n_added, report.n_plans_added) == (2, 2)
    st = plans.plan_status(store).set_index("tambon_code")
    assert st.loc["550504", "agricultural"] == "adopted"
    assert st.loc["550509", "development"] == "drafting"


def test_two_columns_of_one_field_are_refused_not_half_read(store: MonitoringStore):
    sheet = _sheet()
    sheet["ลําดับ"] = ["7", "8"]  # the same header typed with nikhahit + sara aa
    with pytest.raises(SchemaError, match="two columns"):
        plans.import_plans(store, sheet)


def test_missing_columns_and_wrong_inputs_are_the_librarys_errors(
    store: MonitoringStore, tmp_path: Path
):
    with pytest.raises(SchemaError, match="no tambon column"):
        plans.import_plans(store, _sheet().drop(columns=["ตำบล", "อำเภอ", "จังหวัด"]))
    with pytest.raises(SchemaError, match="plan_type"):
        plans.import_plans(store, _sheet().drop(columns=["ประเภทแผน"]))
    with pytest.raises(SchemaError, match="fiscal years"):
        plans.import_plans(store, _sheet().drop(columns=["ปีของแผน"]))
    with pytest.raises(ValidationError, match="expected a MonitoringStore"):
        plans.import_plans("kpi.sqlite", _sheet())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected the path"):
        plans.import_plans(store, 42)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="check the path"):
        plans.import_plans(store, tmp_path / "none.csv")
    cp874 = tmp_path / "plans_cp874.csv"
    _sheet().to_csv(cp874, index=False, encoding="cp874")
    assert plans.import_plans(store, cp874).n_added == 2


def test_an_unknown_indicator_is_refused_and_a_known_one_linked(store: MonitoringStore):
    rej = plans.import_plans(store, _sheet(ตัวชี้วัด=["hh_savings", "nope"]), on_error="report")
    assert rej.rejected["reason"].str.contains("'nope' is not in the store's catalogue").all()
    plans.import_plans(store, _sheet(ตัวชี้วัด=["hh_savings; debt", ""]))
    assert plans.plan_items(store)["indicator_ids"].tolist() == ["hh_savings|debt", ""]


# ----------------------------------------------------------------------------- questions


def test_questions_agree_with_the_typed_file(store: MonitoringStore):
    plans.import_plans(store, PLANS)
    typed = pd.read_csv(PLANS, dtype=str, encoding="utf-8-sig").fillna("")
    st = plans.plan_status(store)
    areas = set(store.areas()["tambon_code"])
    assert set(st["tambon_code"]) == areas and st["operation_area"].all()
    # adopted agricultural plans: rows of the file with that type and status, by tambon
    agri = typed[(typed["ประเภทแผน"] == "แผนพัฒนาเกษตรกรรมระดับตำบล")
                 & (typed["สถานะแผน"] == "ประกาศใช้แล้ว")]  # fmt: skip
    n_agri = len(agri.drop_duplicates(["จังหวัด", "อำเภอ", "ตำบล"]))
    assert int(st["adopted_agricultural"].sum()) == n_agri
    cov = plans.plan_coverage(store, level="region")
    assert int(cov["n_areas"].sum()) == len(areas)
    assert int(cov["adopted_agricultural"].sum()) == n_agri
    # issues: items raising food security and their budget, straight from the file
    lookup = issue_lookup()
    food = typed[typed["ประเด็นนโยบาย"].map(
        lambda s: "food_security" in {lookup.get(issue_key(p)) for p in split_issues(s)})]
    money = food[["งบประมาณ 2566", "งบประมาณ 2567"]].replace("", "0")
    money = money.apply(lambda c: c.str.replace(",", "").astype(float)).to_numpy().sum()
    r = plans.issue_rollup(store, level="all").set_index("issue_id")
    assert int(r.loc["food_security", "n_items"]) == len(food)
    assert r.loc["food_security", "budget"] == pytest.approx(money)
    by_region = plans.issue_rollup(store, level="region")
    food_regions = by_region[by_region["issue_id"] == "food_security"]
    assert food_regions["budget"].sum() == pytest.approx(money)
    items = plans.plan_items(store, issue="food_security")
    assert len(items) == len(food)
    key = list(zip(items["tambon_code"], items["plan_type"], items["item_no"], strict=True))
    assert key == sorted(key)  # by tambon, plan and item
    with pytest.raises(ValidationError, match="not in the store's vocabulary"):
        plans.plan_items(store, issue="tourism")
    with pytest.raises(ValidationError, match="level='district'"):
        plans.issue_rollup(store, level="district")


def test_gaps_name_plans_missing_items_without_kpi_and_kpis_without_data(
    store: MonitoringStore,
):
    plans.import_plans(store, PLANS)
    gaps = plans.plan_gaps(store)
    st = plans.plan_status(store)
    kinds = gaps["kind"].value_counts()
    assert kinds["no adopted agricultural plan"] == int((~st["adopted_agricultural"]).sum())
    items = plans.plan_items(store)
    assert kinds["item without KPI"] == int(((items["issues"] != "")
                                             & (items["indicator_ids"] == "")).sum())  # fmt: skip
    # no observation stored yet: every linked KPI is without data
    n_links = sum(len([x for x in s.split("|") if x]) for s in items["indicator_ids"])
    assert kinds["KPI without data"] == n_links
    store.import_file(MON / "kpi_q1_2566.csv")
    assert plans.plan_gaps(store)["kind"].value_counts().get("KPI without data", 0) < n_links
    # a selected tambon without any plan
    with_sel = plans.plan_gaps(store, selection=["100101", *st["tambon_code"][:2]])
    row = with_sel[with_sel["kind"] == "selected without a plan"]
    assert row["tambon_code"].tolist() == ["100101"]
    with pytest.raises(ValidationError, match="not a 6-digit tambon code"):
        plans.plan_gaps(store, selection=["x"])


def test_plan_facts_are_columns_for_selection(store: MonitoringStore):
    plans.import_plans(store, PLANS)
    facts = plans.plan_facts(store, codes=[*store.areas()["tambon_code"], "100101"])
    assert {"has_adopted_agricultural_plan", "raises_food_security", "plan_budget"} <= set(
        facts.columns
    )
    st = plans.plan_status(store).set_index("tambon_code")
    f = facts.set_index("tambon_code")
    assert (f.loc[st.index, "has_adopted_agricultural_plan"] == st["adopted_agricultural"]).all()
    assert f.loc["100101", "n_plan_items"] == 0 and not f.loc["100101", "raises_cptpp"]
    assert facts["raises_food_security"].dtype == bool
    assert f["plan_budget"].sum() == pytest.approx(plans.plan_items(store)["budget"].sum())


# ----------------------------------------------------------------------------- maps, brief, CLI


@pytest.mark.realdata
def test_issue_map_and_brief_are_offline_and_count_what_the_tables_count(
    store: MonitoringStore, tmp_path: Path
):
    from tambon_gis import maps

    plans.import_plans(store, PLANS)
    m = plans.issue_map(store, "food_security")
    page = maps.save(m, tmp_path / "food.html").read_text(encoding="utf-8")
    titled = plans.issue_map(store, "food_security", options=maps.MapOptions(title="Food"))
    assert '"title":"Food"' in titled.get_root().render()
    n = plans.issue_rollup(store, level="all").set_index("issue_id").loc["food_security",
                                                                          "n_tambons"]
    legend = page.replace("\\u003c", "<").replace("\\u003e", ">")
    assert f"แผนระบุประเด็นนี้</span><span class='tg-count'>{n}<" in legend
    out = plans.policy_brief(store, tmp_path / "brief.html")
    html = out.read_text(encoding="utf-8")
    for th in ("ความมั่นคงทางอาหาร", "ป่าไม้และที่ดินที่อยู่อาศัย", "ความตกลง CPTPP",
               "ระบบการผลิตของเศรษฐกิจฐานราก", "Policy brief", "By province", "Linked KPIs",
               "ยังไม่มีแผนพัฒนาเกษตรกรรมระดับตำบลที่ประกาศใช้ (no adopted agricultural plan)"):
        assert th in html
    assert html.count("<iframe") == 4
    assert "https://" not in html.split("<iframe")[0]  # the page itself fetches nothing
    with pytest.raises(ValidationError, match="not in the store's vocabulary"):
        plans.policy_brief(store, tmp_path / "x.html", issues=["tourism"])


def test_brief_of_an_empty_store_says_what_to_do(store: MonitoringStore, tmp_path: Path):
    with pytest.raises(ValidationError, match="import the plans first"):
        plans.policy_brief(store, tmp_path / "b.html", include_maps=False)


def test_cli_plans_import_rejects_without_traceback_and_writes_the_report(tmp_path: Path):
    cli = [sys.executable, "-m", "tambon_gis.cli"]
    s = str(tmp_path / "s.sqlite")
    _store(s).close()
    done = subprocess.run([*cli, "plans", "import", s, str(BAD), "--rejected",
                           str(tmp_path / "rej.csv")], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "ambiguous" in done.stderr and (tmp_path / "rej.csv").is_file()
    done = subprocess.run([*cli, "plans", "import", s, str(PLANS), "--matches",
                           str(tmp_path / "m.csv")], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "m.csv")) == len(pd.read_csv(PLANS))
    done = subprocess.run([*cli, "plans", "issues", s, "--level", "all"], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0 and "food_security" in done.stdout
    done = subprocess.run([*cli, "plans", "brief", s, "--out", str(tmp_path / "b.html"),
                           "--no-maps"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0 and (tmp_path / "b.html").stat().st_size > 10_000
    done = subprocess.run([*cli, "plans", "map", s, "--out", str(tmp_path / "m.html"),
                           "--issue", "tourism"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "not in the store's vocabulary" in done.stderr


# ----------------------------------------------------------------------------- PostgreSQL


def _pg_user(pg_server, name: str, password: str) -> None:
    pg_server.execute(
        f"DO $$ BEGIN CREATE ROLE {name} LOGIN PASSWORD '{password}'; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )


@pytest.mark.postgres
def test_plans_on_postgres_same_answers_and_scopes_enforced(pg_server, pg_url: str,
                                                            tmp_path: Path):  # fmt: skip
    import psycopg

    db = pg_url.split("@/", 1)[1].split("?", 1)[0]
    for name in ("pam", "rex"):
        _pg_user(pg_server, name, f"pw-{name}-9x")
    with _store(pg_url) as admin, _store(tmp_path / "s.sqlite") as lite:
        assert plans.import_plans(admin, PLANS).ok and plans.import_plans(lite, PLANS).ok
        for ask in (lambda s: plans.plan_status(s), lambda s: plans.issue_rollup(s),
                    lambda s: plans.plan_items(s).drop(columns=["revision"])):  # fmt: skip
            pd.testing.assert_frame_equal(ask(admin), ask(lite), check_dtype=False)
        admin.grant_access("pam", role="editor", changwats=["55"])  # Nan
        admin.grant_access("rex", role="reader")
        plans.add_policy_issues(admin, [{"issue_id": "water", "name_th": "การจัดการน้ำ"}])

    def connect(name: str) -> MonitoringStore:
        return open_store(pg_server.tcp_url(db, user=name, password=f"pw-{name}-9x"))

    pam, rex = connect("pam"), connect("rex")
    try:
        # a file with one tambon outside Nan is rejected whole, naming that row
        # Thai keyword arguments would be NFKC-normalised (sara am split): use dicts
        mixed = pd.concat([_sheet(**{"ลำดับ": ["11", "12"]}), _sheet(**{
            "จังหวัด": ["เชียงใหม่"] * 2, "อำเภอ": ["สันกำแพง"] * 2, "ตำบล": ["ร้องวัวแดง"] * 2,
            "ลำดับ": ["11", "12"]})], ignore_index=True)  # fmt: skip
        with pytest.raises(ImportRejectedError) as info:
            plans.import_plans(pam, mixed)
        rej = info.value.report.rejected
        assert rej["row"].tolist() == [4, 5] and set(rej["tambon_code"]) == {"501303"}
        assert rej["reason"].str.contains("outside the scope of 'pam'").all()
        done = plans.import_plans(pam, _sheet(**{"ลำดับ": ["11", "12"],
                                                 "ประเด็นนโยบาย": ["การจัดการน้ำ", "อาหาร"]}))
        assert done.ok and done.n_added == 2
        mine = plans.plan_items(rex)
        mine = mine[mine["item_no"] >= 11]
        assert mine["issues"].tolist() == ["water", "food_security"]
        by = rex.read_sql("SELECT DISTINCT recorded_by FROM plan_items WHERE item_no >= 11")
        assert by["recorded_by"].tolist() == ["pam"]
        with pytest.raises(ImportRejectedError, match="outside the scope of 'rex'"):
            plans.import_plans(rex, _sheet(**{"ลำดับ": ["21", "22"]}))
        # only administrators change the vocabulary
        from tambon_gis._errors import AccessDeniedError

        with pytest.raises(AccessDeniedError):
            plans.add_policy_issues(pam, [{"issue_id": "tourism", "name_th": "ท่องเที่ยว"}])
    finally:
        pam.close()
        rex.close()
    # the database refuses what the library would have caught, for any client
    pam_url = pg_server.tcp_url(db, user="pam", password="pw-pam-9x")
    with psycopg.connect(pam_url) as con, pytest.raises(psycopg.errors.InsufficientPrivilege,
                                                        match="row-level security"):  # fmt: skip
        con.execute(
            "INSERT INTO plan_items (item_rev_id, tambon_code, plan_type, first_fy, item_no, "
            "activity, revision, row_hash, import_id, recorded_at) VALUES (9999, '501303', "
            "'development', 2566, 1, 'x', 1, 1, 1, 'now')"
        )
    with psycopg.connect(pg_url) as con, pytest.raises(psycopg.errors.RaiseException,
                                                       match="append-only"):  # fmt: skip
        con.execute("UPDATE plan_items SET activity = 'x'")


@pytest.mark.postgres
def test_migrate_copies_the_plans_with_every_revision(pg_url: str, tmp_path: Path):
    from tambon_gis.monitoring.migrate import migrate_store

    sq = tmp_path / "plans.sqlite"
    with _store(sq) as s:
        plans.add_policy_issues(s, [{"issue_id": "water", "name_th": "การจัดการน้ำ"}])
        plans.import_plans(s, PLANS)
        plans.import_plans(s, _sheet(**{"งบประมาณ 2566": ["1", "2"]}))
        plans.import_plans(s, _sheet(**{"งบประมาณ 2566": ["3", "2"]}))  # a revision
        want_items = plans.plan_items(s)
        want_rollup = plans.issue_rollup(s, level="region")
        n_revisions = _count(s, "plan_items")
        original_by = s.read_sql("SELECT recorded_by FROM plan_items ORDER BY item_rev_id")[
            "recorded_by"].tolist()  # fmt: skip
    with migrate_store(sq, pg_url) as pg:
        pd.testing.assert_frame_equal(plans.plan_items(pg), want_items, check_dtype=False)
        pd.testing.assert_frame_equal(plans.issue_rollup(pg, level="region"), want_rollup,
                                      check_dtype=False)  # fmt: skip
        assert _count(pg, "plan_items") == n_revisions
        assert "water" in set(plans.policy_issues(pg)["issue_id"])
        # the copy goes on: the next import revises with the next ids
        assert plans.import_plans(pg, _sheet(**{"งบประมาณ 2566": ["4", "2"]})).n_revised == 1
    back = tmp_path / "back.sqlite"
    with migrate_store(pg_url, back) as s:
        assert _count(s, "plan_items") == n_revisions + 1
        by = s.read_sql("SELECT recorded_by FROM plan_items ORDER BY item_rev_id")["recorded_by"]
        assert by.iloc[:n_revisions].tolist() == original_by  # who recorded them is kept


def test_history_lists_every_revision_with_who_when_and_the_file(store: MonitoringStore,
                                                                  tmp_path: Path):  # fmt: skip
    first = tmp_path / "แผน_ฉบับแรก.csv"
    _sheet().to_csv(first, index=False, encoding="utf-8-sig")
    plans.import_plans(store, first, recorded_by="สมชาย")
    plans.import_plans(store, _sheet(**{"งบประมาณ 2566": ["50,000", "99,000"],
                                        "สถานะแผน": ["อยู่ระหว่างทบทวน"] * 2}))  # fmt: skip
    h = plans.plan_history(store, "๕๕๐๕๐๔", plan_type="แผนเกษตรตำบล", first_fy=2566, item_no=2)
    assert h["revision"].tolist() == [1, 2]
    assert h["budgets"].tolist() == [{2566: 120000.0}, {2566: 99000.0}]
    assert h["recorded_by"].iloc[0] == "สมชาย" and h["file_name"].tolist() == [first.name, "table"]
    p = plans.plan_history(store, "550504", plan_type="agricultural", first_fy=2566)
    assert p["status"].tolist() == ["adopted", "under review"]
    one = plans.plan_history(store, "550504", plan_type="agricultural", first_fy=2566, item_no=1)
    assert one["revision"].tolist() == [1]  # unchanged items get no new revision
    with pytest.raises(ValidationError, match="no item 9 of agricultural plan 2566"):
        plans.plan_history(store, "550504", plan_type="agricultural", first_fy=2566, item_no=9)
    with pytest.raises(ValidationError, match="not a 6-digit"):
        plans.plan_history(store, "x", plan_type="agricultural", first_fy=2566)
    with pytest.raises(ValidationError, match="plan_type='other'"):
        plans.plan_history(store, "550504", plan_type="other", first_fy=2566)


def test_brief_takes_issue_names_as_typed(store: MonitoringStore, tmp_path: Path):
    plans.import_plans(store, PLANS)
    page = plans.policy_brief(store, tmp_path / "b.html", issues=["อาหาร", "CPTPP"],
                              include_maps=False).read_text(encoding="utf-8")  # fmt: skip
    assert page.count("<h2 id=") == 2
    assert "id='food_security'" in page and "id='cptpp'" in page
    with pytest.raises(ValidationError, match=r"\['ท่องเที่ยว'\] are not in the store's vocabulary"):
        plans.policy_brief(store, tmp_path / "b.html", issues=["ท่องเที่ยว"], include_maps=False)
