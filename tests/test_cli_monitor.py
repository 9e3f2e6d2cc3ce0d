"""Tests of ``tambon-gis monitor import | status | report``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tambon_gis.cli import main
from tambon_gis.monitoring import open_store

DATA = Path(__file__).parent / "data"


def _setup(store: Path) -> None:
    assert main(["monitor", "import", str(store), str(DATA / "monitor_areas.csv"), "--what",
                 "areas", "--fiscal-years", "2566", "2567", "--name", "นำร่อง"]) == 0  # fmt: skip
    assert main(["monitor", "import", str(store), str(DATA / "monitor_indicators.csv"),
                 "--what", "indicators"]) == 0  # fmt: skip
    assert main(["monitor", "import", str(store), str(DATA / "monitor_targets.csv"),
                 "--what", "targets"]) == 0  # fmt: skip


def test_monitor_is_a_registered_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["monitor", "--help"])
    out = capsys.readouterr().out
    assert "import" in out and "status" in out and "report" in out


def test_import_status_and_idempotency(tmp_path: Path, capsys):
    store = tmp_path / "kpi.sqlite"
    _setup(store)
    capsys.readouterr()
    rc = main(["monitor", "import", str(store), str(DATA / "monitor_q1_long.csv"),
               str(DATA / "monitor_q2_wide.xlsx"), str(DATA / "monitor_q1_long.csv")])  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 0
    assert "10 rows: 10 added" in out
    assert "8 empty cell(s)" in out
    assert "already imported — nothing added" in out
    with open_store(store, create=False) as s:
        assert len(s.observations()) == 20
        assert s.meta["name"] == "นำร่อง"

    assert main(["monitor", "status", str(store), "--period", "ไตรมาส 2/2566"]) == 0
    out = capsys.readouterr().out
    assert "StatusTable(Q2 FY2566: 7 areas × 3 indicators" in out
    assert re.search(r"hh_savings\s+2\s+1\s+2\s+0\s+2", out)  # on/at risk/off/no target/no data

    csv = tmp_path / "changwat.csv"
    assert main(["monitor", "status", str(store), "--period", "Q2 FY2566", "--level",
                 "changwat", "--out", str(csv)]) == 0  # fmt: skip
    assert "สุรินทร์" in capsys.readouterr().out
    table = pd.read_csv(csv, encoding="utf-8-sig", dtype={"group": str})
    row = table[(table["group"] == "32") & (table["indicator_id"] == "hh_savings")].iloc[0]
    assert (row["label"], row["n_areas"], row["n_reporting"], row["value"]) == ("สุรินทร์", 5, 3, 46)

    assert main(["monitor", "status", str(store), "--period", "Q2 FY2566", "--level", "tambon",
                 "--indicator", "debt"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "ไม่มีข้อมูล" in out and "hh_savings" not in out.split("\n", 1)[1]


def test_status_figures_are_shown_to_two_decimals(tmp_path: Path, capsys):
    store = tmp_path / "kpi.sqlite"
    _setup(store)
    q3 = tmp_path / "q3.csv"  # a mean of three areas that does not terminate: 50000.333...
    q3.write_text("tambon_code,indicator_id,period,value\n320101,debt,Q3 FY2566,50000\n"
                  "320102,debt,Q3 FY2566,50000\n320103,debt,Q3 FY2566,50001\n", encoding="utf-8")
    assert main(["monitor", "import", str(store), str(q3)]) == 0
    capsys.readouterr()
    assert main(["monitor", "status", str(store), "--period", "Q3 FY2566", "--level",
                 "changwat"]) == 0  # fmt: skip
    shown = capsys.readouterr().out
    assert "50000.33" in shown and not re.search(r"\d\.\d{3,}", shown), shown


def test_rejected_file_exits_1_and_writes_the_reasons(tmp_path: Path, capsys):
    store = tmp_path / "kpi.sqlite"
    _setup(store)
    rejected = tmp_path / "rejected.csv"
    rc = main(["monitor", "import", str(store), str(DATA / "monitor_bad.csv"), "--rejected",
               str(rejected)])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 1
    assert "rejected — 16 problem(s)" in err
    assert "row 11: value 'ห้าพัน' is not a number" in err
    back = pd.read_csv(rejected, encoding="utf-8-sig")
    assert back["row"].nunique() == 16
    with open_store(store, create=False) as s:
        assert s.observations().empty


def test_usage_errors_are_reported_with_the_fix(tmp_path: Path, capsys):
    store = tmp_path / "kpi.sqlite"
    _setup(store)
    assert main(["monitor", "status", str(store), "--period", "1/2566"]) == 1
    assert "write 'ไตรมาส 1/2566'" in capsys.readouterr().err
    assert main(["monitor", "status", str(tmp_path / "none.sqlite"), "--period", "Q1 FY2566"]) == 1
    assert "no monitoring store" in capsys.readouterr().err
    assert main(["monitor", "import", str(store), str(DATA / "monitor_areas.csv"), "--what",
                 "areas", "--fiscal-years", "2566", "2567", "2568"]) == 1  # fmt: skip
    assert "give one year or the first and the last" in capsys.readouterr().err


@pytest.mark.realdata
def test_report_writes_one_self_contained_file(tmp_path: Path, capsys, tambon_simplified_zip):
    store = tmp_path / "kpi.sqlite"
    _setup(store)
    main(["monitor", "import", str(store), str(DATA / "monitor_q1_long.csv"),
          str(DATA / "monitor_q2_wide.xlsx")])  # fmt: skip
    out = tmp_path / "report.html"
    rc = main(["monitor", "report", str(store), "--fiscal-year", "2566", "--out", str(out),
               "--boundaries", str(tambon_simplified_zip)])  # fmt: skip
    assert rc == 0
    page = out.read_text(encoding="utf-8")
    assert "ปีงบประมาณ 2566" in page and "ไตรมาส 2/2566" in page
    assert page.count("<iframe") == 3
    assert len(re.findall(r"<img alt=\"[^\"]*\" src=\"data:image/png;base64,", page)) == 3
    assert not re.search(r"""(src|href)=["']https?://""", page)
    out2 = tmp_path / "tables.html"
    assert main(["monitor", "report", str(store), "--fiscal-year", "2566", "--out", str(out2),
                 "--no-maps", "--period", "Q1 FY2566"]) == 0  # fmt: skip
    page2 = out2.read_text(encoding="utf-8")
    assert "<iframe" not in page2 and "สรุปรายจังหวัด ไตรมาส 1/2566" in page2


def test_the_store_may_be_given_as_store_option(tmp_path: Path, capsys):
    store = tmp_path / "kpi.sqlite"
    assert main(["monitor", "import", str(DATA / "monitor_areas.csv"), "--what", "areas",
                 "--fiscal-years", "2566", "2567", "--store", str(store)]) == 0  # fmt: skip
    assert main(["monitor", "import", f"--store={store}", str(DATA / "monitor_indicators.csv"),
                 "--what", "indicators"]) == 0  # fmt: skip
    assert main(["monitor", "import", "--store", str(store), str(DATA / "monitor_targets.csv"),
                 "--what", "targets"]) == 0  # fmt: skip
    assert main(["monitor", "import", "--store", str(store), str(DATA / "monitor_q1_long.csv"),
                 str(DATA / "monitor_q2_wide.xlsx")]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["monitor", "status", "--store", str(store), "--period", "Q2 FY2566"]) == 0
    by_option = capsys.readouterr().out
    assert main(["monitor", "status", str(store), "--period", "Q2 FY2566"]) == 0
    assert capsys.readouterr().out == by_option
    assert "StatusTable(Q2 FY2566: 7 areas × 3 indicators" in by_option
    assert main(["plans", "status", "--store", str(store)]) == 0
    with pytest.raises(SystemExit) as err:  # no store at all: a usage error naming it
        main(["monitor", "status", "--period", "Q2 FY2566"])
    assert err.value.code == 2 and "store" in capsys.readouterr().err
