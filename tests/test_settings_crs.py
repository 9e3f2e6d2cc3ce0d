"""``settings.area_crs`` and ``settings.distance_crs``: one home for the CRS of areas, distances."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import box

import tambon_gis as tg
from tambon_gis import settings, webgeom


def test_area_crs_is_equal_area_and_agrees_with_epsg_6933_per_province() -> None:
    crs = CRS.from_user_input(settings.area_crs)
    assert crs.is_projected and crs.coordinate_operation.method_name.startswith("Albers")
    provinces = tg.to_level(tg.load_boundaries(), "changwat")
    assert len(provinces) == 77
    ours = provinces.to_crs(settings.area_crs).area.to_numpy()
    reference = provinces.to_crs("EPSG:6933").area.to_numpy()
    # the embedded layer has long straight edges, drawn a little differently by each projection:
    # 3e-6 here (2e-7 on the full-resolution layer); UTM 47N is 3,000 times further off
    assert np.max(np.abs(ours / reference - 1)) < 1e-5
    utm = provinces.to_crs("EPSG:32647").area.to_numpy()
    assert np.max(utm / reference - 1) > 0.005  # what UTM 47N would overstate in the east


def test_webgeom_measures_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    a = gpd.GeoDataFrame({"tambon_code": ["1", "2"]},
                         geometry=[box(104, 15, 104.2, 15.2), box(104.1, 15, 104.3, 15.2)],
                         crs="EPSG:4326")  # fmt: skip
    albers = webgeom.check_coverage(a, a).overlap_km2_before
    monkeypatch.setattr(settings, "area_crs", "EPSG:32647")
    utm = webgeom.check_coverage(a, a).overlap_km2_before
    assert albers > 0 and utm > albers * 1.003  # UTM 47N overstates areas at 104° E
