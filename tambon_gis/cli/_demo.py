"""``tambon-gis demo``: the README's main job, from the example pilot table to maps in out/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tambon_gis.datasets import example_path

#: The folder of the example programme (examples/ in a checkout, inside the package from a
#: wheel): the one place that says where the examples are.
EXAMPLES = example_path()

#: The example pilot table.
PILOT_TABLE = example_path("pilot_tambons.csv")

#: The national candidate table and criteria of the selection step.
CANDIDATES = EXAMPLES / "candidates.csv"
CRITERIA = EXAMPLES / "criteria_joint_plans.yaml"
#: The adopted agricultural plans of the candidates, whose plan facts the criteria read.
CANDIDATE_PLANS = EXAMPLES / "plans" / "candidate_plans.csv"

#: The monitoring programme: set-up files and the KPI files of FY2566, in import order.
MONITORING = EXAMPLES / "monitoring"
KPI_FILES = ("kpi_q1_2566.csv", "kpi_q2_2566.csv", "kpi_q2_2566_correction.csv",
             "kpi_q3_2566.csv", "kpi_q4_2566.csv")

#: The illustrative plans of the example programme (one row per plan item, typed by hand).
PLANS_FILE = EXAMPLES / "plans" / "tambon_plans_2566.csv"

#: Columns of the pilot table that only say where a row is (matched, so not shown in popups).
_LOCATION_COLUMNS = ("ลำดับ", "รหัสตำบล", "จังหวัด", "อำเภอ", "ตำบล")


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser(
        "demo",
        help="build the national overview map and the pilot map from the example table",
        description=(
            "Match the example pilot table (examples/pilot_tambons.csv) to the boundaries and "
            "write, in the output folder, the national overview map (tambons by region, the "
            "pilots outlined), the map of the pilot tambons with their attributes (offline "
            "HTML pages), a static PNG of the pilots, and the match report; then choose 23 "
            "joint operation areas from the national candidate table (selection.html, "
            "ranked.csv) and monitor the example programme over FY2566 "
            "(monitoring_report.html), with the tambon plans and their policy issues "
            "(policy_brief.html). All example data is illustrative. Prints the paths."
        ),
    )
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--table", default=str(PILOT_TABLE), help="pilot table (default: the example)")
    p.add_argument("--boundaries", help="boundary file (default: found by load_boundaries)")
    p.add_argument("--lang", choices=("th", "en"), default="th", help="language (default th)")
    p.epilog = "example: tambon-gis demo --out out"
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis demo``."""
    from tambon_gis import maps, static
    from tambon_gis._logging import get_logger
    from tambon_gis.boundaries import load_boundaries_with_report
    from tambon_gis.join import attach_columns, join_attributes_with_report

    log = get_logger("tambon_gis.cli.demo")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gdf, loaded = load_boundaries_with_report(args.boundaries)
    _say_boundaries(gdf, loaded.source)
    joined, report = join_attributes_with_report(args.table, gdf)
    report_path = report.export(out / "pilot_match_report.csv")
    pilots = attach_columns(gdf, joined)
    codes = joined.loc[joined["in_boundaries"].fillna(False).astype(bool), "tambon_code"]
    codes = sorted(set(codes.astype(str)))
    lead = "หน่วยงานนำ" if "หน่วยงานนำ" in pilots.columns else None
    attributes = [c for c in joined.columns if c in pilots.columns and c not in gdf.columns
                  and c not in _LOCATION_COLUMNS]
    lang = args.lang

    # 1. national overview: every tambon by region, the pilots outlined, pilots per region
    en = lang == "en"
    overview = maps.categorical(
        gdf, "region_en" if en else "region", highlight=codes, lang=lang,
        highlight_label="Pilot tambons" if en else "ตำบลนำร่อง",
        title="National overview: pilot tambons by region" if en
        else "ภาพรวมประเทศ: ตำบลนำร่องตามภาค",
        legend_title="Region" if en else "ภาค", name="Region" if en else "ภาค",
    )
    per_region = (
        joined.loc[joined["tambon_code"].astype(str).isin(codes)]
        .groupby("region", dropna=False).size().rename("ตำบลนำร่อง").reset_index()
        .rename(columns={"region": "ภาค"})
    )
    maps.add_panel(overview, per_region,
                   title=f"{len(codes)} pilot tambons" if en else f"ตำบลนำร่อง {len(codes)} แห่ง",
                   position="bottomleft")
    overview_path = maps.save(overview, out / "national_overview.html")

    # 2. the pilot tambons with their attributes (popups), coloured by lead agency
    column = lead or attributes[0]
    popup = [c for c in attributes if c != column]  # the mapped column is shown already
    # a pilot with a blank cell is "not given", never the label of the non-pilots
    blank = "(not given)" if en else "(ไม่ระบุ)"
    is_pilot = pilots["tambon_code"].astype(str).isin(codes)
    pilots[column] = pilots[column].where(~(is_pilot & pilots[column].isna()), blank)
    not_pilot = "Not a pilot tambon" if en else "ไม่ใช่ตำบลนำร่อง"
    legend = "Lead agency" if en and column == "หน่วยงานนำ" else column
    # one presentation for the page and the figure
    options = maps.MapOptions(lang=lang, nodata_label=not_pilot, legend_title=legend)
    pilot_map = maps.categorical(
        pilots, column, popup=popup, highlight=codes, options=options,
        highlight_label="Pilot tambons" if en else "ตำบลนำร่อง",
        title="Pilot tambons and their attributes" if en else "ตำบลนำร่องและข้อมูลประกอบ",
        colors=_lead_colours(pilots, column),
    )
    pilot_path = maps.save(pilot_map, out / "pilot_tambons.html")
    png_path = out / "pilot_tambons.png"
    static.plot_map(pilots, column, kind="categorical", options=options,
                    title="Pilot tambons (lead agency)" if en else "ตำบลนำร่อง (หน่วยงานนำ)",
                    outlines=("changwat",), highlight=codes, path=png_path, dpi=150,
                    highlight_label="Pilot tambons" if en else "ตำบลนำร่อง",
                    colors=_lead_colours(pilots, column))
    written = [overview_path, pilot_path, png_path, report_path]
    written += _select(gdf, out, lang=lang)
    written += _monitor(gdf, out, lang=lang)
    log.info("demo wrote %s", ", ".join(str(p) for p in written))
    sys.stderr.write(repr(report) + "\n")
    sys.stdout.write("\n".join(str(p) for p in written) + "\n")
    return 0


def _say_boundaries(gdf: Any, source: str) -> None:
    """Print which boundary layer the demo uses (and how to get full resolution)."""
    from tambon_gis import datasets
    from tambon_gis.boundaries import is_embedded

    if is_embedded(gdf):
        sys.stderr.write(f"boundaries: {datasets.embedded_summary()}\n")
    else:
        sys.stderr.write(f"boundaries: {source}\n")


#: Colours of the lead agencies, told apart at a glance (Okabe-Ito).
LEAD_COLOURS = {"พอช.": "#0072B2", "สภาเกษตรกรฯ": "#E69F00", "ร่วม": "#009E73"}


def _lead_colours(pilots: Any, column: str) -> dict[str, str] | None:
    values = set(pilots[column].dropna().astype(str))
    if not values & set(LEAD_COLOURS):
        return None
    extra = ["#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]
    colours = dict(LEAD_COLOURS)
    for v in sorted(values - set(colours)):
        colours[v] = extra[len(colours) - len(LEAD_COLOURS)] if len(colours) < 8 else "#777777"
    return {v: colours[v] for v in values}


def _select(gdf: Any, out: Path, *, lang: str) -> list[Path]:
    """Choose 23 joint operation areas from the national candidate table."""
    from tambon_gis import maps
    from tambon_gis.criteria import load_criteria
    from tambon_gis.selection import select_areas
    from tambon_gis.tables import read_table

    # the candidate table carries the layer's codes: join on them (names are for people)
    cand = read_table(CANDIDATES)
    cand["tambon_code"] = cand["tambon_code"].astype(str)
    attrs = [c for c in cand.columns if c not in ("ตำบล", "อำเภอ", "จังหวัด")]
    table = gdf.merge(cand[attrs], on="tambon_code", how="inner")
    sel = select_areas(table, n=23, score=load_criteria(CRITERIA),
                       quotas={"changwat": {"*": (None, 2)}}, plans=CANDIDATE_PLANS)
    ranked = sel.to_csv(out / "ranked.csv", table="ranked")
    page = maps.save(sel.to_map(lang=lang), out / "selection.html")
    return [page, ranked]


def _monitor(gdf: Any, out: Path, *, lang: str) -> list[Path]:
    """Monitor the example programme over FY2566 and write the report."""
    from tambon_gis import plans
    from tambon_gis.monitoring import monitoring_report, open_store

    store_path = out / "monitoring.sqlite"
    if store_path.exists():
        store_path.unlink()  # the demo rebuilds the store from the example files
    with open_store(store_path, name="ตัวอย่าง (illustrative)", fiscal_years=(2566, 2566)) as st:
        st.set_areas(MONITORING / "areas.csv")
        st.set_indicators(MONITORING / "indicators.csv")
        st.set_targets(MONITORING / "targets.csv")
        for name in KPI_FILES:
            st.import_file(MONITORING / name)
        report = monitoring_report(st, fiscal_year=2566, path=out / "monitoring_report.html",
                                   gdf=gdf, lang=lang)
        plans.import_plans(st, PLANS_FILE)
        brief = plans.policy_brief(st, out / "policy_brief.html", gdf=gdf)
    return [report, brief, store_path]
