"""Maps of a selection: scores, the chosen tambons and quotas; the stable core and marginal picks.

:func:`selection_map` draws a :class:`~tambon_gis.selection.Selection` and
:func:`sensitivity_map` a :class:`~tambon_gis.selection.Sensitivity`, both with
:mod:`tambon_gis.maps` (imported on first use: it loads geopandas).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from tambon_gis._errors import SchemaError
from tambon_gis._logging import get_logger
from tambon_gis.gazetteer import changwats
from tambon_gis.regions import REGION_EN
from tambon_gis.selection.labels import _STATUS_TH

if TYPE_CHECKING:
    from collections.abc import Iterable

    import folium

    from tambon_gis.maps import MapOptions
    from tambon_gis.selection.select import Selection
    from tambon_gis.selection.stability import Sensitivity

logger = get_logger(__name__)


_LEVEL_TH = {"region": "ภาค", "changwat": "จังหวัด", "amphoe": "อำเภอ"}


def _name_en(level: str, name: Any) -> Any:
    """Return the English name of a region or changwat named in Thai (else ``name`` itself)."""
    if level == "region":
        return REGION_EN.get(name, name)
    if level == "changwat":
        table = changwats()
        return dict(zip(table["changwat_th"], table["changwat_en"], strict=True)).get(name, name)
    return name


def _fmt_bounds(lo: Any, hi: Any) -> str:
    lo = None if lo is None or pd.isna(lo) or int(lo) == 0 else int(lo)
    hi = None if hi is None or pd.isna(hi) else int(hi)
    if lo is not None and hi is not None:
        return f"{lo}" if lo == hi else f"{lo}–{hi}"
    if lo is not None:
        return f"≥ {lo}"
    return "–" if hi is None else f"≤ {hi}"


_GREY = {"ineligible": "#bdbdbd", "excluded": "#8c8c8c", "no score": "#d9d9d9"}
_SCORE_COLORS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")


def _map_frame(scored: Any, fn: str) -> Any:
    import geopandas as gpd

    if not isinstance(scored, gpd.GeoDataFrame) or scored.geometry.isna().all():
        raise SchemaError(
            f"{fn}() needs geometries: select from a GeoDataFrame (boundaries joined to your "
            "table), not a plain table"
        )
    return scored


def _popup_html(
    df: pd.DataFrame, score_col: str, lang: str, labels: dict[str, str] | None = None,
    skip_zero: frozenset[str] = frozenset(),
) -> list[str]:
    """Return the popups with the score breakdown, one row per criterion.

    ``labels`` maps a contribution column to its criterion's label; a zero of a ``skip_zero``
    column (a yes/no fact such as ``raises_cptpp``) is left out.
    """
    e = html.escape
    labels = labels or {}
    contrib = [c for c in df.columns if str(c).startswith("contrib_")]
    name_col = "tambon_th" if lang == "th" else "tambon_en"
    out = []
    for rec in df.to_dict("records"):
        name = rec.get(name_col) or rec.get("tambon_th") or rec["tambon_code"]
        sc = rec.get(score_col)
        rank = rec.get("rank")
        head = (
            f"<b>{e(str(name))}</b> {e(str(rec['tambon_code']))}<br>"
            f"{e(_STATUS_TH.get(rec['status'], rec['status']) if lang == 'th' else rec['status'])}"
        )
        if sc is not None and not (isinstance(sc, float) and math.isnan(sc)):
            head += f" — {'คะแนน' if lang == 'th' else 'score'} {sc:.3f}"
            if rank is not None and rank is not pd.NA:
                head += f" ({'อันดับ' if lang == 'th' else 'rank'} {int(rank)})"
        rows = "".join(
            f"<tr><td>{e(labels.get(c, str(c)[8:]))}</td><td class='tg-num'>{rec[c]:.3f}</td></tr>"
            for c in contrib
            if rec.get(c) is not None and not (isinstance(rec[c], float) and math.isnan(rec[c]))
            and not (c in skip_zero and rec[c] == 0)
        )
        table = f"<table>{rows}</table>" if rows else ""
        out.append(f"{head}{table}<div>{e(str(rec['why']))}</div>")
    return out


#: Tambons up to this rank get their score breakdown as a popup on the selection map.
_POPUP_RANKS = 150


def _score_classes(
    df: Any, sc: str, *, k: int, th: bool
) -> tuple[np.ndarray, list[str], list[str], dict[str, str]]:
    """Class the candidates by score (``k`` quantile classes) and grey the others.

    The classes are those of every map (:func:`tambon_gis.maps.classify.classify_values`,
    ``scheme="quantiles"``), so a choropleth of the candidates' scores has the same limits.
    Returns the class label of every row, the score class labels (low to high), the grey
    labels present, and the colour of every label.
    """
    from tambon_gis.maps.classify import classify_values

    cand = df["status"].isin(["chosen", "left out"]).to_numpy()
    values = df[sc].to_numpy(dtype=float, na_value=np.nan)
    labels_cls: list[str] = []
    cls = np.full(len(df), "", dtype=object)
    word = "คะแนน" if th else "score"
    if np.isfinite(values[cand]).any():
        idx, edges, vmin = classify_values(
            pd.Series(values[cand]), scheme="quantiles", k=k, bins=None
        )
        if edges[-1] > vmin:
            lowers = [vmin, *edges[:-1]]
            labels_cls = [f"{word} {lo:.3f}–{hi:.3f}" for lo, hi in zip(lowers, edges, strict=True)]
        else:  # one score for every candidate: one class
            labels_cls = [word]
        for i, c in zip(np.flatnonzero(cand), idx, strict=True):
            cls[i] = labels_cls[c] if c >= 0 else ""
    grey_label = {
        s: (f"{_STATUS_TH[s]} ({s})" if th else s) for s in ("ineligible", "excluded", "no score")
    }
    status = df["status"].to_numpy(dtype=object)
    for s_, lab in grey_label.items():
        cls[status == s_] = lab
    present_grey = [grey_label[s_] for s_ in grey_label if (status == s_).any()]
    palette = list(_SCORE_COLORS[-len(labels_cls) :]) if len(labels_cls) <= 6 else None
    if palette is None:
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        cmap = colormaps["YlGnBu"]
        palette = [
            to_hex(cmap(0.1 + 0.85 * i / (len(labels_cls) - 1))) for i in range(len(labels_cls))
        ]
    colors = dict(zip(labels_cls, palette, strict=True))
    colors.update({grey_label[s_]: _GREY[s_] for s_ in grey_label})
    return cls, labels_cls, present_grey, colors


def _add_summary_panels(m: folium.Map, selection: Selection, *, th: bool, opt: str) -> None:
    """Add the panels of the selection's totals and of its counts by region to map ``m``."""
    from tambon_gis import maps

    summary = pd.DataFrame(
        {
            ("รายการ" if th else "item"): (
                ["ตำบลที่เลือก", "ตำบลที่ผ่านเกณฑ์", "คะแนนรวม", "ผลการคำนวณ"]
                if th
                else ["chosen", "eligible", "total score", "solver"]
            ),
            ("ค่า" if th else "value"): [
                f"{selection.n}",
                f"{selection.n_candidates:,}",
                f"{selection.total_score:.3f}",
                opt,
            ],
        }
    )  # fmt: skip
    by = selection.summary_by("region").reset_index()
    by = by[["region" if "region" in by.columns else by.columns[0], "chosen", "candidates"]]
    if th:
        by.columns = ["ภาค", "เลือก", "ผ่านเกณฑ์"]
    else:
        by.columns = ["region", "chosen", "eligible"]
        by["region"] = by["region"].map(lambda r: _name_en("region", r))
    maps.add_panel(m, summary, title="การคัดเลือก (selection)" if th else "Selection")
    maps.add_panel(m, by, title="ตามภาค (by region)" if th else "By region", position="bottomleft")


def _quota_panel(selection: Selection, *, th: bool) -> pd.DataFrame | None:
    """Return the quota panel: bounds, candidates and chosen per group (None without quotas)."""
    q = selection.quota_table()
    if not len(q):
        return None
    rows = []
    levels = cast("Iterable[tuple[str, pd.DataFrame]]", q.groupby("level", sort=False))
    for level, grp in levels:  # the quota table's levels are str
        for _, r in grp[~grp["default"]].iterrows():
            rows.append((level, r["name"], r["min"], r["max"], r["candidates"], r["chosen"]))
        d = grp[grp["default"]]
        if len(d):
            every = f"* ({'ทุก' if th else 'every '}{_LEVEL_TH[level] if th else level}, {len(d)})"
            rows.append(
                (level, every, d["min"].max(), d["max"].max(), int(d["candidates"].sum()),
                 f"≤ {int(d['chosen'].max())}")
            )  # fmt: skip
    panel = pd.DataFrame(
        {
            ("ระดับ" if th else "level"): [_LEVEL_TH[r[0]] if th else r[0] for r in rows],
            ("ชื่อ" if th else "name"): [r[1] if th else _name_en(r[0], r[1]) for r in rows],
            ("โควตา" if th else "quota"): [_fmt_bounds(r[2], r[3]) for r in rows],
            ("ผ่านเกณฑ์" if th else "eligible"): [r[4] for r in rows],
            ("เลือก" if th else "chosen"): [str(r[5]) for r in rows],
        }
    )
    return panel


def selection_map(
    selection: Selection,
    *,
    k: int = 5,
    options: MapOptions | None = None,
    lang: str | None = None,
    title: str | None = None,
    basemap: str | None = None,
    tolerance: float | str | None = None,
) -> folium.Map:
    """Draw the selection: candidates shaded by score, ineligible greyed, the chosen outlined.

    Candidates (eligible, not excluded) are coloured by score class (``k`` quantile classes);
    ineligible, excluded and unscored tambons are grey, with the reason in the tooltip. The
    chosen tambons are outlined (red). Clicking a tambon opens its score breakdown; a side
    panel lists the quotas by region / province with the chosen counts and the solver's
    verdict.

    Parameters
    ----------
    selection : Selection
        The result of :func:`select_areas` on a GeoDataFrame.
    k : int
        Number of score classes.
    options : MapOptions, optional
        The presentation (:class:`tambon_gis.maps.MapOptions`); the fields left at their
        default take this map's own choices (title, legend title, tooltip columns).
    lang, title, basemap, tolerance : optional
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly (``None``: the
        option's); ``lang`` is also the language of the panels.

    Returns
    -------
    folium.Map
        Save it with ``tambon_gis.maps.save(m, "selection.html")``.
    """
    from tambon_gis import maps
    from tambon_gis.maps.options import resolve_options

    opts = resolve_options(options, fn="selection_map", none_unset=True, lang=lang,
                           title=title, basemap=basemap, tolerance=tolerance)
    lang = opts.lang
    scored = _map_frame(selection.scored, "selection_map")
    sc = selection._setup.score_col
    th = lang == "th"
    df = scored.copy()
    cls, labels_cls, present_grey, colors = _score_classes(df, sc, k=k, th=th)
    col = "ชั้นคะแนน" if th else "score class"
    df[col] = pd.array(cls.astype(str), dtype="str")
    disp = {
        sc: "คะแนน (score)" if th else "score",
        "rank": "อันดับ (rank)" if th else "rank",
        "why": "เหตุผล (why)" if th else "why",
    }
    for src, dst in disp.items():
        df[dst] = df[src]
    opts = opts.filled(
        tooltip=[disp[sc], disp["rank"], disp["why"]],
        title=f"พื้นที่ที่เลือก {selection.n} ตำบล" if th else f"{selection.n} tambons chosen",
        legend_title=col,
    )
    # the score breakdown of the chosen and the best-ranked others (the rest show their
    # tooltip on click): the breakdown of every tambon of the country would weigh megabytes
    ranked = pd.to_numeric(df["rank"], errors="coerce")
    detailed = (df["status"] == "chosen").fillna(False).to_numpy(dtype=bool) | (
        ranked <= _POPUP_RANKS).fillna(False).to_numpy(dtype=bool)
    df["_popup"] = None
    if detailed.any():
        crits = selection.criteria.criteria if selection.criteria is not None else ()
        labels = {c.contribution_column: c.label or c.column for c in crits}
        yes_no = frozenset(
            c.contribution_column for c in crits
            if c.column in df.columns and pd.api.types.is_bool_dtype(df[c.column])
        )  # fmt: skip
        df.loc[detailed, "_popup"] = _popup_html(df[detailed], sc, lang, labels, yes_no)
    if selection.proven_optimal:
        opt = "พิสูจน์แล้วว่าเหมาะที่สุด" if th else "proven optimal"
    else:
        verdict = "ยังไม่พิสูจน์ว่าเหมาะที่สุด" if th else "not proven optimal"
        opt = f"{verdict} (gap {selection.mip_gap:.3g})"
    m = maps.categorical(
        df,
        col,
        categories=labels_cls[::-1] + present_grey,
        colors=colors,
        popup_html="_popup",
        highlight=selection.codes,
        highlight_label="ตำบลที่เลือก" if th else "chosen tambons",
        name="selection",
        options=opts,
    )
    _add_summary_panels(m, selection, th=th, opt=opt)
    panel = _quota_panel(selection, th=th)
    if panel is not None:
        maps.add_panel(m, panel, title="โควตา (quotas)" if th else "Quotas", position="topright")
    logger.info(
        "selection_map returned a map of %s tambons, %d chosen outlined",
        f"{len(df):,}",
        selection.n,
    )
    return m


def sensitivity_map(
    sens: Sensitivity,
    *,
    options: MapOptions | None = None,
    lang: str | None = None,
    title: str | None = None,
    basemap: str | None = None,
    tolerance: float | str | None = None,
) -> folium.Map:
    """Map the stable core and the marginal picks of a :class:`Sensitivity`.

    Tambons chosen in at least ``core`` of the draws are dark green, marginal picks orange,
    the other candidates pale and ineligible ones grey; the base selection is outlined; a panel
    lists the core and the marginal picks with their frequencies.

    Parameters
    ----------
    sens : Sensitivity
        The result of :func:`sensitivity`.
    options, lang, title, basemap, tolerance
        As in :func:`selection_map`.

    Returns
    -------
    folium.Map
        The map.
    """
    from tambon_gis import maps
    from tambon_gis.maps.options import resolve_options

    opts = resolve_options(options, fn="sensitivity_map", none_unset=True, lang=lang,
                           title=title, basemap=basemap, tolerance=tolerance)
    lang = opts.lang
    scored = _map_frame(sens.scored, "sensitivity_map")
    th = lang == "th"
    df = scored.copy()
    freq = sens.frequency.set_index("tambon_code")
    codes = df["tambon_code"].astype(str)
    f = codes.map(freq["frequency"]).astype(float)
    stab = codes.map(freq["stability"])
    lab = {
        "core": "แกนที่มั่นคง (core)" if th else "stable core",
        "marginal": "ตัวเลือกชายขอบ (marginal)" if th else "marginal",
        "never": "ไม่ถูกเลือก (never chosen)" if th else "never chosen",
        "ineligible": "ไม่ผ่านเกณฑ์/ตัดออก (ineligible/excluded)" if th else "ineligible or excluded",
    }
    cand = df["status"].isin(["chosen", "left out"]).to_numpy()
    cls = np.where(cand, lab["never"], lab["ineligible"]).astype(object)
    cls[(stab == "marginal").to_numpy()] = lab["marginal"]
    cls[(stab == "core").to_numpy()] = lab["core"]
    col = "ความมั่นคง" if th else "stability"
    df[col] = pd.array(cls.astype(str), dtype="str")
    fcol = "สัดส่วนที่ถูกเลือก (frequency)" if th else "frequency"
    df[fcol] = f.fillna(0.0).round(3)
    colors = {lab["core"]: "#1b7837", lab["marginal"]: "#f1a340", lab["never"]: "#f7f7f7",
              lab["ineligible"]: "#bdbdbd"}  # fmt: skip
    opts = opts.filled(
        tooltip=[fcol, "why"],
        title=(
            f"ความมั่นคงของการเลือก ({sens.draws:,} รอบ, น้ำหนัก ±{sens.spread:.0%})"
            if th
            else f"Stability over {sens.draws:,} weight draws (±{sens.spread:.0%})"
        ),
        legend_title=col,
    )
    m = maps.categorical(
        df,
        col,
        categories=[lab["core"], lab["marginal"], lab["never"], lab["ineligible"]],
        colors=colors,
        highlight=sens.base.codes,
        highlight_label="ตำบลที่เลือกในชุดหลัก" if th else "the base selection",
        name="sensitivity",
        options=opts,
    )
    table = sens.frequency
    name_col = "tambon_th" if "tambon_th" in table.columns else "tambon_code"
    panel = pd.DataFrame(
        {
            ("ตำบล" if th else "tambon"): table[name_col],
            ("จังหวัด" if th else "province"): table.get("changwat_th", table["tambon_code"]),
            ("สัดส่วน" if th else "share"): (table["frequency"] * 100)
            .round(0)
            .astype(int)
            .astype(str)
            + "%",
            ("กลุ่ม" if th else "class"): table["stability"],
        }
    )
    maps.add_panel(m, panel.head(40), title="แกน และ ชายขอบ (core and marginal)" if th else
                   "Core and marginal", position="topright")  # fmt: skip
    logger.info(
        "sensitivity_map returned a map: %d core, %d marginal", len(sens.core_codes),
        len(sens.marginal_codes),
    )  # fmt: skip
    return m
