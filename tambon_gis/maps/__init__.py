"""Interactive maps of tambons that open fast, work offline and speak Thai.

The builders return :class:`folium.Map` objects, so they display inline in Jupyter and can be
extended with any folium feature. Unlike ``GeoDataFrame.explore()``, the geometry is simplified
as a coverage and embedded **once** per page as quantised TopoJSON
(:mod:`tambon_gis.webgeom`); the tambon fill, the amphoe and changwat outlines, the highlighted
tambons and the labels are all drawn from it in the browser. :func:`save` with ``offline=True``
writes a self-contained page: Leaflet, topojson-client, the map runtime and a Thai font subset
(Sarabun) are inlined from the package's vendored assets, so the page opens with no network.

Every text that comes from data reaches the page as JSON and is inserted with ``textContent``;
legends and panels are built here with :func:`html.escape`.

The code lives in submodules, by concern: :mod:`~tambon_gis.maps.builders` (the public
builders), :mod:`~tambon_gis.maps.layer` (the common builder of a layer),
:mod:`~tambon_gis.maps.classify` (classes, colours and legends),
:mod:`~tambon_gis.maps.options` (the keywords the builders share: :class:`MapOptions`),
:mod:`~tambon_gis.maps.context` (the country drawn around the areas),
:mod:`~tambon_gis.maps.text` (texts and value formatting), :mod:`~tambon_gis.maps.page`
(vendored assets, page elements, saving), :mod:`~tambon_gis.maps.panels` and
:mod:`~tambon_gis.maps.columns` (the deprecated ``attach_columns`` alias: the join is
:func:`tambon_gis.join.attach_columns`); import the public names from ``tambon_gis.maps``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis import maps
>>> gdf = gpd.GeoDataFrame(
...     {"tambon_code": ["320101", "320102"], "tambon_th": ["ในเมือง", "ตั้งใจ"],
...      "households": [1200, 850]},
...     geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
...     crs="EPSG:4326")
>>> m = maps.choropleth(gdf, "households", k=2, tooltip=["households"])
>>> type(m).__name__
'Map'
>>> "ในเมือง" in m.get_root().render()
True

The presentation is one value, :class:`MapOptions`, shared by every builder, interactive or
static; a keyword passed to a builder wins over it:

>>> opts = maps.MapOptions(lang="en", title="Households", outlines=None)
>>> m = maps.choropleth(gdf, "households", k=2, options=opts, title="Farm households")
>>> "Farm households" in m.get_root().render()
True
"""

from __future__ import annotations

from tambon_gis.maps.builders import categorical, choropleth, timeslider
from tambon_gis.maps.classify import (
    KINDS,
    NODATA_COLOR,
    SCHEMES,
    categories_of,
    category_classes,
    category_colors,
    classify_values,
    infer_kind,
    palette_colors,
)
from tambon_gis.maps.columns import attach_columns
from tambon_gis.maps.context import CONTEXT_ROWS, auto_context, context_layers
from tambon_gis.maps.context import CONTEXT_STYLE as CONTEXT_STYLE
from tambon_gis.maps.options import BASEMAPS, MapOptions, check_gdf, level_of
from tambon_gis.maps.page import save
from tambon_gis.maps.panels import add_panel
from tambon_gis.maps.text import credit, format_value

__all__ = [
    "BASEMAPS",
    "KINDS",
    "NODATA_COLOR",
    "SCHEMES",
    "MapOptions",
    "add_panel",
    "attach_columns",
    "categorical",
    "choropleth",
    "context_layers",
    "credit",
    "format_value",
    "infer_kind",
    "save",
    "timeslider",
]

# Private names other code reached for before the module was split (issue 9), kept as the
# same objects; new code imports them from their submodules.
_check_gdf = check_gdf
_level_of = level_of
_classify = classify_values
_palette = palette_colors
_categories = categories_of
_category_classes = category_classes
_category_colors = category_colors
_CONTEXT_ROWS = CONTEXT_ROWS
_auto_context = auto_context
