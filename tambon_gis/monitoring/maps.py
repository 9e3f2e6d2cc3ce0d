"""Maps of monitoring results: status or value per tambon, a slider over quarters, panels.

:func:`status_map`, :func:`timeslider_map` and :func:`quarter_panels` take the store first;
they are drawn with :mod:`tambon_gis.maps` (interactive, offline) and :mod:`tambon_gis.static`
(figures). :func:`export_gpkg` writes the status of a quarter as a GeoPackage for QGIS. Status
maps colour "no data" grey as a category of its own, never with a failure colour, and always
show the status as text too.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.monitoring.status import STATUSES, StatusTable, as_quarter
from tambon_gis.periods import Period, quarter

if TYPE_CHECKING:
    import geopandas as gpd

    from tambon_gis.maps import MapOptions
    from tambon_gis.monitoring.store import MonitoringStore

log = get_logger(__name__)


def status_categories(lang: str = "th") -> tuple[list[str], dict[str, str]]:
    """Return the status labels in legend order and their colours, in ``lang``."""
    labels = [_status_label(s, lang) for s in STATUSES]
    colours = {_status_label(s, lang): v["colour"] for s, v in STATUSES.items()}
    return labels, colours


def _status_label(status: str, lang: str) -> str:
    return STATUSES[status]["th"] if lang == "th" else status


def area_layer(store: MonitoringStore) -> gpd.GeoDataFrame:
    """Return the layer maps of ``store`` draw when they are given none.

    The outlines the store keeps (:meth:`MonitoringStore.set_boundaries`, e.g. the
    ``area_shapes`` of a shared PostgreSQL store), so every user of the store draws the same
    areas without a boundary file; a store that keeps none draws
    :func:`tambon_gis.load_boundaries`.

    Parameters
    ----------
    store : MonitoringStore

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326 when the outlines are the store's.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> from tambon_gis.monitoring.maps import area_layer
    >>> from shapely.geometry import box
    >>> import geopandas as gpd
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "kpi.sqlite") as s:
    ...     s.set_areas(["320101"])
    ...     _ = s.set_boundaries(gpd.GeoDataFrame(
    ...         {"tambon_code": ["320101"]}, geometry=[box(103.4, 14.8, 103.5, 14.9)], crs=4326))
    ...     area_layer(s)[["tambon_code", "changwat_code"]].to_dict("records")
    [{'tambon_code': '320101', 'changwat_code': '32'}]
    """
    stored = store.boundaries()
    if len(stored):
        log.info("drawing the %d outline(s) kept in the store %s", len(stored), store._name)
        return stored
    from tambon_gis import load_boundaries

    return load_boundaries()


def programme_areas(store: MonitoringStore, gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Return the boundaries of the store's operation areas (logs the ones not in ``gdf``).

    Without ``gdf``, the outlines the store keeps, else :func:`tambon_gis.load_boundaries`
    (:func:`area_layer`). The codes of the areas the layer lacks are :func:`missing_areas`;
    ``attrs["missing_areas"]`` (the same list) is deprecated and goes in the next release.
    """
    if gdf is None:
        gdf = area_layer(store)
    _check_tambon_layer(gdf)
    codes = store.areas()["tambon_code"]
    out = gdf[gdf["tambon_code"].isin(set(codes))].copy()
    missing = sorted(set(codes) - set(out["tambon_code"]))
    if missing:
        log.warning(
            "%d operation area(s) are not in the boundary layer and cannot be drawn: %s "
            "(newer codes than the layer? they stay in every table)",
            len(missing), missing[:10],
        )  # fmt: skip
    out.attrs["missing_areas"] = missing  # deprecated: missing_areas(store, gdf)
    return out.sort_values("tambon_code").reset_index(drop=True)


def missing_areas(store: MonitoringStore, gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the codes of the store's operation areas that the boundary layer lacks, sorted.

    Those areas cannot be drawn on a map of ``gdf`` (:func:`programme_areas` leaves them
    out and logs them); they stay in every table.

    Parameters
    ----------
    store : MonitoringStore
        The store whose operation areas are checked.
    gdf : geopandas.GeoDataFrame
        A tambon layer with a ``tambon_code`` column.

    Returns
    -------
    list of str

    Raises
    ------
    ValidationError
        When ``gdf`` has no ``tambon_code`` column.
    """
    _check_tambon_layer(gdf)
    codes = set(store.areas()["tambon_code"])
    return sorted(codes - set(gdf["tambon_code"]))


def _check_tambon_layer(gdf: gpd.GeoDataFrame) -> None:
    if "tambon_code" not in gdf.columns:
        raise ValidationError(
            "the boundaries have no tambon_code column: pass a tambon layer read with "
            "tambon_gis.load_boundaries(path)"
        )


def _context_of(gdf: gpd.GeoDataFrame | None, areas: gpd.GeoDataFrame) -> Any:
    """Return the context of a map of the areas: the boundaries given when they hold more."""
    if gdf is not None and len(gdf) > len(areas):
        return gdf
    return "auto"


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}"


def bullet_bar(
    actual: float, expected: float, target: float, colour: str, *, width: int = 110
) -> str:
    """Return a small bullet bar.

    A track to 150 % of target, the actual bar and a tick at expected.
    """
    if not (np.isfinite(actual) and np.isfinite(target)) or target <= 0:
        return ""
    top = max(target * 1.5, actual, 1e-9)
    w = round(float(width * min(actual, top) / top))
    x_exp = round(float(width * min(expected, top) / top)) if np.isfinite(expected) else None
    x_tgt = round(float(width * target / top))
    tick = (
        f'<span style="position:absolute;left:{x_exp}px;top:0;width:2px;height:12px;'
        'background:#000" title="expected"></span>'
        if x_exp is not None
        else ""
    )
    return (
        f'<span style="display:inline-block;position:relative;width:{width}px;height:12px;'
        'background:#e6e6e6;vertical-align:middle">'
        f'<span style="position:absolute;left:0;top:3px;width:{w}px;height:6px;'
        f'background:{colour};outline:1px solid #555"></span>'
        f'<span style="position:absolute;left:{x_tgt}px;top:0;width:1px;height:12px;'
        'background:#777" title="target"></span>'
        f"{tick}</span>"
    )


def popup_tables(status: StatusTable, *, lang: str = "th") -> pd.Series:
    """Return, per tambon code, an escaped HTML table of all its indicators in the period."""
    f = status._frame
    rows: dict[str, list[str]] = {}
    r: Any  # a row of the status frame; pandas-stubs types every field as any scalar
    for r in f.itertuples(index=False):
        name = r.indicator_th if lang == "th" else (r.indicator_en or r.indicator_th)
        label = _status_label(r.status, lang)
        swatch = (
            f'<span style="display:inline-block;width:10px;height:10px;background:{r.colour};'
            'border:1px solid #555;margin-right:4px"></span>'
        )
        shown = r.actual if r.aggregation == "sum" else r.value
        bar = bullet_bar(shown, r.expected, r.target, r.colour)
        unit = html.escape(str(r.unit or ""))
        rows.setdefault(r.tambon_code, []).append(
            "<tr>"
            f"<td>{html.escape(str(name))}</td>"
            f"<td style='text-align:right'>{_fmt(r.value)} {unit}</td>"
            f"<td style='text-align:right'>{_fmt(r.actual)}</td>"
            f"<td style='text-align:right'>{_fmt(r.expected)}</td>"
            f"<td style='text-align:right'>{_fmt(r.target)}</td>"
            f"<td>{swatch}{html.escape(label)}</td>"
            f"<td>{bar}</td>"
            "</tr>"
        )
    names = (
        ("ตัวชี้วัด", "ค่าไตรมาสนี้", "ผลสะสม", "เป้าหมายสะสม", "เป้าหมายทั้งปี", "สถานะ",
         "ความก้าวหน้า")
        if lang == "th"
        else ("Indicator", "Quarter value", "YTD actual", "YTD target", "Full-year target",
              "Status", "Progress")
    )
    head = "<tr>" + "".join(f"<th>{n}</th>" for n in names) + "</tr>"
    title = html.escape(status.period.label if lang == "th" else status.period.label_en)
    return pd.Series(
        {
            code: f"<div style='font-size:12px'><b>{title}</b><table style='border-collapse:"
            f"collapse'>{head}{''.join(parts)}</table></div>"
            for code, parts in rows.items()
        }
    )


def _frame_for(
    store: MonitoringStore, status: StatusTable, indicator_id: str, gdf: gpd.GeoDataFrame, lang: str
) -> gpd.GeoDataFrame:
    f = status._frame
    if indicator_id not in set(f["indicator_id"]):
        raise ValidationError(
            f"unknown indicator {indicator_id!r}: expected one of {sorted(set(f['indicator_id']))}"
        )
    one = f[f["indicator_id"] == indicator_id].set_index("tambon_code")
    out = gdf.copy()
    out["status"] = out["tambon_code"].map(one["status"]).map(lambda s: _status_label(s, lang))
    out["value"] = out["tambon_code"].map(one["value"]).astype("float64")
    out["target"] = out["tambon_code"].map(one["target"]).astype("float64")
    out["trend"] = out["tambon_code"].map(one["trend"]).fillna("")
    labels = _NUMBER_LABELS["th" if lang == "th" else "en"]
    for col, src in (("value", "value"), ("ytd_actual", "actual"), ("ytd_target", "expected"),
                     ("fy_target", "target")):
        out[labels[col]] = out["tambon_code"].map(one[src]).astype("float64")
    out["popup"] = out["tambon_code"].map(popup_tables(status, lang=lang))
    return out


#: Tooltip labels of the numbers behind a status.
_NUMBER_LABELS = {
    "th": {"value": "ค่าไตรมาสนี้", "ytd_actual": "ผลสะสม", "ytd_target": "เป้าหมายสะสม",
           "fy_target": "เป้าหมายทั้งปี"},
    "en": {"value": "Quarter value", "ytd_actual": "YTD actual", "ytd_target": "YTD target",
           "fy_target": "Full-year target"},
}

#: The status thresholds, stated beside every status map.
_THRESHOLDS = {
    "th": "สัดส่วน = ผลสะสม ÷ เป้าหมายสะสม: ตามเป้า ≥ 0.9 · เสี่ยง ≥ 0.7 · "
          "ต่ำกว่านั้น ไม่ตามเป้า · ไม่มีข้อมูล = ยังไม่รายงาน",
    "en": "ratio = YTD actual ÷ YTD target: on track ≥ 0.9 · at risk ≥ 0.7 · "
          "below: off track · no data = not reported yet",
}


def _threshold_panel(m: Any, lang: str) -> None:
    from tambon_gis import maps

    key = "th" if lang == "th" else "en"
    maps.add_panel(m, html.escape(_THRESHOLDS[key]), position="bottomleft")


def status_map(
    store: MonitoringStore,
    period: str | Period,
    indicator_id: str,
    *,
    kind: str = "status",
    gdf: gpd.GeoDataFrame | None = None,
    status: StatusTable | None = None,
    options: MapOptions | None = None,
    lang: str | None = None,
    basemap: str | Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """Map one indicator in one quarter: its status (default) or its value.

    Each tambon's popup lists all its indicators for the period with value, target, status and
    a small bullet bar.

    Parameters
    ----------
    store : MonitoringStore
    period : str or Period
        A fiscal quarter.
    indicator_id : str
    kind : {"status", "value"}
    gdf : GeoDataFrame, optional
        Tambon boundaries in the canonical schema; default the outlines the store keeps,
        else :func:`tambon_gis.load_boundaries` (:func:`area_layer`).
    status : StatusTable, optional
        Already computed for the same period.
    options : MapOptions, optional
        The presentation (:class:`tambon_gis.maps.MapOptions`); the fields left at their
        default take this map's own choices (title, legend title, tooltip, the country around).
    lang, basemap, title : optional
        Fields of :class:`~tambon_gis.maps.MapOptions` given directly (``None``: the
        option's; no tiles by default, so the map works offline).

    Returns
    -------
    folium.Map
    """
    from tambon_gis import maps
    from tambon_gis.maps.options import resolve_options

    opts = resolve_options(options, fn="status_map", none_unset=True, lang=lang,
                           basemap=basemap, title=title)
    lang = opts.lang
    if kind not in ("status", "value"):
        raise ValidationError(f"kind={kind!r}: expected 'status' or 'value'")
    st = status if status is not None else store.status(period, indicators=None)
    areas = programme_areas(store, gdf)
    frame = _frame_for(store, st, indicator_id, areas, lang)
    ind = store.indicators().set_index("indicator_id").loc[indicator_id]
    name = ind["name_th"] if lang == "th" else (ind["name_en"] or ind["name_th"])
    label = st.period.label if lang == "th" else st.period.label_en
    opts = opts.filled(title=f"{name} — {label}", context=_context_of(gdf, areas))
    nl = list(_NUMBER_LABELS["th" if lang == "th" else "en"].values())
    if kind == "status":
        cats, colours = status_categories(lang)
        m = maps.categorical(
            frame, "status", categories=cats, colors=colours, popup_html="popup",
            name=str(name), options=opts.filled(
                tooltip=nl, legend_title="สถานะ" if lang == "th" else "Status"),
        )  # fmt: skip
        _threshold_panel(m, lang)
    else:
        k = max(1, min(5, frame["value"].nunique()))
        m = maps.choropleth(
            frame, "value", k=k, popup_html="popup", name=str(name), options=opts.filled(
                tooltip=["status", *nl[1:]], legend_title=f"{name} ({ind['unit']})"),
        )  # fmt: skip
    log.info("status_map returned a %s map of %s for %s, %d areas", kind, indicator_id,
             st.period.code, len(frame))  # fmt: skip
    return m


def quarter_columns(
    store: MonitoringStore,
    indicator_id: str,
    fiscal_year: int,
    gdf: gpd.GeoDataFrame | None,
    *,
    kind: str,
    lang: str,
    statuses: dict[str, StatusTable] | None = None,
) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """Return the areas with one column per quarter (status text or value) and the labels.

    ``statuses`` may hold the status tables of the quarters already computed (by period code).
    """
    areas = programme_areas(store, gdf)
    columns, labels = [], []
    for q in range(1, 5):
        p = quarter(int(fiscal_year), q)
        if statuses is not None and p.code in statuses:
            full = statuses[p.code]._frame
            st = full[full["indicator_id"] == indicator_id].set_index("tambon_code")
        else:
            st = store.status(p, indicators=[indicator_id]).to_frame().set_index("tambon_code")
        col = p.code
        if kind == "status":
            text = {s: _status_label(s, lang) for s in set(st["status"])}
            areas[col] = areas["tambon_code"].map(st["status"]).map(text)
        else:
            areas[col] = areas["tambon_code"].map(st["value"]).astype("float64")
        columns.append(col)
        labels.append(p.label if lang == "th" else p.label_en)
    return areas, columns, labels


def _indicator_name(store: MonitoringStore, indicator_id: str, lang: str) -> str:
    row = store.indicators().set_index("indicator_id").loc[indicator_id]
    if lang != "th" and isinstance(row.get("name_en"), str) and row["name_en"]:
        return str(row["name_en"])
    return str(row["name_th"])


def timeslider_map(
    store: MonitoringStore,
    indicator_id: str,
    fiscal_year: int,
    *,
    kind: str = "status",
    gdf: gpd.GeoDataFrame | None = None,
    options: MapOptions | None = None,
    lang: str | None = None,
    basemap: str | Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """Return a map of one indicator with a slider over the four quarters of a fiscal year.

    ``options``, ``lang``, ``basemap`` and ``title`` work as in :func:`status_map`.
    """
    from tambon_gis import maps
    from tambon_gis.maps.options import resolve_options

    opts = resolve_options(options, fn="timeslider_map", none_unset=True, lang=lang,
                           basemap=basemap, title=title)
    lang = opts.lang
    areas, columns, labels = quarter_columns(
        store, indicator_id, fiscal_year, gdf, kind=kind, lang=lang
    )
    name = _indicator_name(store, indicator_id, lang)
    opts = opts.filled(
        title=(f"{name} — ปีงบประมาณ {fiscal_year}" if lang == "th"
               else f"{name} — FY{fiscal_year}"),
        context=_context_of(gdf, areas),
    )  # fmt: skip
    if kind == "status":
        cats, colours = status_categories(lang)
        m = maps.timeslider(areas, columns, kind="categorical", step_labels=labels,
                            categories=cats, colors=colours, options=opts.filled(
                                legend_title="สถานะ" if lang == "th" else "Status"))  # fmt: skip
        _threshold_panel(m, lang)
    else:
        m = maps.timeslider(areas, columns, kind="numeric", step_labels=labels,
                            options=opts)  # fmt: skip
    log.info("timeslider_map returned a map of %s over FY%s", indicator_id, fiscal_year)
    return m


def quarter_panels(
    store: MonitoringStore,
    indicator_id: str,
    fiscal_year: int,
    *,
    kind: str = "status",
    gdf: gpd.GeoDataFrame | None = None,
    options: MapOptions | None = None,
    lang: str | None = None,
    path: str | Path | None = None,
    statuses: dict[str, StatusTable] | None = None,
) -> Any:
    """Small multiples: one panel per quarter of a fiscal year (a matplotlib Figure).

    ``options`` and ``lang`` work as in :func:`status_map` (the figure's own choices: the
    indicator's name as title, amphoe borders, the country around).
    """
    from tambon_gis import static
    from tambon_gis.maps.options import resolve_options

    opts = resolve_options(options, fn="quarter_panels", none_unset=True, lang=lang)
    lang = opts.lang

    areas, columns, labels = quarter_columns(
        store, indicator_id, fiscal_year, gdf, kind=kind, lang=lang, statuses=statuses
    )
    name = _indicator_name(store, indicator_id, lang)
    opts = opts.filled(title=str(name), outlines=("amphoe",), context=_context_of(gdf, areas))
    if kind == "status":
        cats, colours = status_categories(lang)
        fig = static.small_multiples(
            areas, columns, step_labels=labels, kind="categorical", categories=cats,
            colors=colours, ncols=4, path=path,
            options=opts.filled(legend_title="สถานะ" if lang == "th" else "Status"),
        )  # fmt: skip
    else:
        fig = static.small_multiples(areas, columns, step_labels=labels, kind="numeric",
                                     ncols=4, path=path, options=opts)  # fmt: skip
    log.info("quarter_panels returned a figure of %s over FY%s", indicator_id, fiscal_year)
    return fig


def export_gpkg(
    store: MonitoringStore,
    path: str | Path,
    period: str | Period,
    *,
    gdf: gpd.GeoDataFrame | None = None,
    status: StatusTable | None = None,
) -> Path:
    """Write the operation areas and their status in a quarter as a GeoPackage for QGIS.

    Two layers: ``operation_areas`` (the areas with their programme, lead agency and
    names) and ``status_<period>`` (one row per area; for each indicator its value,
    target, status and Thai status text, as ``<indicator>_value`` etc.). Areas missing
    from the boundary layer are logged and left out of the layers only.

    Parameters
    ----------
    store : MonitoringStore
    path : str or Path
        The ``.gpkg`` file to write (replaced if it exists).
    period : str or Period
        A fiscal quarter.
    gdf : GeoDataFrame, optional
        Tambon boundaries; default the outlines the store keeps, else
        :func:`tambon_gis.load_boundaries` (:func:`area_layer`).
    status : StatusTable, optional
        Already computed for the same quarter.

    Returns
    -------
    pathlib.Path
    """
    p = as_quarter(period)
    st = status if status is not None else store.status(p)
    shapes = programme_areas(store, gdf)[["tambon_code", "geometry"]]
    areas = shapes.merge(store.areas(), on="tambon_code", how="left")
    f = st._frame
    parts = []
    for what in ("value", "target", "status", "status_th"):
        one = f.pivot(index="tambon_code", columns="indicator_id", values=what)
        if what in ("value", "target"):
            one = one.astype("float64")
        one.columns = [f"{ind}_{what}" for ind in one.columns]
        parts.append(one)
    wide = pd.concat(parts, axis=1)
    wide = wide[sorted(wide.columns)].reset_index()
    layer = shapes.merge(areas.drop(columns="geometry"), on="tambon_code").merge(
        wide, on="tambon_code", how="left"
    )
    out = Path(path)
    if out.exists():
        out.unlink()
    areas.to_file(out, layer="operation_areas", driver="GPKG")
    layer.to_file(out, layer=f"status_{p.code}", driver="GPKG")
    log.info("export_gpkg wrote %s with %d areas for %s", out, len(areas), p.code)
    return out
