"""Command-line interface: ``tambon-gis SUBCOMMAND ...`` (also ``python -m tambon_gis.cli``).

The CLI is a thin layer over the public functions: each subcommand lives in its own private
module ``tambon_gis/cli/_<name>.py`` exposing ``register(subparsers)``, which adds a parser
whose ``func`` default takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

#: Subcommand modules, in the order ``--help`` lists them.
_SUBCOMMANDS: tuple[str, ...] = ("boundaries", "demo", "match", "map", "monitor", "select")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand registered.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``tambon-gis``.

    Examples
    --------
    >>> from tambon_gis.cli import build_parser
    >>> build_parser().prog
    'tambon-gis'
    """
    parser = argparse.ArgumentParser(
        prog="tambon-gis",
        description=(
            "Join tables of Thai tambons to boundaries, choose joint operation areas, "
            "monitor KPIs, and make maps that work offline."
        ),
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    from tambon_gis import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _SUBCOMMANDS:
        try:
            module = importlib.import_module(f"tambon_gis.cli._{name}")
        except ImportError as exc:  # one broken extra must not take the whole CLI down
            logging.getLogger("tambon_gis.cli").warning("subcommand %r unavailable: %s", name, exc)
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a usage error, 1 for a failure with a message.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose + 1, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from tambon_gis._errors import TambonGISError

    try:
        return int(args.func(args) or 0)
    except (TambonGISError, OSError, ValueError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        sys.stderr.write(f"tambon-gis {args.command}: error: {message}\n")
        if args.verbose:
            raise
        return 1
