"""The selection problem: quotas, include / exclude lists, distances, budget, and plain conflicts.

``_prepare`` reads the arguments of :func:`~tambon_gis.selection.select_areas` into a
``_Setup`` (the scored frame, the status of every row and the ``_Problem`` over the
candidates): quota groups resolved from codes or names, tambon codes normalised, conflict
pairs closer than the minimum distance. ``_precheck`` names the conflicts plain enough to see
before the solver ("region quota sum 25 > n=23").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis import settings
from tambon_gis._errors import CRSError, InfeasibleError, SchemaError, ValidationError, excerpt
from tambon_gis.criteria import Criteria, _unknown
from tambon_gis.names import clean_code, normalize_name
from tambon_gis.selection.scoring import score_areas

#: Levels a quota can name, with the column holding the group code and its display columns.
LEVELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "region": ("region", ("region", "region_en")),
    "changwat": ("changwat_code", ("changwat_th", "changwat_en")),
    "amphoe": ("amphoe_code", ("amphoe_th", "amphoe_en")),
}


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
    out: list[int | None] = []
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


# --------------------------------------------------------------------------- the problem


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


def _scored_frame(gdf: Any, score: str | Criteria) -> tuple[Any, str, Criteria | None]:
    """Return a copy of the layer with its score column, the column's name and the criteria."""
    criteria = score if isinstance(score, Criteria) else None
    if criteria is not None:
        return score_areas(gdf, criteria), "score", criteria
    if not isinstance(score, str):
        raise ValidationError(
            f"score must be a column name or a Criteria object, not {type(score).__name__}"
        )
    return gdf.copy(), score, None


def _checked_codes(frame: Any, score_col: str) -> np.ndarray:
    """Check the codes and the score column of the frame; return the codes as text."""
    if "tambon_code" not in frame.columns:
        raise SchemaError(
            "the layer has no 'tambon_code' column: load it with tambon_gis.load_boundaries, "
            "or rename your code column to tambon_code"
        )
    if score_col not in frame.columns:
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
    return codes


def _row_status(
    frame: Any, scores: np.ndarray, *, eligible: str | None, score_col: str
) -> tuple[np.ndarray, list[str]]:
    """Return the status of every row (candidate, ineligible, no score) and its reason."""
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
    return status, reasons


def _include_exclude(
    pos_of: dict[str, int],
    status: np.ndarray,
    reasons: list[str],
    problems: list[str],
    *,
    include: Iterable[Any] | None,
    exclude: Iterable[Any] | None,
) -> tuple[list[str], list[str]]:
    """Return the include and exclude codes; mark the excluded rows, note the conflicts.

    ``status``, ``reasons`` and ``problems`` are the ones :func:`_prepare` builds: the excluded
    candidates get their status and reason, and every conflict is appended to ``problems``.
    """
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
    return inc, exc


def _candidate_costs(
    frame: Any,
    codes: np.ndarray,
    cand: np.ndarray,
    *,
    budget: float | None,
    cost: str | None,
) -> np.ndarray | None:
    """Return the cost of every candidate (None without a budget), checked."""
    if budget is None and cost is None:
        return None
    if budget is None or cost is None:
        raise ValidationError(
            "a budget needs both budget=AMOUNT and cost=COLUMN (the cost of each tambon)"
        )
    if cost not in frame.columns or not pd.api.types.is_numeric_dtype(frame[cost]):
        raise SchemaError(f"cost column {cost!r} is missing or not numeric: give a numeric column")
    c_all = frame[cost].to_numpy(dtype=float, na_value=np.nan)
    bad = [codes[p] for p in cand if not np.isfinite(c_all[p]) or c_all[p] < 0]
    if bad:
        raise ValidationError(
            f"cost column {cost!r} is missing or negative for {len(bad)} candidate(s) "
            f"({bad[:10]}): fill the costs, or exclude those tambons"
        )
    return c_all[cand]


def _distance_conflicts(
    frame: Any, cand: np.ndarray, min_distance_km: float | None
) -> tuple[np.ndarray, list[np.ndarray], Any]:
    """Return the candidate pairs closer than the distance, the grid cells, and the centroids.

    Without a minimum distance: no pairs, no cells, and None for the centroids.
    """
    pairs = np.empty((0, 2), dtype=np.int64)
    cells: list[np.ndarray] = []
    if min_distance_km is None:
        return pairs, cells, None
    if not hasattr(frame, "geometry") or "geometry" not in frame:
        raise SchemaError("min_distance_km needs a GeoDataFrame with geometries")
    if frame.crs is None:
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
    return pairs, cells, points


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
    frame, score_col, criteria = _scored_frame(gdf, score)
    problems: list[str] = []
    codes = _checked_codes(frame, score_col)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValidationError(f"n={n!r}: give the number of tambons to choose, a whole number >= 1")
    n = int(n)
    if eligible is None and "eligible" in frame.columns:
        eligible = "eligible"
    scores = frame[score_col].to_numpy(dtype=float, na_value=np.nan)
    status, reasons = _row_status(frame, scores, eligible=eligible, score_col=score_col)
    pos_of = {c: i for i, c in enumerate(codes)}
    inc, exc = _include_exclude(
        pos_of, status, reasons, problems, include=include, exclude=exclude
    )
    cand = np.flatnonzero(status == "candidate")
    local = {int(p): i for i, p in enumerate(cand)}
    forced = np.array(
        [local[pos_of[c]] for c in inc if c in pos_of and pos_of[c] in local], dtype=np.int64
    )
    groups = _resolve_groups(frame, quotas, max_per_amphoe, max_per_changwat)
    cost_arr = _candidate_costs(frame, codes, cand, budget=budget, cost=cost)
    province_of = None
    if max_changwats is not None:
        if "changwat_code" not in frame.columns:
            raise SchemaError("max_changwats needs the column 'changwat_code'")
        province_of = frame["changwat_code"].astype(str).to_numpy()[cand]
    pairs, cells, points = _distance_conflicts(frame, cand, min_distance_km)
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
