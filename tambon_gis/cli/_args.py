"""The arguments several subcommands share, each defined once with one help text."""

from __future__ import annotations

from typing import Any

#: The levels a table can be rolled up to.
LEVELS = ("tambon", "amphoe", "changwat", "region", "all")


def add_store(parser: Any, *, create: bool = False) -> None:
    """Add the positional ``store`` (a SQLite file or a PostgreSQL URL)."""
    extra = ", created if missing" if create else ""
    parser.add_argument(
        "store", help=f"the store: a SQLite file{extra}, or a postgresql:// URL"
    )


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
    "add_boundaries",
    "add_csv_out",
    "add_fiscal_year",
    "add_html_out",
    "add_lang",
    "add_level",
    "add_store",
]
