"""Logging and progress helpers shared by the modules."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tambon_gis import settings

T = TypeVar("T")

logger = logging.getLogger("tambon_gis")
logger.addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """Return the child logger of ``tambon_gis`` for a module ``name``."""
    return logging.getLogger(name if name.startswith("tambon_gis") else f"tambon_gis.{name}")


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "") -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm progress bar unless ``settings.progress`` is off."""
    if not settings.progress:
        yield from iterable
        return
    from tqdm.auto import tqdm

    # disable=None: no bar when stderr is not a terminal (a log file, a pipe, a test), so
    # captured output stays free of half-drawn bars
    yield from tqdm(iterable, total=total, desc=desc, leave=False, disable=None)
