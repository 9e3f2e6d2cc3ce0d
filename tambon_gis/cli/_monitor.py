"""``tambon-gis monitor``: import KPI files into a store, print status, write the report."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, cast

from tambon_gis._export import write_csv
from tambon_gis.cli._args import add_store

if TYPE_CHECKING:
    from tambon_gis.monitoring.status import ImportReport


def register(subparsers: Any) -> None:
    """Add the ``monitor`` subcommand with ``import``, ``status`` and ``report``."""
    p = subparsers.add_parser(
        "monitor",
        help="monitor joint KPIs per tambon and fiscal quarter (import | status | report)",
        description=(
            "Keep KPI observations in a monitoring store (one SQLite file): import CSV/Excel "
            "files all or nothing, print the status of a quarter with roll-ups, and write the "
            "self-contained HTML report of a fiscal year."
        ),
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    imp = sub.add_parser(
        "import",
        help="import files into the store (observations, or the programme set-up)",
        description=(
            "Import CSV/Excel files into the store, each in one transaction. A rejected file "
            "stores nothing and its rows are listed with reasons (exit code 1). Importing the "
            "same file again adds nothing. Set up a new store with --what areas / indicators / "
            "targets and --fiscal-years first."
        ),
    )
    add_store(imp, create=True)
    imp.add_argument("files", nargs="+", help="CSV or Excel files")
    imp.add_argument("--what", default="observations",
                     choices=["observations", "areas", "indicators", "targets"],
                     help="what the files hold (default: observations)")  # fmt: skip
    imp.add_argument("--layout", default="auto", choices=["auto", "long", "wide"])
    imp.add_argument(
        "--sheet", default=None, help="Excel sheet name or number (default: first visible)"
    )
    imp.add_argument("--name", help="programme name to record")
    imp.add_argument("--fiscal-years", nargs="+", type=int, metavar="FY",
                     help="first and last fiscal year (BE), e.g. 2566 2567")  # fmt: skip
    imp.add_argument("--programme", help="programme/cohort for areas files without that column")
    imp.add_argument("--recorded-by", help="who recorded rows that do not say (default: login)")
    imp.add_argument("--rejected", help="write the rejected rows with reasons to this CSV")
    imp.set_defaults(func=run_import)

    st = sub.add_parser(
        "status",
        help="print the status of one quarter, per area or rolled up",
        description="Print progress against target for a fiscal quarter, per area or rolled up.",
    )
    add_store(st)
    st.add_argument("--period", required=True,
                    help="fiscal quarter, e.g. 'ไตรมาส 2/2566' or 'Q2 FY2566'")  # fmt: skip
    st.add_argument("--indicator", action="append", help="indicator id (repeat; default all)")
    st.add_argument("--level", default="summary",
                    choices=["summary", "tambon", "amphoe", "changwat", "region", "programme",
                             "all"],
                    help="summary counts (default), per tambon, or a roll-up level")  # fmt: skip
    st.add_argument("--out", help="also write the table as UTF-8 CSV")
    st.set_defaults(func=run_status)

    rep = sub.add_parser(
        "report",
        help="write the self-contained HTML report of a fiscal year",
        description="Write one HTML file with summary tables, status maps, roll-ups and "
        "completeness; it opens with no network.",
    )
    add_store(rep)
    rep.add_argument("--fiscal-year", type=int, required=True, help="BE fiscal year, e.g. 2566")
    rep.add_argument("--out", required=True, help="the HTML file to write")
    rep.add_argument("--period", help="quarter of the status section (default: latest with data)")
    rep.add_argument("--boundaries", help="tambon boundary file (default: found for you)")
    rep.add_argument("--no-maps", action="store_true", help="tables only")
    rep.add_argument("--lang", default="th", choices=["th", "en"],
                     help="language of the report and its maps")
    rep.set_defaults(func=run_report)

    mig = sub.add_parser(
        "migrate",
        help="copy a store with every revision to a new store (SQLite <-> PostgreSQL)",
        description="Copy the programme set-up, the import log and every observation revision "
        "from SOURCE into a new, empty TARGET store, all or nothing; either may be a SQLite "
        "file or a postgresql:// URL.",
    )
    mig.add_argument("source", help="the store to copy (left unchanged)")
    mig.add_argument("target", help="the new store (no observations yet)")
    mig.set_defaults(func=run_migrate)

    gr = sub.add_parser(
        "grant",
        help="give a database user a role and scope in a PostgreSQL store (administrators)",
        description="Give an existing database user a role in the store: reader, editor "
        "(optionally limited to changwats and/or an agency's indicators) or admin.",
    )
    add_store(gr, url=True)
    gr.add_argument("user", help="the database user")
    gr.add_argument("--role", required=True, choices=["reader", "editor", "admin"])
    gr.add_argument("--changwat", action="append", help="changwat code an editor may write "
                    "(repeat; default all)")  # fmt: skip
    gr.add_argument("--agency", help="an editor's agency: its indicators, and joint ones in its "
                    "areas")  # fmt: skip
    gr.set_defaults(func=run_grant)

    rv = sub.add_parser("revoke", help="take a database user's access to a PostgreSQL store away")
    add_store(rv, url=True)
    rv.add_argument("user", help="the database user")
    rv.set_defaults(func=run_grant, role=None)

    ac = sub.add_parser("access", help="list who may do what in a PostgreSQL store")
    add_store(ac, url=True)
    ac.set_defaults(func=run_access)


def run_import(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor import``."""
    from tambon_gis._errors import ImportRejectedError, ValidationError
    from tambon_gis.cli import for_cli
    from tambon_gis.monitoring import open_store

    years = args.fiscal_years
    if years is not None and len(years) not in (1, 2):
        raise ValidationError(f"--fiscal-years {years}: give one year or the first and the last")
    fiscal_years = None if years is None else (years[0], years[-1])
    sheet: int | str | None = int(args.sheet) if str(args.sheet).isdigit() else args.sheet
    status = 0
    with open_store(args.store, name=args.name, fiscal_years=fiscal_years) as store:
        for path in args.files:
            if args.what == "areas":
                store.set_areas(path, programme=args.programme)
                n = len(store.areas())
                sys.stdout.write(f"{path}: operation areas set ({n} in the store)\n")
                continue
            if args.what == "indicators":
                store.set_indicators(path)
                n = len(store.indicators())
                sys.stdout.write(f"{path}: indicators set ({n} in the store)\n")
                continue
            if args.what == "targets":
                store.set_targets(path)
                sys.stdout.write(f"{path}: targets set ({len(store.targets())} in the store)\n")
                continue
            try:
                report = store.import_file(path, layout=args.layout, sheet=sheet,
                                           recorded_by=args.recorded_by)  # fmt: skip
            except ImportRejectedError as exc:
                # import_file always attaches its ImportReport to the error
                report = cast("ImportReport", exc.report)
                sys.stderr.write(f"{path}: " + for_cli(report.summary(30)) + "\n")
                if args.rejected:
                    out = report.to_csv(args.rejected)
                    sys.stderr.write(f"rejected rows written to {out}\n")
                status = 1
                continue
            sys.stdout.write(f"{path}: " + report.summary() + "\n")
    return status


#: How the status column follows from the numbers in its row.
STATUS_NOTE = (
    "value: the quarter's value; ytd_actual: fiscal-year-to-date actual (sum indicators; the "
    "quarter's value otherwise); ytd_target: target due by the end of the quarter; fy_target: "
    "full-year target; ratio = ytd_actual / ytd_target (inverted when lower is better): on "
    "track >= 0.9, at risk >= 0.7, off track below; reporting: areas reporting / areas in the "
    "programme"
)


def run_status(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor status``."""
    import pandas as pd

    from tambon_gis.monitoring import open_store

    with open_store(args.store, create=False) as store:
        st = store.status(args.period, indicators=args.indicator)
        if args.level == "summary":
            table = st.summary()
        elif args.level == "tambon":
            table = st.to_frame()[
                ["tambon_code", "tambon_th", "indicator_id", "value", "ytd_actual",
                 "ytd_target", "fy_target", "ratio", "status", "status_th", "trend"]
            ]  # fmt: skip
        else:
            table = store.rollup(args.period, level=args.level, status=st).to_frame()[
                ["group", "label", "indicator_id", "n_areas", "n_reporting", "reporting", "value",
                 "ytd_actual",
                 "ytd_target", "fy_target", "ratio", "status", "status_th"]
            ]  # fmt: skip
        # figures to two decimals, as in the report (a mean of three areas is not 43933.333333)
        shown = ("value", "ytd_actual", "ytd_target", "fy_target", "ratio")
        table = table.round({c: 2 for c in shown if c in table.columns})
    sys.stdout.write(repr(st) + "\n")
    with pd.option_context("display.width", 200, "display.max_rows", 500,
                           "display.max_columns", 20):  # fmt: skip
        sys.stdout.write(table.to_string(index=False) + "\n")
    if args.level != "summary":
        sys.stdout.write(STATUS_NOTE + "\n")
    if args.out:
        write_csv(table, args.out)  # formula text neutralised (issue 12)
        sys.stdout.write(f"written: {args.out}\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor report``."""
    from tambon_gis.monitoring import monitoring_report, open_store

    gdf = None
    if args.boundaries and not args.no_maps:
        from tambon_gis.boundaries import load_boundaries

        gdf = load_boundaries(args.boundaries)
    with open_store(args.store, create=False) as store:
        out = monitoring_report(
            store, fiscal_year=args.fiscal_year, path=args.out, period=args.period, gdf=gdf,
            maps=not args.no_maps, lang=args.lang,
        )  # fmt: skip
    sys.stdout.write(f"written: {out} ({out.stat().st_size:,} bytes)\n")
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor migrate``."""
    from tambon_gis.monitoring.migrate import migrate_store

    with migrate_store(args.source, args.target) as store:
        sys.stdout.write(f"copied into {store!r}\n")
    return 0


def run_grant(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor grant`` and ``revoke``."""
    from tambon_gis.monitoring import open_store

    with open_store(args.store, create=False) as store:
        if args.role is None:
            store.revoke_access(args.user)
            sys.stdout.write(f"{args.user}: access revoked\n")
        else:
            store.grant_access(args.user, role=args.role, changwats=args.changwat,
                               agency=args.agency)  # fmt: skip
            sys.stdout.write(f"{args.user}: {args.role} of the store\n")
    return 0


def run_access(args: argparse.Namespace) -> int:
    """Run ``tambon-gis monitor access``."""
    from tambon_gis.monitoring import open_store

    with open_store(args.store, create=False) as store:
        sys.stdout.write(store.access().to_string(index=False) + "\n")
    return 0
