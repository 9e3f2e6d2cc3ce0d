"""``tambon-gis demo``: the README's main job (placeholder until the maps land)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser("demo", help="load the boundaries and print a summary")
    p.add_argument("--out", default="out", help="output folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis demo``."""
    from tambon_gis.boundaries import load_boundaries, to_level

    gdf = load_boundaries()
    lines = gdf.attrs["load_report"].summary_lines()
    for level in ("amphoe", "changwat"):
        lines.append(f"{level}: {len(to_level(gdf, level)):,}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
