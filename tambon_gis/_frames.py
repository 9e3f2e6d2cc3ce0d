"""Small typed helpers over pandas frames, where pandas-stubs types too narrowly for the code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd


def rows(df: pd.DataFrame) -> Iterable[Any]:
    """Return ``df.itertuples(index=False)`` with its fields typed ``Any``.

    pandas-stubs types every field of a row as any scalar (bytes, dates, NA ...); the callers
    read columns whose type they set themselves.
    """
    return df.itertuples(index=False)
