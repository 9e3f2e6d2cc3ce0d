"""Maps of the plan database: plan coverage of the operation areas, and who raises an issue.

Both are offline pages drawn with :func:`tambon_gis.maps.categorical` over the country (the
boundaries given, or :func:`tambon_gis.load_boundaries`), with a legend, the credit line and a
popup per tambon that lists its plan items.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from tambon_gis import maps
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.boundaries import load_boundaries
from tambon_gis.maps.options import resolve_options
from tambon_gis.monitoring import MonitoringStore
from tambon_gis.names import clean_code
from tambon_gis.plans.queries import plan_items, plan_status
from tambon_gis.plans.vocabulary import issue_names, policy_issues
from tambon_gis.vocabulary import PLAN_STATUSES, PLAN_TYPES, plan_status_label, plan_type_label

log = get_logger(__name__)

#: Colours of plan statuses (Okabe–Ito, colour-blind safe; "none" a neutral grey).
STATUS_COLOURS = {
    "adopted": "#009E73",
    "under review": "#56B4E9",
    "drafting": "#E69F00",
    "none": "#BBBBBB",
}
#: Colours of the issue map's three classes.
ISSUE_COLOURS = ("#D55E00", "#56B4E9", "#BBBBBB")


def _money(v: float) -> str:
    return f"{v:,.0f}"


def popups(items: pd.DataFrame, names: dict[str, str], *, lang: str = "th") -> pd.Series:
    """Return, per tambon code, an escaped HTML list of its plan items with issues and budget."""
    out: dict[str, str] = {}
    head = ("แผน", "ข้อ", "กิจกรรม", "ประเด็น", "งบประมาณ (บาท)") if lang == "th" else (
        "Plan", "No.", "Activity", "Issues", "Budget (THB)")  # fmt: skip
    # one pass over the items (a group per tambon costs seconds over thousands of tambons)
    cells: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    cols = ["tambon_code", "plan_type", "first_fy", "last_fy", "item_no", "activity", "issues",
            "budget"]  # fmt: skip
    for code, ptype, first, last, item_no, activity, issues, budget in zip(
        *(items[c].tolist() for c in cols), strict=True
    ):
        code = str(code)
        counts[code] = counts.get(code, 0) + 1
        if counts[code] > 12:
            continue
        raised = ", ".join(names.get(i, i) for i in str(issues).split("|") if i)
        cells.setdefault(code, []).append(
            "<tr>"
            f"<td>{html.escape(plan_type_label(ptype, lang=lang))} "
            f"{first}-{last}</td><td>{int(item_no)}</td>"
            f"<td>{html.escape(str(activity))}</td><td>{html.escape(raised)}</td>"
            f"<td style='text-align:right'>{_money(budget)}</td></tr>"
        )
    for code, rows in cells.items():
        more = counts[code] - 12
        extra = f"<p>… {more} more</p>" if more > 0 else ""
        out[str(code)] = (
            "<div style='font-size:12px;max-width:520px'><table style='border-collapse:collapse'>"
            "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(rows)
            + f"</table>{extra}</div>"
        )
    return pd.Series(out, dtype="object")


def _areas(store: MonitoringStore, codes: Sequence[str], gdf: gpd.GeoDataFrame | None) -> Any:
    if gdf is None:
        gdf = load_boundaries()
    if "tambon_code" not in gdf.columns:
        raise ValidationError(
            "the boundaries have no tambon_code column: pass a tambon layer read with "
            "tambon_gis.load_boundaries(path)"
        )
    if not len(codes):
        raise ValidationError(
            "the store has no plans and no operation areas, so there is nothing to map: import "
            "the plans first (tambon_gis.plans.import_plans, or tambon-gis plans import STORE "
            "FILE)"
        )
    if not pd.api.types.is_string_dtype(gdf["tambon_code"]) or gdf["tambon_code"].map(
        lambda v: not isinstance(v, str)
    ).any():  # codes typed as numbers (550504) or TH550504: read as the store keeps them
        gdf = gdf.assign(tambon_code=gdf["tambon_code"].map(lambda v: clean_code(v) or ""))
    frame = gdf[gdf["tambon_code"].isin(set(codes))].copy()
    missing = sorted(set(codes) - set(frame["tambon_code"]))
    if missing:
        log.warning("%d tambon(s) with plans are not in the boundary layer and are not drawn: "
                    "%s (they stay in every table)", len(missing), missing[:10])  # fmt: skip
    context = gdf if len(gdf) > len(frame) else "auto"
    return frame.sort_values("tambon_code").reset_index(drop=True), context, missing


def plan_map(
    store: MonitoringStore,
    *,
    plan_type: str = "agricultural",
    gdf: gpd.GeoDataFrame | None = None,
    fiscal_year: int | None = None,
    options: maps.MapOptions | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> Any:
    """Map the status of one plan type in the operation areas and every tambon with a plan.

    Parameters
    ----------
    store : MonitoringStore
    plan_type : {"agricultural", "development"}
    gdf : GeoDataFrame, optional
        Tambon boundaries; default :func:`tambon_gis.load_boundaries`. Tambons outside the
        map's areas are drawn as the country around them.
    fiscal_year : int, optional
        Only plans covering this year.
    options : MapOptions, optional
        The presentation (:class:`tambon_gis.maps.MapOptions`); the fields left at their
        default take this map's own choices (title, legend title, tooltip, the country around).
    lang, title : optional
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly (``None``: the
        option's).

    Returns
    -------
    folium.Map
    """
    opts = resolve_options(options, fn="plan_map", none_unset=True, lang=lang, title=title)
    lang = opts.lang
    if plan_type not in PLAN_TYPES:
        raise ValidationError(f"plan_type={plan_type!r}: expected one of {list(PLAN_TYPES)}")
    st = plan_status(store, fiscal_year=fiscal_year)
    frame, context, _ = _areas(store, st["tambon_code"].tolist(), gdf)
    status = st.set_index("tambon_code")[plan_type]
    frame["status"] = frame["tambon_code"].map(status).map(
        lambda s: plan_status_label(s, lang=lang)
    )
    names = issue_names(store, lang=lang)
    items = plan_items(store, plan_type=plan_type, fiscal_year=fiscal_year)
    frame["popup"] = frame["tambon_code"].map(popups(items, names, lang=lang))
    op = set(store.areas()["tambon_code"])
    yes, no = ("ใช่", "ไม่ใช่") if lang == "th" else ("yes", "no")
    area_col = "พื้นที่ปฏิบัติการ" if lang == "th" else "operation area"
    frame[area_col] = frame["tambon_code"].map(lambda c: yes if c in op else no)
    cats = [plan_status_label(s, lang=lang) for s in PLAN_STATUSES if s != "none"]
    cats.append(plan_status_label("none", lang=lang))
    colours = {plan_status_label(s, lang=lang): c for s, c in STATUS_COLOURS.items()}
    label = plan_type_label(plan_type, lang=lang)
    default = f"สถานะ{label}" if lang == "th" else f"{label}: status"
    opts = opts.filled(
        tooltip=["status", area_col], title=default, context=context,
        legend_title="สถานะแผน" if lang == "th" else "Plan status",
    )
    m = maps.categorical(
        frame, "status", categories=cats, colors=colours, popup_html="popup", name=label,
        options=opts,
    )
    log.info("plan_map returned a map of %s plans in %d tambons", plan_type, len(frame))
    return m


def issue_classes(lang: str = "th") -> list[str]:
    """Return the three classes of an issue map, in legend order."""
    if lang == "th":
        return ["แผนระบุประเด็นนี้", "มีแผน แต่ไม่ระบุประเด็นนี้", "ยังไม่มีรายการในแผน"]
    return ["plan raises the issue", "plan without this issue", "no plan items"]


def issue_map(
    store: MonitoringStore,
    issue: str,
    *,
    gdf: gpd.GeoDataFrame | None = None,
    fiscal_year: int | None = None,
    options: maps.MapOptions | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> Any:
    """Map the tambons whose plans raise one policy issue, among all tambons with plans.

    Parameters
    ----------
    store : MonitoringStore
    issue : str
        A policy issue id of the store's vocabulary (e.g. ``"food_security"``).
    gdf, fiscal_year, options, lang, title
        As in :func:`plan_map`.

    Returns
    -------
    folium.Map
    """
    opts = resolve_options(options, fn="issue_map", none_unset=True, lang=lang, title=title)
    lang = opts.lang
    known = policy_issues(store)["issue_id"].tolist()
    if issue not in known:
        raise ValidationError(f"issue={issue!r} is not in the store's vocabulary ({known})")
    st = plan_status(store, fiscal_year=fiscal_year)
    frame, context, _ = _areas(store, st["tambon_code"].tolist(), gdf)
    items = plan_items(store, fiscal_year=fiscal_year)
    raising = items[items["issues"].map(lambda s: issue in str(s).split("|"))]
    classes = issue_classes(lang)
    with_items, raises = set(items["tambon_code"]), set(raising["tambon_code"])
    frame["issue"] = [
        classes[0] if c in raises else classes[1] if c in with_items
        else classes[2]
        for c in frame["tambon_code"]
    ]  # fmt: skip
    budget = raising.groupby("tambon_code")["budget"].sum()
    money = "งบประมาณประเด็นนี้ (บาท)" if lang == "th" else "budget for this issue (THB)"
    frame[money] = frame["tambon_code"].map(budget).fillna(0.0)
    names = issue_names(store, lang=lang)
    frame["popup"] = frame["tambon_code"].map(popups(raising, names, lang=lang))
    name = names[issue]
    opts = opts.filled(tooltip=["issue", money], title=name, legend_title=name, context=context)
    m = maps.categorical(
        frame, "issue", categories=classes, colors=dict(zip(classes, ISSUE_COLOURS, strict=True)),
        popup_html="popup", name=name, options=opts,
    )  # fmt: skip
    log.info("issue_map returned a map of %s: %d of %d tambons raise it", issue,
             raising["tambon_code"].nunique(), len(frame))  # fmt: skip
    return m
