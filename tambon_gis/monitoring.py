"""Monitor joint KPIs per tambon and fiscal quarter: a store that loses nothing.

A monitoring store is one SQLite file holding

- the **operation areas** of a programme (tambon code, programme or cohort, lead agency,
  start date),
- the **indicator catalogue** (id, Thai and English names, unit, owning agency or ``joint``,
  direction — higher or lower is better — and aggregation rule — ``sum``, ``mean`` or
  ``share``), with **targets** per fiscal year for all areas or one area,
- the **observations** (area, indicator, fiscal quarter, value, source, note, who and when
  recorded). Observations are never overwritten: a correction is a new revision; reports use
  the latest revision and the whole history stays queryable.

Imports from CSV or Excel (long or wide) are all-or-nothing per file (one ``BEGIN IMMEDIATE``
transaction), idempotent (a file already imported, or a row whose content has not changed, adds
nothing) and validated: every problem is collected and the file is rejected with a report of
rows and reasons. Several processes may write at once (WAL mode, busy timeout); a process
killed mid-import leaves the store as it was.

Examples
--------
>>> import tempfile, pathlib
>>> from tambon_gis.monitoring import open_store
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = open_store(folder / "kpi.sqlite", name="นำร่อง", fiscal_years=(2566, 2566))
>>> store.set_areas(["320101", "320102"], programme="cohort 1", lead_agency="พอช.")
>>> store.set_indicators([{"indicator_id": "savings", "name_th": "ครัวเรือนที่มีเงินออม",
...     "name_en": "Households saving", "unit": "ครัวเรือน", "direction": "higher",
...     "aggregation": "sum"}])
>>> store.set_targets([{"indicator_id": "savings", "fiscal_year": 2566, "target": 40}])
>>> import pandas as pd
>>> obs = pd.DataFrame({"tambon_code": ["320101", "320102"], "indicator_id": "savings",
...     "period": "ไตรมาส 1/2566", "value": ["12", "5"]})
>>> store.import_table(obs, name="q1")
ImportReport('q1': imported — 2 rows: 2 added, 0 revised, 0 unchanged)
>>> st = store.status("Q1 FY2566")
>>> st.to_frame()[["tambon_code", "value", "expected", "status"]]
  tambon_code  value  expected     status
0      320101   12.0      10.0   on track
1      320102    5.0      10.0  off track
>>> store.close()
"""

from __future__ import annotations

import datetime as dt
import getpass
import html
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis import _monitoring_io as mio
from tambon_gis import _store_shapes
from tambon_gis import _store_sql as _sql
from tambon_gis._errors import (
    AccessDeniedError,
    CorruptFileError,
    DataNotFoundError,
    ImportRejectedError,
    ReadOnlyError,
    SchemaError,
    StoreBusyError,
    StoreConnectionError,
    ValidationError,
    excerpt,
)
from tambon_gis._export import write_csv
from tambon_gis._logging import get_logger, progress
from tambon_gis.periods import Period, parse_period, quarter, quarters_between

#: What a damaged SQLite file raises: its own errors, or undecodable text read from it.
_SQLITE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)

log = get_logger(__name__)

SCHEMA_VERSION = "3"  # 2: area_shapes, published_status (_store_shapes); 3: plans (_store_plans)

#: Status names, their Thai text and colour-blind-safe colours (Okabe–Ito palette). "no data"
#: is a neutral grey and never shares a colour with a failure.
STATUSES: dict[str, dict[str, str]] = {
    "on track": {"th": "เป็นไปตามเป้าหมาย", "colour": "#0072B2", "symbol": "●"},
    "at risk": {"th": "มีความเสี่ยง", "colour": "#F0E442", "symbol": "▲"},
    "off track": {"th": "ไม่เป็นไปตามเป้าหมาย", "colour": "#D55E00", "symbol": "■"},
    "no target": {"th": "ยังไม่กำหนดเป้าหมาย", "colour": "#F2F2F2", "symbol": "○"},
    "no data": {"th": "ไม่มีข้อมูล", "colour": "#BBBBBB", "symbol": "·"},
}

_STATUS_TH = {k: v["th"] for k, v in STATUSES.items()}
_REPORT_COLUMNS = ["row", "column", "tambon_code", "indicator_id", "period", "value"]
_STATUS_COLOUR = {k: v["colour"] for k, v in STATUSES.items()}

#: Default thresholds on the ratio of actual to expected: at least ``ON_TRACK`` is on track,
#: at least ``AT_RISK`` is at risk, below is off track.
ON_TRACK = 0.9
AT_RISK = 0.7

#: Roll-up levels and the columns that name their groups.
LEVELS: dict[str, tuple[str, str]] = {
    "amphoe": ("amphoe_code", "amphoe_th"),
    "changwat": ("changwat_code", "changwat_th"),
    "region": ("region", "region_en"),
    "programme": ("programme", "programme"),
    "all": ("all", "all"),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS areas (
    tambon_code TEXT PRIMARY KEY CHECK (length(tambon_code) = 6),
    programme TEXT NOT NULL DEFAULT '',
    lead_agency TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    tambon_th TEXT, tambon_en TEXT, amphoe_code TEXT, amphoe_th TEXT,
    changwat_code TEXT, changwat_th TEXT
);
CREATE TABLE IF NOT EXISTS indicators (
    indicator_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT 'joint',
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'mean', 'share')),
    min_value REAL,
    max_value REAL
);
CREATE TABLE IF NOT EXISTS targets (
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id),
    fiscal_year INTEGER NOT NULL,
    tambon_code TEXT NOT NULL DEFAULT '*',
    target REAL NOT NULL,
    PRIMARY KEY (indicator_id, fiscal_year, tambon_code)
);
CREATE TABLE IF NOT EXISTS imports (
    import_id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL UNIQUE,
    layout TEXT NOT NULL,
    n_rows INTEGER NOT NULL,
    n_added INTEGER NOT NULL,
    n_revised INTEGER NOT NULL,
    n_unchanged INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    obs_id INTEGER PRIMARY KEY,
    tambon_code TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    value REAL NOT NULL,
    denominator REAL,
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    revision INTEGER NOT NULL,
    row_hash INTEGER NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(import_id),
    source_row INTEGER,
    UNIQUE (tambon_code, indicator_id, period, revision)
);
CREATE TABLE IF NOT EXISTS current (
    tambon_code TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    value REAL NOT NULL,
    denominator REAL,
    revision INTEGER NOT NULL,
    obs_id INTEGER NOT NULL,
    row_hash INTEGER NOT NULL,
    area_int INTEGER NOT NULL,       -- the tambon code as a number, for fast status reads
    indicator_int INTEGER NOT NULL,  -- rowid of the indicator
    PRIMARY KEY (period, tambon_code, indicator_id)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS latest_observations AS
    SELECT o.* FROM observations AS o JOIN current AS c ON c.obs_id = o.obs_id;
CREATE TRIGGER IF NOT EXISTS observations_no_update BEFORE UPDATE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: import the correction as a new revision');
END;
CREATE TRIGGER IF NOT EXISTS observations_no_delete BEFORE DELETE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: they are never deleted');
END;
"""


# ============================================================================ result objects


class _Table:
    """A result that is a table with a title: repr, HTML, ``to_frame`` and CSV export."""

    _title = ""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def to_frame(self) -> pd.DataFrame:
        """Return the result as a new DataFrame."""
        return self._frame.copy()

    def to_csv(self, path: str | Path) -> Path:
        """Write the table as UTF-8 CSV with a BOM (so Excel shows Thai); return the path."""
        path = Path(path)
        write_csv(self._frame, path)  # formula text neutralised (issue 12)
        return path

    def __len__(self) -> int:
        return len(self._frame)

    def _repr_html_(self) -> str:
        return f"<h4>{html.escape(self._title)}</h4>" + self._frame.head(200).to_html(
            index=False, na_rep="–", escape=True
        )


class ImportReport(_Table):
    """What an import did, or why the file was rejected.

    Attributes
    ----------
    name : str
        The file name (or the name given to a table).
    status : {"imported", "already imported", "rejected"}
    n_rows, n_added, n_revised, n_unchanged : int
        Observations read from the file, and what became of them.
    n_empty_cells : int
        Empty cells of a wide file (not observations: nothing was reported there).
    ignored_columns : list of str
        Descriptive columns that were read but are not stored (e.g. ``tambon_th``).
    rejected : pandas.DataFrame
        One row per problem: ``row`` (spreadsheet row), ``column``, ``tambon_code``,
        ``indicator_id``, ``period``, ``value`` and ``reason``.
    """

    _columns: tuple[str, ...] = (
        "row", "column", "tambon_code", "indicator_id", "period", "value", "reason",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        *,
        status: str,
        layout: str = "",
        n_rows: int = 0,
        n_added: int = 0,
        n_revised: int = 0,
        n_unchanged: int = 0,
        n_empty_cells: int = 0,
        ignored_columns: Sequence[str] = (),
        rejected: pd.DataFrame | None = None,
        file_hash: str = "",
    ) -> None:
        cols = list(self._columns)
        rejected = pd.DataFrame(columns=cols) if rejected is None else rejected[cols]
        super().__init__(rejected.reset_index(drop=True))
        self.name, self.status, self.layout = name, status, layout
        self.n_rows, self.n_added, self.n_revised = n_rows, n_added, n_revised
        self.n_unchanged, self.n_empty_cells = n_unchanged, n_empty_cells
        self.ignored_columns = list(ignored_columns)
        self.file_hash = file_hash
        self._title = repr(self)

    @property
    def rejected(self) -> pd.DataFrame:
        """The rejected rows with their reasons (empty unless the file was rejected)."""
        return self._frame.copy()

    @property
    def ok(self) -> bool:
        """``True`` unless the file was rejected."""
        return self.status != "rejected"

    def __repr__(self) -> str:
        if self.status == "rejected":
            n_rows = self._frame["row"].nunique()
            return (
                f"ImportReport({self.name!r}: rejected — {len(self._frame)} problem(s) in "
                f"{n_rows} row(s) of {self.n_rows}; nothing was stored)"
            )
        if self.status == "already imported":
            return f"ImportReport({self.name!r}: already imported — nothing added)"
        return (
            f"ImportReport({self.name!r}: {self.status} — {self.n_rows} rows: {self.n_added} "
            f"added, {self.n_revised} revised, {self.n_unchanged} unchanged)"
        )

    def summary(self, max_rows: int = 20) -> str:
        """Return a readable text of the report with up to ``max_rows`` problems."""
        lines = [repr(self)]
        if self.n_empty_cells:
            lines.append(f"  {self.n_empty_cells} empty cell(s): not reported, nothing stored")
        if self.ignored_columns:
            lines.append(f"  descriptive columns not stored: {', '.join(self.ignored_columns)}")
        for r in self._frame.head(max_rows).itertuples(index=False):
            where = f"row {r.row}" + (f", column {r.column!r}" if r.column != "value" else "")
            lines.append(f"  {where}: {r.reason}")
        if len(self._frame) > max_rows:
            lines.append(f"  ... and {len(self._frame) - max_rows} more (see report.rejected)")
        return "\n".join(lines)


class StatusTable(_Table):
    """Progress against target per area and indicator for one fiscal quarter.

    ``to_frame()`` has one row per operation area and indicator (areas that did not report are
    there with status ``"no data"``): ``value`` (latest revision), ``ytd`` (fiscal-year-to-date
    sum for ``sum`` indicators), ``target`` (annual), ``expected`` (the pro-rata share of the
    target due by the end of the quarter for ``sum`` indicators, else the target), ``actual``,
    ``ratio`` (actual over expected, inverted when lower is better), ``status``, ``status_th``,
    ``colour``, ``trend`` and ``missing_quarters``; ``ytd_actual``, ``ytd_target`` and
    ``fy_target`` are ``actual``, ``expected`` and ``target`` under names that say what they
    hold.
    """

    def __init__(self, frame: pd.DataFrame, period: Period) -> None:
        super().__init__(frame)
        self.period = period
        self._title = f"KPI status {period.label} ({period.label_en})"

    def summary(self) -> pd.DataFrame:
        """Count areas per indicator and status (every status is a column, in order)."""
        counts = pd.crosstab(self._frame["indicator_id"], self._frame["status"])
        counts = counts.reindex(columns=list(STATUSES), fill_value=0)
        counts.columns.name = None
        return counts.reset_index()

    def __repr__(self) -> str:
        counts = self._frame["status"].value_counts()
        parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
        n_areas = self._frame["tambon_code"].nunique()
        n_ind = self._frame["indicator_id"].nunique()
        head = f"{self.period.label_en}: {n_areas} areas × {n_ind} indicators"
        return f"StatusTable({head} — {parts})"


class Rollup(_Table):
    """Indicators aggregated to amphoe, changwat, region or programme for one quarter.

    ``to_frame()`` has one row per group and indicator: ``n_areas`` (operation areas in the
    group), ``n_reporting`` (areas with a value), ``reporting`` (``"n_reporting/n_areas"``),
    ``completeness``, ``value`` (the quarter's value, aggregated with the indicator's rule over
    the reporting areas), ``ytd_actual`` (fiscal-year-to-date actual for ``sum`` indicators,
    else the quarter's value), ``ytd_target`` (the target due by the end of the quarter) and
    ``fy_target`` (full-year target), both over the reporting areas that have a target,
    ``ratio`` (``ytd_actual / ytd_target``, inverted when lower is better) and ``status``
    (on track when ``ratio >= 0.9``, at risk from 0.7, else off track). ``actual``,
    ``expected`` and ``target`` are the former names of ``ytd_actual``, ``ytd_target`` and
    ``fy_target``.
    """

    def __init__(self, frame: pd.DataFrame, period: Period, level: str) -> None:
        super().__init__(frame)
        self.period, self.level = period, level
        self._title = f"Roll-up by {level}, {period.label} ({period.label_en})"

    def __repr__(self) -> str:
        n = self._frame["group"].nunique() if len(self._frame) else 0
        rep = int(self._frame["n_reporting"].sum()) if len(self._frame) else 0
        tot = int(self._frame["n_areas"].sum()) if len(self._frame) else 0
        return (
            f"Rollup({self.period.label_en} by {self.level}: {n} groups, "
            f"{rep}/{tot} area-indicator values reported)"
        )


# ============================================================================ status arithmetic


def classify(
    actual: Any,
    expected: Any,
    *,
    direction: Any = "higher",
    on_track: float = ON_TRACK,
    at_risk: float = AT_RISK,
) -> tuple[np.ndarray, np.ndarray]:
    """Compare actual values with expected ones and return ``(ratio, status)`` arrays.

    Parameters
    ----------
    actual, expected : array-like of float
        NaN actual means no data; NaN expected means no target.
    direction : str or array-like of str
        ``"higher"`` or ``"lower"`` is better, per element or for all.
    on_track, at_risk : float
        Thresholds on the ratio (actual / expected, or expected / actual when lower is
        better).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The ratio (``inf`` when a zero target is met by any value, or a lower-is-better value
        is zero) and the status text.

    Notes
    -----
    A zero target is met by any value when higher is better, and only by zero when lower is
    better (any positive value is then off track).

    Examples
    --------
    >>> from tambon_gis.monitoring import classify
    >>> ratio, status = classify([9, 7, 1, None, 3, 0, 2], [10, 10, 10, 10, None, 0, 0],
    ...     direction=["higher"] * 5 + ["higher", "lower"])
    >>> status.tolist()
    ['on track', 'at risk', 'off track', 'no data', 'no target', 'on track', 'off track']
    >>> classify([4], [5], direction="lower")[1].tolist()
    ['on track']
    """
    a, e = (
        x.astype(float) if isinstance(x, np.ndarray) and x.dtype.kind in "fiu"
        else np.asarray(pd.to_numeric(pd.Series(x, dtype="object"), errors="coerce"), dtype=float)
        for x in (actual, expected)
    )  # fmt: skip
    d = np.broadcast_to(np.asarray(direction, dtype=object), a.shape)
    lower = d == "lower"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_hi = np.where(e == 0, np.inf, a / e)
        ratio_lo = np.where(a == 0, np.inf, np.where(e == 0, 0.0, e / a))
    ratio = np.where(lower, ratio_lo, ratio_hi)
    ratio = np.where(np.isnan(a) | np.isnan(e), np.nan, ratio)
    status = np.select(
        [np.isnan(a), np.isnan(e), ratio >= on_track, ratio >= at_risk],
        ["no data", "no target", "on track", "at risk"],
        default="off track",
    ).astype(object)
    return ratio, status


def _trend(matrix: np.ndarray, direction: np.ndarray, *, tolerance: float = 0.05) -> np.ndarray:
    """Classify the slope of each row of ``matrix`` (periods in columns, NaN = missing)."""
    n, k = matrix.shape
    out = np.full(n, "", dtype=object)
    if k < 2 or n == 0:
        return out
    x = np.broadcast_to(np.arange(k, dtype=float), matrix.shape)
    valid = ~np.isnan(matrix)
    count = valid.sum(axis=1)
    xv = np.where(valid, x, 0.0)
    yv = np.where(valid, matrix, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx = xv.sum(axis=1) / count
        my = yv.sum(axis=1) / count
        dx = np.where(valid, x - mx[:, None], 0.0)
        dy = np.where(valid, matrix - my[:, None], 0.0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
        scale = np.where(np.abs(my) > 0, np.abs(my), 1.0)
        rel = slope / scale
    sign = np.where(direction == "lower", -1.0, 1.0)
    enough = count >= 2
    out[enough & (np.abs(rel) < tolerance)] = "stable"
    out[enough & (rel * sign >= tolerance)] = "improving"
    out[enough & (rel * sign <= -tolerance)] = "worsening"
    return out


#: Arrows shown for the trend values.
TREND_ARROWS = {"improving": "↗", "worsening": "↘", "stable": "→", "": ""}


# ============================================================================ the store


def _writable(path: Path) -> bool:
    """Whether this process may write the store file and its folder (WAL needs both)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def _connect_read_only(path: Path, *, timeout: float) -> sqlite3.Connection:
    """Open a store for reading only: ``mode=ro``, else ``immutable=1`` (a read-only share).

    A store in WAL mode needs its ``-shm`` file even to read; in a folder without write
    access SQLite cannot create it, and ``immutable=1`` reads the file as it is.
    """
    from urllib.parse import quote

    base = "file:" + quote(str(path.resolve()))
    last: sqlite3.Error | None = None
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            con = sqlite3.connect(base + flags, uri=True, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            con.execute("PRAGMA query_only = ON")
            con.execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.OperationalError as exc:
            con.close()
            last = exc
            if "no such table" in str(exc):
                break
            continue
        except _SQLITE_ERRORS as exc:
            con.close()
            raise _store_error(path, exc) from exc
        log.info("opened the store %s read-only (%s)", path, flags.lstrip("?"))
        return con
    assert last is not None
    raise _store_error(path, last)


def _store_error(path: Path, exc: BaseException) -> Exception:
    """Turn a raw ``sqlite3`` error into the library's error naming the store file."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(
            f"the monitoring store {str(path)!r} cannot be written ({text}): there is no write "
            "access to the file or its folder. Copy it to a folder you may write to, or ask "
            "for write access; reading it (status, report) needs none"
        )
    if "locked" in text or "busy" in text:
        return StoreBusyError(
            f"the monitoring store {str(path)!r} is busy ({text}): another program holds it. "
            "Wait for it to finish (or close it) and try again"
        )
    if "no such table" in text:
        return CorruptFileError(
            f"{str(path)!r} is an SQLite file but not a monitoring store ({text}). Pass the "
            "store file written by tambon-gis monitor import (or open_store)"
        )
    if (isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)) \
            or isinstance(exc, UnicodeDecodeError) \
            or "not a database" in text or "malformed" in text or "unable to open" in text:
        return CorruptFileError(
            f"{str(path)!r} is not a readable monitoring store ({text}): it is not an SQLite "
            "file, or it is damaged. Check the path; restore the store from a backup, or "
            "build it again with tambon-gis monitor import"
        )
    return CorruptFileError(f"the monitoring store {str(path)!r} failed: {text}")


class MonitoringStore:
    """A monitoring store: one SQLite file of areas, indicators, targets and observations.

    Open one with :func:`open_store`. The object holds one connection; use it as a context
    manager or call :meth:`close`. Every write is one ``BEGIN IMMEDIATE`` transaction, so
    several processes can write to the same file at once and a killed process leaves the
    store as it was.

    Parameters
    ----------
    path : str or Path
        The store file (``.sqlite``, ``.db`` or ``.gpkg``).
    create : bool
        Create the file when it does not exist (otherwise raise ``FileNotFoundError``).
    timeout : float
        Seconds to wait for another writer before giving up.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        timeout: float = 120.0,
        read_only: bool | None = None,
    ) -> None:
        self.path: Path | None = None
        self.read_only = False
        if _sql.is_postgres_address(path):
            self._con = _sql.connect(str(path), timeout=timeout)
            self._label = self._con.label
            try:
                self._create_pg()
            except BaseException:
                self._con.rollback()
                self._con.close()
                raise
            return
        self.path = _sql.sqlite_path(path)
        self._label = str(self.path)
        if not self.path.exists() and not create:
            raise DataNotFoundError(
                f"no monitoring store at {str(self.path)!r}: check the path, or create one with "
                "open_store(path) (tambon-gis monitor import creates it too)"
            )
        if self.path.is_dir():
            raise DataNotFoundError(
                f"{str(self.path)!r} is a folder, not a monitoring store: pass the store file, "
                "e.g. kpi.sqlite"
            )
        if read_only is None:  # no write access to the file or its folder: read, never write
            read_only = self.path.exists() and not _writable(self.path)
        self.read_only = bool(read_only)
        if self.read_only:
            if not self.path.exists():
                raise DataNotFoundError(f"no monitoring store at {str(self.path)!r} to read")
            self._con = _sql.SQLiteDB(
                self.path, timeout=timeout, con=_connect_read_only(self.path, timeout=timeout)
            )
            self._check_version()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = _sql.connect(self.path, timeout=timeout)
        except sqlite3.OperationalError as exc:
            raise DataNotFoundError(
                f"the monitoring store {str(self.path)!r} cannot be opened ({exc}): check the "
                "path and that you may read it"
            ) from exc
        except _SQLITE_ERRORS as exc:
            raise _store_error(self.path, exc) from exc
        try:
            self._con.executescript(
                "BEGIN IMMEDIATE;\n" + _SCHEMA + "\nINSERT OR IGNORE INTO meta VALUES "
                "('schema_version', '1');\n" + _store_shapes.sqlite_upgrade_script() + "\nCOMMIT;"
            )
            self._check_version()
        except BaseException as exc:
            self._con.rollback()
            self._con.close()
            if isinstance(exc, _SQLITE_ERRORS):
                raise _store_error(self.path, exc) from exc
            raise

    def _check_version(self) -> None:
        version = self.meta.get("schema_version", "0")
        if not version.isdigit() or int(version) > int(SCHEMA_VERSION):
            raise ValidationError(
                f"the store {self._label!r} has schema version {version!r}, newer than this "
                f"tambon_gis understands ({SCHEMA_VERSION}): upgrade tambon_gis"
            )

    def _create_pg(self) -> None:
        """Create the schema on a PostgreSQL store, or upgrade it, once (writers queue)."""
        import psycopg

        from tambon_gis import _store_pg

        try:
            version = _store_pg.exists(self._con)
        except psycopg.errors.InsufficientPrivilege:
            raise AccessDeniedError(
                f"{self._con.user!r} has no access to the store {self._label!r}: ask an "
                "administrator of the store to grant it (tambon-gis monitor grant)"
            ) from None
        if version == SCHEMA_VERSION:
            return
        self._con.begin_write()
        version = _store_pg.exists(self._con)
        if version is None or (version.isdigit() and int(version) < int(SCHEMA_VERSION)):
            _store_pg.create_schema(self._con, SCHEMA_VERSION)  # creates or upgrades
            log.info("store %s: schema %s -> %s", self._label, version, SCHEMA_VERSION)
        self._con.commit()
        self._check_version()

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._con.dialect

    @property
    def user(self) -> str:
        """Who the store records as having written: the database user, or the login name."""
        return self._con.user or _login()

    @property
    def _name(self) -> str:
        return self.path.name if self.path is not None else self._label

    # ------------------------------------------------------------------ access (PostgreSQL)

    def grant_access(
        self,
        user: str,
        *,
        role: str,
        changwats: Sequence[str] | str | None = None,
        agency: str | None = None,
    ) -> None:
        """Give a database user a role in this PostgreSQL store, and an editor a scope.

        Parameters
        ----------
        user : str
            An existing database user (login role).
        role : {"reader", "editor", "admin"}
            Readers read everything; editors also import observations within their scope;
            administrators also set up the programme and manage access.
        changwats : str or list of str, optional
            For an editor: the 2-digit changwat codes whose tambons it may write.
        agency : str, optional
            For an editor: its agency; it writes that agency's indicators, and joint
            indicators within its areas (its changwats, or the areas its agency leads).
        """
        from tambon_gis import _store_pg

        self._pg_only("grant_access")
        _store_pg.grant(self._con, user, role=role, changwats=changwats, agency=agency)

    def revoke_access(self, user: str) -> None:
        """Take a database user's access to this PostgreSQL store away."""
        from tambon_gis import _store_pg

        self._pg_only("revoke_access")
        _store_pg.revoke(self._con, user)

    def access(self) -> pd.DataFrame:
        """Return who may do what: ``db_user``, ``role``, ``changwats``, ``agency``."""
        from tambon_gis import _store_pg

        self._pg_only("access")
        return _store_pg.access(self._con)

    # ------------------------------------------------------------------ boundaries and GIS

    def set_boundaries(self, gdf: Any = None) -> int:
        """Store the outlines of the operation areas, so the store maps without other files.

        Parameters
        ----------
        gdf : GeoDataFrame, optional
            Tambon boundaries with ``tambon_code``; default
            :func:`tambon_gis.load_boundaries`. Only the operation areas are kept.

        Returns
        -------
        int
            The number of outlines stored.
        """
        return _store_shapes.set_boundaries(self, gdf)

    def boundaries(self) -> Any:
        """Return the stored outlines with the areas' names, as a GeoDataFrame (EPSG:4326)."""
        return _store_shapes.boundaries(self)

    def publish_status(self, period: str | Period) -> int:
        """Write the status of a quarter into the store for GIS clients; return the row count.

        On PostgreSQL the view ``area_status`` (areas, geometry and this status) is registered
        in ``geometry_columns`` (MultiPolygon, EPSG:4326): QGIS opens it as a layer.
        """
        return _store_shapes.publish_status(self, _as_quarter(period))

    def _pg_only(self, what: str) -> None:
        if self.backend != "postgresql":
            raise ValidationError(
                f"{what}: a SQLite store is one user's file and has no access control; use a "
                "PostgreSQL store (open_store('postgresql://...')) for shared access"
            )

    def _out_of_scope(self, rows: pd.DataFrame) -> pd.DataFrame:
        from tambon_gis import _store_pg

        return _store_pg.out_of_scope(self._con, rows)

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One all-or-nothing write transaction that waits for other writers."""
        if self.read_only:
            raise ReadOnlyError(
                f"the monitoring store {self._label!r} is open read-only (no write access to "
                "the file or its folder), so nothing can be imported or changed. Copy it to a "
                "folder you may write to, or ask for write access, and run the import again"
            )
        try:
            self._con.begin_write()
        except Exception as exc:
            self._raise_lost(exc)
            if isinstance(exc, _SQLITE_ERRORS) and self.path is not None:
                raise _store_error(self.path, exc) from exc
            raise
        try:
            yield self._con
        except BaseException as exc:
            self._con.rollback()
            self._raise_lost(exc)
            if (
                isinstance(exc, sqlite3.DatabaseError)
                and not isinstance(exc, sqlite3.IntegrityError)
                and self.path is not None
            ):
                raise _store_error(self.path, exc) from exc
            raise
        else:
            try:
                self._con.commit()
            except Exception as exc:
                self._raise_lost(exc)
                raise

    def _raise_lost(self, exc: BaseException) -> None:
        """Turn a dropped server connection or a refused write into the library's errors."""
        if self._con.dialect != "postgresql":
            return
        import psycopg

        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise AccessDeniedError(
                f"{self._con.user!r} may not do this in the store {self._label!r}: "
                f"{str(exc).splitlines()[0]}; ask an administrator of the store for access"
            ) from None
        if self._con.is_connection_error(exc):
            raise StoreConnectionError(
                f"the connection to the store {self._label!r} was lost during a write: the "
                "server rolled the transaction back, so nothing of it was stored; run it again "
                "(the store reconnects)"
            ) from None

    def transaction(self) -> Any:
        """Return one all-or-nothing write transaction (a context manager yielding the connection).

        For modules that keep their own tables in the store (:mod:`tambon_gis.plans`): writers
        queue (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), a failure rolls
        everything back, and refused or lost writes become the library's errors.
        """
        return self._write()

    def read_sql(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run one read-only SQL statement (``?`` placeholders) and return its rows as a table."""
        return self._query(sql, params)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        try:
            cur = self._con.execute(sql, params)
            cols = [c[0] for c in cur.description]
            rows = cur.fetchall()
        except _SQLITE_ERRORS as exc:
            raise _store_error(self.path, exc) from exc
        return pd.DataFrame(rows, columns=cols)

    def close(self) -> None:
        """Close the connection (the store stays consistent whether or not this is called)."""
        self._con.close()

    def __enter__(self) -> MonitoringStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        n = self._con.execute
        counts = (
            n("SELECT count(*) FROM areas").fetchone()[0],
            n("SELECT count(*) FROM indicators").fetchone()[0],
            n("SELECT count(*) FROM current").fetchone()[0],
            n("SELECT count(*) FROM observations").fetchone()[0],
        )
        name = self.meta.get("name", "")
        return (
            f"MonitoringStore({self._label!r}{', ' + repr(name) if name else ''}: "
            f"{counts[0]} areas, {counts[1]} indicators, {counts[2]} observations, "
            f"{counts[3]} revisions stored)"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>"

    # ------------------------------------------------------------------ programme set-up

    @property
    def meta(self) -> dict[str, str]:
        """The programme settings (name, first and last fiscal year, schema version)."""
        return dict(self._con.execute("SELECT key, value FROM meta").fetchall())

    @property
    def fiscal_years(self) -> tuple[int, int] | None:
        """The first and last fiscal year (BE) of the programme, or ``None`` if not set."""
        m = self.meta
        if "first_fiscal_year" not in m:
            return None
        return int(m["first_fiscal_year"]), int(m["last_fiscal_year"])

    def configure(
        self, *, name: str | None = None, fiscal_years: tuple[int, int] | int | None = None
    ) -> None:
        """Set the programme name and the fiscal years (BE) observations may fall in.

        Parameters
        ----------
        name : str, optional
            Programme name, shown in reports.
        fiscal_years : int or (int, int), optional
            One fiscal year or the first and last; e.g. ``(2566, 2567)``.
        """
        updates: dict[str, str] = {}
        if name is not None:
            updates["name"] = str(name)
        if fiscal_years is not None:
            first, last = (
                (fiscal_years, fiscal_years) if isinstance(fiscal_years, int) else fiscal_years
            )
            for fy in (first, last):
                if not 2400 <= int(fy) <= 2700:
                    raise ValidationError(
                        f"fiscal year {fy!r} is not a Buddhist Era year: expected e.g. 2566 "
                        "(ปีงบประมาณ 2566 = Oct 2022 – Sep 2023)"
                    )
            if int(first) > int(last):
                raise ValidationError(
                    f"fiscal_years={fiscal_years!r}: the first year comes after the last; "
                    "give (first, last)"
                )
            updates["first_fiscal_year"], updates["last_fiscal_year"] = str(first), str(last)
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", updates.items())
        log.info("configured store %s: %s", self._name, updates)

    def set_areas(
        self,
        table: pd.DataFrame | str | Path | Iterable[str],
        *,
        programme: str | None = None,
        lead_agency: str | None = None,
        start_date: str | dt.date | None = None,
    ) -> None:
        """Add or update the operation areas of the programme.

        Parameters
        ----------
        table : DataFrame, path or iterable of codes
            Columns ``tambon_code`` and optionally ``programme``, ``lead_agency``,
            ``start_date``; or a CSV/Excel file of them; or just tambon codes.
        programme, lead_agency, start_date : optional
            Values for rows that do not give their own.

        Raises
        ------
        ValidationError
            Listing every malformed or unknown tambon code and unreadable start date.
        """
        from tambon_gis import gazetteer

        df = _as_frame(table, "tambon_code")
        if "tambon_code" not in df.columns:
            raise SchemaError(
                f"the areas table has no tambon_code column (columns: {list(df.columns)[:10]}): "
                "add the 6-digit DOPA code of each operation area"
            )
        df = df.copy()
        df["tambon_code"] = mio.normalise_codes(df["tambon_code"])
        for col, default in (
            ("programme", programme),
            ("lead_agency", lead_agency),
            ("start_date", start_date),
        ):
            if col not in df.columns:
                df[col] = "" if default is None else str(default)
            else:
                df[col] = df[col].fillna("" if default is None else str(default)).astype(str)
        index = gazetteer.tambons().set_index("tambon_code")
        problems = []
        starts = []
        for i, r in enumerate(df.itertuples(index=False), start=2):
            code = r.tambon_code
            if not (len(code) == 6 and code.isdigit()):
                problems.append(f"row {i}: tambon_code {code!r} is not a 6-digit DOPA code")
            elif code not in index.index:
                problems.append(f"row {i}: {_unknown_tambon_reason(code)}")
            start = str(r.start_date).strip()
            if start in ("", "nan", "None", "NaT"):
                starts.append(None)
                continue
            try:
                p = parse_period(start)
                starts.append(p.start.isoformat())
            except ValueError as exc:
                problems.append(f"row {i}: start_date {start!r}: {exc}")
                starts.append(None)
        dupes = df["tambon_code"][df["tambon_code"].duplicated()].unique().tolist()
        if dupes:
            problems.append(f"tambon codes listed more than once: {dupes[:10]}")
        if problems:
            raise ValidationError(
                f"{len(problems)} problem(s) in the operation areas; nothing was stored:\n  "
                + "\n  ".join(problems[:50])
            )
        df["start_date"] = starts
        names = index.loc[df["tambon_code"]]
        rows = [
            (
                r.tambon_code, r.programme, r.lead_agency, r.start_date,
                n.tambon_th, n.tambon_en, n.amphoe_code, n.amphoe_th, n.changwat_code,
                n.changwat_th,
            )
            for r, n in zip(df.itertuples(index=False), names.itertuples(), strict=True)
        ]  # fmt: skip
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO areas VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        log.info("set %d operation area(s) in %s", len(rows), self._name)

    def set_indicators(self, table: pd.DataFrame | str | Path | Iterable[dict]) -> None:
        """Add or update indicators of the catalogue.

        Parameters
        ----------
        table : DataFrame, path or iterable of dicts
            Columns ``indicator_id``, ``name_th`` (required), ``name_en``, ``unit``, ``owner``
            (agency or ``joint``), ``direction`` (``higher``/``lower``, default higher),
            ``aggregation`` (``sum``/``mean``/``share``), ``min_value``, ``max_value``. A
            ``share`` without bounds gets 0–1, or 0–100 when its unit is ``%``.

        Raises
        ------
        ValidationError
            Listing every problem found.
        """
        df = _as_frame(table, "indicator_id").copy()
        required = ["indicator_id", "name_th", "aggregation"]
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise SchemaError(
                f"the indicator table lacks {missing} (columns: {list(df.columns)[:10]}): "
                "give indicator_id, name_th and aggregation (sum, mean or share)"
            )
        defaults = (("name_en", ""), ("unit", ""), ("owner", "joint"), ("direction", "higher"))
        for col, default in defaults:
            if col not in df.columns:
                df[col] = default
            df[col] = df[col].fillna(default).astype(str).str.strip()
            df.loc[df[col] == "", col] = default
        problems: list[str] = []
        rows = []
        for i, r in enumerate(df.to_dict("records"), start=2):
            iid = str(r["indicator_id"]).strip()
            agg = str(r["aggregation"]).strip().lower()
            direction = str(r["direction"]).strip().lower()
            if not iid:
                problems.append(f"row {i}: indicator_id is empty")
            if not str(r["name_th"]).strip():
                problems.append(f"row {i}: indicator {iid!r} has no Thai name (name_th)")
            if agg not in ("sum", "mean", "share"):
                problems.append(
                    f"row {i}: indicator {iid!r}: aggregation {agg!r} is not one of sum, mean, "
                    "share"
                )
            if direction not in ("higher", "lower"):
                problems.append(
                    f"row {i}: indicator {iid!r}: direction {direction!r} is not 'higher' or "
                    "'lower' (which is better)"
                )
            bounds = []
            for key in ("min_value", "max_value"):
                v = r.get(key)
                if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
                    bounds.append(None)
                    continue
                try:
                    bounds.append(float(str(v).replace(",", "")))
                except ValueError:
                    problems.append(f"row {i}: indicator {iid!r}: {key} {v!r} is not a number")
                    bounds.append(None)
            if agg == "share":
                top = 100.0 if r["unit"] in ("%", "ร้อยละ", "percent") else 1.0
                bounds = [
                    0.0 if bounds[0] is None else bounds[0],
                    top if bounds[1] is None else bounds[1],
                ]
            if None not in bounds and bounds[0] > bounds[1]:
                problems.append(
                    f"row {i}: indicator {iid!r}: min_value {bounds[0]} > max_value {bounds[1]}"
                )
            name_th = str(r["name_th"]).strip()
            rows.append(
                (iid, name_th, r["name_en"], r["unit"], r["owner"], direction, agg, *bounds)
            )
        ids = [r[0] for r in rows]
        dupes = sorted({x for x in ids if ids.count(x) > 1})
        if dupes:
            problems.append(f"indicator ids listed more than once: {dupes}")
        if problems:
            raise ValidationError(
                f"{len(problems)} problem(s) in the indicator catalogue; nothing was stored:\n  "
                + "\n  ".join(problems)
            )
        with self._write() as con:
            con.executemany(
                "INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(indicator_id) DO "
                "UPDATE SET name_th=excluded.name_th, name_en=excluded.name_en, "
                "unit=excluded.unit, owner=excluded.owner, direction=excluded.direction, "
                "aggregation=excluded.aggregation, min_value=excluded.min_value, "
                "max_value=excluded.max_value",
                rows,
            )
        log.info("set %d indicator(s) in %s", len(rows), self._name)

    def set_targets(self, table: pd.DataFrame | str | Path | Iterable[dict]) -> None:
        """Add or update annual targets.

        Parameters
        ----------
        table : DataFrame, path or iterable of dicts
            Columns ``indicator_id``, ``fiscal_year`` (``2566`` or ``FY2566``), ``target`` and
            optionally ``tambon_code`` (empty or ``*`` = every area without its own target).

        Raises
        ------
        ValidationError
            Listing unknown indicators or areas, unreadable years and non-numeric targets.
        """
        df = _as_frame(table, "indicator_id").copy()
        missing = [c for c in ("indicator_id", "fiscal_year", "target") if c not in df.columns]
        if missing:
            raise SchemaError(
                f"the targets table lacks {missing} (columns: {list(df.columns)[:10]}): give "
                "indicator_id, fiscal_year and target (and tambon_code for one area)"
            )
        if "tambon_code" not in df.columns:
            df["tambon_code"] = "*"
        known = set(self.indicators()["indicator_id"])
        areas = set(self.areas()["tambon_code"])
        problems, rows = [], []
        for i, r in enumerate(df.to_dict("records"), start=2):
            iid = str(r["indicator_id"]).strip()
            code = mio.normalise_codes(pd.Series([str(r["tambon_code"] or "*")])).iloc[0]
            code = "*" if code in ("", "*", "NAN", "NONE") else code
            if iid not in known:
                problems.append(
                    f"row {i}: unknown indicator {iid!r}: add it with set_indicators first"
                )
            if code != "*" and code not in areas:
                problems.append(f"row {i}: tambon {code} is not an operation area of the programme")
            fy_text = str(r["fiscal_year"]).strip()
            try:
                fy = int(fy_text) if fy_text.isdigit() else parse_period(fy_text).fiscal_year
                if not 2400 <= fy <= 2700:
                    raise ValueError("expected a Buddhist Era year such as 2566")
            except ValueError as exc:
                problems.append(f"row {i}: fiscal_year {fy_text!r}: {exc}")
                fy = 0
            numbers, bad = mio.parse_numbers(pd.Series([str(r["target"])]))
            if bad.iloc[0] or np.isnan(numbers.iloc[0]):
                problems.append(f"row {i}: target {r['target']!r} is not a number")
            rows.append((iid, fy, code, float(numbers.iloc[0])))
        if problems:
            raise ValidationError(
                f"{len(problems)} problem(s) in the targets; nothing was stored:\n  "
                + "\n  ".join(problems[:50])
            )
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO targets VALUES (?,?,?,?)", rows)
        log.info("set %d target(s) in %s", len(rows), self._name)

    # ------------------------------------------------------------------ reading

    def areas(self) -> pd.DataFrame:
        """Return the operation areas with their names, sorted by tambon code."""
        return self._query("SELECT * FROM areas ORDER BY tambon_code")

    def indicators(self) -> pd.DataFrame:
        """Return the indicator catalogue."""
        cols = ", ".join(_sql.COLUMNS["indicators"])
        return self._query(f"SELECT {cols} FROM indicators ORDER BY indicator_id")

    def targets(self) -> pd.DataFrame:
        """Return every target (``tambon_code`` ``*`` = all areas without their own)."""
        return self._query("SELECT * FROM targets ORDER BY indicator_id, fiscal_year, tambon_code")

    def imports(self) -> pd.DataFrame:
        """Return the log of imported files."""
        return self._query("SELECT * FROM imports ORDER BY import_id")

    def observations(
        self,
        *,
        latest: bool = True,
        fiscal_year: int | None = None,
        tambon_code: str | None = None,
        indicator_id: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """Return observations, by default only the latest revision of each.

        Parameters
        ----------
        latest : bool
            ``False`` returns every revision (the full history).
        fiscal_year, tambon_code, indicator_id, period : optional
            Filters.

        Returns
        -------
        pandas.DataFrame
            One row per observation revision.
        """
        table = "latest_observations" if latest else "observations"
        where, params = [], []
        if fiscal_year is not None:
            where.append("fiscal_year = ?")
            params.append(int(fiscal_year))
        if tambon_code is not None:
            where.append("tambon_code = ?")
            params.append(str(tambon_code))
        if indicator_id is not None:
            where.append("indicator_id = ?")
            params.append(str(indicator_id))
        if period is not None:
            where.append("period = ?")
            params.append(_as_quarter(period).code)
        sql = f"SELECT * FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY tambon_code, indicator_id, fiscal_year, quarter, revision"
        out = self._query(sql, params)
        log.info("observations returned %d row(s)", len(out))
        return out

    def history(self, tambon_code: str, indicator_id: str, period: str | Period) -> pd.DataFrame:
        """Return every revision of one observation, oldest first.

        Parameters
        ----------
        tambon_code : str
        indicator_id : str
        period : str or Period
            The fiscal quarter, in any form :func:`tambon_gis.periods.parse_period` reads.

        Returns
        -------
        pandas.DataFrame
            One row per revision with its value, source, note, who and when recorded, and the
            import it came from.
        """
        return self.observations(
            latest=False, tambon_code=tambon_code, indicator_id=indicator_id, period=period
        )

    # ------------------------------------------------------------------ import

    def import_file(
        self,
        path: str | Path,
        *,
        layout: str = "auto",
        sheet: str | int | None = None,
        recorded_by: str | None = None,
        source: str | None = None,
        on_error: str = "raise",
    ) -> ImportReport:
        """Import a CSV or Excel file of observations, all or nothing.

        Parameters
        ----------
        path : str or Path
            The file.
        layout : {"auto", "long", "wide"}
            ``long``: one row per observation with ``tambon_code``, ``indicator_id``,
            ``period``, ``value`` (and optionally ``denominator``, ``source``, ``note``,
            ``recorded_by``, ``recorded_at``). ``wide``: ``tambon_code``, ``period`` and one
            column per indicator id, or ``tambon_code``, ``indicator_id`` and one column per
            period. Empty cells of a wide file are counted, not stored.
        sheet : str or int, optional
            Excel sheet (default: the first visible sheet). The file is read with
            :func:`tambon_gis.tables.read_table`, so any encoding Thai Excel writes (UTF-8,
            UTF-16, cp874) and any separator (``,`` ``;`` TAB) is read.
        recorded_by : str, optional
            Who recorded the rows that do not say; default the login name.
        source : str, optional
            Source for rows that do not give one; default the file name.
        on_error : {"raise", "report"}
            On a rejected file, raise :class:`~tambon_gis._errors.ImportRejectedError` (its
            ``.report`` lists the rows) or return the report.

        Returns
        -------
        ImportReport
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no file {str(path)!r} to import: check the path")
        digest = mio.file_hash(path)
        already = self._con.execute(
            "SELECT imported_at FROM imports WHERE file_hash = ?", (digest,)
        ).fetchone()  # checked again inside the write transaction
        if already:
            report = ImportReport(path.name, status="already imported", file_hash=digest)
            log.info("%s was already imported on %s: nothing added", path.name, already[0])
            return report
        df = mio.read_any(path, sheet=sheet)
        return self._import(
            df, name=path.name, digest=digest, layout=layout, recorded_by=recorded_by,
            source=source if source is not None else path.name, on_error=on_error,
        )  # fmt: skip

    def import_table(
        self,
        table: pd.DataFrame,
        *,
        name: str = "table",
        layout: str = "auto",
        recorded_by: str | None = None,
        source: str | None = None,
        on_error: str = "raise",
    ) -> ImportReport:
        """Import observations from a DataFrame, all or nothing (see :meth:`import_file`).

        The table's content hash makes the import idempotent, as with files.
        """
        df = table.copy()
        df.columns = [str(c) for c in df.columns]
        df = df.astype(object).where(df.notna(), "").astype(str)
        return self._import(
            df, name=name, digest=mio.frame_hash(df), layout=layout, recorded_by=recorded_by,
            source=source if source is not None else name, on_error=on_error,
        )  # fmt: skip

    def _import(
        self,
        df: pd.DataFrame,
        *,
        name: str,
        digest: str,
        layout: str,
        recorded_by: str | None,
        source: str,
        on_error: str,
    ) -> ImportReport:
        if on_error not in ("raise", "report"):
            raise ValueError(f"on_error={on_error!r}: expected 'raise' or 'report'")
        if layout not in ("auto", "long", "wide"):
            raise ValueError(f"layout={layout!r}: expected 'auto', 'long' or 'wide'")
        extra_fields = df.attrs.get("extra_fields") or {}
        long, layout_used, ignored, n_empty = mio.to_long(df, layout=layout)
        who = recorded_by or self.user
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._write() as con:
            if con.execute("SELECT 1 FROM imports WHERE file_hash = ?", (digest,)).fetchone():
                log.info("%s was already imported: nothing added", name)
                return ImportReport(
                    name, status="already imported", layout=layout_used, n_rows=len(long),
                    n_unchanged=len(long), file_hash=digest,
                )  # fmt: skip
            rows, rejected = self._validate(long, extra_fields=extra_fields)
            if not len(rejected) and self.backend == "postgresql":
                rejected = self._out_of_scope(rows)
            if len(rejected):
                report = ImportReport(
                    name, status="rejected", layout=layout_used, n_rows=len(long),
                    n_empty_cells=n_empty, ignored_columns=ignored, rejected=rejected,
                    file_hash=digest,
                )  # fmt: skip
                if on_error != "raise":  # raised, the error carries the list: say it once
                    log.warning("%s", report.summary(10))
                if on_error == "raise":
                    raise ImportRejectedError(
                        report.summary(20) + "\nFix these rows and import the file again.",
                        report,
                    )
                return report
            # the content hash covers what the file says, not the defaults filled in below,
            # so the same rows in a file of another name are recognised as unchanged
            rows["row_hash"] = _row_hashes(rows)
            rows["source"] = rows["source"].mask(rows["source"] == "", source)
            rows["recorded_by"] = rows["recorded_by"].mask(rows["recorded_by"] == "", who)
            rows["recorded_at"] = rows["recorded_at"].mask(rows["recorded_at"] == "", now)
            existing = self._current_for(rows)
            merged = rows.merge(existing, on=["tambon_code", "indicator_id", "period"], how="left")
            unchanged = (merged["old_hash"] == merged["row_hash"]).fillna(False).astype(bool)
            new = merged.loc[~unchanged].copy()
            new["revision"] = new["old_revision"].fillna(0).astype("int64") + 1
            n_revised = int(new["old_revision"].notna().sum())
            cur = con.execute(
                "INSERT INTO imports (file_name, file_hash, layout, n_rows, n_added, n_revised, "
                "n_unchanged, imported_by, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (name, digest, layout_used, len(rows), len(new) - n_revised, n_revised,
                 int(unchanged.sum()), who, now),
            )  # fmt: skip
            import_id = cur.lastrowid
            start_id = (con.execute("SELECT max(obs_id) FROM observations").fetchone()[0] or 0) + 1
            new["obs_id"] = np.arange(start_id, start_id + len(new))
            log.info(
                "transaction open on %s: writing %d observation(s) from %s",
                self._name,
                len(new),
                name,
            )
            self._insert(new, import_id)
        report = ImportReport(
            name, status="imported", layout=layout_used, n_rows=len(rows),
            n_added=len(new) - n_revised, n_revised=n_revised, n_unchanged=int(unchanged.sum()),
            n_empty_cells=n_empty, ignored_columns=ignored, file_hash=digest,
        )  # fmt: skip
        log.info("%r", report)
        return report

    def _insert(self, new: pd.DataFrame, import_id: int | None) -> None:
        obs_cols = [
            "obs_id", "tambon_code", "indicator_id", "period", "fiscal_year", "quarter", "value",
            "denominator", "source", "note", "recorded_by", "recorded_at", "revision",
            "row_hash", "source_row",
        ]  # fmt: skip
        columns = []
        for col in obs_cols:
            values = new[col].to_numpy(dtype=object)
            if col == "denominator":
                values = [None if v != v else v for v in values]  # NaN -> NULL
            columns.append(values.tolist() if hasattr(values, "tolist") else list(values))
        columns.append([import_id] * len(new))
        records = list(zip(*columns, strict=True))
        batch = 100_000
        sql_obs = (
            "INSERT INTO observations (obs_id, tambon_code, indicator_id, period, fiscal_year, "
            "quarter, value, denominator, source, note, recorded_by, recorded_at, revision, "
            "row_hash, source_row, import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        )
        starts = range(0, len(records), batch)
        for first in progress(starts, total=len(starts), desc="writing observations"):
            self._con.executemany(sql_obs, records[first : first + batch])
        self._con.execute(
            "INSERT OR REPLACE INTO current (tambon_code, indicator_id, period, fiscal_year, "
            "quarter, value, denominator, revision, obs_id, row_hash, area_int, indicator_int) "
            "SELECT o.tambon_code, o.indicator_id, o.period, o.fiscal_year, o.quarter, o.value, "
            "o.denominator, o.revision, o.obs_id, o.row_hash, CAST(o.tambon_code AS INTEGER), "
            "i.rowid FROM observations AS o JOIN indicators AS i ON i.indicator_id = "
            "o.indicator_id WHERE o.obs_id >= ? ORDER BY o.obs_id",
            (int(new["obs_id"].min()) if len(new) else 0,),
        )

    def _current_for(self, rows: pd.DataFrame) -> pd.DataFrame:
        cols = ["tambon_code", "indicator_id", "period", "old_revision", "old_hash"]
        if self._con.execute("SELECT count(*) FROM current").fetchone()[0] == 0:
            empty = pd.DataFrame({c: pd.Series(dtype="str") for c in cols[:3]})
            return empty.assign(
                old_revision=pd.Series(dtype="float64"), old_hash=pd.Series(dtype="Int64")
            )
        ids = sorted(rows["indicator_id"].unique())
        periods = sorted(rows["period"].unique())
        sql = (
            "SELECT tambon_code, indicator_id, period, revision AS old_revision, "
            "row_hash AS old_hash FROM current WHERE indicator_id IN "
            f"({','.join('?' * len(ids))}) AND period IN ({','.join('?' * len(periods))})"
        )
        out = self._query(sql, [*ids, *periods])
        out["old_revision"] = out["old_revision"].astype("float64")
        out["old_hash"] = out["old_hash"].astype("Int64")
        return out

    def _validate(
        self, long: pd.DataFrame, *, extra_fields: dict[int, int] | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return ``(rows ready to store, problems)``; every problem names its row and reason."""
        from tambon_gis import gazetteer

        problems: list[pd.DataFrame] = []

        def flag(mask: pd.Series | np.ndarray, reason: Any) -> None:
            """Record the rows of ``mask``; ``reason`` is text or ``f(mask) -> texts``."""
            mask = np.asarray(mask, dtype=bool)
            if mask.any():
                part = long.loc[mask, _REPORT_COLUMNS].copy()
                part["reason"] = (
                    reason if isinstance(reason, str) else np.asarray(reason(mask), dtype=object)
                )
                problems.append(part)

        long = long.copy()
        for col in ("tambon_code", "indicator_id", "period", "value", "denominator"):
            long[col] = long[col].astype("str").str.strip()
        code = mio.normalise_codes(long["tambon_code"])
        long["tambon_code"] = code
        areas = self.areas()
        indicators = self.indicators().set_index("indicator_id")
        if areas.empty:
            flag(
                np.ones(len(long), bool),
                "the store has no operation areas yet: add them "
                "with store.set_areas(...) or `tambon-gis monitor import --what areas`",
            )
        if extra_fields:
            n_cells = long["row"].map(extra_fields)
            flag(
                n_cells.notna(),
                lambda m: (
                    "row "
                    + long["row"][m].astype(str)
                    + " has "
                    + n_cells[m].astype("int64").astype(str)
                    + " cells, more than the header: a "
                    "value holds the separator (quote it) or a cell was added; fix the row"
                ),
            )
        malformed = ~code.str.fullmatch(r"\d{6}")
        flag(
            malformed,
            lambda m: "tambon_code " + code[m].map(excerpt) + " is not a 6-digit DOPA code",
        )
        known = set(gazetteer.tambons()["tambon_code"])
        unknown = ~malformed & ~code.isin(known)
        if unknown.any():
            flag(unknown, lambda m: code[m].map(_unknown_tambon_reason))
        not_area = ~malformed & ~unknown & ~code.isin(set(areas["tambon_code"])) & (not areas.empty)
        flag(not_area, lambda m: "tambon " + code[m] + " is not an operation area of this "
             "programme: add it with store.set_areas(...) or correct the code")  # fmt: skip

        ind = long["indicator_id"]
        unknown_ind = ~ind.isin(set(indicators.index))
        known_ids = sorted(indicators.index)[:12]
        flag(unknown_ind, lambda m: "unknown indicator " + ind[m].map(excerpt) + ": expected "
             f"one of {known_ids}; add it with store.set_indicators(...)")  # fmt: skip

        # periods: parse each distinct text once, then spread by position (fast on 1M rows)
        pos, texts = pd.factorize(long["period"])
        parsed: list[Period | None] = []
        errors: list[str] = []
        for text in texts:
            try:
                p = parse_period(str(text))
            except ValueError as exc:
                parsed.append(None)
                errors.append(str(exc))
                continue
            parsed.append(p)
            errors.append(
                "" if p.kind == "quarter" else
                f"period {text!r} is a {p.kind.replace('_', ' ')}, not a fiscal quarter: the "
                f"store keeps quarterly values; write e.g. '{p.quarters()[0].label}'"
            )  # fmt: skip
        period_error = np.asarray(errors, dtype=object)[pos]
        flag(period_error != "", lambda m: period_error[m])
        ok = [p is not None and p.kind == "quarter" for p in parsed]
        good = [p if k else None for p, k in zip(parsed, ok, strict=True)]
        codes_u = np.asarray([p.code if p else "" for p in good], dtype=object)
        qcode = pd.Series(codes_u[pos], index=long.index, dtype="str")
        long["fiscal_year"] = np.asarray([p.fiscal_year if p else 0 for p in good], "int64")[pos]
        long["quarter"] = np.asarray([p.quarter or 0 if p else 0 for p in good], "int64")[pos]
        period_end = pd.Series(
            np.asarray([p.end.isoformat() if p else "9999" for p in parsed], dtype=object)[pos],
            index=long.index, dtype="str",
        )  # fmt: skip
        fys = self.fiscal_years
        if fys is not None:
            outside = (qcode != "") & ~long["fiscal_year"].between(fys[0], fys[1])
            flag(outside, lambda m: "period " + long["period"][m] + " is outside the programme "
                 f"(fiscal years {fys[0]}–{fys[1]}): check the year, or widen it with "
                 "store.configure(fiscal_years=...)")  # fmt: skip
        else:
            flag(np.ones(len(long), bool), "the programme's fiscal years are not set: call "
                 "store.configure(fiscal_years=(2566, 2567)) first")  # fmt: skip
        if not areas.empty:
            starts = dict(zip(areas["tambon_code"], areas["start_date"].fillna(""), strict=True))
            start = code.map(starts)
            start = start.fillna("")
            early = (qcode != "") & (start != "") & (period_end < start)
            flag(early, lambda m: "period " + long["period"][m] + " ends before the area "
                 "joined the programme (start_date " + start[m] + "): check the period or the "
                 "area's start date")  # fmt: skip

        values, bad_value = mio.parse_numbers(long["value"])
        empty = long["value"] == ""
        flag(empty, "value is empty: fill it in, or remove the row if nothing was reported")
        word = long["value"].str.lower().isin(["none", "nan", "null", "n/a", "na"])
        flag(
            bad_value & word,
            lambda m: (
                "cell "
                + long["column"][m]
                + " holds the text "
                + long["value"][m].map(repr)
                + ", not a number: leave the cell blank when "
                "nothing was reported"
            ),
        )
        flag(
            bad_value & ~word,
            lambda m: "value " + long["value"][m].map(excerpt) + " is not a number",
        )
        lo = ind.map(indicators["min_value"]).astype("float64")
        hi = ind.map(indicators["max_value"]).astype("float64")
        below = values.notna() & lo.notna() & (values < lo)
        above = values.notna() & hi.notna() & (values > hi)
        flag(below, lambda m: "value " + long["value"][m] + " is below the minimum "
             + lo[m].map("{:g}".format) + " of indicator " + ind[m])  # fmt: skip
        flag(above, lambda m: "value " + long["value"][m] + " is above the maximum "
             + hi[m].map("{:g}".format) + " of indicator " + ind[m])  # fmt: skip
        denominators, bad_den = mio.parse_numbers(long["denominator"])
        flag(
            bad_den | (denominators < 0),
            lambda m: (
                "denominator "
                + long["denominator"][m].map(excerpt)
                + " is not a non-negative number"
            ),
        )

        long["period_code"] = qcode
        keyed = qcode != ""
        dup = keyed & long.duplicated(["tambon_code", "indicator_id", "period_code"], keep=False)
        if dup.any():
            # linear in the rows: each row names the first row and the count of its group,
            # never the whole list (a file of one row repeated would need a quadratic text)
            part = long.loc[dup, ["tambon_code", "indicator_id", "period_code", "row"]]
            gid = part.groupby(["tambon_code", "indicator_id", "period_code"], sort=False).ngroup()
            part = part.assign(gid=gid.to_numpy()).sort_values(["gid", "row"], kind="stable")
            rank = part.groupby("gid").cumcount().to_numpy()
            count = part.groupby("gid")["row"].transform("size").to_numpy()
            gids = part["gid"].to_numpy()
            shown = 5
            listed = pd.Series("", index=np.unique(gids), dtype="str")
            for k in range(shown):
                at = rank == k
                text = pd.Series(part["row"].to_numpy()[at].astype(str), index=gids[at])
                listed.loc[text.index] = listed.loc[text.index] + ("" if k == 0 else ", ") + text
            more = np.where(count > shown, " and " + pd.Series(count - shown).map("{:,}".format)
                            + " more", "")  # fmt: skip
            reason = pd.Series("", index=long.index, dtype="str")
            reason.loc[part.index] = (
                "the same tambon, indicator and period appear in rows "
                + listed.loc[gids].to_numpy() + more + ": keep one row"
            )  # fmt: skip
            flag(dup, lambda m: reason[m])

        if problems:
            rejected = pd.concat(problems, ignore_index=True)
            rejected["row"] = rejected["row"].astype("int64")
            rejected = rejected.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
            return long.iloc[0:0], rejected
        rows = pd.DataFrame(
            {
                "tambon_code": code,
                "indicator_id": ind,
                "period": qcode,
                "fiscal_year": long["fiscal_year"].astype("int64"),
                "quarter": long["quarter"].astype("int64"),
                "value": values,
                "denominator": denominators,
                "source": long["source"].astype(str).str.strip(),
                "note": long["note"].astype(str).str.strip(),
                "recorded_by": long["recorded_by"].astype(str).str.strip(),
                "recorded_at": long["recorded_at"].astype(str).str.strip(),
                "source_row": long["row"].astype("int64"),
            }
        )
        return rows, pd.DataFrame()

    # ------------------------------------------------------------------ status and roll-ups

    def _latest_matrix(
        self,
        quarters: Sequence[Period],
        current: Period,
        area_codes: Sequence[str],
        indicator_ids: Sequence[str],
    ) -> np.ndarray:
        """Latest values as a float matrix: one row per (area, indicator), area-major.

        Columns are the quarters in order, then the revision and denominator of ``current``.
        Only numbers cross into Python: ``current`` keeps the tambon code as an integer and the
        indicator's rowid, and is clustered by period, so each quarter is one range scan.
        """
        n_a, n_i = len(area_codes), len(indicator_ids)
        matrix = np.full((n_a * n_i, len(quarters) + 2), np.nan)
        if n_a == 0 or n_i == 0:
            return matrix
        area_ints = np.asarray([int(c) for c in area_codes], dtype=np.int64)
        order = np.argsort(area_ints)
        sorted_ints = area_ints[order]
        rowids = dict(self._con.execute("SELECT indicator_id, rowid FROM indicators").fetchall())
        lookup = np.full(max(rowids.values(), default=0) + 1, -1, dtype=np.int64)
        for j, iid in enumerate(indicator_ids):
            lookup[rowids[iid]] = j
        for k, qp in enumerate(quarters):
            extra = ", revision, denominator" if qp == current else ""
            rows = self._con.execute(
                f"SELECT area_int, indicator_int, value{extra} FROM current WHERE period = ?",
                (qp.code,),
            ).fetchall()
            if not rows:
                continue
            block = np.array(rows, dtype="float64")
            ints = block[:, 0].astype(np.int64)
            at = np.minimum(np.searchsorted(sorted_ints, ints), n_a - 1)
            in_areas = sorted_ints[at] == ints
            rid = block[:, 1].astype(np.int64)
            j = np.where(rid < len(lookup), lookup[np.minimum(rid, len(lookup) - 1)], -1)
            keep = in_areas & (j >= 0)
            pos = order[at[keep]] * n_i + j[keep]
            matrix[pos, k] = block[keep, 2]
            if extra:
                matrix[pos, len(quarters)] = block[keep, 3]
                matrix[pos, len(quarters) + 1] = block[keep, 4]
        return matrix

    def status(
        self,
        period: str | Period,
        *,
        indicators: Sequence[str] | None = None,
        trend_periods: int = 4,
        on_track: float = ON_TRACK,
        at_risk: float = AT_RISK,
    ) -> StatusTable:
        """Return progress against target for every area and indicator in one quarter.

        Parameters
        ----------
        period : str or Period
            A fiscal quarter (``"ไตรมาส 2/2566"``, ``"Q2 FY2566"``).
        indicators : sequence of str, optional
            Indicator ids; default all.
        trend_periods : int
            Number of quarters up to ``period`` over which the trend is computed.
        on_track, at_risk : float
            Thresholds on the ratio of actual to expected (see :func:`classify`).

        Returns
        -------
        StatusTable

        Notes
        -----
        For ``sum`` indicators each quarter's value is the amount of that quarter; progress
        compares the fiscal-year-to-date sum with the pro-rata target (target × q / 4 at the
        end of quarter q). ``mean`` and ``share`` indicators compare the quarter's value with
        the target. An area that did not report in the quarter is "no data", never a failure;
        one without a target is "no target". A zero target is met by any value when higher
        is better, and only by zero when lower is better.
        """
        p = _as_quarter(period)
        ind = self.indicators()
        if indicators is not None:
            unknown = sorted(set(indicators) - set(ind["indicator_id"]))
            if unknown:
                raise ValidationError(
                    f"unknown indicator(s) {unknown}: expected some of "
                    f"{ind['indicator_id'].tolist()[:12]}"
                )
            ind = ind[ind["indicator_id"].isin(list(indicators))]
        areas = self.areas()
        fy, q = p.fiscal_year, int(p.quarter or 1)
        trend_qs = [p]
        if trend_periods > 1:
            trend_qs = quarters_between(_shift(p, -(trend_periods - 1)), p)
        ytd_qs = [quarter(fy, k) for k in range(1, q + 1)]
        needed = sorted({*trend_qs, *ytd_qs})
        areas = areas.sort_values("tambon_code", kind="stable").reset_index(drop=True)
        ind = ind.sort_values("indicator_id", kind="stable").reset_index(drop=True)
        n_a, n_i = len(areas), len(ind)
        # one row per (area, indicator), area-major: positions instead of a merge on strings
        value_cols = [*[x.code for x in needed], "revision", "denominator"]
        col = {c: k for k, c in enumerate(value_cols)}
        matrix = self._latest_matrix(
            needed, p, areas["tambon_code"].tolist(), ind["indicator_id"].tolist()
        )
        values = matrix[:, col[p.code]]
        ytd_matrix = matrix[:, [col[x.code] for x in ytd_qs]]
        with np.errstate(invalid="ignore"):
            ytd = np.where(np.isnan(ytd_matrix).all(axis=1), np.nan, np.nansum(ytd_matrix, axis=1))
        gaps = np.isnan(ytd_matrix)
        mask = (gaps * (1 << np.arange(gaps.shape[1]))).sum(axis=1)
        labels = {
            m: ", ".join(f"Q{k + 1}" for k in range(gaps.shape[1]) if m >> k & 1)
            for m in np.unique(mask).tolist()
        }
        missing = pd.Series(mask).map(labels).to_numpy(dtype=object)
        ind_cols = ind.rename(columns={"name_th": "indicator_th", "name_en": "indicator_en"})
        data: dict[str, Any] = {}
        for c in areas.columns:
            data[c] = np.repeat(areas[c].to_numpy(dtype=object), n_i)
        for c in ind_cols.columns:
            data[c] = np.tile(ind_cols[c].to_numpy(dtype=object), n_a)
        frame = pd.DataFrame(data)
        for c in ("min_value", "max_value"):
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        frame["period"] = p.code
        frame["value"] = values
        is_sum = (frame["aggregation"] == "sum").to_numpy()
        frame["ytd"] = np.where(is_sum, ytd, np.nan)
        frame["target"] = self._targets_for(frame, fy)
        frame["expected"] = np.where(is_sum, frame["target"] * q / 4, frame["target"])
        frame["actual"] = np.where(is_sum, frame["ytd"], frame["value"])
        frame.loc[np.isnan(values), "actual"] = np.nan
        ratio, status = classify(
            frame["actual"].to_numpy(), frame["expected"].to_numpy(),
            direction=frame["direction"].to_numpy(), on_track=on_track, at_risk=at_risk,
        )  # fmt: skip
        frame["ratio"] = ratio
        frame["status"] = status
        frame["status_th"] = frame["status"].map(_STATUS_TH)
        frame["colour"] = frame["status"].map(_STATUS_COLOUR)
        frame["trend"] = _trend(
            matrix[:, [col[x.code] for x in trend_qs]], frame["direction"].to_numpy()
        )
        frame["missing_quarters"] = np.where(is_sum, missing, "")
        frame["revision"] = matrix[:, col["revision"]]
        frame["denominator"] = matrix[:, col["denominator"]]
        # the same numbers under names that say what they hold (the status is computed from
        # ytd_actual / ytd_target)
        frame["ytd_actual"] = frame["actual"]
        frame["ytd_target"] = frame["expected"]
        frame["fy_target"] = frame["target"]
        result = StatusTable(frame, p)
        log.info("status returned %r", result)
        return result

    def _targets_for(self, frame: pd.DataFrame, fy: int) -> np.ndarray:
        t = self._query(
            "SELECT indicator_id, tambon_code, target FROM targets WHERE fiscal_year = ?", [fy]
        )
        default = t[t["tambon_code"] == "*"].set_index("indicator_id")["target"]
        own = t[t["tambon_code"] != "*"].set_index(["tambon_code", "indicator_id"])["target"]
        out = frame["indicator_id"].map(default).astype("float64").to_numpy()
        if len(own):
            key = pd.MultiIndex.from_arrays([frame["tambon_code"], frame["indicator_id"]])
            specific = own.reindex(key).to_numpy(dtype="float64")
            out = np.where(np.isnan(specific), out, specific)
        return out

    def rollup(
        self,
        period: str | Period,
        *,
        level: str = "changwat",
        indicators: Sequence[str] | None = None,
        status: StatusTable | None = None,
        region_scheme: str | None = None,
        on_track: float = ON_TRACK,
        at_risk: float = AT_RISK,
    ) -> Rollup:
        """Aggregate the indicators of one quarter by amphoe, changwat, region or programme.

        Parameters
        ----------
        period : str or Period
            A fiscal quarter.
        level : {"amphoe", "changwat", "region", "programme", "all"}
            Grouping; ``region`` follows ``tambon_gis.regions`` (``region_scheme``).
        indicators : sequence of str, optional
            Indicator ids; default all.
        status : StatusTable, optional
            A status already computed for the same period (saves recomputing it).
        region_scheme : str, optional
            See :func:`tambon_gis.regions.region_mapping`.
        on_track, at_risk : float
            Status thresholds.

        Returns
        -------
        Rollup

        Notes
        -----
        ``sum`` indicators add values and targets; ``mean`` indicators average them over the
        reporting areas; ``share`` indicators average the shares weighted by their
        ``denominator`` when every reporting area gave one, else unweighted (with 0/1 values
        this is the share of areas). Targets and expected values are aggregated over the
        areas that reported and have a target, so missing reports lower completeness, not
        progress.
        """
        if level not in LEVELS:
            raise ValidationError(f"level={level!r}: expected one of {list(LEVELS)}")
        p = _as_quarter(period)
        st = status if status is not None else self.status(p, indicators=indicators)
        if st.period != p:
            raise ValidationError(
                f"the status given is for {st.period.label_en}, not {p.label_en}: compute it "
                "for the same period"
            )
        needed = ["tambon_code", "indicator_id", "indicator_th", "aggregation", "direction",
                  "unit", "value", "actual", "expected", "target", "denominator",
                  "amphoe_code", "amphoe_th", "changwat_code", "changwat_th",
                  "programme"]  # fmt: skip
        f = st._frame[needed]
        if indicators is not None:
            f = f[f["indicator_id"].isin(list(indicators))]
        f = f.copy()
        if level == "region":
            from tambon_gis.regions import REGION_EN, region_mapping

            mapping = region_mapping(region_scheme)
            f["region"] = f["changwat_code"].map(mapping)
            english = {r: REGION_EN.get(r, r) for r in set(mapping.values())}
            f["region_en"] = f["region"].map(english)
        if level == "all":
            f["all"] = "all"
        key, label = LEVELS[level]
        f["reporting"] = f["value"].notna()
        f["compared"] = f["reporting"] & f["expected"].notna()
        f["wv"] = f["value"] * f["denominator"]
        f["a_c"] = f["actual"].where(f["compared"])
        f["e_c"] = f["expected"].where(f["compared"])
        f["t_c"] = f["target"].where(f["compared"])
        out = _group_sums(f, key, label)
        agg = out["aggregation"]
        weighted = (agg == "share") & (out["d_count"] == out["n_reporting"]) & (out["d_sum"] > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share_value = np.where(weighted, out["wv_sum"] / out["d_sum"], out["v_mean"])
        none = out["n_reporting"] == 0
        out["value"] = np.where(
            agg == "sum", out["v_sum"], np.where(agg == "share", share_value, out["v_mean"])
        )
        out.loc[none, "value"] = np.nan
        # the same weighting for the compared subset of share indicators is approximated by
        # the unweighted mean of actual values when areas lack targets; document in Notes
        out["actual"] = np.where(
            agg == "sum", out["a_sum"], np.where(weighted, share_value, out["a_mean"])
        )
        out["expected"] = np.where(agg == "sum", out["e_sum"], out["e_mean"])
        out["target"] = np.where(agg == "sum", out["t_sum"], out["t_mean"])
        no_cmp = out["n_compared"] == 0
        out.loc[no_cmp, ["actual", "expected", "target"]] = np.nan
        out["completeness"] = out["n_reporting"] / out["n_areas"]
        ratio, status_v = classify(
            out["actual"], out["expected"], direction=out["direction"].to_numpy(),
            on_track=on_track, at_risk=at_risk,
        )  # fmt: skip
        out["ratio"] = ratio
        out["status"] = status_v
        out.loc[none, "status"] = "no data"
        out.loc[~none & no_cmp, "status"] = "no target"
        out["status_th"] = out["status"].map(_STATUS_TH)
        out["colour"] = out["status"].map(_STATUS_COLOUR)
        out["weighted"] = weighted
        out = out.rename(columns={key: "group"})
        out.insert(0, "level", level)
        out["period"] = p.code
        out["ytd_actual"] = out["actual"]
        out["ytd_target"] = out["expected"]
        out["fy_target"] = out["target"]
        out["reporting"] = out["n_reporting"].astype(str) + "/" + out["n_areas"].astype(str)
        cols = [
            "level", "group", "label", "indicator_id", "indicator_th", "unit", "aggregation",
            "period", "n_areas", "n_reporting", "reporting", "completeness", "value",
            "ytd_actual", "ytd_target", "fy_target", "ratio", "status", "status_th", "target",
            "expected", "actual", "colour", "weighted",
        ]  # fmt: skip
        result = Rollup(out[cols], p, level)
        log.info("rollup returned %r", result)
        return result

    def completeness(self, fiscal_year: int) -> pd.DataFrame:
        """Count areas reporting each indicator in each quarter of a fiscal year.

        Returns
        -------
        pandas.DataFrame
            ``indicator_id``, ``period``, ``n_areas``, ``n_reporting``, ``completeness``.
        """
        n_areas = self._con.execute("SELECT count(*) FROM areas").fetchone()[0]
        counts = self._query(
            "SELECT c.indicator_id, c.period, count(*) AS n_reporting FROM current c "
            "JOIN areas a ON a.tambon_code = c.tambon_code WHERE c.fiscal_year = ? "
            "GROUP BY c.indicator_id, c.period",
            [int(fiscal_year)],
        )
        grid = pd.MultiIndex.from_product(
            [self.indicators()["indicator_id"], [x.code for x in _fy_quarters(fiscal_year)]],
            names=["indicator_id", "period"],
        ).to_frame(index=False)
        out = grid.merge(counts, on=["indicator_id", "period"], how="left")
        out["n_reporting"] = out["n_reporting"].fillna(0).astype("int64")
        out["n_areas"] = n_areas
        out["completeness"] = out["n_reporting"] / max(n_areas, 1)
        log.info("completeness returned %d row(s)", len(out))
        return out[["indicator_id", "period", "n_areas", "n_reporting", "completeness"]]

    # ------------------------------------------------------------------ maps

    def map(self, period: str | Period, indicator_id: str, **kwargs: Any) -> Any:
        """Map one indicator in one quarter, by status (default) or value.

        Each tambon's popup lists all its indicators for the quarter with value, target,
        status and a small bullet bar.

        Parameters
        ----------
        period : str or Period
            A fiscal quarter.
        indicator_id : str
            The indicator to colour the map by.
        **kwargs
            ``kind`` (``"status"`` or ``"value"``), ``gdf`` (tambon boundaries, default
            :func:`tambon_gis.load_boundaries`), ``status`` (a StatusTable of the same
            quarter), ``lang``, ``basemap`` (default none: works offline), ``title``.

        Returns
        -------
        folium.Map
        """
        from tambon_gis import _monitoring_maps

        return _monitoring_maps.status_map(self, period, indicator_id, **kwargs)

    def export_gpkg(
        self,
        path: str | Path,
        period: str | Period,
        *,
        gdf: Any = None,
        status: StatusTable | None = None,
    ) -> Path:
        """Write the operation areas and their status in a quarter as a GeoPackage for QGIS.

        Two layers: ``operation_areas`` (the areas with their programme, lead agency and
        names) and ``status_<period>`` (one row per area; for each indicator its value,
        target, status and Thai status text, as ``<indicator>_value`` etc.). Areas missing
        from the boundary layer are logged and left out of the layers only.

        Parameters
        ----------
        path : str or Path
            The ``.gpkg`` file to write (replaced if it exists).
        period : str or Period
            A fiscal quarter.
        gdf : GeoDataFrame, optional
            Tambon boundaries; default :func:`tambon_gis.load_boundaries`.
        status : StatusTable, optional
            Already computed for the same quarter.

        Returns
        -------
        pathlib.Path
        """
        from tambon_gis import _monitoring_maps

        p = _as_quarter(period)
        st = status if status is not None else self.status(p)
        shapes = _monitoring_maps.programme_areas(self, gdf)[["tambon_code", "geometry"]]
        areas = shapes.merge(self.areas(), on="tambon_code", how="left")
        f = st._frame
        parts = []
        for what in ("value", "target", "status", "status_th"):
            one = f.pivot(index="tambon_code", columns="indicator_id", values=what)
            if what in ("value", "target"):
                one = one.astype("float64")
            one.columns = [f"{ind}_{what}" for ind in one.columns]
            parts.append(one)
        wide = pd.concat(parts, axis=1)
        wide = wide[sorted(wide.columns)].reset_index()
        layer = shapes.merge(areas.drop(columns="geometry"), on="tambon_code").merge(
            wide, on="tambon_code", how="left"
        )
        out = Path(path)
        if out.exists():
            out.unlink()
        areas.to_file(out, layer="operation_areas", driver="GPKG")
        layer.to_file(out, layer=f"status_{p.code}", driver="GPKG")
        log.info("export_gpkg wrote %s with %d areas for %s", out, len(areas), p.code)
        return out

    def timeslider(self, indicator_id: str, fiscal_year: int, **kwargs: Any) -> Any:
        """Map one indicator with a slider over the four quarters of a fiscal year.

        Parameters
        ----------
        indicator_id : str
        fiscal_year : int
            BE fiscal year, e.g. 2566.
        **kwargs
            ``kind`` (``"status"`` or ``"value"``), ``gdf``, ``lang``, ``basemap``, ``title``.

        Returns
        -------
        folium.Map
        """
        from tambon_gis import _monitoring_maps

        return _monitoring_maps.timeslider_map(self, indicator_id, fiscal_year, **kwargs)

    def quarter_panels(self, indicator_id: str, fiscal_year: int, **kwargs: Any) -> Any:
        """Draw small multiples of one indicator: one panel per quarter of a fiscal year.

        Parameters
        ----------
        indicator_id : str
        fiscal_year : int
            BE fiscal year, e.g. 2566.
        **kwargs
            ``kind`` (``"status"`` or ``"value"``), ``gdf``, ``lang``, ``path`` (save the
            figure there too).

        Returns
        -------
        matplotlib.figure.Figure
        """
        from tambon_gis import _monitoring_maps

        return _monitoring_maps.quarter_panels(self, indicator_id, fiscal_year, **kwargs)


# ============================================================================ helpers


def _group_sums(f: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """Per (group, indicator): first labels, counts, sums and means, with numpy bincount."""
    gk, keys = pd.factorize(f[key], sort=True, use_na_sentinel=False)
    gi, ids = pd.factorize(f["indicator_id"], sort=True)
    combined = gk.astype(np.int64) * len(ids) + gi
    groups, inv = np.unique(combined, return_inverse=True)
    n = len(groups)
    first = np.full(n, len(inv), dtype=np.int64)
    np.minimum.at(first, inv, np.arange(len(inv)))
    out: dict[str, Any] = {
        key: np.asarray(keys, dtype=object)[groups // len(ids)],
        "indicator_id": np.asarray(ids, dtype=object)[groups % len(ids)],
    }
    for name, column in (("label", label), ("indicator_th", "indicator_th"),
                         ("aggregation", "aggregation"), ("direction", "direction"),
                         ("unit", "unit")):  # fmt: skip
        out[name] = f[column].iloc[first].to_numpy(dtype=object)
    out["n_areas"] = np.bincount(inv, minlength=n).astype(np.int64)

    def total(x: np.ndarray) -> np.ndarray:
        return np.bincount(inv, weights=np.nan_to_num(x, nan=0.0), minlength=n)

    def count(x: np.ndarray) -> np.ndarray:
        return np.bincount(inv, weights=~np.isnan(x), minlength=n)

    reporting = f["reporting"].to_numpy(dtype=bool)
    compared = f["compared"].to_numpy(dtype=bool)
    out["n_reporting"] = np.bincount(inv, weights=reporting, minlength=n).astype(np.int64)
    out["n_compared"] = np.bincount(inv, weights=compared, minlength=n).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for prefix, column in (("v", "value"), ("a", "a_c"), ("e", "e_c"), ("t", "t_c")):
            x = f[column].to_numpy(dtype="float64")
            out[f"{prefix}_sum"] = total(x)
            out[f"{prefix}_mean"] = total(x) / count(x)
    out["wv_sum"] = total(f["wv"].to_numpy(dtype="float64"))
    d = f["denominator"].to_numpy(dtype="float64")
    out["d_sum"] = total(d)
    out["d_count"] = count(d).astype(np.int64)
    return pd.DataFrame(out)


def _fy_quarters(fiscal_year: int) -> list[Period]:
    return [quarter(int(fiscal_year), k) for k in range(1, 5)]


def _shift(p: Period, n: int) -> Period:
    index = p.fiscal_year * 4 + int(p.quarter or 1) - 1 + n
    return quarter(index // 4, index % 4 + 1)


def _as_quarter(period: str | Period) -> Period:
    p = parse_period(period)
    if p.kind != "quarter":
        raise ValidationError(
            f"{period!r} is a {p.kind.replace('_', ' ')}, not a fiscal quarter: status and "
            f"roll-ups are per quarter; give e.g. '{p.quarters()[-1].label}'"
        )
    return p


def _unknown_tambon_reason(code: str) -> str:
    from tambon_gis import gazetteer

    ab = gazetteer.abolished()
    hit = ab[ab["code"] == code]
    if len(hit):
        succ = hit["successors"].iloc[0]
        return f"tambon {code} was abolished on {hit['abolished_on'].iloc[0]}" + (
            f": use its successor(s) {succ}" if succ else ""
        )
    return f"tambon {code} is not in the official gazetteer: check the code (รหัสตำบล 6 หลัก)"


def _row_hashes(rows: pd.DataFrame) -> np.ndarray:
    cols = ["tambon_code", "indicator_id", "period", "value", "denominator", "source", "note"]
    h = pd.util.hash_pandas_object(rows[cols], index=False).to_numpy()
    return h.view(np.int64)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def _as_frame(table: Any, first_column: str) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table.copy()
    if isinstance(table, str | Path):
        return mio.read_any(Path(table))
    items = list(table)
    if items and isinstance(items[0], dict):
        return pd.DataFrame(items)
    return pd.DataFrame({first_column: [str(x) for x in items]})


def open_store(
    path: str | Path,
    *,
    create: bool = True,
    name: str | None = None,
    fiscal_years: tuple[int, int] | int | None = None,
    read_only: bool | None = None,
) -> MonitoringStore:
    """Open (or create) a monitoring store.

    Parameters
    ----------
    path : str or Path
        The store file; created with its tables when it does not exist.
    create : bool
        ``False`` raises ``FileNotFoundError`` for a missing file instead of creating it.
    name : str, optional
        Programme name to record.
    fiscal_years : int or (int, int), optional
        Fiscal years (BE) the programme runs; observations outside are rejected.
    read_only : bool, optional
        Open for reading only (SQLite ``mode=ro``; ``immutable`` on a read-only share).
        Default: read-only exactly when the file or its folder cannot be written, so status
        and reports work on a store someone else owns. Writing to it raises
        :class:`~tambon_gis.errors.ReadOnlyError`.

    Returns
    -------
    MonitoringStore

    Raises
    ------
    DataNotFoundError
        ``create=False`` and there is no file.
    CorruptFileError
        The file is not an SQLite monitoring store, or it is damaged (the message names it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "kpi.sqlite", fiscal_years=2566) as s:
    ...     s.fiscal_years
    (2566, 2566)
    """
    store = MonitoringStore(path, create=create, read_only=read_only)
    if name is not None or fiscal_years is not None:
        store.configure(name=name, fiscal_years=fiscal_years)
    log.info("open_store returned %r", store)
    return store


def monitoring_report(
    store: MonitoringStore | str | Path,
    *,
    fiscal_year: int,
    path: str | Path,
    **kwargs: Any,
) -> Path:
    """Write one self-contained HTML report of a fiscal year (maps and figures inlined).

    See :func:`tambon_gis._monitoring_report.monitoring_report` for every option.
    """
    from tambon_gis._monitoring_report import write_report

    return write_report(store, fiscal_year=fiscal_year, path=path, **kwargs)
