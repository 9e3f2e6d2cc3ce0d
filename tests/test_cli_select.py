"""Tests of ``tambon-gis select`` (tambon_gis/cli/_select.py) on real boundaries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tambon_gis.cli import main
from tambon_gis.cli._select import parse_quotas

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ROOT / "tests" / "data" / "select_candidates_isan.csv"  # illustrative, seeded
CRITERIA = ROOT / "examples" / "criteria_joint_plans.yaml"
PILOT = ROOT / "examples" / "pilot_tambons.csv"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def isan_plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The candidates' plans as a council spreadsheet: an adopted agricultural plan where the
    table says แผนเกษตรตำบล = มี, with one item raising its policy issue (the plan facts the
    example criteria read)."""
    table = pd.read_csv(CANDIDATES, dtype=str, encoding="utf-8-sig")
    has = table[table["แผนเกษตรตำบล"] == "มี"]
    sheet = pd.DataFrame({
        "รหัสตำบล": has["tambon_code"], "ประเภทแผน": "แผนพัฒนาเกษตรกรรมระดับตำบล",
        "ปีของแผน": "2566-2570", "สถานะแผน": "ประกาศใช้แล้ว", "ลำดับ": "1",
        "กิจกรรม/โครงการ": "กิจกรรมตามประเด็น", "ประเด็นนโยบาย": has["ประเด็นนโยบาย"],
    })  # fmt: skip
    path = tmp_path_factory.mktemp("plans") / "isan_plans.csv"
    sheet.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_parse_quotas():
    assert parse_quotas(["region:ภาคใต้=2:5", "changwat:*=:2", "amphoe:3201=1:"]) == {
        "region": {"ภาคใต้": (2, 5)},
        "changwat": {"*": (None, 2)},
        "amphoe": {"3201": (1, None)},
    }


@pytest.mark.slow
def test_select_with_criteria_writes_map_and_tables(tmp_path, tambon_simplified_zip, capsys,
                                                    isan_plans):
    out = tmp_path / "ผลลัพธ์"
    code = main([
        "select", str(CANDIDATES), "--criteria", str(CRITERIA), "--plans", str(isan_plans),
        "--n", "12",
        "--quota", "changwat:สุรินทร์=4:", "--quota", "changwat:Si Sa Ket=:5",
        "--max-per-amphoe", "1", "--boundaries", str(tambon_simplified_zip),
        "--sensitivity", "20", "--seed", "3", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    stdout = capsys.readouterr().out
    assert "Selection of 12 tambons from" in stdout and "proven optimal" in stdout
    assert "Sensitivity over 20 weight draws" in stdout
    names = {p.name for p in out.iterdir()}
    assert names == {
        "chosen.csv", "ranked.csv", "left_out.csv", "quotas.csv", "selection.xlsx",
        "selection.html", "sensitivity.csv", "sensitivity.html",
    }  # fmt: skip
    chosen = pd.read_csv(out / "chosen.csv", encoding="utf-8-sig", dtype=str)
    assert len(chosen) == 12
    assert (chosen["จังหวัด (changwat_th)"] == "สุรินทร์").sum() >= 4
    assert (chosen["จังหวัด (changwat_th)"] == "ศรีสะเกษ").sum() <= 5
    assert chosen["รหัสอำเภอ (amphoe_code)"].is_unique
    ranked = pd.read_csv(out / "ranked.csv", encoding="utf-8-sig", dtype=str)
    source = pd.read_csv(CANDIDATES, encoding="utf-8-sig", dtype=str)
    assert len(ranked) == len(source)  # every input row is reported
    page = (out / "selection.html").read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in page and "ไม่ผ่านเกณฑ์" in page and "สุรินทร์" in page
    sheets = pd.read_excel(out / "selection.xlsx", sheet_name=None)
    assert set(sheets) == {"chosen", "ranked", "left_out", "quotas", "summary"}


def test_select_pilot_table_by_score_column(tmp_path, tambon_simplified_zip, capsys):
    code = main([
        "select", str(PILOT), "--score", "ครัวเรือนเกษตรกร", "--n", "6",
        "--quota", "region:ภาคใต้=2:", "--quota", "region:North=:1",
        "--boundaries", str(tambon_simplified_zip), "--no-map", "--out", str(tmp_path),
    ])  # fmt: skip
    assert code == 0
    chosen = pd.read_csv(tmp_path / "chosen.csv", encoding="utf-8-sig", dtype=str)
    assert len(chosen) == 6
    assert (chosen["ภาค (region)"] == "ภาคใต้").sum() >= 2
    assert (chosen["ภาค (region)"] == "ภาคเหนือ").sum() <= 1
    assert not (tmp_path / "selection.html").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quota", "ภาคใต้=2:5"], "--quota 'ภาคใต้=2:5': write LEVEL:NAME=MIN:MAX"),
        (["--quota", "changwat:สุรินทร์=200:"],
         "only 101 eligible tambon(s) in สุรินทร์ but at least 200 required"),
        (["--include", "320101", "--exclude", "320101"],
         "include and exclude both list ['320101']"),
        (["--sensitivity", "5", "--score", "ครัวเรือนเกษตรกร"], "argument --score: not allowed"),
    ],
)  # fmt: skip
def test_select_errors_are_named(tmp_path, tambon_simplified_zip, capsys, extra, message,
                                 isan_plans):
    argv = [
        "select", str(CANDIDATES), "--n", "5", "--boundaries", str(tambon_simplified_zip),
        "--no-map", "--out", str(tmp_path), "--criteria", str(CRITERIA), "--plans",
        str(isan_plans), *extra,
    ]  # fmt: skip
    if "--score" in extra:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    else:
        assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_select_sensitivity_needs_criteria(tmp_path, tambon_simplified_zip, capsys):
    code = main([
        "select", str(CANDIDATES), "--score", "ครัวเรือนเกษตรกร", "--sensitivity", "5",
        "--boundaries", str(tambon_simplified_zip), "--out", str(tmp_path),
    ])  # fmt: skip
    assert code == 1
    assert (
        "--sensitivity perturbs criteria weights: give --criteria FILE" in capsys.readouterr().err
    )


def test_select_from_a_layer_file(tmp_path, tambons, capsys, isan_plans):
    table = pd.read_csv(CANDIDATES, encoding="utf-8-sig", dtype={"tambon_code": str})
    layer = tambons.merge(table.drop(columns=["ตำบล", "อำเภอ", "จังหวัด"]), on="tambon_code")
    layer.attrs = {}
    path = tmp_path / "ผู้สมัคร.gpkg"
    layer.to_file(path, driver="GPKG")
    code = main([
        "select", str(path), "--criteria", str(CRITERIA), "--plans", str(isan_plans),
        "--n", "5",
        "--min-distance-km", "40",
        "--no-map", "--out", str(tmp_path / "out"),
    ])  # fmt: skip
    assert code == 0
    assert "constraints: min_distance_km" in capsys.readouterr().out
    chosen = pd.read_csv(tmp_path / "out" / "chosen.csv", encoding="utf-8-sig", dtype=str)
    assert len(chosen) == 5
    no_code = tmp_path / "no_code.gpkg"
    layer.drop(columns="tambon_code").to_file(no_code, driver="GPKG")
    assert main(["select", str(no_code), "--score", "งบประมาณ", "--out", str(tmp_path)]) == 1
    assert "has no tambon_code column" in capsys.readouterr().err


def test_select_the_pilot_table_with_the_table_criteria_and_no_options(
        tmp_path, tambon_simplified_zip, capsys, caplog, monkeypatch):
    """The README's first try: the shipped pilot table and criteria, no --n, no --out."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAMBON_GIS_BOUNDARIES", str(tambon_simplified_zip))
    table = ROOT / "examples" / "criteria_joint.yaml"
    with caplog.at_level("INFO", logger="tambon_gis.cli._select"):
        code = main(["select", str(PILOT), "--criteria", str(table), "--no-map"])
    assert code == 0
    eligible = pd.read_csv(tmp_path / "out" / "ranked.csv", dtype=str)
    chosen = pd.read_csv(tmp_path / "out" / "chosen.csv", dtype=str)
    assert len(eligible) == 23  # every pilot is ranked, eligible or not
    # fewer than 23 pilots pass both agencies' rules: every eligible one is chosen, and said
    assert 0 < len(chosen) < 23
    assert f"are eligible: choosing all {len(chosen)}" in caplog.text
    assert f"Selection of {len(chosen)} tambons" in capsys.readouterr().out


def test_select_an_explicit_n_beyond_the_eligible_is_an_error_that_says_so(
        tmp_path, tambon_simplified_zip, capsys):
    table = ROOT / "examples" / "criteria_joint.yaml"
    code = main(["select", str(PILOT), "--criteria", str(table), "--n", "23", "--no-map",
                 "--boundaries", str(tambon_simplified_zip), "--out", str(tmp_path)])
    assert code != 0
    assert "but n=23 requested" in capsys.readouterr().err
