"""On-disk cache of simplified geometry, keyed by a fingerprint of the input geometry.

The cache lives under ``settings.get_cache_folder()/webgeom``. :func:`geometry_hash` keys an
entry by every coordinate and the ring/part structure of a layer (and the options);
:func:`digest_scope` computes that fingerprint once while a map is built.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import shapely

from tambon_gis import settings

#: Version of the cache layout; bump when the simplification or the encoding changes.
_CACHE_VERSION = "3"


#: Digests computed once for the duration of one call chain (see ``digest_scope``).
_SCOPE: dict[int, tuple[np.ndarray, str]] = {}


@contextmanager
def digest_scope(geoms: np.ndarray) -> Iterator[None]:
    """Hash ``geoms`` once while the block runs (a map build looks the cache up 3 times)."""
    key = id(geoms)
    if key in _SCOPE:
        yield
        return
    _SCOPE[key] = (geoms, _geometry_digest(geoms))
    try:
        yield
    finally:
        _SCOPE.pop(key, None)


def _geometry_digest(geoms: np.ndarray) -> str:
    """Fingerprint of the geometry: every coordinate and the ring/part structure."""
    hit = _SCOPE.get(id(geoms))
    if hit is not None and hit[0] is geoms:
        return hit[1]
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(shapely.get_coordinates(geoms)).data)
    digest.update(shapely.get_num_coordinates(geoms).tobytes())
    parts, index = shapely.get_parts(geoms, return_index=True)
    digest.update(index.tobytes())
    digest.update(shapely.get_num_coordinates(parts).tobytes())
    digest.update(shapely.get_num_interior_rings(parts).tobytes())
    return digest.hexdigest()


def geometry_hash(geoms: np.ndarray, *extra: object) -> str:
    """Return the cache key of ``geoms`` and the options ``extra`` (24 hex digits)."""
    digest = hashlib.sha256()
    digest.update(_CACHE_VERSION.encode())
    for value in extra:
        digest.update(repr(value).encode())
    digest.update(_geometry_digest(geoms).encode())
    return digest.hexdigest()[:24]


def cache_path(key: str, suffix: str) -> Path:
    """Return the path of cache entry ``key`` (with ``suffix``), creating the folder."""
    folder = settings.get_cache_folder() / "webgeom"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}{suffix}"


def write_wkb(path: Path, geoms: np.ndarray) -> None:
    """Write ``geoms`` to ``path`` as a Parquet column of WKB (atomically)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"wkb": pa.array(list(shapely.to_wkb(geoms)), type=pa.binary())})
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def read_wkb(path: Path) -> np.ndarray:
    """Read the geometry written by :func:`write_wkb`."""
    import pyarrow.parquet as pq

    values = pq.read_table(path).column("wkb").to_pylist()
    return shapely.from_wkb(np.asarray(values, dtype=object))


@contextmanager
def no_scope() -> Iterator[None]:
    """Do nothing: the stand-in for :func:`digest_scope` when the cache is off."""
    yield
