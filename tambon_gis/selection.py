"""Score tambons against criteria and choose an optimal set of joint operation areas.

* :func:`score_areas` applies a :class:`~tambon_gis.criteria.Criteria` to a layer: eligibility
  per agency with the reason each tambon failed, each criterion's contribution, the total score
  and the rank.
* :func:`select_areas` chooses exactly ``n`` eligible tambons that maximise the total score
  under quotas per region / province, a maximum per amphoe or per province, lists to include or
  exclude, a minimum distance, a limit on the number of provinces (pilot provinces) and a
  budget. It solves a mixed-integer programme with HiGHS and says whether the answer is proven
  optimal. Infeasible requests are caught before the solver when the conflict is plain ("region
  quota sum 25 > n=23") and named after it otherwise.
* The :class:`Selection` it returns explains itself: for each chosen tambon its rank, score
  breakdown and the constraint (if any) that brought it in over a higher-scored one; for the
  best tambons left out, why. It exports CSV and Excel with Thai and English headers and draws
  the selection map.
* :func:`sensitivity` perturbs the weights (seeded Monte Carlo) and reports how often each
  tambon is chosen: the stable core and the marginal picks.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({
...     "tambon_code": ["100101", "100102", "500101", "500102", "900101"],
...     "amphoe_code": ["1001", "1001", "5001", "5001", "9001"],
...     "changwat_code": ["10", "10", "50", "50", "90"],
...     "region": ["ภาคกลาง", "ภาคกลาง", "ภาคเหนือ", "ภาคเหนือ", "ภาคใต้"],
...     "priority": [0.9, 0.8, 0.7, 0.6, 0.1],
... }, geometry=[Point(100 + i, 14) for i in range(5)], crs=4326)
>>> sel = select_areas(gdf, n=2, score="priority", quotas={"region": {"ภาคใต้": (1, None)}})
>>> sel.to_frame()["tambon_code"].tolist()
['100101', '900101']
>>> sel.proven_optimal
True
"""

from __future__ import annotations

import html
import math
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis import settings
from tambon_gis._errors import (
    InfeasibleError,
    SchemaError,
    SolverError,
    ValidationError,
    excerpt,
)
from tambon_gis._export import safe_excel_writer, write_csv
from tambon_gis._logging import get_logger, progress
from tambon_gis.criteria import Criteria
from tambon_gis.names import clean_code

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

logger = get_logger(__name__)

__all__ = [
    "HEADERS_TH",
    "LEVELS",
    "Selection",
    "Sensitivity",
    "score_areas",
    "select_areas",
    "selection_map",
    "sensitivity",
    "sensitivity_map",
]

#: Levels a quota can name, with the column holding the group code and its display columns.
LEVELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "region": ("region", ("region", "region_en")),
    "changwat": ("changwat_code", ("changwat_th", "changwat_en")),
    "amphoe": ("amphoe_code", ("amphoe_th", "amphoe_en")),
}

#: Thai headers of the exported tables (English header -> Thai).
HEADERS_TH: dict[str, str] = {
    "tambon_code": "รหัสตำบล",
    "tambon_th": "ตำบล",
    "tambon_en": "ตำบล (อังกฤษ)",
    "amphoe_code": "รหัสอำเภอ",
    "amphoe_th": "อำเภอ",
    "amphoe_en": "อำเภอ (อังกฤษ)",
    "changwat_code": "รหัสจังหวัด",
    "changwat_th": "จังหวัด",
    "changwat_en": "จังหวัด (อังกฤษ)",
    "region": "ภาค",
    "region_en": "ภาค (อังกฤษ)",
    "selected": "ได้รับเลือก",
    "status": "สถานะ",
    "score": "คะแนนรวม",
    "rank": "อันดับ",
    "in_top_n": "อยู่ใน n อันดับแรก",
    "why": "เหตุผล",
    "eligible": "ผ่านเกณฑ์คุณสมบัติ",
    "ineligible_reason": "เหตุที่ไม่ผ่านเกณฑ์",
    "cost": "ต้นทุน",
    "level": "ระดับ",
    "group": "กลุ่ม",
    "name": "ชื่อ",
    "min": "ขั้นต่ำ",
    "max": "สูงสุด",
    "candidates": "จำนวนที่ผ่านเกณฑ์",
    "chosen": "จำนวนที่เลือก",
    "top_n": "จำนวนใน n อันดับแรก",
    "frequency": "สัดส่วนที่ถูกเลือก",
    "times_chosen": "จำนวนครั้งที่ถูกเลือก",
    "stability": "ความมั่นคง",
    "in_base": "อยู่ในชุดหลัก",
}

_NAME_COLUMNS = (
    "tambon_code", "tambon_th", "tambon_en", "amphoe_code", "amphoe_th", "amphoe_en",
    "changwat_code", "changwat_th", "changwat_en", "region", "region_en",
)  # fmt: skip

_STATUS_TH = {
    "chosen": "เลือก",
    "left out": "ไม่ได้เลือก",
    "excluded": "ตัดออก",
    "ineligible": "ไม่ผ่านเกณฑ์",
    "no score": "ไม่มีคะแนน",
}


# --------------------------------------------------------------------------- scoring


def _normalised_matrix(gdf: pd.DataFrame, criteria: Criteria) -> tuple[np.ndarray, np.ndarray]:
    """Return (normalised values rows x criteria with the missing policy applied, missing mask)."""
    k = len(criteria.criteria)
    values = np.zeros((len(gdf), k), dtype=float)
    missing = np.zeros((len(gdf), k), dtype=bool)
    for j, crit in enumerate(criteria.criteria):
        x = crit.normalized(gdf[crit.column]).to_numpy(dtype=float)
        miss = np.isnan(x)
        missing[:, j] = miss
        fill = float(np.nanmean(x)) if crit.missing == "mean" and (~miss).any() else 0.0
        values[:, j] = np.where(miss, fill, x)
    return values, missing


def _row_ids(gdf: pd.DataFrame) -> list[str]:
    if "tambon_code" in gdf.columns:
        return [str(c) for c in gdf["tambon_code"]]
    return [str(i) for i in gdf.index]


def score_areas(gdf: gpd.GeoDataFrame, criteria: Criteria) -> gpd.GeoDataFrame:
    """Apply criteria: eligibility per agency with reasons, contributions, score and rank.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or pandas.DataFrame
        One row per tambon holding every column the criteria read (e.g. boundaries joined to
        the partners' table). Not modified.
    criteria : Criteria
        The specification (see :mod:`tambon_gis.criteria`).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``gdf`` (same rows, same order) with the columns ``eligible_<agency>`` for
        each agency, ``eligible`` (all agencies pass), ``ineligible_reason`` (``""`` when
        eligible, else every failed rule, ``"; "``-separated, with the value found),
        ``contrib_<criterion>`` (weight x normalised value), ``score`` (their sum, computed
        for every row) and ``rank`` (1 = best among the eligible, ``<NA>`` when ineligible;
        ties share the best rank).

    Raises
    ------
    ValidationError
        If a column is unknown or a rule / normalisation cannot apply to it, or a criterion
        with ``missing="error"`` meets missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis.criteria import Agency, Criteria, Criterion, Rule
    >>> table = pd.DataFrame({
    ...     "tambon_code": ["500101", "500102", "500103"],
    ...     "สภาองค์กรชุมชนตำบล": ["มี", "ไม่มี", "มี"],
    ...     "ครัวเรือนเกษตรกร": [1200, 800, 400],
    ... })
    >>> crit = Criteria(
    ...     agencies=[Agency("codi", [Rule.parse("สภาองค์กรชุมชนตำบล", "== มี")], label="พอช.")],
    ...     criteria=[Criterion("ครัวเรือนเกษตรกร", weight=1.0)],
    ... )
    >>> scored = score_areas(table, crit)
    >>> scored[["eligible", "score"]].to_dict("list")
    {'eligible': [True, False, True], 'score': [1.0, 0.5, 0.0]}
    >>> scored["rank"].tolist()
    [1, <NA>, 2]
    >>> scored.loc[1, "ineligible_reason"]
    "พอช.: สภาองค์กรชุมชนตำบล == 'มี' (value 'ไม่มี')"
    """
    if not isinstance(criteria, Criteria):
        raise ValidationError(
            f"criteria must be a tambon_gis.criteria.Criteria, not {type(criteria).__name__}; "
            "read a file with tambon_gis.load_criteria(path)"
        )
    t0 = time.perf_counter()
    criteria.validate(gdf)
    out = gdf.copy()
    added = [f"eligible_{a.key}" for a in criteria.agencies] + [
        c.contribution_column for c in criteria.criteria
    ]
    replaced = [c for c in (*added, "eligible", "ineligible_reason", "score", "rank") if c in out]
    if replaced:
        logger.warning(
            "score_areas: the input's columns %s are replaced by the scoring's (the input is "
            "not modified); rename them first to keep both",
            replaced,
        )
    n = len(out)
    reasons: list[list[str]] = [[] for _ in range(n)]
    all_ok = np.ones(n, dtype=bool)
    for agency in criteria.agencies:
        ok = np.ones(n, dtype=bool)
        for rule in agency.rules:
            passed = rule.evaluate(gdf).to_numpy()
            ok &= passed
            col = gdf[rule.column].to_numpy(dtype=object, na_value=None)
            for i in np.flatnonzero(~passed):
                v = col[i]
                shown = "missing" if v is None or v != v else f"value {v!r}"
                reasons[i].append(f"{agency.name}: {rule} ({shown})")
        out[f"eligible_{agency.key}"] = ok
        all_ok &= ok
    values, missing = _normalised_matrix(gdf, criteria)
    ids = None
    for j, crit in enumerate(criteria.criteria):
        miss = missing[:, j]
        if crit.missing == "error" and miss.any():
            ids = ids or _row_ids(gdf)
            bad = [ids[i] for i in np.flatnonzero(miss)]
            raise ValidationError(
                f"criterion {crit.name!r} has {len(bad)} missing value(s) in column "
                f"{crit.column!r} (rows {bad[:10]}); fill them, or set missing: zero, mean or "
                "ineligible"
            )
        if crit.missing == "ineligible" and miss.any():
            all_ok &= ~miss
            for i in np.flatnonzero(miss):
                reasons[i].append(f"no value for {crit.label or crit.column}")
    weights = np.array([c.weight for c in criteria.criteria], dtype=float)
    contrib = values * weights
    for j, crit in enumerate(criteria.criteria):
        out[crit.contribution_column] = contrib[:, j]
    out["eligible"] = all_ok
    out["ineligible_reason"] = pd.array(["; ".join(r) for r in reasons], dtype="str")
    out["score"] = contrib.sum(axis=1) if len(criteria.criteria) else np.zeros(n)
    out["rank"] = _rank(out["score"], all_ok)
    logger.info(
        "score_areas returned %s rows: %s eligible, %s ineligible, %d criteria, in %.3f s",
        f"{n:,}",
        f"{int(all_ok.sum()):,}",
        f"{int((~all_ok).sum()):,}",
        len(criteria.criteria),
        time.perf_counter() - t0,
    )
    return out


def _rank(score: pd.Series, eligible: np.ndarray) -> pd.Series:
    s = pd.Series(np.where(eligible, score.to_numpy(dtype=float), np.nan), index=score.index)
    return s.rank(ascending=False, method="min").astype("Int64")


# --------------------------------------------------------------------------- quotas


@dataclass
class _Group:
    level: str
    key: str
    label: str
    lo: int | None
    hi: int | None
    rows: np.ndarray  # positions in the frame of every row of the group
    from_default: bool = False  # set by a "*" quota (or max_per_amphoe / max_per_changwat)


def _parse_bounds(value: Any, where: str) -> tuple[int | None, int | None]:
    if isinstance(value, Mapping):
        lo, hi = value.get("min"), value.get("max")
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        lo, hi = value
    else:
        raise ValidationError(
            f"quota {where}: {value!r} is not a (min, max) pair; write e.g. (2, 5), (2, None) "
            "or {'min': 2, 'max': 5}"
        )
    out = []
    for v in (lo, hi):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0:
            out.append(int(v))
        else:
            raise ValidationError(f"quota {where}: bound {v!r} must be a whole number >= 0 or None")
    return out[0], out[1]


def _name_keys(name: Any, level: str) -> list[str]:
    """Keys a quota name is looked up by: as typed (lower case) and normalised (no จ./อ.)."""
    from tambon_gis.names import normalize_name

    raw = str(name).strip().lower()
    norm = normalize_name(raw, level=None if level == "region" else level)
    return list(dict.fromkeys(k for k in (raw, norm) if k))


def _resolve_groups(
    gdf: pd.DataFrame,
    quotas: Mapping[str, Mapping[str, Any]] | None,
    max_per_amphoe: int | None,
    max_per_changwat: int | None,
) -> list[_Group]:
    quotas = {k: dict(v) for k, v in (quotas or {}).items()}
    caps = {"amphoe": max_per_amphoe, "changwat": max_per_changwat}
    for level, limit in caps.items():
        if limit is not None:
            if not isinstance(limit, (int, np.integer)) or isinstance(limit, bool) or limit < 0:
                raise ValidationError(
                    f"max_per_{level}={limit!r}: give a whole number >= 0, or None for no limit"
                )
            quotas.setdefault(level, {})
    groups: list[_Group] = []
    problems: list[str] = []
    for level, spec in quotas.items():
        if level not in LEVELS:
            raise ValidationError(
                f"unknown quota level {level!r}: use one of {sorted(LEVELS)}, e.g. "
                "quotas={'region': {'ภาคใต้': (2, 5)}}"
            )
        code_col, name_cols = LEVELS[level]
        if code_col not in gdf.columns:
            raise SchemaError(
                f"a {level} quota needs the column {code_col!r}, which the layer lacks; load it "
                "with tambon_gis.load_boundaries (canonical schema)"
            )
        codes = gdf[code_col].astype(str).to_numpy()
        positions = pd.Series(np.arange(len(gdf))).groupby(codes).indices
        label_of: dict[str, str] = {}
        lookup: dict[str, str] = {}
        shown = name_cols[0] if name_cols[0] in gdf.columns else code_col
        first = pd.DataFrame({"c": codes, "s": gdf[shown].astype(str).to_numpy()})
        label_of = dict(first.drop_duplicates("c").itertuples(index=False, name=None))
        ambiguous: dict[str, set[str]] = {}
        for col in (code_col, *name_cols):
            if col in gdf.columns:
                pairs_ = pd.DataFrame({"c": codes, "v": gdf[col].astype(str).to_numpy()})
                for code, name in pairs_.drop_duplicates().itertuples(index=False, name=None):
                    for key in _name_keys(name, level):
                        if lookup.setdefault(key, code) != code:
                            ambiguous.setdefault(key, {lookup[key]}).add(code)
        default = spec.get("*")
        explicit: dict[str, tuple[int | None, int | None]] = {}
        named: dict[str, str] = {}
        for name, bounds in spec.items():
            if name == "*":
                continue
            keys = _name_keys(name, level)
            hits = [k for k in keys if k in ambiguous]
            if hits:
                problems.append(
                    f"{level} quota names {name!r}, which fits {sorted(ambiguous[hits[0]])}: "
                    "use the code"
                )
                continue
            code = next((lookup[k] for k in keys if k in lookup), None)
            if code in named:
                problems.append(
                    f"{level} quota names {named[code]!r} and {name!r}, the same {level} "
                    f"{label_of[code]} ({code}): keep one"
                )
                continue
            if code is not None:
                named[code] = str(name)
            if code is None:
                from rapidfuzz import process

                best = process.extractOne(str(name), list(lookup), score_cutoff=60)
                hint = (
                    f"did you mean {best[0]!r}?"
                    if best
                    else f"known: {sorted(label_of.values())[:8]}"
                )
                problems.append(f"{level} quota names {name!r}, which is not in the layer; {hint}")
                continue
            explicit[code] = _parse_bounds(bounds, f"{level} {name}")
        default_bounds = _parse_bounds(default, f"{level} *") if default is not None else None
        cap = caps.get(level)
        for code, rows in positions.items():
            if code in explicit:  # a named quota replaces the "*" default
                lo, hi = explicit[code]
            elif default_bounds is not None:
                lo, hi = default_bounds
            elif cap is not None:
                lo, hi = None, None
            else:
                continue
            if cap is not None:  # max_per_amphoe / max_per_changwat bound every group
                hi = cap if hi is None else min(hi, cap)
            groups.append(
                _Group(level, str(code), label_of[code], lo, hi, np.asarray(rows),
                       from_default=code not in explicit)
            )  # fmt: skip
    if problems:
        raise ValidationError(
            f"{len(problems)} quota problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return groups


def _normalize_codes(values: Iterable[Any] | None, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    out, bad = [], []
    for v in values:
        code = clean_code(v)
        if code is None:
            bad.append(excerpt(v))
        else:
            out.append(code)
    if bad:
        raise ValidationError(
            f"{what} holds {len(bad)} value(s) that are not 6-digit tambon codes: "
            f"{', '.join(bad[:10])}; write each code in full with its 6 digits (e.g. '320101'), "
            "codes are never zero-padded"
        )
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- solver


_HIGHS_LOCK = threading.Lock()
_BANNER_DONE = False


def _new_highs() -> Any:
    """Return a silent ``highspy.Highs`` (the first one prints a banner to fd 1: swallow it)."""
    global _BANNER_DONE
    import highspy

    with _HIGHS_LOCK:
        if not _BANNER_DONE:
            try:
                sys.stdout.flush()
                saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            except OSError:  # no usable fd 1
                h = highspy.Highs()
            else:
                os.dup2(null, 1)
                try:
                    h = highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                    os.close(null)
            _BANNER_DONE = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class _Problem:
    """The selection problem over candidate rows (positions into the frame)."""

    cand: np.ndarray  # frame positions of the candidates
    n: int
    groups: list[_Group]
    forced: np.ndarray  # candidate-local indices that must be chosen
    pairs: np.ndarray  # (k, 2) candidate-local conflicting pairs
    cells: list[np.ndarray]  # candidate-local groups pairwise within the distance (grid cells)
    cost: np.ndarray | None
    budget: float | None
    province_of: np.ndarray | None  # candidate-local province codes when max_changwats is set
    max_changwats: int | None

    def families(self) -> list[str]:
        fam = sorted({f"{g.level} quotas" for g in self.groups})
        if len(self.forced):
            fam.append("include")
        if len(self.pairs):
            fam.append("min_distance_km")
        if self.budget is not None:
            fam.append("budget")
        if self.max_changwats is not None:
            fam.append("max_changwats")
        return fam


class _Model:
    """A HiGHS model of a :class:`_Problem`, built once; the objective can be changed."""

    def __init__(
        self,
        prob: _Problem,
        scores: np.ndarray,
        *,
        drop: frozenset[str] = frozenset(),
        time_limit: float,
        mip_gap: float,
        pairs: np.ndarray | None = None,
    ) -> None:
        import highspy

        pairs = prob.pairs if pairs is None else pairs

        m = len(prob.cand)
        local = np.full(int(prob.cand.max()) + 1 if m else 1, -1, dtype=np.int64)
        local[prob.cand] = np.arange(m)
        # blocks of rows: (row lengths, column indices, values, lower, upper)
        blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.row_names: list[str] = []

        def add(idx: Any, val: Any, low: float, high: float, name: str) -> None:
            idx = np.asarray(idx, dtype=np.int64)
            blocks.append(
                (np.array([len(idx)]), idx, np.asarray(val, dtype=float),
                 np.array([low], dtype=float), np.array([high], dtype=float))
            )  # fmt: skip
            self.row_names.append(name)

        add(np.arange(m), np.ones(m), prob.n, prob.n, f"exactly n={prob.n}")
        for g in prob.groups:
            if f"{g.level} quotas" in drop:
                continue
            idx = local[g.rows[g.rows < len(local)]]
            idx = idx[idx >= 0]
            if not len(idx) and not g.lo:
                continue  # no candidate in the group and no minimum: nothing to constrain
            low = -np.inf if g.lo is None else g.lo
            high = np.inf if g.hi is None else g.hi
            add(idx, np.ones(len(idx)), low, high, f"{g.level} {g.label}")
        if "min_distance_km" not in drop and len(pairs):
            k = len(pairs)
            blocks.append(
                (np.full(k, 2), pairs.ravel(), np.ones(2 * k), np.full(k, -np.inf), np.ones(k))
            )
            self.row_names += ["min_distance_km"] * k
        if "min_distance_km" not in drop:
            for cell in prob.cells:
                add(cell, np.ones(len(cell)), -np.inf, 1, "min_distance_km (grid cell)")
        if prob.budget is not None and "budget" not in drop:
            add(np.arange(m), prob.cost, -np.inf, prob.budget, "budget")
        n_cols = m
        if prob.max_changwats is not None and "max_changwats" not in drop:
            provinces, inv = np.unique(prob.province_of, return_inverse=True)
            p = len(provinces)
            blocks.append(
                (np.full(m, 2), np.column_stack([np.arange(m), m + inv]).ravel(),
                 np.tile([1.0, -1.0], m), np.full(m, -np.inf), np.zeros(m))
            )  # fmt: skip
            self.row_names += ["max_changwats"] * m
            add(m + np.arange(p), np.ones(p), -np.inf, prob.max_changwats, "max_changwats")
            n_cols = m + p
        lengths = np.concatenate([b[0] for b in blocks])
        lo = np.concatenate([b[3] for b in blocks])
        hi = np.concatenate([b[4] for b in blocks])
        rows_idx = [b[1] for b in blocks]
        rows_val = [b[2] for b in blocks]
        col_lo = np.zeros(n_cols)
        if "include" not in drop:
            col_lo[prob.forced] = 1.0
        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = len(lengths)
        cost = np.zeros(n_cols)
        cost[:m] = scores
        lp.col_cost_ = cost
        lp.col_lower_ = col_lo
        lp.col_upper_ = np.ones(n_cols)
        lp.row_lower_ = lo
        lp.row_upper_ = hi
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = n_cols
        lp.a_matrix_.num_row_ = len(lengths)
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        lp.a_matrix_.index_ = np.concatenate(rows_idx).astype(np.int32)
        lp.a_matrix_.value_ = np.concatenate(rows_val)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
        self.h = _new_highs()
        for opt, val in (
            ("mip_rel_gap", float(mip_gap)),
            ("mip_abs_gap", 1e-9),
            ("time_limit", float(time_limit)),
            ("random_seed", 0),
            # presolve spends ~0.3 s on the dense "exactly n" row for nothing, and the
            # feasibility-jump heuristic ~20 ms a solve: both off (measured with HiGHS 1.16)
            ("presolve", "off"),
            ("mip_heuristic_run_feasibility_jump", False),
        ):
            self.h.setOptionValue(opt, val)
        self.h.passModel(lp)
        self.m = m
        self.mip_gap = mip_gap

    def solve(self, scores: np.ndarray | None = None) -> dict[str, Any]:
        import highspy

        if scores is not None:
            self.h.changeColsCost(self.m, np.arange(self.m, dtype=np.int32), scores)
        t0 = time.perf_counter()
        self.h.run()
        seconds = time.perf_counter() - t0
        status = self.h.getModelStatus()
        info = self.h.getInfo()
        ok = status == highspy.HighsModelStatus.kOptimal
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = None
        if has_sol:
            x = np.asarray(self.h.getSolution().col_value[: self.m]) > 0.5
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        gap = float(info.mip_gap) if has_sol else math.inf
        return {
            "x": x,
            "status": self.h.modelStatusToString(status),
            "optimal": bool(ok and has_sol and (gap <= self.mip_gap + 1e-9 or gap < 1e-9)),
            "infeasible": bool(infeasible),
            "gap": gap,
            "objective": float(info.objective_function_value) if has_sol else math.nan,
            "bound": float(info.mip_dual_bound),
            "seconds": seconds,
            "nodes": int(info.mip_node_count),
        }


def _cells(prob: _Problem) -> tuple[np.ndarray, np.ndarray]:
    """Cell id and cap of each candidate (see :func:`_reduce`); independent of the scores."""
    m = len(prob.cand)
    local = np.full(int(prob.cand.max()) + 1 if m else 1, -1, dtype=np.int64)
    local[prob.cand] = np.arange(m)
    cap = np.full(m, prob.n, dtype=np.int64)
    cols: dict[str, np.ndarray] = {}
    for gi, g in enumerate(prob.groups):
        idx = local[g.rows[g.rows < len(local)]]
        idx = idx[idx >= 0]
        cols.setdefault(g.level, np.full(m, -1, dtype=np.int64))[idx] = gi
        if g.hi is not None:
            cap[idx] = np.minimum(cap[idx], g.hi)
    if prob.province_of is not None:
        cols["province"] = np.unique(prob.province_of, return_inverse=True)[1]
    if cols:
        cell = np.unique(np.column_stack(list(cols.values())), axis=0, return_inverse=True)[1]
        cell = np.asarray(cell).ravel()
    else:
        cell = np.zeros(m, dtype=np.int64)
    return cell, cap


def _reduce(
    prob: _Problem, scores: np.ndarray, cells: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray | None:
    """Candidate-local indices that can be in an optimal answer when only groups constrain it.

    Candidates in the same cell (the same group at every quota level, and the same province
    when ``max_changwats`` is set) are interchangeable for every constraint, so an optimal
    answer uses only the best ``cap`` of each cell, ``cap`` being the smallest maximum of its
    groups (at most ``n``): swapping a lower-scored pick for a better unpicked one of its cell
    keeps every constraint and does not lower the total. Included tambons are always kept.
    Valid without distance and budget constraints only. ``None`` when not worth it.
    """
    m = len(prob.cand)
    if m <= 300:
        return None
    cell, cap = cells if cells is not None else _cells(prob)
    order = np.lexsort((np.arange(m), -scores, cell))
    sc = cell[order]
    start = np.r_[0, np.flatnonzero(np.diff(sc)) + 1]
    first = np.repeat(start, np.diff(np.r_[start, m]))
    keep = np.zeros(m, dtype=bool)
    keep[order[(np.arange(m) - first) < cap[order]]] = True
    keep[prob.forced] = True
    return np.flatnonzero(keep)


class _Solver:
    """Solve a :class:`_Problem`, reducing the candidates or adding distance constraints lazily.

    With only group constraints (quotas, maxima, include, exclude, provinces) each solve keeps
    the candidates :func:`_reduce` proves sufficient. With a budget it is one model whose
    objective changes between calls. With a minimum distance,
    the model starts with no conflict pairs; after each solve the pairs violated by the answer
    bring in every pair of the tambons involved, and it solves again. The final answer
    satisfies every pair, so being optimal for the relaxed model it is optimal for the full
    one. Pairs learnt stay for the next call (sensitivity draws).
    """

    def __init__(
        self,
        prob: _Problem,
        *,
        time_limit: float,
        mip_gap: float,
        drop: frozenset[str] = frozenset(),
    ) -> None:
        self.prob = prob
        self.kw = {"time_limit": time_limit, "mip_gap": mip_gap, "drop": drop}
        self.lazy = len(prob.pairs) > 0 and "min_distance_km" not in drop
        self.active = np.zeros(len(prob.pairs), dtype=bool)
        self.model: _Model | None = None
        self.rounds = 0
        self.cells: tuple[np.ndarray, np.ndarray] | None = None

    def solve(self, scores: np.ndarray) -> dict[str, Any]:
        prob = self.prob
        if not self.lazy and prob.budget is None and not self.kw["drop"]:
            if self.cells is None:
                self.cells = _cells(prob)
            keep = _reduce(prob, scores, self.cells)
            if keep is not None:
                sub = _Problem(
                    cand=prob.cand[keep],
                    n=prob.n,
                    groups=prob.groups,
                    forced=np.searchsorted(keep, prob.forced),
                    pairs=np.empty((0, 2), dtype=np.int64),
                    cells=[],
                    cost=None,
                    budget=None,
                    province_of=None if prob.province_of is None else prob.province_of[keep],
                    max_changwats=prob.max_changwats,
                )
                res = _Model(sub, scores[keep], **self.kw).solve()
                self.rounds += 1
                if res["x"] is not None:
                    x = np.zeros(len(prob.cand), dtype=bool)
                    x[keep] = res["x"]
                    res["x"] = x
                res["reduced_to"] = len(keep)
                return res
        seconds = 0.0
        while True:
            if self.model is None:
                pairs = prob.pairs[self.active] if self.lazy else None
                self.model = _Model(prob, scores, pairs=pairs, **self.kw)
                res = self.model.solve()
            else:
                res = self.model.solve(scores)
            seconds += res["seconds"]
            self.rounds += 1
            if not self.lazy or res["x"] is None:
                break
            x = res["x"]
            violated = x[prob.pairs[:, 0]] & x[prob.pairs[:, 1]] & ~self.active
            if not violated.any():
                break
            involved = np.zeros(len(x), dtype=bool)
            involved[prob.pairs[violated].ravel()] = True
            self.active |= involved[prob.pairs[:, 0]] | involved[prob.pairs[:, 1]]
            self.model = None
        res["seconds"] = seconds
        return res


# --------------------------------------------------------------------------- select_areas


@dataclass
class _Setup:
    frame: Any  # scored copy of the input
    score_col: str
    scores: np.ndarray  # per row (NaN where missing)
    status: np.ndarray  # per row: "candidate" | "excluded" | "ineligible" | "no score"
    reasons: list[str]  # per row reason for non-candidates
    prob: _Problem
    criteria: Criteria | None
    params: dict[str, Any]
    points: Any  # projected centroids (GeoSeries, in settings.distance_crs) or None
    problems: list[str]  # conflicts found while reading include / exclude


def _prepare(
    gdf: Any,
    *,
    n: int,
    score: str | Criteria,
    quotas: Mapping[str, Mapping[str, Any]] | None,
    max_per_amphoe: int | None,
    max_per_changwat: int | None,
    include: Iterable[Any] | None,
    exclude: Iterable[Any] | None,
    min_distance_km: float | None,
    budget: float | None,
    cost: str | None,
    max_changwats: int | None,
    eligible: str | None,
) -> _Setup:
    criteria = score if isinstance(score, Criteria) else None
    if criteria is not None:
        frame = score_areas(gdf, criteria)
        score_col = "score"
    else:
        if not isinstance(score, str):
            raise ValidationError(
                f"score must be a column name or a Criteria object, not {type(score).__name__}"
            )
        frame = gdf.copy()
        score_col = score
    problems: list[str] = []
    if "tambon_code" not in frame.columns:
        raise SchemaError(
            "the layer has no 'tambon_code' column: load it with tambon_gis.load_boundaries, "
            "or rename your code column to tambon_code"
        )
    if score_col not in frame.columns:
        from tambon_gis.criteria import _unknown

        raise SchemaError(
            f"score column: {_unknown(score_col, [str(c) for c in frame.columns])}; or pass "
            "score=Criteria(...) to score first"
        )
    if not (pd.api.types.is_numeric_dtype(frame[score_col])):
        raise ValidationError(
            f"score column {score_col!r} holds {frame[score_col].dtype} values, not numbers: "
            "convert it with pd.to_numeric"
        )
    if frame["tambon_code"].isna().any():
        rows = [str(i) for i in frame.index[frame["tambon_code"].isna()][:10]]
        raise ValidationError(
            f"{int(frame['tambon_code'].isna().sum())} row(s) have no tambon_code (index "
            f"{rows}); match them first (tambon_gis.match_areas) or drop them knowingly"
        )
    codes = frame["tambon_code"].astype(str).to_numpy()
    dupes = pd.Series(codes)[pd.Series(codes).duplicated()].unique().tolist()
    if dupes:
        raise ValidationError(
            f"{len(dupes)} tambon_code value(s) occur more than once ({dupes[:5]}): one row per "
            "tambon is needed; aggregate the table first"
        )
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValidationError(f"n={n!r}: give the number of tambons to choose, a whole number >= 1")
    n = int(n)
    if eligible is None and "eligible" in frame.columns:
        eligible = "eligible"
    scores = frame[score_col].to_numpy(dtype=float, na_value=np.nan)
    elig = (
        np.ones(len(frame), dtype=bool)
        if eligible is None
        else frame[eligible].fillna(False).to_numpy(dtype=bool)
    )
    reasons = [""] * len(frame)
    status = np.full(len(frame), "candidate", dtype=object)
    why = (
        frame["ineligible_reason"].astype(str).to_numpy()
        if "ineligible_reason" in frame.columns
        else None
    )
    for i in np.flatnonzero(~elig):
        status[i] = "ineligible"
        reasons[i] = "ineligible: " + (
            why[i] if why is not None and why[i] else f"{eligible} is False"
        )
    for i in np.flatnonzero(elig & np.isnan(scores)):
        status[i] = "no score"
        reasons[i] = f"no score: {score_col} is missing"
    pos_of = {c: i for i, c in enumerate(codes)}
    inc = _normalize_codes(include, "include")
    exc = _normalize_codes(exclude, "exclude")
    for what, lst in (("include", inc), ("exclude", exc)):
        unknown = [c for c in lst if c not in pos_of]
        if unknown:
            problems.append(
                f"{what} lists {len(unknown)} code(s) not in the layer: {unknown[:10]}; use "
                "6-digit tambon codes of the layer"
            )
    both = sorted(set(inc) & set(exc))
    if both:
        problems.append(f"include and exclude both list {both}: remove them from one list")
    for c in exc:
        if c in pos_of and status[pos_of[c]] == "candidate":
            status[pos_of[c]] = "excluded"
            reasons[pos_of[c]] = "excluded (exclude list)"
    for c in inc:
        if c in pos_of and status[pos_of[c]] in ("ineligible", "no score"):
            problems.append(f"include lists {c}, which cannot be chosen: {reasons[pos_of[c]]}")
    cand = np.flatnonzero(status == "candidate")
    local = {int(p): i for i, p in enumerate(cand)}
    forced = np.array(
        [local[pos_of[c]] for c in inc if c in pos_of and pos_of[c] in local], dtype=np.int64
    )
    groups = _resolve_groups(frame, quotas, max_per_amphoe, max_per_changwat)

    cost_arr = None
    if budget is not None or cost is not None:
        if budget is None or cost is None:
            raise ValidationError(
                "a budget needs both budget=AMOUNT and cost=COLUMN (the cost of each tambon)"
            )
        if cost not in frame.columns or not pd.api.types.is_numeric_dtype(frame[cost]):
            raise SchemaError(
                f"cost column {cost!r} is missing or not numeric: give a numeric column"
            )
        c_all = frame[cost].to_numpy(dtype=float, na_value=np.nan)
        bad = [codes[p] for p in cand if not np.isfinite(c_all[p]) or c_all[p] < 0]
        if bad:
            raise ValidationError(
                f"cost column {cost!r} is missing or negative for {len(bad)} candidate(s) "
                f"({bad[:10]}): fill the costs, or exclude those tambons"
            )
        cost_arr = c_all[cand]
    province_of = None
    if max_changwats is not None:
        if "changwat_code" not in frame.columns:
            raise SchemaError("max_changwats needs the column 'changwat_code'")
        province_of = frame["changwat_code"].astype(str).to_numpy()[cand]
    pairs = np.empty((0, 2), dtype=np.int64)
    cells: list[np.ndarray] = []
    points = None
    if min_distance_km is not None:
        if not hasattr(frame, "geometry") or "geometry" not in frame:
            raise SchemaError("min_distance_km needs a GeoDataFrame with geometries")
        if frame.crs is None:
            from tambon_gis._errors import CRSError

            raise CRSError(
                "the layer has no CRS: set it (e.g. gdf.set_crs(4326)) to measure distances"
            )
        points = frame.geometry.to_crs(settings.distance_crs).centroid
        from shapely import STRtree

        cpts = points.to_numpy()[cand]
        tree = STRtree(cpts)
        a, b = tree.query(cpts, predicate="dwithin", distance=float(min_distance_km) * 1000.0)
        keep = a < b
        pairs = np.column_stack([a[keep], b[keep]]).astype(np.int64)
        cells = _grid_cells(cpts, float(min_distance_km) * 1000.0)
    prob = _Problem(
        cand=cand,
        n=n,
        groups=groups,
        forced=forced,
        pairs=pairs,
        cells=cells,
        cost=cost_arr,
        budget=None if budget is None else float(budget),
        province_of=province_of,
        max_changwats=max_changwats,
    )
    params = {
        "n": n,
        "score": score_col,
        "quotas": {k: dict(v) for k, v in (quotas or {}).items()},
        "max_per_amphoe": max_per_amphoe,
        "max_per_changwat": max_per_changwat,
        "include": inc,
        "exclude": exc,
        "min_distance_km": min_distance_km,
        "budget": budget,
        "cost": cost,
        "max_changwats": max_changwats,
    }
    return _Setup(
        frame, score_col, scores, status, reasons, prob, criteria, params, points, problems
    )


def _grid_cells(points: np.ndarray, d: float) -> list[np.ndarray]:
    """Return groups of points pairwise within ``d``: cells of side d/sqrt(2), two grids.

    Two points of one cell are at most the cell diagonal ``d`` apart, so "at most one per cell"
    is implied by the pairwise constraints; adding it tightens the LP relaxation a lot.
    """
    import shapely

    xy = shapely.get_coordinates(points)
    side = d / math.sqrt(2) * (1 - 1e-9)
    out = []
    for shift in (0.0, side / 2):
        cell = np.floor((xy + shift) / side).astype(np.int64)
        keys = cell[:, 0] * 1_000_003 + cell[:, 1]
        order = np.argsort(keys, kind="stable")
        split = np.flatnonzero(np.diff(keys[order])) + 1
        out += [g for g in np.split(order, split) if len(g) > 1]
    return out


def _conflict_text(problems: list[str], n: int) -> str:
    return (
        f"the selection of n={n} cannot be satisfied; {len(problems)} conflict(s):\n"
        + "\n".join(f"  - {p}" for p in problems)
    )


def _precheck(setup: _Setup) -> None:
    """Find the plain conflicts before the solver; raise InfeasibleError naming all of them."""
    prob = setup.prob
    n = prob.n
    problems: list[str] = list(setup.problems)
    m = len(prob.cand)
    if m < n:
        counts = pd.Series(setup.status).value_counts().to_dict()
        problems.append(
            f"only {m:,} candidate tambons but n={n} requested "
            + "(not candidates: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items() if k != "candidate")
            + ")"
        )
    if len(prob.forced) > n:
        problems.append(f"include lists {len(prob.forced)} tambons but n={n}")
    is_cand = np.zeros(len(setup.status), dtype=bool)
    is_cand[prob.cand] = True
    forced_pos = set(prob.cand[prob.forced].tolist())
    by_level: dict[str, list[_Group]] = {}
    for g in prob.groups:
        by_level.setdefault(g.level, []).append(g)
        if g.lo is not None and g.hi is not None and g.lo > g.hi:
            problems.append(f"{g.level} {g.label}: minimum {g.lo} > maximum {g.hi}")
        n_cand = int(is_cand[g.rows].sum())
        if g.lo is not None and n_cand < g.lo:
            problems.append(
                f"only {n_cand} eligible tambon(s) in {g.label} but at least {g.lo} required "
                f"({g.level} quota)"
            )
        n_forced = len(forced_pos.intersection(g.rows.tolist()))
        if g.hi is not None and n_forced > g.hi:
            problems.append(
                f"include puts {n_forced} tambons in {g.label} but the {g.level} maximum is {g.hi}"
            )
    for level, groups in by_level.items():
        lo_sum = sum(g.lo or 0 for g in groups)
        if lo_sum > n:
            problems.append(f"{level} quota sum {lo_sum} > n={n} (sum of the minimums)")
        covered = np.zeros(len(setup.status), dtype=bool)
        hi_sum = 0
        for g in groups:
            covered[g.rows] = True
            hi_sum += min(g.hi if g.hi is not None else n, int(is_cand[g.rows].sum()))
        hi_sum += int((is_cand & ~covered).sum())
        if hi_sum < n:
            problems.append(
                f"{level} quotas allow at most {hi_sum} tambons (maximums and eligible counts) "
                f"but n={n}"
            )
    if prob.budget is not None and prob.cost is not None and m >= n:
        need = prob.cost[prob.forced].sum()
        rest = np.delete(prob.cost, prob.forced)
        cheapest = need + np.sort(rest)[: max(0, n - len(prob.forced))].sum()
        if cheapest > prob.budget:
            problems.append(
                f"budget {prob.budget:,.2f} < {cheapest:,.2f}, the cost of the cheapest {n} "
                "tambons (with those included)"
            )
    if len(prob.pairs) and len(prob.forced) > 1:
        fset = set(prob.forced.tolist())
        codes = setup.frame["tambon_code"].astype(str).to_numpy()
        close = [
            (codes[prob.cand[a]], codes[prob.cand[b]])
            for a, b in prob.pairs
            if a in fset and b in fset
        ]
        if close:
            problems.append(
                "include lists tambons closer than "
                f"min_distance_km={setup.params['min_distance_km']}: "
                f"{close[:5]}"
            )
    if prob.max_changwats is not None and prob.province_of is not None and len(prob.forced):
        k = len(set(prob.province_of[prob.forced].tolist()))
        if k > prob.max_changwats:
            problems.append(f"include spans {k} provinces but max_changwats={prob.max_changwats}")
    if problems:
        raise InfeasibleError(_conflict_text(problems, n))


def select_areas(
    gdf: gpd.GeoDataFrame,
    *,
    n: int = 23,
    score: str | Criteria = "score",
    quotas: Mapping[str, Mapping[str, Any]] | None = None,
    max_per_amphoe: int | None = None,
    max_per_changwat: int | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    min_distance_km: float | None = None,
    budget: float | None = None,
    cost: str | None = None,
    max_changwats: int | None = None,
    eligible: str | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 0.0,
) -> Selection:
    """Choose exactly ``n`` eligible tambons that maximise the total score under constraints.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        One row per tambon in the canonical schema (``tambon_code``, ``amphoe_code``,
        ``changwat_code``, ``region``, ...), with a score column or the columns the criteria
        read. Not modified.
    n : int
        How many tambons to choose (23 in the partners' proposal).
    score : str or Criteria
        A numeric column to maximise, or a :class:`~tambon_gis.criteria.Criteria` (then
        :func:`score_areas` scores first and only eligible tambons are candidates). With a
        column, an ``eligible`` boolean column is honoured when present; rows with a missing
        score are never chosen.
    quotas : mapping, optional
        ``{level: {name: (min, max)}}`` with level ``"region"``, ``"changwat"`` or ``"amphoe"``;
        a name is a code or a Thai or English name of the layer; either bound may be ``None``;
        the name ``"*"`` gives the bounds of every group of the level not named. E.g.
        ``{"region": {"ภาคใต้": (2, 5)}, "changwat": {"*": (0, 2)}}``; pilot provinces:
        ``{"changwat": {"*": (0, 0), "สุรินทร์": (3, 8), "น่าน": (3, 8)}}``.
    max_per_amphoe, max_per_changwat : int, optional
        At most this many in every amphoe / province, named in ``quotas`` or not.
    include, exclude : iterable of str, optional
        Tambon codes that must / must not be chosen.
    min_distance_km : float, optional
        No two chosen tambons closer than this (centroids in ``settings.distance_crs``, UTM
        47N). Only pairs closer than the distance become constraints (found with a spatial
        index).
    budget : float, optional
        Maximum total of the ``cost`` column over the chosen tambons.
    cost : str, optional
        Numeric column of each tambon's cost (needed with ``budget``).
    max_changwats : int, optional
        Choose within at most this many provinces: clusters the choice in pilot provinces.
    eligible : str, optional
        Boolean column of eligibility; default ``"eligible"`` when the layer has one.
    time_limit : float
        Seconds the solver may use; when it stops early the best answer found is returned with
        ``proven_optimal=False`` and a logged warning.
    mip_gap : float
        Relative optimality gap accepted (0: prove optimality).

    Returns
    -------
    Selection
        The chosen tambons with explanations; ``to_frame()`` lists them with ``tambon_code``.

    Raises
    ------
    InfeasibleError
        Naming the conflicting constraints, e.g. ``"region quota sum 25 > n=23"`` or ``"only 3
        eligible tambon(s) in ภาคใต้ but at least 5 required"``, before solving when plain,
        else after the solver proved infeasibility (with the families of constraints whose
        removal makes the request feasible).
    SolverError
        When the solver stops (time limit) before finding any selection.
    ValidationError, SchemaError
        For malformed arguments or missing columns.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> gdf = gpd.GeoDataFrame({
    ...     "tambon_code": ["100101", "100102", "900101"],
    ...     "region": ["ภาคกลาง", "ภาคกลาง", "ภาคใต้"],
    ...     "s": [3.0, 2.0, 1.0]}, geometry=[Point(100, 14)] * 3, crs=4326)
    >>> select_areas(gdf, n=2, score="s", quotas={"region": {"ภาคใต้": (5, None)}})
    Traceback (most recent call last):
    ...
    tambon_gis._errors.InfeasibleError: the selection of n=2 cannot be satisfied; 2 conflict(s):
      - only 1 eligible tambon(s) in ภาคใต้ but at least 5 required (region quota)
      - region quota sum 5 > n=2 (sum of the minimums)
    """
    t0 = time.perf_counter()
    setup = _prepare(
        gdf,
        n=n,
        score=score,
        quotas=quotas,
        max_per_amphoe=max_per_amphoe,
        max_per_changwat=max_per_changwat,
        include=include,
        exclude=exclude,
        min_distance_km=min_distance_km,
        budget=budget,
        cost=cost,
        max_changwats=max_changwats,
        eligible=eligible,
    )
    _precheck(setup)
    prob = setup.prob
    cand_scores = setup.scores[prob.cand]
    solver = _Solver(prob, time_limit=time_limit, mip_gap=mip_gap)
    res = solver.solve(cand_scores)
    if res["x"] is None and not res["infeasible"]:
        raise SolverError(
            f"the solver (HiGHS) stopped with status {res['status']!r} before finding any "
            f"selection of n={prob.n} (time_limit={time_limit} s); raise time_limit, or relax "
            "min_distance_km, which makes the problem hardest"
        )
    if res["x"] is None:
        fams = prob.families()
        culprits = []
        for fam in fams:
            trial = _Solver(
                prob, drop=frozenset({fam}), time_limit=min(10.0, time_limit), mip_gap=1.0
            ).solve(cand_scores)
            if trial["x"] is not None:
                culprits.append(fam)
        detail = (
            f"dropping any one of {culprits} makes it feasible"
            if culprits
            else "no single family of constraints is to blame; several conflict together"
        )
        raise InfeasibleError(
            f"the solver (HiGHS) reports the selection of n={prob.n} infeasible; active "
            f"constraints: {', '.join(['exactly n', *fams])}; {detail}. Relax those constraints "
            "(lower a minimum, raise a maximum, shorten min_distance_km or raise the budget)"
        )
    if not res["optimal"]:
        logger.warning(
            "select_areas: the solver stopped (%s) before proving optimality: gap %.3g; raise "
            "time_limit for a proven optimum",
            res["status"],
            res["gap"],
        )
    chosen_pos = prob.cand[res["x"]]
    sel = Selection(setup, chosen_pos, res, time.perf_counter() - t0)
    logger.info(
        "select_areas returned %d of %s candidates, total score %.4f, %s in %.2f s",
        len(chosen_pos),
        f"{len(prob.cand):,}",
        res["objective"],
        "proven optimal" if res["optimal"] else f"NOT proven optimal (gap {res['gap']:.3g})",
        sel.seconds,
    )
    return sel


# --------------------------------------------------------------------------- Selection


class Selection:
    """The result of :func:`select_areas`: the chosen tambons and why.

    Attributes
    ----------
    n : int
        Number chosen.
    total_score : float
        Objective value (sum of the chosen scores).
    proven_optimal : bool
        Whether HiGHS proved the answer optimal (MIP gap 0 by default).
    mip_gap : float
        Relative gap between the answer and the best bound.
    status : str
        The solver's model status.
    seconds : float
        Wall time of the whole call.
    scored : geopandas.GeoDataFrame
        Every input row with ``score``, ``selected``, ``status`` and ``why`` (see
        :meth:`ranked`).
    criteria : Criteria or None
        The criteria used, when scored by :func:`select_areas`.
    params : dict
        The arguments of the request.
    """

    def __init__(
        self, setup: _Setup, chosen_pos: np.ndarray, res: Mapping[str, Any], seconds: float
    ):
        self._setup = setup
        self.params = setup.params
        self.criteria = setup.criteria
        self.n = len(chosen_pos)
        self.total_score = float(setup.scores[chosen_pos].sum())
        self.proven_optimal = bool(res["optimal"])
        self.mip_gap = float(res["gap"])
        self.status = str(res["status"])
        self.solver_seconds = float(res["seconds"])
        self.seconds = seconds
        self.n_candidates = len(setup.prob.cand)
        self.n_conflict_pairs = len(setup.prob.pairs)
        frame = setup.frame
        selected = np.zeros(len(frame), dtype=bool)
        selected[chosen_pos] = True
        self._selected = selected
        self._explain()

    # ---- explanations
    def _explain(self) -> None:
        s = self._setup
        frame = s.frame
        prob = s.prob
        n = prob.n
        scores = s.scores
        codes = frame["tambon_code"].astype(str).to_numpy()
        sel = self._selected
        eligible_like = np.isin(s.status, ["candidate", "excluded"])
        # unconstrained top-n: the n best eligible (exclusions are a constraint)
        order = np.lexsort((codes, -np.nan_to_num(scores, nan=-np.inf)))
        order = order[eligible_like[order]]
        top = np.zeros(len(frame), dtype=bool)
        top[order[:n]] = True
        rank_series = _rank(pd.Series(scores), eligible_like & ~np.isnan(scores))
        rank = rank_series.to_numpy(dtype="float", na_value=np.nan)
        self._top = top
        counts: dict[tuple[str, str], int] = {}
        top_counts: dict[tuple[str, str], int] = {}
        group_of: dict[int, list[_Group]] = {}
        for g in prob.groups:
            counts[(g.level, g.key)] = int(sel[g.rows].sum())
            top_counts[(g.level, g.key)] = int(top[g.rows].sum())
            for r in g.rows:
                group_of.setdefault(int(r), []).append(g)
        forced_pos = set(prob.cand[prob.forced].tolist())
        why = list(s.reasons)
        status = np.array(s.status, dtype=object)
        # left-out reasons
        chosen_pos = np.flatnonzero(sel)
        used_budget = (
            float(prob.cost[np.isin(prob.cand, chosen_pos)].sum()) if prob.cost is not None else 0.0
        )
        cost_all = None
        if prob.cost is not None:
            cost_all = np.full(len(frame), np.nan)
            cost_all[prob.cand] = prob.cost
        dist_near: dict[int, tuple[float, int]] = {}
        if len(prob.pairs) and s.points is not None:
            from shapely import STRtree

            pts = s.points.to_numpy()
            tree = STRtree(pts[chosen_pos])
            d_m = float(s.params["min_distance_km"]) * 1000
            a, b = tree.query(pts[prob.cand], predicate="dwithin", distance=d_m)
            for ia, ib in zip(a, b, strict=True):
                p = int(prob.cand[ia])
                if sel[p]:
                    continue
                q = int(chosen_pos[ib])
                d = float(pts[p].distance(pts[q]))
                if p not in dist_near or d < dist_near[p][0]:
                    dist_near[p] = (d, q)
        chosen_provinces = None
        if prob.max_changwats is not None:
            chosen_provinces = set(
                frame["changwat_code"].astype(str).to_numpy()[chosen_pos].tolist()
            )
        name_col = "tambon_th" if "tambon_th" in frame.columns else "tambon_code"
        names = frame[name_col].astype(str).to_numpy()
        left_reason_codes: dict[int, list[str]] = {}
        for p in np.flatnonzero(status == "candidate"):
            if sel[p]:
                continue
            rs = []
            for g in group_of.get(int(p), []):
                if g.hi is not None and counts[(g.level, g.key)] >= g.hi:
                    rs.append(f"{g.level} maximum reached: {g.label} ≤ {g.hi}")
            if p in dist_near:
                d, q = dist_near[p]
                rs.append(
                    f"within {d / 1000:.1f} km of chosen {names[q]} ({codes[q]}); "
                    f"min_distance_km={s.params['min_distance_km']}"
                )
            if cost_all is not None and cost_all[p] > prob.budget - used_budget + 1e-9:
                rs.append(
                    f"budget: cost {cost_all[p]:,.2f} > remaining {prob.budget - used_budget:,.2f}"
                )
            if chosen_provinces is not None:
                pc = str(frame["changwat_code"].iloc[p])
                if pc not in chosen_provinces:
                    rs.append(
                        f"outside the {len(chosen_provinces)} chosen provinces (max_changwats)"
                    )
            if not rs:
                if top[p]:
                    mins = [
                        f"{g.level} minimum {g.label} ≥ {g.lo}"
                        for g in prob.groups
                        if g.lo is not None
                        and counts[(g.level, g.key)] <= g.lo
                        and top_counts[(g.level, g.key)] < g.lo
                    ]
                    rs.append(
                        "its place went to " + ", ".join(mins)
                        if mins
                        else "a higher total score with the constraints needs other tambons"
                    )
                else:
                    rs.append(f"below the top {n} by score")
            left_reason_codes[int(p)] = rs
            status[p] = "left out"
            why[p] = "; ".join(rs)
        held_out = sorted(
            {
                r.split(":")[0] if not r.startswith("within") else "min_distance_km"
                for p in np.flatnonzero(top & ~sel)
                for r in ([why[p]] if status[p] != "left out" else left_reason_codes[int(p)])
            }
        )
        for p in chosen_pos:
            status[p] = "chosen"
            if p in forced_pos:
                why[p] = "required (include list)"
            elif top[p]:
                why[p] = f"in the top {n} by score"
            else:
                mins = [
                    f"minimum quota: {g.level} {g.label} needs at least {g.lo}"
                    for g in group_of.get(int(p), [])
                    if g.lo is not None
                    and counts[(g.level, g.key)] <= g.lo
                    and top_counts[(g.level, g.key)] < g.lo
                ]
                if mins:
                    why[p] = "; ".join(mins)
                else:
                    why[p] = "takes the place of higher-scored tambons left out by: " + ", ".join(
                        held_out or ["the combined constraints"]
                    )
        out = frame.copy()
        out["selected"] = sel
        out["status"] = pd.array(status.astype(str), dtype="str")
        out["why"] = pd.array(why, dtype="str")
        out["in_top_n"] = top
        if "rank" not in out.columns or s.criteria is None:
            out["rank"] = pd.array([pd.NA if np.isnan(r) else int(r) for r in rank], dtype="Int64")
        if cost_all is not None and s.params["cost"] not in out.columns:
            out["cost"] = cost_all
        self.scored = out
        self._counts = counts
        self._top_counts = top_counts

    # ---- tables
    @property
    def codes(self) -> list[str]:
        """Codes of the chosen tambons, best score first."""
        return self.to_frame()["tambon_code"].tolist()

    def _columns(self, extra: Sequence[str]) -> list[str]:
        df = self.scored
        base = [c for c in _NAME_COLUMNS if c in df.columns]
        score_col = self._setup.score_col
        contrib = [c for c in df.columns if str(c).startswith("contrib_")]
        cols = [*base, score_col, "rank", *extra, *contrib]
        if self.params.get("cost") and self.params["cost"] in df.columns:
            cols.append(self.params["cost"])
        return list(dict.fromkeys(cols))

    def to_frame(self) -> pd.DataFrame:
        """Return the chosen tambons, best score first.

        Returns
        -------
        pandas.DataFrame
            ``tambon_code``, names, amphoe, changwat and region, the score, its ``rank`` among
            the eligible, ``in_top_n`` (whether it would be chosen without constraints), ``why``
            and each criterion's contribution ``contrib_*``.
        """
        df = self.scored
        cols = self._columns(["in_top_n", "why"])
        out = df.loc[df["selected"], cols].sort_values(
            [self._setup.score_col, "tambon_code"], ascending=[False, True]
        )
        return pd.DataFrame(out).reset_index(drop=True)

    def ranked(self) -> pd.DataFrame:
        """Return every tambon ranked by score with its status and the reason.

        ``status`` is ``chosen``, ``left out``, ``excluded``, ``ineligible`` or ``no score``.
        """
        df = self.scored
        cols = self._columns(["selected", "status", "why"])
        cols += [c for c in df.columns if str(c).startswith("eligible")]
        out = df[list(dict.fromkeys(cols))]
        out = out.sort_values([self._setup.score_col, "tambon_code"], ascending=[False, True])
        return pd.DataFrame(out).reset_index(drop=True)

    def left_out(self, k: int | None = None, *, candidates_only: bool = False) -> pd.DataFrame:
        """Return the ``k`` best-scored tambons not chosen (default ``n``) and why.

        Ineligible and excluded tambons are listed too when they score high enough (their
        reason says so), unless ``candidates_only=True``.
        """
        k = self.n if k is None else int(k)
        r = self.ranked()
        r = r[~r["selected"] & r[self._setup.score_col].notna()]
        if candidates_only:
            r = r[r["status"] == "left out"]
        return r.head(k).reset_index(drop=True)

    def explain(self, code: str) -> str:
        """Return one tambon's story: status, score, rank, breakdown and reason.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import Point
        >>> gdf = gpd.GeoDataFrame({"tambon_code": ["100101", "100102"], "s": [2.0, 1.0]},
        ...                        geometry=[Point(100, 14)] * 2, crs=4326)
        >>> print(select_areas(gdf, n=1, score="s").explain("100102"))
        100102: left out, score 1, rank 2 — below the top 1 by score
        """
        df = self.scored
        hit = df[df["tambon_code"].astype(str) == str(code)]
        if hit.empty:
            raise ValidationError(
                f"tambon {code!r} is not in the layer: give a 6-digit tambon_code"
            )
        row = hit.iloc[0]
        name = f" {row['tambon_th']}" if "tambon_th" in df.columns else ""
        where = (
            f" ({row['amphoe_th']}, {row['changwat_th']})" if "changwat_th" in df.columns else ""
        )
        rank = "" if pd.isna(row["rank"]) else f", rank {int(row['rank'])}"
        sc = row[self._setup.score_col]
        text = f"{row['tambon_code']}{name}{where}: {row['status']}, score {sc:.4g}{rank}"
        text += f" — {row['why']}"
        parts = [f"{str(c)[8:]} {row[c]:.3g}" for c in df.columns if str(c).startswith("contrib_")]
        if parts:
            text += "\n  breakdown: " + ", ".join(parts)
        return text

    def quota_table(self) -> pd.DataFrame:
        """Return each quota group: bounds, eligible candidates, chosen and unconstrained top-n.

        ``default`` is ``True`` for groups bounded by a ``"*"`` quota or by
        ``max_per_amphoe`` / ``max_per_changwat`` rather than by name.
        """
        s = self._setup
        is_cand = np.zeros(len(s.status), dtype=bool)
        is_cand[s.prob.cand] = True
        rows = [
            {
                "level": g.level,
                "group": g.key,
                "name": g.label,
                "min": g.lo,
                "max": g.hi,
                "candidates": int(is_cand[g.rows].sum()),
                "chosen": self._counts[(g.level, g.key)],
                "top_n": self._top_counts[(g.level, g.key)],
                "default": g.from_default,
            }
            for g in s.prob.groups
        ]
        df = pd.DataFrame(
            rows,
            columns=[
                "level",
                "group",
                "name",
                "min",
                "max",
                "candidates",
                "chosen",
                "top_n",
                "default",
            ],
        )
        for c in ("min", "max"):
            df[c] = df[c].astype("Int64")
        return df

    def summary_by(self, level: str = "region") -> pd.DataFrame:
        """Count chosen tambons, candidates and the unconstrained top-n by ``level``."""
        if level not in LEVELS:
            raise ValidationError(f"level {level!r}: use one of {sorted(LEVELS)}")
        code_col, names = LEVELS[level]
        df = self.scored
        key = names[0] if names[0] in df.columns else code_col
        cand = df["status"].isin(["chosen", "left out"])
        out = pd.DataFrame(
            {
                "candidates": cand.groupby(df[key]).sum(),
                "chosen": df["selected"].groupby(df[key]).sum(),
                "top_n": df["in_top_n"].groupby(df[key]).sum(),
            }
        ).astype(int)
        out.index.name = key
        return out.sort_values(["chosen", "candidates"], ascending=False)

    # ---- exports
    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "chosen": self.to_frame(),
            "ranked": self.ranked(),
            "left_out": self.left_out(),
            "quotas": self.quota_table(),
        }

    def to_csv(self, path: str | Path, *, table: str = "chosen", headers: str = "both") -> Path:
        """Write a table as CSV in UTF-8 with BOM (Excel opens Thai correctly).

        Parameters
        ----------
        path : str or pathlib.Path
            Destination file.
        table : {"chosen", "ranked", "left_out", "quotas"}
            Which table.
        headers : {"both", "th", "en"}
            ``"both"`` writes ``"รหัสตำบล (tambon_code)"``.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        tables = self._tables()
        if table not in tables:
            raise ValidationError(f"table {table!r}: use one of {sorted(tables)}")
        path = Path(path)
        df = _bilingual(tables[table], headers)
        write_csv(df, path)  # formula text neutralised (issue 12)
        logger.info("Selection.to_csv wrote %d rows of %r to %s", len(df), table, path)
        return path

    def to_excel(self, path: str | Path, *, headers: str = "both") -> Path:
        """Write the chosen set, the ranked list, the best left out and the quotas to Excel.

        One sheet each (``chosen``, ``ranked``, ``left_out``, ``quotas``, ``summary``), headers
        in Thai and English (see :meth:`to_csv`).
        """
        path = Path(path)
        with safe_excel_writer(path) as xw:  # never a live formula (issue 12)
            for name, df in self._tables().items():
                _bilingual(df, headers).to_excel(xw, sheet_name=name, index=False)
            pd.DataFrame(
                {"item": list(self._summary()), "value": [str(v) for v in self._summary().values()]}
            ).to_excel(xw, sheet_name="summary", index=False)
        logger.info("Selection.to_excel wrote %d chosen tambons to %s", self.n, path)
        return path

    def _summary(self) -> dict[str, Any]:
        p = self.params
        return {
            "n": self.n,
            "candidates": self.n_candidates,
            "total_score": round(self.total_score, 6),
            "proven_optimal": self.proven_optimal,
            "mip_gap": self.mip_gap,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "constraints": ", ".join(self._setup.prob.families()) or "none",
            **{k: v for k, v in p.items() if v not in (None, [], {})},
            "criteria": self.criteria.name if self.criteria else "",
        }

    # ---- map
    def to_map(self, **kwargs: Any) -> folium.Map:
        """Draw the selection map (see :func:`selection_map`)."""
        return selection_map(self, **kwargs)

    def sensitivity(
        self, *, draws: int = 1000, spread: float = 0.2, seed: int = 0, core: float = 0.9
    ) -> Sensitivity:
        """Run :func:`sensitivity` with this selection's data, criteria and constraints."""
        if self.criteria is None:
            raise ValidationError(
                "sensitivity perturbs criteria weights: select with score=Criteria(...) first"
            )
        kw = {k: v for k, v in self.params.items() if k not in ("n", "score")}
        return sensitivity(
            self._setup.frame,
            self.criteria,
            n=self.params["n"],
            draws=draws,
            spread=spread,
            seed=seed,
            core=core,
            **kw,
        )

    # ---- display
    def __repr__(self) -> str:
        opt = (
            "proven optimal"
            if self.proven_optimal
            else f"NOT proven optimal (gap {self.mip_gap:.3g})"
        )
        fams = ", ".join(self._setup.prob.families()) or "no constraints"
        top = int(self.scored.loc[self.scored["selected"], "in_top_n"].sum())
        lines = [
            f"Selection of {self.n} tambons from {self.n_candidates:,} candidates: total score "
            f"{self.total_score:.4f}, {opt}, {self.seconds:.2f} s",
            f"  constraints: {fams}",
            f"  {top} of {self.n} are in the unconstrained top {self.n}; "
            f"{self.n - top} brought in by constraints",
        ]
        for _, r in self.to_frame().head(30).iterrows():
            nm = r.get("tambon_th", "")
            cw = r.get("changwat_th", "")
            lines.append(
                f"  {r['tambon_code']} {nm} {cw}  score {r[self._setup.score_col]:.3f}  "
                f"rank {r['rank']}  {'' if r['in_top_n'] else '* ' + r['why']}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        opt = (
            "proven optimal"
            if self.proven_optimal
            else f"not proven optimal (gap {self.mip_gap:.3g})"
        )
        head = (
            f"<p><b>Selection</b> of {self.n} tambons from {self.n_candidates:,} candidates — "
            f"total score {self.total_score:.4f}, {html.escape(opt)}, {self.seconds:.2f} s; "
            f"constraints: {html.escape(', '.join(self._setup.prob.families()) or 'none')}</p>"
        )
        return head + self.to_frame().to_html(index=False, float_format=lambda v: f"{v:.3f}")


def _bilingual(df: pd.DataFrame, headers: str) -> pd.DataFrame:
    if headers not in ("both", "th", "en"):
        raise ValidationError(f"headers={headers!r}: use 'both', 'th' or 'en'")
    out = pd.DataFrame(df).copy()
    if "geometry" in out.columns:
        out = out.drop(columns="geometry")
    if "status" in out.columns and headers != "en":
        out["status"] = out["status"].map(
            lambda s: f"{_STATUS_TH.get(s, s)} ({s})" if headers == "both" else _STATUS_TH.get(s, s)
        )

    def th(col: str) -> str:
        col = str(col)
        if col in HEADERS_TH:
            return HEADERS_TH[col]
        if col.startswith("contrib_"):
            return f"คะแนนจาก {col[8:]}"
        if col.startswith("eligible_"):
            return f"ผ่านเกณฑ์ {col[9:]}"
        return col

    if headers == "th":
        out.columns = [th(c) for c in out.columns]
    elif headers == "both":
        out.columns = [f"{th(c)} ({c})" if th(c) != str(c) else str(c) for c in out.columns]
    return out


# --------------------------------------------------------------------------- sensitivity


@dataclass
class Sensitivity:
    """How often each tambon is chosen when the weights are perturbed.

    Attributes
    ----------
    frequency : pandas.DataFrame
        One row per tambon chosen at least once (or in the base selection): names,
        ``times_chosen``, ``frequency`` (0–1), ``in_base`` and ``stability`` (``"core"`` when
        ``frequency >= core``, else ``"marginal"``), most frequent first.
    draws : int
        Number of Monte Carlo draws.
    spread : float
        Each weight was multiplied by a uniform factor in ``[1 - spread, 1 + spread]``, then
        the weights rescaled to their original total.
    seed : int
        Seed of the generator (``numpy.random.default_rng``).
    weights : pandas.DataFrame
        The weights of each draw.
    all_optimal : bool
        Whether every draw was proven optimal.
    """

    frequency: pd.DataFrame
    draws: int
    spread: float
    seed: int
    core: float
    weights: pd.DataFrame
    all_optimal: bool
    seconds: float
    base: Selection
    scored: Any = field(repr=False, default=None)

    @property
    def core_codes(self) -> list[str]:
        """Codes chosen in at least ``core`` of the draws."""
        f = self.frequency
        return f.loc[f["stability"] == "core", "tambon_code"].tolist()

    @property
    def marginal_codes(self) -> list[str]:
        """Codes chosen in some draws but fewer than ``core``."""
        f = self.frequency
        return f.loc[f["stability"] == "marginal", "tambon_code"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """Return :attr:`frequency` (a copy)."""
        return self.frequency.copy()

    def to_csv(self, path: str | Path, *, headers: str = "both") -> Path:
        """Write the frequency table as CSV (UTF-8 with BOM, Thai and English headers)."""
        path = Path(path)
        write_csv(_bilingual(self.frequency, headers), path)
        logger.info("Sensitivity.to_csv wrote %d rows to %s", len(self.frequency), path)
        return path

    def to_map(self, **kwargs: Any) -> folium.Map:
        """Draw the stable core and the marginal picks (see :func:`sensitivity_map`)."""
        return sensitivity_map(self, **kwargs)

    def __repr__(self) -> str:
        n_core, n_marg = len(self.core_codes), len(self.marginal_codes)
        lines = [
            f"Sensitivity over {self.draws:,} weight draws (spread ±{self.spread:.0%}, seed "
            f"{self.seed}): {n_core} core tambons (chosen in ≥ {self.core:.0%} of draws), "
            f"{n_marg} marginal; {'all' if self.all_optimal else 'NOT all'} draws proven "
            f"optimal; {self.seconds:.1f} s"
        ]
        for _, r in self.frequency.head(40).iterrows():
            lines.append(
                f"  {r['tambon_code']} {r.get('tambon_th', '')} {r.get('changwat_th', '')}  "
                f"{r['frequency']:.0%}  {r['stability']}{'' if r['in_base'] else '  (not in base)'}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(repr(self).splitlines()[0])
        return f"<p>{head}</p>" + self.frequency.to_html(
            index=False, float_format=lambda v: f"{v:.2f}"
        )


def sensitivity(
    gdf: gpd.GeoDataFrame,
    criteria: Criteria,
    *,
    n: int = 23,
    draws: int = 1000,
    spread: float = 0.2,
    seed: int = 0,
    core: float = 0.9,
    time_limit: float = 60.0,
    **constraints: Any,
) -> Sensitivity:
    """Perturb the criteria weights at random and count how often each tambon is chosen.

    The criteria are applied once; each draw multiplies every weight by an independent factor
    uniform in ``[1 - spread, 1 + spread]``, rescales the weights to their original total,
    re-scores (a matrix product) and re-solves the same model with the new objective.
    Eligibility does not depend on the weights, so it is fixed.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer with the columns the criteria read.
    criteria : Criteria
        Criteria whose weights are perturbed.
    n : int
        Tambons to choose in each draw.
    draws : int
        Number of Monte Carlo draws.
    spread : float
        Relative spread of the weights, in ``[0, 1)``.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same answer.
    core : float
        Share of draws from which a tambon counts as the stable core.
    time_limit : float
        Solver time limit per draw, in seconds.
    **constraints
        Any keyword of :func:`select_areas` (quotas, max_per_amphoe, include, ...).

    Returns
    -------
    Sensitivity
        Frequencies, the core and the marginal picks.

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis.criteria import Criteria, Criterion
    >>> df = pd.DataFrame({"tambon_code": ["100101", "100102", "100103"],
    ...                    "a": [3.0, 2.0, 1.0], "b": [1.0, 2.2, 3.0]})
    >>> crit = Criteria(criteria=[Criterion("a", weight=0.5), Criterion("b", weight=0.5)])
    >>> sens = sensitivity(df, crit, n=1, draws=50, spread=0.5, seed=1)
    >>> sens.frequency[["tambon_code", "times_chosen", "in_base"]].values.tolist()
    [['100101', 20, False], ['100102', 16, True], ['100103', 14, False]]
    >>> sens.marginal_codes
    ['100101', '100102', '100103']
    """
    if not isinstance(criteria, Criteria) or not criteria.criteria:
        raise ValidationError("sensitivity needs a Criteria object with scored criteria")
    if not (0 <= spread < 1):
        raise ValidationError(f"spread={spread!r}: give a relative spread in [0, 1), e.g. 0.2")
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 1:
        raise ValidationError(f"draws={draws!r}: give a whole number >= 1, e.g. 1000")
    t0 = time.perf_counter()
    base = select_areas(gdf, n=n, score=criteria, time_limit=time_limit, **constraints)
    setup = base._setup
    values, _ = _normalised_matrix(setup.frame, criteria)
    w0 = np.array([c.weight for c in criteria.criteria], dtype=float)
    total = w0.sum()
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(draws, len(w0)))
    weights = w0 * factors
    sums = weights.sum(axis=1, keepdims=True)
    weights = np.where(sums > 0, weights / np.where(sums > 0, sums, 1) * total, weights)
    prob = setup.prob
    cand_values = values[prob.cand]
    model = _Solver(prob, time_limit=time_limit, mip_gap=0.0)
    counts = np.zeros(len(prob.cand), dtype=np.int64)
    all_opt = True
    for d in progress(range(draws), total=draws, desc="sensitivity draws"):
        res = model.solve(cand_values @ weights[d])
        if res["x"] is None:
            raise InfeasibleError(f"draw {d} became infeasible ({res['status']}): report this")
        all_opt &= res["optimal"]
        counts += res["x"]
    frame = setup.frame
    in_base = base.scored["selected"].to_numpy()[prob.cand]
    keep = (counts > 0) | in_base
    pos = prob.cand[keep]
    cols = [c for c in _NAME_COLUMNS if c in frame.columns]
    freq = pd.DataFrame(frame.iloc[pos][cols]).reset_index(drop=True)
    freq["score"] = setup.frame["score"].to_numpy()[pos]
    freq["times_chosen"] = counts[keep]
    freq["frequency"] = counts[keep] / draws
    freq["in_base"] = in_base[keep]
    freq["stability"] = pd.array(
        np.where(freq["frequency"] >= core, "core", "marginal"), dtype="str"
    )
    freq = freq.sort_values(["frequency", "score", "tambon_code"], ascending=[False, False, True])
    freq = freq.reset_index(drop=True)
    wdf = pd.DataFrame(weights, columns=[c.name for c in criteria.criteria])
    seconds = time.perf_counter() - t0
    result = Sensitivity(
        frequency=freq,
        draws=draws,
        spread=spread,
        seed=seed,
        core=core,
        weights=wdf,
        all_optimal=bool(all_opt),
        seconds=seconds,
        base=base,
        scored=base.scored,
    )
    logger.info(
        "sensitivity returned %d tambons chosen at least once over %s draws: %d core, %d "
        "marginal, in %.1f s",
        len(freq),
        f"{draws:,}",
        len(result.core_codes),
        len(result.marginal_codes),
        seconds,
    )
    return result


# --------------------------------------------------------------------------- maps


_LEVEL_TH = {"region": "ภาค", "changwat": "จังหวัด", "amphoe": "อำเภอ"}


def _fmt_bounds(lo: Any, hi: Any) -> str:
    lo = None if lo is None or pd.isna(lo) or int(lo) == 0 else int(lo)
    hi = None if hi is None or pd.isna(hi) else int(hi)
    if lo is not None and hi is not None:
        return f"{lo}" if lo == hi else f"{lo}–{hi}"
    if lo is not None:
        return f"≥ {lo}"
    return "–" if hi is None else f"≤ {hi}"


_GREY = {"ineligible": "#bdbdbd", "excluded": "#8c8c8c", "no score": "#d9d9d9"}
_SCORE_COLORS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")


def _map_frame(scored: Any, fn: str) -> Any:
    import geopandas as gpd

    if not isinstance(scored, gpd.GeoDataFrame) or scored.geometry.isna().all():
        raise SchemaError(
            f"{fn}() needs geometries: select from a GeoDataFrame (boundaries joined to your "
            "table), not a plain table"
        )
    return scored


def _popup_html(df: pd.DataFrame, score_col: str, lang: str) -> list[str]:
    e = html.escape
    contrib = [c for c in df.columns if str(c).startswith("contrib_")]
    name_col = "tambon_th" if lang == "th" else "tambon_en"
    out = []
    for rec in df.to_dict("records"):
        name = rec.get(name_col) or rec.get("tambon_th") or rec["tambon_code"]
        sc = rec.get(score_col)
        rank = rec.get("rank")
        head = (
            f"<b>{e(str(name))}</b> {e(str(rec['tambon_code']))}<br>"
            f"{e(_STATUS_TH.get(rec['status'], rec['status']) if lang == 'th' else rec['status'])}"
        )
        if sc is not None and not (isinstance(sc, float) and math.isnan(sc)):
            head += f" — {'คะแนน' if lang == 'th' else 'score'} {sc:.3f}"
            if rank is not None and rank is not pd.NA:
                head += f" ({'อันดับ' if lang == 'th' else 'rank'} {int(rank)})"
        rows = "".join(
            f"<tr><td>{e(str(c)[8:])}</td><td class='tg-num'>{rec[c]:.3f}</td></tr>"
            for c in contrib
            if rec.get(c) is not None and not (isinstance(rec[c], float) and math.isnan(rec[c]))
        )
        table = f"<table>{rows}</table>" if rows else ""
        out.append(f"{head}{table}<div>{e(str(rec['why']))}</div>")
    return out


#: Tambons up to this rank get their score breakdown as a popup on the selection map.
_POPUP_RANKS = 300


def selection_map(
    selection: Selection,
    *,
    k: int = 5,
    lang: str = "th",
    title: str | None = None,
    basemap: str | None = None,
    tolerance: float | str = "auto",
) -> folium.Map:
    """Draw the selection: candidates shaded by score, ineligible greyed, the chosen outlined.

    Candidates (eligible, not excluded) are coloured by score class (``k`` quantile classes);
    ineligible, excluded and unscored tambons are grey, with the reason in the tooltip. The
    chosen tambons are outlined (red). Clicking a tambon opens its score breakdown; a side
    panel lists the quotas by region / province with the chosen counts and the solver's
    verdict.

    Parameters
    ----------
    selection : Selection
        The result of :func:`select_areas` on a GeoDataFrame.
    k : int
        Number of score classes.
    lang : {"th", "en"}
        Language of names, legend and panel.
    title : str, optional
        Title of the map.
    basemap : str, optional
        ``None`` (no tiles: works offline) or a key of :data:`tambon_gis.maps.BASEMAPS`.
    tolerance : float or "auto"
        Simplification tolerance passed to :mod:`tambon_gis.maps`.

    Returns
    -------
    folium.Map
        Save it with ``tambon_gis.maps.save(m, "selection.html")``.
    """
    from tambon_gis import maps

    scored = _map_frame(selection.scored, "selection_map")
    sc = selection._setup.score_col
    th = lang == "th"
    df = scored.copy()
    cand = df["status"].isin(["chosen", "left out"]).to_numpy()
    values = df[sc].to_numpy(dtype=float, na_value=np.nan)
    qs = np.unique(np.quantile(values[cand], np.linspace(0, 1, k + 1))) if cand.any() else []
    labels_cls: list[str] = []
    cls = np.full(len(df), "", dtype=object)
    if len(qs) >= 2:
        idx = np.clip(np.searchsorted(qs, values, side="right") - 1, 0, len(qs) - 2)
        word = "คะแนน" if th else "score"
        labels_cls = [f"{word} {qs[i]:.3f}–{qs[i + 1]:.3f}" for i in range(len(qs) - 1)]
        for i in np.flatnonzero(cand):
            cls[i] = labels_cls[idx[i]]
    elif cand.any():
        labels_cls = ["คะแนน" if th else "score"]
        cls[cand] = labels_cls[0]
    grey_label = {
        s: (f"{_STATUS_TH[s]} ({s})" if th else s) for s in ("ineligible", "excluded", "no score")
    }
    status = df["status"].to_numpy(dtype=object)
    for s_, lab in grey_label.items():
        cls[status == s_] = lab
    present_grey = [grey_label[s_] for s_ in grey_label if (status == s_).any()]
    col = "ชั้นคะแนน" if th else "score class"
    df[col] = pd.array(cls.astype(str), dtype="str")
    palette = list(_SCORE_COLORS[-len(labels_cls) :]) if len(labels_cls) <= 6 else None
    if palette is None:
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        cmap = colormaps["YlGnBu"]
        palette = [
            to_hex(cmap(0.1 + 0.85 * i / (len(labels_cls) - 1))) for i in range(len(labels_cls))
        ]
    colors = dict(zip(labels_cls, palette, strict=True))
    colors.update({grey_label[s_]: _GREY[s_] for s_ in grey_label})
    disp = {
        sc: "คะแนน (score)" if th else "score",
        "rank": "อันดับ (rank)" if th else "rank",
        "why": "เหตุผล (why)" if th else "why",
    }
    for src, dst in disp.items():
        df[dst] = df[src]
    # the score breakdown of the chosen and the best-ranked others (the rest show their
    # tooltip on click): the breakdown of every tambon of the country would weigh megabytes
    ranked = pd.to_numeric(df["rank"], errors="coerce")
    detailed = (df["status"] == "chosen").fillna(False).to_numpy(dtype=bool) | (
        ranked <= _POPUP_RANKS).fillna(False).to_numpy(dtype=bool)
    df["_popup"] = None
    if detailed.any():
        df.loc[detailed, "_popup"] = _popup_html(df[detailed], sc, lang)
    opt = (
        "พิสูจน์แล้วว่าเหมาะที่สุด (proven optimal)"
        if selection.proven_optimal
        else (f"ยังไม่พิสูจน์ว่าเหมาะที่สุด (gap {selection.mip_gap:.3g})")
    )
    m = maps.categorical(
        df,
        col,
        categories=labels_cls[::-1] + present_grey,
        colors=colors,
        tooltip=[disp[sc], disp["rank"], disp["why"]],
        popup_html="_popup",
        lang=lang,
        highlight=selection.codes,
        basemap=basemap,
        title=title or (f"พื้นที่ที่เลือก {selection.n} ตำบล" if th else f"{selection.n} tambons chosen"),
        legend_title=col,
        tolerance=tolerance,
        name="selection",
    )
    summary = pd.DataFrame(
        {
            ("รายการ" if th else "item"): [
                "เลือก (chosen)", "ผู้สมัคร (candidates)", "คะแนนรวม (total score)", "ผล (solver)",
            ],
            ("ค่า" if th else "value"): [
                f"{selection.n}",
                f"{selection.n_candidates:,}",
                f"{selection.total_score:.3f}",
                opt,
            ],
        }
    )  # fmt: skip
    by = selection.summary_by("region").reset_index()
    by = by[["region" if "region" in by.columns else by.columns[0], "chosen", "candidates"]]
    if th:
        by.columns = ["ภาค", "เลือก", "ผ่านเกณฑ์"]
    maps.add_panel(m, summary, title="การคัดเลือก (selection)" if th else "Selection")
    maps.add_panel(m, by, title="ตามภาค (by region)" if th else "By region", position="bottomleft")
    q = selection.quota_table()
    if len(q):
        rows = []
        for level, grp in q.groupby("level", sort=False):
            for _, r in grp[~grp["default"]].iterrows():
                rows.append((level, r["name"], r["min"], r["max"], r["candidates"], r["chosen"]))
            d = grp[grp["default"]]
            if len(d):
                every = (
                    f"* ({'ทุก' if th else 'every '}{_LEVEL_TH[level] if th else level}, {len(d)})"
                )
                rows.append(
                    (level, every, d["min"].max(), d["max"].max(), int(d["candidates"].sum()),
                     f"≤ {int(d['chosen'].max())}")
                )  # fmt: skip
        panel = pd.DataFrame(
            {
                ("ระดับ" if th else "level"): [_LEVEL_TH[r[0]] if th else r[0] for r in rows],
                ("ชื่อ" if th else "name"): [r[1] for r in rows],
                ("โควตา" if th else "quota"): [_fmt_bounds(r[2], r[3]) for r in rows],
                ("ผ่านเกณฑ์" if th else "candidates"): [r[4] for r in rows],
                ("เลือก" if th else "chosen"): [str(r[5]) for r in rows],
            }
        )
        maps.add_panel(m, panel, title="โควตา (quotas)" if th else "Quotas", position="topright")
    logger.info(
        "selection_map returned a map of %s tambons, %d chosen outlined",
        f"{len(df):,}",
        selection.n,
    )
    return m


def sensitivity_map(
    sens: Sensitivity,
    *,
    lang: str = "th",
    title: str | None = None,
    basemap: str | None = None,
    tolerance: float | str = "auto",
) -> folium.Map:
    """Map the stable core and the marginal picks of a :class:`Sensitivity`.

    Tambons chosen in at least ``core`` of the draws are dark green, marginal picks orange,
    the other candidates pale and ineligible ones grey; the base selection is outlined; a panel
    lists the core and the marginal picks with their frequencies.

    Parameters
    ----------
    sens : Sensitivity
        The result of :func:`sensitivity`.
    lang, title, basemap, tolerance
        As in :func:`selection_map`.

    Returns
    -------
    folium.Map
        The map.
    """
    from tambon_gis import maps

    scored = _map_frame(sens.scored, "sensitivity_map")
    th = lang == "th"
    df = scored.copy()
    freq = sens.frequency.set_index("tambon_code")
    codes = df["tambon_code"].astype(str)
    f = codes.map(freq["frequency"]).astype(float)
    stab = codes.map(freq["stability"])
    lab = {
        "core": "แกนที่มั่นคง (core)" if th else "stable core",
        "marginal": "ตัวเลือกชายขอบ (marginal)" if th else "marginal",
        "never": "ไม่ถูกเลือก (never chosen)" if th else "never chosen",
        "ineligible": "ไม่ผ่านเกณฑ์/ตัดออก (ineligible/excluded)" if th else "ineligible or excluded",
    }
    cand = df["status"].isin(["chosen", "left out"]).to_numpy()
    cls = np.where(cand, lab["never"], lab["ineligible"]).astype(object)
    cls[(stab == "marginal").to_numpy()] = lab["marginal"]
    cls[(stab == "core").to_numpy()] = lab["core"]
    col = "ความมั่นคง" if th else "stability"
    df[col] = pd.array(cls.astype(str), dtype="str")
    fcol = "สัดส่วนที่ถูกเลือก (frequency)" if th else "frequency"
    df[fcol] = f.fillna(0.0).round(3)
    colors = {lab["core"]: "#1b7837", lab["marginal"]: "#f1a340", lab["never"]: "#f7f7f7",
              lab["ineligible"]: "#bdbdbd"}  # fmt: skip
    m = maps.categorical(
        df,
        col,
        categories=[lab["core"], lab["marginal"], lab["never"], lab["ineligible"]],
        colors=colors,
        tooltip=[fcol, "why"],
        lang=lang,
        highlight=sens.base.codes,
        basemap=basemap,
        title=title
        or (
            f"ความมั่นคงของการเลือก ({sens.draws:,} รอบ, น้ำหนัก ±{sens.spread:.0%})"
            if th
            else f"Stability over {sens.draws:,} weight draws (±{sens.spread:.0%})"
        ),
        legend_title=col,
        tolerance=tolerance,
        name="sensitivity",
    )
    table = sens.frequency
    name_col = "tambon_th" if "tambon_th" in table.columns else "tambon_code"
    panel = pd.DataFrame(
        {
            ("ตำบล" if th else "tambon"): table[name_col],
            ("จังหวัด" if th else "province"): table.get("changwat_th", table["tambon_code"]),
            ("สัดส่วน" if th else "share"): (table["frequency"] * 100)
            .round(0)
            .astype(int)
            .astype(str)
            + "%",
            ("กลุ่ม" if th else "class"): table["stability"],
        }
    )
    maps.add_panel(m, panel.head(40), title="แกน และ ชายขอบ (core and marginal)" if th else
                   "Core and marginal", position="topright")  # fmt: skip
    logger.info(
        "sensitivity_map returned a map: %d core, %d marginal", len(sens.core_codes),
        len(sens.marginal_codes),
    )  # fmt: skip
    return m
