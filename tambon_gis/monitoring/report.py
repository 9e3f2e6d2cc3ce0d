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
from typing import TYPE_CHECKING, Any

import pandas as pd

from tambon_gis import gazetteer
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

#: Every piece of the report's own text, in Thai and in English (``lang=``).
TEXT: dict[str, dict[str, str]] = {
    "th": {
        "title": "รายงานติดตามตัวชี้วัดร่วม {name} ปีงบประมาณ {fy}",
        "status_as_of": "สถานะ ณ", "areas": "พื้นที่ปฏิบัติการ", "indicators": "ตัวชี้วัด",
        "made": "จัดทำเมื่อ",
        "no_data_note": '"ไม่มีข้อมูล" หมายถึงยังไม่ได้รับรายงาน ไม่ใช่ผลที่ไม่ผ่านเป้าหมาย · '
                        "ตัวชี้วัดแบบผลรวม (sum) เทียบผลสะสมตั้งแต่ต้นปีงบประมาณ"
                        "กับเป้าหมายตามสัดส่วนไตรมาส",
        "thresholds": THRESHOLDS_NOTE,
        "summary": "สรุปสถานะ", "maps": "แผนที่สถานะ",
        "missing_areas": "{n} พื้นที่ไม่มีในชั้นขอบเขต จึงไม่ปรากฏบนแผนที่ (แต่อยู่ในตารางทุกตาราง)",
        "by_quarter": "รายไตรมาส ปีงบประมาณ",
        "changwat": "สรุปรายจังหวัด", "region": "สรุปรายภาค", "programme": "สรุปรายรุ่น/โครงการ",
        "completeness": "ความครบถ้วนของข้อมูล (จำนวนพื้นที่ที่รายงาน)",
        "detail": "รายพื้นที่", "imports": "ไฟล์ที่นำเข้า",
        "col_code": "รหัส", "col_indicator": "ตัวชี้วัด", "col_unit": "หน่วย",
        "col_aggregation": "การรวม", "col_direction": "ทิศทางที่ดี", "col_reporting": "รายงานแล้ว",
        "col_area": "พื้นที่", "col_reporting_of": "รายงานแล้ว/ทั้งหมด",
        "col_value": "ค่าไตรมาสนี้ (value)", "col_ytd_actual": "ผลสะสม (ytd_actual)",
        "col_ytd_target": "เป้าหมายสะสม (ytd_target)",
        "col_fy_target": "เป้าหมายทั้งปี (fy_target)", "col_ratio": "สัดส่วน (ratio)",
        "col_tambon": "ตำบล", "col_amphoe": "อำเภอ", "col_changwat": "จังหวัด",
        "col_trend": "แนวโน้ม", "col_missing": "ไตรมาสที่ขาด", "col_revision": "ฉบับแก้ไขที่",
        "col_status": "สถานะ", "col_file": "ไฟล์", "col_rows": "แถว", "col_added": "เพิ่ม",
        "col_revised": "แก้ไข", "col_unchanged": "ไม่เปลี่ยน", "col_by": "ผู้นำเข้า",
        "col_at": "เวลา",
    },
    "en": {
        "title": "Joint indicator monitoring report {name} FY{fy}",
        "status_as_of": "status as of", "areas": "operation areas", "indicators": "indicators",
        "made": "made",
        "no_data_note": '"no data" means not reported yet, not a result below target · sum '
                        "indicators compare the total since the start of the fiscal year "
                        "with the target due by the end of the quarter",
        "thresholds": "Status: ratio = ytd_actual / ytd_target (inverted when lower is better); "
                      "on track ≥ 0.9, at risk ≥ 0.7, else off track. Sum indicators add up "
                      "from the start of the fiscal year; the others use the quarter's value.",
        "summary": "Status summary,", "maps": "Status maps,",
        "missing_areas": "{n} areas are not in the boundary layer, so not on the maps "
                         "(they are in every table)",
        "by_quarter": "by quarter, FY",
        "changwat": "By province,", "region": "By region,", "programme": "By programme,",
        "completeness": "Completeness (areas reporting)",
        "detail": "By area,", "imports": "Files imported",
        "col_code": "code", "col_indicator": "indicator", "col_unit": "unit",
        "col_aggregation": "aggregation", "col_direction": "better when",
        "col_reporting": "reporting", "col_area": "area", "col_reporting_of": "reporting / areas",
        "col_value": "quarter's value (value)", "col_ytd_actual": "year to date (ytd_actual)",
        "col_ytd_target": "target to date (ytd_target)",
        "col_fy_target": "full-year target (fy_target)", "col_ratio": "ratio",
        "col_tambon": "tambon", "col_amphoe": "district", "col_changwat": "province",
        "col_trend": "trend", "col_missing": "quarters missing", "col_revision": "revision",
        "col_status": "status", "col_file": "file", "col_rows": "rows", "col_added": "added",
        "col_revised": "revised", "col_unchanged": "unchanged", "col_by": "imported by",
        "col_at": "at",
    },
}


def _text(lang: str) -> dict[str, str]:
    """Return the report's text in ``lang`` (``"th"`` or ``"en"``)."""
    if lang not in TEXT:
        raise ValidationError(f"lang={lang!r}: expected 'th' or 'en'")
    return TEXT[lang]


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


def _legend(lang: str = "th") -> str:
    parts = [
        f'<span><span class="swatch" style="background:{v["colour"]}"></span>{esc(v["th"])} '
        f"({esc(k)})</span>"
        if lang == "th"
        else f'<span><span class="swatch" style="background:{v["colour"]}"></span>{esc(k)}</span>'
        for k, v in STATUSES.items()
    ]
    return '<p class="legend">' + "".join(parts) + "</p>"


def html_table(df: pd.DataFrame, columns: dict[str, str], *, numeric: Sequence[str] = (),
               status_col: str | None = None, lang: str = "th") -> str:  # fmt: skip
    """Return ``df`` as an HTML table of ``columns`` (name: heading), numbers right-aligned.

    ``status_col`` adds a last column with the status's swatch, headed and worded in ``lang``.
    """
    head = "".join(f"<th>{esc(label)}</th>" for label in columns.values())
    if status_col:
        head += f"<th>{esc(_text(lang)['col_status'])}</th>"
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
            cells.append(status_cell(r[status_col], th=lang == "th"))
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
        Tambon boundaries (canonical schema); default the outlines the store keeps
        (:meth:`MonitoringStore.set_boundaries`), else :func:`tambon_gis.load_boundaries`.
    indicators : sequence of str, optional
        Indicators to report; default all.
    title : str, optional
        Report title; default from the programme name.
    maps : bool
        Include the interactive status maps and the per-quarter panels.
    lang : {"th", "en"}
        Language of the report: headings, table headings, legend, notes, credit and maps
        (indicator names from the catalogue's ``name_en`` where it has one).

    Returns
    -------
    pathlib.Path
    """
    text = _text(lang)
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
        default_title = text["title"].format(name=name, fy=fiscal_year)
        title = title or " ".join(default_title.split())
        areas = st_obj.areas()
        fy_label, p_label = (fy_period.label, p.label) if lang == "th" else (
            fy_period.label_en, p.label_en)  # fmt: skip
        parts: list[str] = [
            f"<h1>{esc(title)}</h1>",
            f'<p class="note">{esc(fy_label)} ({fy_period.start:%d %b %Y} – '
            f"{fy_period.end:%d %b %Y}) · {text['status_as_of']} {esc(p_label)}"
            + (f" ({esc(p.label_en)})" if lang == "th" else "")
            + f" · {len(areas)} {text['areas']} · {len(ids)} "
            f"{text['indicators']} · {text['made']} "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC</p>",
            _legend(lang),
            f'<p class="note">{esc(_credit(lang))}</p>',
            f'<p class="note">{esc(text["no_data_note"])}</p>',
        ]
        comp = st_obj.completeness(fiscal_year)
        parts += _summary_section(status, comp, ind, p_label, lang)
        if maps:
            parts += _maps_section(st_obj, status, ind, ids, p, fy_period, gdf, lang)
        parts += _rollup_sections(st_obj, status, p, p_label, lang)
        parts += _completeness_section(comp, ids, fy_period, len(areas), lang)
        parts += _detail_section(status, p_label, lang)
        parts += _imports_section(st_obj, lang)
        page = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
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


def _name_column(ind: pd.DataFrame, lang: str) -> pd.Series:
    """Return the indicators' names in ``lang`` (``name_en`` where the catalogue has one)."""
    if lang == "en" and "name_en" in ind.columns:
        en = ind["name_en"]
        return en.where(en.notna() & (en != ""), ind["name_th"])
    return ind["name_th"]


def _summary_section(
    status: StatusTable, comp: pd.DataFrame, ind: pd.DataFrame, p_label: str, lang: str
) -> list[str]:
    """Return the section counting areas per indicator and status, with how many reported."""
    text = _text(lang)
    summary = status.summary()
    period = status.period.code
    comp_now = comp[comp["period"] == period].set_index("indicator_id")
    names = ind.assign(name=_name_column(ind, lang))
    summary = summary.merge(
        names[["indicator_id", "name", "unit", "aggregation", "direction"]], on="indicator_id"
    )
    reporting = {
        str(i): f"{int(r['n_reporting'])}/{int(r['n_areas'])}"
        for i, r in comp_now[["n_reporting", "n_areas"]].iterrows()
    }
    # an indicator without a completeness row is shown as unknown, not as "nan"
    summary["reporting"] = summary["indicator_id"].map(reporting).fillna("–")
    cols = {"indicator_id": text["col_code"], "name": text["col_indicator"],
            "unit": text["col_unit"], "aggregation": text["col_aggregation"],
            "direction": text["col_direction"], "reporting": text["col_reporting"]}  # fmt: skip
    cols.update({s: (v["th"] if lang == "th" else s) for s, v in STATUSES.items()})
    return [f"<h2>{esc(text['summary'])} {esc(p_label)}</h2>",
            html_table(summary, cols, numeric=list(STATUSES), lang=lang)]  # fmt: skip


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
    text = _text(lang)
    p_label = p.label if lang == "th" else p.label_en
    parts = [f"<h2>{esc(text['maps'])} {esc(p_label)}</h2>"]
    if gdf is None:
        gdf = mm.area_layer(store)  # once, for every map of the report: the store's outlines
    missing = mm.missing_areas(store, gdf)  # the maps below log them
    if missing:
        parts.append(
            f'<p class="note">{esc(text["missing_areas"].format(n=len(missing)))}: '
            f"{esc(', '.join(missing))}</p>"
        )
    statuses = {
        q.code: (status if q == p else store.status(q, indicators=list(ids)))
        for q in fy_period.quarters()
    }
    names = dict(zip(ind["indicator_id"], _name_column(ind, lang), strict=True))
    for iid in progress(ids, total=len(ids), desc="report maps"):
        label = str(names[iid])
        # the boundaries given (all of them): the maps draw the country around
        # the areas from them
        m = mm.status_map(store, p, iid, gdf=gdf, status=status, lang=lang)
        parts.append(f"<h3>{esc(label)}</h3>")
        parts.append(map_iframe(m, f"{label} {p_label}"))
        fig = mm.quarter_panels(store, iid, p.fiscal_year, gdf=gdf, lang=lang,
                                statuses=statuses)  # fmt: skip
        parts.append(_figure_img(fig, f"{label} {text['by_quarter']} {p.fiscal_year}"))
    return parts


def _rollup_sections(
    store: MonitoringStore, status: StatusTable, p: Period, p_label: str, lang: str
) -> list[str]:
    """Return the sections of the roll-ups by changwat, region and programme."""
    text = _text(lang)
    parts: list[str] = []
    for level in ("changwat", "region", "programme"):
        r = store.rollup(p, level=level, status=status).to_frame()
        if level == "region":
            # the Thai name and the English one (in English, the English name alone)
            r["label"] = r["group"] + " (" + r["label"] + ")" if lang == "th" else r["label"]
        if level == "changwat" and lang == "en":
            english = gazetteer.changwats().set_index("changwat_code")["changwat_en"]
            r["label"] = r["group"].map(english).fillna(r["label"])
        if lang == "en" and "indicator_en" not in r.columns:
            names = dict(zip(store.indicators()["indicator_id"],
                             _name_column(store.indicators(), lang), strict=True))  # fmt: skip
            r["indicator_th"] = r["indicator_id"].map(names).fillna(r["indicator_th"])
        parts += [
            f"<h2>{esc(text[level])} {esc(p_label)}</h2>",
            html_table(
                r,
                {"label": text["col_area"], "indicator_th": text["col_indicator"],
                 "aggregation": text["col_aggregation"], "reporting": text["col_reporting_of"],
                 "value": text["col_value"], "ytd_actual": text["col_ytd_actual"],
                 "ytd_target": text["col_ytd_target"], "fy_target": text["col_fy_target"],
                 "ratio": text["col_ratio"]},
                numeric=["value", "ytd_actual", "ytd_target", "fy_target", "ratio"],
                status_col="status",
                lang=lang,
            ),
            f'<p class="note">{esc(text["thresholds"])}</p>',
        ]
    return parts


def _completeness_section(
    comp: pd.DataFrame, ids: Sequence[str], fy_period: Period, n_areas: int, lang: str
) -> list[str]:
    """Return the section counting the areas that reported each indicator in each quarter."""
    text = _text(lang)
    wide = comp.pivot(index="indicator_id", columns="period", values="n_reporting")
    wide = wide.reindex(columns=[q.code for q in fy_period.quarters()]).reset_index()
    qcols = {q.code: q.label if lang == "th" else q.label_en for q in fy_period.quarters()}
    for c in qcols:
        wide[c] = wide[c].map(
            lambda v: "–" if v != v else f"{int(v)}/{n_areas} ({int(v) / max(n_areas, 1):.0%})"
        )
    wide = wide[wide["indicator_id"].isin(ids)]
    return [f"<h2>{esc(text['completeness'])}</h2>",
            html_table(wide, {"indicator_id": text["col_indicator"], **qcols})]  # fmt: skip


def _detail_section(status: StatusTable, p_label: str, lang: str) -> list[str]:
    """Return the section of every area and indicator, with trend and missing quarters."""
    text = _text(lang)
    f = status.to_frame()
    f["trend"] = f["trend"].map(lambda t: f"{TREND_ARROWS.get(t, '')} {t}".strip())
    if lang == "en":
        f["amphoe_en"] = f["amphoe_code"].map(
            gazetteer.amphoes().set_index("amphoe_code")["amphoe_en"])
        f["changwat_en"] = f["changwat_code"].map(
            gazetteer.changwats().set_index("changwat_code")["changwat_en"])
        for col in ("tambon", "amphoe", "changwat", "indicator"):
            en = f[f"{col}_en"] if f"{col}_en" in f.columns else None
            if en is not None:
                f[f"{col}_th"] = en.where(en.notna() & (en != ""), f[f"{col}_th"])
    return [
        f"<h2>{esc(text['detail'])} {esc(p_label)}</h2>",
        html_table(
            f,
            {"tambon_code": text["col_code"], "tambon_th": text["col_tambon"],
             "amphoe_th": text["col_amphoe"], "changwat_th": text["col_changwat"],
             "indicator_th": text["col_indicator"], "value": text["col_value"],
             "ytd_actual": text["col_ytd_actual"], "ytd_target": text["col_ytd_target"],
             "fy_target": text["col_fy_target"], "ratio": text["col_ratio"],
             "trend": text["col_trend"], "missing_quarters": text["col_missing"],
             "revision": text["col_revision"]},
            numeric=["value", "ytd_actual", "ytd_target", "fy_target", "ratio",
                     "revision"],
            status_col="status",
            lang=lang,
        ),
    ]  # fmt: skip


def _imports_section(store: MonitoringStore, lang: str = "th") -> list[str]:
    """Return the section listing the files imported (provenance)."""
    text = _text(lang)
    imp = store.imports()
    return [f"<h2>{esc(text['imports'])}</h2>",
            html_table(imp, {"file_name": text["col_file"], "n_rows": text["col_rows"],
                             "n_added": text["col_added"], "n_revised": text["col_revised"],
                             "n_unchanged": text["col_unchanged"], "imported_by": text["col_by"],
                             "imported_at": text["col_at"]},
                       numeric=["n_rows", "n_added", "n_revised", "n_unchanged"])]  # fmt: skip


#: The former names (``write_report`` was the report's private entry point).
write_report = monitoring_report
parse_quarter = as_quarter
_CSS, _esc, _num, _status_cell, _table, _map_iframe = (
    CSS, esc, num, status_cell, html_table, map_iframe
)
