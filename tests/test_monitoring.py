"""Tests of tambon_gis.monitoring: the store, imports, revisions, status and roll-ups."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tambon_gis import gazetteer
from tambon_gis._errors import ImportRejectedError, SchemaError, ValidationError
from tambon_gis.monitoring import (
    STATUSES,
    ImportReport,
    MonitoringStore,
    Rollup,
    StatusTable,
    classify,
    open_store,
)

DATA = Path(__file__).parent / "data"
PY = sys.executable


def make_store(path: Path) -> MonitoringStore:
    store = open_store(path, name="โครงการนำร่อง", fiscal_years=(2566, 2567))
    store.set_areas(DATA / "monitor_areas.csv")
    store.set_indicators(DATA / "monitor_indicators.csv")
    store.set_targets(DATA / "monitor_targets.csv")
    return store


@pytest.fixture
def store(tmp_path: Path):
    s = make_store(tmp_path / "kpi.sqlite")
    yield s
    s.close()


@pytest.fixture
def loaded(store: MonitoringStore) -> MonitoringStore:
    store.import_file(DATA / "monitor_q1_long.csv")
    store.import_file(DATA / "monitor_q2_wide.xlsx")
    return store


def n_obs(path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("observations", "current", "imports")
        )  # type: ignore[return-value]
    finally:
        con.close()


# ---------------------------------------------------------------------------- the store


def test_store_file_is_sqlite_in_wal_mode_with_the_tables(store: MonitoringStore):
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {"areas", "indicators", "targets", "observations", "current", "imports",
            "latest_observations"} <= names  # fmt: skip
    con.close()
    assert store.meta["name"] == "โครงการนำร่อง"
    assert store.fiscal_years == (2566, 2567)
    assert "7 areas, 3 indicators, 0 observations" in repr(store)


def test_open_store_refuses_a_missing_file_without_create(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no monitoring store"):
        open_store(tmp_path / "nope.sqlite", create=False)


def test_reopening_keeps_everything(tmp_path: Path):
    path = tmp_path / "kpi.sqlite"
    make_store(path).close()
    with open_store(path, create=False) as again:
        assert len(again.areas()) == 7
        assert again.fiscal_years == (2566, 2567)


def test_configure_refuses_ce_years_and_reversed_ranges(store: MonitoringStore):
    with pytest.raises(ValidationError, match="not a Buddhist Era year"):
        store.configure(fiscal_years=(2023, 2024))
    with pytest.raises(ValidationError, match="first year comes after the last"):
        store.configure(fiscal_years=(2567, 2566))


def test_areas_get_official_thai_names(store: MonitoringStore):
    areas = store.areas().set_index("tambon_code")
    assert areas.loc["320101", "tambon_th"] == "ในเมือง"
    assert areas.loc["500101", "changwat_th"] == "เชียงใหม่"
    assert areas.loc["500101", "start_date"] == "2023-01-01"  # from "1 ม.ค. 2566"
    assert areas.loc["320102", "lead_agency"] == "พอช."


def test_set_areas_lists_every_bad_code_and_stores_nothing(tmp_path: Path):
    s = open_store(tmp_path / "a.sqlite", fiscal_years=2566)
    with pytest.raises(ValidationError) as info:
        s.set_areas(["320101", "32010", "999999", "104701", "320101"])
    msg = str(info.value)
    assert "'32010' is not a 6-digit DOPA code" in msg
    assert "999999 is not in the official gazetteer" in msg
    assert "104701 was abolished" in msg and "104702 104703" in msg
    assert "listed more than once: ['320101']" in msg
    assert s.areas().empty
    s.close()


def test_set_indicators_validates_and_fills_share_bounds(store: MonitoringStore):
    ind = store.indicators().set_index("indicator_id")
    assert (ind.loc["plan_share", "min_value"], ind.loc["plan_share", "max_value"]) == (0, 100)
    assert ind.loc["debt", "direction"] == "lower"
    with pytest.raises(ValidationError) as info:
        store.set_indicators([
            {"indicator_id": "x", "name_th": "", "aggregation": "median", "direction": "up"},
            {"indicator_id": "y", "name_th": "ย", "aggregation": "sum", "min_value": "ten"},
        ])  # fmt: skip
    msg = str(info.value)
    for part in ("no Thai name", "'median' is not one of sum, mean, share",
                 "'up' is not 'higher' or 'lower'", "min_value 'ten' is not a number"):  # fmt: skip
        assert part in msg
    with pytest.raises(SchemaError, match="lacks"):
        store.set_indicators([{"indicator_id": "z"}])


def test_set_targets_validates(store: MonitoringStore):
    with pytest.raises(ValidationError) as info:
        store.set_targets([
            {"indicator_id": "nope", "fiscal_year": 2566, "target": 1},
            {"indicator_id": "debt", "fiscal_year": "1/2566", "target": 1},
            {"indicator_id": "debt", "fiscal_year": 2566, "target": "many",
             "tambon_code": "320106"},
        ])  # fmt: skip
    msg = str(info.value)
    assert "unknown indicator 'nope'" in msg
    assert "fiscal_year '1/2566'" in msg
    assert "target 'many' is not a number" in msg
    assert "320106 is not an operation area" in msg


# ---------------------------------------------------------------------------- import


def test_import_long_csv(store: MonitoringStore):
    rep = store.import_file(DATA / "monitor_q1_long.csv")
    assert isinstance(rep, ImportReport)
    assert (rep.status, rep.layout, rep.n_rows, rep.n_added) == ("imported", "long", 10, 10)
    obs = store.observations().set_index(["tambon_code", "indicator_id"])
    assert obs.loc[("320102", "debt"), "value"] == 65000  # Thai digits
    assert obs.loc[("320101", "debt"), "value"] == 48000  # thousands comma
    assert obs.loc[("320102", "debt"), "note"] == "ตัวเลขไทย"  # Thai text survives
    assert obs.loc[("320101", "hh_savings"), "source"] == "รายงาน พอช."
    assert set(obs["period"]) == {"2566Q1"}
    assert (obs["revision"] == 1).all()
    assert obs["recorded_by"].ne("").all() and obs["recorded_at"].ne("").all()


def test_import_wide_excel_counts_empty_cells_and_names_ignored_columns(store: MonitoringStore):
    rep = store.import_file(DATA / "monitor_q2_wide.xlsx")
    assert rep.layout == "wide"
    assert rep.n_rows == 10 and rep.n_added == 10
    assert rep.n_empty_cells == 8
    assert rep.ignored_columns == ["tambon_th"]
    obs = store.observations(period="Q2 FY2566")
    assert len(obs) == 10
    assert obs.loc[obs["tambon_code"] == "320101", "note"].unique().tolist() == ["ส่งครบ"]
    assert "320104" not in set(obs["tambon_code"])  # nothing reported there: nothing stored


def test_import_wide_by_period(store: MonitoringStore):
    rep = store.import_file(DATA / "monitor_wide_periods.csv")
    assert rep.layout == "wide-periods"
    assert (rep.n_rows, rep.n_empty_cells) == (5, 1)
    assert sorted(store.observations(indicator_id="hh_savings")["period"].unique()) == [
        "2566Q3", "2566Q4",
    ]  # fmt: skip


def test_import_table_from_dataframe(store: MonitoringStore):
    df = pd.DataFrame({"รหัสตำบล": ["320101"], "ตัวชี้วัด": ["debt"], "ไตรมาส": ["Q3 FY2566"],
                       "ค่า": [45000]})  # fmt: skip
    rep = store.import_table(df, name="จากตาราง")
    assert rep.n_added == 1
    assert store.import_table(df, name="จากตาราง").status == "already imported"


EXPECTED_REASONS = {
    2: "'32010' is not a 6-digit DOPA code",
    3: "999999 is not in the official gazetteer",
    4: "104701 was abolished",
    5: "320106 is not an operation area",
    6: "unknown indicator 'no_such_kpi'",
    7: "could be quarter 1 of FY2566 or month 1",
    8: "is a month, not a fiscal quarter",
    9: "outside the programme (fiscal years 2566–2567)",
    10: "ends before the area joined the programme (start_date 2023-01-01)",
    11: "value 'ห้าพัน' is not a number",
    12: "above the maximum 100 of indicator plan_share",
    13: "below the minimum 0 of indicator debt",
    14: "value is empty",
    15: "appear in rows 15, 16",
    16: "appear in rows 15, 16",
    17: "value '1,2' is not a number",
}


def test_every_validation_rule_rejects_the_whole_file_with_reasons(store: MonitoringStore):
    store.import_file(DATA / "monitor_q1_long.csv")
    before = n_obs(store.path)
    with pytest.raises(ImportRejectedError) as info:
        store.import_file(DATA / "monitor_bad.csv")
    report = info.value.report
    assert isinstance(report, ImportReport) and not report.ok
    rej = report.rejected
    # every row of the file is reported, none dropped silently
    assert sorted(rej["row"].unique()) == sorted(EXPECTED_REASONS)
    for row, reason in EXPECTED_REASONS.items():
        reasons = " | ".join(rej.loc[rej["row"] == row, "reason"])
        assert reason in reasons, (row, reasons)
    assert "Fix these rows" in str(info.value)
    assert n_obs(store.path) == before  # nothing stored, not even the good rows
    # the same file can be imported once fixed: it was not recorded as imported
    assert store.imports()["file_name"].tolist() == ["monitor_q1_long.csv"]


def test_rejected_file_can_return_the_report(store: MonitoringStore, tmp_path: Path):
    rep = store.import_file(DATA / "monitor_bad.csv", on_error="report")
    assert rep.status == "rejected"
    assert "nothing was stored" in repr(rep)
    out = rep.to_csv(tmp_path / "rejected.csv")
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert "ห้าพัน" in set(back["value"])
    assert "<table" in rep._repr_html_()


def test_import_needs_areas_and_fiscal_years(tmp_path: Path):
    s = open_store(tmp_path / "empty.sqlite")
    s.set_indicators(DATA / "monitor_indicators.csv")
    rep = s.import_file(DATA / "monitor_q1_long.csv", on_error="report")
    reasons = " ".join(rep.rejected["reason"])
    assert "no operation areas yet" in reasons
    assert "fiscal years are not set" in reasons
    s.close()


def test_unreadable_layouts_are_refused(store: MonitoringStore, tmp_path: Path):
    p = tmp_path / "odd.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="cannot tell the layout"):
        store.import_file(p)
    p.write_text("tambon_code,period\n320101,Q1 FY2566\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="no data columns"):
        store.import_file(p)
    p.write_text("tambon_code,indicator_id,Q1 FY2566,misc\n320101,debt,1,2\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"cannot read \['misc'\] as periods"):
        store.import_file(p)
    p2 = tmp_path / "x.json"
    p2.write_text("{}", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"expected a .csv"):
        store.import_file(p2)
    with pytest.raises(FileNotFoundError, match="no file"):
        store.import_file(tmp_path / "missing.csv")


# ------------------------------------------------------------------------ idempotency, revisions


def test_importing_the_same_file_twice_adds_nothing(store: MonitoringStore):
    first = store.import_file(DATA / "monitor_q1_long.csv")
    counts = n_obs(store.path)
    again = store.import_file(DATA / "monitor_q1_long.csv")
    assert first.status == "imported" and again.status == "already imported"
    assert n_obs(store.path) == counts


def test_same_rows_in_another_file_are_unchanged_not_new_revisions(
    store: MonitoringStore, tmp_path: Path
):
    store.import_file(DATA / "monitor_q1_long.csv")
    copy = tmp_path / "สำเนา.csv"
    copy.write_bytes((DATA / "monitor_q1_long.csv").read_bytes() + b"\n")  # other bytes, same rows
    rep = store.import_file(copy)
    assert (rep.status, rep.n_added, rep.n_revised, rep.n_unchanged) == ("imported", 0, 0, 10)
    assert n_obs(store.path)[0] == 10


def test_a_correction_is_a_new_revision_and_history_stays(store: MonitoringStore):
    store.import_file(DATA / "monitor_q1_long.csv")
    rep = store.import_file(DATA / "monitor_q1_correction.csv")
    assert (rep.n_added, rep.n_revised, rep.n_unchanged) == (0, 1, 1)
    hist = store.history("320102", "hh_savings", "ไตรมาส 1/2566")
    assert hist["revision"].tolist() == [1, 2]
    assert hist["value"].tolist() == [4.0, 9.0]
    assert hist["note"].iloc[-1] == "แก้ไขตามรายงานฉบับสมบูรณ์"
    latest = store.observations(tambon_code="320102", indicator_id="hh_savings")
    assert latest["value"].tolist() == [9.0]
    st = store.status("Q1 FY2566").to_frame().set_index(["tambon_code", "indicator_id"])
    assert st.loc[("320102", "hh_savings"), "value"] == 9.0
    assert st.loc[("320102", "hh_savings"), "revision"] == 2
    assert len(store.observations(latest=False)) == 11


def test_observations_are_append_only_in_the_file_itself(loaded: MonitoringStore):
    con = sqlite3.connect(loaded.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE observations SET value = 0")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM observations")
    con.close()


# ---------------------------------------------------------------------------- status


def test_classify_edge_cases():
    ratio, status = classify(
        [5, 0, 3, 0, np.nan, 4, 10, 12, 6],
        [0, 0, 0, 0, 10, np.nan, 10, 10, 10],
        direction=["higher", "higher", "lower", "lower", "higher", "higher", "lower", "lower",
                   "higher"],
    )  # fmt: skip
    assert status.tolist() == [
        "on track",   # zero target, higher is better: any value meets it
        "on track",   # zero target met by zero
        "off track",  # zero target, lower is better, positive value
        "on track",   # zero target, lower is better, zero value
        "no data",    # missing value is no data, never failure
        "no target",  # missing target
        "on track",   # lower is better: 10 vs 10
        "at risk",    # lower is better: 10/12 = 0.83
        "off track",  # 0.6 < 0.7
    ]  # fmt: skip
    assert math.isinf(ratio[0]) and ratio[2] == 0 and math.isnan(ratio[4])
    assert ratio[7] == pytest.approx(10 / 12)


def test_thresholds_are_inclusive_and_settable():
    assert classify([9, 7], [10, 10])[1].tolist() == ["on track", "at risk"]
    assert classify([9], [10], on_track=0.95, at_risk=0.9)[1].tolist() == ["at risk"]


def test_status_colours_are_distinct_and_no_data_is_not_failure():
    colours = [v["colour"] for v in STATUSES.values()]
    assert len(set(colours)) == len(colours)
    assert STATUSES["no data"]["colour"] != STATUSES["off track"]["colour"]
    assert all(v["th"] for v in STATUSES.values())


def test_status_of_a_quarter(loaded: MonitoringStore):
    st = loaded.status("ไตรมาส 2/2566")
    assert isinstance(st, StatusTable)
    f = st.to_frame().set_index(["tambon_code", "indicator_id"])
    assert len(f) == 7 * 3  # every area x indicator, reported or not
    # sum indicator: year-to-date vs pro-rata target (Q2 -> half the annual target)
    r = f.loc[("320101", "hh_savings")]
    assert (r["value"], r["ytd"], r["target"], r["expected"]) == (30, 55, 80, 40)  # own target
    assert r["status"] == "on track" and r["ratio"] == pytest.approx(55 / 40)
    r = f.loc[("320102", "hh_savings")]
    assert (r["ytd"], r["expected"], r["status"]) == (10, 20, "off track")
    r = f.loc[("320103", "hh_savings")]
    assert (r["ytd"], r["status"]) == (20, "on track")
    # 500101 joined in Q2: YTD has a gap in Q1, noted
    r = f.loc[("500101", "hh_savings")]
    assert (r["ytd"], r["missing_quarters"], r["status"]) == (8, "Q1", "off track")
    # lower is better (mean): 47,000 <= 50,000 on track; 64,000 -> 0.78 at risk
    assert f.loc[("320101", "debt"), "status"] == "on track"
    assert f.loc[("320102", "debt"), "status"] == "at risk"
    # no report in Q2 -> no data, with the grey colour and Thai text
    r = f.loc[("320104", "hh_savings")]
    assert (r["status"], r["status_th"], r["colour"]) == (
        "no data", "ไม่มีข้อมูล", STATUSES["no data"]["colour"],
    )  # fmt: skip
    assert "no data" in repr(st) and "Q2 FY2566" in repr(st)
    summary = st.summary().set_index("indicator_id")
    assert summary.loc["hh_savings"].sum() == 7
    assert list(summary.columns) == list(STATUSES)


def test_status_trend(loaded: MonitoringStore):
    f = loaded.status("Q2 FY2566").to_frame().set_index(["tambon_code", "indicator_id"])
    assert f.loc[("320101", "hh_savings"), "trend"] == "improving"  # 25 -> 30
    assert f.loc[("320102", "debt"), "trend"] == "stable"  # 65,000 -> 64,000 (-1.5 %)
    assert f.loc[("320101", "debt"), "trend"] == "stable"
    assert f.loc[("900101", "hh_savings"), "trend"] == "worsening"  # 12 -> 2
    assert f.loc[("500101", "hh_savings"), "trend"] == ""  # one value: no trend
    loaded.import_table(pd.DataFrame({"tambon_code": ["320103"], "indicator_id": ["debt"],
                                      "period": ["Q2 FY2566"], "value": ["40000"]}))  # fmt: skip
    f = loaded.status("Q2 FY2566").to_frame().set_index(["tambon_code", "indicator_id"])
    assert f.loc[("320103", "debt"), "trend"] == "improving"  # lower is better, 59,000 -> 40,000
    # a series with no value this quarter shows no trend beside its "no data"
    q3 = loaded.status("Q3 FY2566").to_frame().set_index(["tambon_code", "indicator_id"])
    assert q3.loc[("320101", "hh_savings"), "status"] == "no data"
    assert q3.loc[("320101", "hh_savings"), "trend"] == ""


def test_status_with_missing_target_and_zero_target(loaded: MonitoringStore):
    loaded.set_indicators([{"indicator_id": "complaints", "name_th": "เรื่องร้องเรียน",
                            "aggregation": "sum", "direction": "lower"}])  # fmt: skip
    loaded.set_targets([{"indicator_id": "complaints", "fiscal_year": 2566, "target": 0}])
    loaded.import_table(pd.DataFrame({
        "tambon_code": ["320101", "320102", "320103"], "indicator_id": "complaints",
        "period": "Q1 FY2566", "value": ["0", "2", "0"]}))  # fmt: skip
    loaded.set_targets([{"indicator_id": "debt", "fiscal_year": 2567, "target": 1}])
    f = loaded.status("Q1 FY2566").to_frame().set_index(["tambon_code", "indicator_id"])
    assert f.loc[("320101", "complaints"), "status"] == "on track"
    assert f.loc[("320102", "complaints"), "status"] == "off track"
    assert f.loc[("320104", "complaints"), "status"] == "no data"
    # plan_share has a target only in 2566; in 2567 it has none
    loaded.import_table(pd.DataFrame({"tambon_code": ["320101"], "indicator_id": ["plan_share"],
                                      "period": ["Q1 FY2567"], "value": ["90"]}))  # fmt: skip
    g = loaded.status("Q1 FY2567").to_frame().set_index(["tambon_code", "indicator_id"])
    assert g.loc[("320101", "plan_share"), "status"] == "no target"
    assert g.loc[("320101", "plan_share"), "value"] == 90


def test_status_refuses_non_quarters_and_unknown_indicators(loaded: MonitoringStore):
    with pytest.raises(ValidationError, match="not a fiscal quarter"):
        loaded.status("FY2566")
    with pytest.raises(ValidationError, match=r"unknown indicator\(s\) \['nope'\]"):
        loaded.status("Q1 FY2566", indicators=["nope"])


# ---------------------------------------------------------------------------- roll-ups


def test_rollup_arithmetic_by_changwat(loaded: MonitoringStore):
    r = loaded.rollup("Q2 FY2566", level="changwat")
    assert isinstance(r, Rollup)
    f = r.to_frame().set_index(["group", "indicator_id"])
    surin = f.loc[("32", "hh_savings")]
    assert surin["label"] == "สุรินทร์"
    assert (surin["n_areas"], surin["n_reporting"]) == (5, 3)  # 320104, 320105 silent
    assert surin["value"] == 30 + 6 + 10  # sum rule
    assert surin["target"] == 80 + 40 + 40  # over the reporting areas
    assert surin["expected"] == (80 + 40 + 40) / 2
    assert surin["actual"] == 55 + 10 + 20  # year to date
    assert surin["completeness"] == pytest.approx(3 / 5)
    debt = f.loc[("32", "debt")]
    assert debt["value"] == pytest.approx((47000 + 64000) / 2)  # mean rule
    assert debt["n_reporting"] == 2
    share = f.loc[("32", "plan_share")]
    assert share["value"] == 60 and share["n_reporting"] == 1 and not share["weighted"]
    songkhla = f.loc[("90", "debt")]
    assert (songkhla["n_reporting"], songkhla["status"]) == (0, "no data")
    assert math.isnan(songkhla["value"])


def test_rollup_share_weighted_by_denominator(store: MonitoringStore):
    store.import_table(pd.DataFrame({
        "tambon_code": ["320101", "320102", "320103"], "indicator_id": "plan_share",
        "period": "Q1 FY2566", "value": ["50", "100", "80"],
        "denominator": ["10", "30", "10"]}))  # fmt: skip
    f = store.rollup("Q1 FY2566", level="amphoe").to_frame().set_index(["group", "indicator_id"])
    r = f.loc[("3201", "plan_share")]
    assert r["weighted"]
    assert r["value"] == pytest.approx((50 * 10 + 100 * 30 + 80 * 10) / 50)  # 86, not 76.7
    assert r["status"] == "on track"


def test_rollup_by_region_programme_and_all(loaded: MonitoringStore):
    st = loaded.status("Q2 FY2566")
    reg = loaded.rollup("Q2 FY2566", level="region", status=st).to_frame()
    assert set(reg["group"]) == {"ภาคตะวันออกเฉียงเหนือ", "ภาคเหนือ", "ภาคใต้"}
    assert set(reg["label"]) == {"Northeast", "North", "South"}
    prog = loaded.rollup("Q2 FY2566", level="programme", status=st).to_frame()
    hh = prog[prog["indicator_id"] == "hh_savings"].set_index("group")
    assert hh.loc["รุ่นที่ 1", "n_areas"] == 5 and hh.loc["รุ่นที่ 2", "n_areas"] == 2
    assert hh.loc["รุ่นที่ 2", "value"] == 8 + 2
    everything = loaded.rollup("Q2 FY2566", level="all", status=st).to_frame()
    assert everything.set_index("indicator_id").loc["hh_savings", "value"] == 30 + 6 + 10 + 8 + 2
    # the sum over provinces equals the programme total
    ch = loaded.rollup("Q2 FY2566", level="changwat", status=st).to_frame()
    assert ch.loc[ch["indicator_id"] == "hh_savings", "value"].sum() == 56
    assert ch.groupby("indicator_id")["n_areas"].sum().eq(7).all()
    with pytest.raises(ValidationError, match="level='tambon'"):
        loaded.rollup("Q2 FY2566", level="tambon")
    with pytest.raises(ValidationError, match="not Q1 FY2566"):
        loaded.rollup("Q1 FY2566", status=st)


def test_completeness(loaded: MonitoringStore):
    c = loaded.completeness(2566).set_index(["indicator_id", "period"])
    assert c.loc[("hh_savings", "2566Q1"), "n_reporting"] == 5
    assert c.loc[("hh_savings", "2566Q2"), "n_reporting"] == 5
    assert c.loc[("hh_savings", "2566Q3"), "n_reporting"] == 0
    assert c.loc[("debt", "2566Q2"), "completeness"] == pytest.approx(3 / 7)


# ---------------------------------------------------------------------------- processes

_CHILD = r"""
import logging, sys, time
from pathlib import Path
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
from tambon_gis import settings
settings.progress = False
from tambon_gis.monitoring import open_store
store = open_store(sys.argv[1])
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.01)
rep = store.import_file(sys.argv[2])
print(repr(rep), flush=True)
store.close()
"""


def _big_files(tmp_path: Path, codes: list[str], n_ind: int, tag: str, value: float) -> Path:
    quarters = [f"Q{q} FY2566" for q in (1, 2, 3, 4)]
    grid = pd.MultiIndex.from_product(
        [codes, [f"k{i}" for i in range(n_ind)], quarters],
        names=["tambon_code", "indicator_id", "period"],
    ).to_frame(index=False)
    grid["value"] = value
    grid["note"] = f"จาก {tag}"
    path = tmp_path / f"{tag}.csv"
    grid.to_csv(path, index=False)
    return path


def _program(path: Path, codes: list[str], n_ind: int) -> None:
    s = open_store(path, fiscal_years=2566)
    s.set_areas(codes)
    s.set_indicators([{"indicator_id": f"k{i}", "name_th": f"ตัวชี้วัด {i}", "aggregation": "sum"}
                      for i in range(n_ind)])  # fmt: skip
    s.close()


@pytest.mark.slow
def test_concurrent_writers_in_separate_processes_lose_nothing(tmp_path: Path):
    codes = gazetteer.tambons().query("changwat_code == '32'")["tambon_code"].tolist()
    store_path = tmp_path / "shared.sqlite"
    _program(store_path, codes, 10)
    # A and B write the same keys (one of them becomes revision 2); C writes other keys
    a = _big_files(tmp_path, codes, 5, "A", 1.0)
    b = _big_files(tmp_path, codes, 5, "B", 2.0)
    c_grid = pd.read_csv(a, dtype=str)
    c_grid["indicator_id"] = c_grid["indicator_id"].map(lambda k: f"k{int(k[1:]) + 5}")
    c_grid["value"] = "3"
    c = tmp_path / "C.csv"
    c_grid.to_csv(c, index=False)
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    procs = [
        subprocess.Popen([PY, "-c", _CHILD, str(store_path), str(f), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for f in (a, b, c)
    ]  # fmt: skip
    time.sleep(1.0)
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]  # also closes the pipes
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "imported" in out
    n = len(codes) * 5 * 4
    with open_store(store_path, create=False) as s:
        hist = s.observations(latest=False)
        assert len(hist) == 3 * n  # every row of every file is there
        assert len(s.imports()) == 3
        ab = hist[hist["indicator_id"].isin([f"k{i}" for i in range(5)])]
        revs = ab.groupby(["tambon_code", "indicator_id", "period"])["revision"].agg(sorted)
        assert revs.map(lambda r: list(r) == [1, 2]).all()  # no lost update, no duplicate revision
        latest = s.observations()
        assert len(latest) == 2 * n
        last_writer = ab.sort_values("obs_id").iloc[-1]["note"]  # the one that committed second
        top = latest[latest["indicator_id"].isin([f"k{i}" for i in range(5)])]
        assert top["note"].eq(last_writer).all()
        assert set(latest.loc[~latest.index.isin(top.index), "value"]) == {3.0}
    con = sqlite3.connect(store_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


@pytest.mark.slow
def test_a_process_killed_mid_import_leaves_the_store_as_it_was(tmp_path: Path):
    codes = gazetteer.tambons()["tambon_code"].tolist()[:2000]
    store_path = tmp_path / "killed.sqlite"
    _program(store_path, codes, 20)
    with open_store(store_path) as s:
        s.import_table(pd.DataFrame({"tambon_code": codes[:3], "indicator_id": "k0",
                                     "period": "Q1 FY2566", "value": ["1", "2", "3"]}))  # fmt: skip
    before = n_obs(store_path)
    big = _big_files(tmp_path, codes, 20, "big", 5.0)  # 160,000 observations
    go = tmp_path / "go"
    go.touch()
    proc = subprocess.Popen([PY, "-c", _CHILD, str(store_path), str(big), str(go)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 240
    assert proc.stderr is not None
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "transaction open" in line or not line:
            break
    assert "transaction open" in seen, seen
    time.sleep(0.3)  # let it write part of the rows
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)  # reap it and close its pipes
    assert proc.returncode == -signal.SIGKILL
    assert n_obs(store_path) == before  # nothing of the killed import is visible
    con = sqlite3.connect(store_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with open_store(store_path, create=False) as s:  # and the file imports cleanly afterwards
        assert s.import_file(big).n_added == 160_000 - 3
        assert s.import_file(big).status == "already imported"


# ---------------------------------------------------------------------------- maps and report


@pytest.mark.realdata
def test_status_map_with_popups_of_every_indicator(loaded: MonitoringStore, tambons):
    from tambon_gis.monitoring import maps as mm

    m = mm.status_map(loaded, "Q2 FY2566", "hh_savings", gdf=tambons)
    page = m.get_root().render()
    assert "ครัวเรือนที่มีเงินออมเพิ่มขึ้น — ไตรมาส 2/2566" in page
    for status in STATUSES.values():  # legend with text and colour for every status
        assert status["th"] in page and status["colour"].lower() in page.lower()
    popups = mm.popup_tables(loaded.status("Q2 FY2566"))
    p = popups["320101"]
    assert "หนี้สินเฉลี่ยต่อครัวเรือน" in p and "สัดส่วนหมู่บ้านที่มีแผนชุมชน" in p
    assert "47,000" in p and 'title="expected"' in p  # value and the bullet bar's tick
    value_map = mm.status_map(loaded, "Q2 FY2566", "debt", kind="value", gdf=tambons, lang="en")
    assert "Average household debt (บาท)" in value_map.get_root().render()
    with pytest.raises(ValidationError, match="kind='colour'"):
        mm.status_map(loaded, "Q2 FY2566", "debt", kind="colour", gdf=tambons)
    with pytest.raises(ValidationError, match="unknown indicator 'nope'"):
        mm.status_map(loaded, "Q2 FY2566", "nope", gdf=tambons)


@pytest.mark.realdata
def test_the_map_methods_of_the_store_warn_and_name_the_function(
    loaded: MonitoringStore, tambons, monkeypatch: pytest.MonkeyPatch
):
    import tambon_gis.monitoring as monitoring
    from tambon_gis.monitoring import maps as mm

    # the package re-exports the functions; the old methods are thin, deprecated wrappers
    assert monitoring.status_map is mm.status_map
    assert monitoring.timeslider_map is mm.timeslider_map
    assert monitoring.quarter_panels is mm.quarter_panels
    calls: list[tuple[str, tuple, dict]] = []
    for name in ("status_map", "timeslider_map", "quarter_panels"):
        monkeypatch.setattr(
            mm, name, lambda *a, _name=name, **kw: calls.append((_name, a, kw)) or _name
        )
    with pytest.warns(FutureWarning, match=r"store\.map\(\.\.\.\) is deprecated.*status_map"):
        assert loaded.map("Q2 FY2566", "hh_savings", gdf=tambons, lang="en") == "status_map"
    with pytest.warns(FutureWarning, match=r"store\.timeslider.*timeslider_map\(store"):
        assert loaded.timeslider("debt", 2566, kind="value") == "timeslider_map"
    with pytest.warns(FutureWarning, match=r"store\.quarter_panels.*quarter_panels\(store"):
        assert loaded.quarter_panels("debt", 2566, lang="th") == "quarter_panels"
    assert calls == [
        ("status_map", (loaded, "Q2 FY2566", "hh_savings"), {"gdf": tambons, "lang": "en"}),
        ("timeslider_map", (loaded, "debt", 2566), {"kind": "value"}),
        ("quarter_panels", (loaded, "debt", 2566), {"lang": "th"}),
    ]
    with pytest.warns(FutureWarning) as record:  # the warning points at the caller's line
        loaded.map("Q2 FY2566", "hh_savings")
    assert record[0].filename == __file__


def test_the_map_functions_take_their_options_by_keyword_only(loaded: MonitoringStore):
    import inspect

    from tambon_gis.monitoring import maps as mm

    for fn, positional in ((mm.status_map, 3), (mm.timeslider_map, 3), (mm.quarter_panels, 3)):
        params = list(inspect.signature(fn).parameters.values())
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[:positional])
        assert all(p.kind is p.KEYWORD_ONLY for p in params[positional:])
        assert all(p.annotation != "Any" for p in params[positional:])
    with pytest.raises(TypeError):
        mm.status_map(loaded, "Q2 FY2566", "hh_savings", "value")  # type: ignore[misc]


def test_bullet_bar_scales_to_target():
    from tambon_gis.monitoring.maps import bullet_bar

    bar = bullet_bar(50, 40, 80, "#0072B2", width=120)
    assert "width:50px" in bar  # 50 of a 120-unit track to 150 % of target
    assert "left:40px" in bar  # expected 40
    assert "left:80px" in bar  # target 80
    assert bullet_bar(float("nan"), 1, 1, "#000") == ""
    assert bullet_bar(1, 0, 0, "#000") == ""  # zero target: no bar, the status says it


@pytest.mark.realdata
def test_monitoring_maps_take_map_options(loaded: MonitoringStore, tambons):
    import json
    import re

    from tambon_gis.maps import MapOptions
    from tambon_gis.monitoring import maps as mm

    opts = MapOptions(lang="en", title="Savings", search=False, credit=None)
    for m in (mm.status_map(loaded, "Q2 FY2566", "hh_savings", gdf=tambons, options=opts),
              mm.timeslider_map(loaded, "hh_savings", 2566, gdf=tambons, options=opts)):
        spec = json.loads(re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);",
                                     m.get_root().render())[-1])
        assert spec["title"] == "Savings" and spec["search"] == [] and spec["credit"] == ""
        assert "Status" in spec["legend"]  # the map's own choice where the options say nothing
    # an explicit keyword beats the options
    m = mm.status_map(loaded, "Q2 FY2566", "hh_savings", gdf=tambons, options=opts, lang="th")
    assert "สถานะ" in m.get_root().render()
    fig = mm.quarter_panels(loaded, "hh_savings", 2566, gdf=tambons, options=opts)
    assert fig._suptitle.get_text() == "Savings"
    assert "Q1" in " ".join(a.get_title() for a in fig.axes)


@pytest.mark.realdata
def test_timeslider_and_quarter_panels(loaded: MonitoringStore, tambons, tmp_path: Path):
    from tambon_gis.monitoring import maps as mm

    m = mm.timeslider_map(loaded, "hh_savings", 2566, gdf=tambons)
    page = m.get_root().render()
    for label in ("ไตรมาส 1/2566", "ไตรมาส 2/2566", "ไตรมาส 3/2566", "ไตรมาส 4/2566"):
        assert label in page
    fig = mm.quarter_panels(loaded, "hh_savings", 2566, gdf=tambons, path=tmp_path / "q.png")
    titles = [a.get_title() for a in fig.axes if a.get_title()]
    assert titles == ["ไตรมาส 1/2566", "ไตรมาส 2/2566", "ไตรมาส 3/2566", "ไตรมาส 4/2566"]
    assert (tmp_path / "q.png").stat().st_size > 10_000
    areas, cols, _ = mm.quarter_columns(
        loaded, "hh_savings", 2566, tambons, kind="value", lang="th"
    )
    assert areas.set_index("tambon_code").loc["320101", cols].tolist()[:2] == [25.0, 30.0]


@pytest.mark.realdata
def test_areas_missing_from_the_layer_are_named_not_dropped(
    loaded: MonitoringStore, tambons, caplog
):
    from tambon_gis.monitoring import maps as mm

    layer = tambons[tambons["tambon_code"] != "900101"]
    with caplog.at_level("WARNING"):
        areas = mm.programme_areas(loaded, layer)
    assert len(areas) == 6 and mm.missing_areas(loaded, layer) == ["900101"]
    assert mm.missing_areas(loaded, tambons) == []
    assert areas.attrs["missing_areas"] == ["900101"]  # deprecated, kept one release
    assert "900101" in caplog.text


@pytest.mark.realdata
def test_monitoring_report_is_one_self_contained_file(
    loaded: MonitoringStore, tambons, tmp_path: Path
):
    import re

    import tambon_gis

    out = tambon_gis.monitoring_report(
        loaded, fiscal_year=2566, path=tmp_path / "r.html", gdf=tambons
    )
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "รายงานติดตามตัวชี้วัดร่วม โครงการนำร่อง ปีงบประมาณ 2566" in page
    for heading in ("สรุปสถานะ ไตรมาส 2/2566", "แผนที่สถานะ", "สรุปรายจังหวัด", "สรุปรายภาค",
                    "ความครบถ้วนของข้อมูล", "ไฟล์ที่นำเข้า"):  # fmt: skip
        assert heading in page
    assert page.count("<iframe") == 3
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "5/7 (71%)" in page  # hh_savings reported by 5 of 7 areas in Q1
    assert "ภาคตะวันออกเฉียงเหนือ" in page and "สุรินทร์" in page
    with pytest.raises(ValidationError, match="not in FY2567"):
        tambon_gis.monitoring_report(loaded, fiscal_year=2567, path=tmp_path / "x.html",
                                     period="Q1 FY2566", maps=False)  # fmt: skip
    # a path works too, and the report can leave the maps out
    out2 = tambon_gis.monitoring_report(loaded.path, fiscal_year=2566, path=tmp_path / "t.html",
                                        maps=False)  # fmt: skip
    assert "<iframe" not in out2.read_text(encoding="utf-8")


@pytest.mark.realdata
def test_monitoring_report_in_english_has_no_thai_chrome(
    loaded: MonitoringStore, tambons, tmp_path: Path
):
    """lang="en": headings, table headings, legend, notes, credit, status words and the place
    and indicator names are English; only the programme's own name (data) may stay Thai."""
    import html as html_lib
    import re

    from tambon_gis.monitoring import monitoring_report

    out = monitoring_report(loaded, fiscal_year=2566, path=tmp_path / "en.html", gdf=tambons,
                            lang="en")  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    outside_maps = re.sub(r'srcdoc="[^"]*"', "", page)
    thai = re.compile("[\u0e00-\u0e7f]")
    name = loaded.meta["name"]
    for tag in ("h1", "h2", "h3", "th", "p"):  # the chrome: no Thai at all
        for text in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", outside_maps, flags=re.S):
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", text)).replace(name, "")
            assert not thai.search(text), (tag, text)
    # in the cells: English place names and status words (programme names and units are the
    # user's own words and stay as given)
    for word in ("สุรินทร์", "ภาคตะวันออกเฉียงเหนือ", "เป็นไปตามเป้าหมาย", "ไม่มีข้อมูล"):
        assert word not in outside_maps, word
    for heading in ("Status summary, Q2 FY2566", "By province, Q2 FY2566", "By region,",
                    "Completeness (areas reporting)", "Files imported"):  # fmt: skip
        assert heading in page
    assert "Surin" in page and "Northeast" in page and "on track" in page
    # the maps inside are English too
    maps_text = html_lib.unescape(" ".join(re.findall(r'srcdoc="([^"]*)"', page)))
    assert "Boundaries:" in maps_text and "ขอบเขตการปกครอง" not in maps_text


@pytest.mark.realdata
@pytest.mark.browser
def test_report_opens_offline_in_chromium_with_maps_drawn(loaded: MonitoringStore, tambons,
                                                          tmp_path: Path):  # fmt: skip
    from playwright.sync_api import sync_playwright

    from tambon_gis.monitoring import monitoring_report

    out = monitoring_report(loaded, fiscal_year=2566, path=tmp_path / "r.html", gdf=tambons,
                            indicators=["hh_savings", "debt"])  # fmt: skip
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        for frame_el in page.locator("iframe").all():
            frame_el.scroll_into_view_if_needed()
        page.wait_for_function(  # both map frames drawn: a condition, not a time
            """() => [...document.querySelectorAll('iframe')].length === 2 &&
                [...document.querySelectorAll('iframe')].every((f) => f.contentDocument &&
                f.contentDocument.querySelectorAll('path.leaflet-interactive').length >= 7)""",
            timeout=60_000,
        )
        frames = [f for f in page.frames if f != page.main_frame]
        drawn = [f.locator("path.leaflet-interactive").count() for f in frames]
        browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    assert len(frames) == 2 and all(n >= 7 for n in drawn), drawn


def test_excel_cells_are_read_as_text_dates_and_codes(store: MonitoringStore, tmp_path: Path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["tambon_code", "indicator_id", "period", "value"])
    ws.append([320101, "debt", "Q1 FY2566", 45000.0])  # a code typed as a number
    ws.append([320102, "debt", dt.datetime(2022, 11, 15), 1])  # a date cell in the period column
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    rep = store.import_file(path, on_error="report")
    assert rep.status == "rejected"
    reasons = rep.rejected.set_index("row")["reason"]
    assert list(reasons.index) == [3]  # row 2 is fine: 320101 read back as a 6-digit code
    assert "'2022-11-15' is a day, not a fiscal quarter" in reasons.loc[3]
    assert "'ไตรมาส 1/2566'" in reasons.loc[3]


@pytest.mark.realdata
def test_export_gpkg_for_qgis(loaded: MonitoringStore, tambons, tmp_path: Path):
    import geopandas as gpd
    import pyogrio

    out = loaded.export_gpkg(tmp_path / "areas.gpkg", "ไตรมาส 2/2566", gdf=tambons)
    layers = [name for name, _ in pyogrio.list_layers(out)]
    assert layers == ["operation_areas", "status_2566Q2"]
    areas = gpd.read_file(out, layer="operation_areas")
    assert len(areas) == 7 and areas.crs.to_epsg() == 4326
    assert set(areas["lead_agency"]) == {"พอช.", "สภาองค์กรชุมชน", "สภาเกษตรกรแห่งชาติ"}
    status = gpd.read_file(out, layer="status_2566Q2").set_index("tambon_code")
    assert status.loc["320101", "hh_savings_value"] == 30
    assert status.loc["320101", "hh_savings_status"] == "on track"
    assert status.loc["320104", "debt_status_th"] == "ไม่มีข้อมูล"
