"""TopoJSON encoding of a layer: quantised shared arcs, and decoding back to polygons.

:func:`to_topology` returns a :class:`WebTopology` (the topology a map page embeds once
for all its layers); :func:`from_topology` decodes one back to a GeoDataFrame.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.webgeom.arcs import extract_arcs
from tambon_gis.webgeom.cache import cache_path, digest_scope, geometry_hash, no_scope
from tambon_gis.webgeom.simplify import simplify_coverage
from tambon_gis.webgeom.tolerance import auto_quantum, auto_tolerance, check_layer

log = get_logger(__name__)


#: Dropped-ring reports already logged in this process (see :func:`to_topology`).
_DROPS_REPORTED: set[tuple[Any, ...]] = set()


class WebTopology:
    """A TopoJSON topology of a layer: quantised shared arcs and the features that use them.

    Build it with :func:`to_topology`. ``topology`` is the TopoJSON dictionary; ``to_json()``
    is the compact text embedded in map pages.

    Attributes
    ----------
    topology : dict
        The TopoJSON object (``type``, ``transform``, ``objects``, ``arcs``).
    object_name : str
        Name of the geometry collection in ``topology["objects"]``.
    tolerance, quantum : float
        Simplification tolerance and grid step, in degrees.
    n_vertices_in : int
        Vertices of the input geometry.
    dropped : pandas.DataFrame
        Rings dropped because they collapsed on the grid (row position, polygon, ring, area).
    """

    def __init__(
        self,
        topology: dict[str, Any],
        *,
        object_name: str,
        tolerance: float,
        quantum: float,
        n_vertices_in: int,
        dropped: pd.DataFrame,
    ) -> None:
        self.topology = topology
        self.object_name = object_name
        self.tolerance = tolerance
        self.quantum = quantum
        self.n_vertices_in = n_vertices_in
        self.dropped = dropped
        self._json: str | None = None
        #: The simplified geometry (before quantisation), one per feature.
        self.geometry: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        """Number of features (rows of the input)."""
        return len(self.topology["objects"][self.object_name]["geometries"])

    @property
    def n_arcs(self) -> int:
        """Number of distinct arcs."""
        return len(self.topology["arcs"])

    @property
    def n_points(self) -> int:
        """Number of positions stored in the arcs."""
        return sum(len(a) for a in self.topology["arcs"])

    def to_json(self) -> str:
        """Return the topology as compact JSON text (cached)."""
        if self._json is None:
            self._json = json.dumps(self.topology, separators=(",", ":"), ensure_ascii=False)
        return self._json

    @property
    def nbytes(self) -> int:
        """Size of :meth:`to_json` in UTF-8 bytes."""
        return len(self.to_json().encode("utf-8"))

    def save(self, path: str | Path) -> Path:
        """Write the topology as a ``.topojson`` file (UTF-8) and return its path."""
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        log.info("WebTopology.save wrote %s (%s bytes)", path, f"{path.stat().st_size:,}")
        return path

    def to_frame(self) -> pd.DataFrame:
        """One row per feature: id, number of polygons, rings and arc references."""
        rows = []
        for g in self.topology["objects"][self.object_name]["geometries"]:
            arcs = g.get("arcs", [])
            if g["type"] == "Polygon":
                arcs = [arcs]
            rows.append(
                {
                    "id": g.get("id"),
                    "polygons": len(arcs),
                    "rings": sum(len(p) for p in arcs),
                    "arc_refs": sum(len(r) for p in arcs for r in p),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Key figures as a dictionary."""
        return {
            "features": self.n_features,
            "arcs": self.n_arcs,
            "points": self.n_points,
            "input vertices": self.n_vertices_in,
            "tolerance (deg)": self.tolerance,
            "grid step (deg)": self.quantum,
            "dropped rings": len(self.dropped),
            "bytes": self.nbytes,
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<WebTopology {s['features']:,} features, {s['arcs']:,} arcs, "
            f"{s['points']:,} points (from {s['input vertices']:,} vertices), "
            f"tolerance {s['tolerance (deg)']:g}°, grid {s['grid step (deg)']:g}°, "
            f"{s['bytes'] / 1e6:.2f} MB, {s['dropped rings']} rings dropped>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td>{html.escape(f'{v:,}' if isinstance(v, int) else f'{v:g}')}</td></tr>"
            for k, v in self.summary().items()
        )
        return f"<table><caption>WebTopology</caption>{rows}</table>"


def _encode_properties(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def to_topology(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    properties: Iterable[str] | None = None,
    id_column: str | None = "tambon_code",
    tolerance: float | str = "auto",
    quantum: float | str = "auto",
    object_name: str = "features",
    cache: bool = True,
) -> WebTopology:
    """Encode a layer as quantised TopoJSON with shared arcs.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
        Polygons, usually tambons in the canonical schema.
    properties : iterable of str, optional
        Columns copied into each feature's ``properties`` (JSON-safe: missing values become
        ``null``, other types text). ``None`` copies none.
    id_column : str or None, default "tambon_code"
        Column used as the feature ``id`` when present; otherwise the row position.
    tolerance : float or "auto", default "auto"
        Passed to :func:`simplify_coverage`; ``0`` keeps every vertex.
    quantum : float or "auto", default "auto"
        Grid step in degrees (:func:`auto_quantum` of the tolerance).
    object_name : str, default "features"
        Name of the geometry collection in the topology.
    cache : bool, default True
        Use the on-disk cache of simplified geometry.

    Returns
    -------
    WebTopology
        The topology with its figures.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["100101", "100102"], "v": [1.5, None]},
    ...                        geometry=[box(100, 13, 101, 14), box(101, 13, 102, 14)],
    ...                        crs="EPSG:4326")
    >>> topo = to_topology(gdf, properties=["v"], tolerance=0, cache=False)
    >>> [g["properties"]["v"] for g in topo.topology["objects"]["features"]["geometries"]]
    [1.5, None]
    >>> [g.bounds for g in from_topology(topo).geometry]
    [(100.0, 13.0, 101.0, 14.0), (101.0, 13.0, 102.0, 14.0)]
    """
    gdf = check_layer(gdf)
    properties = list(properties or [])
    missing = [c for c in properties if c not in gdf.columns]
    if missing:
        raise ValidationError(
            f"properties {missing} are not columns of gdf; available: {list(gdf.columns)}"
        )
    tol = auto_tolerance(gdf) if tolerance == "auto" else float(tolerance)
    q = auto_quantum(tol) if quantum == "auto" else float(quantum)
    if q <= 0:
        raise ValidationError(f"quantum={quantum!r} must be > 0 (a grid step in degrees)")
    in_geoms = np.asarray(gdf.geometry.values)
    n_in = int(shapely.get_num_coordinates(in_geoms).sum())
    with digest_scope(in_geoms) if cache else no_scope():
        return _to_topology(gdf, in_geoms, n_in, properties=properties, id_column=id_column,
                            tol=tol, q=q, object_name=object_name, cache=cache)


def _to_topology(
    gdf: gpd.GeoDataFrame, in_geoms: np.ndarray, n_in: int, *, properties: list[str],
    id_column: str | None, tol: float, q: float, object_name: str, cache: bool,
) -> WebTopology:
    simple = simplify_coverage(gdf, tolerance=tol, cache=cache) if tol > 0 else gdf
    geoms = np.asarray(simple.geometry.values)
    key = geometry_hash(in_geoms, "topology", tol, q) if cache else ""
    path = cache_path(key, ".json") if cache else None
    arrays = path.with_suffix(".npz") if path is not None else None
    if path is not None and arrays is not None and path.is_file() and arrays.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
        features = cached["features"]
        dropped_rings, (xmin, ymin) = cached["dropped"], cached["origin"]
        with np.load(arrays) as npz:
            deltas, offsets = npz["deltas"], npz["offsets"]
        encoded = [d.tolist() for d in np.split(deltas, offsets[1:-1])]
        log.debug("to_topology read the cache %s", path)
    else:
        xmin, ymin = (math.floor(v / q) * q for v in shapely.total_bounds(geoms)[:2])
        arcs = extract_arcs(geoms, origin=(xmin, ymin), quantum=q)
        blocks = []
        for ids in arcs.arcs:
            xy = arcs.points[ids]
            blocks.append(np.vstack([xy[:1], np.diff(xy, axis=0)]))
        encoded = [b.tolist() for b in blocks]
        features, dropped_rings = arcs.features, [list(r) for r in arcs.dropped_rings]
        if path is not None and arrays is not None:
            offsets = np.concatenate([[0], np.cumsum([len(b) for b in blocks])])
            tmp = arrays.with_name(arrays.stem + ".tmp.npz")
            np.savez(tmp, deltas=np.concatenate(blocks) if blocks else np.zeros((0, 2), int),
                     offsets=offsets)
            tmp.replace(arrays)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"features": features, "dropped": dropped_rings,
                            "origin": [xmin, ymin]}, separators=(",", ":"),
                           default=lambda o: o.item()),  # numpy scalars of dropped rings
                encoding="utf-8",
            )
            tmp.replace(path)
    ids_col = (
        gdf[id_column].astype(str).tolist()
        if id_column is not None and id_column in gdf.columns
        else list(range(len(gdf)))
    )
    prop_values = {c: [_encode_properties(v) for v in gdf[c].tolist()] for c in properties}
    geometries = []
    for i, polys in enumerate(features):
        g: dict[str, Any] = (
            {"type": "Polygon", "arcs": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "arcs": polys}
        )
        g["id"] = ids_col[i]
        if properties:
            g["properties"] = {c: prop_values[c][i] for c in properties}
        geometries.append(g)
    empty = [i for i, polys in enumerate(features) if not polys]
    if empty:
        raise ValidationError(
            f"{len(empty)} features lost every polygon on a grid of {q:g}° (ids "
            f"{[ids_col[i] for i in empty[:5]]}); pass a smaller quantum="
        )
    dropped = pd.DataFrame(dropped_rings, columns=["row", "polygon", "ring"])
    if len(dropped):
        dropped["id"] = [ids_col[r] for r in dropped["row"]]
        drop_key = (len(dropped), q, tuple(dropped["id"].head(20).tolist()))
        if drop_key not in _DROPS_REPORTED:  # the same layer drawn again: said once is enough
            _DROPS_REPORTED.add(drop_key)
            log.warning(
                "to_topology dropped %d rings smaller than the grid step %g° (ids %s; see "
                ".dropped): they cannot be seen at this precision, every feature keeps its "
                "other rings", len(dropped), q, ", ".join(map(str, dict.fromkeys(drop_key[2]))),
            )
    topology = {
        "type": "Topology",
        "transform": {"scale": [q, q], "translate": [xmin, ymin]},
        "bbox": [float(v) for v in shapely.total_bounds(geoms)],
        "objects": {object_name: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }
    result = WebTopology(
        topology, object_name=object_name, tolerance=tol, quantum=q, n_vertices_in=n_in,
        dropped=dropped,
    )
    result.geometry = geoms
    log.info("to_topology returned %r", result)
    return result


def from_topology(topology: WebTopology | dict[str, Any], *, object_name: str | None = None
                  ) -> gpd.GeoDataFrame:
    """Decode a TopoJSON topology back to a GeoDataFrame (to check what a page will draw).

    Parameters
    ----------
    topology : WebTopology or dict
        A result of :func:`to_topology` or a TopoJSON dictionary.
    object_name : str, optional
        Geometry collection to decode; defaults to the only (or first) one.

    Returns
    -------
    GeoDataFrame
        Columns ``id``, the properties, and ``geometry`` in EPSG:4326.

    Examples
    --------
    >>> topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
    ...         "objects": {"a": {"type": "GeometryCollection", "geometries": [
    ...             {"type": "Polygon", "arcs": [[0]], "id": "x"}]}},
    ...         "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]]}
    >>> from_topology(topo).geometry.iloc[0].bounds
    (0.0, 0.0, 1.0, 1.0)
    """
    if isinstance(topology, WebTopology):
        object_name = object_name or topology.object_name
        topology = topology.topology
    objects = topology["objects"]
    name = object_name or next(iter(objects))
    scale = np.asarray(topology.get("transform", {}).get("scale", [1, 1]), dtype=float)
    translate = np.asarray(topology.get("transform", {}).get("translate", [0, 0]), dtype=float)
    decoded = []
    for arc in topology["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=float), axis=0) if "transform" in topology else \
            np.asarray(arc, dtype=float)
        decoded.append(xy * scale + translate)

    def ring(refs: list[int]) -> np.ndarray:
        parts = []
        for i, r in enumerate(refs):
            xy = decoded[~r][::-1] if r < 0 else decoded[r]
            parts.append(xy if i == 0 else xy[1:])
        return np.concatenate(parts)

    rows, geoms = [], []
    for g in objects[name]["geometries"]:
        polys = g.get("arcs", [])
        if g["type"] == "Polygon":
            polys = [polys]
        shapes = [shapely.Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in polys]
        geoms.append(shapely.MultiPolygon(shapes) if shapes else shapely.MultiPolygon())
        rows.append({"id": g.get("id"), **g.get("properties", {})})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4326")
