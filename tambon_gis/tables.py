r"""Read hand-made tables of tambons: CSV in any encoding Thai Excel writes, and Excel sheets.

:func:`read_table` detects the encoding of a CSV from its bytes (UTF-8, UTF-8 with BOM as
Excel's "CSV UTF-8" writes it, UTF-16 as Excel's "Unicode text" writes it, or cp874 as Excel
on Thai Windows writes it), finds the header row under title rows, fills merged and blank
cells under the province and district columns, and recognises Thai and English headers for
the province, district, tambon and code columns (:func:`detect_columns`). Every row of the
file is kept; what was done is the :class:`ReadReport` of :func:`read_table_with_report`.

Examples
--------
>>> import tempfile, pathlib
>>> from tambon_gis.tables import read_table_with_report, detect_columns
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pilot.csv"
>>> text = "รายชื่อตำบลนำร่อง\nจังหวัด,อำเภอ,ตำบล\nสุรินทร์,ท่าตูม,ทุ่งกุลา\n"
>>> _ = path.write_bytes(text.encode("cp874"))
>>> df, report = read_table_with_report(path)
>>> report.encoding, report.header_row, len(df)
('cp874', 1, 1)
>>> detect_columns(df)
{'province': 'จังหวัด', 'amphoe': 'อำเภอ', 'tambon': 'ตำบล'}
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.utils.cell import range_boundaries

from tambon_gis import settings
from tambon_gis._errors import EncodingError, LimitError, ValidationError, excerpt
from tambon_gis._export import unguard
from tambon_gis._logging import get_logger
from tambon_gis.names import clean_text

if TYPE_CHECKING:
    from pandas.api.typing import NAType

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
    bom = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else (
        "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    )
    if bom is not None:
        try:
            return raw.decode(bom), bom
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{path} starts with a {bom} byte-order mark but is not {bom} at byte "
                f"{exc.start:,} ({exc.reason}): the file is damaged or was cut; save it again "
                "from Excel as 'CSV UTF-8'"
            ) from exc
    try:
        text = raw.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError as utf8_error:
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
            ) from utf8_error
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
    # no known header: the first row of two cells or more (a title row has one), so that no
    # data row is ever taken for the header; the rows above it are reported, not lost
    counts = [sum(not _is_blank(v) for v in r) for r in rows[:scan]]
    need = min(2, max(counts, default=0))
    return next((i for i, n in enumerate(counts) if n >= need), 0)


def _last_filled(row: list[Any]) -> int:
    """1 + the index of the last non-blank cell of a row (0 for a blank row)."""
    for i in range(len(row) - 1, -1, -1):
        if not _is_blank(row[i]):
            return i + 1
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
# Both readers return the non-blank rows only, each with its 0-based row in the file, so that
# the work and memory are bounded by the cells present, never by a sheet's declared extent.


def _limit_error(path: Path, what: str, limit: int, setting: str) -> LimitError:
    return LimitError(
        f"{path.name}: {what}, past the limit of {limit:,} (settings.{setting}). Check that "
        f"this is the file you meant; if it is, raise the limit with "
        f"tambon_gis.settings.{setting} = ..."
    )


def _check_size(path: Path, n_rows: int, n_cols: int) -> None:
    if n_rows * n_cols > settings.max_table_cells:
        raise _limit_error(
            path, f"the table spans {n_rows:,} rows x {n_cols:,} columns",
            settings.max_table_cells, "max_table_cells",
        )  # fmt: skip


def _read_csv_rows(
    path: Path, encoding: str | None, sep: str | None
) -> tuple[list[list[Any]], list[int], str]:
    raw = path.read_bytes()
    text, enc = _decode(raw, path, encoding)
    del raw
    if sep is None:
        lines = text[: 1 << 16].splitlines()[:50]
        sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = "\t" if enc == "utf-16" else ","
    rows: list[list[Any]] = []
    line_of: list[int] = []  # the file line each record starts on (1-based)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(settings.max_cell_chars)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
        start = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _limit_error(
                        path, f"a cell of the record starting on line {start:,} is longer than "
                        f"{settings.max_cell_chars:,} characters", settings.max_cell_chars,
                        "max_cell_chars",
                    ) from None  # fmt: skip
                lines = text.splitlines()
                begins = excerpt(lines[start - 1] if start <= len(lines) else "")
                raise ValidationError(
                    f"{path.name}: malformed quotes in the record starting on line {start:,} "
                    f"({exc}; the line reads {begins}): "
                    'a cell that starts with " must end with " (write "" for a quote inside '
                    "it); fix the line, or save the sheet again from Excel"
                ) from None
            rows.append(row)
            line_of.append(start)
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(old_limit)
    del text
    keep = [i for i, r in enumerate(rows) if any(v and not v.isspace() for v in r)]
    out = [rows[i] for i in keep]
    del rows
    for r in out:  # in place: no second copy of the cells
        for j, v in enumerate(r):
            if v[:1] == "'":
                r[j] = unguard(v)
    return out, keep, enc


def _sheet_index(path: Path, wb: Any, sheet: str | int | None) -> int:
    names = wb.sheetnames
    if sheet is None:
        visible = [i for i, ws in enumerate(wb.worksheets) if ws.sheet_state == "visible"]
        if not visible:
            raise ValidationError(f"{path.name} has no visible sheet: pass sheet=NAME")
        index = visible[0]
        hidden = [names[i] for i in range(index)]
        if hidden:
            log.warning(
                "read_table read sheet %r of %s; the hidden sheet(s) %s before it were skipped "
                "(pass sheet=... to read another)", names[index], path.name, hidden,
            )  # fmt: skip
        return index
    if isinstance(sheet, bool) or not isinstance(sheet, (int, str)):
        raise ValidationError(f"sheet={sheet!r}: expected a sheet name or a 0-based index")
    if isinstance(sheet, int):
        if not -len(names) <= sheet < len(names):
            raise ValidationError(
                f"sheet={sheet} is past the last sheet of {path.name}: it has {len(names)} "
                f"sheet(s) {names} (index 0 to {len(names) - 1})"
            )
        return sheet % len(names)
    if sheet not in names:
        raise ValidationError(f"sheet {sheet!r} not in {path.name}: its sheets are {names}")
    return names.index(sheet)


def _read_xlsx_rows(
    path: Path, sheet: str | int | None
) -> tuple[list[list[Any]], list[int], list[tuple[int, int]], str]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    if not zipfile.is_zipfile(path):
        raise ValidationError(
            f"{path.name} is not an Excel workbook (an .xlsx is a zip file, this is not one): "
            "open it in Excel and save it as .xlsx or 'CSV UTF-8'"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(f"{path.name} is a damaged workbook ({exc}): save it again") from exc
    if size > settings.max_xlsx_bytes:
        raise _limit_error(
            path, f"the workbook expands to {size:,} bytes", settings.max_xlsx_bytes,
            "max_xlsx_bytes",
        )  # fmt: skip
    no_cache: list[str] = []

    class _Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                no_cache.append(element.get("r") or f"R{cell['row']}C{cell['column']}")
            return cell

    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ValidationError(
            f"{path.name} cannot be read as an Excel workbook ({type(exc).__name__}: "
            f"{excerpt(str(exc))}): open it in Excel and save it again"
        ) from exc
    try:
        index = _sheet_index(path, wb, sheet)
        ws = wb.worksheets[index]
        cells: dict[int, dict[int, Any]] = {}
        n_cells = 0
        with ws._get_source() as src:
            parser = _Parser(
                src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
            )  # fmt: skip
            for r, row in parser.parse():
                for c in row:
                    v = c["value"]
                    if v is None or (isinstance(v, str) and not v.strip()):
                        continue
                    cells.setdefault(r, {})[c["column"]] = v
                    n_cells += 1
                if n_cells > settings.max_table_cells:
                    raise _limit_error(
                        path, f"sheet {ws.title!r} holds more than {n_cells:,} cells",
                        settings.max_table_cells, "max_table_cells",
                    )  # fmt: skip
            ranges = [m.ref for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
        title = ws.title
    finally:
        wb.close()
    if no_cache:
        more = f" and {len(no_cache) - 10:,} more" if len(no_cache) > 10 else ""
        shown = ", ".join(no_cache[:10]) + more
        raise ValidationError(
            f"{path.name}, sheet {title!r}: {len(no_cache):,} formula cell(s) were saved without "
            f"their values ({shown}), so they would read as blank. Open the file in Excel or "
            "LibreOffice and save it (that stores the values), or copy the sheet and paste it "
            "as values"
        )
    row_ids = sorted(cells)
    col_ids = sorted({c for r in cells.values() for c in r})
    _check_size(path, len(row_ids), len(col_ids))
    col_pos = {c: j for j, c in enumerate(col_ids)}
    rows: list[list[Any]] = []
    for r in row_ids:
        line: list[Any] = [None] * len(col_ids)
        for c, v in cells[r].items():
            line[col_pos[c]] = v
        rows.append(line)
    del cells
    # merged ranges: clipped to the rows and columns that hold data
    filled: list[tuple[int, int]] = []
    budget = settings.max_table_cells
    for ref in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(str(ref))
        except (ValueError, TypeError):
            continue
        top = bisect.bisect_left(row_ids, min_row)
        if top >= len(row_ids) or row_ids[top] != min_row or min_col not in col_pos:
            continue  # the top-left cell is blank: nothing to copy
        value = rows[top][col_pos[min_col]]
        r_end = bisect.bisect_right(row_ids, max_row)
        c_lo, c_hi = bisect.bisect_left(col_ids, min_col), bisect.bisect_right(col_ids, max_col)
        budget -= (r_end - top) * (c_hi - c_lo)
        if budget < 0:
            raise _limit_error(
                path, "its merged cells cover more cells than the table",
                settings.max_table_cells, "max_table_cells",
            )  # fmt: skip
        for i in range(top, r_end):
            line = rows[i]
            for j in range(c_lo, c_hi):
                if line[j] is None and (i, j) != (top, col_pos[min_col]):
                    line[j] = value
                    filled.append((i, j))
    return rows, [r - 1 for r in row_ids], filled, title


@dataclass(frozen=True)
class ReadReport:
    """What :func:`read_table_with_report` found in a file and did to it.

    Attributes
    ----------
    path : str
        The file read.
    encoding : str
        The encoding of a CSV (``"xlsx"`` for a workbook).
    sheet : str or None
        The sheet of a workbook.
    header_row : int
        The 0-based row of the file taken as the header.
    columns : dict
        The recognised roles: ``{"province": column, ...}`` (:func:`detect_columns`).
    filled : dict
        ``{column: [row positions]}`` of the cells filled down or from merged cells.
    merged_cells : int
        How many cells of merged ranges were read.
    blank_rows_dropped : int
        Wholly blank rows between the header and the last data row, not kept.
    file_rows : list of int
        The 0-based row in the file of each row of the frame.
    rows_above_header : list of int
        Rows above the header, not read as data.
    header_width : int
        How many cells the header row holds.
    extra_fields : dict
        ``{file row: cells}`` of rows with more cells than the header.
    """

    path: str
    encoding: str
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    filled: dict[str, list[int]]
    merged_cells: int
    blank_rows_dropped: int
    file_rows: list[int]
    rows_above_header: list[int]
    header_width: int
    extra_fields: dict[int, int]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a plain dict (the old ``attrs["read_table"]``)."""
        return asdict(self)

    def __repr__(self) -> str:
        where = f"sheet {self.sheet!r}" if self.sheet is not None else self.encoding
        lines = [
            f"ReadReport({Path(self.path).name}: {len(self.file_rows):,} rows, {where}, "
            f"header row {self.header_row})",
            f"  columns: {self.columns}",
        ]
        if self.filled:
            lines.append("  filled down: " + ", ".join(
                f"{len(v)} cell(s) of {k!r}" for k, v in self.filled.items()))  # fmt: skip
        if self.rows_above_header:
            lines.append(f"  rows above the header: {self.rows_above_header[:10]}")
        if self.blank_rows_dropped:
            lines.append(f"  blank rows dropped: {self.blank_rows_dropped}")
        if self.extra_fields:
            lines.append(f"  rows with more cells than the header: {list(self.extra_fields)[:10]}")
        return "\n".join(lines)


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
    r"""Read a CSV or Excel table of tambons typed by hand.

    The frame's ``attrs`` hold its provenance, ``attrs["source"]`` (the path). What was
    found and done (encoding, header row, filled cells...) is the :class:`ReadReport` of
    :func:`read_table_with_report`; ``attrs["read_table"]``, the same as a dict, is
    deprecated and goes in the next release.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv`` file or an ``.xlsx``/``.xlsm`` workbook.
    sheet : str or int, optional
        The sheet of a workbook (default: the first visible sheet; hidden sheets before it
        are skipped with a warning that names them).
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
        as the row above. Every filled cell is reported in :attr:`ReadReport.filled`
        and in the match report's ``note``.
    dtype_str : bool
        Keep every column as text. By default a column whose values are all whole numbers
        without leading zeros becomes ``Int64`` (codes are always kept as text).

    Returns
    -------
    pandas.DataFrame
        One row per data row of the file (rows left wholly blank are dropped and counted),
        with ``attrs["source"]``, and for one release ``attrs["read_table"]`` (deprecated:
        :meth:`ReadReport.to_dict` of :func:`read_table_with_report`).

    Notes
    -----
    Reading is bounded by the cells present, never by a sheet's declared extent: a workbook
    is streamed, blank rows and columns are not materialised and merged ranges are clipped to
    the cells that hold data. Past the limits of :mod:`tambon_gis.settings`
    (``max_cell_chars``, ``max_table_cells``, ``max_xlsx_bytes``) a :class:`LimitError` names
    the file, the limit and the setting. No row is lost: rows above the header are listed in
    :attr:`ReadReport.rows_above_header` and rows with more cells than the header in
    ``extra_fields``. A CSV cell that starts with ``'`` and a formula character (as the
    library's exports write formula-like text) is read without the ``'``.

    Raises
    ------
    EncodingError
        When a CSV cannot be decoded, or holds mojibake.
    LimitError
        When a cell, the table or the workbook is larger than a limit of ``settings``.
    ValidationError
        For a file type that is not CSV or Excel, an unknown sheet or a sheet index past the
        last, a file that is not a workbook, malformed quotes (naming the line), or formula
        cells saved without their values (naming the cells).
    FileNotFoundError
        When ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.tables import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> text = ("รหัสตำบล,จังหวัด,ตำบล,ครัวเรือน\n๓๒๐๓๑๐,สุรินทร์,ทุ่งกุลา,1452\n"
    ...         ",น่าน,ศิลาแลง,982\n")
    >>> _ = path.write_text(text, encoding="utf-8-sig")
    >>> df = read_table(path)
    >>> len(df), str(df["ครัวเรือน"].dtype), df.attrs["source"] == str(path)
    (2, 'Int64', True)
    >>> df["รหัสตำบล"].tolist()
    ['๓๒๐๓๑๐', nan]
    """
    df, report = read_table_with_report(
        path, sheet=sheet, header=header, encoding=encoding, sep=sep, fill_down=fill_down,
        dtype_str=dtype_str,
    )
    df.attrs["read_table"] = report.to_dict()  # deprecated: read_table_with_report
    return df


def read_table_with_report(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header: int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    fill_down: bool | None = None,
    dtype_str: bool = False,
) -> tuple[pd.DataFrame, ReadReport]:
    r"""Read a table like :func:`read_table`, and say what was found and done.

    Parameters
    ----------
    path, sheet, header, encoding, sep, fill_down, dtype_str
        As in :func:`read_table`.

    Returns
    -------
    (pandas.DataFrame, ReadReport)
        The table (its ``attrs`` hold only ``source``, the path) and the :class:`ReadReport`:
        encoding, sheet, header row, recognised columns, filled cells, rows not read as
        data. :func:`tambon_gis.match_areas` given the path notes the filled cells itself.

    Raises
    ------
    EncodingError, LimitError, ValidationError, FileNotFoundError
        As :func:`read_table`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.tables import read_table_with_report
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pilot.csv"
    >>> text = "รายชื่อตำบลนำร่อง\nจังหวัด,อำเภอ,ตำบล\nสุรินทร์,ท่าตูม,ทุ่งกุลา\n"
    >>> _ = path.write_bytes(text.encode("cp874"))
    >>> df, report = read_table_with_report(path)
    >>> report.encoding, report.header_row, report.rows_above_header, len(df)
    ('cp874', 1, [0], 1)
    >>> list(df.attrs)
    ['source']
    """
    path = Path(path)
    rows, row_ids, merged_filled, sheet_name, enc = _read_rows(
        path, sheet=sheet, encoding=encoding, sep=sep
    )
    if fill_down is None:
        fill_down = enc == "xlsx"  # merged and blank cells are a workbook's way to group rows
    hrow = _header_position(path, rows, row_ids, header)
    columns = _unique_headers(rows[hrow])
    n_header = _last_filled(rows[hrow])
    body = rows[hrow + 1 :]
    file_rows = row_ids[hrow + 1 :]  # 0-based row in the file
    above = row_ids[:hrow]
    # wholly blank rows between the header and the last data row were not kept
    dropped = (row_ids[-1] - row_ids[hrow]) - (len(row_ids) - 1 - hrow)
    extra = {
        fr: n for fr, r in zip(file_rows, body, strict=True) if (n := _last_filled(r)) > n_header
    }
    if above:
        recognised = header is not None or bool(detect_columns(pd.DataFrame(columns=columns)))
        (log.info if recognised else log.warning)(
            "read_table took row %d of %s as the header and did not read the %d row(s) above "
            "it (rows %s, listed in the ReadReport of read_table_with_report); pass header=... "
            "to choose another", row_ids[hrow], path.name, len(above), above[:10],
        )  # fmt: skip
    if extra:
        log.warning(
            "%d row(s) of %s have more cells than the header (rows %s): their extra cells are "
            "in columns with no header", len(extra), path.name, list(extra)[:10],
        )  # fmt: skip
    data = {
        col: [
            None if _is_blank(r[j]) else (r[j].strip() if isinstance(r[j], str) else r[j])
            for r in body
        ]
        for j, col in enumerate(columns)
    }
    del body
    rows.clear()  # the cells now live in ``data`` only
    roles = detect_columns(pd.DataFrame(columns=columns))
    # merged cells by data-row position
    merged_pos: dict[str, list[int]] = {}
    for r, c in merged_filled:
        if r > hrow:
            merged_pos.setdefault(columns[c], []).append(r - hrow - 1)
    fill_cols = [c for c in (roles.get("province"), roles.get("amphoe")) if c is not None]
    filled: dict[str, list[int]] = {k: sorted(v) for k, v in merged_pos.items() if k in fill_cols}
    if fill_down:
        _fill_down(data, roles, filled)
    df = _typed_frame(data, code=roles.get("code"), dtype_str=dtype_str)
    report = ReadReport(
        path=str(path), encoding=enc, sheet=sheet_name, header_row=row_ids[hrow],
        columns=roles, filled=filled, merged_cells=len(merged_filled),
        blank_rows_dropped=dropped, file_rows=file_rows, rows_above_header=above,
        header_width=n_header, extra_fields=extra,
    )  # fmt: skip
    df.attrs = {"source": str(path)}
    _log_read(df, report)
    return df, report


def _read_rows(
    path: Path, *, sheet: str | int | None, encoding: str | None, sep: str | None
) -> tuple[list[list[Any]], list[int], list[tuple[int, int]], str | None, str]:
    """Read the cells of a CSV or workbook, as rows of equal width.

    Returns the rows, each row's 0-based row in the file, the (row, column) positions filled
    from merged cells, the sheet read (``None`` for a CSV) and the encoding (``"xlsx"`` for a
    workbook).
    """
    if not path.exists():
        raise FileNotFoundError(f"no table at {str(path)!r}: check the path")
    suffix = path.suffix.lower()
    merged_filled: list[tuple[int, int]] = []
    sheet_name: str | None = None
    if suffix in (".xlsx", ".xlsm"):
        rows, row_ids, merged_filled, sheet_name = _read_xlsx_rows(path, sheet)
        enc = "xlsx"
    elif suffix in (".csv", ".txt", ".tsv"):
        if suffix == ".tsv" and sep is None:
            sep = "\t"
        rows, row_ids, enc = _read_csv_rows(path, encoding, sep)
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
    # the width is set by the last non-blank cell (trailing blank cells hold nothing)
    width = max(_last_filled(r) for r in rows)
    _check_size(path, len(rows), width)
    rows = [r[:width] + [None] * (width - len(r)) if len(r) != width else r for r in rows]
    return rows, row_ids, merged_filled, sheet_name, enc


def _header_position(
    path: Path, rows: list[list[Any]], row_ids: list[int], header: int | None
) -> int:
    """Return the position in ``rows`` of the header: found, or the file row ``header``."""
    if header is None:
        return _find_header(rows)
    if header not in row_ids:
        raise ValidationError(
            f"header={header} is not a row with data in {path.name}: the first rows with "
            f"data are {row_ids[:5]} (0-based)"
        )
    return row_ids.index(header)


def _fill_down(
    data: dict[str, list[Any]], roles: dict[str, str], filled: dict[str, list[int]]
) -> None:
    """Fill blank province and amphoe cells with the value above, noting them in ``filled``.

    An amphoe cell is only filled when its province is the same as the row above's. ``data``
    and ``filled`` are updated in place (they are the reader's own, not the caller's).
    """
    pcol, acol = roles.get("province"), roles.get("amphoe")
    for col in [c for c in (pcol, acol) if c is not None]:
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


def _typed_frame(data: dict[str, list[Any]], *, code: str | None, dtype_str: bool) -> pd.DataFrame:
    """Build the frame: text by default, whole numbers as Int64 unless they look like codes."""
    df = pd.DataFrame(data)
    for col in df.columns:
        s = df[col]
        if dtype_str or col == code or _header_key(col).startswith(("รหัส", "code", "pcode")):
            df[col] = _as_str(s)
            continue
        num = _as_int(s)
        df[col] = num if num is not None else _as_str(s)
    return df


def _log_read(df: pd.DataFrame, report: ReadReport) -> None:
    """Log what :func:`read_table_with_report` dropped, filled and returned."""
    name = Path(report.path).name
    if report.blank_rows_dropped:
        log.info("read_table dropped %d wholly blank row(s) of %s", report.blank_rows_dropped,
                 name)  # fmt: skip
    if report.filled:
        log.info(
            "read_table filled down %s",
            ", ".join(f"{len(v)} cell(s) of {k!r}" for k, v in report.filled.items()),
        )
    log.info(
        "read_table returned %s rows x %d columns from %s (%s, header row %d, columns %s)",
        f"{len(df):,}",
        df.shape[1],
        name,
        report.encoding,
        report.header_row,
        report.columns,
    )


def _as_str(s: pd.Series) -> pd.Series:
    def conv(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        return v if isinstance(v, str) else str(v)

    return pd.Series([conv(v) for v in s], index=s.index, dtype="str", name=s.name)


_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_THOUSANDS = re.compile(r"^-?[1-9][0-9]{0,2}(?:,[0-9]{3})+$")


def _as_int(s: pd.Series) -> pd.Series | None:
    vals = [v for v in s if v is not None and not (isinstance(v, float) and v != v)]
    if not vals:
        return None
    out: list[int | NAType] = []
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


#: The public names of this module.
__all__ = [
    "HEADERS",
    "ReadReport",
    "detect_columns",
    "read_table",
    "read_table_with_report",
]
