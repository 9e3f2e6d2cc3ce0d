"""The package type-checks with mypy (issue 9), module by module while the rest is cleaned up.

mypy runs once on the whole package with the ``[tool.mypy]`` settings of pyproject.toml and the
stubs of the ``test`` extra (pandas-stubs, types-shapely, types-PyYAML). Every module must
report no error; ``PENDING`` (empty now) is where a module would wait while it is cleaned up.
``make test`` also runs mypy itself, before the tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Modules (paths under the repository, a folder ending in "/") whose errors are not fixed yet.
PENDING: tuple[str, ...] = ()

_ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+: error: ", re.MULTILINE)


@pytest.mark.slow
def test_mypy_reports_no_error_outside_the_pending_modules(tmp_path: Path) -> None:
    missing = [
        name
        for name in ("mypy", "pandas-stubs", "types-shapely", "types-PyYAML")
        if not _installed(name)
    ]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: pip install -e '.[test]'")
    run = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", "pyproject.toml",
            "--cache-dir", str(tmp_path / "mypy_cache"), "--no-color-output", "tambon_gis",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if run.returncode not in (0, 1):  # 1: errors found, 2: mypy itself failed
        pytest.fail(f"mypy did not run (exit {run.returncode}):\n{run.stdout}{run.stderr}")
    lines = [
        line
        for line in run.stdout.splitlines()
        if (m := _ERROR.match(line)) and not m["path"].replace("\\", "/").startswith(PENDING)
    ]
    assert not lines, f"{len(lines)} mypy error(s) outside PENDING:\n" + "\n".join(lines)


def _installed(distribution: str) -> bool:
    try:
        metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True
