"""Why every row of a selection is chosen or left out: the ``why`` column of a selection.

:func:`_explain_rows` compares the chosen set with the unconstrained top n by score and names,
for each tambon left out, the constraints that kept it out (a maximum reached, too close to a
chosen tambon, over the remaining budget, outside the chosen provinces), and for each chosen
one what put it in (the include list, the top n, a minimum quota, or the constraints).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis.selection.problem import _Group, _Problem, _Setup
from tambon_gis.selection.scoring import _rank


@dataclass
class _Explained:
    """The explained rows of a selection: the scored frame and the tallies behind it."""

    scored: Any  # the input rows with selected, status, why, in_top_n, rank (and cost)
    top: np.ndarray  # per row: in the unconstrained top n
    counts: dict[tuple[str, str], int]  # chosen per (level, group key)
    top_counts: dict[tuple[str, str], int]  # in the top n per (level, group key)


@dataclass
class _Tally:
    """What the reasons of the rows are worked out from (read-only once built)."""

    prob: _Problem
    params: dict[str, Any]
    frame: Any
    codes: np.ndarray
    names: np.ndarray
    top: np.ndarray
    counts: dict[tuple[str, str], int]
    top_counts: dict[tuple[str, str], int]
    group_of: dict[int, list[_Group]]
    dist_near: dict[int, tuple[float, int]]
    cost_all: np.ndarray | None
    used_budget: float
    chosen_provinces: set[str] | None

    def _short_of_minimum(self, g: _Group) -> bool:
        """Whether group ``g`` has a minimum the top n alone does not reach."""
        key = (g.level, g.key)
        return g.lo is not None and self.counts[key] <= g.lo and self.top_counts[key] < g.lo

    def left_out(self, p: int) -> list[str]:
        """Return the reasons candidate ``p``, not chosen, is left out."""
        prob = self.prob
        rs = []
        for g in self.group_of.get(int(p), []):
            if g.hi is not None and self.counts[(g.level, g.key)] >= g.hi:
                rs.append(f"{g.level} maximum reached: {g.label} ≤ {g.hi}")
        if p in self.dist_near:
            d, q = self.dist_near[int(p)]
            rs.append(
                f"within {d / 1000:.1f} km of chosen {self.names[q]} ({self.codes[q]}); "
                f"min_distance_km={self.params['min_distance_km']}"
            )
        if self.cost_all is not None:
            assert prob.budget is not None  # a cost comes with a budget (problem._prepare)
            if self.cost_all[p] > prob.budget - self.used_budget + 1e-9:
                rs.append(
                    f"budget: cost {self.cost_all[p]:,.2f} > remaining "
                    f"{prob.budget - self.used_budget:,.2f}"
                )
        if self.chosen_provinces is not None:
            pc = str(self.frame["changwat_code"].iloc[p])
            if pc not in self.chosen_provinces:
                rs.append(
                    f"outside the {len(self.chosen_provinces)} chosen provinces (max_changwats)"
                )
        if not rs:
            if self.top[p]:
                mins = [
                    f"{g.level} minimum {g.label} ≥ {g.lo}"
                    for g in prob.groups
                    if self._short_of_minimum(g)
                ]
                rs.append(
                    "its place went to " + ", ".join(mins)
                    if mins
                    else "a higher total score with the constraints needs other tambons"
                )
            else:
                rs.append(f"below the top {prob.n} by score")
        return rs

    def chosen(self, p: int, *, forced: bool, held_out: list[str]) -> str:
        """Return why chosen row ``p`` is in the selection."""
        if forced:
            return "required (include list)"
        if self.top[p]:
            return f"in the top {self.prob.n} by score"
        mins = [
            f"minimum quota: {g.level} {g.label} needs at least {g.lo}"
            for g in self.group_of.get(int(p), [])
            if self._short_of_minimum(g)
        ]
        if mins:
            return "; ".join(mins)
        return "takes the place of higher-scored tambons left out by: " + ", ".join(
            held_out or ["the combined constraints"]
        )


def _top_n(s: _Setup, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the unconstrained top n and the rank of every eligible row with a score.

    The top n are the n best eligible rows: exclusions are a constraint.
    """
    scores = s.scores
    eligible_like = np.isin(s.status, ["candidate", "excluded"])
    order = np.lexsort((codes, -np.nan_to_num(scores, nan=-np.inf)))
    order = order[eligible_like[order]]
    top = np.zeros(len(s.frame), dtype=bool)
    top[order[: s.prob.n]] = True
    rank_series = _rank(pd.Series(scores), eligible_like & ~np.isnan(scores))
    return top, rank_series.to_numpy(dtype="float", na_value=np.nan)


def _group_counts(
    prob: _Problem, sel: np.ndarray, top: np.ndarray
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int], dict[int, list[_Group]]]:
    """Return the chosen and top-n counts per quota group, and the groups of every row."""
    counts: dict[tuple[str, str], int] = {}
    top_counts: dict[tuple[str, str], int] = {}
    group_of: dict[int, list[_Group]] = {}
    for g in prob.groups:
        counts[(g.level, g.key)] = int(sel[g.rows].sum())
        top_counts[(g.level, g.key)] = int(top[g.rows].sum())
        for r in g.rows:
            group_of.setdefault(int(r), []).append(g)
    return counts, top_counts, group_of


def _nearest_chosen(
    s: _Setup, sel: np.ndarray, chosen_pos: np.ndarray
) -> dict[int, tuple[float, int]]:
    """Map the candidates left out near a chosen tambon to the distance (m) and row of it.

    Only candidates within the minimum distance of a chosen tambon are mapped, to the nearest.
    """
    prob = s.prob
    dist_near: dict[int, tuple[float, int]] = {}
    if not (len(prob.pairs) and s.points is not None):
        return dist_near
    from shapely import STRtree

    pts = s.points.to_numpy()
    tree = STRtree(pts[chosen_pos])
    d_m = float(s.params["min_distance_km"]) * 1000
    a, b = tree.query(pts[prob.cand], predicate="dwithin", distance=d_m)
    for ia, ib in zip(a, b, strict=True):
        near = int(prob.cand[ia])
        if sel[near]:
            continue
        q = int(chosen_pos[ib])
        d = float(pts[near].distance(pts[q]))
        if near not in dist_near or d < dist_near[near][0]:
            dist_near[near] = (d, q)
    return dist_near


def _tally(s: _Setup, sel: np.ndarray, codes: np.ndarray, top: np.ndarray) -> _Tally:
    """Gather what the reasons of the rows of selection ``sel`` are worked out from."""
    frame, prob = s.frame, s.prob
    counts, top_counts, group_of = _group_counts(prob, sel, top)
    chosen_pos = np.flatnonzero(sel)
    used_budget = (
        float(prob.cost[np.isin(prob.cand, chosen_pos)].sum()) if prob.cost is not None else 0.0
    )
    cost_all = None
    if prob.cost is not None:
        cost_all = np.full(len(frame), np.nan)
        cost_all[prob.cand] = prob.cost
    dist_near = _nearest_chosen(s, sel, chosen_pos)
    chosen_provinces = None
    if prob.max_changwats is not None:
        chosen_provinces = set(frame["changwat_code"].astype(str).to_numpy()[chosen_pos].tolist())
    name_col = "tambon_th" if "tambon_th" in frame.columns else "tambon_code"
    return _Tally(
        prob=prob,
        params=s.params,
        frame=frame,
        codes=codes,
        names=frame[name_col].astype(str).to_numpy(),
        top=top,
        counts=counts,
        top_counts=top_counts,
        group_of=group_of,
        dist_near=dist_near,
        cost_all=cost_all,
        used_budget=used_budget,
        chosen_provinces=chosen_provinces,
    )


def _explain_rows(s: _Setup, sel: np.ndarray) -> _Explained:
    """Return every row of the setup's frame with its status and why, for selection ``sel``."""
    frame, prob = s.frame, s.prob
    codes = frame["tambon_code"].astype(str).to_numpy()
    top, rank = _top_n(s, codes)
    t = _tally(s, sel, codes, top)
    forced_pos = set(prob.cand[prob.forced].tolist())
    why = list(s.reasons)
    status = np.array(s.status, dtype=object)
    left_reason_codes: dict[int, list[str]] = {}
    for p in np.flatnonzero(status == "candidate"):
        if sel[p]:
            continue
        rs = t.left_out(int(p))
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
    for p in np.flatnonzero(sel):
        status[p] = "chosen"
        why[p] = t.chosen(int(p), forced=p in forced_pos, held_out=held_out)
    out = frame.copy()
    out["selected"] = sel
    out["status"] = pd.array(status.astype(str), dtype="str")
    out["why"] = pd.array(why, dtype="str")
    out["in_top_n"] = top
    if "rank" not in out.columns or s.criteria is None:
        out["rank"] = pd.array([pd.NA if np.isnan(r) else int(r) for r in rank], dtype="Int64")
    if t.cost_all is not None and s.params["cost"] not in out.columns:
        out["cost"] = t.cost_all
    return _Explained(out, top, t.counts, t.top_counts)
