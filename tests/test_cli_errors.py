"""The CLI as a user sees it (issue 12): quiet, one line per mistake, CLI words, no traceback.

Each case runs ``python -m tambon_gis.cli`` in a subprocess, as a user would, with its own
cache folder and stderr not a terminal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def cli(*args: str, cache: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, TAMBON_GIS_CACHE=str(cache), PYTHONIOENCODING="utf-8")
    env.pop("TAMBON_GIS_BOUNDARIES", None)
    return subprocess.run([sys.executable, "-m", "tambon_gis.cli", *args], capture_output=True,
                          text=True, check=False, env=env, cwd=cwd, timeout=600)  # fmt: skip


def one_error_line(proc: subprocess.CompletedProcess, command: str) -> str:
    """The stderr of a user mistake: exit 1, one error line, no traceback."""
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, proc.stderr
    assert errors[0].startswith(f"tambon-gis {command}: error: ")
    return errors[0]


@pytest.fixture
def surin_shp(surin_zip: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "surin"
    with zipfile.ZipFile(surin_zip) as zf:
        zf.extractall(folder)
    return next(folder.glob("*.shp"))


@pytest.mark.realdata
def test_truncated_shp_one_line_then_allow_partial(surin_shp: Path, tmp_path: Path) -> None:
    data = surin_shp.read_bytes()
    surin_shp.write_bytes(data[: len(data) // 2])
    line = one_error_line(cli("boundaries", str(surin_shp), cache=tmp_path / "c"), "boundaries")
    assert re.search(r"\d+ of its 159 features cannot be read", line)
    assert "--allow-partial" in line and "allow_partial=True" not in line
    ok = cli("boundaries", str(surin_shp), "--allow-partial", cache=tmp_path / "c")
    assert ok.returncode == 0, ok.stderr
    assert "unreadable features left out (damaged file)" in ok.stdout
    assert "Traceback" not in ok.stderr


def test_broken_files_and_stores_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "tambon.gpkg").write_bytes(b"")
    line = one_error_line(cli("boundaries", str(tmp_path / "tambon.gpkg"), cache=tmp_path / "c"),
                          "boundaries")  # fmt: skip
    assert "tambon.gpkg' is empty (0 bytes)" in line
    (tmp_path / "kpi.sqlite").write_bytes(b"not sqlite at all\n" * 100)
    line = one_error_line(
        cli("monitor", "status", str(tmp_path / "kpi.sqlite"), "--period", "Q1 FY2566",
            cache=tmp_path / "c"), "monitor status",
    )  # fmt: skip
    assert f"{tmp_path / 'kpi.sqlite'}' is not a readable monitoring store" in line
    line = one_error_line(cli("map", "--out", str(tmp_path / "m.jpg"), cache=tmp_path / "c"),
                          "map")  # fmt: skip
    for suffix in (".html", ".png", ".pdf", ".svg"):
        assert suffix in line


@pytest.mark.realdata
def test_amphoe_file_suggests_the_level(amphoe_zip: Path, tmp_path: Path) -> None:
    line = one_error_line(cli("boundaries", str(amphoe_zip), cache=tmp_path / "c"), "boundaries")
    assert "--level amphoe" in line and "level='amphoe'" not in line
    ok = cli("boundaries", str(amphoe_zip), "--level", "amphoe", cache=tmp_path / "c")
    assert ok.returncode == 0 and "928 amphoe areas" in ok.stdout


def test_unknown_option_prints_the_subcommand_usage(tmp_path: Path) -> None:
    proc = cli("monitor", "status", "kpi.sqlite", "--period", "Q1 FY2566", "--colour", "red",
               cache=tmp_path / "c")  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: tambon-gis monitor status ")
    assert "tambon-gis monitor status: error: unrecognized arguments: --colour red" in proc.stderr
    proc = cli("boundaries", "--nope", cache=tmp_path / "c")
    assert proc.returncode == 2 and proc.stderr.startswith("usage: tambon-gis boundaries ")


@pytest.mark.realdata
def test_quiet_by_default_and_the_load_warning_once(tambon_simplified_zip: Path,
                                                   tmp_path: Path) -> None:  # fmt: skip
    first = cli("boundaries", str(tambon_simplified_zip), cache=tmp_path / "c")
    assert first.returncode == 0, first.stderr
    assert "7,425 tambon areas" in first.stdout
    lines = first.stderr.splitlines()
    # the 2022 layer differs from the gazetteer: said once, as a warning, nothing at INFO
    assert (
        len(lines) == 1 and lines[0].startswith("tambon-gis: warning: ") and "gazetteer" in lines[0]
    )
    assert "gdf.attrs" not in lines[0] and "\r" not in first.stderr  # no half-drawn bars
    again = cli("boundaries", str(tambon_simplified_zip), cache=tmp_path / "c")
    assert again.returncode == 0 and again.stderr == ""  # the same file: not repeated
    verbose = cli("-v", "boundaries", str(tambon_simplified_zip), cache=tmp_path / "c")
    assert "INFO tambon_gis.boundaries: read " in verbose.stderr
    assert "load_boundaries returned" in verbose.stderr


def test_monitor_import_rejections_once_in_cli_words(tmp_path: Path) -> None:
    store = tmp_path / "kpi.sqlite"
    setup = cli("monitor", "import", str(store), str(DATA / "monitor_areas.csv"), "--what", "areas",
                "--fiscal-years", "2566", "2567", cache=tmp_path / "c")  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    proc = cli("monitor", "import", str(store), str(DATA / "monitor_bad.csv"),
               cache=tmp_path / "c")  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.count("row 2: tambon_code '32010' is not a 6-digit DOPA code") == 1
    assert proc.stderr.count("rejected —") == 1
    assert "store.set_" not in proc.stderr and "store.configure" not in proc.stderr
    assert "--what indicators" in proc.stderr


def test_debug_shows_the_traceback_on_purpose(tmp_path: Path) -> None:
    (tmp_path / "tambon.geojson").write_bytes(b"")
    plain = cli("boundaries", str(tmp_path / "tambon.geojson"), cache=tmp_path / "c")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = cli("--debug", "boundaries", str(tmp_path / "tambon.geojson"), cache=tmp_path / "c")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "CorruptFileError" in debug.stderr


def test_for_cli_rewords_python_calls() -> None:
    from tambon_gis.cli import for_cli

    assert (
        for_cli("widen it with store.configure(fiscal_years=...)")
        == "widen it with --fiscal-years FIRST LAST"
    )
    assert for_cli("pass tambon=COLUMN (and province=, amphoe=) or code=COLUMN") == (
        "pass --tambon COLUMN (and --province, --amphoe) or --code COLUMN"
    )
    assert for_cli("or pass allow_partial=True to load") == "or pass --allow-partial to load"
    assert (
        for_cli("Pass encoding=... ('utf-8' or 'cp874')")
        == "Pass --encoding NAME ('utf-8' or 'cp874')"
    )
    assert for_cli("nothing to change") == "nothing to change"


def test_no_command_is_usage_on_a_clean_exit(tmp_path: Path) -> None:
    proc = cli(cache=tmp_path / "c")
    assert proc.returncode == 2 and "usage: tambon-gis" in proc.stdout


def test_more_mistakes_are_one_line_in_cli_words(tmp_path: Path) -> None:
    line = one_error_line(cli("boundaries", "x.zip", "--out", "x.jpg", cache=tmp_path / "c"),
                          "boundaries")  # fmt: skip
    for suffix in (".gpkg", ".parquet", ".geojson"):
        assert suffix in line
    (tmp_path / "t.xlsx").write_bytes(b"\xff\xfe not a workbook")
    line = one_error_line(cli("match", str(tmp_path / "t.xlsx"), "--out", str(tmp_path / "r.csv"),
                              cache=tmp_path / "c"), "match")  # fmt: skip
    assert "t.xlsx is not an Excel workbook" in line and "save it as" in line
    line = one_error_line(cli("monitor", "status", str(tmp_path / "none.sqlite"), "--period",
                              "Q1 FY2566", cache=tmp_path / "c"), "monitor status")  # fmt: skip
    assert "open_store" not in line and "tambon-gis monitor import STORE FILE" in line


@pytest.mark.parametrize("bug", [KeyError("tambon_code"), IndexError("list index out of range")])
def test_a_key_error_is_a_bug_not_a_user_message(
    bug: Exception, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tambon_gis.cli import _map, main

    def broken(args: object) -> int:
        raise bug

    monkeypatch.setattr(_map, "run", broken)
    assert main(["map", "--out", "x.html"]) == 1
    err = capsys.readouterr().err
    assert f"unexpected error ({type(bug).__name__}:" in err and "This is a bug" in err
    assert "error: tambon_code" not in err  # not unwrapped into a user message


def test_an_unknown_codec_is_a_user_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tambon_gis.cli import _map, main

    def unknown_codec(args: object) -> int:
        return len(b"x".decode("no-such-codec"))  # LookupError: unknown encoding

    monkeypatch.setattr(_map, "run", unknown_codec)
    assert main(["map", "--out", "x.html"]) == 1
    err = capsys.readouterr().err
    assert "error: unknown encoding: no-such-codec" in err and "bug" not in err
