"""``tambon-gis match``: match a hand-typed table of tambons and write the report."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``match`` subcommand."""
    p = subparsers.add_parser(
        "match",
        help="find the tambon of every row of a CSV/Excel table and write a match report",
        description=(
            "Read a table (CSV in UTF-8, UTF-8 with BOM, UTF-16 or cp874; or .xlsx), match "
            "every row to a tambon by code or by province/amphoe/tambon names, print the "
            "counts by status and the rows that need attention, and write the report "
            "(.csv or .xlsx). With --gpkg, also join the rows to the boundaries."
        ),
    )
    p.add_argument("table", help="the table: .csv, .txt, .tsv, .xlsx")
    p.add_argument("--province", help="column of province names (default: recognised)")
    p.add_argument("--amphoe", help="column of amphoe/khet names (default: recognised)")
    p.add_argument("--tambon", help="column of tambon/khwaeng names (default: recognised)")
    p.add_argument("--code", help="column of tambon codes (DOPA 6 digits or TH PCODE)")
    p.add_argument("--sheet", help="sheet of a workbook (name or 0-based number)")
    p.add_argument("--header", type=int, help="0-based row of the header (default: found)")
    p.add_argument("--out", required=True, help="report file: .csv or .xlsx")
    p.add_argument(
        "--gpkg", help="also write the rows joined to the boundaries to this GeoPackage"
    )
    p.add_argument(
        "--boundaries", help="boundaries for --gpkg (default: found by load_boundaries)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis match``."""
    from tambon_gis.matching import match_areas
    from tambon_gis.tables import read_table_with_report

    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    table, read = read_table_with_report(args.table, sheet=sheet, header=args.header)
    roles = {"province": args.province, "amphoe": args.amphoe, "tambon": args.tambon}
    roles["code"] = args.code
    from tambon_gis.tables import detect_columns

    found = detect_columns(table)
    roles = {role: col if col is not None else found.get(role) for role, col in roles.items()}
    report = match_areas(table, **roles, read_report=read)
    out = report.export(args.out)
    lines = [repr(report), f"report written: {out}"]
    if args.gpkg:
        from tambon_gis.boundaries import load_boundaries
        from tambon_gis.join import join_attributes

        gdf = join_attributes(report, load_boundaries(args.boundaries, level="tambon"))
        gdf.to_file(args.gpkg, driver="GPKG", layer="matched")
        lines.append(
            f"joined rows written: {args.gpkg} ({int(gdf.geometry.notna().sum()):,} of "
            f"{len(gdf):,} with a geometry)"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
