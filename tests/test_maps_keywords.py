"""The same keyword means the same in every map builder (issue 12)."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from tambon_gis import maps
from tambon_gis._errors import TambonGISError


def _layer(n: int = 4) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "tambon_code": [f"3201{i + 1:02d}" for i in range(n)],
            "tambon_th": ["ในเมือง", "ตั้งใจ", "เพี้ยราม", "นาดี"][:n],
            "households": [1200, 850, 40, 77][:n],
            "h2": [1, 2, 3, 4][:n],
            "lead": ["พอช.", "ร่วม", "พอช.", "ร่วม"][:n],
        },
        geometry=[box(103 + 0.1 * i, 14.8, 103.1 + 0.1 * i, 14.9) for i in range(n)],
        crs="EPSG:4326",
    )


def _tooltip(m) -> list:
    page = m.get_root().render()
    specs = re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)
    return json.loads(specs[0])["tooltip"]


BUILDERS = {
    "choropleth": lambda gdf, **kw: maps.choropleth(gdf, "households", k=2, **kw),
    "categorical": lambda gdf, **kw: maps.categorical(gdf, "lead", **kw),
    "timeslider": lambda gdf, **kw: maps.timeslider(gdf, ["households", "h2"], k=2, **kw),
}


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_tooltip_keyword_means_the_same_in_every_builder(builder: str) -> None:
    build = BUILDERS[builder]
    gdf = _layer()
    default = _tooltip(build(gdf))
    assert default and ["", "@value"] in default
    assert _tooltip(build(gdf, tooltip=True)) == default  # was a TypeError in categorical
    assert _tooltip(build(gdf, tooltip=None)) == default
    assert _tooltip(build(gdf, tooltip=False)) == []
    extra = _tooltip(build(gdf, tooltip=["tambon_code"]))
    assert extra == [*default, ["tambon_code", "col:tambon_code"]]
    assert _tooltip(build(gdf, tooltip="tambon_code")) == extra
    with pytest.raises(TambonGISError, match="popup=True does not say what to show"):
        build(gdf, popup=True)
