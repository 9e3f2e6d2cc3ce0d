r"""The one rule against spreadsheet formula injection, used by every CSV and Excel writer.

Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+cmd``, ``-1+1``,
``@SUM(1)``, or text starting with a tab or carriage return) is neutralised as the OWASP
CSV-injection guidance says:

- in a CSV file the text is written with a leading ``'`` (``'=HYPERLINK(...)``), which a
  spreadsheet shows as text;
- in an Excel workbook the cell is written as a string cell, never as a formula cell, so the
  text is kept as it is.

Numbers stay numbers: a negative number, or text that is a plain number such as ``"-5"`` or
``"+66"``, is not prefixed. The library's readers (:func:`tambon_gis.tables.read_table`, and
so the KPI import) strip the prefix again with :func:`unguard`, so an export re-imports to the
same values and the same content hashes.

Examples
--------
>>> from tambon_gis._export import guard, unguard
>>> guard('=HYPERLINK("http://x","y")'), guard("-1+1"), guard("-5"), guard(-5), guard("ok")
('\'=HYPERLINK("http://x","y")', "'-1+1", '-5', -5, 'ok')
>>> unguard(guard("@SUM(1)"))
'@SUM(1)'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["guard", "guard_frame", "safe_excel_writer", "unguard", "write_csv"]

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?")


def guard(value: Any) -> Any:
    """Return ``value`` with a ``'`` in front when it is text a spreadsheet would run.

    Parameters
    ----------
    value : object
        A cell; anything but text is returned unchanged.

    Returns
    -------
    object
        The neutralised cell.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def unguard(value: Any) -> Any:
    """Undo :func:`guard`: strip the ``'`` from text that starts with ``'`` and a formula start.

    Examples
    --------
    >>> from tambon_gis._export import unguard
    >>> unguard("'=1+1"), unguard("'quoted"), unguard("'-5")
    ('=1+1', "'quoted", "'-5")
    """
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == "'"
        and value[1:].startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value[1:])
    ):
        return value[1:]
    return value


def guard_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells and column names are neutralised.

    Only text columns are touched (numbers stay numbers); the input is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis._export import guard_frame
    >>> out = guard_frame(pd.DataFrame({"name": ["=1+1", "ok"], "n": [-1, 2]}))
    >>> out["name"].tolist(), out["n"].tolist()
    (["'=1+1", 'ok'], [-1, 2])
    """
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            starts = col.astype("str").str.startswith(FORMULA_STARTS, na=False)
            if starts.to_numpy(dtype=bool).any():
                # pandas-stubs leaves Series out of isetitem's accepted values.
                out.isetitem(i, col.map(guard))  # type: ignore[arg-type]
    out.columns = [guard(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex) or out.index.dtype == object:
        out.index = out.index.map(
            lambda v: tuple(map(guard, v)) if isinstance(v, tuple) else guard(v)
        )
    return out


def write_csv(df: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write ``df`` as a UTF-8 (with BOM, for Excel) CSV with formula text neutralised.

    Lines end with CRLF as RFC 4180 and Excel write them, so that a carriage return inside a
    cell is quoted.

    ``kwargs`` go to :meth:`pandas.DataFrame.to_csv` (default ``index=False``).
    """
    path = Path(path)
    kwargs.setdefault("index", False)
    kwargs.setdefault("encoding", "utf-8-sig")
    kwargs.setdefault("lineterminator", "\r\n")  # RFC 4180: a CR inside a cell is quoted
    guard_frame(df).to_csv(path, **kwargs)
    return path


@contextmanager
def safe_excel_writer(path: str | Path) -> Iterator[pd.ExcelWriter]:
    """Open a :class:`pandas.ExcelWriter` (openpyxl) whose cells are never formulas.

    On leaving the block every cell that openpyxl took for a formula (text starting with
    ``=``) is turned back into a string cell, so the workbook holds the text as typed.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        yield xw
        for ws in xw.book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
