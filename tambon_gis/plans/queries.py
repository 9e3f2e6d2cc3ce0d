"""The questions the plan database answers: who has a plan, which issues are raised where, gaps.

Every function reads the current revision of each plan and item. When a tambon has several
plans of one type (2561-2565 and 2566-2570, say), the one that covers ``fiscal_year`` counts,
or, without ``fiscal_year``, the latest.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._frames import rows as frame_rows
from tambon_gis.gazetteer import tambons as gazetteer_tambons
from tambon_gis.monitoring import MonitoringStore
from tambon_gis.names import clean_code
from tambon_gis.plans.io import _fiscal_year, import_plans
from tambon_gis.plans.vocabulary import issue_names, policy_issues
from tambon_gis.vocabulary import PLAN_TYPES, plan_status_label

#: Roll-up levels and the columns naming their groups.
LEVELS: dict[str, tuple[str, str]] = {
    "tambon": ("tambon_code", "tambon_th"),
    "amphoe": ("amphoe_code", "amphoe_th"),
    "changwat": ("changwat_code", "changwat_th"),
    "region": ("region", "region_en"),
    "all": ("all", "all"),
}
_NAMES = ["tambon_th", "tambon_en", "amphoe_code", "amphoe_th", "changwat_code", "changwat_th",
          "region", "region_en"]  # fmt: skip


def _with_names(df: pd.DataFrame, store: MonitoringStore) -> pd.DataFrame:
    names = gazetteer_tambons()[["tambon_code", *_NAMES]]
    out = df.merge(names, on="tambon_code", how="left")
    areas = set(store.areas()["tambon_code"])
    out["operation_area"] = out["tambon_code"].isin(areas)
    out["all"] = "all"
    return out


def _check_level(level: str) -> tuple[str, str]:
    if level not in LEVELS:
        raise ValidationError(f"level={level!r}: expected one of {list(LEVELS)}")
    return LEVELS[level]


def _check_fiscal_year(fiscal_year: Any) -> int | None:
    """Return ``fiscal_year`` as a BE year (2567; CE 2024 is read as 2567), or raise."""
    if fiscal_year is None:
        return None
    year = None if isinstance(fiscal_year, bool) else _fiscal_year(fiscal_year)
    if year is None:
        raise ValidationError(
            f"fiscal_year={fiscal_year!r} is not a fiscal year: give it as a BE year such as "
            "2567 (plans are stored by BE fiscal year)"
        )
    return year


def _chosen_plans(store: MonitoringStore, fiscal_year: int | None) -> pd.DataFrame:
    fiscal_year = _check_fiscal_year(fiscal_year)
    df = store.read_sql(
        "SELECT tambon_code, plan_type, first_fy, last_fy, status, revision, recorded_by, "
        "recorded_at FROM current_plans"
    )
    for col in ("first_fy", "last_fy", "revision"):
        df[col] = df[col].astype("int64")
    if fiscal_year is not None:
        fy = int(fiscal_year)
        df = df[(df["first_fy"] <= fy) & (df["last_fy"] >= fy)]
    df = df.sort_values(["tambon_code", "plan_type", "first_fy"])
    return df.drop_duplicates(["tambon_code", "plan_type"], keep="last").reset_index(drop=True)


def plans(store: MonitoringStore, *, fiscal_year: int | None = None) -> pd.DataFrame:
    """Return the plan of each type of each tambon: years, status and the tambon's names.

    Parameters
    ----------
    store : MonitoringStore
    fiscal_year : int, optional
        Only plans covering this fiscal year (BE); default the latest plan of each type.

    Returns
    -------
    DataFrame
        ``tambon_code``, ``plan_type``, ``first_fy``, ``last_fy``, ``status``, ``status_th``,
        ``revision``, the names of the tambon, amphoe, changwat and region, and
        ``operation_area`` (the tambon is one of the store's areas).
    """
    df = _chosen_plans(store, fiscal_year)
    df["status_th"] = df["status"].map(plan_status_label)
    return _with_names(df, store).drop(columns="all")


def plan_items(
    store: MonitoringStore,
    *,
    issue: str | None = None,
    plan_type: str | None = None,
    fiscal_year: int | None = None,
) -> pd.DataFrame:
    """Return the items of the tambons' plans, one row per item.

    Parameters
    ----------
    store : MonitoringStore
    issue : str, optional
        Only items raising this policy issue (its id, e.g. ``"food_security"``).
    plan_type : {"development", "agricultural"}, optional
    fiscal_year : int, optional
        Only items of plans covering this year; ``budget`` is then that year's budget.

    Returns
    -------
    DataFrame
        ``tambon_code``, ``plan_type``, ``first_fy``, ``last_fy``, ``status``, ``item_no``,
        ``activity``, ``issues`` (ids separated by ``|``), ``lead_agency``, ``partners``,
        ``indicator_ids``, ``note``, ``budget`` (baht), ``budget_source``, ``budgets``
        (``{fiscal year: baht}``), ``revision`` and the tambon's names.
    """
    if plan_type is not None and plan_type not in PLAN_TYPES:
        raise ValidationError(f"plan_type={plan_type!r}: expected one of {list(PLAN_TYPES)}")
    fiscal_year = _check_fiscal_year(fiscal_year)
    if issue is not None and issue not in set(policy_issues(store)["issue_id"]):
        raise ValidationError(
            f"issue={issue!r} is not in the store's vocabulary "
            f"({', '.join(policy_issues(store)['issue_id'])}): use one of those ids"
        )
    chosen = _chosen_plans(store, fiscal_year)[
        ["tambon_code", "plan_type", "first_fy", "last_fy", "status"]
    ]
    items = store.read_sql(
        "SELECT item_rev_id, tambon_code, plan_type, first_fy, item_no, activity, issues, "
        "lead_agency, partners, indicator_ids, note, revision FROM current_plan_items"
    )
    for col in ("first_fy", "item_no", "revision", "item_rev_id"):
        items[col] = items[col].astype("int64")
    items = items.merge(chosen, on=["tambon_code", "plan_type", "first_fy"], how="inner")
    budgets = store.read_sql("SELECT item_rev_id, fiscal_year, amount, source FROM plan_budgets")
    budgets["item_rev_id"] = budgets["item_rev_id"].astype("int64")
    budgets = budgets[budgets["item_rev_id"].isin(set(items["item_rev_id"]))]
    per_item: dict[int, dict[int, float]] = {}  # one pass over the rows, not a group per item
    for k, fy, amount in zip(budgets["item_rev_id"].tolist(),
                             budgets["fiscal_year"].astype(int).tolist(),
                             budgets["amount"].astype(float).tolist(), strict=True):  # fmt: skip
        per_item.setdefault(k, {})[fy] = amount
    sources = budgets.groupby("item_rev_id")["source"].first().to_dict()
    items["budgets"] = items["item_rev_id"].map(lambda k: per_item.get(int(k), {}))
    if fiscal_year is None:
        items["budget"] = items["budgets"].map(lambda b: float(sum(b.values())))
    else:
        items["budget"] = items["budgets"].map(lambda b: float(b.get(int(fiscal_year), 0.0)))
    items["budget_source"] = items["item_rev_id"].map(lambda k: sources.get(int(k), ""))
    if plan_type is not None:
        items = items[items["plan_type"] == plan_type]
    if issue is not None:
        items = items[items["issues"].map(lambda s: issue in str(s).split("|"))]
    items = items.drop(columns="item_rev_id").sort_values(
        ["tambon_code", "plan_type", "first_fy", "item_no"]
    )
    return _with_names(items.reset_index(drop=True), store).drop(columns="all")


def plan_status(
    store: MonitoringStore,
    *,
    codes: Iterable[str] | None = None,
    fiscal_year: int | None = None,
) -> pd.DataFrame:
    """Return, per tambon, the status of its plan of each type and whether it is adopted.

    Parameters
    ----------
    store : MonitoringStore
    codes : iterable of str, optional
        The tambons to answer for; default the store's operation areas and every tambon with
        a plan.
    fiscal_year : int, optional
        Only plans covering this year count.

    Returns
    -------
    DataFrame
        ``tambon_code``, ``development`` and ``agricultural`` (the status, ``"none"`` without a
        plan), ``adopted_development``, ``adopted_agricultural``, ``adopted_both`` (booleans),
        the names and ``operation_area``.
    """
    chosen = _chosen_plans(store, fiscal_year)
    if codes is None:
        wanted = sorted(set(store.areas()["tambon_code"]) | set(chosen["tambon_code"]))
    else:
        wanted = sorted(set(_codes_of(list(codes), "codes")))
    out = pd.DataFrame({"tambon_code": wanted})
    for ptype in PLAN_TYPES:
        st = chosen[chosen["plan_type"] == ptype].set_index("tambon_code")["status"]
        # (a map onto no plan of the type is float NaN: fillna("none") on it is deprecated)
        out[ptype] = out["tambon_code"].map(st).astype(object).fillna("none").astype(str)
        out[f"adopted_{ptype}"] = out[ptype] == "adopted"
    out["adopted_both"] = out["adopted_development"] & out["adopted_agricultural"]
    return _with_names(out, store).drop(columns="all")


def plan_coverage(
    store: MonitoringStore, *, level: str = "changwat", fiscal_year: int | None = None
) -> pd.DataFrame:
    """Return how many operation areas have an adopted plan of each type, per group.

    Returns
    -------
    DataFrame
        ``group``, ``label``, ``n_areas``, ``adopted_development``, ``adopted_agricultural``,
        ``adopted_both`` (counts) and ``share_both`` (0-1).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     store.set_areas(["550504", "550503"])
    ...     plan_coverage(store, level="all")[["n_areas", "adopted_both"]].values.tolist()
    [[2, 0]]
    """
    key, label = _check_level(level)
    st = plan_status(store, codes=store.areas()["tambon_code"], fiscal_year=fiscal_year)
    st["all"] = "all"
    grouped = st.groupby(list(dict.fromkeys([key, label])), dropna=False, sort=True)
    out = grouped.agg(
        n_areas=("tambon_code", "size"),
        adopted_development=("adopted_development", "sum"),
        adopted_agricultural=("adopted_agricultural", "sum"),
        adopted_both=("adopted_both", "sum"),
    ).reset_index()
    out["label"] = out[label]
    out = out.rename(columns={key: "group"})[
        ["group", "label", "n_areas", "adopted_development", "adopted_agricultural",
         "adopted_both"]
    ]  # fmt: skip
    out["share_both"] = out["adopted_both"] / out["n_areas"].where(out["n_areas"] > 0)
    return out


def issue_rollup(
    store: MonitoringStore, *, level: str = "changwat", fiscal_year: int | None = None
) -> pd.DataFrame:
    """Return which policy issues each group raises: tambons, items and budget per issue.

    Parameters
    ----------
    store : MonitoringStore
    level : {"tambon", "amphoe", "changwat", "region", "all"}
    fiscal_year : int, optional
        Plans covering this year, and that year's budget; default the latest plans and their
        whole budget.

    Returns
    -------
    DataFrame
        ``group``, ``label``, ``issue_id``, ``issue_th``, ``issue_en``, ``n_tambons``,
        ``n_items``, ``budget`` (baht), sorted by group and budget.
    """
    key, label = _check_level(level)
    items = plan_items(store, fiscal_year=fiscal_year)
    items["issue_id"] = items["issues"].map(lambda s: [x for x in str(s).split("|") if x])
    long = items.explode("issue_id").dropna(subset=["issue_id"])
    long["all"] = "all"
    cols = ["group", "label", "issue_id", "issue_th", "issue_en", "n_tambons", "n_items",
            "budget"]  # fmt: skip
    if long.empty:
        return pd.DataFrame(columns=cols)
    keys = [key, "issue_id"] if key == label else [key, label, "issue_id"]
    out = (
        long.groupby(keys, dropna=False)
        .agg(n_tambons=("tambon_code", "nunique"), n_items=("activity", "size"),
             budget=("budget", "sum"))
        .reset_index()
    )
    out = out.assign(label=out[label]).rename(columns={key: "group"})
    out["issue_th"] = out["issue_id"].map(issue_names(store, lang="th"))
    out["issue_en"] = out["issue_id"].map(issue_names(store, lang="en"))
    out = out.sort_values(["group", "budget"], ascending=[True, False], kind="stable")
    return out[cols].reset_index(drop=True)


def plan_facts(
    store: MonitoringStore,
    *,
    codes: Iterable[str] | None = None,
    fiscal_year: int | None = None,
) -> pd.DataFrame:
    """Return the plan facts of each tambon, as columns selection criteria can use.

    Columns: ``tambon_code``; ``plan_development`` and ``plan_agricultural`` (status ids);
    ``has_adopted_development_plan``, ``has_adopted_agricultural_plan`` and
    ``has_adopted_plans`` (booleans: a criteria rule reads ``== yes`` or ``== true``);
    ``raises_<issue_id>`` for every issue of the vocabulary (booleans);
    ``n_plan_items``, ``n_policy_issues`` and ``plan_budget`` (numbers). A tambon with no plan
    gets ``False`` and 0, never a missing value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     f = plan_facts(store, codes=["550504"])
    >>> f[["has_adopted_agricultural_plan", "raises_food_security", "n_plan_items"]].values.tolist()
    [[False, False, 0]]
    """
    st = plan_status(store, codes=codes, fiscal_year=fiscal_year)
    items = plan_items(store, fiscal_year=fiscal_year)
    out = st[["tambon_code"]].copy()
    for ptype in PLAN_TYPES:
        out[f"plan_{ptype}"] = st[ptype]
        out[f"has_adopted_{ptype}_plan"] = st[f"adopted_{ptype}"].astype(bool)
    out["has_adopted_plans"] = st["adopted_both"].astype(bool)
    raised: dict[str, set[str]] = {}
    for code, issues in zip(items["tambon_code"], items["issues"], strict=True):
        raised.setdefault(code, set()).update(x for x in str(issues).split("|") if x)
    for ident in policy_issues(store)["issue_id"]:
        out[f"raises_{ident}"] = (
            out["tambon_code"].map(lambda c, i=ident: i in raised.get(c, set())).astype(bool)
        )
    counts = items.groupby("tambon_code").agg(n=("activity", "size"), b=("budget", "sum"))
    out["n_plan_items"] = out["tambon_code"].map(counts["n"])
    out["n_policy_issues"] = out["tambon_code"].map(lambda c: len(raised.get(c, ())))
    out["plan_budget"] = out["tambon_code"].map(counts["b"])
    return _fill_missing_facts(out)


def with_plan_facts(
    gdf: pd.DataFrame,
    store: MonitoringStore | str | Any,
    *,
    fiscal_year: int | None = None,
) -> Any:
    """Return a copy of ``gdf`` with the plan facts of its tambons (:func:`plan_facts`).

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        One row per tambon with ``tambon_code``. Not modified; rows and order are kept.
    store : MonitoringStore, path or plan file
        The store holding the plans (a path is opened read-only and closed), or a plan
        spreadsheet (``.csv``/``.xlsx``, as for :func:`tambon_gis.plans.import_plans`), read into
        a throwaway store; a rejected file raises with its report.
    fiscal_year : int, optional
        Plans covering this year.

    Raises
    ------
    ValidationError
        ``gdf`` has no ``tambon_code``, or already has a column of a plan fact.
    """
    if "tambon_code" not in gdf.columns:
        raise ValidationError(
            "the table has no tambon_code column, so plan facts cannot be joined: join it to "
            "the boundaries first (tambon_gis.join_attributes)"
        )
    codes = [c for c in (clean_code(v) for v in gdf["tambon_code"]) if c]
    if isinstance(store, MonitoringStore):
        facts = plan_facts(store, codes=codes, fiscal_year=fiscal_year)
    elif isinstance(store, (str, Path)) and Path(store).suffix.lower() in _PLAN_FILES:
        facts = _facts_of_file(Path(store), fiscal_year).set_index("tambon_code")
        facts = facts.reindex(list(dict.fromkeys(codes))).reset_index()
        facts = _fill_missing_facts(facts)
    else:
        with MonitoringStore(store, create=False, read_only=True) as st:
            facts = plan_facts(st, codes=codes, fiscal_year=fiscal_year)
    clash = [c for c in facts.columns if c != "tambon_code" and c in gdf.columns]
    if clash:
        raise ValidationError(
            f"the table already has the plan fact column(s) {clash}: drop or rename them, or "
            "leave out plans= to use the table's own"
        )
    keys = gdf["tambon_code"].map(lambda v: clean_code(v) or "")
    joined = facts.set_index("tambon_code").reindex(keys.to_numpy())
    out = gdf.copy()
    for col in joined.columns:
        values = joined[col].to_numpy()
        out[col] = values
    # a row without a code gets no facts (missing), never another row's
    return out


_PLAN_FILES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")  # as import_plans reads


@functools.lru_cache(maxsize=8)
def _facts_of_file_cached(path: str, mtime: float, size: int, fy: int | None) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp, MonitoringStore(Path(tmp) / "plans.sqlite") as st:
        import_plans(st, path)
        return plan_facts(st, codes=None, fiscal_year=fy)


def _facts_of_file(path: Path, fiscal_year: int | None) -> pd.DataFrame:
    """Plan facts of a plan spreadsheet, imported into a throwaway store (cached per file)."""
    if not path.is_file():
        raise ValidationError(f"plans={str(path)!r}: no such plan file; check the path")
    info = path.stat()
    fy = None if fiscal_year is None else int(fiscal_year)
    return _facts_of_file_cached(str(path.resolve()), info.st_mtime, info.st_size, fy).copy()


def _fill_missing_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Tambons with no plan: every yes/no fact False, counts and budget 0, statuses "none".

    The one home of the facts' defaults and types, for a store's facts and a plan file's.
    """
    out = facts.copy()
    for col in out.columns:
        if col.startswith(("has_adopted", "raises_")):
            out[col] = out[col].astype("boolean").fillna(False).astype(bool)
        elif col.startswith("plan_") and col != "plan_budget":
            out[col] = out[col].astype(object).fillna("none").astype(str)
        elif col in ("n_plan_items", "n_policy_issues"):
            out[col] = out[col].fillna(0).astype("int64")
        elif col == "plan_budget":
            out[col] = out[col].fillna(0.0).astype("float64")
    return out


def plan_gaps(
    store: MonitoringStore,
    *,
    selection: Any = None,
    fiscal_year: int | None = None,
) -> pd.DataFrame:
    """Return where plans, the selection and the KPIs disagree, one row per finding.

    Findings (``kind``):

    - ``no adopted development plan`` / ``no adopted agricultural plan``: an operation area
      (or a selected tambon) without one;
    - ``selected without a plan``: a tambon of ``selection`` with no plan of either type;
    - ``item without KPI``: an item that raises a policy issue and names no indicator;
    - ``KPI without data``: an item's indicator that has no observation in that tambon;
    - ``adopted plan without items``.

    Parameters
    ----------
    store : MonitoringStore
    selection : Selection, DataFrame or iterable of codes, optional
        The chosen areas (a :class:`tambon_gis.selection.Selection`, a table with
        ``tambon_code``, or codes); default the store's operation areas only.
    fiscal_year : int, optional

    Returns
    -------
    DataFrame
        ``tambon_code``, ``kind``, ``plan_type``, ``item_no``, ``detail`` and the names.
    """
    areas = set(store.areas()["tambon_code"])
    selected = set(_codes_of(selection)) if selection is not None else set()
    st = plan_status(store, codes=sorted(areas | selected), fiscal_year=fiscal_year)
    rows: list[dict[str, Any]] = []
    for r in frame_rows(st):
        for ptype, (th, _, _) in PLAN_TYPES.items():
            if getattr(r, ptype) != "adopted":
                rows.append({
                    "tambon_code": r.tambon_code, "kind": f"no adopted {ptype} plan",
                    "plan_type": ptype, "item_no": None,
                    "detail": f"{th}: {plan_status_label(getattr(r, ptype))}",
                })  # fmt: skip
        if r.tambon_code in selected and r.development == "none" and r.agricultural == "none":
            rows.append({"tambon_code": r.tambon_code, "kind": "selected without a plan",
                         "plan_type": None, "item_no": None,
                         "detail": "selected, and has no plan of either type"})  # fmt: skip
    items = plan_items(store, fiscal_year=fiscal_year)
    observed = store.read_sql("SELECT DISTINCT tambon_code, indicator_id FROM current")
    have = set(zip(observed["tambon_code"], observed["indicator_id"], strict=True))
    for r in frame_rows(items):
        ids = [x for x in str(r.indicator_ids).split("|") if x]
        if r.issues and not ids:
            issues = str(r.issues).replace("|", ", ")
            rows.append({"tambon_code": r.tambon_code, "kind": "item without KPI",
                         "plan_type": r.plan_type, "item_no": int(r.item_no),
                         "detail": f"{r.activity} ({issues})"})  # fmt: skip
        for ident in ids:
            if (r.tambon_code, ident) not in have:
                rows.append({"tambon_code": r.tambon_code, "kind": "KPI without data",
                             "plan_type": r.plan_type, "item_no": int(r.item_no),
                             "detail": f"{r.activity}: no observation of {ident}"})  # fmt: skip
    chosen = _chosen_plans(store, fiscal_year)
    with_items = set(zip(items["tambon_code"], items["plan_type"], strict=True))
    for r in frame_rows(chosen[chosen["status"] == "adopted"]):
        if (r.tambon_code, r.plan_type) not in with_items:
            rows.append({"tambon_code": r.tambon_code, "kind": "adopted plan without items",
                         "plan_type": r.plan_type, "item_no": None,
                         "detail": f"{r.first_fy}-{r.last_fy}: no item recorded"})  # fmt: skip
    out = pd.DataFrame(rows, columns=["tambon_code", "kind", "plan_type", "item_no", "detail"])
    out["item_no"] = out["item_no"].astype("Int64")
    return _with_names(out, store).drop(columns="all")


def _codes_of(selection: Any, what: str = "selection") -> list[str]:
    codes = getattr(selection, "codes", None)  # a Selection
    if isinstance(codes, list):
        selection = codes
    if isinstance(selection, pd.DataFrame):
        # the CSVs of tambon-gis select head their columns "รหัสตำบล (tambon_code)"
        named = {_BILINGUAL.sub(r"\1", str(c).strip()): c for c in selection.columns}
        if "tambon_code" not in named:
            raise ValidationError(
                f"selection has no tambon_code column (its columns: "
                f"{', '.join(map(str, list(selection.columns)[:8]))}): pass a Selection, a table "
                "with tambon_code (or รหัสตำบล (tambon_code), as tambon-gis select writes it), "
                "or a list of codes"
            )
        if "selected" in named:
            selection = selection[_yes_no(selection[named["selected"]])]
        values: Iterable[Any] = selection[named["tambon_code"]]
    else:
        values = selection
    out = []
    for v in values:
        code = clean_code(v)
        if code is None:
            raise ValidationError(
                f"{what} holds {v!r}, which is not a 6-digit tambon code: give the codes as "
                "550504 (or TH550504), or drop that value"
            )
        out.append(code)
    return out


#: ``"รหัสตำบล (tambon_code)"`` -> ``tambon_code``: the bilingual headers of the library's CSVs.
_BILINGUAL = re.compile(r"^.*\(([a-z_][a-z0-9_]*)\)$")
_YES = {"true", "1", "1.0", "yes", "y", "t", "ใช่", "เลือก"}
_NO = {"false", "0", "0.0", "no", "n", "f", "ไม่ใช่", "ไม่เลือก", "", "nan", "none", "<na>"}


def _yes_no(values: pd.Series) -> pd.Series:
    """Read a ``selected`` column: booleans, or the text a CSV gives back (True/False, ใช่)."""
    if values.dtype == bool:
        return values
    text = values.map(lambda v: str(v).strip().casefold())
    bad = sorted(set(text) - _YES - _NO)
    if bad:
        raise ValidationError(
            f"the selection's selected column holds {bad[0]!r}: expected True/False "
            "(or yes/no, ใช่/ไม่ใช่)"
        )
    return text.isin(_YES)
