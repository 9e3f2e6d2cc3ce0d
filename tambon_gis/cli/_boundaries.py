"""``tambon-gis boundaries``: load a boundary layer and print what it holds."""

from __future__ import annotations

import argparse
import sys
from typing import Any

_OUT_SUFFIXES = (".gpkg", ".parquet", ".geojson", ".shp", ".fgb")


def register(subparsers: Any) -> None:
    """Add the ``boundaries`` subcommand."""
    p = subparsers.add_parser(
        "boundaries",
        help="load boundaries and print a summary (or write them in the canonical schema)",
        description=(
            "Load a boundary layer (shapefile, zip, folder, GeoPackage, GeoJSON, GeoParquet) "
            "into the canonical schema and print a summary. With no PATH, uses "
            "$TAMBON_GIS_BOUNDARIES, data/boundaries/, a full layer in the cache, else the "
            "national layer embedded in the package (--resolution full downloads the "
            "full-resolution layer instead)."
        ),
    )
    p.add_argument("path", nargs="?", help="boundary file or folder (default: found for you)")
    p.add_argument("--level", default="tambon", choices=["tambon", "amphoe", "changwat"])
    p.add_argument("--to-level", choices=["amphoe", "changwat", "region"], help="dissolve upward")
    p.add_argument("--encoding", help="DBF text encoding (default: detected)")
    p.add_argument("--crs", help="CRS to assume when the file has none, e.g. EPSG:32647")
    p.add_argument(
        "--regions", default=None, choices=["six", "four", "five"], help="region grouping"
    )
    p.add_argument("--layer", help="layer of a multi-layer file (GeoPackage)")
    p.add_argument(
        "--allow-partial",
        action="store_true",
        help="load what can be read of a truncated or damaged file (the rest is listed)",
    )
    p.add_argument("--out", help="write the result (.gpkg, .parquet, .geojson)")
    p.add_argument(
        "--resolution",
        default="auto",
        choices=["auto", "full", "embedded"],
        help="with no PATH: auto (a local full layer, else the embedded one), full "
        "(download if needed) or embedded",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis boundaries``."""
    from tambon_gis._errors import ValidationError
    from tambon_gis.boundaries import load_boundaries_with_report, to_level

    if args.out and not args.out.lower().endswith(_OUT_SUFFIXES):
        raise ValidationError(
            f"--out {args.out!r}: cannot write boundaries to that kind of file; end the name in "
            f"one of {', '.join(_OUT_SUFFIXES)}"
        )
    gdf, report = load_boundaries_with_report(
        args.path, level=args.level, encoding=args.encoding, crs=args.crs,
        region_scheme=args.regions, layer=args.layer, allow_partial=args.allow_partial,
        resolution=args.resolution,
    )  # fmt: skip
    lines = report.summary_lines()
    if args.to_level:
        gdf = to_level(gdf, args.to_level)
        lines.append(f"dissolved to {len(gdf):,} {args.to_level} areas")
    counts = gdf.groupby("region").size().to_dict() if "region" in gdf else {}
    lines.append("by region: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if args.out:
        out = args.out
        if out.endswith(".parquet"):
            gdf.to_parquet(out)
        else:
            gdf.to_file(out)
        lines.append(f"written: {out}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
