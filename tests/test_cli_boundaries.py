"""Tests of ``tambon-gis boundaries`` and the CLI frame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from tambon_gis.cli import build_parser, main


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "boundaries" in out and "demo" in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: tambon-gis" in capsys.readouterr().out


@pytest.mark.realdata
def test_boundaries_summary_and_output(surin_zip: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "surin_amphoe.gpkg"
    assert main(["boundaries", str(surin_zip), "--to-level", "amphoe", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "159 tambon areas" in text and "dissolved to 17 amphoe areas" in text
    assert "ภาคตะวันออกเฉียงเหนือ" in text
    assert len(gpd.read_file(out)) == 17


def test_error_is_one_clear_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tambon_gis.cli", "boundaries", str(tmp_path / "none.shp")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1
    assert "tambon-gis boundaries: error: no boundary file at" in proc.stderr
    assert "Traceback" not in proc.stderr
