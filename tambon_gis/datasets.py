"""Where boundaries come from: a small registry of sources, downloads with checksums, and a cache.

``load_boundaries()`` with no path calls :func:`boundaries_path`, which looks, in this order:

1. ``$TAMBON_GIS_BOUNDARIES`` — a file or folder of boundaries you already have (offline copy);
2. the project's ``data/boundaries/`` folder (a source checkout);
3. the download cache (``$TAMBON_GIS_CACHE``, else the OS user cache folder);
4. a download of the registry's source with ``pooch`` (a progress bar, then the checksum).

Set ``TAMBON_GIS_OFFLINE=1`` to forbid step 4, and ``TAMBON_GIS_MIRROR_URL`` to download the
registry's files from a mirror (an intranet server, say) instead of their home.

Checksums: where the registry has no published sha256, the first download records one in
``<cache>/downloads/hashes.json``; every later :func:`fetch` (and so every extraction and
default ``load_boundaries()`` that reads from the download cache) verifies the archive against it.

Examples
--------
>>> from tambon_gis import datasets
>>> src = datasets.get_source("hdx-cod-ab-tha")
>>> src.license
'CC BY-IGO 3.0'
"""

from __future__ import annotations

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
from tambon_gis._errors import DataNotFoundError
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
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
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

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.get_source().vintage
    '2022-01-21'
    """
    reg = _registry()
    if name not in reg:
        raise KeyError(f"no boundary source {name!r} in the registry: expected one of {sorted(reg)}")
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


def _offline_message(src: Source) -> str:
    return (
        f"no copy of the {src.title!r} boundaries was found and downloads are off "
        f"(${settings.ENV_OFFLINE} is set, or the download failed). Download {src.filename} "
        f"({src.size_mb} MB) from {src.page} (direct link: {src.url}) and either put it in "
        f"{settings.project_data_folder} or in {_download_folder()}, or point "
        f"${settings.ENV_BOUNDARIES} at the file or its folder"
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
        where = "published in the registry" if src.hash else (
            f"recorded at the first download in {_download_folder() / 'hashes.json'}"
        )
        raise ValueError(
            f"the downloaded {src.filename} does not have the expected sha256 {expected} "
            f"({where}): the file changed at its source or on the way. If the source published "
            f"a new release on purpose, delete the {src.filename!r} entry of hashes.json and "
            f"fetch again; otherwise try again later ({exc})"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - network errors come in many classes
        raise DataNotFoundError(f"download of {source_url} failed ({exc}). " + _offline_message(src)) from exc
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

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> shp = datasets.extract(level="amphoe")  # doctest: +SKIP
    """
    import zipfile

    src = get_source(name)
    if level not in src.members:
        raise KeyError(f"{name!r} has no {level!r} layer: expected one of {sorted(src.members)}")
    stem = src.members[level]
    out_dir = _download_folder() / f"{Path(src.filename).stem}"
    shp = out_dir / f"{stem}.shp"
    archive = fetch(name, url=url)  # verifies the archive's checksum every time
    if shp.exists() and shp.stat().st_mtime >= archive.stat().st_mtime:
        return shp
    with zipfile.ZipFile(archive) as zf:
        by_name = {PurePosixPath(m.replace("\\", "/")).name.lower(): m for m in zf.namelist()}
        wanted = [by_name[f"{stem}{ext}".lower()] for ext in _SHAPEFILE_PARTS if f"{stem}{ext}".lower() in by_name]
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


def boundaries_path(*, level: str = "tambon", name: str = DEFAULT_SOURCE) -> Path:
    """Find boundaries of a level, downloading them if nothing local is found.

    Order: ``$TAMBON_GIS_BOUNDARIES``, the project's ``data/boundaries/``, the cache, a
    download (unless ``$TAMBON_GIS_OFFLINE`` is set).

    Parameters
    ----------
    level : {"tambon", "amphoe", "changwat"}
    name : str
        Registry source to download when nothing local is found.

    Returns
    -------
    pathlib.Path
        A file or folder ``load_boundaries`` can read.

    Examples
    --------
    >>> from tambon_gis import datasets
    >>> datasets.boundaries_path()  # doctest: +SKIP
    PosixPath('/home/me/.cache/tambon_gis/downloads/tha_adm_rtsd_itos_20210121_shp/...shp')
    """
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
    if _has_vector_files(settings.project_data_folder):
        logger.info("boundaries from the project folder %s", settings.project_data_folder)
        return settings.project_data_folder
    return extract(name, level=level)


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
