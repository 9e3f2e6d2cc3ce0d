"""The README's Python example runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no python example"
    return blocks[0]


def test_readme_quick_start_has_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]


@pytest.mark.realdata
@pytest.mark.slow
def test_readme_python_example_runs(tmp_path: Path, tambon_simplified_zip: Path) -> None:
    code = readme_example()
    assert len(code.strip().splitlines()) <= 12
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "out").mkdir()
    env = dict(os.environ, TAMBON_GIS_BOUNDARIES=str(tambon_simplified_zip),
               TAMBON_GIS_CACHE=str(tmp_path / "cache"), TAMBON_GIS_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = tmp_path / "out" / "pilots.html"
    assert page.stat().st_size > 10_000
    assert "23 rows, 23 matched" in proc.stdout  # print(report) shows how every row matched
