"""``tambon-gis demo``: the README's main job, from the example pilot table to maps in out/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tambon_gis.datasets import example_path

#: The example table shipped with the package (examples/ in a checkout).
PILOT_TABLE = example_path("pilot_tambons.csv")


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser(
        "demo",
        help="build the national overview map and the pilot map from the example table",
        description=(
            "Match the example pilot table (examples/pilot_tambons.csv) to the boundaries and "
            "write, in the output folder, the national overview map (tambons by region, the "
            "pilots outlined), the map of the pilot tambons with their attributes (offline "
            "HTML pages), a static PNG of the pilots, and the match report. Prints the paths."
        ),
    )
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--table", default=str(PILOT_TABLE), help="pilot table (default: the example)")
    p.add_argument("--boundaries", help="boundary file (default: found by load_boundaries)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis demo``."""
    from tambon_gis import maps, static
    from tambon_gis._logging import get_logger
    from tambon_gis.boundaries import load_boundaries
    from tambon_gis.join import join_attributes

    log = get_logger("tambon_gis.cli.demo")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gdf = load_boundaries(args.boundaries) if args.boundaries else load_boundaries()
    _say_boundaries(gdf)
    joined, report = join_attributes(args.table, gdf, return_report=True)
    report_path = report.export(out / "pilot_match_report.csv")
    pilots = maps.attach_columns(gdf, joined)
    codes = joined.loc[joined["in_boundaries"].fillna(False).astype(bool), "tambon_code"]
    codes = sorted(set(codes.astype(str)))
    lead = "หน่วยงานนำ" if "หน่วยงานนำ" in pilots.columns else None
    attributes = [c for c in joined.columns if c in pilots.columns and c not in gdf.columns]

    # 1. national overview: every tambon by region, the pilots outlined, pilots per region
    overview = maps.categorical(
        gdf, "region", highlight=codes, title="ภาพรวมประเทศ: ตำบลนำร่องตามภาค",
        legend_title="ภาค", name="ภาค",
    )
    per_region = (
        joined.loc[joined["tambon_code"].astype(str).isin(codes)]
        .groupby("region", dropna=False).size().rename("ตำบลนำร่อง").reset_index()
        .rename(columns={"region": "ภาค"})
    )
    maps.add_panel(overview, per_region, title=f"ตำบลนำร่อง {len(codes)} แห่ง",
                   position="bottomleft")
    overview_path = maps.save(overview, out / "national_overview.html")

    # 2. the pilot tambons with their attributes (popups), coloured by lead agency
    column = lead or attributes[0]
    popup = [c for c in attributes if c != column]  # the mapped column is shown already
    pilot_map = maps.categorical(
        pilots, column, popup=popup, highlight=codes, title="ตำบลนำร่องและข้อมูลประกอบ",
        nodata_label="ไม่ใช่ตำบลนำร่อง", legend_title=column, labels=True,
    )
    pilot_path = maps.save(pilot_map, out / "pilot_tambons.html")
    png_path = out / "pilot_tambons.png"
    static.plot_map(pilots, column, categorical=True, title="ตำบลนำร่อง (หน่วยงานนำ)",
                    highlight=codes, nodata_label="ไม่ใช่ตำบลนำร่อง", path=png_path, dpi=150)
    log.info("demo wrote %s, %s, %s and %s", overview_path, pilot_path, png_path, report_path)
    sys.stderr.write(repr(report) + "\n")
    sys.stdout.write("\n".join(str(p) for p in (overview_path, pilot_path, png_path,
                                                  report_path)) + "\n")
    return 0


def _say_boundaries(gdf: Any) -> None:
    """Print which boundary layer the demo uses (and how to get full resolution)."""
    from tambon_gis import datasets
    from tambon_gis.boundaries import is_embedded, load_report

    if is_embedded(gdf):
        sys.stderr.write(f"boundaries: {datasets.embedded_summary()}\n")
    else:
        sys.stderr.write(f"boundaries: {load_report(gdf).source}\n")
