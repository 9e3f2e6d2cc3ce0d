"""Build the national tambon layer embedded in the package (``tambon_gis/_data/``).

Reproducible from the HDX COD-AB files of ``../shared/data/boundaries`` (or any folder of the
same layout)::

    python scripts/build_embedded_boundaries.py --data ../shared/data/boundaries

Steps
-----
1. Read the national ``full-resolution/tha_adm3_tambon_full.zip`` and the simplified national
   layer with :func:`tambon_gis.load_boundaries` (whole Thai names from the gazetteer).
2. Record each province's origin: ``"full"`` where its polygons differ from the simplified
   layer, ``"simplified"`` where the full-resolution file took them from it (9 provinces).
3. Repair the seams between the two origins: every boundary near the seam is noded and
   polygonised; each face goes to the full-resolution tambon that covers it (the better data),
   else to the simplified-origin tambon that covers it, and gaps between the two origins go to
   the neighbour sharing the longest border with them.
4. ``area_km2`` on the repaired full-resolution geometry in an equal-area projection (Albers
   centred on Thailand).
5. Simplify the coverage as a whole (:func:`tambon_gis.webgeom.simplify_coverage`, shared arcs,
   Douglas-Peucker, on its 1e-7° grid), check it (0 overlaps, 0 gaps, every tambon and
   island part kept), measure the border shift, write GeoParquet (zstd) and a JSON sidecar with
   the figures and the sha256 of the file.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tambon_gis as tg  # noqa: E402
from tambon_gis import datasets, settings, webgeom  # noqa: E402

log = logging.getLogger("build_embedded_boundaries")

#: Equal-area projection for areas: the library's (an Albers conic on Thailand's extent).
ALBERS_TH = settings.area_crs
#: Projection for distances: the library's (UTM 47N, as webgeom.check_coverage).
UTM = settings.distance_crs
OUT_NAME = "tambon_embedded.parquet"
META_NAME = "tambon_embedded.json"
COLUMNS = [*tg.CANONICAL_COLUMNS["tambon"][:-1], "area_km2", "origin", "geometry"]


def province_origin(full: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame) -> dict[str, str]:
    """Changwat code -> ``"full"`` or ``"simplified"`` (polygons equal to the simplified layer)."""
    if not (full["tambon_code"].to_numpy() == simplified["tambon_code"].to_numpy()).all():
        raise SystemExit("the full and simplified layers do not hold the same tambon codes")
    same = shapely.equals_exact(full.geometry.values, simplified.geometry.values, 1e-12)
    share = pd.Series(same, index=full["changwat_code"]).groupby(level=0).mean()
    mixed = share[(share > 0) & (share < 1)]
    if len(mixed):
        raise SystemExit(f"provinces of mixed origin: {mixed.to_dict()}")
    return {code: ("simplified" if s == 1 else "full") for code, s in share.items()}


def repair_seams(geoms: np.ndarray, is_full: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """Remove overlaps and fill gaps between full-resolution and simplified-origin tambons."""
    geoms = geoms.copy()
    s_idx = np.where(~is_full)[0]
    f_idx = np.where(is_full)[0]
    f_tree = shapely.STRtree(geoms[f_idx])
    near = np.unique(f_tree.query(geoms[s_idx], predicate="dwithin", distance=0.02)[1])
    cand = np.concatenate([s_idx, f_idx[near]])
    log.info("seam: %d simplified-origin and %d full-resolution tambons near them", len(s_idx),
             len(near))
    lines = shapely.union_all(shapely.boundary(geoms[cand]))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    log.info("seam: %d faces", len(faces))
    points = shapely.point_on_surface(faces)
    c_tree = shapely.STRtree(geoms[cand])
    pi, gi = c_tree.query(points, predicate="within")
    owner = np.full(len(faces), -1)
    # full-resolution wins over simplified-origin; among equals, the first one
    order = np.lexsort((gi, ~is_full[cand[gi]]))
    pi, gi = pi[order], gi[order]
    first = np.unique(pi, return_index=True)[1]
    owner[pi[first]] = cand[gi[first]]
    # uncovered faces: seam gaps when their border touches both origins, else real holes
    all_tree = shapely.STRtree(geoms)
    uncovered = np.where(owner < 0)[0]
    gap_area = overlap_area = 0.0
    filled = 0
    eq = gpd.GeoSeries(faces, crs=4326).to_crs(ALBERS_TH).area.to_numpy() / 1e6
    for i in uncovered:
        if len(all_tree.query(points[i], predicate="within")):
            continue  # inside a tambon that is not a candidate: impossible, kept as is
        nb = all_tree.query(faces[i], predicate="dwithin", distance=1e-8)
        shared = _shared_length(faces[i], geoms[nb])
        nb, shared = nb[shared > 0], shared[shared > 0]
        if len(nb) == 0 or is_full[nb].all() or (~is_full[nb]).all():
            continue
        # prefer the simplified-origin neighbour (its border is the approximate one)
        s_nb = ~is_full[nb]
        pick = nb[s_nb][np.argmax(shared[s_nb])]
        owner[i] = pick
        filled += 1
        gap_area += eq[i]
    covered_twice = np.bincount(pi, minlength=len(faces)) > 1
    overlap_area = float(eq[covered_twice].sum())
    for k in np.unique(owner[owner >= 0]):
        geoms[k] = shapely.coverage_union_all(faces[owner == k])
    figures = {"seam_faces": len(faces), "seam_gaps_filled": filled,
               "seam_gap_km2": round(float(gap_area), 3),
               "seam_overlap_km2_removed": round(overlap_area, 3),
               "seam_tambons": len(cand)}
    log.info("seam repaired: %s", figures)
    return geoms, figures


def _shared_length(face: shapely.Geometry, others: np.ndarray) -> np.ndarray:
    """Length of the border of ``face`` along each of ``others`` (noding-tolerant).

    Noding moves intersection points by a few ulps, so an exact line intersection of the face
    border with a neighbour's border often has length 0: take each segment of the face border
    whose midpoint lies within 1e-8° of the neighbour's border instead.
    """
    out = np.zeros(len(others))
    for ring in [face.exterior, *face.interiors]:
        xy = np.asarray(ring.coords)
        mid = shapely.points((xy[1:] + xy[:-1]) / 2)
        seg = np.hypot(*(xy[1:] - xy[:-1]).T)
        for k, other in enumerate(others):
            near = shapely.distance(mid, shapely.boundary(other)) < 1e-8
            out[k] += seg[near].sum()
    return out


def national_holes(geoms: np.ndarray) -> int:
    """Interior rings of the union of all areas (gaps enclosed by neighbours)."""
    union = shapely.coverage_union_all(geoms)
    return int(shapely.get_num_interior_rings(shapely.get_parts(union)).sum())


def vertex_shift_m(original: np.ndarray, simple: np.ndarray) -> np.ndarray:
    """Distance (m) from every original boundary vertex to its tambon's simplified boundary."""
    a = gpd.GeoSeries(original, crs=4326).to_crs(UTM).values
    b = shapely.boundary(gpd.GeoSeries(simple, crs=4326).to_crs(UTM).values)
    coords, index = shapely.get_coordinates(a, return_index=True)
    pts = shapely.points(coords)
    return shapely.distance(pts, b[index])


def main(argv: list[str] | None = None) -> int:
    """Build the embedded layer; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "boundaries",
                        help="folder holding hdx-cod-ab-tha/ (default: ../shared/data/boundaries)")
    parser.add_argument("--out", type=Path, default=ROOT / "tambon_gis" / "_data")
    parser.add_argument("--tolerance", type=float, default=0.0006,
                        help="Douglas-Peucker tolerance in degrees (default 0.0006, about 65 m)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    tg.settings.progress = False
    t0 = time.perf_counter()
    hdx = args.data / "hdx-cod-ab-tha"
    full_zip = hdx / "full-resolution" / "tha_adm3_tambon_full.zip"
    simp_zip = hdx / "tha_adm3_tambon_simplified.zip"
    full = tg.load_boundaries(full_zip, use_cache=False)
    simplified = tg.load_boundaries(simp_zip, use_cache=False)
    origin = province_origin(full, simplified)
    is_full = full["changwat_code"].map(origin).eq("full").to_numpy()
    log.info("origin: %d provinces full resolution, simplified: %s",
             sum(v == "full" for v in origin.values()),
             sorted(k for k, v in origin.items() if v == "simplified"))

    src = np.asarray(full.geometry.values)
    repaired, seam = repair_seams(src, is_full)
    inv_rep = int((~shapely.is_empty(shapely.coverage_invalid_edges(repaired))).sum())
    log.info("repaired coverage: %d polygons with invalid edges", inv_rep)
    area = gpd.GeoSeries(repaired, crs=4326).to_crs(ALBERS_TH).area.to_numpy() / 1e6

    base = full.copy()
    base = base.set_geometry(gpd.GeoSeries(repaired, index=full.index, crs=4326))
    simple = webgeom.simplify_coverage(base, tolerance=args.tolerance, method="arcs", cache=False)
    # simplify_coverage works on a 1e-7° grid (about 1 cm): its output is already on it.
    geoms = np.asarray(simple.geometry.values)
    bad = shapely.is_empty(geoms) | ~shapely.is_valid(geoms)
    if bad.any():
        raise SystemExit(f"{int(bad.sum())} polygons collapsed or broke when simplified")

    check = webgeom.check_coverage(base, gpd.GeoSeries(geoms, crs=4326))
    shift = vertex_shift_m(repaired, geoms)
    shift_src = vertex_shift_m(src, geoms)
    out = full.copy()
    out["area_km2"] = np.round(area, 4)
    out["origin"] = out["changwat_code"].map(origin)
    out = out.set_geometry(gpd.GeoSeries(geoms, index=full.index, crs=4326))[COLUMNS]
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / OUT_NAME
    out.to_parquet(path, index=False, compression="zstd", compression_level=19,
                   write_covering_bbox=False, schema_version="1.0.0")
    src_meta = datasets.get_source()
    figures = {
        "tambons": len(out),
        "amphoe": int(out["amphoe_code"].nunique()),
        "changwat": int(out["changwat_code"].nunique()),
        "vertices_source": int(shapely.get_num_coordinates(src).sum()),
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
        "parts_hdx": int(shapely.get_num_geometries(src).sum()),
        "parts_repaired": int(shapely.get_num_geometries(repaired).sum()),
        "parts": int(shapely.get_num_geometries(geoms).sum()),
        "invalid_coverage_edges_source": int(
            (~shapely.is_empty(shapely.coverage_invalid_edges(src))).sum()),
        "invalid_coverage_edges_repaired": inv_rep,
        "invalid_coverage_edges": check.invalid_coverage_after,
        "overlap_km2": round(check.overlap_km2_after, 6),
        "national_holes_repaired": national_holes(repaired),
        "national_holes": national_holes(geoms),
        "shift_m_p50": round(float(np.percentile(shift, 50)), 1),
        "shift_m_p99": round(float(np.percentile(shift, 99)), 1),
        "shift_m_max": round(float(shift.max()), 1),
        "hausdorff_m_max": round(check.max_shift_m, 1),
        "shift_vs_hdx_m_p99": round(float(np.percentile(shift_src, 99)), 1),
        "shift_vs_hdx_m_max": round(float(shift_src.max()), 1),
        **seam,
    }
    meta = {
        "file": OUT_NAME,
        "sha256": datasets.sha256(path),
        "bytes": path.stat().st_size,
        "source": src_meta.name,
        "title": src_meta.title,
        "page": src_meta.page,
        "built_from": [f"{full_zip.parent.name}/{full_zip.name}", simp_zip.name],
        "vintage": src_meta.vintage,
        "license": src_meta.license,
        "attribution": src_meta.attribution,
        "tolerance_deg": args.tolerance,
        "grid_deg": 1e-7,
        "area_crs": ALBERS_TH,
        "origin": dict(sorted(origin.items())),
        "figures": figures,
        "command": "python scripts/build_embedded_boundaries.py --data ../shared/data/boundaries",
    }
    (args.out / META_NAME).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    log.info("wrote %s (%.2f MB) in %.0f s: %s", path, path.stat().st_size / 1e6,
             time.perf_counter() - t0, json.dumps(figures))
    problems = [k for k in ("invalid_coverage_edges", "national_holes") if figures[k]]
    if figures["parts"] < max(figures["parts_repaired"], figures["parts_hdx"]) or figures[
            "overlap_km2"] > 0:
        problems.append("parts lost or overlaps")
    if problems:
        log.error("checks failed: %s", problems)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
