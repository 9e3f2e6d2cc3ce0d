"""Import the plan spreadsheets councils fill in: one row per plan item, Thai or English headers.

The file is read with :func:`tambon_gis.tables.read_table` (any encoding Thai Excel writes),
its typed tambon names are matched with :func:`tambon_gis.matching.match_areas`, every row is
checked, and the file is stored all or nothing: one problem rejects the file, and the report
names every problem's row, column, value and what to do. Importing the same file twice stores
nothing the second time; a changed item becomes a new revision of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._deprecation import UNSET, renamed_keyword
from tambon_gis._errors import ImportRejectedError, SchemaError, ValidationError
from tambon_gis._frames import rows as frame_rows
from tambon_gis._logging import get_logger
from tambon_gis.matching import MATCHED, MatchReport, match_areas
from tambon_gis.monitoring import ImportReport, MonitoringStore
from tambon_gis.monitoring import io as mio
from tambon_gis.periods import to_arabic_digits, to_be
from tambon_gis.plans.vocabulary import vocabulary_lookup
from tambon_gis.tables import _header_key, detect_columns
from tambon_gis.vocabulary import (
    PLAN_STATUSES,
    PLAN_TYPES,
    issue_key,
    parse_plan_status,
    parse_plan_type,
    split_issues,
)

log = get_logger(__name__)

#: Header names recognised for each field, as keys of :func:`tambon_gis.tables._header_key`
#: (lower case; spaces, dots, underscores, hyphens and brackets removed).
FIELDS: dict[str, tuple[str, ...]] = {
    "item_no": ("ลำดับ", "ลำดับที่", "ข้อ", "ข้อที่", "ที่", "ลำดับกิจกรรม", "itemno", "item", "no",
                "number", "itemnumber"),
    "plan_type": ("ประเภทแผน", "แผน", "ชนิดแผน", "plantype", "plan", "type"),
    "first_fy": ("ปีเริ่มต้น", "ปีงบประมาณเริ่มต้น", "ปีแรก", "ปีเริ่ม", "ตั้งแต่ปี", "ปีเริ่มต้นแผน",
                 "firstfy", "fromfy", "firstyear", "startfy", "startyear"),
    "last_fy": ("ปีสิ้นสุด", "ถึงปี", "ปีงบประมาณสิ้นสุด", "ปีสุดท้าย", "ปีสิ้นสุดแผน", "lastfy", "tofy",
                "lastyear", "endfy", "endyear"),
    "years": ("ปีของแผน", "ช่วงปีของแผน", "ปีงบประมาณของแผน", "ระยะเวลาแผน", "ช่วงปี", "ระยะเวลา",
              "fiscalyears", "planyears", "years", "period"),
    "status": ("สถานะแผน", "สถานะ", "สถานะของแผน", "planstatus", "status"),
    "activity": ("กิจกรรม", "โครงการ", "กิจกรรม/โครงการ", "โครงการ/กิจกรรม", "ชื่อโครงการ",
                 "ชื่อกิจกรรม", "activity", "project", "itemname", "activityname"),
    "issues": ("ประเด็นนโยบาย", "ประเด็น", "ประเด็นนโยบายที่เกี่ยวข้อง", "ประเด็นนโยบายสาธารณะ",
               "policyissue", "policyissues", "issues", "issue"),
    "budget": ("งบประมาณ", "งบประมาณบาท", "งบ", "จำนวนเงิน", "budget", "amount", "budgetbaht"),
    "budget_fy": ("ปีงบประมาณ", "ปีงบ", "ปีที่ใช้งบ", "budgetfy", "fiscalyear", "fy", "budgetyear"),
    "budget_source": ("แหล่งงบประมาณ", "แหล่งงบ", "แหล่งที่มางบประมาณ", "ที่มางบประมาณ",
                      "budgetsource", "fundingsource", "source", "funding"),
    "lead_agency": ("หน่วยงานหลัก", "หน่วยงานรับผิดชอบ", "หน่วยงานรับผิดชอบหลัก", "ผู้รับผิดชอบ",
                    "หน่วยงานนำ", "leadagency", "lead", "responsible"),
    "partners": ("หน่วยงานร่วม", "หน่วยงานภาคี", "ภาคี", "ภาคีร่วม", "หน่วยงานสนับสนุน", "partners",
                 "partneragencies", "partner"),
    "indicators": ("ตัวชี้วัด", "รหัสตัวชี้วัด", "ตัวชี้วัดที่เกี่ยวข้อง", "kpi", "kpis",
                   "indicatorids", "indicators", "indicatorid", "indicator"),
    "note": ("หมายเหตุ", "note", "notes", "remark", "remarks"),
}  # fmt: skip
_LOOKUP = {k: f for f, keys in FIELDS.items() for k in keys}
#: ``งบประมาณ 2566``, ``งบปี 2567 (บาท)``, ``budget_fy2566``: the budget of one fiscal year.
_BUDGET_YEAR = re.compile(
    r"^(?:งบประมาณ|งบ|budget)(?:ปีงบประมาณ|ปี|fy)?(\d{4}|\d{2})(?:บาท|baht|thb)?$"
)
_YEAR = re.compile(r"(\d{4})")
_REPORT = ("row", "column", "tambon_code", "plan", "value", "reason")
_MAX_SPAN = 20  # years a plan may cover
_MAX_ITEM = 99_999  # the largest item number: a plan has a few dozen items, never 10^5
#: The suffix :func:`tambon_gis.tables.read_table` gives the second of two equal headers.
_REPEATED = re.compile(r"^(?P<base>.+)_(?P<n>\d+)$")


class PlanImportReport(ImportReport):
    """What a plan import did, or why the file was rejected.

    As :class:`tambon_gis.monitoring.ImportReport`; the counts are of plan items (plan rows
    without an activity count as plans only). ``rejected`` has the columns ``row``, ``column``,
    ``tambon_code``, ``plan`` (type and first fiscal year), ``value`` and ``reason``.

    Attributes
    ----------
    n_plans_added, n_plans_revised, n_plans_unchanged : int
        What became of the plans (type, years and status) the file names.
    match : MatchReport or None
        How every row's typed tambon was matched (:func:`tambon_gis.matching.match_areas`).
    """

    _columns = _REPORT

    def __init__(
        self,
        name: str,
        *,
        match: MatchReport | None = None,
        plans: tuple[int, int, int] = (0, 0, 0),
        **kwargs: Any,
    ) -> None:
        self.match = match
        self.n_plans_added, self.n_plans_revised, self.n_plans_unchanged = plans
        super().__init__(name, **kwargs)
        self._title = repr(self)

    def __repr__(self) -> str:
        text = super().__repr__().replace("ImportReport(", "PlanImportReport(", 1)
        if self.status == "imported":
            text = text[:-1] + (
                f"; plans: {self.n_plans_added} added, {self.n_plans_revised} revised, "
                f"{self.n_plans_unchanged} unchanged)"
            )
        return text

    def summary(self, max_rows: int = 20) -> str:
        """Return a readable text of the report with up to ``max_rows`` problems."""
        lines = [repr(self)]
        if self.ignored_columns:
            lines.append(f"  columns not stored: {', '.join(self.ignored_columns)}")
        for r in frame_rows(self._frame.head(max_rows)):
            where = f"row {r.row}" + (f", column {r.column!r}" if r.column else "")
            lines.append(f"  {where}: {r.reason}")
        if len(self._frame) > max_rows:
            lines.append(f"  ... and {len(self._frame) - max_rows} more (see report.rejected)")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- reading


def _fields(
    df: pd.DataFrame, *, read: bool = False
) -> tuple[dict[str, str], dict[int, str], list[str]]:
    """Return ``({field: column}, {fiscal year: budget column}, ignored columns)``.

    ``read``: the table was read from a file, where a header typed twice arrives as ``X`` and
    ``X_2`` (:func:`tambon_gis.tables.read_table` keeps both): that is refused, not half-read.
    """
    location = set(detect_columns(df).values())
    fields: dict[str, str] = {}
    budgets: dict[int, str] = {}
    ignored: list[str] = []
    columns = [str(c) for c in df.columns]
    for col in df.columns:
        if col in location:
            continue
        rep = _REPEATED.match(str(col)) if read else None
        if (rep and int(rep.group("n")) <= len(columns)
                and rep.group("base") in columns[: columns.index(str(col))]):
            raise SchemaError(
                f"two columns are headed {rep.group('base')!r} (the second was read as "
                f"{str(col)!r}): a column typed twice would be stored from one of them only; "
                "keep one of them, or give each its own header"
            )
        key = to_arabic_digits(_header_key(col))
        field = _LOOKUP.get(key)
        m = _BUDGET_YEAR.match(key)
        if field is not None and field in fields:
            raise SchemaError(
                f"two columns hold {FIELDS[field][0]!r} ({field}): {fields[field]!r} and "
                f"{col!r}; keep one of them"
            )
        if field is not None:
            fields[field] = col
        elif m:
            digits = m.group(1)
            year = _fiscal_year(digits if len(digits) == 4 else f"25{digits}")
            if year is not None and year in budgets:
                raise SchemaError(
                    f"two columns hold the budget of FY{year}: {budgets[year]!r} and {col!r}; "
                    "keep one of them (or add them up into one)"
                )
            if year is None:
                ignored.append(str(col))
            else:
                budgets[year] = col
        else:
            ignored.append(str(col))
    return fields, budgets, ignored


def _fiscal_year(text: object) -> int | None:
    """Read a fiscal year: BE (2566, ๒๕๖๖, พ.ศ. 2566, ปีงบประมาณ 2566) or CE (2023); else None."""
    found = _YEAR.findall(to_arabic_digits(str(text)))
    if len(found) != 1:
        return None
    year = int(found[0])
    if 2500 <= year <= 2700:
        return year
    if 1957 <= year <= 2157:
        return to_be(year)
    return None


def _years(text: str) -> tuple[int | None, int | None] | None:
    """Read ``2566-2570`` (or one year) as (first, last); None when it is not that."""
    found = _YEAR.findall(to_arabic_digits(text))
    if not 1 <= len(found) <= 2:
        return None
    years = [_fiscal_year(y) for y in found]
    if any(y is None for y in years):
        return None
    return years[0], years[-1]


def _hash(*parts: object) -> int:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# ----------------------------------------------------------------------------- import


def import_plans(
    store: MonitoringStore,
    source: str | Path | pd.DataFrame,
    *,
    sheet: str | int | None = None,
    gdf: Any = None,
    recorded_by: str | None = None,
    on_error: str = "raise",
    boundaries: Any = UNSET,
) -> PlanImportReport:
    """Import a plan spreadsheet into the store, all or nothing.

    One row per plan item. The columns are recognised from their Thai or English headers:
    where (``จังหวัด``, ``อำเภอ``, ``ตำบล`` typed by hand, or ``รหัสตำบล``), the plan
    (``ประเภทแผน``: แผนพัฒนาตำบล / แผนพัฒนาเกษตรกรรมระดับตำบล; ``ปีเริ่มต้น`` and ``ถึงปี``, or
    ``ปีของแผน`` such as ``2566-2570``; ``สถานะแผน``: ยังไม่มีแผน, อยู่ระหว่างจัดทำ, ประกาศใช้แล้ว,
    อยู่ระหว่างทบทวน) and the item (``ลำดับ``, ``กิจกรรม/โครงการ``, ``ประเด็นนโยบาย`` — several
    separated by ``,`` ``;`` or ``/``, any alias of the vocabulary —, ``งบประมาณ 2566`` ...
    one column per fiscal year, or ``งบประมาณ`` with ``ปีงบประมาณ``, ``แหล่งงบประมาณ``,
    ``หน่วยงานหลัก``, ``หน่วยงานร่วม``, ``ตัวชี้วัด`` (indicator ids of the store),
    ``หมายเหตุ``). A row with a plan but no activity records the plan alone (e.g. a tambon
    whose plan is still being drafted). Other columns are read, listed in the report and not
    stored.

    Parameters
    ----------
    store : MonitoringStore
        The store (SQLite or PostgreSQL). On PostgreSQL an editor writes the plans of the
        tambons in its scope only; a row outside it rejects the file.
    source : str, Path or DataFrame
        A CSV or Excel file, or a table of text cells.
    sheet : str or int, optional
        The Excel sheet (default: the first visible one).
    gdf : GeoDataFrame, optional
        Passed to :func:`tambon_gis.matching.match_areas` (tells apart tambons of one name).
    recorded_by : str, optional
        Who recorded the plans; default the store's user.
    on_error : {"raise", "report"}
        On a rejected file, raise :class:`~tambon_gis.errors.ImportRejectedError` (its
        ``.report`` lists the rows) or return the report.
    boundaries : GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    PlanImportReport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from tambon_gis.monitoring import open_store
    >>> from tambon_gis.plans import import_plans, plan_items
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "plans.sqlite")
    >>> sheet = pd.DataFrame({
    ...     "จังหวัด": ["จ.น่าน", "น่าน"], "อำเภอ": ["อ.ปัว", "ปัว"], "ตำบล": ["ต.ศิลาแลง", "ศิลาแลง"],
    ...     "ประเภทแผน": ["แผนพัฒนาเกษตรกรรมระดับตำบล"] * 2, "ปีของแผน": ["2566-2570"] * 2,
    ...     "สถานะแผน": ["ประกาศใช้แล้ว"] * 2, "ลำดับ": ["1", "2"],
    ...     "กิจกรรม/โครงการ": ["ธนาคารเมล็ดพันธุ์", "โฉนดชุมชน"],
    ...     "ประเด็นนโยบาย": ["ความมั่นคงทางอาหาร", "ที่ดินและป่าไม้"],
    ...     "งบประมาณ 2566": ["50,000", "๑๒๐๐๐๐"]})
    >>> import_plans(store, sheet)
    PlanImportReport('table': imported — 2 rows: 2 added, 0 revised, 0 unchanged; plans: 1 added, 0 revised, 0 unchanged)
    >>> plan_items(store)[["tambon_code", "item_no", "issues", "budget"]].values.tolist()
    [['550504', 1, 'food_security', 50000.0], ['550504', 2, 'forest_land', 120000.0]]
    >>> store.close()
    """  # noqa: E501
    gdf = renamed_keyword("import_plans", "boundaries", "gdf", boundaries, gdf)
    if on_error not in ("raise", "report"):
        raise ValidationError(f"on_error={on_error!r}: expected 'raise' or 'report'")
    if not isinstance(store, MonitoringStore):
        raise ValidationError(
            f"store is a {type(store).__name__}: expected a MonitoringStore; open one with "
            "tambon_gis.monitoring.open_store(path)"
        )
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        df.columns = [str(c).strip() for c in df.columns]
        twice = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
        if twice:
            raise SchemaError(
                f"the table has two columns named {twice[0]!r}"
                + (f" (and {', '.join(map(repr, twice[1:]))})" if twice[1:] else "")
                + ": a column typed twice would be read from one of them only; keep one of "
                "them, or rename the other"
            )
        df = df.astype(object).where(df.notna(), "").astype(str).reset_index(drop=True)
        rows_no = list(range(2, len(df) + 2))  # as a spreadsheet: row 1 is the header
        extra_fields: dict[int, int] = {}
        name, digest = "table", mio.frame_hash(df)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no file {str(path)!r} to import: check the path")
        df, file_rows = mio.read_any(path, sheet=sheet)
        rows_no = file_rows.rows.tolist()
        extra_fields = file_rows.extra_fields
        name, digest = path.name, mio.file_hash(path)
    else:
        raise ValidationError(
            f"source is a {type(source).__name__}: expected the path of a CSV or Excel file, "
            "or a pandas DataFrame"
        )
    digest = "plans:" + digest
    if store.read_sql("SELECT 1 FROM imports WHERE file_hash = ?", (digest,)).shape[0]:
        log.info("%s was already imported: nothing added", name)
        return PlanImportReport(name, status="already imported", layout="plans",
                                file_hash=digest)  # fmt: skip
    fields, budget_cols, ignored = _fields(df, read=not isinstance(source, pd.DataFrame))
    where = detect_columns(df)
    # a workbook is read from its first visible sheet: the plans may be on another one
    other_sheet = (
        "; if the plans are on another sheet of the workbook, name it (sheet=..., --sheet)"
        if sheet is None and name.lower().endswith((".xlsx", ".xlsm", ".xls")) else ""
    )  # fmt: skip
    if "tambon" not in where and "code" not in where:
        raise SchemaError(
            f"{name}: no tambon column (ตำบล) and no code column (รหัสตำบล) among "
            f"{list(df.columns)}: name the columns as in the template "
            f"(จังหวัด, อำเภอ, ตำบล or รหัสตำบล){other_sheet}"
        )
    for needed in ("plan_type", "status"):
        if needed not in fields:
            raise SchemaError(
                f"{name}: no {needed} column (e.g. {FIELDS[needed][0]!r}) among "
                f"{list(df.columns)}: add it, or name it as in the template{other_sheet}"
            )
    if "first_fy" not in fields and "years" not in fields:
        raise SchemaError(
            f"{name}: no column with the plan's fiscal years (ปีของแผน such as 2566-2570, or "
            f"ปีเริ่มต้น and ถึงปี) among {list(df.columns)}: add it{other_sheet}"
        )
    match = match_areas(
        df, gdf=gdf, province=where.get("province"), amphoe=where.get("amphoe"),
        tambon=where.get("tambon"), code=where.get("code"),
    )  # fmt: skip
    rows, plans, problems = _validate(store, df, rows_no, fields, budget_cols, match,
                                      extra_fields=extra_fields)  # fmt: skip
    if not problems and store.backend == "postgresql":
        problems = _out_of_scope(store, rows, plans)
    n_rows = int((rows["activity"] != "").sum()) if len(rows) else 0
    if problems:
        rejected = pd.DataFrame(problems, columns=list(_REPORT)).sort_values("row", kind="stable")
        report = PlanImportReport(
            name, status="rejected", layout="plans", n_rows=len(df), ignored_columns=ignored,
            rejected=rejected, file_hash=digest, match=match,
        )  # fmt: skip
        if on_error == "raise":
            raise ImportRejectedError(
                report.summary(20) + "\nFix these rows and import the file again.", report
            )
        log.warning("%s", report.summary(10))
        return report
    who = recorded_by or store.user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction() as con:
        if con.execute("SELECT 1 FROM imports WHERE file_hash = ?", (digest,)).fetchone():
            return PlanImportReport(name, status="already imported", layout="plans",
                                    file_hash=digest, match=match)  # fmt: skip
        plan_key = ["tambon_code", "plan_type", "first_fy"]
        plan_counts, new_plans = _changes(store, plans, "plans", plan_key)
        items = rows[rows["activity"] != ""]
        item_counts, new_items = _changes(store, items, "plan_items", [*plan_key, "item_no"])
        cur = con.execute(
            "INSERT INTO imports (file_name, file_hash, layout, n_rows, n_added, n_revised, "
            "n_unchanged, imported_by, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (name, digest, "plans", n_rows, *item_counts, who, now),
        )
        import_id = cur.lastrowid
        _insert_plans(con, new_plans, import_id, who, now)
        _insert_items(con, new_items, import_id, who, now)
    report = PlanImportReport(
        name, status="imported", layout="plans", n_rows=n_rows, n_added=item_counts[0],
        n_revised=item_counts[1], n_unchanged=item_counts[2], ignored_columns=ignored,
        file_hash=digest, match=match, plans=plan_counts,
    )  # fmt: skip
    log.info("%r", report)
    return report


@dataclass
class _File:
    """What every row of one file is checked against."""

    df: pd.DataFrame
    rows_no: list[int]
    fields: dict[str, str]
    budget_cols: dict[int, str]
    matched: pd.DataFrame
    match: MatchReport
    lookup: dict[str, str]
    names: list[str]
    catalogue: set[str]
    extra_fields: dict[int, int] = dataclasses.field(default_factory=dict)  # row: cells
    text: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # stripped cells

    def __post_init__(self) -> None:
        self.text = {str(c): self.df[c].astype(str).str.strip().tolist() for c in self.df.columns}
        self.match_rows = self.matched[["tambon_code", "status", "candidates", "note"]].to_dict(
            "records"
        )
        # numbers are parsed once per column, vectorised
        self.numbers: dict[str, tuple[list[float], list[bool]]] = {}
        for col in [*self.budget_cols.values(), *([self.fields["budget"]]
                                                  if "budget" in self.fields else [])]:
            text = pd.Series(self.text[str(col)]).str.replace("บาท", "", regex=False).str.strip()
            values, bad = mio.parse_numbers(text)
            self.numbers[str(col)] = (values.tolist(), bad.tolist())

    def cell(self, field: str, i: int) -> str:
        col = self.fields.get(field)
        return "" if col is None else self.text[col][i]

    def raw(self, column: str, i: int) -> str:
        return self.text[column][i]


class _Row:
    """The problems of one row, each naming its column, value and what to do."""

    def __init__(self, row: int) -> None:
        self.row = row
        self.bad: list[dict[str, Any]] = []

    def flag(self, column: str | None, value: Any, reason: str) -> None:
        self.bad.append({"row": self.row, "column": column or "", "value": str(value),
                         "reason": reason})  # fmt: skip

    def flagged(self, *columns: str | None) -> bool:
        return any(b["column"] in columns for b in self.bad)


_TYPES_OK = ", ".join(f"{th} ({k})" for k, (th, _, _) in PLAN_TYPES.items())
_STATUSES_OK = ", ".join(f"{th} ({k})" for k, (th, _, _) in PLAN_STATUSES.items())


def _validate(
    store: MonitoringStore,
    df: pd.DataFrame,
    rows_no: list[int],
    fields: dict[str, str],
    budget_cols: dict[int, str],
    match: MatchReport,
    *,
    extra_fields: dict[int, int],
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Check every row; return (item rows, plans, problems).

    ``extra_fields`` are ``{row: cells}`` of the rows with more cells than the header.
    """
    lookup, names = vocabulary_lookup(store)
    f = _File(df, rows_no, fields, budget_cols, match.to_frame(), match, lookup, names,
              set(store.indicators()["indicator_id"]),
              dict(extra_fields))  # fmt: skip
    problems: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    keys: list[tuple[int, str, str, int, int]] = []  # every row's item key, rejected or not
    empty = np.ones(len(df), dtype=bool)
    for values in f.text.values():
        empty &= np.asarray([v == "" for v in values], dtype=bool)
    for i in range(len(df)):
        if empty[i]:
            continue  # an empty line of the sheet: nothing to store, nothing lost
        r = _Row(rows_no[i] if i < len(rows_no) else i + 2)
        n_cells = f.extra_fields.get(r.row)
        if n_cells is not None:
            r.flag("", f"{n_cells} cells",
                   f"row {r.row} has {n_cells} cells, more than the header: a value holds the "
                   "separator (a budget typed 143,000 without quotes, say) or a cell was added; "
                   "quote the value or fix the row")  # fmt: skip
        code = _where(f, i, r)
        ptype, status, first, last = _plan_fields(f, i, r)
        item_no, issues = _item_fields(f, i, r, status)
        budgets = _budgets(f, i, r, first, last)
        if code and ptype and first is not None and item_no is not None:
            keys.append((r.row, code, ptype, first, item_no))
        for b in r.bad:
            b["tambon_code"] = code or ""
            b["plan"] = f"{ptype or f.cell('plan_type', i)} {first or ''}".strip()
        problems.extend(r.bad)
        if r.bad:
            continue
        out.append({
            "row": r.row, "tambon_code": code, "plan_type": ptype, "first_fy": first,
            "last_fy": last, "status": status, "activity": f.cell("activity", i),
            "item_no": item_no or 0, "issues": "|".join(issues),
            "lead_agency": f.cell("lead_agency", i),
            "partners": "|".join(split_issues(f.cell("partners", i))),
            "indicator_ids": "|".join(split_issues(f.cell("indicators", i))),
            "note": f.cell("note", i), "budget_source": f.cell("budget_source", i),
            "budgets": json.dumps({str(k): v for k, v in sorted(budgets.items())}),
        })  # fmt: skip
    cols = ["row", "tambon_code", "plan_type", "first_fy", "last_fy", "status", "activity",
            "item_no", "issues", "lead_agency", "partners", "indicator_ids", "note",
            "budget_source", "budgets"]  # fmt: skip
    rows = pd.DataFrame(out, columns=cols)
    plans = _plans_of(rows, fields, problems)
    _duplicates(keys, problems)
    return rows, plans, problems


def _where(f: _File, i: int, r: _Row) -> str | None:
    """Return the row's tambon code, or flag it naming the candidates."""
    m = f.match_rows[i]
    if m["status"] in MATCHED:
        return str(m["tambon_code"])
    typed = " ".join(f.raw(str(c), i) for c in f.match.columns.values()).strip()
    cands = m["candidates"] if isinstance(m["candidates"], str) else "none"
    r.flag(
        f.match.columns.get("tambon", f.match.columns.get("code", "")), typed,
        f"tambon {typed!r} is {m['status']} ({m['note']}); candidates: {cands}. Type the "
        "province and amphoe with it, or give the 6-digit code (รหัสตำบล)",
    )  # fmt: skip
    return None


def _plan_fields(
    f: _File, i: int, r: _Row
) -> tuple[str | None, str | None, int | None, int | None]:
    """Return the row's plan: (type, status, first fiscal year, last fiscal year)."""
    ptype = parse_plan_type(f.cell("plan_type", i))
    if ptype is None:
        r.flag(f.fields["plan_type"], f.cell("plan_type", i),
               f"plan type {f.cell('plan_type', i)!r} is not known: expected {_TYPES_OK}")
    status = parse_plan_status(f.cell("status", i))
    if status is None:
        r.flag(f.fields["status"], f.cell("status", i),
               f"plan status {f.cell('status', i)!r} is not known: expected {_STATUSES_OK}")
    first = last = None
    for field, what in (("first_fy", "first fiscal year"), ("last_fy", "last fiscal year")):
        text = f.cell(field, i)
        if text:
            year = _fiscal_year(text)
            if year is None:
                r.flag(f.fields[field], text,
                       f"{what} {text!r} is not a year: type it as 2566 (BE)")  # fmt: skip
            first, last = (year, last) if field == "first_fy" else (first, year)
    if f.cell("years", i):
        span = _years(f.cell("years", i))
        if span is None:
            r.flag(f.fields["years"], f.cell("years", i),
                   f"the plan's fiscal years {f.cell('years', i)!r} are not a year or a "
                   "range: type them as 2566-2570 (BE)")  # fmt: skip
        else:
            if (first is not None and first != span[0]) or (last is not None and last != span[1]):
                r.flag(f.fields["years"], f.cell("years", i),
                       "the plan's years disagree with its first and last year columns: keep "
                       "one of them")  # fmt: skip
            first, last = span
    where = f.fields.get("years", f.fields.get("first_fy"))
    if first is None and not r.flagged(f.fields.get("first_fy"), f.fields.get("years")):
        r.flag(where, "", "the plan's first fiscal year is missing: type the years as 2566-2570"
               + ("; a tambon with no plan needs no row at all (a plan is kept by its years)"
                  if status == "none" else ""))  # fmt: skip
    if first is not None and last is None and not r.flagged(f.fields.get("last_fy")):
        r.flag(f.fields.get("last_fy", where), "",
               f"the plan's last fiscal year is missing: type the years as {first}-{first + 4} "
               "(or the first and the last year)")  # fmt: skip
    if first is not None and last is not None and not 0 <= last - first < _MAX_SPAN:
        r.flag(f.fields.get("years", f.fields.get("last_fy")), f"{first}-{last}",
               f"a plan's years run forward and at most {_MAX_SPAN} years: {first}-{last} is "
               "not that")  # fmt: skip
    return ptype, status, first, last


def _item_fields(
    f: _File, i: int, r: _Row, status: str | None
) -> tuple[int | None, list[str]]:
    """Return the row's item: (number, issue ids); a plan-only row has neither."""
    activity, item_text = f.cell("activity", i), f.cell("item_no", i)
    issues: list[str] = []
    if not (activity or item_text):
        has_budget = f.cell("budget", i) or any(
            f.raw(str(c), i) for c in f.budget_cols.values()
        )
        if status is not None and (f.cell("issues", i) or has_budget):
            r.flag(f.fields.get("activity", "activity"), "",
                   "the row has policy issues or a budget but no activity: type the activity")
        return None, issues
    if not activity:
        r.flag(f.fields.get("activity", "activity"), "",
               f"item {item_text!r} has no activity: type what the item does, or delete the "
               "item number for a row that only records the plan")  # fmt: skip
    elif not any(ch.isalnum() for ch in activity):  # "-", "...", "?": a placeholder
        r.flag(f.fields["activity"], activity,
               f"activity {activity!r} says nothing: type what the item does, or leave "
               "the activity and the item number blank for a row that only records the "
               "plan")  # fmt: skip
    item_no = None
    txt = to_arabic_digits(item_text).strip()
    txt = txt.removesuffix(".0") if txt.endswith(".0") else txt.removesuffix(".")  # 1.0, "1."
    if not txt.isdigit() or not 1 <= int(txt) <= _MAX_ITEM:
        r.flag(f.fields.get("item_no", "ลำดับ"), item_text,
               f"item number {item_text!r} is missing or not a whole number from 1 to "
               f"{_MAX_ITEM:,}: number the plan's items 1, 2, 3 ...")  # fmt: skip
    else:
        item_no = int(txt)
    for part in split_issues(f.cell("issues", i)):
        ident = f.lookup.get(issue_key(part))
        if ident is None:
            r.flag(f.fields["issues"], part,
                   f"policy issue {part!r} is not in the vocabulary ({', '.join(f.names)}): use "
                   "one of them, or add it with tambon_gis.plans.add_policy_issues (tambon-gis "
                   "plans add-issues)")  # fmt: skip
        elif ident not in issues:
            issues.append(ident)
    known = ", ".join(sorted(f.catalogue)) or "none yet"
    for part in split_issues(f.cell("indicators", i)):
        if part not in f.catalogue:
            r.flag(f.fields["indicators"], part,
                   f"indicator {part!r} is not in the store's catalogue ({known}): use its id, "
                   "or add it with set_indicators first")  # fmt: skip
    return item_no, issues


def _budgets(
    f: _File, i: int, r: _Row, first: int | None, last: int | None
) -> dict[int, float]:
    """Return the row's budget per fiscal year (a column per year, or a budget and its year)."""
    amounts = [(fy, col, f.raw(str(col), i)) for fy, col in f.budget_cols.items()]
    if f.cell("budget", i):
        fy = _fiscal_year(f.cell("budget_fy", i)) if f.cell("budget_fy", i) else None
        if fy is None and first is not None and first == last:
            fy = first
        if fy is None:
            r.flag(f.fields.get("budget_fy", f.fields["budget"]), f.cell("budget_fy", i),
                   "the budget has no fiscal year: fill ปีงบประมาณ (e.g. 2566) or use one column "
                   "per year (งบประมาณ 2566, งบประมาณ 2567 ...)")  # fmt: skip
        else:
            amounts.append((fy, f.fields["budget"], f.cell("budget", i)))
    budgets: dict[int, float] = {}
    column_of: dict[int, str] = {}
    for fy, col, text in amounts:
        if not text:
            continue
        if fy in column_of:  # งบประมาณ 2566 and งบประมาณ + ปีงบประมาณ 2566: never added up
            r.flag(col, text,
                   f"the budget of FY{fy} is in two columns ({column_of[fy]!r} and {col!r}): "
                   "keep it in one of them")  # fmt: skip
            continue
        column_of[fy] = str(col)
        values, wrong = f.numbers[str(col)]
        value = values[i]
        if wrong[i] or not value >= 0:
            r.flag(col, text,
                   f"budget {text!r} is not a number of baht ≥ 0 (e.g. 120,000): leave the cell "
                   "blank when the item has no budget that year")  # fmt: skip
        elif first is not None and last is not None and not first <= fy <= last:
            r.flag(col, text, f"budget of FY{fy} is outside the plan's years {first}-{last}")
        else:
            budgets[fy] = budgets.get(fy, 0.0) + float(value)
    return budgets


def _plans_of(
    rows: pd.DataFrame, fields: dict[str, str], problems: list[dict[str, Any]]
) -> pd.DataFrame:
    """One record per plan; rows of one plan that disagree on its years or status are refused."""
    key = ["tambon_code", "plan_type", "first_fy"]
    if rows.empty:
        return pd.DataFrame(columns=[*key, "last_fy", "status", "row"])
    grouped = rows.groupby(key, sort=False)
    for col, field in (("last_fy", "years"), ("status", "status")):
        n_values = grouped[col].transform("nunique")
        for r in frame_rows(rows[n_values > 1]):
            same = rows[(rows[key] == [r.tambon_code, r.plan_type, r.first_fy]).all(axis=1)]
            values = same[col].astype(str).unique()
            problems.append({
                "row": r.row, "column": fields.get(field, fields.get("last_fy", "")),
                "tambon_code": r.tambon_code, "plan": f"{r.plan_type} {r.first_fy}",
                "value": str(getattr(r, col)),
                "reason": f"the rows of one plan give different {col} "
                          f"({', '.join(values)}): make them agree",
            })  # fmt: skip
    return rows.groupby(key, sort=False, as_index=False).agg(
        last_fy=("last_fy", "first"), status=("status", "first"), row=("row", "first")
    )


def _duplicates(keys: list[tuple[int, str, str, int, int]], problems: list[dict[str, Any]]) -> None:
    """Refuse every row whose item key (tambon, type, first year, item number) repeats."""
    rows_of: dict[tuple[str, str, int, int], list[int]] = {}
    for row, code, ptype, first, item_no in keys:
        rows_of.setdefault((code, ptype, first, item_no), []).append(row)
    for (code, ptype, first, item_no), rows in rows_of.items():
        if len(rows) < 2:
            continue
        for row in rows:
            problems.append({
                "row": row, "column": "", "tambon_code": code, "plan": f"{ptype} {first}",
                "value": str(item_no),
                "reason": f"item {item_no} of this plan is in rows {', '.join(map(str, rows))}: "
                          "give each item its own number",
            })  # fmt: skip


def _out_of_scope(
    store: MonitoringStore, rows: pd.DataFrame, plans: pd.DataFrame
) -> list[dict[str, Any]]:
    codes = sorted(set(plans["tambon_code"]))
    if not codes:
        return []
    denied = store.read_sql(
        "SELECT t FROM unnest(?::text[]) AS x(t) WHERE NOT tambon_gis_may_write_plan(t)", (codes,)
    )
    if denied.empty:
        return []
    out = []
    bad = set(denied["t"])
    for r in frame_rows(rows[rows["tambon_code"].isin(bad)]):
        out.append({
            "row": r.row, "column": "", "tambon_code": r.tambon_code,
            "plan": f"{r.plan_type} {r.first_fy}", "value": r.tambon_code,
            "reason": f"tambon {r.tambon_code} is outside the scope of {store.user!r}: ask an "
                      "administrator of the store, or the editor of that changwat",
        })  # fmt: skip
    return out


def _changes(
    store: MonitoringStore, new: pd.DataFrame, table: str, key: list[str]
) -> tuple[tuple[int, int, int], pd.DataFrame]:
    """Compare with the current revisions: ((added, revised, unchanged), rows to write)."""
    new = new.copy()
    if table == "plans":
        content = ["last_fy", "status"]
    else:
        content = ["activity", "issues", "lead_agency", "partners", "indicator_ids", "note",
                   "budget_source", "budgets"]  # fmt: skip
    new["row_hash"] = [_hash(*vals) for vals in frame_rows(new[content])]
    current = store.read_sql(f"SELECT {', '.join(key)}, revision, row_hash FROM current_{table}")
    if len(new) == 0:
        return (0, 0, 0), new.assign(revision=pd.Series(dtype="int64"))
    current = current.rename(columns={"revision": "old_revision", "row_hash": "old_hash"})
    for col in key:
        if col != "tambon_code" and col != "plan_type":
            current[col] = current[col].astype("int64")
            new[col] = new[col].astype("int64")
    merged = new.merge(current, on=key, how="left")
    unchanged = (merged["old_hash"] == merged["row_hash"]).fillna(False).astype(bool)
    write = merged.loc[~unchanged].copy()
    write["revision"] = write["old_revision"].fillna(0).astype("int64") + 1
    n_revised = int(write["old_revision"].notna().sum())
    return (len(write) - n_revised, n_revised, int(unchanged.sum())), write


def _next_id(con: Any, table: str, column: str) -> int:
    return int(con.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0]) + 1


def _insert_plans(con: Any, plans: pd.DataFrame, import_id: int, who: str, now: str) -> None:
    if plans.empty:
        return
    start = _next_id(con, "plans", "plan_rev_id")
    records = [
        (start + n, r.tambon_code, r.plan_type, int(r.first_fy), int(r.last_fy), r.status, "",
         int(r.revision), int(r.row_hash), import_id, int(r.row), who, now)
        for n, r in enumerate(frame_rows(plans))
    ]  # fmt: skip
    con.executemany(
        "INSERT INTO plans (plan_rev_id, tambon_code, plan_type, first_fy, last_fy, status, note, "
        "revision, row_hash, import_id, source_row, recorded_by, recorded_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        records,
    )


def _insert_items(con: Any, items: pd.DataFrame, import_id: int, who: str, now: str) -> None:
    if items.empty:
        return
    start = _next_id(con, "plan_items", "item_rev_id")
    ids = np.arange(start, start + len(items))
    records = [
        (int(ident), r.tambon_code, r.plan_type, int(r.first_fy), int(r.item_no), r.activity,
         r.issues, r.lead_agency, r.partners, r.indicator_ids, r.note, int(r.revision),
         int(r.row_hash), import_id, int(r.row), who, now)
        for ident, r in zip(ids, frame_rows(items), strict=True)
    ]  # fmt: skip
    con.executemany(
        "INSERT INTO plan_items (item_rev_id, tambon_code, plan_type, first_fy, item_no, "
        "activity, issues, lead_agency, partners, indicator_ids, note, revision, row_hash, "
        "import_id, source_row, recorded_by, recorded_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        records,
    )
    budgets = [
        (int(ident), int(fy), float(amount), r.budget_source)
        for ident, r in zip(ids, frame_rows(items), strict=True)
        for fy, amount in json.loads(r.budgets).items()
    ]
    if budgets:
        con.executemany(
            "INSERT INTO plan_budgets (item_rev_id, fiscal_year, amount, source) "
            "VALUES (?,?,?,?)",
            budgets,
        )
