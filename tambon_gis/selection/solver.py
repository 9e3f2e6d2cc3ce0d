"""The mixed-integer programme of a selection, solved with HiGHS.

``_Model`` builds the HiGHS model of a ``_Problem`` once (its objective can change between
solves); ``_Solver`` solves it, shrinking the candidates (``_reduce``) when only groups
constrain the choice and adding the minimum-distance pairs lazily. ``highspy`` is imported on
first use.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from typing import Any, TypedDict

import numpy as np

from tambon_gis.selection.problem import _Problem

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


class _ModelOptions(TypedDict):
    """The keyword arguments of :class:`_Model` that every solve of a problem shares."""

    time_limit: float
    mip_gap: float
    drop: frozenset[str]


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
            assert prob.province_of is not None  # set whenever max_changwats is
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
        self.kw: _ModelOptions = {"time_limit": time_limit, "mip_gap": mip_gap, "drop": drop}
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
