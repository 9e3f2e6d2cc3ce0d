"""Read hand-made tables of tambons: CSV in any encoding Thai Excel writes, and Excel sheets.

:func:`read_table` detects the encoding of a CSV from its bytes (UTF-8, UTF-8 with BOM as
Excel's "CSV UTF-8" writes it, UTF-16 as Excel's "Unicode text" writes it, or cp874 as Excel
on Thai Windows writes it), finds the header row under title rows, fills merged and blank
cells under the province and district columns, and recognises Thai and English headers for
the province, district, tambon and code columns (:func:`detect_columns`). Every row of the
file is kept; what was done is recorded in ``df.attrs["read_table"]``.

Examples
--------
>>> import tempfile, pathlib
>>> from tambon_gis.tables import read_table, detect_columns
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pilot.csv"
>>> text = "รายชื่อตำบลนำร่อง\\nจังหวัด,อำเภอ,ตำบล\\nสุรินทร์,ท่าตูม,ทุ่งกุลา\\n"
>>> _ = path.write_bytes(text.encode("cp874"))
>>> df = read_table(path)
>>> df.attrs["read_table"]["encoding"], df.attrs["read_table"]["header_row"], len(df)
('cp874', 1, 1)
>>> detect_columns(df)
{'province': 'จังหวัด', 'amphoe': 'อำเภอ', 'tambon': 'ตำบล'}
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from tambon_gis._errors import EncodingError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.names import clean_text

log = get_logger(__name__)

#: Header names recognised for each role, as keys of :func:`_header_key` (lower case, no
#: spaces, dots, underscores or hyphens).
HEADERS: dict[str, tuple[str, ...]] = {
    "province": (
        "จังหวัด", "จ", "ชื่อจังหวัด", "จังหวัดไทย", "province", "provincename", "provinceth",
        "provinceen", "changwat", "changwatth", "changwaten", "prov", "provname", "adm1th",
        "adm1en", "adm1name", "pvth", "pvname", "namejangwat",
    ),
    "amphoe": (
        "อำเภอ", "อำเภอ/เขต", "เขต/อำเภอ", "อำเภอเขต", "เขต", "อ", "ชื่ออำเภอ", "amphoe", "amphur",
        "amphoeth", "amphoeen", "amphurname", "district", "districtname", "districtth",
        "districten", "khet", "adm2th", "adm2en", "adm2name", "apth", "apname",
    ),
    "tambon": (
        "ตำบล", "ตำบล/แขวง", "แขวง/ตำบล", "ตำบลแขวง", "แขวง", "ต", "ชื่อตำบล", "tambon",
        "tambonth", "tambonen", "tambonname", "subdistrict", "subdistrictname", "subdistrictth",
        "subdistricten", "khwaeng", "adm3th", "adm3en", "adm3name", "tbth", "tbname",
    ),
    "code": (
        "รหัสตำบล", "รหัส", "รหัสพื้นที่", "รหัสตำบล6หลัก", "code", "tamboncode", "tambonid",
        "subdistrictcode", "subdistrictid", "pcode", "adm3pcode", "adm3code", "geocode", "tbcode",
        "tbid", "tamcode", "dopacode",
    ),
}  # fmt: skip
_ROLES = ("province", "amphoe", "tambon", "code")
_HEADER_DROP = re.compile(r"[\s._\-()]+")


def _header_key(name: object) -> str:
    return _HEADER_DROP.sub("", clean_text(name).lower())


_LOOKUP = {k: role for role, keys in HEADERS.items() for k in keys}


def detect_columns(table: pd.DataFrame) -> dict[str, str]:
    """Recognise the province, amphoe, tambon and code columns of a table from its headers.

    Parameters
    ----------
    table : pandas.DataFrame
        A table with Thai or English headers (``จังหวัด``, ``อำเภอ/เขต``, ``ตำบล/แขวง``,
        ``รหัสตำบล``, ``province``, ``district``, ``subdistrict``, ``ADM3_PCODE`` ...).

    Returns
    -------
    dict
        ``{role: column}`` for each role found, among ``province``, ``amphoe``, ``tambon``,
        ``code``; the first column wins when two fit one role.

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis.tables import detect_columns
    >>> detect_columns(pd.DataFrame(columns=["No.", "Province", "District", "Sub-district"]))
    {'province': 'Province', 'amphoe': 'District', 'tambon': 'Sub-district'}
    """
    found: dict[str, str] = {}
    for col in table.columns:
        role = _LOOKUP.get(_header_key(col))
        if role is not None and role not in found:
            found[role] = col
    return {r: found[r] for r in _ROLES if r in found}


# --- encodings ---------------------------------------------------------------------------

_MOJIBAKE = re.compile("à¸|à¹")


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{path} is not {encoding}: {exc}; leave encoding=None to detect it from the bytes"
            ) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        text = raw.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp874")
            enc = "cp874"
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{path} is neither UTF-8 nor cp874 (Thai Windows): {exc}; save it from Excel as "
                "'CSV UTF-8', or pass encoding='...'"
            ) from exc
        if not re.search("[\u0e01-\u0e5b]", text):
            raise EncodingError(
                f"{path} is not UTF-8, and read as cp874 it holds no Thai letters: save it as "
                "'CSV UTF-8', or pass encoding='...'"
            )
    if _MOJIBAKE.search(text):
        raise EncodingError(
            f"{path} holds mojibake such as 'à¸': Thai UTF-8 text was once read as Latin-1 and "
            "saved again. Re-export it from the original, or fix it with "
            "text.encode('latin-1').decode('utf-8')"
        )
    return text, enc


# --- header row ----------------------------------------------------------------------------


def _find_header(rows: list[list[Any]], scan: int = 30) -> int:
    best, best_score = 0, 0
    for i, row in enumerate(rows[:scan]):
        roles = {_LOOKUP.get(_header_key(v)) for v in row if not _is_blank(v)} - {None}
        if len(roles) > best_score:
            best, best_score = i, len(roles)
    if best_score:
        return best
    # no known header: the first row as wide as the table
    width = max((sum(not _is_blank(v) for v in r) for r in rows[:scan]), default=0)
    for i, row in enumerate(rows[:scan]):
        if sum(not _is_blank(v) for v in row) == width:
            return i
    return 0


def _is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip()


def _unique_headers(values: list[Any]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        name = clean_text(v) if not _is_blank(v) else f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


# --- reading -------------------------------------------------------------------------------


def _read_csv_rows(
    path: Path, encoding: str | None, sep: str | None
) -> tuple[list[list[str]], str]:
    raw = path.read_bytes()
    text, enc = _decode(raw, path, encoding)
    if sep is None:
        sample = "\n".join(text.splitlines()[:50])
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = "\t" if enc == "utf-16" else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    return rows, enc


def _read_xlsx_rows(
    path: Path, sheet: str | int | None
) -> tuple[list[list[Any]], dict[tuple[int, int], tuple[int, int]], str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True, read_only=False)
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            if sheet not in wb.sheetnames:
                raise ValidationError(
                    f"sheet {sheet!r} not in {path.name}: its sheets are {wb.sheetnames}"
                )
            ws = wb[sheet]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row - 1, rng.min_col - 1
            for r in range(rng.min_row - 1, rng.max_row):
                for c in range(rng.min_col - 1, rng.max_col):
                    if (r, c) != (top, left):
                        merged[(r, c)] = (top, left)
        return rows, merged, ws.title
    finally:
        wb.close()


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header: int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    fill_down: bool | None = None,
    dtype_str: bool = False,
) -> pd.DataFrame:
    """Read a CSV or Excel table of tambons typed by hand.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv`` file or an ``.xlsx``/``.xlsm`` workbook.
    sheet : str or int, optional
        The sheet of a workbook (default: the first).
    header : int, optional
        The 0-based row of the header; by default the row, among the first 30, that holds
        the most recognised headers (so title rows above it are skipped).
    encoding : str, optional
        The encoding of a CSV; by default detected from the bytes (BOM, UTF-8, UTF-16, cp874).
    sep : str, optional
        The delimiter of a CSV; by default sniffed among ``, ; TAB |``.
    fill_down : bool, optional
        Fill blank cells of the province and amphoe columns with the value above (merged
        cells in a workbook are always filled). ``None`` (default) fills down in workbooks
        but not in CSV files. An amphoe cell is only filled when its province is the same
        as the row above. Every filled cell is reported in ``attrs["read_table"]["filled"]``
        and in the match report's ``note``.
    dtype_str : bool
        Keep every column as text. By default a column whose values are all whole numbers
        without leading zeros becomes ``Int64`` (codes are always kept as text).

    Returns
    -------
    pandas.DataFrame
        One row per data row of the file (rows left wholly blank are dropped and counted),
        with ``attrs["read_table"]`` holding ``path``, ``encoding``, ``sheet``,
        ``header_row``, ``columns`` (recognised roles), ``filled`` ({column: [row
        positions]}), ``merged_cells`` and ``blank_rows_dropped``.

    Raises
    ------
    EncodingError
        When a CSV cannot be decoded, or holds mojibake.
    ValidationError
        For a file type that is not CSV or Excel, or an unknown sheet.
    FileNotFoundError
        When ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.tables import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> text = ("รหัสตำบล,จังหวัด,ตำบล,ครัวเรือน\\n๓๒๐๓๑๐,สุรินทร์,ทุ่งกุลา,1452\\n"
    ...         ",น่าน,ศิลาแลง,982\\n")
    >>> _ = path.write_text(text, encoding="utf-8-sig")
    >>> df = read_table(path)
    >>> df.attrs["read_table"]["encoding"], len(df), str(df["ครัวเรือน"].dtype)
    ('utf-8-sig', 2, 'Int64')
    >>> df["รหัสตำบล"].tolist()
    ['๓๒๐๓๑๐', nan]
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no table at {str(path)!r}: check the path")
    suffix = path.suffix.lower()
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    sheet_name: str | None = None
    if suffix in (".xlsx", ".xlsm"):
        rows, merged, sheet_name = _read_xlsx_rows(path, sheet)
        enc = "xlsx"
        if fill_down is None:
            fill_down = True
    elif suffix in (".csv", ".txt", ".tsv"):
        if suffix == ".tsv" and sep is None:
            sep = "\t"
        rows, enc = _read_csv_rows(path, encoding, sep)
        if fill_down is None:
            fill_down = False
    elif suffix == ".xls":
        raise ValidationError(
            f"{path.name} is an old .xls workbook: open it in Excel or LibreOffice and save it "
            "as .xlsx, or as 'CSV UTF-8'"
        )
    else:
        raise ValidationError(
            f"cannot read {path.name!r}: expected a .csv, .txt, .tsv, .xlsx or .xlsm file"
        )
    if not rows:
        raise ValidationError(f"{path} is empty: expected a header row and data rows")
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    # merged cells: copy the top-left value into every cell of the range
    merged_filled: list[tuple[int, int]] = []
    for (r, c), (top, left) in merged.items():
        if r < len(rows) and _is_blank(rows[r][c]) and not _is_blank(rows[top][left]):
            rows[r][c] = rows[top][left]
            merged_filled.append((r, c))
    hrow = _find_header(rows) if header is None else header
    if not 0 <= hrow < len(rows):
        raise ValidationError(f"header={header} is outside the {len(rows)} rows of {path.name}")
    columns = _unique_headers(rows[hrow])
    body = rows[hrow + 1 :]
    keep = [i for i, r in enumerate(body) if not all(_is_blank(v) for v in r)]
    dropped = len(body) - len(keep)
    file_rows = [hrow + 1 + i for i in keep]  # 0-based row in the file
    body = [body[i] for i in keep]
    data = {
        col: [
            None if _is_blank(r[j]) else (r[j].strip() if isinstance(r[j], str) else r[j])
            for r in body
        ]
        for j, col in enumerate(columns)
    }
    roles = detect_columns(pd.DataFrame(columns=columns))
    # merged cells by data-row position
    merged_pos: dict[str, list[int]] = {}
    pos_of_file_row = {fr: p for p, fr in enumerate(file_rows)}
    for r, c in merged_filled:
        if r in pos_of_file_row:
            merged_pos.setdefault(columns[c], []).append(pos_of_file_row[r])
    fill_cols = [c for c in (roles.get("province"), roles.get("amphoe")) if c is not None]
    filled: dict[str, list[int]] = {k: sorted(v) for k, v in merged_pos.items() if k in fill_cols}
    if fill_down:
        pcol, acol = roles.get("province"), roles.get("amphoe")
        for col in fill_cols:
            values = data[col]
            done = set(filled.get(col, []))
            for i in range(1, len(values)):
                if values[i] is None and values[i - 1] is not None:
                    if col == acol and pcol is not None:
                        prov = data[pcol]
                        if prov[i] != prov[i - 1]:
                            continue
                    values[i] = values[i - 1]
                    done.add(i)
            if done:
                filled[col] = sorted(done)
    df = pd.DataFrame(data)
    # types: text by default, whole numbers as Int64 unless they look like codes
    code_like = {roles.get("code")}
    for col in df.columns:
        s = df[col]
        if dtype_str or col in code_like or _header_key(col).startswith(("รหัส", "code", "pcode")):
            df[col] = _as_str(s)
            continue
        num = _as_int(s)
        df[col] = num if num is not None else _as_str(s)
    info = {
        "path": str(path),
        "encoding": enc,
        "sheet": sheet_name,
        "header_row": hrow,
        "columns": roles,
        "filled": filled,
        "merged_cells": len(merged_filled),
        "blank_rows_dropped": dropped,
        "file_rows": file_rows,
    }
    df.attrs["read_table"] = info
    if dropped:
        log.info("read_table dropped %d wholly blank row(s) of %s", dropped, path.name)
    if filled:
        log.info(
            "read_table filled down %s",
            ", ".join(f"{len(v)} cell(s) of {k!r}" for k, v in filled.items()),
        )
    log.info(
        "read_table returned %s rows x %d columns from %s (%s, header row %d, columns %s)",
        f"{len(df):,}",
        df.shape[1],
        path.name,
        enc,
        hrow,
        roles,
    )
    return df


def _as_str(s: pd.Series) -> pd.Series:
    def conv(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return v if isinstance(v, str) else str(v)

    return pd.Series([conv(v) for v in s], index=s.index, dtype="str", name=s.name)


_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_THOUSANDS = re.compile(r"^-?[1-9][0-9]{0,2}(?:,[0-9]{3})+$")


def _as_int(s: pd.Series) -> pd.Series | None:
    vals = [v for v in s if v is not None and not (isinstance(v, float) and v != v)]
    if not vals:
        return None
    out = []
    for v in s:
        if v is None or (isinstance(v, float) and v != v):
            out.append(pd.NA)
        elif isinstance(v, bool):
            return None
        elif isinstance(v, int):
            out.append(v)
        elif isinstance(v, float) and v.is_integer():
            out.append(int(v))
        elif isinstance(v, str) and v.isascii() and (_INT.match(v) or _THOUSANDS.match(v)):
            out.append(int(v.replace(",", "")))
        else:
            return None
    return pd.Series(out, index=s.index, dtype="Int64", name=s.name)
