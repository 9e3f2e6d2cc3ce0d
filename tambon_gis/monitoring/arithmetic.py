"""The status arithmetic of the monitoring store: progress, roll-ups and completeness.

Pure computations on what the store read: :func:`status_table` turns the latest values of the
quarters (one row per area and indicator) and the targets into a :class:`StatusTable`,
:func:`rollup_table` aggregates one to amphoe, changwat, region or programme, and
:func:`completeness_table` counts the areas reporting. The store's methods
(:meth:`~tambon_gis.monitoring.MonitoringStore.status`, ``rollup``, ``completeness``) read the
data and call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis.monitoring.status import (
    _STATUS_COLOUR,
    _STATUS_TH,
    AT_RISK,
    LEVELS,
    ON_TRACK,
    Rollup,
    StatusTable,
    _trend,
    classify,
    fy_quarters,
    shift,
)
from tambon_gis.periods import Period, quarter, quarters_between
from tambon_gis.regions import REGION_EN, region_mapping


def status_quarters(
    p: Period, trend_periods: int
) -> tuple[list[Period], list[Period], list[Period]]:
    """Return the quarters of the trend, of the fiscal year to date, and both (sorted)."""
    fy, q = p.fiscal_year, int(p.quarter or 1)
    trend_qs = [p]
    if trend_periods > 1:
        trend_qs = quarters_between(shift(p, -(trend_periods - 1)), p)
    ytd_qs = [quarter(fy, k) for k in range(1, q + 1)]
    return trend_qs, ytd_qs, sorted({*trend_qs, *ytd_qs})


def latest_matrix(
    db: Any,
    quarters: Sequence[Period],
    current: Period,
    area_codes: Sequence[str],
    indicator_ids: Sequence[str],
) -> np.ndarray:
    """Read the latest values as a float matrix: one row per (area, indicator), area-major.

    Columns are the quarters in order, then the revision and denominator of ``current``.
    Only numbers cross into Python (``db.numbers``: on PostgreSQL one array per column):
    ``current`` keeps the tambon code as an integer and the indicator's rowid, and is keyed
    by period first, so each quarter is one range scan.
    """
    n_a, n_i = len(area_codes), len(indicator_ids)
    matrix = np.full((n_a * n_i, len(quarters) + 2), np.nan)
    if n_a == 0 or n_i == 0:
        return matrix
    area_ints = np.asarray([int(c) for c in area_codes], dtype=np.int64)
    order = np.argsort(area_ints)
    sorted_ints = area_ints[order]
    rowids = dict(db.execute("SELECT indicator_id, rowid FROM indicators").fetchall())
    lookup = np.full(max(rowids.values(), default=0) + 1, -1, dtype=np.int64)
    for col, iid in enumerate(indicator_ids):
        lookup[rowids[iid]] = col
    for k, qp in enumerate(quarters):
        extra = ["revision", "denominator"] if qp == current else []
        block = db.numbers(
            ["area_int", "indicator_int", "value", *extra], "FROM current WHERE period = ?",
            (qp.code,),
        )  # fmt: skip
        if not len(block):
            continue
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


def status_table(
    p: Period,
    areas: pd.DataFrame,
    ind: pd.DataFrame,
    matrix: np.ndarray,
    targets: pd.DataFrame,
    *,
    trend_periods: int = 4,
    on_track: float = ON_TRACK,
    at_risk: float = AT_RISK,
) -> StatusTable:
    """Compute the status of every area and indicator in the quarter ``p``.

    ``areas`` and ``ind`` are sorted by code and id; ``matrix`` holds the latest values, one
    row per (area, indicator), area-major, one column per quarter of
    :func:`status_quarters` and then the revision and denominator of ``p``
    (:func:`latest_matrix`); ``targets`` the fiscal year's targets
    (``indicator_id``, ``tambon_code``, ``target``).
    """
    q = int(p.quarter or 1)
    trend_qs, ytd_qs, needed = status_quarters(p, trend_periods)
    n_a, n_i = len(areas), len(ind)
    # one row per (area, indicator), area-major: positions instead of a merge on strings
    value_cols = [*[x.code for x in needed], "revision", "denominator"]
    col = {c: k for k, c in enumerate(value_cols)}
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
    frame["target"] = targets_for(frame, targets)
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
    return StatusTable(frame, p)


def targets_for(frame: pd.DataFrame, targets: pd.DataFrame) -> np.ndarray:
    """Return the target of each row of ``frame``: the area's own, else the one for all."""
    t = targets
    default = t[t["tambon_code"] == "*"].set_index("indicator_id")["target"]
    own = t[t["tambon_code"] != "*"].set_index(["tambon_code", "indicator_id"])["target"]
    out = frame["indicator_id"].map(default).astype("float64").to_numpy()
    if len(own):
        key = pd.MultiIndex.from_arrays([frame["tambon_code"], frame["indicator_id"]])
        specific = own.reindex(key).to_numpy(dtype="float64")
        out = np.where(np.isnan(specific), out, specific)
    return out


def rollup_table(
    st: StatusTable,
    p: Period,
    *,
    level: str = "changwat",
    indicators: Sequence[str] | None = None,
    region_scheme: str | None = None,
    on_track: float = ON_TRACK,
    at_risk: float = AT_RISK,
) -> Rollup:
    """Aggregate a status table by ``level`` (see :meth:`MonitoringStore.rollup`)."""
    if level not in LEVELS:
        raise ValidationError(f"level={level!r}: expected one of {list(LEVELS)}")
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
    out = group_sums(f, key, label)
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
    return Rollup(out[cols], p, level)


def completeness_table(
    counts: pd.DataFrame, indicator_ids: Sequence[str], n_areas: int, fiscal_year: int
) -> pd.DataFrame:
    """Spread the counts of reporting areas over every indicator and quarter of the year."""
    grid = pd.MultiIndex.from_product(
        [list(indicator_ids), [x.code for x in fy_quarters(fiscal_year)]],
        names=["indicator_id", "period"],
    ).to_frame(index=False)
    out = grid.merge(counts, on=["indicator_id", "period"], how="left")
    out["n_reporting"] = out["n_reporting"].fillna(0).astype("int64")
    out["n_areas"] = n_areas
    out["completeness"] = out["n_reporting"] / max(n_areas, 1)
    return out[["indicator_id", "period", "n_areas", "n_reporting", "completeness"]]


def group_sums(f: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
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
