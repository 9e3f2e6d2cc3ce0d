"""Validate what goes into the monitoring store: the programme set-up and observation files.

Every problem is collected, never only the first: :func:`observations` returns the rows ready
to store or one row per problem (spreadsheet row, column and reason), and the set-up checks
(:func:`area_rows`, :func:`indicator_rows`, :func:`target_rows`) raise one
:class:`~tambon_gis._errors.ValidationError` listing them all. Whole columns are checked at
once, so a file of a million rows is validated in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from tambon_gis import gazetteer
from tambon_gis._errors import SchemaError, ValidationError, excerpt
from tambon_gis.monitoring import io as mio
from tambon_gis.periods import Period, parse_period

if TYPE_CHECKING:
    from tambon_gis.monitoring.store import MonitoringStore

#: The columns of an observation that a problem report shows.
REPORT_COLUMNS = ["row", "column", "tambon_code", "indicator_id", "period", "value"]


def unknown_tambon_reason(code: str) -> str:
    """Say why a 6-digit code is not a tambon in force (abolished, with successors, or unknown)."""
    ab = gazetteer.abolished()
    hit = ab[ab["code"] == code]
    if len(hit):
        succ = hit["successors"].iloc[0]
        return f"tambon {code} was abolished on {hit['abolished_on'].iloc[0]}" + (
            f": use its successor(s) {succ}" if succ else ""
        )
    return f"tambon {code} is not in the official gazetteer: check the code (รหัสตำบล 6 หลัก)"


def row_hashes(rows: pd.DataFrame) -> np.ndarray:
    """Hash what each observation row says (a row whose content did not change is unchanged)."""
    cols = ["tambon_code", "indicator_id", "period", "value", "denominator", "source", "note"]
    h = pd.util.hash_pandas_object(rows[cols], index=False).to_numpy()
    return h.view(np.int64)


# ============================================================================ programme set-up


def area_rows(
    df: pd.DataFrame,
    *,
    programme: str | None = None,
    lead_agency: str | None = None,
    start_date: str | dt.date | None = None,
) -> list[tuple[Any, ...]]:
    """Check a table of operation areas and return the rows of the ``areas`` table.

    Raises
    ------
    ValidationError
        Listing every malformed or unknown tambon code and unreadable start date.
    """
    if "tambon_code" not in df.columns:
        raise SchemaError(
            f"the areas table has no tambon_code column (columns: {list(df.columns)[:10]}): "
            "add the 6-digit DOPA code of each operation area"
        )
    df = df.copy()
    df["tambon_code"] = mio.normalize_codes(df["tambon_code"])
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
    starts: list[str | None] = []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        code = cast(str, r.tambon_code)  # normalize_codes above made every code a str
        if not (len(code) == 6 and code.isdigit()):
            problems.append(f"row {i}: tambon_code {code!r} is not a 6-digit DOPA code")
        elif code not in index.index:
            problems.append(f"row {i}: {unknown_tambon_reason(code)}")
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
    return rows


def indicator_rows(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Check an indicator catalogue and return the rows of the ``indicators`` table.

    Raises
    ------
    ValidationError
        Listing every problem found.
    """
    df = df.copy()
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
        bounds: list[float | None] = []
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
        lo_b, hi_b = bounds
        if lo_b is not None and hi_b is not None and lo_b > hi_b:
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
    return rows


def target_rows(
    df: pd.DataFrame, *, known: set[str], areas: set[str]
) -> list[tuple[Any, ...]]:
    """Check a table of targets against the catalogue and the areas; return ``targets`` rows.

    Raises
    ------
    ValidationError
        Listing unknown indicators or areas, unreadable years and non-numeric targets.
    """
    df = df.copy()
    missing = [c for c in ("indicator_id", "fiscal_year", "target") if c not in df.columns]
    if missing:
        raise SchemaError(
            f"the targets table lacks {missing} (columns: {list(df.columns)[:10]}): give "
            "indicator_id, fiscal_year and target (and tambon_code for one area)"
        )
    if "tambon_code" not in df.columns:
        df["tambon_code"] = "*"
    problems, rows = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        iid = str(r["indicator_id"]).strip()
        code = mio.normalize_codes(pd.Series([str(r["tambon_code"] or "*")])).iloc[0]
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
    return rows


# ============================================================================ observations


class _Problems:
    """The problems found in a long table of observations, one table part per check."""

    def __init__(self, long: pd.DataFrame) -> None:
        self.long = long
        self.parts: list[pd.DataFrame] = []

    def flag(self, mask: pd.Series | np.ndarray, reason: Any) -> None:
        """Record the rows of ``mask``; ``reason`` is text or ``f(mask) -> texts``."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            part = self.long.loc[mask, REPORT_COLUMNS].copy()
            part["reason"] = (
                reason if isinstance(reason, str) else np.asarray(reason(mask), dtype=object)
            )
            self.parts.append(part)

    def table(self) -> pd.DataFrame:
        """All problems, sorted by row and column."""
        rejected = pd.concat(self.parts, ignore_index=True)
        rejected["row"] = rejected["row"].astype("int64")
        return rejected.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


# ``flag(mask, reason)``: ``reason`` is text or ``f(mask) -> texts``, ``mask`` a bool array.
Flag = Callable[[Any, "str | Callable[[np.ndarray], Any]"], None]


def observations(
    store: MonitoringStore,
    long: pd.DataFrame,
    *,
    extra_fields: dict[int, int] | None = None,
    duplicates: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(rows ready to store, problems)``; every problem names its row and reason.

    ``long`` is a file read into the long layout (:func:`tambon_gis.monitoring.io.to_long`);
    the rows are checked against the store's areas, catalogue and fiscal years.
    ``duplicates=False`` leaves out the check for rows that give the same observation twice
    (an import in chunks finds those over the whole file, with :func:`key_hashes`).
    """
    long = long.copy()
    for col in ("tambon_code", "indicator_id", "period", "value", "denominator"):
        long[col] = long[col].astype("str").str.strip()
    problems = _Problems(long)
    flag = problems.flag
    code = mio.normalize_codes(long["tambon_code"])
    long["tambon_code"] = code
    areas = store.areas()
    indicators = store.indicators().set_index("indicator_id")
    _check_areas(flag, long, code, areas, extra_fields)
    ind = long["indicator_id"]
    unknown_ind = ~ind.isin(set(indicators.index))
    known_ids = sorted(indicators.index)[:12]
    flag(unknown_ind, lambda m: "unknown indicator " + ind[m].map(excerpt) + ": expected "
         f"one of {known_ids}; add it with store.set_indicators(...)")  # fmt: skip
    qcode = _check_periods(flag, long, code, areas, store.fiscal_years)
    values, denominators = _check_values(flag, long, indicators)
    long["period_code"] = qcode
    if duplicates:
        _check_duplicates(flag, long, qcode)
    if problems.parts:
        return long.iloc[0:0], problems.table()
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


def _check_areas(
    flag: Flag,
    long: pd.DataFrame,
    code: pd.Series,
    areas: pd.DataFrame,
    extra_fields: dict[int, int] | None,
) -> None:
    """Flag rows before any area is set, rows with extra cells, and unknown or foreign codes."""
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
        flag(unknown, lambda m: code[m].map(unknown_tambon_reason))
    not_area = ~malformed & ~unknown & ~code.isin(set(areas["tambon_code"])) & (not areas.empty)
    flag(not_area, lambda m: "tambon " + code[m] + " is not an operation area of this "
         "programme: add it with store.set_areas(...) or correct the code")  # fmt: skip


def _check_periods(
    flag: Flag,
    long: pd.DataFrame,
    code: pd.Series,
    areas: pd.DataFrame,
    fys: tuple[int, int] | None,
) -> pd.Series:
    """Flag unreadable or non-quarter periods, and periods outside the programme or too early.

    Sets ``fiscal_year`` and ``quarter`` of ``long`` and returns the quarter codes.
    """
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
    return qcode


def _check_values(
    flag: Flag, long: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Flag empty, non-numeric and out-of-range values and bad denominators; return both."""
    ind = long["indicator_id"]
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
    return values, denominators


def _check_duplicates(flag: Flag, long: pd.DataFrame, qcode: pd.Series) -> None:
    """Flag the rows that give the same tambon, indicator and period more than once."""
    keyed = qcode != ""
    dup = keyed & long.duplicated(["tambon_code", "indicator_id", "period_code"], keep=False)
    if dup.any():
        part = long.loc[dup, ["tambon_code", "indicator_id", "period_code", "row"]]
        gid = part.groupby(["tambon_code", "indicator_id", "period_code"], sort=False).ngroup()
        reason = pd.Series("", index=long.index, dtype=object)
        reason.loc[part.index] = duplicate_reasons(
            gid.to_numpy(), part["row"].to_numpy(dtype="int64")
        )
        flag(dup, lambda m: reason[m])


def duplicate_reasons(group: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Return the reason of each row of a group of rows that give the same observation.

    ``group`` numbers the groups (rows with the same tambon, indicator and period) and
    ``row`` holds each row's number in the file. Linear in the rows: each reason names the
    first five rows and the count of the rest, never the whole list (a file of one row
    repeated would need a quadratic text). Each group's text is built once and shared.
    """
    order = np.lexsort((row, group))
    g, r = group[order], row[order]
    first = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    counts = np.diff(np.r_[starts, len(g)])
    shown = 5
    texts = np.empty(len(starts), dtype=object)
    for k, (s, c) in enumerate(zip(starts.tolist(), counts.tolist(), strict=True)):
        listed = ", ".join(map(str, r[s : s + min(c, shown)].tolist()))
        more = f" and {c - shown:,} more" if c > shown else ""
        texts[k] = (
            f"the same tambon, indicator and period appear in rows {listed}{more}: keep one row"
        )
    out = np.empty(len(g), dtype=object)
    out[order] = texts[np.cumsum(first) - 1]
    return out


#: Two independent 16-byte keys: an observation's key is hashed twice (128 bits in all), so
#: that two different observations never pass for the same one.
_KEY_HASH_KEYS = ("tambon_gis_key_1", "tambon_gis_key_2")


def key_hashes(keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Hash the key of each observation (``tambon_code``, ``indicator_id``, ``period_code``).

    Returns two independent ``uint64`` hashes per row; rows with the same pair give the same
    tambon, indicator and quarter. Used to find duplicates across the chunks of an import
    without holding its rows.
    """
    cols = keys[["tambon_code", "indicator_id", "period_code"]].astype("str")
    h1, h2 = (
        pd.util.hash_pandas_object(cols, index=False, hash_key=k).to_numpy(dtype="uint64")
        for k in _KEY_HASH_KEYS
    )
    return h1, h2


def observation_keys(long: pd.DataFrame) -> pd.DataFrame:
    """Return the columns a problem report shows, as :func:`observations` reads them.

    ``long`` is a file read into the long layout; the result has :data:`REPORT_COLUMNS`
    (codes normalised, text stripped) and ``period_code``, the fiscal quarter's code or
    ``""`` for a period that is not one.
    """
    out = long[REPORT_COLUMNS].copy()
    for col in ("tambon_code", "indicator_id", "period", "value"):
        out[col] = out[col].astype("str").str.strip()
    out["tambon_code"] = mio.normalize_codes(out["tambon_code"])
    pos, texts = pd.factorize(out["period"])
    codes = []
    for text in texts:
        try:
            p = parse_period(str(text))
        except ValueError:
            codes.append("")
            continue
        codes.append(p.code if p.kind == "quarter" else "")
    out["period_code"] = pd.Series(
        np.asarray(codes, dtype=object)[pos] if len(texts) else np.asarray([], dtype=object),
        index=out.index,
        dtype="str",
    )
    return out
