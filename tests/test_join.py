"""tambon_gis.join: tables joined to the real boundaries, and points put into tambons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from tambon_gis._errors import CRSError, SchemaError, ValidationError
from tambon_gis.join import (
    AssignReport,
    AttachReport,
    assign_points,
    assign_points_with_report,
    attach_columns,
    attach_columns_with_report,
    join_attributes,
    join_attributes_with_report,
    require_matched,
)
from tambon_gis.matching import MatchReport, match_areas
from tambon_gis.selection import select_areas
from tambon_gis.tables import read_table

EXAMPLES = Path(__file__).parent.parent / "examples"
DATA = Path(__file__).parent / "data"
COLS = {"province": "จังหวัด", "amphoe": "อำเภอ", "tambon": "ตำบล", "code": "รหัสตำบล"}


@pytest.fixture(scope="module")
def pilot() -> pd.DataFrame:
    return read_table(EXAMPLES / "pilot_tambons.csv")


@pytest.mark.realdata
def test_join_pilot_to_real_boundaries(pilot: pd.DataFrame, tambons: gpd.GeoDataFrame) -> None:
    before = pilot.copy()
    g, report = join_attributes_with_report(pilot, tambons, **COLS)
    pd.testing.assert_frame_equal(pilot, before)
    assert isinstance(g, gpd.GeoDataFrame)
    assert len(g) == 23 and g.crs == tambons.crs
    assert g.geometry.notna().all() and g.geometry.is_valid.all()
    assert g["in_boundaries"].all()
    assert set(g["region_en"]) == {"North", "Northeast", "Central", "East", "West", "South"}
    assert report.counts["fuzzy"] == 2 and not g.attrs  # the report is returned, not in attrs
    # each row's geometry is its tambon's
    by_code = tambons.set_index("tambon_code").geometry
    assert all(
        geom.equals(by_code[c]) for c, geom in zip(g["tambon_code"], g.geometry, strict=True)
    )
    # the input columns and their order are kept
    assert g.columns[: len(pilot.columns)].tolist() == pilot.columns.tolist()
    assert g["ครัวเรือนเกษตรกร"].sum() == pilot["ครัวเรือนเกษตรกร"].sum()


@pytest.mark.realdata
def test_unmatched_rows_are_kept_without_geometry(tambons: gpd.GeoDataFrame) -> None:
    table = read_table(DATA / "match_messy.csv", dtype_str=True)
    cols = {"province": "province", "amphoe": "district", "tambon": "subdistrict", "code": "code"}
    g, report = join_attributes_with_report(table, tambons, **cols)
    assert isinstance(report, MatchReport)
    assert len(g) == 17
    assert g["id"].tolist() == table["id"].tolist()
    no_geom = g[g.geometry.isna()]
    assert set(no_geom["match_status"]) == {"ambiguous", "unmatched"}
    assert "status" not in g.columns and "score" not in g.columns
    assert g["match_score"].tolist() == report.to_frame()["score"].tolist()
    assert len(no_geom) == 5
    inner = join_attributes(table, tambons, **cols, how="inner")
    assert len(inner) == 12 and inner.geometry.notna().all()
    assert inner.index.tolist() == g.index[g.geometry.notna()].tolist()


@pytest.mark.realdata
def test_tambon_missing_from_an_older_layer(
    tambons: gpd.GeoDataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    # a layer without 320102 and without any older code of it (104702, split off after the
    # 2022-01 HDX layer, now gets its old polygon: see the test at the end)
    t = pd.DataFrame({"code": ["320102", "320101"]})
    with caplog.at_level("WARNING", logger="tambon_gis"):
        g = join_attributes(t, tambons[tambons["tambon_code"] != "320102"], code="code")
    assert g["match_status"].tolist() == ["code", "code"]
    assert g["in_boundaries"].tolist() == [False, True]
    assert g.geometry.isna().tolist() == [True, False]
    assert "tambon not in the boundaries" in g["note"].iloc[0]
    assert any("not in the boundaries" in r.getMessage() for r in caplog.records)


def test_join_reuses_a_report_and_checks_its_inputs() -> None:
    b = gpd.GeoDataFrame({"tambon_code": ["320310"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    t = pd.DataFrame({"ตำบล": ["ทุ่งกุลา"], "จังหวัด": ["สุรินทร์"]})
    report = match_areas(t, province="จังหวัด", tambon="ตำบล")
    assert join_attributes(report, b).geometry.iloc[0].equals(box(0, 0, 1, 1))
    with pytest.raises(ValidationError, match="how='outer'"):
        join_attributes(report, b, how="outer")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="load_boundaries"):
        join_attributes(report, b.rename(columns={"tambon_code": "x"}))
    with pytest.raises(CRSError, match="no CRS"):
        join_attributes(
            report, gpd.GeoDataFrame(b.drop(columns="geometry"), geometry=list(b.geometry))
        )
    with pytest.raises(ValidationError, match="expected a GeoDataFrame"):
        join_attributes(report, pd.DataFrame(b))  # type: ignore[arg-type]
    twice = pd.concat([b, b])
    with pytest.raises(ValidationError, match="more than once"):
        join_attributes(report, twice)
    # COD-AB columns work too
    hdx = b.rename(columns={"tambon_code": "ADM3_PCODE"}).assign(ADM3_PCODE="TH320310")
    assert join_attributes(report, hdx)["in_boundaries"].all()


def test_return_report_is_deprecated_and_still_returns_both() -> None:
    b = gpd.GeoDataFrame({"tambon_code": ["320310"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    t = pd.DataFrame({"ตำบล": ["ทุ่งกุลา", "ไม่มี"], "จังหวัด": ["สุรินทร์", "สุรินทร์"]})
    with pytest.warns(FutureWarning, match="join_attributes_with_report") as caught:
        g, report = join_attributes(t, b, province="จังหวัด", tambon="ตำบล", return_report=True)
    assert len([w for w in caught if w.category is FutureWarning]) == 1  # warned once
    new, new_report = join_attributes_with_report(t, b, province="จังหวัด", tambon="ตำบล")
    pd.testing.assert_frame_equal(g, new)
    assert report.counts.to_dict() == new_report.counts.to_dict() and report.n_matched == 1
    assert not g.attrs and not new.attrs  # no report in attrs, either way


# --------------------------------------------------------------------------------------------
# assign_points
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def surin(surin_zip: Path) -> gpd.GeoDataFrame:
    from tambon_gis import load_boundaries

    return load_boundaries(surin_zip)


@pytest.mark.realdata
def test_points_inside_their_tambons(tambons: gpd.GeoDataFrame) -> None:
    sample = tambons.sample(300, random_state=3)
    pts = sample.geometry.representative_point()
    df = pd.DataFrame(
        {"id": sample["tambon_code"].to_numpy(), "lon": pts.x.to_numpy(), "lat": pts.y.to_numpy()}
    )
    out, report = assign_points_with_report(df, tambons)
    assert len(out) == 300 and list(out.index) == list(df.index)
    assert (out["tambon_code"] == out["id"]).all()
    assert (out["assign_status"] == "inside").all()
    assert out["tambon_th"].notna().all() and out["changwat_th"].notna().all()
    assert report.inside == 300 and "assign_counts" not in out.attrs
    # a GeoDataFrame of points gives the same answer
    gdf = gpd.GeoDataFrame(df[["id"]], geometry=pts.to_numpy(), crs="EPSG:4326")
    assert assign_points(gdf, tambons)["tambon_code"].tolist() == out["tambon_code"].tolist()
    # and projected points (UTM 47N) are brought to WGS84 first
    utm = gdf.to_crs("EPSG:32647")
    assert assign_points(utm, tambons)["tambon_code"].tolist() == out["tambon_code"].tolist()
    xy = pd.DataFrame({"x": utm.geometry.x, "y": utm.geometry.y})
    assert (
        assign_points(xy, tambons, crs="EPSG:32647")["tambon_code"].tolist()
        == out["tambon_code"].tolist()
    )


@pytest.mark.realdata
def test_same_answer_as_geopandas_sjoin_on_full_resolution(surin: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = surin.total_bounds
    n = 20_000
    xs, ys = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
    out = assign_points(pd.DataFrame({"lon": xs, "lat": ys}), surin)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326")
    j = gpd.sjoin(pts, surin[["tambon_code", "geometry"]], predicate="within", how="left")
    j = j[~j.index.duplicated(keep="first")]
    ours = out["tambon_code"].fillna("-").to_numpy()
    theirs = j["tambon_code"].fillna("-").to_numpy()
    single = out["n_tambons"].to_numpy() <= 1
    assert (ours[single] == theirs[single]).all()
    assert (out["assign_status"] == "outside").sum() == (theirs == "-").sum()
    assert 0.3 < (out["assign_status"] == "inside").mean() < 1


@pytest.mark.realdata
def test_points_outside_and_snapped(tambons: gpd.GeoDataFrame) -> None:
    surin = tambons[tambons["changwat_code"] == "32"]
    # a point 200 m west of Phuket's westernmost vertex (in the sea), one far out in the
    # Andaman Sea, one in Surin, one without coordinates
    island = tambons[tambons["changwat_code"] == "83"].to_crs("EPSG:32647").union_all()
    xy = shapely.get_coordinates(island)
    west = xy[np.argmin(xy[:, 0])]
    near = (
        gpd.GeoSeries([Point(west[0] - 200, west[1])], crs="EPSG:32647").to_crs("EPSG:4326").iloc[0]
    )
    c = surin.geometry.iloc[0].representative_point()
    df = pd.DataFrame({"lon": [near.x, 97.5, c.x, None], "lat": [near.y, 7.0, c.y, None]})
    plain = assign_points(df, tambons)
    assert plain["assign_status"].tolist() == ["outside", "outside", "inside", "no_location"]
    assert plain["tambon_code"].isna().tolist() == [True, True, False, True]
    snapped, report = assign_points_with_report(df, tambons, snap_distance=1000)
    assert snapped["assign_status"].tolist() == ["snapped", "outside", "inside", "no_location"]
    assert snapped["tambon_code"].iloc[0] is not None and snapped["tambon_code"].iloc[0].startswith(
        "83"
    )
    assert 0 < snapped["snap_m"].iloc[0] <= 1000
    assert np.isnan(snapped["snap_m"].iloc[2])
    assert isinstance(report, AssignReport) and report.counts == {
        "inside": 1,
        "snapped": 1,
        "outside": 1,
        "no_location": 1,
        "on_several": 0,
    }


def test_points_on_a_shared_edge_count_both_tambons() -> None:
    b = gpd.GeoDataFrame(
        {"tambon_code": ["100101", "100102"]},
        geometry=[box(100, 13, 100.1, 13.1), box(100.05, 13, 100.2, 13.1)],
        crs="EPSG:4326",
    )
    points = pd.DataFrame({"lon": [100.07, 100.15], "lat": [13.05, 13.05]})
    out, report = assign_points_with_report(points, b)
    assert out["tambon_code"].tolist() == ["100101", "100102"]  # the first listed wins
    assert out["n_tambons"].tolist() == [2, 1]
    assert report.on_several == 1
    assert repr(report) == "AssignReport(2 points: inside 2, on_several 1)"
    # the plain function returns the same frame
    pd.testing.assert_frame_equal(assign_points(points, b), out)


def test_point_errors_name_the_fix() -> None:
    b = gpd.GeoDataFrame(
        {"tambon_code": ["320101"]}, geometry=[box(103, 14, 104, 15)], crs="EPSG:4326"
    )
    with pytest.raises(CRSError, match="set_crs"):
        assign_points(gpd.GeoDataFrame(geometry=[Point(103.5, 14.5)]), b)
    with pytest.raises(SchemaError, match="x='LON_COLUMN'"):
        assign_points(pd.DataFrame({"a": [1.0], "b": [2.0]}), b)
    swapped = pd.DataFrame({"lon": np.full(20, 14.5), "lat": np.full(20, 103.5)})
    with pytest.raises(CRSError, match="swapped"):
        assign_points(swapped, b)
    poly = gpd.GeoDataFrame(geometry=[box(103.1, 14.1, 103.2, 14.2)], crs="EPSG:4326")
    with pytest.raises(ValidationError, match="representative_point"):
        assign_points(poly, b)
    with pytest.raises(ValidationError, match="expected metres"):
        assign_points(pd.DataFrame({"lon": [103.5], "lat": [14.5]}), b, snap_distance=-1)
    with pytest.raises(ValidationError, match="expected a GeoDataFrame of points"):
        assign_points([(103.5, 14.5)], b)  # type: ignore[arg-type]


def test_assign_points_keeps_input_and_names_columns() -> None:
    b = gpd.GeoDataFrame(
        {"tambon_code": ["320101"], "tambon_th": ["ในเมือง"]},
        geometry=[box(103, 14, 104, 15)],
        crs="EPSG:4326",
    )
    df = pd.DataFrame({"ลองจิจูด": [103.5], "ละติจูด": [14.5], "tambon_code": ["typed"]}, index=[7])
    before = df.copy()
    out = assign_points(df, b)
    pd.testing.assert_frame_equal(df, before)
    assert out.index.tolist() == [7]
    assert out["tambon_code"].tolist() == ["typed"]  # the input's own column is kept
    assert out["tambon_code_assigned"].tolist() == ["320101"]
    assert out["tambon_th"].tolist() == ["ในเมือง"]
    assert shapely.get_type_id(b.geometry.to_numpy()).tolist() == [3]


@pytest.mark.realdata
@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e308, np.nan, 1e300])
def test_assign_points_one_non_finite_coordinate_is_no_location(tambons, bad) -> None:
    from tambon_gis.join import assign_points

    some = tambons.iloc[::500]
    pts = some.geometry.representative_point()
    table = pd.DataFrame({"lon": pts.x.to_numpy(), "lat": pts.y.to_numpy()})
    table.loc[3, "lon"] = bad
    for snap in (None, 500.0):
        out = assign_points(table, tambons, snap_distance=snap)
        assert out.loc[3, "assign_status"] == "no_location"
        rest = out.drop(index=3)
        assert (rest["assign_status"] == "inside").all()
        assert rest["tambon_code"].tolist() == some["tambon_code"].drop(some.index[3]).tolist()
    gdf = gpd.GeoDataFrame(
        table.fillna(0), geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326
    )
    out = assign_points(gdf, tambons)
    assert out["assign_status"].iloc[3] == "no_location"
    assert (out["assign_status"].drop(index=out.index[3]) == "inside").all()


@pytest.mark.realdata
def test_a_layer_older_than_the_gazetteer_gives_its_polygon_and_code(
    tambon_simplified_zip: Path,
) -> None:
    """Issue 13: renumbered tambons get the layer's polygon and code; split ones the old polygon."""
    from tambon_gis import gazetteer, load_boundaries

    layer = load_boundaries(tambon_simplified_zip)
    ab = gazetteer.abolished()
    in_layer = set(layer["tambon_code"])
    current = set(gazetteer.tambons()["tambon_code"])
    olds = ab[
        (ab["level"] == "subdistrict") & ab["code"].isin(in_layer) & ~ab["code"].isin(current)
    ]
    assert len(olds) >= 3  # 104701, 105001 (split in 2022), 530306 (renumbered in 2015)
    rows, expect = [], []
    for o in olds.itertuples(index=False):
        for succ in str(o.successors).split():
            if succ in current and succ not in in_layer:
                rows.append(succ)
                expect.append((o.code, len(str(o.successors).split())))
    g = join_attributes(pd.DataFrame({"code": rows}), layer, code="code")
    assert g.geometry.notna().all() and g["in_boundaries"].all()
    assert g["gazetteer_code"].tolist() == rows
    assert g["tambon_code"].tolist() == [old for old, _ in expect]
    for note, cur, (old, n) in zip(g["note"], rows, expect, strict=True):
        assert cur in note and old in note
        assert ("split-after-layer" if n > 1 else "older-layer-code") in note
    polygons = layer.set_index("tambon_code").geometry
    assert all(
        geom.equals(polygons[old]) for geom, (old, _) in zip(g.geometry, expect, strict=True)
    )


# --------------------------------------------------------------------------------------------
# Boundaries <- table
# --------------------------------------------------------------------------------------------


def _two_tambons() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"tambon_code": ["320101", "320102"], "tambon_th": ["ในเมือง", "ตั้งใจ"]},
        geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
        crs="EPSG:4326",
    )


def test_attach_columns_keeps_every_boundary_row() -> None:
    gdf = _two_tambons()
    table = pd.DataFrame({"tambon_code": ["320101", "320101", None, "999999"], "x": [1, 2, 3, 4]})
    before = gdf.copy()
    out, report = attach_columns_with_report(gdf, table)
    pd.testing.assert_frame_equal(gdf, before)
    assert out["tambon_code"].tolist() == gdf["tambon_code"].tolist()
    assert out["x"].iloc[0] == 1 and pd.isna(out["x"].iloc[1])
    assert report == AttachReport(rows=2, with_values=1, unmatched=1, duplicates=1,
                                  not_in_layer=1)
    assert not out.attrs  # the report is returned, not carried in attrs
    assert "1 of 2 rows given values" in repr(report)
    pd.testing.assert_frame_equal(attach_columns(gdf, table), out)
    with pytest.raises(SchemaError, match="join_attributes"):
        attach_columns(gdf, table.rename(columns={"tambon_code": "code"}))
    with pytest.raises(SchemaError, match=r"\['y'\] are not in the table"):
        attach_columns(gdf, table, columns=["y"])


def test_joined_match_columns_do_not_collide_with_a_selection() -> None:
    b = _two_tambons()
    t = pd.DataFrame({"code": ["320101", "320102"], "match_status": ["mine", "mine"],
                      "households": [10, 20]})  # fmt: skip
    g = join_attributes(t, b, code="code")
    assert g["match_status"].tolist() == ["code", "code"]
    assert g["input_match_status"].tolist() == ["mine", "mine"]  # the input's column is kept
    assert g["match_score"].notna().all() and not {"status", "score"} & set(g.columns)
    # the joined rows go on to a selection with no rename: its status/score are its own
    ranked = select_areas(g, n=1, score="households").ranked()
    assert ranked["status"].tolist() == ["chosen", "left out"]
    assert ranked["tambon_code"].tolist() == ["320102", "320101"]
    # and back onto the boundaries: the bookkeeping stays behind
    layer = attach_columns(b, g)
    assert "households" in layer.columns and "match_status" not in layer.columns


def test_attach_columns_skips_the_bookkeeping_of_a_frame_joined_before_0_2() -> None:
    old = pd.DataFrame({"tambon_code": ["320101"], "status": ["exact"], "score": [1.0],
                        "households": [10]})  # fmt: skip
    layer = attach_columns(_two_tambons(), old)
    assert "households" in layer.columns and not {"status", "score"} & set(layer.columns)


def test_require_matched_names_the_rows_to_fix() -> None:
    b = _two_tambons()
    table = pd.DataFrame({"code": ["320101", "999999", "320102", None]})
    joined = join_attributes(table, b, code="code")
    with pytest.raises(ValidationError, match=r"2 row\(s\) of pilots.csv .* \(rows \[2, 4\]\)"):
        require_matched(joined, source="pilots.csv")
    # a tambon the layer lacks is not matched either
    layer = b[b["tambon_code"] == "320101"]
    with pytest.raises(ValidationError, match=r"1 row\(s\) of the table .* \(rows \[2\]\)"):
        require_matched(join_attributes(table.iloc[[0, 2]], layer, code="code"))
    ok = join_attributes(table.iloc[[0, 2]], b, code="code")
    assert require_matched(ok) is ok
    with pytest.raises(SchemaError, match="join_attributes"):
        require_matched(pd.DataFrame({"code": ["320101"]}))  # type: ignore[arg-type]
