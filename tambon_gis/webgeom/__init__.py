"""Geometry for the web: topology-preserving simplification and a compact shared-arc encoding.

A national tambon layer at full resolution holds about 10 million vertices. Simplifying each
polygon on its own (``GeoSeries.simplify``) tears neighbouring tambons apart, because the two
sides of a shared border are simplified differently. This module simplifies the *coverage* as a
whole: it cuts it into shared arcs (each border between two neighbours once) and simplifies each
arc once (Douglas-Peucker with the junctions fixed, repaired where arcs would cross), or uses
:func:`shapely.coverage_simplify`. It then encodes the result as TopoJSON: coordinates are
quantised to an integer grid, every shared border is stored once as an *arc*, and polygons are
lists of arc references. Amphoe and changwat outlines are meshes of the same arcs, so a page
embeds the geometry once for all its layers.

Results are cached on disk under :func:`tambon_gis.settings.get_cache_folder`, keyed by a hash
of the input geometry and the tolerance.

The code lives in submodules, by concern: :mod:`~tambon_gis.webgeom.tolerance` (tolerance, grid
step, input checks), :mod:`~tambon_gis.webgeom.cache` (the on-disk cache and its keys),
:mod:`~tambon_gis.webgeom.arcs` (shared-arc extraction), :mod:`~tambon_gis.webgeom.simplify`
(coverage simplification), :mod:`~tambon_gis.webgeom.topojson` (TopoJSON encoding and
decoding) and :mod:`~tambon_gis.webgeom.checks` (comparison with the original); import the
public names from ``tambon_gis.webgeom``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis import webgeom
>>> gdf = gpd.GeoDataFrame({"tambon_code": ["100101", "100102"]},
...                        geometry=[box(100, 13, 100.5, 13.5), box(100.5, 13, 101, 13.5)],
...                        crs="EPSG:4326")
>>> topo = webgeom.to_topology(gdf, tolerance=0.0, cache=False)
>>> topo.n_features, topo.n_arcs
(2, 3)
"""

from __future__ import annotations

from tambon_gis.webgeom.arcs import part_ok as part_ok
from tambon_gis.webgeom.cache import digest_scope, geometry_hash
from tambon_gis.webgeom.checks import CoverageCheck, check_coverage
from tambon_gis.webgeom.checks import _overlap_km2 as _overlap_km2
from tambon_gis.webgeom.simplify import simplify_coverage
from tambon_gis.webgeom.tolerance import (
    MIN_TOLERANCE,
    NATIONAL_TOLERANCE,
    auto_quantum,
    auto_tolerance,
)
from tambon_gis.webgeom.topojson import _DROPS_REPORTED as _DROPS_REPORTED
from tambon_gis.webgeom.topojson import WebTopology, from_topology, to_topology

__all__ = [
    "MIN_TOLERANCE",
    "NATIONAL_TOLERANCE",
    "CoverageCheck",
    "WebTopology",
    "auto_quantum",
    "auto_tolerance",
    "check_coverage",
    "from_topology",
    "simplify_coverage",
    "to_topology",
]

# Private names other code reached for before the module was split (issue 9), and the helper
# ``part_ok``, are the objects themselves (clearing ``webgeom._DROPS_REPORTED`` clears the set
# that to_topology reads); new code imports them from their submodules.
_geometry_hash = geometry_hash
_digest_scope = digest_scope
