"""Tests of tambon_gis.webgeom: coverage simplification, shared arcs, cache, checks."""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from tambon_gis import webgeom
from tambon_gis._errors import CRSError, ValidationError


def _grid(n: int = 3) -> gpd.GeoDataFrame:
    cells = [box(100 + 0.1 * i, 14 + 0.1 * j, 100.1 + 0.1 * i, 14.1 + 0.1 * j)
             for j in range(n) for i in range(n)]
    codes = [f"3201{k:02d}" for k in range(1, n * n + 1)]
    return gpd.GeoDataFrame({"tambon_code": codes}, geometry=cells, crs="EPSG:4326")


def _arc_usage(topo: webgeom.WebTopology) -> dict[int, list[int]]:
    use: dict[int, list[int]] = {}
    for g in topo.topology["objects"][topo.object_name]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for poly in polys:
            for ring in poly:
                for ref in ring:
                    use.setdefault(ref if ref >= 0 else ~ref, []).append(ref)
    return use


def test_two_squares_share_one_arc() -> None:
    gdf = _grid(1)
    gdf = gpd.GeoDataFrame(
        {"tambon_code": ["100101", "100102"]},
        geometry=[box(100, 13, 100.5, 13.5), box(100.5, 13, 101, 13.5)], crs="EPSG:4326",
    )
    topo = webgeom.to_topology(gdf, tolerance=0, cache=False)
    assert topo.n_features == 2
    assert topo.n_arcs == 3
    shared = [refs for refs in _arc_usage(topo).values() if len(refs) == 2]
    assert len(shared) == 1
    # the shared border is walked in opposite directions by the two neighbours
    assert sorted(r >= 0 for r in shared[0]) == [False, True]


def test_grid_arcs_are_shared_and_roundtrip() -> None:
    gdf = _grid(3)
    topo = webgeom.to_topology(gdf, tolerance=0, quantum=1e-5, cache=False)
    use = _arc_usage(topo)
    # 12 interior edges of a 3x3 grid are shared by exactly two cells
    assert sum(len(v) == 2 for v in use.values()) == 12
    assert all(len(v) <= 2 for v in use.values())
    back = webgeom.from_topology(topo)
    assert back["id"].tolist() == gdf["tambon_code"].tolist()
    for a, b in zip(gdf.geometry, back.geometry, strict=True):
        assert a.symmetric_difference(b).area < 1e-12


def test_island_inside_hole_is_one_closed_arc() -> None:
    outer = Polygon(box(0, 0, 10, 10).exterior.coords, [box(4, 4, 6, 6).exterior.coords])
    inner = box(4, 4, 6, 6)
    far = MultiPolygon([box(20, 0, 21, 1), box(22, 0, 23, 1)])
    gdf = gpd.GeoDataFrame({"tambon_code": ["a", "b", "c"]}, geometry=[outer, inner, far],
                           crs="EPSG:4326")
    topo = webgeom.to_topology(gdf, tolerance=0, quantum=0.5, cache=False)
    back = webgeom.from_topology(topo)
    assert back.geometry.iloc[0].equals(outer)
    assert back.geometry.iloc[1].equals(inner)
    assert len(back.geometry.iloc[2].geoms) == 2
    # the hole of "a" and the exterior of "b" are the same arc
    shared = [v for v in _arc_usage(topo).values() if len(v) == 2]
    assert len(shared) == 1


def test_properties_are_json_safe_and_thai_survives() -> None:
    gdf = _grid(2)
    gdf["tambon_th"] = ["ในเมือง", None, "ตั้งใจ", "<b>x</b>"]
    gdf["v"] = [1.5, np.nan, 3, 4]
    topo = webgeom.to_topology(gdf, properties=["tambon_th", "v"], tolerance=0, cache=False)
    text = topo.to_json()
    assert "ในเมือง" in text
    props = [g["properties"] for g in json.loads(text)["objects"]["features"]["geometries"]]
    assert props[1] == {"tambon_th": None, "v": None}
    assert props[0]["v"] == 1.5
    assert "WebTopology" in repr(topo) and "<table>" in topo._repr_html_()
    assert topo.to_frame()["id"].tolist() == gdf["tambon_code"].tolist()


def test_simplify_keeps_neighbours_matched_and_does_not_mutate() -> None:
    # a wiggly shared border between two polygons
    xs = np.linspace(0, 1, 200)
    border = [(100 + float(x), 14.5 + 0.003 * np.sin(40 * x)) for x in xs]
    south = Polygon([(100, 14), (101, 14), *border[::-1]])
    north = Polygon([*border, (101, 15), (100, 15)])
    gdf = gpd.GeoDataFrame({"tambon_code": ["s", "n"]}, geometry=[south, north], crs="EPSG:4326")
    before = gdf.copy()
    out = webgeom.simplify_coverage(gdf, tolerance=0.01, cache=False)
    assert gdf.geometry.equals(before.geometry)
    assert shapely.get_num_coordinates(out.geometry.values).sum() < 100
    assert shapely.coverage_is_valid(out.geometry.values)
    check = webgeom.check_coverage(gdf, out)
    assert check.ok, check
    assert check.empty == 0 and check.parts_after == 2
    # Douglas-Peucker on shared arcs: no border moves further than the tolerance
    assert check.max_shift_m < 0.01 * 111_000
    vw = webgeom.simplify_coverage(gdf, tolerance=0.01, method="coverage", cache=False)
    assert shapely.coverage_is_valid(vw.geometry.values)
    assert webgeom.check_coverage(gdf, vw).ok
    with pytest.raises(ValidationError, match="method"):
        webgeom.simplify_coverage(gdf, method="magic", cache=False)


def test_crossing_arcs_are_repaired(caplog: pytest.LogCaptureFixture) -> None:
    # p1 sits above a border with a peak; p2 sits under the peak, inside p3. Straightening the
    # border at a tolerance larger than the peak would put p2 inside p1: the repair round
    # simplifies that border again with a smaller tolerance.
    peak = [(100.0, 14.0), (100.05, 14.03), (100.1, 14.0)]
    p1 = Polygon([*peak, (100.1, 14.1), (100.0, 14.1)])
    p2 = Polygon([(100.04, 14.005), (100.06, 14.005), (100.05, 14.02)])
    p3 = Polygon([(100.0, 13.95), (100.1, 13.95), *peak[::-1]], [list(p2.exterior.coords)])
    gdf = gpd.GeoDataFrame({"tambon_code": ["p1", "p2", "p3"]}, geometry=[p1, p2, p3],
                           crs="EPSG:4326")
    assert shapely.coverage_is_valid(gdf.geometry.values)
    with caplog.at_level(logging.DEBUG, logger="tambon_gis"):
        out = webgeom.simplify_coverage(gdf, tolerance=0.035, cache=False)
    assert "polygons to repair" in caplog.text
    assert shapely.is_valid(out.geometry.values).all()
    assert shapely.coverage_is_valid(out.geometry.values)
    assert not shapely.overlaps(out.geometry.iloc[0], out.geometry.iloc[1])


def test_cache_is_written_and_read(caplog: pytest.LogCaptureFixture) -> None:
    gdf = _grid(2)
    with caplog.at_level(logging.INFO, logger="tambon_gis"):
        first = webgeom.simplify_coverage(gdf, tolerance=0.001)
        second = webgeom.simplify_coverage(gdf, tolerance=0.001)
    assert "from the cache" in caplog.text
    assert first.geometry.equals(second.geometry)
    t1 = webgeom.to_topology(gdf, tolerance=0.001)
    t2 = webgeom.to_topology(gdf, tolerance=0.001)
    assert t1.to_json() == t2.to_json()


def test_bad_inputs_have_clear_errors() -> None:
    gdf = _grid(2)
    with pytest.raises(CRSError, match="set_crs"):
        webgeom.to_topology(gdf.set_crs(None, allow_override=True), cache=False)
    with pytest.raises(ValidationError, match="no geometry"):
        webgeom.simplify_coverage(
            gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), None], crs="EPSG:4326"), cache=False
        )
    with pytest.raises(ValidationError, match="Polygon"):
        webgeom.simplify_coverage(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:4326"))
    with pytest.raises(ValidationError, match="negative"):
        webgeom.simplify_coverage(gdf, tolerance=-1, cache=False)
    with pytest.raises(ValidationError, match="not columns"):
        webgeom.to_topology(gdf, properties=["nope"], cache=False)
    with pytest.raises(TypeError, match="GeoDataFrame"):
        webgeom.to_topology([box(0, 0, 1, 1)])  # type: ignore[arg-type]


def test_projected_input_is_reprojected() -> None:
    gdf = _grid(2).to_crs("EPSG:32647")
    topo = webgeom.to_topology(gdf, tolerance=0, cache=False)
    xmin, ymin, _xmax, _ymax = topo.topology["bbox"]
    assert 99.9 < xmin < 100.1 and 13.9 < ymin < 14.1


def test_tiny_island_dropped_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    big = box(100, 14, 100.1, 14.1)
    islands = MultiPolygon([box(100.2, 14, 100.3, 14.1), box(100.5, 14.5, 100.50001, 14.50001)])
    gdf = gpd.GeoDataFrame({"tambon_code": ["a", "b"]}, geometry=[big, islands], crs="EPSG:4326")
    webgeom._DROPS_REPORTED.clear()
    with caplog.at_level(logging.WARNING, logger="tambon_gis"):
        topo = webgeom.to_topology(gdf, tolerance=0, quantum=0.001, cache=False)
        again = webgeom.to_topology(gdf, tolerance=0, quantum=0.001, cache=False)
    assert topo.dropped["id"].tolist() == ["b"] == again.dropped["id"].tolist()
    assert caplog.text.count("dropped 1 rings") == 1, "the same layer again is not reported again"
    assert "ids b" in caplog.text


def test_auto_tolerance_scales_with_extent() -> None:
    national = gpd.GeoSeries([box(97.3, 5.6, 105.7, 20.5)], crs="EPSG:4326")
    district = gpd.GeoSeries([box(103.4, 14.8, 103.5, 14.9)], crs="EPSG:4326")
    assert webgeom.auto_tolerance(national) == webgeom.NATIONAL_TOLERANCE
    assert webgeom.auto_tolerance(district) == webgeom.MIN_TOLERANCE
    assert webgeom.auto_quantum(0.0015) == 0.0001


# ---------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_surin_full_resolution_keeps_the_coverage(surin_zip) -> None:
    from tambon_gis import load_boundaries

    surin = load_boundaries(surin_zip)
    topo = webgeom.to_topology(surin)
    assert topo.n_features == len(surin) == 159
    assert len(topo.dropped) == 0
    assert topo.nbytes < 1_000_000
    back = webgeom.from_topology(topo)
    check = webgeom.check_coverage(surin, back)
    assert check.ok, check
    assert check.empty == 0
    assert check.parts_after == check.parts_before
    assert check.invalid_coverage_after == 0
    assert check.max_shift_m < 200
    assert check.vertices_after < check.vertices_before / 3
    assert back["id"].tolist() == surin["tambon_code"].tolist()


@pytest.mark.realdata
@pytest.mark.slow
def test_national_layer_nothing_lost(tambons) -> None:
    topo = webgeom.to_topology(tambons)
    assert topo.n_features == 7425
    back = webgeom.from_topology(topo)
    assert not back.geometry.is_empty.any()
    assert back["id"].tolist() == tambons["tambon_code"].tolist()
    parts_before = int(shapely.get_num_geometries(tambons.geometry.values).sum())
    parts_after = int(shapely.get_num_geometries(back.geometry.values).sum())
    assert parts_after + len(topo.dropped) == parts_before
    # shared borders are stored once: far fewer points than vertices
    assert topo.n_points < 0.7 * topo.n_vertices_in
    # no new overlaps between neighbours (the simplified layer has none to start with)
    simple = webgeom.simplify_coverage(tambons)
    assert webgeom._overlap_km2(np.asarray(simple.geometry.values)) <= (
        webgeom._overlap_km2(np.asarray(tambons.geometry.values)) + 0.01
    )
