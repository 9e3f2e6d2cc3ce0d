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
import zipfile
from collections.abc import Sequence

from tambon_gis import __version__
from tambon_gis.cli._args import store_first

#: Subcommand modules, in the order ``--help`` lists them.
_SUBCOMMANDS: tuple[str, ...] = ("boundaries", "demo", "match", "map", "monitor", "plans", "select")


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
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (-v: what is done, -vv: debugging detail)")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (for a bug report)")
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


#: Python calls named in library messages, and what a CLI user types instead.
_CLI_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"store\.set_indicators\(\.\.\.\)",
        "`tambon-gis monitor import STORE FILE --what indicators`",
    ),
    (r"store\.set_areas\(\.\.\.\)", "`tambon-gis monitor import STORE FILE --what areas`"),
    (r"store\.set_targets\(\.\.\.\)", "`tambon-gis monitor import STORE FILE --what targets`"),
    (r"store\.configure\(fiscal_years=\.\.\.\)", "--fiscal-years FIRST LAST"),
    (
        r"(call )?store\.configure\(\.\.\.\)",
        "`tambon-gis monitor import STORE FILE --fiscal-years FIRST LAST`",
    ),
    (r"\(see report\.rejected\)", "(all of them: --rejected FILE.csv)"),
    (r"allow_partial=True", "--allow-partial"),
    (r"load_boundaries\(path, layer=('[^']*')\)", r"--layer \1"),
    (r"layer=\.\.\.", "--layer NAME"),
    (r"\blevel='(\w+)'", r"--level \1"),
    (r"\bencoding='([\w-]+)'", r"--encoding \1"),
    (r"\bencoding=\.\.\.", "--encoding NAME"),
    (r"\bcrs='([\w:]+)'", r"--crs \1"),
    (r"\bcrs=\.\.\.", "--crs EPSG:CODE"),
    (r"\blayout='(\w+)'", r"--layout \1"),
    (r"\b(tambon|amphoe|province|code)=COLUMN", r"--\1 COLUMN"),
    (r"\b(amphoe|province)=(?=[,)\s])", r"--\1"),
    (r"call load_boundaries\(\) with no path", "leave out the path"),
    (
        r"create one with open_store\(path\) \(tambon-gis monitor import creates it too\)",
        "create one with `tambon-gis monitor import STORE FILE --what areas "
        "--fiscal-years FIRST LAST`",
    ),
    (r" to load_boundaries\b(?!\()", ""),
    (r" \(details: tambon_gis\.boundaries\.load_boundaries_with_report\)",
     " (details: tambon-gis boundaries FILE)"),
)


def for_cli(message: str) -> str:
    """Reword a library message for a CLI user: name options, not Python calls.

    Parameters
    ----------
    message : str
        A message of the library (an error, a warning or a report line).

    Returns
    -------
    str

    Examples
    --------
    >>> from tambon_gis.cli import for_cli
    >>> for_cli("add it with store.set_indicators(...)")
    'add it with `tambon-gis monitor import STORE FILE --what indicators`'
    >>> for_cli("Pass level='amphoe' to load it as amphoe areas")
    'Pass --level amphoe to load it as amphoe areas'
    """
    import re

    for pattern, replacement in _CLI_WORDS:
        message = re.sub(pattern, replacement, message)
    return message


def _deepest_parser(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser:
    """Return the (sub)parser of the command given, so its usage is the one printed."""
    while True:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, subs[0].dest, None) if subs else None
        if not subs or name not in subs[0].choices:
            return parser
        parser = subs[0].choices[name]


class _CLIFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = for_cli(record.getMessage())
        if record.levelno >= logging.WARNING:
            return f"tambon-gis: {record.levelname.lower()}: {text}"
        return f"{record.levelname} {record.name}: {text}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI.

    Quiet by default (warnings and errors; ``-v`` adds INFO, ``-vv`` DEBUG). A user mistake
    prints one line on stderr and exits 1 (2 for a usage error), never a traceback;
    ``--debug`` shows the traceback on purpose.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a usage error, 1 for a failure with a message.
    """
    import warnings

    parser = build_parser()
    # --store STORE is the store's first argument, written as an option
    argv = store_first(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra:  # the usage of the subcommand given, not of tambon-gis
        _deepest_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    if args.debug:
        level = min(level, logging.INFO)
    package = logging.getLogger("tambon_gis")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_CLIFormatter())
    handler.setLevel(level)
    old_level = package.level
    package.setLevel(min(level, old_level or logging.WARNING))
    package.addHandler(handler)
    seen: set[str] = set()

    def showwarning(message: Warning | str, category: type[Warning], *rest: object,
                    **kw: object) -> None:  # fmt: skip
        text = for_cli(str(message))
        if text not in seen:  # each warning once per command
            seen.add(text)
            sys.stderr.write(f"tambon-gis: warning: {text}\n")

    from tqdm.contrib.logging import logging_redirect_tqdm

    from tambon_gis._errors import TambonGISError

    command = " ".join(
        str(v) for v in (args.command, getattr(args, "action", None)) if v is not None
    )
    try:
        with warnings.catch_warnings(), logging_redirect_tqdm(loggers=[package]):
            # bars and log lines do not mix; warnings are lines of their own, each once
            warnings.simplefilter("always")
            warnings.showwarning = showwarning
            return int(args.func(args) or 0)
    except (TambonGISError, OSError, ValueError, LookupError) as exc:
        if args.debug:
            raise
        if isinstance(exc, KeyError | IndexError) and not isinstance(exc, TambonGISError):
            # the library raises no KeyError for a user's mistake: a missing key is a bug
            return _unexpected(command, exc)
        message: object = exc  # a LookupError here is an unknown codec, e.g. --encoding
        if isinstance(exc, OSError) and not isinstance(exc, TambonGISError) and exc.filename:
            message = f"{exc.strerror or exc}: {exc.filename!r}"
        text = " ".join(for_cli(str(message)).split())  # one line
        sys.stderr.write(f"tambon-gis {command}: error: {text}\n")
        return 1
    except zipfile.BadZipFile as exc:  # an .xlsx or .zip that is not one, read by a dependency
        if args.debug:
            raise
        sys.stderr.write(
            f"tambon-gis {command}: error: a file given is not a readable zip or Excel workbook "
            f"({exc}): it is damaged or not what its name says. Export or download it again\n"
        )
        return 1
    except KeyboardInterrupt:
        if args.debug:
            raise
        sys.stderr.write(f"tambon-gis {command}: interrupted\n")
        return 130
    except Exception as exc:  # a bug: still one line, the traceback on request
        if args.debug:
            raise
        return _unexpected(command, exc)
    finally:
        package.removeHandler(handler)
        package.setLevel(old_level)


def _unexpected(command: str, exc: BaseException) -> int:
    """Say in one line that ``exc`` is a bug of tambon-gis (the traceback with --debug)."""
    sys.stderr.write(
        f"tambon-gis {command}: unexpected error ({type(exc).__name__}: "
        f"{' '.join(str(exc).split())}). This is a bug of tambon-gis: run the command again "
        "with --debug for the traceback and report it\n"
    )
    return 1
