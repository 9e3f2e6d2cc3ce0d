"""The arguments several subcommands share, each defined once with one help text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The levels a table can be rolled up to.
LEVELS = ("tambon", "amphoe", "changwat", "region", "all")


#: The commands whose actions take the store as their first argument.
STORE_COMMANDS = ("monitor", "plans")


def add_store(parser: Any, *, create: bool = False, url: bool = False) -> None:
    """Add the store: the first argument, or the same as ``--store STORE``.

    ``--store`` is moved into the place of the first argument by :func:`store_first` before
    parsing, so both spellings reach the command the same way.
    """
    what = "a postgresql:// URL" if url else (
        "a SQLite file" + (", created if missing" if create else "") + ", or a postgresql:// URL"
    )  # fmt: skip
    parser.add_argument("store", help=f"the store: {what} (or give it as --store STORE)")
    parser.add_argument(
        "--store", dest="store_option", metavar="STORE",
        help="the store, as an option: the same as the first argument",
    )  # fmt: skip


def store_first(argv: Sequence[str]) -> list[str]:
    """Return ``argv`` with ``--store STORE`` moved to the store's place after the action.

    Examples
    --------
    >>> store_first(["monitor", "import", "--what", "areas", "a.csv", "--store", "kpi.sqlite"])
    ['monitor', 'import', 'kpi.sqlite', '--what', 'areas', 'a.csv']
    >>> store_first(["-v", "plans", "status", "--store=postgresql:///kpi"])
    ['-v', 'plans', 'status', 'postgresql:///kpi']
    >>> store_first(["monitor", "status", "kpi.sqlite"])
    ['monitor', 'status', 'kpi.sqlite']
    """
    args = list(argv)
    at = next((i for i, a in enumerate(args) if a in STORE_COMMANDS), None)
    if at is None or at + 1 >= len(args):
        return args
    for i in range(at + 2, len(args)):
        a = args[i]
        if a == "--":
            break
        if a == "--store" and i + 1 < len(args):
            value = args[i + 1]
            del args[i : i + 2]
        elif a.startswith("--store="):
            value = a.split("=", 1)[1]
            del args[i]
        else:
            continue
        args.insert(at + 2, value)
        return args
    return args


def add_level(parser: Any, *, default: str = "changwat", choices: tuple[str, ...] = LEVELS) -> None:
    """Add ``--level``: the level of the rows of a table."""
    parser.add_argument(
        "--level", default=default, choices=list(choices),
        help=f"the rows of the table (default {default})",
    )  # fmt: skip


def add_fiscal_year(parser: Any, *, required: bool = False, help: str | None = None) -> None:
    """Add ``--fiscal-year``: a Buddhist Era fiscal year (FY2566 = Oct 2022 - Sep 2023)."""
    parser.add_argument(
        "--fiscal-year", type=int, required=required, metavar="BE",
        help=help or "Buddhist Era fiscal year, e.g. 2566 (1 Oct 2022 - 30 Sep 2023)",
    )  # fmt: skip


def add_csv_out(parser: Any) -> None:
    """Add ``--out``: also write the printed table as a UTF-8 CSV."""
    parser.add_argument("--out", help="also write the table as UTF-8 CSV (with BOM, for Excel)")


def add_html_out(parser: Any) -> None:
    """Add a required ``--out``: the HTML page to write."""
    parser.add_argument("--out", required=True, help="the HTML file to write")


def add_boundaries(parser: Any) -> None:
    """Add ``--boundaries``: the tambon layer (default: found by ``load_boundaries``)."""
    parser.add_argument(
        "--boundaries",
        help="tambon boundary file (default: found by load_boundaries, else the embedded layer)",
    )


def add_lang(parser: Any, *, what: str = "the page and its maps") -> None:
    """Add ``--lang``: Thai or English."""
    parser.add_argument(
        "--lang", default="th", choices=["th", "en"], help=f"language of {what} (default th)"
    )


__all__ = [
    "LEVELS",
    "STORE_COMMANDS",
    "add_boundaries",
    "add_csv_out",
    "add_fiscal_year",
    "add_html_out",
    "add_lang",
    "add_level",
    "add_store",
    "store_first",
]
