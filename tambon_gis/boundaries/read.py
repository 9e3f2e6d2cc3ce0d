"""Find and read boundary files: paths, zip members, formats, encodings and CRS.

Picks the file or zip member or layer of a level, reads shapefiles (plain, zipped),
GeoPackage, GeoJSON, GeoParquet and FlatGeobuf with pyogrio, finds damaged and truncated
files, decides the text encoding of a shapefile (:func:`detect_encoding`, ``.cpg`` files,
mojibake) and assumes or guesses a missing CRS.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis._errors import CorruptFileError, CRSError, DataNotFoundError, EncodingError
from tambon_gis._logging import get_logger
from tambon_gis.boundaries.schema import THAILAND_BOUNDS, BoundaryWarning, LoadReport

logger = get_logger("tambon_gis.boundaries")  # one logger for the whole package

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
    dbf_path = _sibling(path, ".dbf")
    cpg_path = _sibling(path, ".cpg")
    data = None
    if dbf_path is not None:
        with dbf_path.open("rb") as fh:
            data = fh.read(limit)
    cp = cpg_path.read_text("utf-8-sig", errors="replace").strip() if cpg_path else None
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
) -> tuple[gpd.GeoDataFrame, dict[str, Any] | None]:
    """Read a vector file: the raw layer, and its unreadable features (``None`` if none).

    The second value holds ``rows`` (positions of features whose geometry is damaged),
    ``lost`` (positions past the end of a cut-short .dbf) and ``why``, for
    :func:`~tambon_gis.boundaries.canonical._drop_unreadable`.
    """
    source = _source_of(path, level=level)
    if source.suffix in (".parquet", ".geoparquet"):
        if source.member:
            raise DataNotFoundError(
                f"{str(path)!r}: a GeoParquet file inside a zip cannot be read; unzip it first"
            )
        gdf = _read_geoparquet(path)
        report.features_read = len(gdf)
        report.encoding, report.encoding_from = "utf-8", "format"
        return gdf, None
    index: dict[str, Any] | None = None
    kwargs: dict[str, Any] = {}
    if source.suffix == ".shp":
        index = _shapefile_index(path, source.member)
        if index["dbf_missing"]:
            stem = Path((source.member or path.name).replace("\\", "/")).stem
            raise CorruptFileError(
                f"the shapefile {source.what} has no .dbf ({stem}.dbf is missing): a shapefile "
                "keeps its codes and names in the .dbf next to the .shp. Copy (or zip) the .shp "
                "together with its .dbf, .shx and .prj, and load it again"
            )
        _shapefile_encoding(path, source.member, encoding=encoding, report=report)
        kwargs["encoding"] = report.encoding
    else:
        report.encoding, report.encoding_from = "utf-8", "format"
        if encoding is not None:
            report.encoding, report.encoding_from = encoding, "given"
            kwargs["encoding"] = encoding
    gdf, unreadable, caught = _read_layer(source, level=level, layer=layer, kwargs=kwargs,
                                          report=report)  # fmt: skip
    report.features_read = len(gdf)
    if source.suffix == ".gpkg" and source.member is None:
        _check_geopackage(path, layer=kwargs.get("layer"), n_read=len(gdf))
    unreadable_info: dict[str, Any] | None = None
    if index is not None:
        unreadable_info = _shapefile_unreadable(gdf, index, unreadable, source=source,
                                                report=report)  # fmt: skip
    elif unreadable:
        unreadable_info = {"rows": unreadable, "lost": [], "why": "their coordinates are damaged"}
    _replay_read_warnings(caught, path=path, report=report, explained=bool(unreadable_info))
    return gdf, unreadable_info


@dataclass(frozen=True)
class _Source:
    """Where the layer of a file is: the file, its zip member, and how to name it."""

    path: Path
    member: str | None
    suffix: str  # of the member when there is one
    uri: str  # what pyogrio opens
    what: str  # for messages
    kind: str  # the format's name, for messages


def _source_of(path: Path, *, level: str) -> _Source:
    """Check the file is not empty and find the member of a zip to read."""
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
    return _Source(
        path=path,
        member=member,
        suffix=target_suffix,
        uri=f"/vsizip/{path}/{member.replace(chr(92), '/')}" if member else str(path),
        what=f"{member!r} inside {str(path)!r}" if member else repr(str(path)),
        kind=_FORMAT_NAMES.get(target_suffix, "vector"),
    )


def _shapefile_encoding(
    path: Path, member: str | None, *, encoding: str | None, report: LoadReport
) -> None:
    """Set the report's encoding of a shapefile: given, from its .cpg, or from the bytes."""
    if encoding is not None:
        report.encoding, report.encoding_from = encoding, "given"
        return
    try:
        data, cpg = _read_dbf_bytes(path, member)
    except _ZIP_ERRORS as exc:
        raise _zip_error(path, exc) from exc
    codec = _cpg_to_codec(cpg) if cpg else None
    if cpg and codec is None:
        logger.warning(
            "%s: the .cpg says %r, which is not an encoding; detecting it from the bytes instead",
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


def _read_layer(
    source: _Source, *, level: str, layer: str | int | None, kwargs: dict[str, Any],
    report: LoadReport,
) -> tuple[gpd.GeoDataFrame, list[int], list[warnings.WarningMessage]]:  # fmt: skip
    """Read the layer with pyogrio: the frame, features whose geometry cannot be built, warnings.

    ``kwargs`` (encoding, and the layer once picked) are passed to pyogrio. Every failure is
    said in terms of the file: an :class:`EncodingError`, a :class:`DataNotFoundError` for a
    layer that is not there, a :class:`CorruptFileError` for a damaged file.
    """
    import pyarrow as pa
    import pyogrio

    path, what, kind = source.path, source.what, source.kind
    given = report.encoding_from == "given"

    def damaged(exc: BaseException) -> CorruptFileError:
        return CorruptFileError(
            f"{what} could not be read as a {kind} ({str(exc).split('; It might help')[0]}): "
            f"it is damaged, truncated or not a {kind}. {_again(path)}"
        )

    unreadable: list[int] = []
    try:
        if layer is None and source.suffix in (".gpkg", ".fgb", ".geojson", ".json"):
            layer = _pick_layer(source.uri, level=level, source=what)
        if layer is not None:
            kwargs["layer"] = layer
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                gdf = pyogrio.read_dataframe(source.uri, use_arrow=True, **kwargs)
            except shapely.errors.GEOSException:
                # Damaged coordinates (e.g. a ring that no longer closes): read the rest and
                # mark the features whose geometry cannot be built.
                gdf = pyogrio.read_dataframe(
                    source.uri, use_arrow=True, on_invalid="ignore", **kwargs
                )
                unreadable = np.flatnonzero(
                    pd.isna(np.asarray(gdf.geometry.values, dtype=object))
                ).tolist()
            # Arrow keeps undecodable bytes until the strings are used: use them now.
            _check_mojibake(gdf, path=path, given=given)
    except (UnicodeDecodeError, pa.ArrowException) as exc:
        hint = ""
        if source.suffix == ".shp" and not given:
            data, _ = _read_dbf_bytes(path, source.member)
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
    return gdf, unreadable, caught


def _shapefile_unreadable(
    gdf: gpd.GeoDataFrame, index: dict[str, Any], unreadable: list[int], *, source: _Source,
    report: LoadReport,
) -> dict[str, Any]:  # fmt: skip
    """Find the features of a shapefile that could not be read whole, from its .shx index.

    Records past the end of a cut-short .dbf are ``lost``; records whose geometry is damaged
    or that the .shx points at wrongly are ``rows``. Sets ``report.features_read`` to what the
    file holds.
    """
    path = source.path
    lost: list[int] = []
    expected = index["records"]
    if expected is not None and len(gdf) < expected:
        lost = list(range(len(gdf), expected))  # no attributes: the .dbf is cut short
        index["why"] = index["why"] or (f"the .dbf holds {len(gdf):,} records while the .shx "
                                        f"indexes {expected:,}")  # fmt: skip
    if len(gdf.columns) <= 1 and len(gdf):
        raise CorruptFileError(
            f"the .dbf of the shapefile {source.what} holds no readable columns: it is damaged. "
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
    return {"rows": bad, "lost": lost, "why": index["why"] or "their coordinates are damaged"}


def _replay_read_warnings(
    caught: list[warnings.WarningMessage], *, path: Path, report: LoadReport, explained: bool
) -> None:
    """Warn again what pyogrio warned while reading, said in terms of the file.

    Undecodable characters are a :class:`BoundaryWarning` when the encoding was given (else
    logged); an unclosed ring is not repeated when the unreadable features ``explained`` it.
    """
    given = report.encoding_from == "given"
    for w in caught:
        if "converted correctly" in str(w.message):
            message = (
                f"some characters of {str(path)!r} could not be decoded as {report.encoding!r}; "
                "if names look wrong, pass the right encoding=... ('utf-8' or 'cp874')"
            )
            if given:
                warnings.warn(message, BoundaryWarning, stacklevel=5)
            else:
                logger.warning(message)
        elif "Non closed ring" in str(w.message) and explained:
            continue  # explained by the unreadable features the load reports
        else:
            warnings.warn(w.message, w.category, stacklevel=5)


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
    name: str | None
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
