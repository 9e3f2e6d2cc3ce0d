"""Helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run ``fn`` ``repeat`` times; return the shortest wall time and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def data_dir() -> Path:
    """The real boundaries: ``$TAMBON_GIS_TEST_DATA``, else ``../shared/data/boundaries``."""
    return Path(os.environ.get("TAMBON_GIS_TEST_DATA", "../shared/data/boundaries"))
