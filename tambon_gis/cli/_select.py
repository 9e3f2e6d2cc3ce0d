"""``tambon-gis select``: choose joint operation areas and write the map and the tables."""

from __future__ import annotations

import argparse
import logging
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How many tambons ``select`` chooses when no ``--n`` is given (the 23 proposed pilots).
DEFAULT_N = 23

_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
_QUOTA_RE = re.compile(r"^\s*(region|changwat|amphoe)\s*:\s*(.+?)\s*=\s*(\d*)\s*:\s*(\d*)\s*$")


def register(subparsers: Any) -> None:
    """Add the ``select`` subcommand."""
    p = subparsers.add_parser(
        "select",
        help="choose n tambons that maximise a score under quotas; write the map and tables",
        description=textwrap.fill(
            "Score the tambons of DATA with a criteria file (or a score column), choose exactly "
            "n eligible ones that maximise the total score under the quotas and limits given, "
            "prove the answer optimal (HiGHS), and write to --out: selection.html (offline "
            "map), chosen.csv, ranked.csv, left_out.csv, quotas.csv and selection.xlsx, with "
            "Thai and English headers. DATA is a table (.csv/.xlsx, one row per candidate "
            "tambon, matched to the boundaries by code or names) or a boundary layer with the "
            "attribute columns (.gpkg, .geojson, .parquet, .shp, .zip)."
        ),
        epilog=(
            "example: tambon-gis select examples/pilot_tambons.csv --criteria "
            "examples/criteria_joint.yaml --out out/pilots\n"
            "example: tambon-gis select examples/candidates.csv --criteria "
            "examples/criteria_joint_plans.yaml --plans examples/plans/candidate_plans.csv "
            "--n 23 --quota region:ภาคใต้=2:5 --quota changwat:*=:2 --out out/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", help="table of candidate tambons (.csv/.xlsx) or a layer (.gpkg, ...)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--criteria", help="criteria file (.yaml/.toml), see examples/")
    src.add_argument("--score", help="numeric column to maximise instead of criteria")
    p.add_argument(
        "--n", type=int, default=None,
        help=f"how many tambons to choose (default {DEFAULT_N}, or every eligible tambon when "
        "fewer are eligible)",
    )  # fmt: skip
    p.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="LEVEL:NAME=MIN:MAX",
        help="a quota, e.g. region:ภาคใต้=2:5, changwat:สุรินทร์=1: or changwat:*=:2 "
        "(LEVEL region, changwat or amphoe; NAME a code, Thai or English name, * for every "
        "one not named; either bound may be empty); repeat for more",
    )
    p.add_argument("--max-per-amphoe", type=int, help="at most this many per amphoe")
    p.add_argument("--max-per-changwat", type=int, help="at most this many per province")
    p.add_argument("--max-changwats", type=int, help="choose within at most this many provinces")
    p.add_argument(
        "--include", default="", help="tambon codes that must be chosen (comma-separated)"
    )
    p.add_argument("--exclude", default="", help="tambon codes never to choose (comma-separated)")
    p.add_argument("--min-distance-km", type=float, help="minimum distance between chosen tambons")
    p.add_argument("--budget", type=float, help="maximum total cost (needs --cost)")
    p.add_argument("--cost", help="column of each tambon's cost")
    p.add_argument("--plans", metavar="STORE_OR_FILE",
                   help="tambon plans whose plan facts the criteria read (has_adopted_*, "
                   "raises_*): a store (kpi.sqlite, postgresql://...) or a plan spreadsheet")
    p.add_argument("--boundaries", help="boundaries to match a table to (default: found)")
    p.add_argument("--time-limit", type=float, default=60.0, help="solver seconds (default 60)")
    p.add_argument(
        "--sensitivity", type=int, default=0, metavar="DRAWS",
        help="also perturb the weights DRAWS times (needs --criteria)",
    )  # fmt: skip
    p.add_argument("--spread", type=float, default=0.2, help="weight spread (default 0.2 = ±20%%)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sensitivity draws")
    p.add_argument("--lang", default="th", choices=["th", "en"], help="language of the map")
    p.add_argument("--no-map", action="store_true", help="write the tables only")
    p.add_argument("--out", default="out", help="output folder (created; default out)")
    p.set_defaults(func=run)


def parse_quotas(items: list[str]) -> dict[str, dict[str, tuple[int | None, int | None]]]:
    """Turn ``["region:ภาคใต้=2:5", ...]`` into the ``quotas`` mapping of ``select_areas``.

    Examples
    --------
    >>> parse_quotas(["region:ภาคใต้=2:5", "changwat:*=:2"])
    {'region': {'ภาคใต้': (2, 5)}, 'changwat': {'*': (None, 2)}}
    """
    from tambon_gis._errors import ValidationError

    out: dict[str, dict[str, tuple[int | None, int | None]]] = {}
    for item in items:
        m = _QUOTA_RE.match(item)
        if not m:
            raise ValidationError(
                f"--quota {item!r}: write LEVEL:NAME=MIN:MAX with LEVEL region, changwat or "
                "amphoe, e.g. region:ภาคใต้=2:5 or changwat:*=:2"
            )
        level, name, lo, hi = m.groups()
        out.setdefault(level, {})[name] = (int(lo) if lo else None, int(hi) if hi else None)
    return out


def _codes(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[,\s]+", text or "") if c.strip()]


def _read_data(args: argparse.Namespace) -> Any:
    from tambon_gis._errors import DataNotFoundError, SchemaError

    path = Path(args.data)
    if not path.exists():
        raise DataNotFoundError(f"DATA {str(path)!r} does not exist: give a .csv/.xlsx or a layer")
    if path.suffix.lower() in _TABLE_SUFFIXES:
        from tambon_gis.boundaries import load_boundaries
        from tambon_gis.join import join_attributes, require_matched

        joined = join_attributes(path, load_boundaries(args.boundaries, level="tambon"))
        return require_matched(joined, source=path.name)
    import geopandas as gpd

    gdf = gpd.read_parquet(path) if path.suffix.lower() == ".parquet" else gpd.read_file(path)
    if "tambon_code" not in gdf.columns:
        raise SchemaError(
            f"{path.name} has no tambon_code column: give a layer in the canonical schema "
            "(tambon-gis boundaries --out) with your attribute columns, or a table"
        )
    return gdf


def _default_n(gdf: Any, score: Any, *, plans: Any) -> int:
    """``DEFAULT_N``, or the number of eligible tambons when fewer are eligible."""
    from tambon_gis.selection import score_areas

    if isinstance(score, str):
        if score not in gdf.columns:
            return DEFAULT_N  # select_areas names the missing column
        n_eligible = int(gdf[score].notna().sum())
    else:
        n_eligible = int(score_areas(gdf, score, plans=plans)["eligible"].sum())
    if n_eligible < DEFAULT_N:
        log.info("no --n given and %d tambons are eligible: choosing all %d", n_eligible,
                 n_eligible)  # fmt: skip
    return max(1, min(DEFAULT_N, n_eligible))


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis select``."""
    from tambon_gis._errors import ValidationError
    from tambon_gis.criteria import load_criteria
    from tambon_gis.selection import select_areas

    if args.sensitivity and not args.criteria:
        raise ValidationError("--sensitivity perturbs criteria weights: give --criteria FILE")
    score: Any = load_criteria(args.criteria) if args.criteria else args.score
    quotas = parse_quotas(args.quota)
    gdf = _read_data(args)
    kw = {
        "quotas": quotas or None,
        "max_per_amphoe": args.max_per_amphoe,
        "max_per_changwat": args.max_per_changwat,
        "max_changwats": args.max_changwats,
        "include": _codes(args.include) or None,
        "exclude": _codes(args.exclude) or None,
        "min_distance_km": args.min_distance_km,
        "budget": args.budget,
        "cost": args.cost,
    }
    n = args.n if args.n is not None else _default_n(gdf, score, plans=args.plans)
    sel = select_areas(gdf, n=n, score=score, time_limit=args.time_limit,
                       plans=args.plans, **kw)  # fmt: skip
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        sel.to_csv(out / f"{t}.csv", table=t) for t in ("chosen", "ranked", "left_out", "quotas")
    ]
    written.append(sel.to_excel(out / "selection.xlsx"))
    if not args.no_map:
        from tambon_gis import maps

        written.append(maps.save(sel.to_map(lang=args.lang), out / "selection.html"))
    lines = [repr(sel)]
    if args.sensitivity:
        sens = sel.sensitivity(draws=args.sensitivity, spread=args.spread, seed=args.seed)
        written.append(sens.to_csv(out / "sensitivity.csv"))
        if not args.no_map:
            from tambon_gis import maps

            written.append(maps.save(sens.to_map(lang=args.lang), out / "sensitivity.html"))
        lines.append(repr(sens).splitlines()[0])
    lines.append("written: " + ", ".join(str(p) for p in written))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
