"""Reading observation files (CSV/Excel, long or wide) and validating them for the store.

Helpers of the store and of :mod:`tambon_gis.plans`. Everything here works on whole columns so
that a file of a million rows is read and checked in seconds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._errors import PeriodError, SchemaError
from tambon_gis.names import clean_code
from tambon_gis.periods import _TO_ARABIC, Period, parse_period
from tambon_gis.tables import read_table_with_report

#: Column aliases accepted in observation files, canonical name first.
ALIASES: dict[str, tuple[str, ...]] = {
    "tambon_code": ("tambon_code", "tambon", "code", "รหัสตำบล", "รหัส"),
    "indicator_id": ("indicator_id", "indicator", "kpi", "ตัวชี้วัด", "รหัสตัวชี้วัด"),
    "period": ("period", "quarter", "ไตรมาส", "งวด", "ช่วงเวลา"),
    "value": ("value", "ค่า", "ผลการดำเนินงาน", "ผล"),
    "denominator": ("denominator", "ตัวหาร"),
    "source": ("source", "แหล่งข้อมูล"),
    "note": ("note", "หมายเหตุ"),
    "recorded_by": ("recorded_by", "ผู้บันทึก"),
    "recorded_at": ("recorded_at", "วันที่บันทึก"),
}

#: Descriptive columns that may sit beside the data in a wide file and are not observations.
DESCRIPTIVE = (
    "tambon_th", "tambon_en", "amphoe_code", "amphoe_th", "amphoe_en",
    "changwat_code", "changwat_th", "changwat_en", "region", "region_en", "programme",
    "ตำบล", "อำเภอ", "จังหวัด",
)  # fmt: skip

_THAI_TO_ARABIC = _TO_ARABIC  # the one Thai-digit table (periods)


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def frame_hash(df: pd.DataFrame) -> str:
    """Return a content hash of a DataFrame (columns and values, in order)."""
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, df.columns)).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


@dataclass(frozen=True)
class FileRows:
    """Where the rows of a table read by :func:`read_any` are in its file.

    Passed beside the table (never in its ``attrs``, which pandas deep-copies on every
    operation: a list per row copied at each step of an import).

    Attributes
    ----------
    rows : numpy.ndarray
        Each row's spreadsheet row number (1-based, the header's row is above the first).
    extra_fields : dict
        ``{row: cells}`` of the rows with more cells than the header.
    """

    rows: np.ndarray
    extra_fields: dict[int, int] = field(default_factory=dict)


def read_any(path: Path, *, sheet: str | int | None = None) -> tuple[pd.DataFrame, FileRows]:
    """Read a CSV or Excel file as text cells with :func:`tambon_gis.tables.read_table`.

    The one table reader of the library, so a KPI file is read like any other table: any
    encoding Thai Excel writes (UTF-8, BOM, UTF-16, cp874), any separator, the first visible
    sheet, the limits of :mod:`tambon_gis.settings`. Codes keep their leading zeros, Excel
    dates become ISO dates, whole numbers lose their ``.0`` and blank cells are ``""``.
    Returns the table (no ``attrs``) and its :class:`FileRows`: each row's spreadsheet row
    number and the rows with more cells than the header.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"):
        raise SchemaError(
            f"cannot read {path.name!r}: expected a .csv, .tsv or .xlsx file; save the sheet "
            "as CSV (UTF-8) or Excel workbook"
        )
    table, info = read_table_with_report(path, sheet=sheet, dtype_str=True, fill_down=False)
    table.attrs = {}  # pandas deep-copies attrs on every column operation
    width = info.header_width
    rows = FileRows(
        rows=np.asarray(info.file_rows, dtype="int64") + 1,
        extra_fields={int(r) + 1: n for r, n in info.extra_fields.items()},
    )
    del info  # its list of file rows (a Python int per row) is not kept
    cols = list(table.columns)
    # cells past the header's last cell belong to no column: reported per row, not read
    keep = cols[:width] + [c for c in cols[width:] if not c.startswith("column_")]
    df = pd.DataFrame(
        {str(c).strip(): table[c].fillna("").astype("str").reset_index(drop=True) for c in keep}
    )
    del table
    return df, rows


def canonical_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Rename alias columns to their canonical names (case-insensitive)."""
    lookup = {alias.lower(): canon for canon, aliases in ALIASES.items() for alias in aliases}
    renames: dict[str, str] = {}
    for col in df.columns:
        canon = lookup.get(str(col).strip().lower())
        if canon and canon not in renames.values() and canon not in df.columns.difference([col]):
            renames[col] = canon
    return df.rename(columns=renames)


def to_long(
    df: pd.DataFrame, *, layout: str, rows: np.ndarray | None = None
) -> tuple[pd.DataFrame, str, list[str], int]:
    """Reshape a file to long form.

    ``rows`` are the spreadsheet row numbers of the rows of ``df`` (:attr:`FileRows.rows`,
    or a slice of it for a chunk); without them a row's number is its position + 2, as in a
    spreadsheet whose row 1 is the header.

    Returns
    -------
    (long, layout, ignored_columns, n_empty_cells)
        ``long`` has text columns tambon_code, indicator_id, period, value, denominator,
        source, note, recorded_by, recorded_at, plus ``row`` (spreadsheet row number) and
        ``column`` (the cell's column in a wide file, else ``"value"``).
    """
    df = canonical_columns(df)
    df = df.copy()
    df.attrs = {}  # a caller's attrs would be deep-copied by every operation below
    if rows is not None and len(rows) == len(df):
        df["row"] = np.asarray(rows, dtype="int64")
    else:
        df["row"] = np.arange(2, len(df) + 2)
    meta = ["source", "note", "recorded_by", "recorded_at", "denominator"]
    if layout == "auto":
        if "value" in df.columns:
            layout = "long"
        elif "period" in df.columns:
            layout = "wide"
        elif "indicator_id" in df.columns:
            layout = "wide-periods"
        else:
            raise SchemaError(
                f"cannot tell the layout from the columns {list(df.columns)[:12]}: a long file "
                "needs tambon_code, indicator_id, period and value; a wide file needs "
                "tambon_code, period and one column per indicator id (or tambon_code, "
                "indicator_id and one column per period)"
            )
    elif layout == "wide":
        layout = "wide" if "period" in df.columns else "wide-periods"
    if "tambon_code" not in df.columns:
        raise SchemaError(
            f"no tambon_code column among {list(df.columns)[:12]}: add a column 'tambon_code' "
            "with the 6-digit DOPA code of each tambon (รหัสตำบล)"
        )
    if layout == "long":
        missing = [c for c in ("indicator_id", "period", "value") if c not in df.columns]
        if missing:
            raise SchemaError(
                f"the long layout needs the columns {missing} (found {list(df.columns)[:12]}): "
                "rename your columns, or pass layout='wide' for one column per indicator"
            )
        extra = [c for c in df.columns if c not in (*ALIASES, "row")]
        long = df.copy()
        long["column"] = "value"
        for col in meta:
            if col not in long.columns:
                long[col] = ""
        cols = ["tambon_code", "indicator_id", "period", "value", *meta, "row", "column"]
        return long[cols].reset_index(drop=True), "long", extra, 0

    if "denominator" in df.columns:
        raise SchemaError(
            "a wide file cannot carry a 'denominator' column (it would not say which indicator "
            "it belongs to): use the long layout with columns tambon_code, indicator_id, "
            "period, value, denominator"
        )
    id_col = "period" if layout == "wide" else "indicator_id"
    var_name = "indicator_id" if layout == "wide" else "period"
    fixed = {"tambon_code", id_col, "row", *[c for c in meta if c != "denominator"]}
    ignored = [c for c in df.columns if c in DESCRIPTIVE and c not in fixed]
    data_cols = [c for c in df.columns if c not in fixed and c not in ignored]
    if layout == "wide-periods":
        bad = []
        for c in data_cols:
            try:
                parse_period(str(c))
            except PeriodError:
                bad.append(c)
        if bad:
            raise SchemaError(
                f"in a wide file with an indicator_id column every other column must be a "
                f"period; cannot read {bad[:8]} as periods: rename them like 'Q1 FY2566'"
            )
    if not data_cols:
        raise SchemaError(
            f"the wide file has no data columns besides {sorted(fixed - {'row'})}: add one "
            f"column per {'indicator id' if layout == 'wide' else 'period'}"
        )
    for col in meta:
        if col not in df.columns:
            df[col] = ""
    long = df.melt(
        id_vars=["tambon_code", id_col, "row", *[c for c in meta]],
        value_vars=data_cols,
        var_name=var_name,
        value_name="value",
    )
    long[var_name] = long[var_name].astype(str)
    long["column"] = long[var_name]
    long["value"] = long["value"].astype(str).str.strip()
    empty = long["value"] == ""  # a blank cell is "not reported"; the text None/nan is not
    n_empty = int(empty.sum())
    long = long.loc[~empty]
    cols = ["tambon_code", "indicator_id", "period", "value", *meta, "row", "column"]
    long = long[cols].sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return long, layout, ignored, n_empty


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text numbers (Thai digits, thousands commas, a trailing %) vectorised.

    Returns ``(numbers, bad)`` where ``bad`` marks non-empty text that is not a finite number.
    """
    text = _arabic(values.astype(str).str.strip())
    cleaned = text.str.replace(",", "", regex=False).str.replace("%", "", regex=False)
    cleaned = cleaned.str.replace("\u2212", "-", regex=False).str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (text != "") & (numbers.isna() | ~np.isfinite(numbers.fillna(0.0)))
    commas = text.str.contains(",", regex=False)
    if commas.any():
        # a comma is only a thousands separator: "1,2" (decimal comma) is refused, not read as 12
        grouped = text.str.fullmatch(r"[-+−]?\d{1,3}(,\d{3})+(\.\d+)?%?")
        bad = bad | (commas & ~grouped.fillna(False).astype(bool))
    return numbers, bad


def parse_periods(values: pd.Series) -> tuple[dict[str, Period], dict[str, str]]:
    """Parse the distinct period texts; return ``({text: Period}, {text: error})``."""
    ok: dict[str, Period] = {}
    errors: dict[str, str] = {}
    for text in pd.unique(values.astype(str)):
        try:
            ok[text] = parse_period(text)
        except PeriodError as exc:
            errors[text] = str(exc)
    return ok, errors


def normalize_codes(values: pd.Series) -> pd.Series:
    """Read tambon codes with :func:`tambon_gis.names.clean_code` (the one normaliser).

    Each distinct text is read once. A value that is not a code is kept as typed (stripped,
    Thai digits as ASCII) so that the error can quote it.
    """
    text = values.astype(str).str.strip()
    pos, uniques = pd.factorize(text)
    cleaned = [clean_code(u) or str(u).translate(_THAI_TO_ARABIC) for u in uniques]
    out = np.asarray(cleaned, dtype=object)[pos] if len(uniques) else np.asarray([], dtype=object)
    return pd.Series(out, index=values.index, dtype="str")


def _arabic(s: pd.Series) -> pd.Series:
    """Translate Thai digits, touching only the cells that have some."""
    has = s.str.contains("[๐-๙]", regex=True)
    if has.any():
        s = s.where(~has, s.str.translate(_THAI_TO_ARABIC))
    return s


def as_frame(table: Any, first_column: str) -> pd.DataFrame:
    """Return a table given as a DataFrame, a file, dicts or values of ``first_column``."""
    if isinstance(table, pd.DataFrame):
        return table.copy()
    if isinstance(table, str | Path):
        return read_any(Path(table))[0]
    items = list(table)
    if items and isinstance(items[0], dict):
        return pd.DataFrame(items)
    return pd.DataFrame({first_column: [str(x) for x in items]})
