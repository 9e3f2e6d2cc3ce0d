"""The policy brief: one self-contained HTML page of the policy issues raised by tambon plans.

For each issue: a map of the tambons raising it, roll-ups by region and province (tambons,
items, budget), example items quoted from the plans, and the status of the KPIs the items
serve — the material provincial councils carry to the national assembly. Chrome is bilingual
(Thai first), the maps are offline pages inlined as ``<iframe srcdoc>``, and nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from tambon_gis import maps
from tambon_gis._errors import ValidationError
from tambon_gis._frames import rows
from tambon_gis._logging import get_logger, progress
from tambon_gis.boundaries import load_boundaries
from tambon_gis.monitoring import STATUSES, MonitoringStore
from tambon_gis.monitoring.report import CSS, esc, html_table, map_iframe, num, status_cell
from tambon_gis.periods import quarter
from tambon_gis.plans.maps import issue_map
from tambon_gis.plans.queries import issue_rollup, plan_coverage, plan_gaps, plan_items, plan_status
from tambon_gis.plans.vocabulary import issue_names, policy_issues, vocabulary_lookup
from tambon_gis.vocabulary import issue_key, plan_type_label

log = get_logger(__name__)

_EXTRA_CSS = """
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ccc;border-left:6px solid #D55E00;padding:.5em .9em;min-width:12em}
.card b{font-size:1.5em;display:block}
blockquote{border-left:4px solid #56B4E9;margin:.6em 0;padding:.3em .8em;background:#f7fbfe}
blockquote .src{color:#555;font-size:.85em;display:block}
.en{color:#555}
"""


#: The gap kinds of :func:`tambon_gis.plans.plan_gaps`, in Thai.
GAP_KINDS_TH = {
    "no adopted development plan": "ยังไม่มีแผนพัฒนาตำบลที่ประกาศใช้",
    "no adopted agricultural plan": "ยังไม่มีแผนพัฒนาเกษตรกรรมระดับตำบลที่ประกาศใช้",
    "selected without a plan": "ได้รับคัดเลือกแต่ยังไม่มีแผน",
    "item without KPI": "รายการในแผนที่ไม่มีตัวชี้วัด",
    "KPI without data": "ตัวชี้วัดของรายการที่ยังไม่มีข้อมูล",
    "adopted plan without items": "แผนที่ประกาศใช้แต่ยังไม่มีรายการ",
}


def _latest_quarter(store: MonitoringStore) -> Any:
    row = store.read_sql(
        "SELECT fiscal_year, quarter FROM current ORDER BY fiscal_year DESC, quarter DESC LIMIT 1"
    )
    if row.empty:
        return None
    fy, q = (int(str(v)) for v in row.iloc[0, :2])
    return quarter(fy, q)


def _kpi_section(store: MonitoringStore, raising: pd.DataFrame, period: Any) -> str:
    ids = sorted({i for s in raising["indicator_ids"] for i in str(s).split("|") if i})
    if not ids:
        return ('<p class="note">ไม่มีรายการใดระบุตัวชี้วัด (No item names a KPI): '
                "เพิ่มรหัสตัวชี้วัดในแผนเพื่อติดตามผล</p>")  # fmt: skip
    if period is None:
        return '<p class="note">ยังไม่มีข้อมูลตัวชี้วัดในฐานข้อมูล (no KPI data yet)</p>'
    st = store.status(period, indicators=ids).to_frame()
    pairs = {(c, i) for c, s in zip(raising["tambon_code"], raising["indicator_ids"], strict=True)
             for i in str(s).split("|") if i}  # fmt: skip
    st = st[[(c, i) in pairs for c, i in zip(st["tambon_code"], st["indicator_id"], strict=True)]]
    rows = []
    for iid, grp in st.groupby("indicator_id", sort=True):
        counts = grp["status"].value_counts()
        rows.append({"indicator_id": iid, "indicator_th": grp["indicator_th"].iloc[0],
                     "n": len(grp), **{s: int(counts.get(s, 0)) for s in STATUSES}})  # fmt: skip
    df = pd.DataFrame(rows)
    cols = {"indicator_id": "รหัส (id)", "indicator_th": "ตัวชี้วัด (KPI)",
            "n": "ตำบลที่เชื่อมโยง (tambons linked)"}  # fmt: skip
    cols.update({s: f"{v['th']} ({s})" for s, v in STATUSES.items()})
    return (
        f"<p>สถานะตัวชี้วัดที่รายการในแผนเชื่อมโยง ณ {esc(period.label)} "
        f'<span class="en">(status of the linked KPIs, {esc(period.label_en)})</span></p>'
        + html_table(df, cols, numeric=["n", *STATUSES])
    )


def _quotes(raising: pd.DataFrame, names: dict[str, str], k: int = 5) -> str:
    top = raising.sort_values(["budget", "tambon_code"], ascending=[False, True]).head(k)
    parts = []
    for r in rows(top):
        where = f"ต.{r.tambon_th} อ.{r.amphoe_th} จ.{r.changwat_th}"
        other = [names.get(i, i) for i in str(r.issues).split("|") if i]
        partners = str(r.partners).replace("|", ", ")
        src = (f"{where} · {plan_type_label(r.plan_type)} {r.first_fy}-{r.last_fy} ข้อ "
               f"{int(r.item_no)} · งบประมาณ {num(r.budget)} บาท"
               + (f" ({r.budget_source})" if r.budget_source else "")
               + (f" · หน่วยงานหลัก {r.lead_agency}" if r.lead_agency else "")
               + (f" · ภาคี {partners}" if partners else "")
               + f" · ประเด็น: {', '.join(other)}")  # fmt: skip
        parts.append(f"<blockquote>“{esc(r.activity)}”<span class='src'>{esc(src)}</span>"
                     "</blockquote>")  # fmt: skip
    return "".join(parts)


def _rollup_table(rollups: dict[str, pd.DataFrame], issue: str, level: str) -> str:
    r = rollups[level]
    r = r[r["issue_id"] == issue].sort_values(["n_tambons", "budget"], ascending=False)
    if level == "region":
        r["label"] = r["group"] + " (" + r["label"] + ")"
    return html_table(
        r,
        {"label": "ภาค (region)" if level == "region" else "จังหวัด (province)",
         "n_tambons": "ตำบล (tambons)", "n_items": "รายการ (items)",
         "budget": "งบประมาณ บาท (budget, THB)"},
        numeric=["n_tambons", "n_items", "budget"],
    )  # fmt: skip


def _head(
    store: MonitoringStore,
    *,
    title: str,
    name: str,
    items: pd.DataFrame,
    raised: pd.DataFrame,
    fiscal_year: int | None,
) -> list[str]:
    """Return the title, the headline numbers, the issues at a glance and the plan coverage."""
    st = plan_status(store, fiscal_year=fiscal_year)
    cards = [
        ("ตำบลที่มีแผน", "tambons with a plan",
         int(((st["development"] != "none") | (st["agricultural"] != "none")).sum())),
        ("รายการในแผน", "plan items", len(items)),
        ("งบประมาณรวม (บาท)", "total budget (THB)", num(items["budget"].sum())),
        ("ประเด็นนโยบาย", "policy issues raised", len(raised)),
    ]  # fmt: skip
    parts = [
        f"<h1>{esc(title)}</h1>",
        '<p class="en">Policy brief: the policy issues raised by tambon development and '
        f"agricultural plans{(' — ' + esc(name)) if name else ''}</p>",
        f'<p class="note">จัดทำเมื่อ (generated) {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · '
        + ("แผนทุกฉบับล่าสุด (latest plans)" if fiscal_year is None
           else f"แผนที่ครอบคลุมปีงบประมาณ {fiscal_year} (plans covering FY{fiscal_year})")
        + f" · {esc(maps.credit(lang='th'))}</p>",
        '<div class="cards">' + "".join(
            f'<div class="card"><b>{esc(v if isinstance(v, str) else f"{v:,}")}</b>'
            f'{esc(th)}<br><span class="en">{esc(en)}</span></div>' for th, en, v in cards
        ) + "</div>",
        "<h2>สรุปประเด็นนโยบาย <span class='en'>/ Issues at a glance</span></h2>",
        html_table(
            raised.assign(name=raised["issue_th"] + " (" + raised["issue_en"] + ")"),
            {"name": "ประเด็น (issue)", "n_tambons": "ตำบล (tambons)",
             "n_items": "รายการ (items)", "budget": "งบประมาณ บาท (budget, THB)"},
            numeric=["n_tambons", "n_items", "budget"],
        ),
    ]
    cov = plan_coverage(store, level="region", fiscal_year=fiscal_year)
    if len(cov):
        cov["label"] = cov["group"].astype(str) + " (" + cov["label"].astype(str) + ")"
        parts += [
            "<h2>ความครอบคลุมของแผนในพื้นที่ปฏิบัติการ <span class='en'>/ Plan coverage of the "
            "operation areas</span></h2>",
            html_table(cov, {"label": "ภาค (region)", "n_areas": "พื้นที่ (areas)",
                         "adopted_development": "มีแผนพัฒนาตำบลที่ประกาศใช้ (adopted development)",
                         "adopted_agricultural": "มีแผนเกษตรที่ประกาศใช้ (adopted agricultural)",
                         "adopted_both": "มีทั้งสองแผน (both)"},
                   numeric=["n_areas", "adopted_development", "adopted_agricultural",
                            "adopted_both"]),
        ]  # fmt: skip
    return parts


def _issue_section(
    store: MonitoringStore,
    issue: str,
    *,
    items: pd.DataFrame,
    rollups: dict[str, pd.DataFrame],
    names: tuple[dict[str, str], dict[str, str]],
    gdf: gpd.GeoDataFrame | None,
    fiscal_year: int | None,
    period: Any,
) -> list[str]:
    """Return one issue's section: map, roll-ups, quoted items and the linked KPIs' status."""
    names_th, names_en = names
    parts: list[str] = []
    raising = items[items["issues"].map(lambda s, i=issue: i in str(s).split("|"))]
    parts.append(f"<h2 id='{esc(issue)}'>{esc(names_th[issue])} <span class='en'>/ "
                 f"{esc(names_en[issue])}</span></h2>")  # fmt: skip
    if raising.empty:
        parts.append('<p class="note">ไม่มีแผนใดระบุประเด็นนี้ (no plan raises this issue)</p>')
        return parts
    parts.append(
        f"<p>{raising['tambon_code'].nunique():,} ตำบลใน "
        f"{raising['changwat_code'].nunique():,} จังหวัด ระบุประเด็นนี้ใน {len(raising):,} "
        f"รายการ งบประมาณรวม {num(raising['budget'].sum())} บาท "
        f"<span class='en'>({raising['tambon_code'].nunique():,} tambons in "
        f"{raising['changwat_code'].nunique():,} provinces, {len(raising):,} items, "
        f"{num(raising['budget'].sum())} THB)</span></p>"
    )
    if gdf is not None:
        m = issue_map(store, issue, gdf=gdf, fiscal_year=fiscal_year, lang="th")
        parts.append(map_iframe(m, f"{names_th[issue]} ({names_en[issue]})"))
    parts += [
        "<h3>รายภาค <span class='en'>/ By region</span></h3>",
        _rollup_table(rollups, issue, "region"),
        "<h3>รายจังหวัด <span class='en'>/ By province</span></h3>",
        _rollup_table(rollups, issue, "changwat"),
        "<h3>ตัวอย่างรายการจากแผน <span class='en'>/ From the plans</span></h3>",
        _quotes(raising, names_th),
        "<h3>ตัวชี้วัดที่เชื่อมโยง <span class='en'>/ Linked KPIs</span></h3>",
        _kpi_section(store, raising, period),
    ]
    return parts


def _gaps_section(store: MonitoringStore, *, fiscal_year: int | None) -> list[str]:
    """Return the gaps between plans, areas and KPIs, and the method note."""
    parts: list[str] = []
    gaps = plan_gaps(store, fiscal_year=fiscal_year)
    gaps["kind"] = gaps["kind"].map(lambda k: f"{GAP_KINDS_TH.get(k, k)} ({k})")
    if len(gaps):
        counts = gaps.groupby("kind").size().rename("n").reset_index()
        parts += [
            "<h2>จุดที่แผน การคัดเลือก และตัวชี้วัดยังไม่สอดคล้อง <span class='en'>/ Gaps between "
            "plans, areas and KPIs</span></h2>",
            html_table(counts, {"kind": "ประเภท (kind)", "n": "จำนวน (count)"}, numeric=["n"]),
            html_table(gaps.head(60), {"tambon_code": "รหัส", "tambon_th": "ตำบล",
                                   "changwat_th": "จังหวัด", "kind": "ประเภท (kind)",
                                   "detail": "รายละเอียด (detail)"}),
        ]  # fmt: skip
        if len(gaps) > 60:
            parts.append(f'<p class="note">… และอีก {len(gaps) - 60} รายการ (plan_gaps())</p>')
    parts.append(
        '<p class="note">นับจากฉบับล่าสุดของแต่ละแผนและรายการ (revisions: the latest of each) · '
        "ตำบลที่ระบุประเด็น = ตำบลที่มีอย่างน้อยหนึ่งรายการในแผนระบุประเด็นนั้น · "
        + "สถานะตัวชี้วัด: " + " ".join(status_cell(s).replace("<td>", "").replace("</td>", "")
                                        for s in STATUSES) + "</p>"
    )
    return parts


def policy_brief(
    store: MonitoringStore,
    path: str | Path,
    *,
    issues: Sequence[str] | None = None,
    gdf: gpd.GeoDataFrame | None = None,
    fiscal_year: int | None = None,
    title: str | None = None,
    include_maps: bool = True,
) -> Path:
    """Write the policy brief of the store's plans as one self-contained HTML page.

    Parameters
    ----------
    store : MonitoringStore
    path : str or Path
        The HTML file to write.
    issues : sequence of str, optional
        Issue ids to cover, in order; default every issue some plan raises, most tambons
        first.
    gdf : GeoDataFrame, optional
        Tambon boundaries for the maps; default :func:`tambon_gis.load_boundaries` (the
        embedded layer works offline).
    fiscal_year : int, optional
        Plans covering this year, and that year's budgets; default the latest plans.
    title : str, optional
    include_maps : bool
        Include the interactive map of each issue.

    Returns
    -------
    pathlib.Path
    """
    out = Path(path)
    if out.is_dir():
        raise ValidationError(
            f"path={str(path)!r} is a folder: give the HTML file to write, e.g. "
            f"{str(out / 'policy_brief.html')!r}"
        )
    if isinstance(issues, str):  # one issue id, not its letters
        issues = [issues]
    known = policy_issues(store)
    names_th = issue_names(store, lang="th")
    names_en = issue_names(store, lang="en")
    items = plan_items(store, fiscal_year=fiscal_year)
    raised = issue_rollup(store, level="all", fiscal_year=fiscal_year)
    if issues is None:
        order = raised.sort_values(["n_tambons", "budget"], ascending=False)["issue_id"].tolist()
    else:
        # an id, or any name or alias of the vocabulary (อาหาร, Food security)
        lookup, _ = vocabulary_lookup(store)
        ids = set(known["issue_id"])
        order = [i if i in ids else lookup.get(issue_key(i), i) for i in issues]
        unknown = [i for i in order if i not in ids]
        if unknown:
            raise ValidationError(
                f"issues {unknown} are not in the store's vocabulary "
                f"({', '.join(known['issue_id'])}): use those ids"
            )
    if items.empty and fiscal_year is not None and not plan_items(store).empty:
        raise ValidationError(
            f"no plan of the store covers fiscal_year={fiscal_year!r} (plans are stored by BE "
            "fiscal year, e.g. 2567): give a year of the plans, or leave fiscal_year out to "
            "brief on the latest plans"
        )
    if items.empty:
        raise ValidationError(
            "the store has no plan items to brief on: import the plans first "
            "(tambon_gis.plans.import_plans, or tambon-gis plans import STORE FILE)"
        )
    if include_maps and gdf is None:
        gdf = load_boundaries()
    period = _latest_quarter(store)
    name = store.meta.get("name", "")
    title = title or f"ประเด็นนโยบายจากแผนระดับตำบล {name}".strip()
    parts = _head(store, title=title, name=name, items=items, raised=raised,
                  fiscal_year=fiscal_year)
    # each roll-up reads every item: once per level, not once per issue and level
    rollups = {lv: issue_rollup(store, level=lv, fiscal_year=fiscal_year)
               for lv in ("region", "changwat")} if order else {}  # fmt: skip
    for issue in progress(order, total=len(order), desc="policy brief"):
        parts += _issue_section(
            store, issue, items=items, rollups=rollups, names=(names_th, names_en),
            gdf=gdf if include_maps else None, fiscal_year=fiscal_year, period=period,
        )  # fmt: skip
    parts += _gaps_section(store, fiscal_year=fiscal_year)
    page = (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}{_EXTRA_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    log.info("policy_brief wrote %s (%s bytes, %d issues)", out, f"{out.stat().st_size:,}",
             len(order))  # fmt: skip
    return out

