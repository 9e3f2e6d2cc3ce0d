"""``tambon-gis map``: draw a map of tambons (optionally with a table's column) as HTML/PNG."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``map`` subcommand."""
    p = subparsers.add_parser(
        "map",
        help="draw an interactive (offline HTML) or static (PNG/PDF) map of tambons",
        epilog="example: tambon-gis map --out out/regions.html --lang en",
        description=(
            "Draw the tambons of the boundaries (all, or one province), coloured by a column "
            "of a table joined by code or names (numeric: classed choropleth; text: "
            "categories), or by region when no table is given. Writes a self-contained HTML "
            "page that opens with no network (.html) or a static map (.png, .pdf)."
        ),
    )
    p.add_argument("--out", required=True, help="output file: .html, .png or .pdf")
    p.add_argument("--boundaries", help="boundary file (default: found by load_boundaries)")
    p.add_argument("--table", help="CSV/Excel table to join (by code or names)")
    p.add_argument("--column", help="column to colour by (default: region)")
    p.add_argument(
        "--kind", choices=("auto", "numeric", "categorical"), default="auto",
        help="how to colour the column (default auto: numeric when every value is a number, "
        "as tambon_gis.maps.infer_kind decides)",
    )
    p.add_argument("--province", help="only this province (code, Thai or English name)")
    p.add_argument("--scheme", default="quantiles", help="classification: quantiles, "
                   "natural_breaks, equal_interval")
    p.add_argument("--k", type=int, default=5, help="number of classes (default 5)")
    p.add_argument("--cmap", default="YlGnBu", help="matplotlib colormap (default YlGnBu)")
    p.add_argument("--title", help="map title")
    p.add_argument("--lang", choices=("th", "en"), default="th", help="language (default th)")
    p.add_argument("--basemap", choices=("none", "osm", "positron", "satellite"),
                   default="none", help="basemap tiles (default none: works offline)")
    p.add_argument("--highlight", help="comma-separated tambon codes to outline")
    p.add_argument("--cdn", action="store_true",
                   help="load Leaflet from its CDN instead of inlining it (smaller page)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``tambon-gis map``."""
    import pandas as pd

    from tambon_gis import maps, static
    from tambon_gis._errors import SchemaError, ValidationError
    from tambon_gis.boundaries import load_boundaries

    if not args.out.lower().endswith((".html", ".htm", ".png", ".pdf", ".svg")):
        raise ValidationError(
            f"--out {args.out!r}: a map is written as .html (interactive), .htm, .png, .pdf "
            "or .svg; end the file name in one of those"
        )
    gdf = load_boundaries(args.boundaries, province=args.province)
    notes = []
    if args.table:
        from tambon_gis.join import attach_columns_with_report, join_attributes_with_report

        joined, report = join_attributes_with_report(args.table, gdf)
        gdf, attached = attach_columns_with_report(gdf, joined)
        notes.append(repr(report).splitlines()[0])
        if attached.not_in_layer:
            where = f"outside {args.province}" if args.province else "not in the boundaries"
            notes.append(f"{attached.not_in_layer} matched tambons are {where}")
    column = args.column or ("region_en" if args.lang == "en" else "region")
    if column not in gdf.columns:
        raise SchemaError(f"--column {column!r} is not a column; available: "
                       f"{[c for c in gdf.columns if c != 'geometry']}")
    kind = maps.infer_kind(gdf[column]) if args.kind == "auto" else args.kind
    highlight = [c.strip() for c in args.highlight.split(",")] if args.highlight else None
    default_titles = {"region": "ตำบลตามภาค", "region_en": "Tambons by region"}
    title = args.title or default_titles.get(column, column)
    options = maps.MapOptions(lang=args.lang, title=title,
                              basemap=None if args.basemap == "none" else args.basemap)
    suffix = args.out.lower().rsplit(".", 1)[-1]
    if suffix in ("png", "pdf", "svg"):
        static.plot_map(gdf, column, kind=kind, scheme=args.scheme, k=args.k, cmap=args.cmap,
                        highlight=highlight, path=args.out, options=options)
        out = args.out
    else:
        if kind == "numeric":
            gdf = gdf.assign(**{column: pd.to_numeric(gdf[column], errors="coerce")})
            m = maps.choropleth(gdf, column, scheme=args.scheme, k=args.k, cmap=args.cmap,
                                highlight=highlight, options=options)
        else:
            legend = {"region": "ภาค", "region_en": "Region"}.get(column)
            m = maps.categorical(gdf, column, highlight=highlight, options=options,
                                 legend_title=legend)
        out = maps.save(m, args.out, offline=not args.cdn)
    for note in notes:
        sys.stderr.write(note + "\n")
    sys.stdout.write(f"{out}\n")
    return 0
