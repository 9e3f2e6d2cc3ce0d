"""Choose the optimal set: :func:`select_areas`, its :class:`Selection` and :func:`sensitivity`.

The three live together because each needs the others: :func:`select_areas` returns a
:class:`Selection`, :meth:`Selection.sensitivity` runs :func:`sensitivity`, and
:func:`sensitivity` runs :func:`select_areas` for its base selection.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis._errors import InfeasibleError, SolverError, ValidationError
from tambon_gis._export import safe_excel_writer, write_csv
from tambon_gis._logging import get_logger, progress
from tambon_gis.criteria import Criteria
from tambon_gis.selection.explain import _explain_rows
from tambon_gis.selection.labels import _NAME_COLUMNS, _bilingual
from tambon_gis.selection.maps import selection_map
from tambon_gis.selection.problem import LEVELS, _precheck, _prepare, _Setup
from tambon_gis.selection.scoring import _normalised_matrix, scoring_columns, with_plans
from tambon_gis.selection.solver import _Solver
from tambon_gis.selection.stability import Sensitivity

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

logger = get_logger(__name__)


# --------------------------------------------------------------------------- select_areas


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
    plans: Any = None,
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
    plans : MonitoringStore or path, optional
        A store with tambon plans whose plan facts the criteria read (see
        :func:`score_areas`).

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
        with_plans(gdf, plans),
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
        """Work out the status and why of every row (:func:`~.explain._explain_rows`)."""
        explained = _explain_rows(self._setup, self._selected)
        self._top = explained.top
        self.scored = explained.scored
        self._counts = explained.counts
        self._top_counts = explained.top_counts

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
        # the data as given: without the scoring's columns, which sensitivity computes again
        frame = self._setup.frame
        frame = frame.drop(columns=[c for c in scoring_columns(self.criteria) if c in frame])
        return sensitivity(
            frame,
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


# --------------------------------------------------------------------------- sensitivity


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
