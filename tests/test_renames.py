"""Renamed keywords (issue 9): the new name works, the old one warns and still works."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tambon_gis._errors import ValidationError
from tambon_gis.join import (
    assign_points,
    assign_points_with_report,
    attach_columns,
    attach_columns_with_report,
    join_attributes,
    join_attributes_with_report,
)
from tambon_gis.matching import match_areas
from tambon_gis.monitoring import open_store
from tambon_gis.plans import import_plans

LAYER = gpd.GeoDataFrame(
    {"tambon_code": ["320101", "320102"]},
    geometry=[box(103.0, 14.0, 103.1, 14.1), box(103.1, 14.0, 103.2, 14.1)],
    crs="EPSG:4326",
)
TABLE = pd.DataFrame({"จังหวัด": ["สุรินทร์"], "ตำบล": ["ในเมือง"], "ค่า": [5]})
POINTS = pd.DataFrame({"lon": [103.05], "lat": [14.05]})
NAMES = {"province": "จังหวัด", "tambon": "ตำบล"}


def _no_warning(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("fn", [join_attributes, join_attributes_with_report])
def test_join_takes_the_layer_as_gdf_and_boundaries_warns(fn) -> None:  # type: ignore[no-untyped-def]
    new = _no_warning(fn, TABLE, gdf=LAYER, **NAMES)
    with pytest.warns(FutureWarning, match=rf"{fn.__name__}\(gdf=\.\.\.\)"):
        old = fn(TABLE, boundaries=LAYER, **NAMES)
    new_frame = new[0] if isinstance(new, tuple) else new
    old_frame = old[0] if isinstance(old, tuple) else old
    pd.testing.assert_frame_equal(pd.DataFrame(new_frame), pd.DataFrame(old_frame))
    with pytest.raises(ValidationError, match="needs the tambon boundaries"):
        fn(TABLE, **NAMES)
    with pytest.raises(ValidationError, match="got both boundaries= and gdf="):
        fn(TABLE, LAYER, boundaries=LAYER, **NAMES)


@pytest.mark.parametrize("fn", [assign_points, assign_points_with_report])
def test_points_take_the_layer_as_gdf_and_boundaries_warns(fn) -> None:  # type: ignore[no-untyped-def]
    new = _no_warning(fn, POINTS, LAYER, x="lon", y="lat")
    with pytest.warns(FutureWarning, match=rf"{fn.__name__}\(gdf=\.\.\.\)"):
        old = fn(POINTS, boundaries=LAYER, x="lon", y="lat")
    new_frame = new[0] if isinstance(new, tuple) else new
    old_frame = old[0] if isinstance(old, tuple) else old
    assert new_frame["tambon_code"].tolist() == old_frame["tambon_code"].tolist() == ["320101"]


def test_match_areas_takes_gdf_and_boundaries_warns() -> None:
    new = _no_warning(match_areas, TABLE, gdf=LAYER, **NAMES)
    with pytest.warns(FutureWarning, match=r"match_areas\(gdf=\.\.\.\)"):
        old = match_areas(TABLE, boundaries=LAYER, **NAMES)
    assert new.to_frame()["tambon_code"].tolist() == old.to_frame()["tambon_code"].tolist()


def test_import_plans_takes_gdf_and_boundaries_warns(tmp_path: Path) -> None:
    sheet = pd.DataFrame({
        "จังหวัด": ["น่าน"], "อำเภอ": ["ปัว"], "ตำบล": ["ศิลาแลง"],
        "ประเภทแผน": ["แผนพัฒนาเกษตรกรรมระดับตำบล"], "ปีของแผน": ["2566-2570"],
        "สถานะแผน": ["ประกาศใช้แล้ว"], "ลำดับ": ["1"], "กิจกรรม/โครงการ": ["ธนาคารเมล็ดพันธุ์"],
    })  # fmt: skip
    with open_store(tmp_path / "a.sqlite") as store:
        assert _no_warning(import_plans, store, sheet, gdf=None).status == "imported"
    with open_store(tmp_path / "b.sqlite") as store, pytest.warns(
        FutureWarning, match=r"import_plans\(gdf=\.\.\.\)"
    ):
        assert import_plans(store, sheet, boundaries=None).status == "imported"


@pytest.mark.parametrize("fn", [attach_columns, attach_columns_with_report])
def test_attach_columns_key_is_code_and_on_warns(fn) -> None:  # type: ignore[no-untyped-def]
    table = pd.DataFrame({"tambon_code": ["320102"], "lead": ["พอช."]})
    new = _no_warning(fn, LAYER, table, code="tambon_code")
    with pytest.warns(FutureWarning, match=rf"{fn.__name__}\(code=\.\.\.\)"):
        old = fn(LAYER, table, on="tambon_code")
    new_frame = new[0] if isinstance(new, tuple) else new
    old_frame = old[0] if isinstance(old, tuple) else old
    assert new_frame["lead"].tolist() == old_frame["lead"].tolist()
    assert new_frame["lead"].tolist()[1] == "พอช."
