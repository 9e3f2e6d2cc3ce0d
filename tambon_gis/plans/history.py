"""Every revision of a plan or a plan item: what changed, who recorded it, when, from which file."""

from __future__ import annotations

import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis.monitoring import MonitoringStore
from tambon_gis.names import clean_code
from tambon_gis.vocabulary import PLAN_TYPES, parse_plan_type


def plan_history(
    store: MonitoringStore,
    tambon_code: str,
    *,
    plan_type: str,
    first_fy: int,
    item_no: int | None = None,
) -> pd.DataFrame:
    """Return every revision of one plan (or of one of its items), oldest first.

    Parameters
    ----------
    store : MonitoringStore
    tambon_code : str
        The tambon (any form :func:`tambon_gis.names.clean_code` reads).
    plan_type : {"development", "agricultural"}
        Or its Thai name (แผนพัฒนาตำบล, แผนพัฒนาเกษตรกรรมระดับตำบล).
    first_fy : int
        The plan's first fiscal year (BE).
    item_no : int, optional
        An item of the plan; without it, the plan's own revisions (years and status).

    Returns
    -------
    pandas.DataFrame
        One row per revision: ``revision``, the stored fields (for an item also ``budgets``,
        ``{fiscal year: baht}``), ``recorded_by``, ``recorded_at`` and ``file_name`` (the import
        it came from).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from tambon_gis.monitoring import open_store
    >>> from tambon_gis.plans import import_plans
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> row = {"รหัสตำบล": "550504", "ประเภทแผน": "แผนเกษตรตำบล", "ปีของแผน": "2566-2570",
    ...        "สถานะแผน": "ประกาศใช้แล้ว", "ลำดับ": "1", "กิจกรรม": "ธนาคารเมล็ดพันธุ์",
    ...        "งบประมาณ 2566": "50000"}
    >>> _ = import_plans(store, pd.DataFrame([row]))
    >>> _ = import_plans(store, pd.DataFrame([{**row, "งบประมาณ 2566": "65000"}]))
    >>> h = plan_history(store, "550504", plan_type="agricultural", first_fy=2566, item_no=1)
    >>> h[["revision", "budgets"]].values.tolist()
    [[1, {2566: 50000.0}], [2, {2566: 65000.0}]]
    >>> store.close()
    """
    code = clean_code(tambon_code)
    if code is None:
        raise ValidationError(f"tambon_code={tambon_code!r} is not a 6-digit tambon code")
    ptype = plan_type if plan_type in PLAN_TYPES else parse_plan_type(plan_type)
    if ptype is None:
        raise ValidationError(
            f"plan_type={plan_type!r}: expected one of {list(PLAN_TYPES)} (or the Thai name)"
        )
    key = (code, ptype, int(first_fy))
    if item_no is None:
        df = store.read_sql(
            "SELECT p.revision, p.last_fy, p.status, p.note, p.recorded_by, p.recorded_at, "
            "i.file_name FROM plans AS p LEFT JOIN imports AS i ON i.import_id = p.import_id "
            "WHERE p.tambon_code = ? AND p.plan_type = ? AND p.first_fy = ? ORDER BY p.revision",
            key,
        )
    else:
        df = store.read_sql(
            "SELECT p.item_rev_id, p.revision, p.activity, p.issues, p.lead_agency, p.partners, "
            "p.indicator_ids, p.note, p.recorded_by, p.recorded_at, i.file_name "
            "FROM plan_items AS p LEFT JOIN imports AS i ON i.import_id = p.import_id "
            "WHERE p.tambon_code = ? AND p.plan_type = ? AND p.first_fy = ? AND p.item_no = ? "
            "ORDER BY p.revision",
            (*key, int(item_no)),
        )
        budgets = store.read_sql(
            "SELECT b.item_rev_id, b.fiscal_year, b.amount FROM plan_budgets AS b JOIN plan_items "
            "AS p ON p.item_rev_id = b.item_rev_id WHERE p.tambon_code = ? AND p.plan_type = ? "
            "AND p.first_fy = ? AND p.item_no = ?",
            (*key, int(item_no)),
        )
        per = {
            int(str(k)): dict(
                zip(g["fiscal_year"].astype(int), g["amount"].astype(float), strict=True)
            )
            for k, g in budgets.groupby("item_rev_id")
        }
        df["budgets"] = df["item_rev_id"].map(lambda k: per.get(int(k), {}))
        df = df.drop(columns="item_rev_id")
    if df.empty:
        what = f"item {item_no} of " if item_no is not None else ""
        raise ValidationError(
            f"no {what}{ptype} plan {first_fy} of tambon {code} in the store: check the tambon, "
            "the plan type and its first fiscal year (tambon_gis.plans.plans(store) lists them)"
        )
    df["revision"] = df["revision"].astype("int64")
    return df.reset_index(drop=True)

