"""Every ``example:`` of a CLI ``--help`` runs, from the repository root, on the examples."""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path

import pytest

from tambon_gis.cli import main

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.realdata, pytest.mark.xdist_group("help_examples")]


def _examples() -> list[str]:
    from tambon_gis import cli

    parser = cli.build_parser()
    found = []

    def walk(p: argparse.ArgumentParser) -> None:
        text = p.epilog or ""
        found.extend(line.split("example:", 1)[1].strip() for line in text.splitlines()
                     if "example:" in line)
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    walk(parser)
    return found


def test_there_are_help_examples() -> None:
    commands = _examples()
    assert any(c.startswith("tambon-gis select") for c in commands)
    assert any(c.startswith("tambon-gis demo") for c in commands)


@pytest.mark.parametrize("command", _examples())
def test_help_example_runs(command: str, tmp_path: Path, tambon_simplified_zip: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAMBON_GIS_BOUNDARIES", str(tambon_simplified_zip))
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)[1:]
    # outputs go to a temporary folder, never into the checkout
    argv = [str(tmp_path / a) if a.startswith("out") else a for a in argv]
    assert main(argv) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written, f"{command} wrote nothing"
    if argv[0] == "demo":
        names = {p.name for p in written}
        assert {"selection.html", "monitoring_report.html", "ranked.csv",
                "pilot_match_report.csv", "pilot_tambons.html"} <= names
        assert (tmp_path / "out" / "monitoring_report.html").stat().st_size <= 10_000_000
        assert os.path.getsize(tmp_path / "out" / "selection.html") <= 3_000_000
