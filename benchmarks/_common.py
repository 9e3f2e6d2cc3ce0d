"""Helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import os
import resource
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


def peak_mb() -> float:
    """Return this process's peak resident memory in MB.

    ``VmHWM`` of ``/proc/self/status`` where there is one: unlike ``ru_maxrss``, which Linux
    keeps across ``execve``, it starts again in each new program, so a child's figure is not
    the high-water mark of the parent that started it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
