""":func:`load_boundaries`: find, read (or reuse from the cache) and canonicalise a layer.

Also the layer embedded in the package (all tambons, simplified), dissolved to upper levels
once per process, and :func:`is_embedded`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from tambon_gis import datasets, gazetteer, settings
from tambon_gis._errors import DataNotFoundError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.boundaries.canonical import _canonicalise, _drop_unreadable, _finish
from tambon_gis.boundaries.levels import to_level
from tambon_gis.boundaries.read import (
    _assume_crs,
    _check_mojibake,
    _epsg_crs,
    _read_file,
    _resolve_path,
)
from tambon_gis.boundaries.schema import (
    CODE_LENGTH,
    BoundaryWarning,
    Level,
    LoadReport,
)
from tambon_gis.names import province_code

logger = get_logger("tambon_gis.boundaries")  # one logger for the whole package

_CACHE_FORMAT = 3


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
    province: str | None = None,
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
    province : str, optional
        Only the areas of this province: a 2-digit code, its Thai name as typed (``จ.น่าน``,
        ``โคราช``, ``กทม.``) or its English name. The whole layer is still read (and cached).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area, sorted by code, in EPSG:4326, with the columns of
        ``CANONICAL_COLUMNS[level]``. ``attrs`` hold the provenance (``boundary_layer``:
        which layer, its vintage and resolution). What was repaired, merged or not matched
        is the :class:`LoadReport` of :func:`load_boundaries_with_report`;
        ``attrs["load_report"]`` (the same as a dict, read by :func:`load_report`) is
        deprecated and goes in the next release.

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
    gdf, report = load_boundaries_with_report(
        source, level=level, columns=columns, encoding=encoding, crs=crs,
        region_scheme=region_scheme, layer=layer, use_cache=use_cache,
        allow_partial=allow_partial, resolution=resolution, province=province,
    )  # fmt: skip
    gdf.attrs["load_report"] = report.to_dict()  # deprecated: load_boundaries_with_report
    return gdf


def load_boundaries_with_report(
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
    province: str | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Load boundaries like :func:`load_boundaries`, and say what was found and done.

    Parameters
    ----------
    source, level, columns, encoding, crs, region_scheme, layer, use_cache, allow_partial
        As in :func:`load_boundaries`.
    resolution, province
        As in :func:`load_boundaries`.

    Returns
    -------
    (geopandas.GeoDataFrame, LoadReport)
        The boundaries, whose ``attrs`` hold only their provenance (``boundary_layer``), and
        the :class:`LoadReport`: encoding and CRS and where they came from, repaired, empty,
        merged and unreadable features, codes not in the gazetteer.

    Raises
    ------
    SchemaError, EncodingError, CRSError, CodeError, CorruptFileError
        As :func:`load_boundaries`.

    Examples
    --------
    >>> import tambon_gis as tg
    >>> gdf, report = tg.boundaries.load_boundaries_with_report(simplified_zip)  # doctest: +SKIP
    >>> report.rows, "load_report" in gdf.attrs  # doctest: +SKIP
    (7425, False)
    """
    gdf, report = _load(
        source, level=level, columns=columns, encoding=encoding, crs=crs,
        region_scheme=region_scheme, layer=layer, use_cache=use_cache,
        allow_partial=allow_partial, resolution=resolution,
    )  # fmt: skip
    return (gdf if province is None else _only_province(gdf, province)), report


def _only_province(gdf: gpd.GeoDataFrame, province: str) -> gpd.GeoDataFrame:
    """Return the areas of one province (code, Thai name as typed, or English name)."""
    text = str(province).strip()
    code = text if text.isdigit() and len(text) == 2 else province_code(text)
    if code is None and "changwat_en" in gdf.columns:
        english = gdf.loc[gdf["changwat_en"].str.casefold() == text.casefold(), "changwat_code"]
        code = english.iloc[0] if len(english) else None
    if code is None or not (gdf["changwat_code"] == code).any():
        known = sorted(gdf["changwat_en"].dropna().unique().tolist())[:5]
        raise ValidationError(
            f"province={province!r} matches no province of the layer: give a 2-digit code "
            f"(e.g. '55'), a Thai name (จ.น่าน) or an English name (e.g. {known})"
        )
    out = gdf[gdf["changwat_code"] == code].reset_index(drop=True)
    out.attrs = dict(gdf.attrs)
    return out


def _load(
    source: str | Path | gpd.GeoDataFrame | None,
    *,
    level: Level,
    columns: Mapping[str, str] | None,
    encoding: str | None,
    crs: Any,
    region_scheme: str | Mapping[str, str] | None,
    layer: str | int | None,
    use_cache: bool | None,
    allow_partial: bool,
    resolution: Literal["auto", "full", "embedded"],
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Load the whole layer and its report (the body of :func:`load_boundaries_with_report`)."""
    if level not in CODE_LENGTH:
        raise ValidationError(
            f"level={level!r} is not a level boundaries are loaded at: expected 'tambon', "
            "'amphoe' or 'changwat' (use to_level(gdf, 'region') for regions)"
        )
    if source is None:
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
        return _finish(out, report, level=level, region_scheme=region_scheme), report

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
            return _finish(out, report, level=level, region_scheme=region_scheme), report
        except (OSError, ValueError, TypeError) as exc:  # a broken cache is rebuilt
            logger.warning("cache %s unreadable (%s); reading the source again", cache_file, exc)

    report = LoadReport(source=str(path), level=level)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw, unreadable = _read_file(path, level=level, encoding=encoding, layer=layer,
                                     report=report)
        raw = _drop_unreadable(raw, unreadable, path=path, level=level, columns=columns,
                               report=report, allow_partial=allow_partial)  # fmt: skip
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
    return _finish(out, report, level=level, region_scheme=region_scheme), report


_EMBEDDED_LOCK = threading.Lock()
_EMBEDDED: dict[str, gpd.GeoDataFrame] = {}


def _embedded_level(level: str) -> gpd.GeoDataFrame:
    """Return the embedded layer at ``level`` (dissolved from the tambons once per process)."""
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
) -> tuple[gpd.GeoDataFrame, LoadReport]:
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
    return out, report


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
