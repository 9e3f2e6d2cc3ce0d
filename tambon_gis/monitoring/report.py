"""The self-contained HTML monitoring report of a fiscal year.

:func:`monitoring_report` (also :func:`tambon_gis.monitoring_report`) writes it. Everything
is inlined in one file: the interactive maps as
offline pages in ``<iframe srcdoc>``, the per-quarter panels as base64 PNG images, and the CSS.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger, progress
from tambon_gis.monitoring import maps as mm
from tambon_gis.monitoring.status import STATUSES, TREND_ARROWS, StatusTable, as_quarter
from tambon_gis.monitoring.store import MonitoringStore
from tambon_gis.periods import Period, fiscal_year_period, quarter

if TYPE_CHECKING:
    import geopandas as gpd

log = get_logger(__name__)

#: The style sheet of the report (and of the policy brief, :mod:`tambon_gis.plans.brief`).
CSS = """
body{font-family:'Sarabun','Noto Sans Thai',Tahoma,sans-serif;margin:1.5em auto;max-width:1200px;
color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em}th{background:#f3f3f3}
td.num{text-align:right}.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #555;
margin-right:.3em;vertical-align:middle}
iframe{width:100%;height:720px;border:1px solid #ccc}
.note{color:#555;font-size:.9em}.legend span{margin-right:1.2em}
img{max-width:100%}
"""


#: How a status follows from the numbers of its row (shown under every roll-up table).
THRESHOLDS_NOTE = (
    "สถานะคำนวณจาก สัดส่วน (ratio) = ผลสะสม (ytd_actual) ÷ เป้าหมายสะสม ณ ไตรมาส (ytd_target) "
    "(กลับด้านเมื่อค่าต่ำดีกว่า): ตามเป้า ≥ 0.9 · เสี่ยง ≥ 0.7 · ต่ำกว่านั้น ไม่ตามเป้า · "
    "ตัวชี้วัดแบบผลรวม (sum) สะสมตั้งแต่ต้นปีงบประมาณ ตัวชี้วัดอื่นใช้ค่าของไตรมาส · "
    "Status: ratio = ytd_actual / ytd_target; on track ≥ 0.9, at risk ≥ 0.7, else off track."
)


def esc(v: Any) -> str:
    """Escape a value for HTML (``None`` is empty)."""
    return html.escape("" if v is None else str(v))


def num(v: Any, digits: int = 0) -> str:
    """Format a number with thousands separators (``–`` for none, NaN or infinity)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    if f != f or f in (float("inf"), float("-inf")):
        return "–"
    return f"{f:,.{digits}f}" if not f.is_integer() or digits else f"{int(f):,}"


def status_cell(status: str, th: bool = True) -> str:
    """Return a table cell with the status's colour swatch and its Thai (or English) text."""
    s = STATUSES[status]
    text = s["th"] if th else status
    return f'<td><span class="swatch" style="background:{s["colour"]}"></span>{esc(text)}</td>'


def _legend() -> str:
    parts = [
        f'<span><span class="swatch" style="background:{v["colour"]}"></span>{esc(v["th"])} '
        f"({esc(k)})</span>"
        for k, v in STATUSES.items()
    ]
    return '<p class="legend">' + "".join(parts) + "</p>"


def html_table(df: pd.DataFrame, columns: dict[str, str], *, numeric: Sequence[str] = (),
               status_col: str | None = None) -> str:  # fmt: skip
    """Return ``df`` as an HTML table of ``columns`` (name: heading), numbers right-aligned."""
    head = "".join(f"<th>{esc(label)}</th>" for label in columns.values())
    if status_col:
        head += "<th>สถานะ</th>"
    body = []
    for r in df.to_dict("records"):
        cells = []
        for col in columns:
            v = r[col]
            if col in numeric:
                digits = 2 if isinstance(v, float) and not float(v).is_integer() else 0
                cells.append(f'<td class="num">{num(v, digits)}</td>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        if status_col:
            cells.append(status_cell(r[status_col]))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def map_iframe(m: Any, title: str) -> str:
    """Return a folium map as an offline page inlined in an ``<iframe srcdoc>``."""
    from tambon_gis import maps

    with tempfile.TemporaryDirectory() as tmp:
        page = maps.save(m, Path(tmp) / "map.html", offline=True).read_text(encoding="utf-8")
    return (
        f'<iframe title="{esc(title)}" srcdoc="{html.escape(page, quote=True)}" '
        'loading="lazy"></iframe>'
    )


def _figure_img(fig: Any, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def _credit(lang: str) -> str:
    from tambon_gis import maps

    return maps.credit(lang=lang)


def _latest_period(store: MonitoringStore, fiscal_year: int) -> Period:
    """Return the latest quarter of a fiscal year with data (the first when there is none)."""
    rows = store.read_sql(
        "SELECT max(quarter) AS q FROM current WHERE fiscal_year = ?", (int(fiscal_year),)
    )
    q = rows["q"].iloc[0] if len(rows) else None
    q = q if q is not None and q == q and q else 1
    return quarter(int(fiscal_year), int(q))


def monitoring_report(
    store: MonitoringStore | str | Path,
    *,
    fiscal_year: int,
    path: str | Path,
    period: str | Period | None = None,
    gdf: gpd.GeoDataFrame | None = None,
    indicators: Sequence[str] | None = None,
    title: str | None = None,
    maps: bool = True,
    lang: str = "th",
) -> Path:
    """Write one self-contained HTML report of a fiscal year (maps and figures inlined).

    Parameters
    ----------
    store : MonitoringStore or path
        The store (a path is opened read-only for the report).
    fiscal_year : int
        BE fiscal year, e.g. 2566.
    path : str or Path
        The HTML file to write.
    period : str or Period, optional
        The quarter the status section is about; default the latest quarter with data.
    gdf : GeoDataFrame, optional
        Tambon boundaries (canonical schema); default :func:`tambon_gis.load_boundaries`.
    indicators : sequence of str, optional
        Indicators to report; default all.
    title : str, optional
        Report title; default from the programme name.
    maps : bool
        Include the interactive status maps and the per-quarter panels.
    lang : {"th", "en"}
        Language of the maps.

    Returns
    -------
    pathlib.Path
    """
    own = not isinstance(store, MonitoringStore)
    st_obj: MonitoringStore = (
        store if isinstance(store, MonitoringStore) else MonitoringStore(store, create=False)
    )
    try:
        fy_period = fiscal_year_period(int(fiscal_year))
        p = _latest_period(st_obj, fiscal_year) if period is None else as_quarter(period)
        if p.fiscal_year != int(fiscal_year):
            raise ValidationError(
                f"period {p.label_en} is not in FY{fiscal_year}: give a quarter of that year"
            )
        ind = st_obj.indicators()
        if indicators is not None:
            ind = ind[ind["indicator_id"].isin(list(indicators))]
        ids = ind["indicator_id"].tolist()
        if not ids:
            raise ValidationError("the store has no indicators to report: add them first")
        status = st_obj.status(p, indicators=ids)
        name = st_obj.meta.get("name", "")
        default_title = f"รายงานติดตามตัวชี้วัดร่วม {name} ปีงบประมาณ {fiscal_year}"
        title = title or default_title.replace("  ", " ")
        areas = st_obj.areas()
        parts: list[str] = [
            f"<h1>{esc(title)}</h1>",
            f'<p class="note">{esc(fy_period.label)} ({fy_period.start:%d %b %Y} – '
            f"{fy_period.end:%d %b %Y}) · สถานะ ณ {esc(p.label)} ({esc(p.label_en)}) · "
            f"{len(areas)} พื้นที่ปฏิบัติการ · {len(ids)} ตัวชี้วัด · จัดทำเมื่อ "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC</p>",
            _legend(),
            f'<p class="note">{esc(_credit(lang))}</p>',
            '<p class="note">"ไม่มีข้อมูล" หมายถึงยังไม่ได้รับรายงาน ไม่ใช่ผลที่ไม่ผ่านเป้าหมาย · '
            "ตัวชี้วัดแบบผลรวม (sum) เทียบผลสะสมตั้งแต่ต้นปีงบประมาณ"
            "กับเป้าหมายตามสัดส่วนไตรมาส</p>",
        ]
        comp = st_obj.completeness(fiscal_year)
        parts += _summary_section(status, comp, ind, p)
        if maps:
            parts += _maps_section(st_obj, status, ind, ids, p, fy_period, gdf, lang)
        parts += _rollup_sections(st_obj, status, p)
        parts += _completeness_section(comp, ids, fy_period, len(areas))
        parts += _detail_section(status, p)
        parts += _imports_section(st_obj)
        page = (
            '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(parts)
            + "</body></html>"
        )
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
        log.info("monitoring_report wrote %s (%s bytes, %s, %d indicators)", out,
                 f"{out.stat().st_size:,}", p.code, len(ids))  # fmt: skip
        return out
    finally:
        if own:
            st_obj.close()


def _summary_section(
    status: StatusTable, comp: pd.DataFrame, ind: pd.DataFrame, p: Period
) -> list[str]:
    """Return the section counting areas per indicator and status, with how many reported."""
    summary = status.summary()
    comp_now = comp[comp["period"] == p.code].set_index("indicator_id")
    summary = summary.merge(
        ind[["indicator_id", "name_th", "unit", "aggregation", "direction"]], on="indicator_id"
    )
    reporting = {
        str(i): f"{int(r['n_reporting'])}/{int(r['n_areas'])}"
        for i, r in comp_now[["n_reporting", "n_areas"]].iterrows()
    }
    # an indicator without a completeness row is shown as unknown, not as "nan"
    summary["reporting"] = summary["indicator_id"].map(reporting).fillna("–")
    cols = {"indicator_id": "รหัส", "name_th": "ตัวชี้วัด", "unit": "หน่วย",
            "aggregation": "การรวม", "direction": "ทิศทางที่ดี",
            "reporting": "รายงานแล้ว"}  # fmt: skip
    cols.update({s: v["th"] for s, v in STATUSES.items()})
    return [f"<h2>สรุปสถานะ {esc(p.label)}</h2>",
            html_table(summary, cols, numeric=list(STATUSES))]  # fmt: skip


def _maps_section(
    store: MonitoringStore,
    status: StatusTable,
    ind: pd.DataFrame,
    ids: Sequence[str],
    p: Period,
    fy_period: Period,
    gdf: gpd.GeoDataFrame | None,
    lang: str,
) -> list[str]:
    """Return the section with the status map of each indicator and its panels per quarter."""
    parts = [f"<h2>แผนที่สถานะ {esc(p.label)}</h2>"]
    if gdf is None:
        from tambon_gis.boundaries import load_boundaries

        gdf = load_boundaries()  # once, for every map of the report
    missing = mm.missing_areas(store, gdf)  # the maps below log them
    if missing:
        parts.append(
            f'<p class="note">{len(missing)} พื้นที่ไม่มีในชั้นขอบเขต จึงไม่ปรากฏบนแผนที่ '
            f"(แต่อยู่ในตารางทุกตาราง): {esc(', '.join(missing))}</p>"
        )
    statuses = {
        q.code: (status if q == p else store.status(q, indicators=list(ids)))
        for q in fy_period.quarters()
    }
    for iid in progress(ids, total=len(ids), desc="report maps"):
        # one cell (indicator ids are unique); pandas-stubs types it as any scalar
        label = cast(str, ind.set_index("indicator_id").loc[iid, "name_th"])
        # the boundaries given (all of them): the maps draw the country around
        # the areas from them
        m = mm.status_map(store, p, iid, gdf=gdf, status=status, lang=lang)
        parts.append(f"<h3>{esc(label)}</h3>")
        parts.append(map_iframe(m, f"{label} {p.label}"))
        fig = mm.quarter_panels(store, iid, p.fiscal_year, gdf=gdf, lang=lang,
                                statuses=statuses)  # fmt: skip
        parts.append(_figure_img(fig, f"{label} รายไตรมาส ปีงบประมาณ {p.fiscal_year}"))
    return parts


def _rollup_sections(store: MonitoringStore, status: StatusTable, p: Period) -> list[str]:
    """Return the sections of the roll-ups by changwat, region and programme."""
    parts: list[str] = []
    for level, heading in (("changwat", "สรุปรายจังหวัด"), ("region", "สรุปรายภาค"),
                           ("programme", "สรุปรายรุ่น/โครงการ")):  # fmt: skip
        r = store.rollup(p, level=level, status=status).to_frame()
        if level == "region":
            r["label"] = r["group"] + " (" + r["label"] + ")"
        parts += [
            f"<h2>{esc(heading)} {esc(p.label)}</h2>",
            html_table(
                r,
                {"label": "พื้นที่", "indicator_th": "ตัวชี้วัด", "aggregation": "การรวม",
                 "reporting": "รายงานแล้ว/ทั้งหมด", "value": "ค่าไตรมาสนี้ (value)",
                 "ytd_actual": "ผลสะสม (ytd_actual)",
                 "ytd_target": "เป้าหมายสะสม (ytd_target)",
                 "fy_target": "เป้าหมายทั้งปี (fy_target)", "ratio": "สัดส่วน (ratio)"},
                numeric=["value", "ytd_actual", "ytd_target", "fy_target", "ratio"],
                status_col="status",
            ),
            f'<p class="note">{esc(THRESHOLDS_NOTE)}</p>',
        ]
    return parts


def _completeness_section(
    comp: pd.DataFrame, ids: Sequence[str], fy_period: Period, n_areas: int
) -> list[str]:
    """Return the section counting the areas that reported each indicator in each quarter."""
    wide = comp.pivot(index="indicator_id", columns="period", values="n_reporting")
    wide = wide.reindex(columns=[q.code for q in fy_period.quarters()]).reset_index()
    qcols = {q.code: f"{q.label}" for q in fy_period.quarters()}
    for c in qcols:
        wide[c] = wide[c].map(lambda v: f"{int(v)}/{n_areas} ({int(v) / max(n_areas, 1):.0%})")
    wide = wide[wide["indicator_id"].isin(ids)]
    return ["<h2>ความครบถ้วนของข้อมูล (จำนวนพื้นที่ที่รายงาน)</h2>",
            html_table(wide, {"indicator_id": "ตัวชี้วัด", **qcols})]  # fmt: skip


def _detail_section(status: StatusTable, p: Period) -> list[str]:
    """Return the section of every area and indicator, with trend and missing quarters."""
    f = status.to_frame()
    f["trend"] = f["trend"].map(lambda t: f"{TREND_ARROWS.get(t, '')} {t}".strip())
    return [
        f"<h2>รายพื้นที่ {esc(p.label)}</h2>",
        html_table(
            f,
            {"tambon_code": "รหัส", "tambon_th": "ตำบล", "amphoe_th": "อำเภอ",
             "changwat_th": "จังหวัด", "indicator_th": "ตัวชี้วัด",
             "value": "ค่าไตรมาสนี้", "ytd_actual": "ผลสะสม", "ytd_target": "เป้าหมายสะสม",
             "fy_target": "เป้าหมายทั้งปี", "ratio": "สัดส่วน",
             "trend": "แนวโน้ม", "missing_quarters": "ไตรมาสที่ขาด",
             "revision": "ฉบับแก้ไขที่"},
            numeric=["value", "ytd_actual", "ytd_target", "fy_target", "ratio",
                     "revision"],
            status_col="status",
        ),
    ]  # fmt: skip


def _imports_section(store: MonitoringStore) -> list[str]:
    """Return the section listing the files imported (provenance)."""
    imp = store.imports()
    return ["<h2>ไฟล์ที่นำเข้า</h2>",
            html_table(imp, {"file_name": "ไฟล์", "n_rows": "แถว", "n_added": "เพิ่ม",
                             "n_revised": "แก้ไข", "n_unchanged": "ไม่เปลี่ยน",
                             "imported_by": "ผู้นำเข้า", "imported_at": "เวลา"},
                       numeric=["n_rows", "n_added", "n_revised", "n_unchanged"])]  # fmt: skip


#: The former names (``write_report`` was the report's private entry point).
write_report = monitoring_report
parse_quarter = as_quarter
_CSS, _esc, _num, _status_cell, _table, _map_iframe = (
    CSS, esc, num, status_cell, html_table, map_iframe
)
