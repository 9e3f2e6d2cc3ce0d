"""Statuses, thresholds and the result tables of the monitoring store.

What the status of a value means (:data:`STATUSES`, :data:`ON_TRACK`, :data:`AT_RISK`,
:func:`classify`, the trend of a series), the roll-up :data:`LEVELS`, and the result objects
(:class:`ImportReport`, :class:`StatusTable`, :class:`Rollup`), which depend on nothing else
of the store.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._export import write_csv
from tambon_gis.periods import Period, parse_period, quarter

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
    """Classify the slope of each row of ``matrix`` (periods in columns, NaN = missing).

    A row has a trend only when its last period (the one the status is for) has a value and
    at least one earlier period does too: a series that stopped reporting shows no trend
    beside its "no data" status.
    """
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
    enough = (count >= 2) & valid[:, -1]
    out[enough & (np.abs(rel) < tolerance)] = "stable"
    out[enough & (rel * sign >= tolerance)] = "improving"
    out[enough & (rel * sign <= -tolerance)] = "worsening"
    return out


#: Arrows shown for the trend values.
TREND_ARROWS = {"improving": "↗", "worsening": "↘", "stable": "→", "": ""}


# ============================================================================ quarters


def fy_quarters(fiscal_year: int) -> list[Period]:
    """Return the four quarters of a fiscal year (BE)."""
    return [quarter(int(fiscal_year), k) for k in range(1, 5)]


def shift(p: Period, n: int) -> Period:
    """Return the quarter ``n`` quarters after ``p`` (before it when ``n`` is negative)."""
    index = p.fiscal_year * 4 + int(p.quarter or 1) - 1 + n
    return quarter(index // 4, index % 4 + 1)


def as_quarter(period: str | Period) -> Period:
    """Parse a period that must be a fiscal quarter (status and roll-ups are per quarter)."""
    p = parse_period(period)
    if p.kind != "quarter":
        raise ValidationError(
            f"{period!r} is a {p.kind.replace('_', ' ')}, not a fiscal quarter: status and "
            f"roll-ups are per quarter; give e.g. '{p.quarters()[-1].label}'"
        )
    return p


