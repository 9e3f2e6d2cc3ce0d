"""Load Thai administrative boundaries into one canonical schema, and dissolve them upward.

:func:`load_boundaries` reads the files analysts have — HDX COD-AB shapefiles (plain, zipped or
in a folder), GeoPackage, GeoJSON, GeoParquet, or a GeoDataFrame — and returns the same columns
whatever the source:

========================  ==================================================================
column                    meaning
========================  ==================================================================
``tambon_code``           6-digit DOPA code (``str``), e.g. ``"320101"``
``tambon_th/_en``         names from the official gazetteer (``geothai``), whole, not cut
``amphoe_code``           4-digit code; ``amphoe_th``, ``amphoe_en``
``changwat_code``         2-digit code; ``changwat_th``, ``changwat_en``
``region``, ``region_en``  region of the province (:mod:`tambon_gis.regions`)
``geometry``              (Multi)Polygon in EPSG:4326
========================  ==================================================================

Upper levels carry the columns from their own level up. What was repaired, merged or could not
be matched to the gazetteer is recorded in ``gdf.attrs["load_report"]`` (a plain dict, so the
frame still writes to GeoParquet) and logged; :func:`load_report` turns it back into a
:class:`LoadReport`.

Examples
--------
>>> import tambon_gis as tg
>>> gdf = tg.load_boundaries(tambon_zip)  # doctest: +SKIP
>>> gdf[["tambon_code", "tambon_th", "amphoe_th", "changwat_th"]].head(1)  # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import re
import struct
import threading
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis import gazetteer, settings
from tambon_gis._errors import (
    CodeError,
    CorruptFileError,
    CRSError,
    DataNotFoundError,
    EncodingError,
    SchemaError,
    ValidationError,
)
from tambon_gis._logging import get_logger, progress
from tambon_gis.regions import REGION_EN, region_mapping

logger = get_logger(__name__)

Level = Literal["tambon", "amphoe", "changwat"]
LEVELS: tuple[str, ...] = ("tambon", "amphoe", "changwat", "region")
CODE_LENGTH = {"tambon": 6, "amphoe": 4, "changwat": 2}
_PARENT = {"tambon": "amphoe", "amphoe": "changwat"}

#: Canonical columns of each level, in order (``geometry`` last).
CANONICAL_COLUMNS: dict[str, list[str]] = {
    "tambon": [
        "tambon_code", "tambon_th", "tambon_en",
        "amphoe_code", "amphoe_th", "amphoe_en",
        "changwat_code", "changwat_th", "changwat_en",
        "region", "region_en", "geometry",
    ],
    "amphoe": [
        "amphoe_code", "amphoe_th", "amphoe_en",
        "changwat_code", "changwat_th", "changwat_en",
        "region", "region_en", "geometry",
    ],
    "changwat": ["changwat_code", "changwat_th", "changwat_en", "region", "region_en", "geometry"],
    "region": ["region", "region_en", "geometry"],
}  # fmt: skip

#: Column names recognised on their own, per canonical column (first found wins).
#: HDX COD-AB names first, then common Thai agency layers.
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "tambon_code": ("ADM3_PCODE", "tambon_code", "TAM_CODE", "TB_CODE", "T_CODE", "TAMBON_ID",
                    "SUBDIST_CODE", "subdistrict_code", "TB_IDN"),
    "tambon_th": ("ADM3_TH", "tambon_th", "TAM_NAMT", "TB_TN", "T_NAME_T", "TAMBON_T"),
    "tambon_en": ("ADM3_EN", "tambon_en", "TAM_NAMEE", "TB_EN", "T_NAME_E", "TAMBON_E"),
    "amphoe_code": ("ADM2_PCODE", "amphoe_code", "AMP_CODE", "AP_CODE", "A_CODE", "AMPHOE_ID",
                    "DIST_CODE", "district_code", "AP_IDN"),
    "amphoe_th": ("ADM2_TH", "amphoe_th", "AMP_NAMT", "AP_TN", "A_NAME_T", "AMPHOE_T"),
    "amphoe_en": ("ADM2_EN", "amphoe_en", "AMP_NAMEE", "AP_EN", "A_NAME_E", "AMPHOE_E"),
    "changwat_code": ("ADM1_PCODE", "changwat_code", "PROV_CODE", "PV_CODE", "P_CODE",
                      "CHANGWAT_ID", "province_code", "PV_IDN"),
    "changwat_th": ("ADM1_TH", "changwat_th", "PROV_NAMT", "PV_TN", "P_NAME_T", "PROV_NAM_T"),
    "changwat_en": ("ADM1_EN", "changwat_en", "PROV_NAMEE", "PV_EN", "P_NAME_E", "PROV_NAM_E"),
}  # fmt: skip

#: Thailand's extent in EPSG:4326 (lon/lat), with a margin of about 0.5°.
THAILAND_BOUNDS = (97.0, 5.0, 106.2, 21.0)

#: Projections Thai layers come in, tried when a layer does not land on Thailand.
_CANDIDATE_CRS = {
    "EPSG:4326": "WGS 84 longitude/latitude",
    "EPSG:32647": "WGS 84 / UTM zone 47N",
    "EPSG:32648": "WGS 84 / UTM zone 48N",
    "EPSG:24047": "Indian 1975 / UTM zone 47N",
    "EPSG:24048": "Indian 1975 / UTM zone 48N",
    "EPSG:4240": "Indian 1975 longitude/latitude",
}

_VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".parquet", ".geoparquet", ".fgb")
_CACHE_FORMAT = 3


class BoundaryWarning(UserWarning):
    """An assumption was made while loading boundaries (e.g. a missing CRS was guessed)."""


@dataclass
class LoadReport:
    """What :func:`load_boundaries` found and did while reading a layer.

    Attributes
    ----------
    source : str
        The file read (or ``"<GeoDataFrame>"``).
    level : str
        ``"tambon"``, ``"amphoe"`` or ``"changwat"``.
    features_read : int
        Rows in the source.
    rows : int
        Rows returned (after merging duplicate codes).
    encoding : str or None
        Text encoding used for a shapefile's DBF, and how it was chosen (``encoding_from``).
    crs : str or None
        The source CRS (``crs_from`` says whether it was read, given or assumed).
    repaired : list of str
        Codes whose invalid geometry was repaired with ``shapely.make_valid``.
    empty : list of str
        Codes with an empty or missing geometry (kept, with an empty geometry).
    merged : dict
        Code -> number of rows merged into one (pieces of one area in several rows).
    hierarchy_mismatch : list of str
        Codes whose parent code column disagrees with the code's own prefix.
    not_in_gazetteer : list of str
        Codes unknown to the gazetteer in force (names kept from the layer).
    abolished : dict
        Of those, codes the gazetteer lists as abolished -> their successors.
    missing_from_layer : list of str
        Gazetteer codes of this level that the layer does not have (a newer split, say).
    unreadable : list of str
        Features of the file that could not be read (a truncated or damaged file), by code, or
        ``"feature N"`` (1-based) when even the code is lost. A load with unreadable features
        is refused unless ``allow_partial=True``; then they are left out of the result.
    """

    source: str
    level: str
    features_read: int = 0
    rows: int = 0
    encoding: str | None = None
    encoding_from: str | None = None
    crs: str | None = None
    crs_from: str | None = None
    repaired: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    merged: dict[str, int] = field(default_factory=dict)
    hierarchy_mismatch: list[str] = field(default_factory=list)
    not_in_gazetteer: list[str] = field(default_factory=list)
    abolished: dict[str, list[str]] = field(default_factory=dict)
    missing_from_layer: list[str] = field(default_factory=list)
    outside_thailand: list[str] = field(default_factory=list)
    non_polygonal: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    from_cache: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a plain dict (JSON-serialisable)."""
        return asdict(self)

    def summary_lines(self) -> list[str]:
        """Return the report as short human-readable lines."""
        lines = [
            f"{self.rows:,} {self.level} areas from {self.features_read:,} features of "
            f"{self.source}",
            f"encoding: {self.encoding or 'n/a'} ({self.encoding_from or 'n/a'}); "
            f"CRS: {self.crs or 'n/a'} ({self.crs_from or 'n/a'})",
        ]
        for label, items in (
            ("unreadable features left out (damaged file)", self.unreadable),
            ("repaired invalid geometries", self.repaired),
            ("empty geometries", self.empty),
            ("merged duplicate codes", list(self.merged)),
            ("parent code disagrees with the code", self.hierarchy_mismatch),
            ("codes not in the gazetteer", self.not_in_gazetteer),
            ("gazetteer codes missing from the layer", self.missing_from_layer),
        ):
            if items:
                shown = ", ".join(items[:8]) + (" ..." if len(items) > 8 else "")
                lines.append(f"{label}: {len(items)} ({shown})")
        for code, successors in self.abolished.items():
            lines.append(f"abolished code {code} -> now {' '.join(successors) or '(no successor)'}")
        return lines

    def __repr__(self) -> str:
        return "LoadReport(\n  " + "\n  ".join(self.summary_lines()) + "\n)"

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.summary_lines())
        return f"<b>LoadReport</b><ul>{items}</ul>"


def load_report(gdf: pd.DataFrame) -> LoadReport:
    """Return the :class:`LoadReport` of a frame returned by :func:`load_boundaries`.

    Parameters
    ----------
    gdf : GeoDataFrame
        A result of :func:`load_boundaries` (or a slice or copy of one).

    Returns
    -------
    LoadReport

    Raises
    ------
    SchemaError
        When the frame did not come from :func:`load_boundaries` (a ``KeyError``).

    Examples
    --------
    >>> import tambon_gis as tg
    >>> tg.boundaries.load_report(tambons).rows  # doctest: +SKIP
    7425
    """
    data = gdf.attrs.get("load_report")
    if data is None:
        raise SchemaError(
            "this frame has no load report: it was not returned by load_boundaries (or its "
            "attrs were dropped). Load it with tambon_gis.load_boundaries"
        )
    if isinstance(data, LoadReport):
        return data
    known = set(LoadReport.__dataclass_fields__)
    return LoadReport(**{k: v for k, v in data.items() if k in known})


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def load_boundaries(
    source: str | Path | gpd.GeoDataFrame | None = None,
    *,
    level: Level = "tambon",
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
    crs: Any = None,
    region_scheme: str | Mapping[str, str] | None = None,
    layer: str | int | None = None,
    use_cache: bool | None = None,
    allow_partial: bool = False,
    resolution: Literal["auto", "full", "embedded"] = "auto",
) -> gpd.GeoDataFrame:
    """Load administrative boundaries into the canonical tambon_gis schema.

    Parameters
    ----------
    source : str, Path, GeoDataFrame or None
        A shapefile (``.shp``, a ``.zip`` holding one, or a folder), a GeoPackage, GeoJSON,
        GeoParquet (``.parquet``) or FlatGeobuf file, or a GeoDataFrame. ``None`` finds the
        boundaries of ``level`` in this order: ``$TAMBON_GIS_BOUNDARIES``, the project's
        ``data/boundaries/``, a full layer already in the download cache, then the national
        layer embedded in the package (see :mod:`tambon_gis.datasets`); it logs which.
    level : {"tambon", "amphoe", "changwat"}
        The administrative level of the layer.
    columns : mapping, optional
        Canonical column -> source column, for a schema tambon_gis does not recognise, e.g.
        ``{"tambon_code": "TB_IDN", "tambon_th": "TB_TN"}``. Only the code of ``level`` is
        required; names are taken from the gazetteer by code.
    encoding : str, optional
        Text encoding of a shapefile's DBF. Always wins. Without it, a ``.cpg`` file is used,
        else UTF-8 or TIS-620/cp874 is decided from the bytes.
    crs : optional
        CRS to assume when the file has none (anything ``pyproj.CRS.from_user_input`` takes).
        Without it, lon/lat values inside Thailand are taken as EPSG:4326 with a warning.
    region_scheme : str or mapping, optional
        Grouping for the ``region`` column: ``"six"`` (default), ``"four"``, ``"five"`` or a
        mapping ``{changwat_code: region}`` (see :mod:`tambon_gis.regions`).
    layer : str or int, optional
        Layer name or index in a multi-layer file (GeoPackage).
    use_cache : bool, optional
        Reuse (and write) a GeoParquet cache of this file; default ``settings.use_cache``.
    allow_partial : bool, default False
        Load what can be read of a truncated or damaged file (features whose geometry or
        attributes are cut off are left out and listed in the report's ``unreadable``).
        Without it such a file is refused with a :class:`~tambon_gis.errors.CorruptFileError`
        that says how many features are missing.
    resolution : {"auto", "full", "embedded"}
        With ``source=None`` only. ``"auto"`` (default): a local full layer if there is one,
        else the embedded layer (no network). ``"full"``: never the embedded layer; the
        full-resolution HDX layer is downloaded (358 MB, once) when no copy is found.
        ``"embedded"``: always the embedded layer. The embedded layer (all 7,425 tambons,
        borders simplified to about 65 m) also has ``area_km2`` (computed on the
        full-resolution geometry in an equal-area projection) at every level, and
        ``attrs["boundary_layer"]`` says which layer a frame came from.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area, sorted by code, in EPSG:4326, with the columns of
        ``CANONICAL_COLUMNS[level]``. ``attrs["load_report"]`` holds the report as a dict;
        ``load_report(gdf)`` returns it as a :class:`LoadReport`.

    Raises
    ------
    SchemaError
        The layer has no recognisable code column; the message lists the columns found and
        the ``columns=`` mapping to pass.
    EncodingError
        Names decode to mojibake or to nothing readable.
    CRSError
        No CRS and coordinates outside Thailand, or the layer does not land on Thailand.
    CodeError
        Codes that are not 2/4/6 digits.
    CorruptFileError
        The file is empty, truncated, damaged or not of the format its name says, a shapefile
        has no ``.dbf``, or a ``.parquet`` file has no GeoParquet metadata.

    Examples
    --------
    >>> import tambon_gis as tg
    >>> gdf = tg.load_boundaries(simplified_zip)  # doctest: +SKIP
    >>> len(gdf), gdf.crs.to_epsg()  # doctest: +SKIP
    (7425, 4326)
    >>> gdf.loc[gdf.tambon_code == "801210", "tambon_th"].item()  # doctest: +SKIP
    'ปากพนังฝั่งตะวันตก'
    """
    if level not in CODE_LENGTH:
        raise ValidationError(
            f"level={level!r} is not a level boundaries are loaded at: expected 'tambon', "
            "'amphoe' or 'changwat' (use to_level(gdf, 'region') for regions)"
        )
    if source is None:
        from tambon_gis import datasets

        source = datasets.boundaries_path(level=level, resolution=resolution)
        if Path(source) == datasets.embedded_path():
            return _load_embedded(level=level, region_scheme=region_scheme)
    if isinstance(source, gpd.GeoDataFrame):
        report = LoadReport(source="<GeoDataFrame>", level=level, features_read=len(source))
        if len(source) == 0:
            raise DataNotFoundError("the GeoDataFrame passed to load_boundaries has no rows")
        _check_mojibake(source, path=None, given=False)
        raw = source.copy()
        if raw.crs is None and crs is not None:
            raw = raw.set_crs(crs)
        out = _canonicalise(raw, level=level, columns=columns, report=report, crs=crs)
        return _finish(out, report, level=level, region_scheme=region_scheme)

    path = _resolve_path(Path(source), level=level)
    use_cache = settings.use_cache if use_cache is None else use_cache
    key = _cache_key(
        path,
        level=level,
        columns=columns,
        encoding=encoding,
        crs=crs,
        layer=layer,
        **({"allow_partial": True} if allow_partial else {}),
    )
    cache_file = settings.get_cache_folder() / "boundaries" / f"{key}.parquet"
    if use_cache and cache_file.exists():
        try:
            out = _epsg_crs(gpd.read_parquet(cache_file))
            meta = json.loads(cache_file.with_suffix(".json").read_text(encoding="utf-8"))
            report = LoadReport(**meta)
            report.from_cache = True
            for message in report.warnings:
                warnings.warn(message, BoundaryWarning, stacklevel=2)
            logger.info("read %s from the cache %s", path, cache_file)
            return _finish(out, report, level=level, region_scheme=region_scheme)
        except (OSError, ValueError, TypeError) as exc:  # a broken cache is rebuilt
            logger.warning("cache %s unreadable (%s); reading the source again", cache_file, exc)

    report = LoadReport(source=str(path), level=level)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = _read_file(path, level=level, encoding=encoding, layer=layer, report=report)
        raw = _drop_unreadable(raw, path=path, level=level, columns=columns, report=report,
                               allow_partial=allow_partial)  # fmt: skip
        if len(raw) == 0:
            raise DataNotFoundError(
                f"{str(path)!r} has no features"
                f"{f' in layer {layer!r}' if layer is not None else ''}:"
                " check the file (or pass layer=... for a multi-layer file)"
            )
        if raw.crs is None:
            raw = _assume_crs(raw, crs=crs, report=report)
        else:
            report.crs, report.crs_from = raw.crs.to_string(), "file"
        out = _canonicalise(raw, level=level, columns=columns, report=report, crs=crs)
    for w in caught:
        if issubclass(w.category, BoundaryWarning):
            report.warnings.append(str(w.message))
        warnings.warn(w.message, w.category, stacklevel=2)
    if use_cache:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        out.to_parquet(tmp, index=False, compression="zstd", write_covering_bbox=False)
        tmp.replace(cache_file)
        cache_file.with_suffix(".json").write_text(
            json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
    return _finish(out, report, level=level, region_scheme=region_scheme)


def to_level(
    gdf: gpd.GeoDataFrame,
    level: Literal["amphoe", "changwat", "region"],
    *,
    region_scheme: str | Mapping[str, str] | None = None,
    method: Literal["auto", "unary", "coverage"] = "auto",
) -> gpd.GeoDataFrame:
    """Dissolve areas upward to amphoe, changwat or region.

    Parameters
    ----------
    gdf : GeoDataFrame
        Canonical boundaries (from :func:`load_boundaries`) at a lower level than ``level``.
    level : {"amphoe", "changwat", "region"}
        The level to dissolve to.
    region_scheme : str or mapping, optional
        Region grouping when ``level="region"`` (defaults to the grouping already in ``gdf``).
    method : {"auto", "unary", "coverage"}
        ``"auto"`` (default) unions each group with ``shapely.coverage_union_all`` and checks
        the result's area against the sum of its parts; a group whose parts overlap (as some
        do in the real full-resolution layer) is unioned again robustly with
        ``shapely.union_all``. ``"unary"`` always takes the robust way, ``"coverage"`` never.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area of ``level``, sorted by code, with ``CANONICAL_COLUMNS[level]`` and
        names from the gazetteer. Slivers left by gaps between the input areas (interior
        rings smaller than 0.01 km² that no input area covers) are filled, so shared borders
        stay clean.

    Examples
    --------
    >>> import tambon_gis as tg
    >>> amphoe = tg.to_level(tambons, "amphoe")  # doctest: +SKIP
    >>> len(amphoe)  # doctest: +SKIP
    928
    """
    if level not in ("amphoe", "changwat", "region"):
        raise ValidationError(
            f"level={level!r}: expected 'amphoe', 'changwat' or 'region' "
            "(to read tambons use load_boundaries)"
        )
    key = "region" if level == "region" else f"{level}_code"
    if key not in gdf.columns:
        raise SchemaError(
            f"to_level(..., {level!r}) needs a {key!r} column; found {list(gdf.columns)}. "
            "Load the layer with tambon_gis.load_boundaries first."
        )
    src = gdf
    if level == "region" and region_scheme is not None:
        src = gdf.copy()
        src["region"] = src["changwat_code"].map(region_mapping(region_scheme))
    src = src.to_crs(4326) if src.crs is not None and src.crs.to_epsg() != 4326 else src
    if method not in ("auto", "unary", "coverage"):
        raise ValidationError(f"method={method!r}: expected 'auto', 'unary' or 'coverage'")
    if src[key].isna().any():
        raise CodeError(
            f"{int(src[key].isna().sum())} rows have no {key!r}; give every row one (for regions, "
            "a region_scheme that covers all 77 provinces) before to_level"
        )
    groups = src.groupby(key, sort=True).indices
    keys = list(groups)
    geoms = []
    values = src.geometry.values
    fallbacks = 0
    for k in progress(keys, total=len(keys), desc=f"dissolving to {level}"):
        parts = values[groups[k]]
        parts = parts[~shapely.is_empty(parts)]
        merged = None
        if method in ("auto", "coverage"):
            merged = shapely.coverage_union_all(parts)
            if method == "auto":
                # A clean coverage unions to exactly the sum of its parts; overlapping
                # neighbours (as in the real full-resolution layer) do not: redo those robustly.
                total = float(shapely.area(parts).sum())
                if not merged.is_valid or abs(merged.area - total) > 1e-9 * max(total, 1e-12):
                    merged = None
                    fallbacks += 1
        if merged is None:
            merged = shapely.union_all(parts)
        geoms.append(_fill_slivers(merged, parts))
    if fallbacks:
        logger.info(
            "to_level: %d of %d groups overlap inside and were unioned robustly",
            fallbacks,
            len(keys),
        )
    out = pd.DataFrame({key: keys})
    if level == "amphoe":
        names = gazetteer.amphoes()[CANONICAL_COLUMNS["amphoe"][:-3]]
        out = out.merge(names, on="amphoe_code", how="left")
        out = _fill_names_from(out, src, level="amphoe")
    elif level == "changwat":
        names = gazetteer.changwats()[CANONICAL_COLUMNS["changwat"][:-3]]
        out = out.merge(names, on="changwat_code", how="left")
        out = _fill_names_from(out, src, level="changwat")
    if level != "region":
        first = src.groupby(key, sort=True)["region"].first()
        out["region"] = out[key].map(first)
    out["region_en"] = out["region"].map(lambda r: REGION_EN.get(r, r))
    out = gpd.GeoDataFrame(out, geometry=geoms, crs=4326)
    out = out[CANONICAL_COLUMNS[level]]
    logger.info(
        "to_level returned %s %s areas from %s rows", f"{len(out):,}", level, f"{len(gdf):,}"
    )
    return out


# --------------------------------------------------------------------------------------------
# The embedded layer
# --------------------------------------------------------------------------------------------

_EMBEDDED_LOCK = threading.Lock()
_EMBEDDED: dict[str, gpd.GeoDataFrame] = {}


def _embedded_level(level: str) -> gpd.GeoDataFrame:
    """Return the embedded layer at ``level`` (dissolved from the tambons once per process)."""
    from tambon_gis import datasets

    with _EMBEDDED_LOCK:
        if level not in _EMBEDDED:
            if "tambon" not in _EMBEDDED:
                _EMBEDDED["tambon"] = _epsg_crs(gpd.read_parquet(datasets.embedded_path()))
            tambons = _EMBEDDED["tambon"]
            if level != "tambon":
                up = to_level(tambons, level)  # type: ignore[arg-type]
                area = tambons.groupby(f"{level}_code")["area_km2"].sum().round(4)
                up["area_km2"] = up[f"{level}_code"].map(area)
                _EMBEDDED[level] = up
        return _EMBEDDED[level]


def _load_embedded(
    *, level: str, region_scheme: str | Mapping[str, str] | None
) -> gpd.GeoDataFrame:
    from tambon_gis import datasets

    info = datasets.embedded_info()
    src = _embedded_level(level)
    report = LoadReport(
        source=f"embedded:{datasets.embedded_path().name}",
        level=level,
        features_read=len(src),
        crs="EPSG:4326",
        crs_from="file",
    )
    out = _finish(src, report, level=level, region_scheme=region_scheme)
    area = src.set_index(f"{level}_code")["area_km2"]
    out.insert(len(out.columns) - 1, "area_km2", out[f"{level}_code"].map(area).to_numpy())
    out.attrs["boundary_layer"] = {
        "layer": "embedded",
        "resolution": "embedded",
        "tolerance_deg": info["tolerance_deg"],
        "shift_m_p99": info["figures"]["shift_m_p99"],
        "vintage": info["vintage"],
        "license": info["license"],
        "attribution": info["attribution"],
        "sha256": info["sha256"],
    }
    return out


class ResolutionWarning(BoundaryWarning):
    """Work where border precision matters was given the embedded (simplified) layer."""


def is_embedded(gdf: pd.DataFrame) -> bool:
    """Tell whether a frame holds the embedded (simplified) national layer.

    Parameters
    ----------
    gdf : DataFrame or GeoDataFrame
        A result of :func:`load_boundaries` (or a copy or slice of one).

    Returns
    -------
    bool

    Examples
    --------
    >>> import tambon_gis as tg
    >>> tg.boundaries.is_embedded(tg.load_boundaries(resolution="embedded"))
    True
    """
    layer = gdf.attrs.get("boundary_layer") or {}
    return layer.get("layer") == "embedded"


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------

_LEVEL_HINTS = {
    "tambon": ("adm3", "tambon", "subdistrict", "subdistricts", "khwaeng", "tam"),
    "amphoe": ("adm2", "amphoe", "district", "districts", "khet", "amp"),
    "changwat": ("adm1", "changwat", "province", "provinces", "prov"),
}
# Words that mark a layer as not polygons of areas (centroids, lines), even when it names a level.
_NOT_AREAS = ("centroid", "centroids", "point", "points", "pt", "label", "labels", "line", "lines",
              "admbndl", "admbndp")  # fmt: skip


def _level_score(name: str, level: str) -> int:
    """Score how much a file name says it is the layer of ``level`` (0: not at all).

    Names are split into word tokens ("tha_admbnda_adm3_rtsd" -> tha, admbnda, adm3, rtsd), so
    "amp" does not match Lampang or Kamphaeng Phet.
    """
    tokens = re.split(r"[^a-z0-9]+", Path(name).stem.lower())
    if any(t in _NOT_AREAS for t in tokens):
        return 0
    for rank, hint in enumerate(_LEVEL_HINTS[level]):
        if hint in tokens:
            return len(_LEVEL_HINTS[level]) - rank
    return 0


def _is_junk_member(name: str) -> bool:
    """MacOS resource forks and folders zipped by Finder."""
    norm = name.replace("\\", "/")
    return norm.startswith("__MACOSX/") or "/__MACOSX/" in norm or Path(norm).name.startswith("._")


def _resolve_path(path: Path, *, level: str) -> Path:
    """Turn a folder into the one boundary file of ``level`` it holds."""
    if not path.exists():
        raise DataNotFoundError(
            f"no boundary file at {str(path)!r}: expected a .shp, a .zip holding one, a folder, "
            "a .gpkg, .geojson or .parquet file. Check the path, or call load_boundaries() "
            "with no path to use $TAMBON_GIS_BOUNDARIES, data/boundaries/ or a download."
        )
    if not path.is_dir():
        return path
    files = [
        p for p in path.rglob("*")
        if p.is_file() and (p.suffix.lower() in _VECTOR_SUFFIXES or p.suffix.lower() == ".zip")
        and not _is_junk_member(str(p.relative_to(path)))
    ]  # fmt: skip
    if not files:
        raise DataNotFoundError(
            f"the folder {str(path)!r} holds no boundary file (.shp, .zip, .gpkg, .geojson, "
            ".parquet): put one there or pass the file itself"
        )
    if len(files) == 1:
        return files[0]
    scored = [(_level_score(p.name, level), -len(p.relative_to(path).parts), p) for p in files]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        names = ", ".join(sorted(p.name for p in files)[:10])
        raise DataNotFoundError(
            f"the folder {str(path)!r} holds several files ({names}) and none is named like a "
            f"{level} layer (adm3/tambon, adm2/amphoe, adm1/changwat): pass the file itself"
        )
    scored.sort(key=lambda s: (-s[0], -s[1], str(s[2])))
    return scored[0][2]


def _zip_members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def _pick_zip_member(path: Path, *, level: str) -> str:
    members = [m for m in _zip_members(path) if not _is_junk_member(m)]
    vectors = [m for m in members if Path(m.replace("\\", "/")).suffix.lower() in _VECTOR_SUFFIXES]
    if not vectors:
        raise DataNotFoundError(
            f"{str(path)!r} holds no .shp, .gpkg, .geojson or .parquet file "
            f"(members: {', '.join(members[:10])})"
        )
    if len(vectors) == 1:
        return vectors[0]

    def name(m: str) -> str:
        return Path(m.replace("\\", "/")).name

    ranked = sorted(vectors, key=lambda m: (-_level_score(name(m), level), m))
    if _level_score(name(ranked[0]), level) == 0:
        raise DataNotFoundError(
            f"{str(path)!r} holds several layers ({', '.join(vectors[:10])}) and none is named "
            f"like a {level} layer: unzip it and pass the .shp of the {level} level"
        )
    return ranked[0]


def _read_dbf_bytes(path: Path, member: str | None) -> tuple[bytes | None, str | None]:
    """Return (first bytes of the DBF, content of the .cpg or None) of a shapefile."""
    limit = 4 * 1024 * 1024
    if member is not None:
        with zipfile.ZipFile(path) as zf:
            names = {n.lower(): n for n in zf.namelist()}
            stem = member[: -len(Path(member).suffix)]
            dbf = names.get(f"{stem}.dbf".lower())
            cpg = names.get(f"{stem}.cpg".lower())
            data = None
            if dbf:
                with zf.open(dbf) as fh:
                    data = fh.read(limit)
            cp = zf.read(cpg).decode("utf-8-sig", "replace").strip() if cpg else None
            return data, cp
    dbf = _sibling(path, ".dbf")
    cpg = _sibling(path, ".cpg")
    data = None
    if dbf is not None:
        with dbf.open("rb") as fh:
            data = fh.read(limit)
    cp = cpg.read_text("utf-8-sig", errors="replace").strip() if cpg else None
    return data, cp


def _sibling(path: Path, suffix: str) -> Path | None:
    for cand in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if cand.exists():
            return cand
    return None


_THAI = re.compile("[\u0e00-\u0e7f]")
# Mojibake of Thai UTF-8 read as Latin-1/cp1252: "à¸" / "à¹" followed by a high character.
_MOJIBAKE = re.compile("[àÃ][\u00b8\u00b9\u0080-\u00bf¸¹]")


def detect_encoding(data: bytes, *, source: str | None = None) -> str:
    """Decide whether DBF bytes are UTF-8 or TIS-620/cp874.

    Parameters
    ----------
    data : bytes
        The DBF file (or its first few megabytes).
    source : str, optional
        The file name, for the error message.

    Returns
    -------
    str
        ``"utf-8"`` or ``"cp874"`` (cp874 is a superset of TIS-620). Pure ASCII gives
        ``"utf-8"``.

    Notes
    -----
    Thai in UTF-8 is three bytes a character (``E0 B8 xx`` / ``E0 B9 xx``). Names cut at a
    fixed field width leave a broken sequence at the end of some fields, so the test is a
    ratio: UTF-8 when the bytes decode strictly, or when the Thai characters decoded outnumber
    the undecodable bytes five to one; cp874 only when UTF-8 fails.

    Examples
    --------
    >>> from tambon_gis.boundaries import detect_encoding
    >>> detect_encoding("ตำบลบุ่ง".encode("utf-8"))
    'utf-8'
    >>> detect_encoding("ตำบลบุ่ง".encode("cp874"))
    'cp874'
    >>> detect_encoding("Chiang Mai – North".encode("utf-8"))
    'utf-8'
    """
    if not any(b > 0x7F for b in data[:65536]) and max(data, default=0) <= 0x7F:
        return "utf-8"
    text = data.decode("utf-8", errors="replace")
    n_thai = len(_THAI.findall(text))
    n_bad = text.count("\ufffd")
    if n_bad == 0 or (n_thai > 0 and n_thai >= 5 * n_bad):
        return "utf-8"
    alt = data.decode("cp874", errors="replace")
    if len(_THAI.findall(alt)) > n_thai:
        return "cp874"
    where = f" of {source!r}" if source else ""
    raise EncodingError(
        f"could not tell the text encoding{where}: it is neither UTF-8 nor TIS-620/cp874 "
        "Thai. Pass encoding=... (for example 'utf-8', 'cp874' or 'latin-1') to load_boundaries"
    )


_FORMAT_NAMES = {".shp": "shapefile", ".gpkg": "GeoPackage", ".geojson": "GeoJSON",
                 ".json": "GeoJSON", ".fgb": "FlatGeobuf", ".parquet": "GeoParquet",
                 ".geoparquet": "GeoParquet", ".zip": "zip"}  # fmt: skip
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def _again(path: Path) -> str:
    return f"Download or export {path.name} again"


def _zip_error(path: Path, exc: BaseException) -> CorruptFileError:
    return CorruptFileError(
        f"{str(path)!r} is not a readable zip file ({exc}): it is truncated or damaged, "
        f"often by a download that did not finish. {_again(path)}, or unzip it with another "
        "tool and pass the .shp"
    )


def _check_not_empty(path: Path, *, member: str | None = None, size: int | None = None) -> None:
    size = path.stat().st_size if size is None else size
    if size == 0:
        what = f"{member!r} inside {str(path)!r}" if member else repr(str(path))
        raise CorruptFileError(
            f"{what} is empty (0 bytes): a copy or download did not finish, so there are no "
            f"boundaries to read. {_again(path)}"
        )


def _epsg_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the frame with its CRS as ``EPSG:XXXX`` if it has one (GeoParquet keeps PROJJSON)."""
    epsg = gdf.crs.to_epsg() if gdf.crs is not None else None
    return gdf if epsg is None else gdf.set_crs(epsg, allow_override=True)


def _read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_not_empty(path)
    try:
        meta = pq.read_metadata(path).metadata or {}
    except (pa.ArrowException, OSError) as exc:
        raise CorruptFileError(
            f"{str(path)!r} is not a readable Parquet file ({exc}): it is truncated, damaged "
            f"or not Parquet. {_again(path)}"
        ) from exc
    if b"geo" not in meta:
        raise CorruptFileError(
            f"{str(path)!r} is a Parquet file without GeoParquet metadata (no 'geo' key), so "
            "it holds a plain table, not boundaries. Write it with GeoDataFrame.to_parquet "
            "(or `tambon-gis boundaries SOURCE --out FILE.parquet`), or read it with pandas, "
            "build a GeoDataFrame and pass that to load_boundaries"
        )
    try:
        return _epsg_crs(gpd.read_parquet(path))
    except (pa.ArrowException, OSError, ValueError, shapely.errors.GEOSException) as exc:
        raise CorruptFileError(
            f"{str(path)!r} could not be read as GeoParquet ({exc}): it is damaged. {_again(path)}"
        ) from exc


def _shapefile_index(path: Path, member: str | None) -> dict[str, Any]:
    """Read the record counts of a shapefile's .shx/.dbf headers and check them against the .shp.

    Returns ``{"records": n or None, "bad": [0-based records cut off or damaged], "dbf": n or
    None, "dbf_missing": bool, "why": str}``. Only headers and the 8-byte record headers are
    read, so this stays cheap on large files.
    """
    info: dict[str, Any] = {"records": None, "bad": [], "dbf": None, "dbf_missing": False,
                            "why": ""}  # fmt: skip
    try:
        if member is not None:
            zf = zipfile.ZipFile(path)
            names = {n.lower(): n for n in zf.namelist()}
            stem = member[: -len(Path(member).suffix)]

            def size(suffix: str) -> int | None:
                name = names.get(f"{stem}{suffix}".lower())
                return zf.getinfo(name).file_size if name else None

            def open_(suffix: str) -> Any:
                name = names.get(f"{stem}{suffix}".lower())
                return zf.open(name) if name else None
        else:
            zf = None

            def size(suffix: str) -> int | None:
                p = path if suffix == ".shp" else _sibling(path, suffix)
                return p.stat().st_size if p is not None else None

            def open_(suffix: str) -> Any:
                p = path if suffix == ".shp" else _sibling(path, suffix)
                return p.open("rb") if p is not None else None

        shp_size = size(".shp") or 0
        dbf_size = size(".dbf")
        if dbf_size is None:
            info["dbf_missing"] = True
        else:
            with open_(".dbf") as fh:
                head = fh.read(12)
            if len(head) == 12:
                n_header, header_len, rec_len = struct.unpack("<IHH", head[4:12])
                n_actual = max(dbf_size - header_len, 0) // rec_len if rec_len else 0
                info["dbf"] = min(n_header, n_actual)
        shx = open_(".shx")
        if shx is None:
            return info
        with shx as fh:
            data = fh.read()
        if len(data) < 100:
            return info
        entries = np.frombuffer(data[100 : 100 + (len(data) - 100) // 8 * 8], dtype=">i4")
        offsets, lengths = entries[0::2].astype(np.int64) * 2, entries[1::2].astype(np.int64) * 2
        info["records"] = len(offsets)
        beyond = np.flatnonzero(offsets + 8 + lengths > shp_size)
        bad = set(beyond.tolist())
        if len(beyond):
            info["why"] = (f"the .shp ends after {shp_size:,} bytes while its .shx indexes "
                           f"{int(offsets.max() + 8 + lengths[offsets.argmax()]):,}")  # fmt: skip
        info["bad"] = sorted(bad)
        info["_scan"] = (open_, offsets, lengths)
    except _ZIP_ERRORS as exc:
        raise _zip_error(path, exc) from exc
    return info


def _scan_shp_records(info: dict[str, Any], rows: list[int]) -> list[int]:
    """Return the records among ``rows`` whose header in the .shp disagrees with the .shx."""
    open_, offsets, lengths = info["_scan"]
    bad = []
    with open_(".shp") as fh:
        for i in sorted(rows):
            if i >= len(offsets):
                continue
            fh.seek(int(offsets[i]))
            head = fh.read(12)
            if len(head) < 12:
                bad.append(i)
                continue
            number, length = struct.unpack(">ii", head[:8])
            (shape_type,) = struct.unpack("<i", head[8:12])
            if number != i + 1 or length * 2 != lengths[i] or (shape_type != 0 and length <= 2):
                bad.append(i)
    return bad


def _read_file(
    path: Path, *, level: str, encoding: str | None, layer: str | int | None, report: LoadReport
) -> gpd.GeoDataFrame:
    import pyogrio

    suffix = path.suffix.lower()
    _check_not_empty(path)
    try:
        member = _pick_zip_member(path, level=level) if suffix == ".zip" else None
        if member is not None:
            with zipfile.ZipFile(path) as zf:
                _check_not_empty(path, member=member, size=zf.getinfo(member).file_size)
    except _ZIP_ERRORS as exc:
        raise _zip_error(path, exc) from exc
    target_suffix = Path(member.replace("\\", "/")).suffix.lower() if member else suffix
    uri = f"/vsizip/{path}/{member.replace(chr(92), '/')}" if member else str(path)
    what = f"{member!r} inside {str(path)!r}" if member else repr(str(path))
    kind = _FORMAT_NAMES.get(target_suffix, "vector")

    if target_suffix in (".parquet", ".geoparquet"):
        if member:
            raise DataNotFoundError(
                f"{str(path)!r}: a GeoParquet file inside a zip cannot be read; unzip it first"
            )
        gdf = _read_geoparquet(path)
        report.features_read = len(gdf)
        report.encoding, report.encoding_from = "utf-8", "format"
        return gdf

    index: dict[str, Any] | None = None
    kwargs: dict[str, Any] = {}
    if target_suffix == ".shp":
        index = _shapefile_index(path, member)
        if index["dbf_missing"]:
            stem = Path((member or path.name).replace("\\", "/")).stem
            raise CorruptFileError(
                f"the shapefile {what} has no .dbf ({stem}.dbf is missing): a shapefile keeps "
                "its codes and names in the .dbf next to the .shp. Copy (or zip) the .shp "
                "together with its .dbf, .shx and .prj, and load it again"
            )
        if encoding is not None:
            report.encoding, report.encoding_from = encoding, "given"
        else:
            try:
                data, cpg = _read_dbf_bytes(path, member)
            except _ZIP_ERRORS as exc:
                raise _zip_error(path, exc) from exc
            codec = _cpg_to_codec(cpg) if cpg else None
            if cpg and codec is None:
                logger.warning(
                    "%s: the .cpg says %r, which is not an encoding; detecting it "
                    "from the bytes instead",
                    path.name,
                    cpg,
                )
            if codec:
                report.encoding, report.encoding_from = codec, f".cpg file ({cpg})"
            elif data is not None:
                report.encoding = detect_encoding(data, source=str(path))
                report.encoding_from = "detected from bytes"
            else:
                report.encoding, report.encoding_from = "utf-8", "no .dbf"
        kwargs["encoding"] = report.encoding
    else:
        report.encoding, report.encoding_from = "utf-8", "format"
        if encoding is not None:
            report.encoding, report.encoding_from = encoding, "given"
            kwargs["encoding"] = encoding
    given = report.encoding_from == "given"
    import pyarrow as pa

    def damaged(exc: BaseException) -> CorruptFileError:
        return CorruptFileError(
            f"{what} could not be read as a {kind} ({str(exc).split('; It might help')[0]}): "
            f"it is damaged, truncated or not a {kind}. {_again(path)}"
        )

    unreadable: list[int] = []
    try:
        if layer is None and target_suffix in (".gpkg", ".fgb", ".geojson", ".json"):
            layer = _pick_layer(uri, level=level, source=what)
        if layer is not None:
            kwargs["layer"] = layer
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                gdf = pyogrio.read_dataframe(uri, use_arrow=True, **kwargs)
            except shapely.errors.GEOSException:
                # Damaged coordinates (e.g. a ring that no longer closes): read the rest and
                # mark the features whose geometry cannot be built.
                gdf = pyogrio.read_dataframe(uri, use_arrow=True, on_invalid="ignore", **kwargs)
                unreadable = np.flatnonzero(
                    pd.isna(np.asarray(gdf.geometry.values, dtype=object))
                ).tolist()
            # Arrow keeps undecodable bytes until the strings are used: use them now.
            _check_mojibake(gdf, path=path, given=given)
    except (UnicodeDecodeError, pa.ArrowException) as exc:
        hint = ""
        if target_suffix == ".shp" and not given:
            data, _ = _read_dbf_bytes(path, member)
            try:
                guess = detect_encoding(data or b"", source=str(path))
                hint = f" The bytes look like {guess!r}."
            except EncodingError:
                pass
        raise EncodingError(
            f"{str(path)!r} does not decode as {report.encoding!r} (chosen from: "
            f"{report.encoding_from}).{hint} Pass the right encoding=..., e.g. 'cp874' for "
            "TIS-620 files or 'utf-8'"
        ) from exc
    except pyogrio.errors.DataLayerError as exc:
        if layer is not None and "not found" in str(exc).lower():
            raise DataNotFoundError(f"{what} has no layer {layer!r}: {exc}") from exc
        raise damaged(exc) from exc
    except pyogrio.errors.DataSourceError as exc:
        raise damaged(exc) from exc
    except _ZIP_ERRORS as exc:
        raise _zip_error(path, exc) from exc
    except shapely.errors.GEOSException as exc:
        raise damaged(exc) from exc
    report.features_read = len(gdf)
    if target_suffix == ".gpkg" and member is None:
        _check_geopackage(path, layer=kwargs.get("layer"), n_read=len(gdf))
    if index is not None:
        lost: list[int] = []
        expected = index["records"]
        if expected is not None and len(gdf) < expected:
            lost = list(range(len(gdf), expected))  # no attributes: the .dbf is cut short
            index["why"] = index["why"] or (f"the .dbf holds {len(gdf):,} records while the .shx "
                                            f"indexes {expected:,}")  # fmt: skip
        if len(gdf.columns) <= 1 and len(gdf):
            raise CorruptFileError(
                f"the .dbf of the shapefile {what} holds no readable columns: it is damaged. "
                f"{_again(path)}"
            )
        if expected is not None and len(gdf) <= expected:
            empty = np.flatnonzero(
                shapely.is_empty(np.asarray(gdf.geometry.values, dtype=object))
                | pd.isna(np.asarray(gdf.geometry.values, dtype=object))
            )
            suspect = sorted(set(empty.tolist()) - set(index["bad"]))
            if suspect:
                try:
                    scanned = _scan_shp_records(index, suspect)
                except _ZIP_ERRORS as exc:
                    raise _zip_error(path, exc) from exc
                if scanned and not index["why"]:
                    index["why"] = "the .shx points at records the .shp does not hold there"
                index["bad"] = sorted(set(index["bad"]) | set(scanned))
        bad = sorted(i for i in set(index["bad"]) | set(unreadable) if i < len(gdf))
        report.features_read = max(len(gdf), expected or 0)
        gdf.attrs["_unreadable"] = {
            "rows": bad,
            "lost": lost,
            "why": index["why"] or "their coordinates are damaged",
        }
    elif unreadable:
        report.features_read = len(gdf)
        gdf.attrs["_unreadable"] = {
            "rows": unreadable,
            "lost": [],
            "why": "their coordinates are damaged",
        }
    for w in caught:
        if "converted correctly" in str(w.message):
            message = (
                f"some characters of {str(path)!r} could not be decoded as {report.encoding!r}; "
                "if names look wrong, pass the right encoding=... ('utf-8' or 'cp874')"
            )
            if given:
                warnings.warn(message, BoundaryWarning, stacklevel=4)
            else:
                logger.warning(message)
        elif "Non closed ring" in str(w.message) and gdf.attrs.get("_unreadable"):
            continue  # explained by the unreadable features the load reports
        else:
            warnings.warn(w.message, w.category, stacklevel=4)
    return gdf


def _check_geopackage(path: Path, *, layer: str | int | None, n_read: int) -> None:
    """Refuse a GeoPackage whose SQLite pages are damaged (rows can vanish without an error)."""
    import sqlite3
    from urllib.parse import quote

    try:
        con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # GDAL read it: nothing more to check with
    counts: dict[str, int] = {}
    try:
        problems = [row[0] for row in con.execute("PRAGMA quick_check(5)")]
        with contextlib.suppress(sqlite3.Error):  # written by a tool that keeps no counts
            counts = dict(con.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents"))
    except sqlite3.OperationalError:
        return  # cannot be checked here (e.g. a WAL file on a read-only share)
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        con.close()
    if problems != ["ok"]:
        raise CorruptFileError(
            f"{str(path)!r} is a damaged GeoPackage (SQLite reports: {'; '.join(problems[:3])}), "
            f"so some of its features may be lost. {_again(path)}"
        )
    names = list(counts)
    if isinstance(layer, str):
        name = layer
    elif isinstance(layer, int) and 0 <= layer < len(names):
        name = names[layer]
    else:
        name = names[0] if len(names) == 1 else None
    expected = counts.get(name) if name is not None else None
    if expected is not None and expected != n_read:
        raise CorruptFileError(
            f"{str(path)!r} says its layer {name!r} holds {expected:,} features but {n_read:,} can "
            f"be read: it is damaged. {_again(path)}"
        )


def _drop_unreadable(
    raw: gpd.GeoDataFrame,
    *,
    path: Path,
    level: str,
    columns: Mapping[str, str] | None,
    report: LoadReport,
    allow_partial: bool,
) -> gpd.GeoDataFrame:
    """Refuse a layer with unreadable features, or (``allow_partial``) leave them out."""
    info = raw.attrs.pop("_unreadable", None)
    if not info or not (info["rows"] or info["lost"]):
        return raw
    try:
        code_col = _find_columns(raw, level=level, columns=columns)[f"{level}_code"]
        codes = [
            normalise_code(v, length=CODE_LENGTH[level]) for v in raw[code_col].iloc[info["rows"]]
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


def _pick_layer(uri: str, *, level: str, source: str | None = None) -> str | None:
    """In a multi-layer file, the layer named for ``level`` (``None``: the only layer).

    Refuses to guess when no layer, or more than one, is named like a ``level`` layer.
    """
    import pyogrio

    layers = [str(row[0]) for row in pyogrio.list_layers(uri)]
    if len(layers) <= 1:
        return None
    source = source or repr(uri)
    best = max(_level_score(name, level) for name in layers)
    if best == 0:
        raise DataNotFoundError(
            f"{source} has {len(layers)} layers ({', '.join(layers[:10])}) and none is named like "
            f"a {level} layer: pass layer=... to load_boundaries"
        )
    top = [name for name in layers if _level_score(name, level) == best]
    if len(top) > 1:
        raise DataNotFoundError(
            f"{source} has {len(top)} layers that could be the {level} layer "
            f"({', '.join(top[:10])}); tambon_gis does not guess between them. Pass the one "
            f"to read with layer=..., e.g. load_boundaries(path, layer={top[0]!r}) "
        )
    return top[0]


def _cpg_to_codec(cpg: str) -> str | None:
    """Turn what a .cpg says into a Python codec name (``None`` when it is no encoding)."""
    text = cpg.strip().lower()
    low = re.sub(r"^(ansi|cp|windows|win)[\s_-]*", "", text).replace("-", "").replace("_", "")
    if low in ("utf8", "65001"):
        return "utf-8"
    if low in ("874", "tis620", "iso885911", "thai", "x-mac-thai"):
        return "cp874"
    candidate = f"cp{low}" if low.isdigit() else cpg.strip()
    try:
        return codecs.lookup(candidate).name
    except LookupError:
        return None


def _check_mojibake(gdf: pd.DataFrame, *, path: Path | None, given: bool) -> None:
    text_cols = [
        c
        for c in gdf.columns
        if c != "geometry"
        and (gdf[c].dtype.kind in "OTU" or str(gdf[c].dtype) in ("string", "str"))
    ]
    sample = " ".join(
        str(v) for c in text_cols[:20] for v in gdf[c].head(200).tolist() if isinstance(v, str)
    )
    n_thai = len(_THAI.findall(sample))
    as_cp874 = sample.count("เธ") + sample.count("เน")  # UTF-8 lead bytes E0 B8/B9 read as cp874
    if _MOJIBAKE.search(sample) or (n_thai >= 30 and as_cp874 * 3 >= 0.5 * n_thai):
        where = f"text in {str(path)!r}" if path is not None else "text in the GeoDataFrame"
        fix = (
            "Pass encoding='utf-8' (or 'cp874' for TIS-620 files)" if path is not None else
            "Read the file again with encoding='utf-8' (or 'cp874'), or pass its path to "
            "load_boundaries, which detects the encoding"
        )  # fmt: skip
        message = (
            f"{where} looks like mojibake (e.g. 'à¸...' or 'เธ...'): Thai UTF-8 decoded with a "
            f"single-byte code page. {fix}"
        )
        if given:
            warnings.warn(message, BoundaryWarning, stacklevel=4)
        else:
            raise EncodingError(message)


def _assume_crs(gdf: gpd.GeoDataFrame, *, crs: Any, report: LoadReport) -> gpd.GeoDataFrame:
    if crs is not None:
        report.crs, report.crs_from = str(crs), "given"
        return gdf.set_crs(crs)
    bounds = gdf.total_bounds
    if np.all(np.isfinite(bounds)) and _inside_thailand(bounds):
        warnings.warn(
            "the layer has no CRS (no .prj); its coordinates are longitude/latitude inside "
            "Thailand, so EPSG:4326 is assumed. Pass crs=... to load_boundaries to say otherwise",
            BoundaryWarning,
            stacklevel=3,
        )
        report.crs, report.crs_from = "EPSG:4326", "assumed (no .prj)"
        return gdf.set_crs(4326)
    raise CRSError(
        f"the layer has no CRS (no .prj) and its coordinates {np.round(bounds, 1).tolist()} are "
        f"not longitude/latitude in Thailand; {_guess_crs(bounds)} "
        "Pass crs=... (e.g. crs='EPSG:32647') to load_boundaries."
    )


def _inside_thailand(bounds: np.ndarray) -> bool:
    x0, y0, x1, y1 = THAILAND_BOUNDS
    return bool(bounds[0] >= x0 and bounds[1] >= y0 and bounds[2] <= x1 and bounds[3] <= y1)


def _guess_crs(bounds: np.ndarray) -> str:
    from pyproj import Transformer

    hits = []
    for code, label in _CANDIDATE_CRS.items():
        try:
            tr = Transformer.from_crs(code, 4326, always_xy=True)
            xs, ys = tr.transform([bounds[0], bounds[2]], [bounds[1], bounds[3]])
        except Exception:  # pyproj raises several kinds
            continue
        b = np.array([min(xs), min(ys), max(xs), max(ys)])
        if np.all(np.isfinite(b)) and _inside_thailand(b):
            hits.append(f"{code} ({label})")
    if hits:
        return "they look like " + " or ".join(hits) + "."
    return "they match none of EPSG:4326, UTM 47N/48N (WGS 84 or Indian 1975)."


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
    codes = _normalise_codes(
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


def normalise_code(value: Any, *, length: int) -> str | None:
    """Return a DOPA code as a zero-padded digit string, or ``None`` if it is not one.

    Accepts numbers, ``TH``-prefixed PCODEs, Thai digits, and spaces or dashes inside.

    Parameters
    ----------
    value : object
        The code as typed or stored.
    length : int
        2, 4 or 6.

    Returns
    -------
    str or None
        The code, or ``None`` when blank or not a code of that length.

    Examples
    --------
    >>> from tambon_gis.boundaries import normalise_code
    >>> normalise_code("TH32-01 01", length=6), normalise_code(320101.0, length=6)
    ('320101', '320101')
    >>> normalise_code("๓๒๐๑๐๑", length=6)
    '320101'
    >>> normalise_code("3201.5", length=6) is None  # not a code
    True
    """
    from tambon_gis.names import clean_code  # the one code normaliser (issue 9)

    level = {2: "changwat", 4: "amphoe", 6: "tambon"}.get(length)
    return None if level is None else clean_code(value, level=level)


def _normalise_codes(series: pd.Series, *, length: int, column: str) -> np.ndarray:
    values = series.tolist()
    out = [normalise_code(v, length=length) for v in values]
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


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
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
            [normalise_code(v, length=n) for v in gdf[col].tolist()], index=gdf.index
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
            c: ab.at[c, "successors"].split() for c in report.not_in_gazetteer if c in ab.index
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
    out.attrs["load_report"] = report.to_dict()
    notes = report.summary_lines()[2:]
    if notes:
        # Said once per file: a read from the cache (the same file again) only logs it.
        (logger.info if report.from_cache else logger.warning)(
            "%s: %s (details in gdf.attrs['load_report'])",
            Path(report.source).name,
            "; ".join(line.split(" (")[0] for line in notes if not line.startswith("abolished")),
        )
    logger.info("load_boundaries returned %s", report.summary_lines()[0])
    return out


def _fill_names_from(out: pd.DataFrame, src: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Fill names of codes the gazetteer does not know from the first input row of each."""
    key = f"{level}_code"
    for col in [c for c in CANONICAL_COLUMNS[level] if c.startswith(("amphoe_", "changwat_"))]:
        if col == key or col not in src.columns:
            continue
        first = src.groupby(key, sort=True)[col].first()
        out[col] = out[col].where(out[col].notna(), out[key].map(first))
    return out


def _fill_slivers(
    merged: shapely.Geometry, parts: np.ndarray, *, max_area_km2: float = 0.01
) -> shapely.Geometry:
    """Drop interior rings of a dissolved area that are tiny gaps between its parts."""
    if merged.is_empty:
        return merged
    polys = shapely.get_parts(merged)
    limit = max_area_km2 / (111.0 * 111.0)  # degrees², ample at Thai latitudes
    rebuilt = []
    changed = False
    for poly in polys:
        holes = [r for r in poly.interiors]
        keep = []
        for ring in holes:
            hole = shapely.Polygon(ring)
            if (
                hole.area < limit
                and not shapely.intersects(hole.representative_point(), parts).any()
            ):
                changed = True
                continue
            keep.append(ring)
        rebuilt.append(shapely.Polygon(poly.exterior, keep))
    if not changed:
        return merged
    return shapely.union_all(rebuilt) if len(rebuilt) > 1 else rebuilt[0]


def _cache_key(path: Path, **options: Any) -> str:
    # A shapefile is several files: editing the attributes in QGIS rewrites only the .dbf.
    parts = [path]
    if path.suffix.lower() == ".shp":
        parts += [p for p in path.parent.glob(path.stem + ".*") if p != path and p.is_file()]
    stamps = sorted((p.name.lower(), p.stat().st_size, p.stat().st_mtime_ns) for p in parts)
    payload = json.dumps(
        {
            "path": str(path.resolve()),
            "files": stamps,
            "format": _CACHE_FORMAT,
            "gazetteer": gazetteer.data_version(),
            **{k: (dict(v) if isinstance(v, Mapping) else str(v)) for k, v in options.items()},
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
