"""Where boundaries come from: the embedded layer, a registry of sources, downloads, a cache.

``load_boundaries()`` with no path calls :func:`boundaries_path`, which looks, in this order:

1. ``$TAMBON_GIS_BOUNDARIES`` — a file or folder of boundaries you already have (offline copy);
2. the project's ``data/boundaries/`` folder (a source checkout);
3. a full-resolution layer already in the download cache (``$TAMBON_GIS_CACHE``, else the OS
   user cache folder) — never a download;
4. the **embedded** national layer shipped inside the package (:func:`embedded_path`): all
   7,425 tambons, simplified to about 65 m, with whole names, codes, region and ``area_km2``.

A download of the full-resolution registry source happens only when asked:
``load_boundaries(resolution="full")`` (or :func:`fetch`). Set ``TAMBON_GIS_OFFLINE=1`` to
forbid it, and ``TAMBON_GIS_MIRROR_URL`` to download the registry's files from a mirror (an
intranet server, say) instead of their home.

Checksums: where the registry has no published sha256, the first download records one in
``<cache>/downloads/hashes.json``; every later :func:`fetch` (and so every extraction and
default ``load_boundaries()`` that reads from the download cache) verifies the archive against it.
The embedded layer's sha256 is recorded in ``_data/tambon_embedded.json`` and checked by the tests.

Example files (the pilot table, criteria) ship in the package too: :func:`example_path`.

Examples
--------
>>> from tambon_gis import datasets
>>> src = datasets.get_source("hdx-cod-ab-tha")
>>> src.license
'CC BY-IGO 3.0'
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any

from tambon_gis import settings
from tambon_gis._errors import DataNotFoundError, ValidationError
from tambon_gis._logging import get_logger

logger = get_logger(__name__)

#: Environment variable: URL prefix of a mirror holding the registry's files under their names.
ENV_MIRROR = "TAMBON_GIS_MIRROR_URL"

DEFAULT_SOURCE = "hdx-cod-ab-tha"
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Source:
    """One entry of the boundary registry.

    Attributes
    ----------
    name, title, url, page, filename : str
        Identity and where to download it (``page`` is the human page of the dataset).
    hash : str or None
        Published sha256, or ``None`` when it is recorded on first download.
    members : dict
        Level -> stem of the shapefile inside the zip.
    license, attribution, vintage : str
        Terms of use, credit line to show on maps, and date of the boundaries.
    """

    name: str
    title: str
    url: str
    page: str
    filename: str
    hash: str | None
    members: dict[str, str]
    license: str
    attribution: str
    vintage: str
    size_mb: float | None = None
    nrows: dict[str, int] = field(default_factory=dict)
    crs: str = "EPSG:4326"
    geometry_type: str = "Polygon"
    notes: str = ""

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td>{html.escape(str(v))}</td></tr>"
            for k, v in (
                ("title", self.title), ("url", self.url), ("license", self.license),
                ("attribution", self.attribution), ("vintage", self.vintage),
                ("size", f"{self.size_mb} MB"), ("rows", self.nrows), ("notes", self.notes),
            )
        )  # fmt: skip
        return f"<b>{html.escape(self.name)}</b><table>{rows}</table>"


@cache
def _registry() -> dict[str, Source]:
    text = files("tambon_gis").joinpath("_data/registry.json").read_text(encoding="utf-8")
    return {name: Source(name=name, **entry) for name, entry in json.loads(text).items()}


def sources() -> list[Source]:
    """List the boundary sources of the registry.

    Returns
    -------
    list of Source

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> [s.name for s in datasets.sources()]
    ['hdx-cod-ab-tha']
    """
    return list(_registry().values())


def get_source(name: str = DEFAULT_SOURCE) -> Source:
    """Return one registry entry by name.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"hdx-cod-ab-tha"``.

    Returns
    -------
    Source

    Raises
    ------
    ValidationError
        For a name that is not in the registry (a ``ValueError``; it was a ``KeyError``
        before 0.2); the message names the known sources.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.get_source().vintage
    '2022-01-21'
    """
    reg = _registry()
    if name not in reg:
        close = difflib.get_close_matches(str(name), list(reg), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValidationError(
            f"no boundary source {name!r} in the registry: expected one of {sorted(reg)}; "
            f"{hint}pass one of them, or leave the name out for {DEFAULT_SOURCE!r} "
            "(tambon_gis.datasets.sources() lists them)"
        )
    return reg[name]


def _download_folder() -> Path:
    folder = settings.get_cache_folder() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _recorded_hashes() -> dict[str, str]:
    path = _download_folder() / "hashes.json"
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _record_hash(filename: str, digest: str) -> None:
    path = _download_folder() / "hashes.json"
    hashes = _recorded_hashes()
    hashes[filename] = digest
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(hashes, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def sha256(path: str | Path) -> str:
    """Return the sha256 hex digest of a file.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"tambon")
    >>> sha256(p)[:12]
    '2d995c8cea4a'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _source_url(src: Source) -> str:
    mirror = os.environ.get(ENV_MIRROR, "").strip()
    if mirror:
        return mirror.rstrip("/") + "/" + src.filename
    return src.url


def _offline_message(src: Source, *, failure: str | None = None) -> str:
    if failure:
        why = f"the download failed ({failure})"
    elif settings.is_offline():
        why = f"downloads are off (${settings.ENV_OFFLINE} is set)"
    else:
        why = "it could not be downloaded"
    return (
        f"full-resolution boundaries are not available: no local copy, and {why}. Get "
        f"{src.filename} ({src.size_mb:g} MB) from {src.page} and put it in "
        f"{settings.project_data_folder} or {_download_folder()}, or point "
        f"${settings.ENV_BOUNDARIES} at it. Without it, load_boundaries() uses the embedded, "
        "simplified layer"
    )


def fetch(name: str = DEFAULT_SOURCE, *, url: str | None = None) -> Path:
    """Download (or find in the cache) the archive of a registry source, checksum verified.

    Parameters
    ----------
    name : str
        Registry name.
    url : str, optional
        Download from this URL instead (a mirror); also ``$TAMBON_GIS_MIRROR_URL``.

    Returns
    -------
    pathlib.Path
        The archive in the cache folder.

    Raises
    ------
    DataNotFoundError
        Offline (``$TAMBON_GIS_OFFLINE``) with no cached copy, or the download failed; the
        message says which file to download from where, and where to put it.
    ValueError
        The file's sha256 differs from the published or recorded one.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> path = datasets.fetch()  # doctest: +SKIP
    """
    import pooch

    src = get_source(name)
    folder = _download_folder()
    target = folder / src.filename
    expected = src.hash or _recorded_hashes().get(src.filename)
    if target.exists():
        digest = sha256(target)
        if expected and digest != expected:
            raise ValueError(
                f"the cached {target} has sha256 {digest}, expected {expected}: the file is "
                f"damaged or was replaced. Delete it and call fetch({name!r}) again"
            )
        if not expected:
            _record_hash(src.filename, digest)
        logger.info("fetch(%r) found %s in the cache", name, target)
        return target
    if settings.is_offline():
        raise DataNotFoundError(_offline_message(src))
    source_url = url or _source_url(src)
    logger.info("downloading %s from %s", src.filename, source_url)
    try:
        path = pooch.retrieve(
            source_url,
            known_hash=f"sha256:{expected}" if expected else None,
            fname=src.filename,
            path=folder,
            progressbar=settings.progress,
        )
    except ValueError as exc:
        where = (
            "published in the registry"
            if src.hash
            else (f"recorded at the first download in {_download_folder() / 'hashes.json'}")
        )
        raise ValueError(
            f"the downloaded {src.filename} does not have the expected sha256 {expected} "
            f"({where}): the file changed at its source or on the way. If the source published "
            f"a new release on purpose, delete the {src.filename!r} entry of hashes.json and "
            f"fetch again; otherwise try again later ({exc})"
        ) from exc
    except Exception as exc:  # network errors come in many classes
        raise DataNotFoundError(
            _offline_message(src, failure=f"download of {source_url}: {exc}")
        ) from exc
    path = Path(path)
    if not expected:
        digest = sha256(path)
        _record_hash(src.filename, digest)
        logger.info("recorded sha256 %s for %s (verified on every later use)", digest, src.filename)
    return path


def extract(name: str = DEFAULT_SOURCE, *, level: str = "tambon", url: str | None = None) -> Path:
    """Fetch a source and extract the shapefile of one level into the cache.

    Parameters
    ----------
    name : str
        Registry name.
    level : {"tambon", "amphoe", "changwat"}
        Which layer of the archive.
    url : str, optional
        Mirror URL (see :func:`fetch`).

    Returns
    -------
    pathlib.Path
        The extracted ``.shp``.

    Raises
    ------
    ValidationError
        For a level the archive has no layer of (a ``ValueError``; it was a ``KeyError``
        before 0.2), naming the levels it has.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> shp = datasets.extract(level="amphoe")  # doctest: +SKIP
    """
    import zipfile

    src = get_source(name)
    if level not in src.members:
        raise ValidationError(
            f"level={level!r}: the source {name!r} has no such layer; expected one of "
            f"{sorted(src.members)}"
        )
    stem = src.members[level]
    out_dir = _download_folder() / f"{Path(src.filename).stem}"
    shp = out_dir / f"{stem}.shp"
    archive = fetch(name, url=url)  # verifies the archive's checksum every time
    if shp.exists() and shp.stat().st_mtime >= archive.stat().st_mtime:
        return shp
    with zipfile.ZipFile(archive) as zf:
        by_name = {PurePosixPath(m.replace("\\", "/")).name.lower(): m for m in zf.namelist()}
        wanted = [
            by_name[f"{stem}{ext}".lower()]
            for ext in _SHAPEFILE_PARTS
            if f"{stem}{ext}".lower() in by_name
        ]
        if not any(w.lower().endswith(".shp") for w in wanted):
            raise DataNotFoundError(
                f"{archive} has no {stem}.shp (the {level} layer the registry expects); "
                f"it holds {sorted(by_name)[:10]}. The archive may be a newer release: pass the "
                "file you have to load_boundaries(path) instead"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        # Extract next to the target and rename into place, .shp last: an interrupted
        # extraction never leaves a .shp without its .dbf and .shx.
        ordered = sorted(wanted, key=lambda m: m.lower().endswith(".shp"))
        for member in ordered:
            final = out_dir / PurePosixPath(member.replace("\\", "/")).name
            tmp = final.with_name(final.name + f".{os.getpid()}.part")
            tmp.write_bytes(zf.read(member))
            tmp.replace(final)
    logger.info("extract returned %s", shp)
    return shp


def _has_vector_files(folder: Path) -> bool:
    from tambon_gis.boundaries import _VECTOR_SUFFIXES

    suffixes = (*_VECTOR_SUFFIXES, ".zip")
    return folder.is_dir() and any(p.suffix.lower() in suffixes for p in folder.rglob("*"))


#: Resolution names ``load_boundaries(resolution=...)`` takes.
RESOLUTIONS = ("auto", "full", "embedded")

_EMBEDDED_FILE = "_data/tambon_embedded.parquet"
_EMBEDDED_META = "_data/tambon_embedded.json"


def embedded_path() -> Path:
    """Return the path of the national tambon layer embedded in the package.

    Returns
    -------
    pathlib.Path
        A GeoParquet file (zstd) of all 7,425 tambons of the HDX COD-AB layer, simplified as
        a coverage (neighbours share their borders exactly), with whole names, codes, region,
        ``area_km2`` (computed on the full-resolution geometry, equal-area) and ``origin``
        (``"full"`` or ``"simplified"``: the resolution of the source of its province).

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.embedded_path().name
    'tambon_embedded.parquet'
    """
    return Path(str(files("tambon_gis").joinpath(_EMBEDDED_FILE)))


@cache
def embedded_info() -> dict[str, Any]:
    """Return what the embedded layer is: source, vintage, licence, sha256 and measured figures.

    Returns
    -------
    dict
        The JSON sidecar written by ``scripts/build_embedded_boundaries.py``: ``sha256``,
        ``vintage``, ``license``, ``attribution``, ``tolerance_deg``, ``origin`` (changwat
        code -> ``"full"``/``"simplified"``) and ``figures`` (vertices, border shift, ...).

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> info = datasets.embedded_info()
    >>> info["vintage"], info["license"], info["figures"]["tambons"]
    ('2022-01-21', 'CC BY-IGO 3.0', 7425)
    """
    text = files("tambon_gis").joinpath(_EMBEDDED_META).read_text(encoding="utf-8")
    return dict(json.loads(text))


def embedded_summary() -> str:
    """Describe the embedded layer in one line (what ``load_boundaries`` logs when using it).

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> "embedded" in datasets.embedded_summary()
    True
    """
    info = embedded_info()
    fig = info["figures"]
    return (
        f"embedded national layer ({fig['tambons']:,} tambons, simplified: borders within "
        f"{fig['shift_m_p99']:g} m of the source for 99% of vertices; HDX COD-AB of "
        f"{info['vintage']}, {info['license']}). For full resolution, pass "
        f"resolution='full' (downloads {get_source(info['source']).size_mb:g} MB) or set "
        f"${settings.ENV_BOUNDARIES}"
    )


def example_path(name: str | None = None) -> Path:
    """Return the path of an example file shipped with tambon_gis (or the folder of them).

    The files of the repository's top-level ``examples/`` folder: found there in a source
    checkout, and inside the installed package (``tambon_gis/_examples``) from a wheel.

    Parameters
    ----------
    name : str, optional
        File name inside ``examples/``, e.g. ``"pilot_tambons.csv"``; ``None`` returns the
        folder.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataNotFoundError
        No example of that name; the message lists those there are.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.example_path("pilot_tambons.csv").is_file()
    True
    """
    installed = Path(str(files("tambon_gis").joinpath("_examples")))
    checkout = Path(__file__).resolve().parent.parent / "examples"
    folder = installed if installed.is_dir() else checkout
    if name is None:
        return folder
    path = folder / name
    if not path.is_file():
        known = sorted(
            str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and p.name not in ("__init__.py",) and "__pycache__" not in p.parts
        )  # fmt: skip
        raise DataNotFoundError(f"no example file {name!r} in {folder}: expected one of {known}")
    return path


def _cached_full(level: str, name: str) -> Path | None:
    """Return the extracted ``level`` layer of an archive already in the cache (never download)."""
    src = get_source(name)
    if not (_download_folder() / src.filename).is_file():
        return None
    return extract(name, level=level)


def boundaries_path(
    *, level: str = "tambon", name: str = DEFAULT_SOURCE, resolution: str = "auto"
) -> Path:
    """Find boundaries of a level: a local copy, else the embedded layer (or a download).

    Order: ``$TAMBON_GIS_BOUNDARIES``, the project's ``data/boundaries/``, a full layer already
    in the download cache, then the embedded layer (``resolution="auto"``) or a download of the
    registry source (``resolution="full"``, unless ``$TAMBON_GIS_OFFLINE`` is set).

    Parameters
    ----------
    level : {"tambon", "amphoe", "changwat"}
    name : str
        Registry source to look for in the cache (and to download with ``resolution="full"``).
    resolution : {"auto", "full", "embedded"}
        ``"auto"`` (default): a local full layer if there is one, else the embedded layer;
        ``"full"``: never the embedded layer, download if needed; ``"embedded"``: always it.

    Returns
    -------
    pathlib.Path
        A file or folder ``load_boundaries`` can read (:func:`embedded_path` for the
        embedded layer, which holds tambons; upper levels are dissolved from it).

    Raises
    ------
    DataNotFoundError
        ``resolution="full"`` and no copy can be found or downloaded.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.boundaries_path(resolution="embedded") == datasets.embedded_path()
    True
    """
    if resolution not in RESOLUTIONS:
        raise ValueError(
            f"resolution={resolution!r}: expected one of {list(RESOLUTIONS)} ('full' to use or "
            "download the full-resolution layer, 'embedded' for the layer inside the package)"
        )
    if resolution == "embedded":
        return embedded_path()
    env = os.environ.get(settings.ENV_BOUNDARIES, "").strip()
    if env:
        path = Path(env).expanduser()
        if not path.exists():
            raise DataNotFoundError(
                f"${settings.ENV_BOUNDARIES}={env!r} does not exist: point it at a boundary "
                "file or a folder holding one, or unset it"
            )
        logger.info("boundaries from $%s: %s", settings.ENV_BOUNDARIES, path)
        return path
    if _has_vector_files(Path(settings.project_data_folder)):
        logger.info("boundaries from the project folder %s", settings.project_data_folder)
        return Path(settings.project_data_folder)
    cached = _cached_full(level, name)
    if cached is not None:
        logger.info("boundaries from the download cache: %s", cached)
        return cached
    if resolution == "full":
        return extract(name, level=level)
    logger.info("boundaries: %s", embedded_summary())
    return embedded_path()


def describe(name: str = DEFAULT_SOURCE) -> dict[str, Any]:
    """Return a registry entry as a plain dict (for printing or JSON).

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.describe()["nrows"]["tambon"]
    7425
    """
    from dataclasses import asdict

    return asdict(get_source(name))


#: The public names of this module.
__all__ = [
    "DEFAULT_SOURCE",
    "ENV_MIRROR",
    "RESOLUTIONS",
    "Source",
    "boundaries_path",
    "describe",
    "embedded_info",
    "embedded_path",
    "embedded_summary",
    "example_path",
    "extract",
    "fetch",
    "get_source",
    "sha256",
    "sources",
]
