"""Score tambons against criteria: eligibility with reasons, contributions, score and rank.

:func:`score_areas` applies a :class:`~tambon_gis.criteria.Criteria` to a layer; the
normalised matrix it builds is reused by :func:`~tambon_gis.selection.sensitivity` to re-score
each weight draw with a matrix product.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.criteria import Criteria

if TYPE_CHECKING:
    import geopandas as gpd

logger = get_logger(__name__)


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


def with_plans(gdf: gpd.GeoDataFrame, plans: Any) -> gpd.GeoDataFrame:
    """Return ``gdf`` with the plan facts of ``plans`` (a store or its path), or ``gdf``."""
    if plans is None:
        return gdf
    # imported here: the plan module loads the store, the matcher and the map builders
    from tambon_gis.plans import with_plan_facts

    return with_plan_facts(gdf, plans)


def scoring_columns(criteria: Criteria) -> list[str]:
    """Return the columns :func:`score_areas` adds for ``criteria``, in the order it adds them.

    Examples
    --------
    >>> from tambon_gis.criteria import Criteria, Criterion
    >>> scoring_columns(Criteria(criteria=[Criterion("households", weight=1.0)]))
    ['contrib_households', 'eligible', 'ineligible_reason', 'score', 'rank']
    """
    return [
        *(f"eligible_{a.key}" for a in criteria.agencies),
        *(c.contribution_column for c in criteria.criteria),
        "eligible", "ineligible_reason", "score", "rank",
    ]  # fmt: skip


def score_areas(
    gdf: gpd.GeoDataFrame, criteria: Criteria, *, plans: Any = None
) -> gpd.GeoDataFrame:
    """Apply criteria: eligibility per agency with reasons, contributions, score and rank.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or pandas.DataFrame
        One row per tambon holding every column the criteria read (e.g. boundaries joined to
        the partners' table). Not modified.
    criteria : Criteria
        The specification (see :mod:`tambon_gis.criteria`).
    plans : MonitoringStore or path, optional
        A store with tambon plans: its plan facts (:func:`tambon_gis.plans.plan_facts`, e.g.
        ``has_adopted_agricultural_plan``, ``raises_food_security``) become columns the
        criteria can read, with no hand-made column.

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
    gdf = with_plans(gdf, plans)
    criteria.validate(gdf)
    out = gdf.copy()
    replaced = [c for c in scoring_columns(criteria) if c in out]
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
