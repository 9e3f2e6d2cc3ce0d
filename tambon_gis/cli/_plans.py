"""``tambon-gis plans``: import plan spreadsheets, ask the plan database, write the policy brief."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from tambon_gis._errors import CorruptFileError, DataNotFoundError, ImportRejectedError
from tambon_gis._export import write_csv
from tambon_gis.cli._args import (
    add_boundaries,
    add_csv_out,
    add_fiscal_year,
    add_html_out,
    add_lang,
    add_level,
    add_store,
)


def register(subparsers: Any) -> None:
    """Add the ``plans`` subcommand with ``import``, ``status``, ``issues``, ``gaps``, ..."""
    p = subparsers.add_parser(
        "plans",
        help="tambon development and agricultural plans and their policy issues "
        "(import | status | issues | gaps | vocabulary | add-issues | map | brief)",
        description=(
            "Keep the tambon plans in the monitoring store: import the spreadsheets councils "
            "fill in (one row per plan item, all or nothing), list plan coverage, the policy "
            "issues per area and the gaps, and write the policy brief (one offline HTML page)."
        ),
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    imp = sub.add_parser("import", help="import plan spreadsheets (one row per plan item)",
                         description="Import CSV/Excel plan files, each all or nothing. A "
                         "rejected file stores nothing and its rows are listed with reasons "
                         "(exit code 1); importing the same file again adds nothing.")  # fmt: skip
    add_store(imp, create=True)
    imp.add_argument("files", nargs="+", help="CSV or Excel plan files")
    imp.add_argument("--sheet", help="Excel sheet name or number (default: first visible)")
    imp.add_argument("--recorded-by", help="who recorded the plans (default: the store's user)")
    imp.add_argument("--rejected", help="write the rejected rows with reasons to this CSV")
    imp.add_argument("--matches", help="write how every row's tambon was matched to this CSV")
    imp.epilog = ("example: tambon-gis plans import out/plans.sqlite "
                  "examples/plans/candidate_plans.csv --rejected out/rejected.csv")
    imp.set_defaults(func=run_import)

    st = sub.add_parser("status", help="plan coverage of the operation areas, or per tambon",
                        description="Print which tambons have an adopted plan of each type.")
    add_store(st)
    add_level(st)
    add_fiscal_year(st, help="plans covering this Buddhist Era fiscal year, e.g. 2566")
    add_csv_out(st)
    st.set_defaults(func=run_status)

    iss = sub.add_parser("issues", help="policy issues raised per area: tambons, items, budget")
    add_store(iss)
    add_level(iss)
    add_fiscal_year(iss, help="plans covering this Buddhist Era fiscal year, and its budget")
    add_csv_out(iss)
    iss.set_defaults(func=run_issues)

    gp = sub.add_parser("gaps", help="where plans, the selection and the KPIs disagree")
    add_store(gp)
    gp.add_argument("--selection", help="a CSV of chosen tambons (tambon_code column), e.g. "
                    "ranked.csv of tambon-gis select")  # fmt: skip
    add_fiscal_year(gp)
    add_csv_out(gp)
    gp.set_defaults(func=run_gaps)

    voc = sub.add_parser("vocabulary", help="list the store's policy issues and their aliases")
    add_store(voc)
    voc.set_defaults(func=run_vocabulary)

    add = sub.add_parser("add-issues", help="add policy issues (or aliases) to the vocabulary",
                         description="FILE has columns issue_id, name_th, name_en, aliases "
                         "(several separated by ;).")  # fmt: skip
    add_store(add)
    add.add_argument("file", help="CSV or Excel file of issues")
    add.set_defaults(func=run_add_issues)

    mp = sub.add_parser("map", help="write an offline map of plan status or of one issue")
    add_store(mp)
    add_html_out(mp)
    what = mp.add_mutually_exclusive_group()
    what.add_argument("--plan-type", choices=["agricultural", "development"],
                      default="agricultural", help="map this plan type's status (default)")
    what.add_argument("--issue", help="map the tambons raising this policy issue id")
    add_boundaries(mp)
    add_fiscal_year(mp)
    add_lang(mp, what="the map")
    mp.set_defaults(func=run_map)

    br = sub.add_parser("brief", help="write the policy brief (one self-contained HTML page)")
    add_store(br)
    add_html_out(br)
    br.add_argument("--issue", action="append",
                    help="issue to cover: an id or a name, e.g. food_security or อาหาร (repeat; "
                    "default all)")
    add_boundaries(br)
    add_fiscal_year(br)
    br.add_argument("--no-maps", action="store_true", help="tables only")
    br.set_defaults(func=run_brief)


def _print(table: pd.DataFrame, out: str | None) -> None:
    with pd.option_context("display.width", 200, "display.max_rows", 500,
                           "display.max_columns", 20):  # fmt: skip
        sys.stdout.write(table.to_string(index=False) + "\n")
    if out:
        write_csv(table, out)
        sys.stdout.write(f"written: {out}\n")


def _open(store: str, *, create: bool = False) -> Any:
    """Open the store; an SQLite file that exists and is not a store is refused, never changed.

    (Opening writes the store's tables into the file: a foreign SQLite database given by
    mistake would become a half store, and ``plans status`` would print an empty table.)
    """
    from tambon_gis.monitoring import open_store

    path = Path(store)
    if "://" not in store and path.is_file() and path.stat().st_size > 0:
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            finally:
                con.close()
        except sqlite3.DatabaseError:
            tables = None  # not SQLite, or damaged: open_store names the problem
        if tables is not None and "meta" not in tables:
            raise CorruptFileError(
                f"{store!r} is an SQLite file but not a monitoring store (its tables: "
                f"{', '.join(sorted(tables)) or 'none'}): pass the store file written by "
                "tambon-gis monitor import or tambon-gis plans import; nothing was changed"
            )
    return open_store(store, create=create)


def _boundaries(path: str | None) -> Any:
    if not path:
        return None
    from tambon_gis.boundaries import load_boundaries

    return load_boundaries(path)


def run_import(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans import``."""
    from tambon_gis.cli import for_cli
    from tambon_gis.plans import import_plans

    sheet: int | str | None = int(args.sheet) if str(args.sheet).isdigit() else args.sheet
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:  # before the store is created: a typo leaves no empty store behind
        raise DataNotFoundError(
            f"no plan file {missing[0]!r}"
            + (f" (nor {', '.join(map(repr, missing[1:]))})" if missing[1:] else "")
            + ": check the path; nothing was imported"
        )
    status = 0
    with _open(args.store, create=True) as store:
        for path in args.files:
            report: Any
            try:
                report = import_plans(store, path, sheet=sheet, recorded_by=args.recorded_by)
            except ImportRejectedError as exc:
                report = exc.report
                sys.stderr.write(f"{path}: " + for_cli(report.summary(30)) + "\n")
                if args.rejected:
                    sys.stderr.write(f"rejected rows written to {report.to_csv(args.rejected)}\n")
                status = 1
            else:
                sys.stdout.write(f"{path}: " + report.summary() + "\n")
            match = getattr(report, "match", None)
            if args.matches and match is not None:
                written = match.export(args.matches)
                sys.stdout.write(f"match report written to {written}\n")
    return status


def run_status(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans status``."""
    from tambon_gis.plans import plan_coverage, plan_status

    with _open(args.store) as store:
        if args.level == "tambon":
            table = plan_status(store, fiscal_year=args.fiscal_year)[
                ["tambon_code", "tambon_th", "amphoe_th", "changwat_th", "development",
                 "agricultural", "adopted_both", "operation_area"]
            ]  # fmt: skip
        else:
            table = plan_coverage(store, level=args.level, fiscal_year=args.fiscal_year)
            table = table.assign(share_both=table["share_both"].round(2))
    _print(table, args.out)
    return 0


def run_issues(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans issues``."""
    from tambon_gis.plans import issue_rollup

    with _open(args.store) as store:
        table = issue_rollup(store, level=args.level, fiscal_year=args.fiscal_year)
    _print(table, args.out)
    return 0


def run_gaps(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans gaps``."""
    from tambon_gis.plans import plan_gaps
    from tambon_gis.tables import read_table

    selection = None
    if args.selection:
        selection = read_table(args.selection, dtype_str=True)
    with _open(args.store) as store:
        table = plan_gaps(store, selection=selection, fiscal_year=args.fiscal_year)[
            ["tambon_code", "tambon_th", "changwat_th", "kind", "plan_type", "item_no", "detail"]
        ]
    _print(table, args.out)
    return 0


def run_vocabulary(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans vocabulary``."""
    from tambon_gis.plans import policy_issues

    with _open(args.store) as store:
        table = policy_issues(store)
    table["aliases"] = table["aliases"].map("; ".join)
    _print(table, None)
    return 0


def run_add_issues(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans add-issues``."""
    from tambon_gis.plans import add_policy_issues

    with _open(args.store) as store:
        table = add_policy_issues(store, args.file)
    table["aliases"] = table["aliases"].map("; ".join)
    _print(table, None)
    return 0


def run_map(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans map``."""
    from tambon_gis import maps
    from tambon_gis.plans import issue_map, plan_map

    gdf = _boundaries(args.boundaries)
    with _open(args.store) as store:
        if args.issue:
            m = issue_map(store, args.issue, gdf=gdf, fiscal_year=args.fiscal_year,
                          lang=args.lang)  # fmt: skip
        else:
            m = plan_map(store, plan_type=args.plan_type, gdf=gdf, fiscal_year=args.fiscal_year,
                         lang=args.lang)  # fmt: skip
    out = maps.save(m, args.out)
    sys.stdout.write(f"written: {out} ({out.stat().st_size:,} bytes)\n")
    return 0


def run_brief(args: argparse.Namespace) -> int:
    """Run ``tambon-gis plans brief``."""
    from tambon_gis.plans import policy_brief

    gdf = None if args.no_maps else _boundaries(args.boundaries)
    with _open(args.store) as store:
        out = policy_brief(store, args.out, issues=args.issue, gdf=gdf,
                           fiscal_year=args.fiscal_year, include_maps=not args.no_maps)  # fmt: skip
    sys.stdout.write(f"written: {out} ({out.stat().st_size:,} bytes)\n")
    return 0
