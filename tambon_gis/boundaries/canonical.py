"""Turn a layer as read into the canonical frame: columns, codes, geometry, names.

Finds the code and name columns (:data:`~tambon_gis.boundaries.KNOWN_COLUMNS` or
``columns=``), reads codes (:func:`tambon_gis.names.clean_code`), reprojects to EPSG:4326, repairs
invalid and mixed geometries, merges duplicate codes, checks the hierarchy, takes the names
from the gazetteer, and adds the region columns; what was done goes in the
:class:`~tambon_gis.boundaries.LoadReport`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import gazetteer
from tambon_gis._deprecation import warn_deprecated
from tambon_gis._errors import CodeError, CorruptFileError, CRSError, SchemaError
from tambon_gis._logging import get_logger
from tambon_gis.boundaries.read import _assume_crs, _guess_crs, _inside_thailand
from tambon_gis.boundaries.schema import (
    CANONICAL_COLUMNS,
    CODE_LENGTH,
    KNOWN_COLUMNS,
    THAILAND_BOUNDS,
    BoundaryWarning,
    LoadReport,
)
from tambon_gis.names import clean_code  # the one code normaliser (issue 9)
from tambon_gis.regions import REGION_EN, region_mapping

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

logger = get_logger("tambon_gis.boundaries")  # one logger for the whole package

def _drop_unreadable(
    raw: gpd.GeoDataFrame,
    info: dict[str, Any] | None,
    *,
    path: Path,
    level: str,
    columns: Mapping[str, str] | None,
    report: LoadReport,
    allow_partial: bool,
) -> gpd.GeoDataFrame:
    """Refuse a layer with unreadable features, or (``allow_partial``) leave them out."""
    if not info or not (info["rows"] or info["lost"]):
        return raw
    try:
        code_col = _find_columns(raw, level=level, columns=columns)[f"{level}_code"]
        codes = [
            _code_of(v, length=CODE_LENGTH[level]) for v in raw[code_col].iloc[info["rows"]]
        ]
    except (SchemaError, KeyError):
        codes = [None] * len(info["rows"])
    names = [c or f"feature {i + 1}" for i, c in zip(info["rows"], codes, strict=True)]
    names += [f"feature {i + 1}" for i in info["lost"]]
    n_missing = len(names)
    total = report.features_read
    shown = ", ".join(names[:10]) + (" ..." if n_missing > 10 else "")
    if not allow_partial:
        raise CorruptFileError(
            f"{str(path)!r} is truncated or damaged: {n_missing:,} of its {total:,} features "
            f"cannot be read ({info['why']}; missing: {shown}). Download or export the file "
            f"again; or pass allow_partial=True to load the "
            f"{total - n_missing:,} whole features, with the missing ones listed in the report"
        )
    report.unreadable = names
    message = (
        f"{str(path)!r} is truncated or damaged: {n_missing:,} of its {total:,} features were "
        f"left out ({info['why']}; missing: {shown})"
    )
    warnings.warn(message, BoundaryWarning, stacklevel=3)
    keep = np.ones(len(raw), dtype=bool)
    keep[info["rows"]] = False
    return raw.loc[keep].reset_index(drop=True)


def _canonicalise(
    raw: gpd.GeoDataFrame,
    *,
    level: str,
    columns: Mapping[str, str] | None,
    report: LoadReport,
    crs: Any,
) -> gpd.GeoDataFrame:
    """Map columns, fix codes and geometry, merge duplicates, take names from the gazetteer."""
    mapping = _find_columns(raw, level=level, columns=columns)
    code_col = f"{level}_code"
    codes = _normalize_codes(
        raw[mapping[code_col]], length=CODE_LENGTH[level], column=mapping[code_col]
    )
    provinces = set(gazetteer.changwats()["changwat_code"])
    unknown = sorted({c for c in codes if c[:2] not in provinces})
    if unknown:
        raise CodeError(
            f"{len(unknown)} code(s) of column {mapping[code_col]!r} start with no province code "
            f"({', '.join(unknown[:10])}): a Thai {level} code starts with its 2-digit changwat "
            "code (10-96). Is the right column mapped (columns={...})?"
        )

    if raw.crs is None:
        raw = _assume_crs(raw, crs=crs, report=report)
    src_crs = raw.crs
    geom = raw.geometry.values
    if src_crs.to_epsg() != 4326:
        report.crs = report.crs or src_crs.to_string()
        report.crs_from = report.crs_from or "file"
        geom = gpd.GeoSeries(geom, crs=src_crs).to_crs(4326).values
    frame = pd.DataFrame({code_col: codes})
    for canon, col in mapping.items():
        if canon != code_col:
            frame[canon] = raw[col].to_numpy()
    gdf = gpd.GeoDataFrame(frame, geometry=np.asarray(geom), crs=4326)
    bounds = gdf.total_bounds
    if len(gdf) and np.all(np.isfinite(bounds)) and not _inside_thailand(bounds):
        per = gdf.geometry.bounds
        x0, y0, x1, y1 = THAILAND_BOUNDS
        outside = ~((per.minx >= x0) & (per.miny >= y0) & (per.maxx <= x1) & (per.maxy <= y1))
        outside &= per.notna().all(axis=1)
        if outside.mean() < 0.5:
            codes = gdf.loc[outside, code_col].tolist()
            raise CRSError(
                f"{len(codes)} of {len(gdf):,} features lie outside Thailand (codes "
                f"{', '.join(codes[:10])}) while the rest of the layer is in place: their "
                "coordinates are wrong. Fix or remove those features and load again"
            )
        orig = gpd.GeoSeries(raw.geometry.values).total_bounds
        raise CRSError(
            f"the layer does not land on Thailand: in EPSG:4326 it spans "
            f"{np.round(bounds, 2).tolist()} (from CRS {src_crs.to_string()!r}). The coordinates "
            f"{np.round(orig, 1).tolist()} {_guess_crs(orig).removeprefix('they ')} The .prj is "
            "probably wrong: pass the right one with crs=... after removing the .prj, or fix it"
        )

    gdf = _fix_geometry(gdf, code_col=code_col, report=report)
    gdf = _merge_duplicates(gdf, code_col=code_col, report=report)
    _check_hierarchy(gdf, level=level, report=report)
    gdf = _attach_names(gdf, level=level, report=report)
    return gdf


def _find_columns(
    raw: pd.DataFrame, *, level: str, columns: Mapping[str, str] | None
) -> dict[str, str]:
    wanted = [c for c in CANONICAL_COLUMNS[level] if c not in ("region", "region_en", "geometry")]
    found: dict[str, str] = {}
    if columns:
        unknown_keys = sorted(set(columns) - set(wanted))
        if unknown_keys:
            raise SchemaError(
                f"columns= has keys {unknown_keys} that are not canonical columns of the {level} "
                f"level; expected some of {wanted}"
            )
        missing = sorted(v for v in columns.values() if v not in raw.columns)
        if missing:
            raise SchemaError(
                f"columns= names {missing}, which the layer does not have; it has "
                f"{[c for c in raw.columns if c != 'geometry']}"
            )
        found.update(columns)
    lower = {c.lower(): c for c in raw.columns}
    for canon in wanted:
        if canon in found:
            continue
        for cand in KNOWN_COLUMNS.get(canon, ()):
            if cand.lower() in lower:
                found[canon] = lower[cand.lower()]
                break
    code_col = f"{level}_code"
    if code_col not in found:
        have = [c for c in raw.columns if c != "geometry"]
        lower_have = {c.lower() for c in have}
        for other in CODE_LENGTH:
            cands = [c for c in KNOWN_COLUMNS[f"{other}_code"] if c.lower() in lower_have]
            if other != level and cands and not columns:
                raise SchemaError(
                    f"no {level} code column in this layer, but it has the {other} code column "
                    f"{cands[0]!r}: it looks like a layer of the {other} level. Pass "
                    f"level={other!r} to load it as {other} areas (or pass the {level} layer)"
                )
        raise SchemaError(
            f"no {level} code column found among the layer's columns {have}. tambon_gis reads "
            f"the HDX COD-AB schema ({KNOWN_COLUMNS[code_col][0]}, ...) on its own; for another "
            f"schema pass a mapping, e.g. load_boundaries(path, level={level!r}, "
            f"columns={{{code_col!r}: 'YOUR_CODE_COLUMN', {level + '_th'!r}: 'YOUR_THAI_NAME'}})"
        )
    return found


_LEVEL_OF_LENGTH = {2: "changwat", 4: "amphoe", 6: "tambon"}


def _code_of(value: Any, *, length: int) -> str | None:
    """Return the code of ``length`` digits in ``value`` (:func:`tambon_gis.names.clean_code`)."""
    level = _LEVEL_OF_LENGTH.get(length)
    return None if level is None else clean_code(value, level=level)


def normalise_code(value: Any, *, length: int) -> str | None:
    """Return a DOPA code of ``length`` digits, or ``None`` (deprecated).

    Deprecated: use :func:`tambon_gis.names.clean_code` with ``level="tambon"``,
    ``"amphoe"`` or ``"changwat"`` (the one code normaliser); this alias warns
    (``FutureWarning``) and goes in the next release.

    Examples
    --------
    >>> import warnings
    >>> from tambon_gis.boundaries import normalise_code
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", FutureWarning)
    ...     normalise_code("TH32-01 01", length=6)
    '320101'
    """
    level = _LEVEL_OF_LENGTH.get(length, "tambon")
    warn_deprecated(
        "tambon_gis.boundaries.normalise_code(value, length=...)",
        f"tambon_gis.names.clean_code(value, level={level!r})",
    )
    return _code_of(value, length=length)


def _normalize_codes(series: pd.Series, *, length: int, column: str) -> np.ndarray:
    values = series.tolist()
    out = [_code_of(v, length=length) for v in values]
    bad = [(i, v) for i, (v, c) in enumerate(zip(values, out, strict=True)) if c is None]
    if bad:
        shown = ", ".join(f"row {i}: {v!r}" for i, v in bad[:8])
        raise CodeError(
            f"{len(bad)} value(s) of column {column!r} are not {length}-digit codes ({shown}). "
            f"Fix those rows, or map the right column with columns={{...}}"
        )
    return np.asarray(out, dtype=object)


def _fix_geometry(gdf: gpd.GeoDataFrame, *, code_col: str, report: LoadReport) -> gpd.GeoDataFrame:
    geom = gdf.geometry.values
    missing = pd.isna(np.asarray(geom, dtype=object))
    arr = np.asarray(geom, dtype=object)
    arr[missing] = shapely.Polygon()
    types = shapely.get_type_id(arr)
    polygonal = np.isin(types, (3, 6))  # Polygon, MultiPolygon
    other = ~polygonal & ~shapely.is_empty(arr)
    if other.sum() > 0.5 * max(len(arr), 1):
        kinds = sorted(set(shapely.get_type_id(arr[other]).tolist()))
        names = {0: "Point", 1: "LineString", 2: "LinearRing", 4: "MultiPoint",
                 5: "MultiLineString", 7: "GeometryCollection"}  # fmt: skip
        raise SchemaError(
            f"this layer holds {', '.join(names.get(k, str(k)) for k in kinds)} geometries, not "
            "the polygons of areas (is it a layer of centroids or boundary lines?). Pass the "
            "polygon layer of the level"
        )
    if other.any():
        arr[other] = np.array([_polygonal(g) for g in arr[other]], dtype=object)
        report.non_polygonal = sorted(set(gdf.loc[other, code_col]))
        logger.info("kept the polygonal part of %d mixed geometries", int(other.sum()))
    empty = shapely.is_empty(arr)
    invalid = ~shapely.is_valid(arr) & ~empty
    if invalid.any():
        fixed = shapely.make_valid(arr[invalid], method="structure", keep_collapsed=False)
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
        arr[invalid] = fixed
        report.repaired = sorted(set(gdf.loc[invalid, code_col]))
        logger.info("repaired %d invalid geometries: %s", int(invalid.sum()), report.repaired[:10])
    empty = shapely.is_empty(arr)
    if empty.any():
        report.empty = sorted(set(gdf.loc[empty, code_col]))
    out = gdf.copy()
    out = out.set_geometry(gpd.GeoSeries(arr, crs=4326, index=gdf.index))
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep the polygonal part of a repaired geometry."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def _merge_duplicates(
    gdf: gpd.GeoDataFrame, *, code_col: str, report: LoadReport
) -> gpd.GeoDataFrame:
    dup = gdf[code_col].duplicated(keep=False)
    if not dup.any():
        return gdf
    counts = gdf.loc[dup, code_col].value_counts()
    report.merged = {str(k): int(v) for k, v in sorted(counts.items())}
    keep = gdf.loc[~gdf[code_col].duplicated(keep="first")].copy()
    merged_geoms = (
        gdf.loc[dup].groupby(code_col)["geometry"].agg(lambda s: shapely.union_all(s.values))
    )
    idx = keep[code_col].isin(merged_geoms.index)
    keep.loc[idx, "geometry"] = keep.loc[idx, code_col].map(merged_geoms).values
    empty_now = set(report.empty) - {c for c in report.empty if c in merged_geoms.index
                                     and not merged_geoms[c].is_empty}  # fmt: skip
    report.empty = sorted(empty_now)
    logger.info("merged %d duplicate codes (%d rows)", len(counts), int(counts.sum()))
    return keep.reset_index(drop=True)


def _check_hierarchy(gdf: gpd.GeoDataFrame, *, level: str, report: LoadReport) -> None:
    code = gdf[f"{level}_code"]
    bad = pd.Series(False, index=gdf.index)
    for parent in ("amphoe", "changwat"):
        col = f"{parent}_code"
        if col == f"{level}_code" or col not in gdf.columns:
            continue
        n = CODE_LENGTH[parent]
        if CODE_LENGTH[level] <= n:
            continue
        parent_codes = pd.Series(
            [_code_of(v, length=n) for v in gdf[col].tolist()], index=gdf.index
        )
        bad |= parent_codes.ne(code.str[:n])
    if bad.any():
        report.hierarchy_mismatch = sorted(set(code[bad]))


def _clean_name(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).replace("\ufffd", "").strip()
    return text or None


def _attach_names(gdf: gpd.GeoDataFrame, *, level: str, report: LoadReport) -> gpd.GeoDataFrame:
    code_col = f"{level}_code"
    table = {"tambon": gazetteer.tambons, "amphoe": gazetteer.amphoes,
             "changwat": gazetteer.changwats}[level]()  # fmt: skip
    cols = [c for c in CANONICAL_COLUMNS[level] if c not in ("region", "region_en", "geometry")]
    names = table[cols]
    known = gdf[code_col].isin(names[code_col])
    report.not_in_gazetteer = sorted(gdf.loc[~known, code_col])
    if report.not_in_gazetteer:
        ab = gazetteer.abolished().set_index("code")
        report.abolished = {
            c: cast(str, ab.at[c, "successors"]).split()
            for c in report.not_in_gazetteer
            if c in ab.index
        }
    # Only within the provinces the layer covers: a one-province layer misses nothing else.
    covered = names[code_col].str[:2].isin(set(gdf[code_col].str[:2]))
    report.missing_from_layer = sorted(set(names.loc[covered, code_col]) - set(gdf[code_col]))

    out = gdf[[code_col, "geometry"]].merge(names, on=code_col, how="left")
    out.index = gdf.index
    # Areas unknown to the gazetteer: parents from the gazetteer by prefix, names from the layer.
    for parent, table_fn in (("amphoe", gazetteer.amphoes), ("changwat", gazetteer.changwats)):
        pcode = f"{parent}_code"
        if pcode not in cols or pcode == code_col:
            continue
        n = CODE_LENGTH[parent]
        missing = out[pcode].isna()
        if missing.any():
            out.loc[missing, pcode] = out.loc[missing, code_col].str[:n]
            ptable = table_fn().set_index(pcode)
            for suffix in ("th", "en"):
                col = f"{parent}_{suffix}"
                out.loc[missing, col] = out.loc[missing, pcode].map(ptable[col])
    for col in cols:
        if col == code_col:
            continue
        if col in gdf.columns:
            fallback = gdf[col].map(_clean_name)
            out[col] = out[col].where(out[col].notna(), fallback)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def _finish(
    out: gpd.GeoDataFrame,
    report: LoadReport,
    *,
    level: str,
    region_scheme: str | Mapping[str, str] | None,
) -> gpd.GeoDataFrame:
    out = out.copy()
    code_col = f"{level}_code"
    mapping = region_mapping(region_scheme)
    out["region"] = out[code_col].str[:2].map(mapping)
    out["region_en"] = out["region"].map(lambda r: REGION_EN.get(r, r) if isinstance(r, str) else r)
    out = out[CANONICAL_COLUMNS[level]].sort_values(code_col, kind="stable")
    out = out.reset_index(drop=True)
    report.rows = len(out)
    # the report goes beside the frame (load_boundaries_with_report); a layer loaded before
    # and passed again does not keep its old one
    out.attrs.pop("load_report", None)
    notes = report.summary_lines()[2:]
    if notes:
        # Said once per file: a read from the cache (the same file again) only logs it.
        (logger.info if report.from_cache else logger.warning)(
            "%s: %s (details: tambon_gis.boundaries.load_boundaries_with_report)",
            Path(report.source).name,
            "; ".join(line.split(" (")[0] for line in notes if not line.startswith("abolished")),
        )
    logger.info("load_boundaries returned %s", report.summary_lines()[0])
    return out
