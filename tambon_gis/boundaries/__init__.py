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
be matched to the gazetteer is logged and returned as a :class:`LoadReport` by
:func:`load_boundaries_with_report`; the frame's ``attrs`` hold its provenance
(``boundary_layer``). ``gdf.attrs["load_report"]`` (the report as a plain dict) and
:func:`load_report`, which reads it and warns ``FutureWarning``, are deprecated and go in the
next release.

The package holds one concern per module: :mod:`~tambon_gis.boundaries.schema` (levels,
canonical columns, :class:`LoadReport`), :mod:`~tambon_gis.boundaries.read` (finding and
reading files, encodings, CRS), :mod:`~tambon_gis.boundaries.canonical` (canonical columns,
codes, repairs, names), :mod:`~tambon_gis.boundaries.levels` (:func:`to_level`) and
:mod:`~tambon_gis.boundaries.load` (:func:`load_boundaries`, the cache and the embedded
layer); everything public is imported here.

Examples
--------
>>> import tambon_gis as tg
>>> gdf = tg.load_boundaries(tambon_zip)  # doctest: +SKIP
>>> gdf[["tambon_code", "tambon_th", "amphoe_th", "changwat_th"]].head(1)  # doctest: +SKIP
"""

from __future__ import annotations

import geopandas as gpd  # noqa: F401  (notebooks/01_join.ipynb uses tg.boundaries.gpd)

from tambon_gis.boundaries.canonical import normalise_code
from tambon_gis.boundaries.levels import to_level
from tambon_gis.boundaries.load import (
    ResolutionWarning,
    is_embedded,
    load_boundaries,
    load_boundaries_with_report,
)
from tambon_gis.boundaries.read import _VECTOR_SUFFIXES as _VECTOR_SUFFIXES  # for datasets
from tambon_gis.boundaries.read import _cpg_to_codec as _cpg_to_codec
from tambon_gis.boundaries.read import _level_score as _level_score
from tambon_gis.boundaries.read import detect_encoding
from tambon_gis.boundaries.schema import (
    CANONICAL_COLUMNS,
    CODE_LENGTH,
    KNOWN_COLUMNS,
    LEVELS,
    THAILAND_BOUNDS,
    BoundaryWarning,
    Level,
    LoadReport,
    load_report,
)

# In the order of the old module, which the API page follows (members_order: __all__).
__all__ = [  # noqa: RUF022
    "Level",
    "LEVELS",
    "CODE_LENGTH",
    "CANONICAL_COLUMNS",
    "KNOWN_COLUMNS",
    "THAILAND_BOUNDS",
    "BoundaryWarning",
    "LoadReport",
    "load_report",
    "load_boundaries",
    "load_boundaries_with_report",
    "to_level",
    "ResolutionWarning",
    "is_embedded",
    "detect_encoding",
    "normalise_code",
]
