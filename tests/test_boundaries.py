"""Tests of tambon_gis.boundaries on the real HDX layers and on bad inputs made from them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import tambon_gis as tg
from tambon_gis._errors import CodeError, CRSError, EncodingError, SchemaError
from tambon_gis.boundaries import (
    CANONICAL_COLUMNS,
    BoundaryWarning,
    detect_encoding,
    load_report,
    normalise_code,
)
from tambon_gis.names import clean_code

THAI = re.compile("[\u0e00-\u0e7f]")
MOJIBAKE = re.compile("[àÃ][\u0080-\u00bf]")


def check_canonical(gdf: gpd.GeoDataFrame, level: str) -> None:
    assert list(gdf.columns) == CANONICAL_COLUMNS[level]
    assert gdf.crs.to_epsg() == 4326
    code = gdf[f"{level}_code"]
    width = {"tambon": 6, "amphoe": 4, "changwat": 2}[level]
    assert code.str.fullmatch(rf"\d{{{width}}}").all()
    assert code.is_unique and code.is_monotonic_increasing
    for col in [c for c in gdf.columns if c.endswith("_th")]:
        assert gdf[col].map(lambda s: bool(THAI.search(s))).all(), col
        assert not gdf[col].str.contains(MOJIBAKE).any(), col
        assert not gdf[col].str.contains("\ufffd").any(), col
    assert gdf["region"].notna().all()
    if level == "tambon":
        assert (gdf["tambon_code"].str[:4] == gdf["amphoe_code"]).all()
    if level in ("tambon", "amphoe"):
        assert (gdf["amphoe_code"].str[:2] == gdf["changwat_code"]).all()


# ------------------------------------------------------------------ real data


@pytest.mark.realdata
def test_simplified_layer_loads_whole(
    tambons: gpd.GeoDataFrame, tambon_simplified_zip: Path
) -> None:
    check_canonical(tambons, "tambon")
    assert len(tambons) == 7425
    names = tambons.set_index("tambon_code")["tambon_th"]
    # cut at 50 bytes in the DBF, whole from the gazetteer
    assert names["801210"] == "ปากพนังฝั่งตะวันตก"
    assert names["801214"] == "ปากพนังฝั่งตะวันออก"
    amphoe = tambons.drop_duplicates("amphoe_code").set_index("amphoe_code")["amphoe_th"]
    assert amphoe["8401"] == "เมืองสุราษฎร์ธานี"
    assert amphoe["8001"] == "เมืองนครศรีธรรมราช"
    assert tambons.geometry.is_valid.all()
    report = tg.boundaries.load_boundaries_with_report(tambon_simplified_zip)[1]
    assert report.encoding == "utf-8" and report.encoding_from == "detected from bytes"
    assert set(report.abolished) == {"104701", "105001", "530306"}
    assert "104702" in report.missing_from_layer
    # the abolished Bangkok khwaeng keeps its layer name and its parents from the gazetteer
    row = tambons.set_index("tambon_code").loc["104701"]
    assert row["tambon_th"] == "บางนา" and row["changwat_th"] == "กรุงเทพมหานคร"


@pytest.mark.realdata
@pytest.mark.slow
def test_full_resolution_layer_loads_and_caches(tambon_full_zip: Path) -> None:
    gdf, gdf_report = tg.boundaries.load_boundaries_with_report(tambon_full_zip)
    check_canonical(gdf, "tambon")
    assert len(gdf) == 7425
    assert int(shapely.get_num_coordinates(gdf.geometry.values).sum()) > 10_000_000
    assert not gdf_report.from_cache
    again, again_report = tg.boundaries.load_boundaries_with_report(tambon_full_zip)
    assert again_report.from_cache
    assert again["tambon_code"].equals(gdf["tambon_code"])
    assert again.geometry.geom_equals_exact(gdf.geometry, tolerance=0).all()
    amphoe = tg.to_level(gdf, "amphoe")
    check_canonical(amphoe, "amphoe")
    assert len(amphoe) == 928 and amphoe.geometry.is_valid.all()
    changwat = tg.to_level(amphoe, "changwat")
    check_canonical(changwat, "changwat")
    assert len(changwat) == 77 and changwat.geometry.is_valid.all()


@pytest.mark.realdata
def test_upper_levels_from_their_own_files(amphoe_zip: Path, changwat_zip: Path) -> None:
    amphoe = tg.load_boundaries(amphoe_zip, level="amphoe")
    check_canonical(amphoe, "amphoe")
    assert len(amphoe) == 928
    changwat = tg.load_boundaries(changwat_zip, level="changwat")
    check_canonical(changwat, "changwat")
    assert len(changwat) == 77
    assert changwat.groupby("region").size().to_dict()["ภาคตะวันออกเฉียงเหนือ"] == 20


@pytest.mark.realdata
def test_to_level_dissolves_cleanly(tambons: gpd.GeoDataFrame) -> None:
    amphoe = tg.to_level(tambons, "amphoe")
    check_canonical(amphoe, "amphoe")
    assert len(amphoe) == 928
    changwat = tg.to_level(tambons, "changwat")
    check_canonical(changwat, "changwat")
    assert len(changwat) == 77
    assert changwat.set_index("changwat_code").loc["38", "changwat_en"] == "Bueng Kan"
    region = tg.to_level(tambons, "region")
    assert list(region.columns) == CANONICAL_COLUMNS["region"]
    assert len(region) == 6
    # codes nest and areas add up
    assert set(amphoe["changwat_code"]) == set(changwat["changwat_code"])
    area_t = tambons.to_crs(32647).area.sum()
    assert abs(amphoe.to_crs(32647).area.sum() - area_t) / area_t < 1e-3
    assert abs(changwat.to_crs(32647).area.sum() - area_t) / area_t < 1e-3
    # shared borders clean: neighbouring amphoe do not overlap
    proj = amphoe.to_crs(32647)
    left, right = proj.sindex.query(proj.geometry, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(proj.geometry.values[left[pairs]], proj.geometry.values[right[pairs]])
    ).sum()
    assert overlap < 1e6  # < 1 km² over the whole country
    assert amphoe.geometry.is_valid.all() and changwat.geometry.is_valid.all()


@pytest.mark.realdata
def test_region_schemes(tambon_simplified_zip: Path) -> None:
    four = tg.load_boundaries(tambon_simplified_zip, region_scheme="four")
    assert sorted(four["region_en"].unique()) == ["Central", "North", "Northeast", "South"]
    assert four.loc[four["changwat_code"] == "63", "region"].iloc[0] == "ภาคเหนือ"
    five = tg.load_boundaries(tambon_simplified_zip, region_scheme="five")
    assert five.loc[five["changwat_code"] == "10", "region_en"].iloc[0] == "Bangkok"
    custom = {c: ("Pilot" if c == "32" else "Other") for c in tg.regions.SCHEMES["six"]}
    pilot = tg.load_boundaries(tambon_simplified_zip, region_scheme=custom)
    assert (pilot["region"] == "Pilot").sum() == (pilot["changwat_code"] == "32").sum()
    with pytest.raises(CodeError, match="leaves out"):
        tg.load_boundaries(tambon_simplified_zip, region_scheme={"32": "x"})


@pytest.mark.realdata
def test_surin_full_resolution_with_cpg(surin_zip: Path) -> None:
    gdf, gdf_report = tg.boundaries.load_boundaries_with_report(surin_zip)
    check_canonical(gdf, "tambon")
    assert len(gdf) == 159
    assert (gdf["changwat_code"] == "32").all()
    assert gdf_report.encoding_from == ".cpg file (UTF-8)"


# ------------------------------------------------------------------ bad inputs made from real data


@pytest.fixture(scope="module")
def surin_raw(tambon_simplified_zip: Path) -> gpd.GeoDataFrame:
    """Surin's 159 tambons in the raw HDX schema (names as the DBF has them)."""
    raw = pyogrio.read_dataframe(
        tambon_simplified_zip, encoding="utf-8", where="ADM1_PCODE = 'TH32'"
    )
    assert len(raw) == 159
    return raw[["ADM3_PCODE", "ADM3_TH", "ADM3_EN", "ADM2_PCODE", "ADM1_PCODE", "geometry"]]


def write_shp(
    gdf: gpd.GeoDataFrame,
    folder: Path,
    *,
    encoding: str = "utf-8",
    cpg: bool = False,
    prj: bool = True,
    name: str = "tambon",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(gdf, path, encoding=encoding)
    cpg_path = path.with_suffix(".cpg")
    if not cpg and cpg_path.exists():
        cpg_path.unlink()
    if not prj and path.with_suffix(".prj").exists():
        path.with_suffix(".prj").unlink()
    return path


def test_detect_encoding_bytes() -> None:
    text = "ตำบลบุ่ง อำเภอเมืองอำนาจเจริญ"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("cp874")) == "cp874"
    assert detect_encoding(b"Mueang Surin") == "utf-8"
    # names cut in the middle of a character (50-byte fields) are still UTF-8
    cut = b"".join("ปากพนังฝั่งตะวันตก".encode()[:50] + b" " * 4 for _ in range(20))
    assert detect_encoding(cut) == "utf-8"
    with pytest.raises(EncodingError, match="encoding="):
        detect_encoding(bytes(range(0x80, 0xA0)) * 50)


@pytest.mark.realdata
@pytest.mark.parametrize("encoding", ["utf-8", "cp874"])
def test_dbf_without_cpg_in_both_encodings(surin_raw, tmp_path: Path, encoding: str) -> None:
    shp = write_shp(surin_raw, tmp_path / encoding, encoding=encoding, cpg=False)
    assert not shp.with_suffix(".cpg").exists()
    gdf, report = tg.boundaries.load_boundaries_with_report(shp)
    assert report.encoding == encoding and report.encoding_from == "detected from bytes"
    check_canonical(gdf, "tambon")
    # the one abolished-in-layer case keeps layer names; here every code is known, and the
    # raw layer names decoded right too:
    raw = pyogrio.read_dataframe(shp, encoding=encoding)
    assert raw["ADM3_TH"].str.contains(THAI).all()


@pytest.mark.realdata
def test_cp874_zip_without_cpg(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "z", encoding="cp874")
    archive = tmp_path / "surin_cp874.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, part.name)
    gdf, gdf_report = tg.boundaries.load_boundaries_with_report(archive)
    assert gdf_report.encoding == "cp874"
    assert len(gdf) == 159


@pytest.mark.realdata
def test_wrong_cpg_gives_mojibake_error_and_explicit_encoding_wins(
    surin_raw, tmp_path: Path
) -> None:
    shp = write_shp(surin_raw, tmp_path / "w", encoding="utf-8")
    shp.with_suffix(".cpg").write_text("ISO-8859-1")
    with pytest.raises(EncodingError, match="mojibake"):
        tg.load_boundaries(shp)
    report = tg.boundaries.load_boundaries_with_report(shp, encoding="utf-8")[1]
    assert report.encoding_from == "given"
    shp.with_suffix(".cpg").unlink()
    with pytest.warns(BoundaryWarning) as record:
        forced_report = tg.boundaries.load_boundaries_with_report(shp, encoding="cp874")[1]
    assert any("mojibake" in str(w.message) for w in record)
    assert forced_report.encoding == "cp874"


@pytest.mark.realdata
def test_missing_prj_lonlat_is_assumed_with_warning(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "noprj", prj=False)
    with pytest.warns(BoundaryWarning, match="EPSG:4326 is assumed"):
        gdf, gdf_report = tg.boundaries.load_boundaries_with_report(shp)
    assert gdf.crs.to_epsg() == 4326
    assert gdf_report.crs_from == "assumed (no .prj)"


@pytest.mark.realdata
def test_missing_prj_projected_is_refused_with_guess(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw.to_crs(32648), tmp_path / "utm", prj=False)
    with pytest.raises(CRSError, match="EPSG:32648") as err:
        tg.load_boundaries(shp)
    assert "crs=" in str(err.value)
    gdf = tg.load_boundaries(shp, crs="EPSG:32648")
    assert len(gdf) == 159 and gdf.crs.to_epsg() == 4326


@pytest.mark.realdata
@pytest.mark.parametrize("epsg", [32647, 32648, 24047])
def test_projected_layers_are_transformed(surin_raw, tmp_path: Path, epsg: int) -> None:
    shp = write_shp(surin_raw.to_crs(epsg), tmp_path / str(epsg))
    gdf = tg.load_boundaries(shp)
    assert gdf.crs.to_epsg() == 4326
    ref = surin_raw.sort_values("ADM3_PCODE").geometry.values
    # back in lon/lat within a few metres of the original (round trip through the projection)
    dist = shapely.hausdorff_distance(gdf.geometry.values, ref)
    assert float(np.max(dist)) < 1e-4


@pytest.mark.realdata
def test_wrong_prj_is_refused_and_named(surin_raw, tmp_path: Path) -> None:
    bad = surin_raw.set_crs(32647, allow_override=True)  # lon/lat values, UTM label
    shp = write_shp(bad, tmp_path / "wrong")
    with pytest.raises(CRSError, match="does not land on Thailand") as err:
        tg.load_boundaries(shp)
    assert "EPSG:4326" in str(err.value)


@pytest.mark.realdata
def test_invalid_and_empty_geometries(surin_raw, tmp_path: Path) -> None:
    gdf = surin_raw.copy()
    bow = shapely.Polygon([(103.0, 14.5), (103.1, 14.6), (103.1, 14.5), (103.0, 14.6)])
    assert not bow.is_valid
    gdf.loc[gdf.index[0], "geometry"] = bow
    gdf.loc[gdf.index[1], "geometry"] = None
    out, report = tg.boundaries.load_boundaries_with_report(gdf)
    first, second = gdf["ADM3_PCODE"].iloc[0][2:], gdf["ADM3_PCODE"].iloc[1][2:]
    assert report.repaired == [first]
    assert report.empty == [second]
    assert len(out) == 159  # the empty one is kept and reported, not dropped
    assert out.geometry.is_valid.all()
    fixed = out.set_index("tambon_code").geometry[first]
    assert fixed.geom_type in ("Polygon", "MultiPolygon") and fixed.area > 0
    assert out.set_index("tambon_code").geometry[second].is_empty


@pytest.mark.realdata
def test_duplicate_codes_are_merged(surin_raw) -> None:
    row = surin_raw.iloc[[0]]
    geom = row.geometry.iloc[0]
    west = shapely.clip_by_rect(
        geom, *geom.bounds[:2], (geom.bounds[0] + geom.bounds[2]) / 2, geom.bounds[3]
    )
    east = shapely.clip_by_rect(geom, (geom.bounds[0] + geom.bounds[2]) / 2, *geom.bounds[1:])
    pieces = pd.concat([row.assign(geometry=[west]), row.assign(geometry=[east])])
    gdf = pd.concat([surin_raw.iloc[1:], pieces], ignore_index=True)
    out, out_report = tg.boundaries.load_boundaries_with_report(gdf)
    code = row["ADM3_PCODE"].iloc[0][2:]
    assert out_report.merged == {code: 2}
    assert len(out) == 159
    merged = out.set_index("tambon_code").geometry[code]
    assert abs(merged.area - geom.area) < 1e-9


@pytest.mark.realdata
def test_hierarchy_mismatch_reported(surin_raw) -> None:
    gdf = surin_raw.copy()
    gdf.loc[gdf.index[0], "ADM2_PCODE"] = "TH3399"
    out, out_report = tg.boundaries.load_boundaries_with_report(gdf)
    assert out_report.hierarchy_mismatch == [gdf["ADM3_PCODE"].iloc[0][2:]]
    # the code is the identity: its parents come from its own prefix
    assert out["amphoe_code"].iloc[0] == out["tambon_code"].iloc[0][:4]


@pytest.mark.realdata
def test_unknown_schema_error_lists_columns_and_mapping(surin_raw) -> None:
    other = surin_raw.rename(columns={"ADM3_PCODE": "TB_IDN_X", "ADM3_TH": "NAME_T"})
    other = other.drop(columns=["ADM2_PCODE", "ADM1_PCODE"])
    with pytest.raises(SchemaError) as err:
        tg.load_boundaries(other)
    msg = str(err.value)
    assert "TB_IDN_X" in msg and "NAME_T" in msg and "columns={'tambon_code'" in msg
    out = tg.load_boundaries(other, columns={"tambon_code": "TB_IDN_X", "tambon_th": "NAME_T"})
    check_canonical(out, "tambon")
    with pytest.raises(SchemaError, match="does not have"):
        tg.load_boundaries(other, columns={"tambon_code": "NOPE"})


@pytest.mark.realdata
def test_codes_in_other_forms(surin_raw) -> None:
    gdf = surin_raw.copy()
    gdf["ADM3_PCODE"] = gdf["ADM3_PCODE"].str[2:].astype(int)
    out = tg.load_boundaries(gdf)
    assert out["tambon_code"].str.len().eq(6).all()
    bad = surin_raw.copy()
    bad.loc[bad.index[3], "ADM3_PCODE"] = "TH32X1"
    with pytest.raises(CodeError, match="row 3: 'TH32X1'"):
        tg.load_boundaries(bad)


def test_code_forms_of_each_length() -> None:
    assert clean_code("๓๒๐๑๐๑", level="tambon") == "320101"
    assert clean_code("32-01-01", level="tambon") == "320101"
    assert clean_code(" TH320101 ", level="tambon") == "320101"
    assert clean_code(10, level="changwat") == "10"
    assert clean_code(1001.0, level="amphoe") == "1001"
    assert clean_code("320101.0", level="tambon") == "320101"
    assert clean_code(101.0, level="amphoe") is None  # no Thai code starts with 0
    assert clean_code("3201.5", level="tambon") is None
    assert clean_code(3201.5, level="amphoe") is None
    assert clean_code("", level="tambon") is None
    assert clean_code("1234567", level="tambon") is None


def test_normalise_code_is_deprecated_for_clean_code() -> None:
    with pytest.warns(FutureWarning, match=r"clean_code\(value, level='amphoe'\)"):
        assert normalise_code("32-01", length=4) == "3201"


@pytest.mark.realdata
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet"])
def test_other_formats(surin_raw, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"surin_tambon{suffix}"
    if suffix == ".parquet":
        surin_raw.to_parquet(path)
    else:
        surin_raw.to_file(path)
    out = tg.load_boundaries(path)
    assert len(out) == 159
    check_canonical(out, "tambon")


@pytest.mark.realdata
def test_folder_source_picks_the_level(surin_raw, tmp_path: Path, amphoe_zip: Path) -> None:
    folder = tmp_path / "bnd"
    write_shp(surin_raw, folder, name="tha_adm3_surin")
    shutil.copy(amphoe_zip, folder / "tha_adm2_amphoe.zip")
    assert len(tg.load_boundaries(folder)) == 159
    assert len(tg.load_boundaries(folder, level="amphoe")) == 928


def test_missing_path_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no boundary file"):
        tg.load_boundaries(tmp_path / "nope.shp")
    with pytest.raises(ValueError, match="level="):
        tg.load_boundaries(tmp_path, level="village")  # type: ignore[arg-type]


@pytest.mark.realdata
def test_cache_is_rebuilt_when_the_file_changes(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "c")
    assert not tg.boundaries.load_boundaries_with_report(shp)[1].from_cache
    assert tg.boundaries.load_boundaries_with_report(shp)[1].from_cache
    write_shp(surin_raw.iloc[:100], tmp_path / "c")
    changed, changed_report = tg.boundaries.load_boundaries_with_report(shp)
    assert not changed_report.from_cache
    assert len(changed) == 100
    assert len(tg.load_boundaries(shp, use_cache=False)) == 100


@pytest.mark.realdata
def test_inputs_are_not_mutated(surin_raw) -> None:
    before = surin_raw.copy()
    tg.load_boundaries(surin_raw)
    pd.testing.assert_frame_equal(surin_raw, before)


# ------------------------------------------------------------------ inputs found in review


@pytest.mark.realdata
def test_result_writes_to_parquet_with_its_report(surin_zip: Path, tmp_path: Path) -> None:
    gdf = tg.load_boundaries(surin_zip)
    gdf.to_parquet(tmp_path / "a.parquet")
    gdf[gdf["amphoe_code"] == "3201"].to_parquet(tmp_path / "b.parquet")
    back = gpd.read_parquet(tmp_path / "a.parquet")
    # the deprecated attrs["load_report"] still travels, and load_report(gdf) warns once
    with pytest.warns(FutureWarning, match="load_boundaries_with_report") as caught:
        assert load_report(back).rows == 159
    assert len([w for w in caught if w.category is FutureWarning]) == 1


@pytest.mark.realdata
def test_mojibake_geodataframe_is_refused(tambon_simplified_zip: Path) -> None:
    # the known trap: a plain read of the HDX zip (no .cpg) decodes UTF-8 as Latin-1
    raw = gpd.read_file(tambon_simplified_zip, where="ADM1_PCODE IN ('TH10', 'TH53')")
    assert raw["ADM3_TH"].str.contains("à¸").any()
    with pytest.raises(EncodingError, match="Read the file again with encoding='utf-8'"):
        tg.load_boundaries(raw)


@pytest.mark.realdata
def test_cache_follows_a_dbf_only_change(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "d")
    assert "320101" in set(tg.load_boundaries(shp)["tambon_code"])
    other = surin_raw.copy()
    other.loc[other.index[0], "ADM3_PCODE"] = "TH329901"  # unknown code, same geometry
    write_shp(other, tmp_path / "tmp_d")
    (tmp_path / "d" / "tambon.dbf").write_bytes((tmp_path / "tmp_d" / "tambon.dbf").read_bytes())
    changed, changed_report = tg.boundaries.load_boundaries_with_report(shp)
    assert not changed_report.from_cache
    assert "329901" in set(changed["tambon_code"])
    # the unknown code keeps its layer name, decoded right
    assert changed.set_index("tambon_code").loc["329901", "tambon_th"] == other["ADM3_TH"].iloc[0]


@pytest.mark.realdata
def test_cached_read_repeats_the_warnings(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "noprj2", prj=False)
    for _ in range(2):
        with pytest.warns(BoundaryWarning, match="EPSG:4326 is assumed"):
            tg.load_boundaries(shp)


@pytest.mark.realdata
@pytest.mark.parametrize("cpg", ["\ufeffUTF-8", "ANSI 874", "874", "windows-874"])
def test_cpg_spellings(surin_raw, tmp_path: Path, cpg: str) -> None:
    encoding = "utf-8" if "UTF" in cpg else "cp874"
    gdf = surin_raw.copy()
    gdf.loc[gdf.index[0], "ADM3_PCODE"] = "TH329901"
    shp = write_shp(gdf, tmp_path / "cpg", encoding=encoding)
    shp.with_suffix(".cpg").write_text(cpg, encoding="utf-8")
    out, out_report = tg.boundaries.load_boundaries_with_report(shp)
    assert out_report.encoding == encoding
    assert out.set_index("tambon_code").loc["329901", "tambon_th"] == gdf["ADM3_TH"].iloc[0]


@pytest.mark.realdata
def test_cpg_that_lies_gives_encoding_error(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "lie", encoding="cp874")
    shp.with_suffix(".cpg").write_text("UTF-8")
    with pytest.raises(EncodingError, match="look like 'cp874'"):
        tg.load_boundaries(shp)
    assert len(tg.load_boundaries(shp, encoding="cp874")) == 159


@pytest.mark.realdata
def test_zips_from_finder_and_old_windows_tools(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "z2", name="tha_adm3_surin")
    finder = tmp_path / "finder.zip"
    windows = tmp_path / "windows.zip"
    with zipfile.ZipFile(finder, "w") as zf, zipfile.ZipFile(windows, "w") as zw:
        for part in shp.parent.iterdir():
            zf.write(part, f"surin/{part.name}")
            zf.writestr(f"__MACOSX/surin/._{part.name}", b"\x00\x05\x16\x07junk")
            zw.write(part, f"Surin\\{part.name}")
    assert len(tg.load_boundaries(finder)) == 159
    assert len(tg.load_boundaries(windows)) == 159


@pytest.mark.realdata
def test_mixed_and_non_polygon_geometries(surin_raw) -> None:
    gdf = surin_raw.copy()
    poly = gdf.geometry.iloc[0]
    gdf.loc[gdf.index[0], "geometry"] = shapely.GeometryCollection(
        [poly, shapely.LineString([(103.5, 14.9), (103.6, 15.0)])]
    )
    out, out_report = tg.boundaries.load_boundaries_with_report(gdf)
    assert out_report.non_polygonal == [gdf["ADM3_PCODE"].iloc[0][2:]]
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}
    assert len(tg.to_level(out, "amphoe")) == 17
    points = surin_raw.assign(geometry=surin_raw.geometry.representative_point())
    with pytest.raises(SchemaError, match="Point geometries"):
        tg.load_boundaries(points)


def test_empty_layer_is_an_error(tmp_path: Path) -> None:
    empty = gpd.GeoDataFrame({"ADM3_PCODE": pd.Series([], dtype=str)}, geometry=[], crs=4326)
    with pytest.raises(FileNotFoundError, match="no rows"):
        tg.load_boundaries(empty)
    path = tmp_path / "empty_tambon.gpkg"
    empty.to_file(path)
    with pytest.raises(FileNotFoundError, match="no features"):
        tg.load_boundaries(path)


@pytest.mark.realdata
def test_multi_layer_geopackage_picks_the_level(
    surin_raw, tmp_path: Path, changwat_zip: Path
) -> None:
    path = tmp_path / "both.gpkg"
    tg.load_boundaries(changwat_zip, level="changwat").to_file(path, layer="changwat")
    surin_raw.to_file(path, layer="tambon")
    assert len(tg.load_boundaries(path)) == 159
    assert len(tg.load_boundaries(path, level="changwat")) == 77


@pytest.mark.realdata
def test_one_stray_feature_is_named(surin_raw) -> None:
    gdf = surin_raw.copy()
    gdf.loc[gdf.index[5], "geometry"] = shapely.box(0, 0, 0.01, 0.01)
    with pytest.raises(
        CRSError,
        match=f"1 of 159 features lie outside Thailand \\(codes {gdf['ADM3_PCODE'].iloc[5][2:]}",
    ):
        tg.load_boundaries(gdf)


@pytest.mark.realdata
def test_indian_1975_utm_48n(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw.to_crs(24048), tmp_path / "i48")
    gdf = tg.load_boundaries(shp)
    ref = surin_raw.sort_values("ADM3_PCODE").geometry.values
    assert float(np.max(shapely.hausdorff_distance(gdf.geometry.values, ref))) < 1e-4


@pytest.mark.realdata
def test_codes_of_no_province_are_refused(surin_raw) -> None:
    gdf = surin_raw.copy()
    gdf.loc[gdf.index[2], "ADM3_PCODE"] = "TH990101"
    with pytest.raises(CodeError, match="start with no province code \\(990101\\)"):
        tg.load_boundaries(gdf)


def test_level_names_are_read_as_words() -> None:
    from tambon_gis.boundaries import _cpg_to_codec, _level_score

    assert _level_score("tha_admbnda_adm3_rtsd_20220121.shp", "tambon") > 0
    assert _level_score("kamphaengphet_changwat.shp", "amphoe") == 0
    assert _level_score("lampang_tambon.shp", "amphoe") == 0
    assert _level_score("tha_adm3_centroids.shp", "tambon") == 0
    assert _cpg_to_codec("ANSI 874") == "cp874" and _cpg_to_codec("1252") == "cp1252"
    assert _cpg_to_codec("\ufeffUTF-8".lstrip("\ufeff")) == "utf-8"
    assert _cpg_to_codec("nonsense-encoding") is None


# ------------------------------------------------------------------ broken files (issue 12)


def _shp_ring_end(shp: Path, record: int) -> int:
    """Byte offset of the x of the last point of the first ring of 0-based ``record``."""
    import struct

    shx = shp.with_suffix(".shx").read_bytes()
    offset = struct.unpack(">i", shx[100 + 8 * record : 104 + 8 * record])[0] * 2
    data = shp.read_bytes()
    body = offset + 8
    n_parts, n_points = struct.unpack("<ii", data[body + 36 : body + 44])
    parts = struct.unpack(f"<{n_parts}i", data[body + 44 : body + 44 + 4 * n_parts])
    last = (parts[1] if n_parts > 1 else n_points) - 1
    return body + 44 + 4 * n_parts + 16 * last


@pytest.mark.realdata
def test_corrupted_shp_bytes_are_a_library_error(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "corrupt")
    at = _shp_ring_end(shp, 3)
    data = bytearray(shp.read_bytes())
    data[at : at + 8] = np.float64(104.0).tobytes()  # the ring no longer closes
    shp.write_bytes(bytes(data))
    code = surin_raw["ADM3_PCODE"].iloc[3][2:]
    with pytest.raises(
        tg.TambonGISError, match=f"1 of its 159 features cannot be read.*{code}.*allow_partial=True"
    ) as info:
        tg.load_boundaries(shp)
    assert isinstance(info.value, tg.errors.CorruptFileError) and str(shp) in str(info.value)
    assert not isinstance(info.value, shapely.errors.GEOSException)
    with pytest.warns(BoundaryWarning, match="1 of its 159 features were left out"):
        gdf, gdf_report = tg.boundaries.load_boundaries_with_report(shp, allow_partial=True)
    assert len(gdf) == 158 and code not in set(gdf["tambon_code"])
    assert gdf_report.unreadable == [code] and gdf_report.features_read == 159
    # the report as an object; the frame's attrs keep only the provenance
    with pytest.warns(BoundaryWarning, match="1 of its 159 features were left out"):
        again, report = tg.boundaries.load_boundaries_with_report(shp, allow_partial=True)
    assert report.unreadable == [code] and report.features_read == 159
    assert "load_report" not in again.attrs and "_unreadable" not in again.attrs
    assert again["tambon_code"].equals(gdf["tambon_code"])


@pytest.mark.realdata
def test_truncated_shp_is_refused_unless_allow_partial(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "cut")
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) * 2 // 3])
    # the features whose record runs past the cut, from the .shx
    import struct

    shx = shp.with_suffix(".shx").read_bytes()
    index = np.frombuffer(shx[100:], dtype=">i4").reshape(-1, 2).astype(np.int64) * 2
    cut = index[:, 0] + 8 + index[:, 1] > len(data) * 2 // 3
    n_missing = int(cut.sum())
    assert 0 < n_missing < 159 and struct.unpack(">i", shx[24:28])[0] * 2 == len(shx)
    with pytest.raises(
        tg.errors.CorruptFileError,
        match=f"{n_missing} of its 159 features cannot be read \\(the .shp ends after",
    ):
        tg.load_boundaries(shp)
    with pytest.warns(BoundaryWarning, match="left out"):
        gdf, report = tg.boundaries.load_boundaries_with_report(shp, allow_partial=True)
    expected = sorted(surin_raw["ADM3_PCODE"].str[2:].to_numpy()[cut])
    assert sorted(report.unreadable) == expected
    assert len(gdf) == 159 - n_missing and not gdf.geometry.is_empty.any()
    assert set(gdf["tambon_code"]).isdisjoint(expected)
    assert any("unreadable features left out" in line for line in report.summary_lines())


@pytest.mark.realdata
def test_truncated_dbf_names_the_lost_features(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "dbfcut")
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    header_len, rec_len = np.frombuffer(data[8:12], dtype="<u2")
    dbf.write_bytes(data[: int(header_len) + 100 * int(rec_len)])
    with pytest.raises(
        tg.errors.CorruptFileError,
        match=r"59 of its 159 features cannot be read \(the .dbf holds 100",
    ):
        tg.load_boundaries(shp)
    with pytest.warns(BoundaryWarning):
        gdf, gdf_report = tg.boundaries.load_boundaries_with_report(shp, allow_partial=True)
    assert len(gdf) == 100 and gdf_report.unreadable[0] == "feature 101"
    assert len(gdf_report.unreadable) == 59


@pytest.mark.realdata
def test_shp_without_dbf_says_the_dbf_is_missing(surin_raw, tmp_path: Path) -> None:
    shp = write_shp(surin_raw, tmp_path / "nodbf")
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(tg.errors.CorruptFileError, match=r"has no .dbf \(tambon.dbf is missing\)"):
        tg.load_boundaries(shp)
    zpath = tmp_path / "nodbf.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for p in shp.parent.iterdir():
            zf.write(p, p.name)
    with pytest.raises(tg.TambonGISError, match=r"tambon.shp' inside .*nodbf.zip' has no .dbf"):
        tg.load_boundaries(zpath)


@pytest.mark.realdata
def test_truncated_zip_is_a_library_error(surin_zip: Path, tmp_path: Path) -> None:
    data = surin_zip.read_bytes()
    cut = tmp_path / "Surin.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        tg.errors.CorruptFileError, match=r"Surin.zip' is not a readable zip file.*truncated"
    ) as info:
        tg.load_boundaries(cut)
    assert isinstance(info.value, ValueError) and not isinstance(info.value, zipfile.BadZipFile)


@pytest.mark.parametrize("suffix", [".zip", ".geojson", ".gpkg", ".parquet", ".shp"])
def test_zero_byte_files_are_library_errors(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tambon{suffix}"
    path.write_bytes(b"")
    with pytest.raises(
        tg.TambonGISError, match=f"tambon\\{suffix}' is empty \\(0 bytes\\).*again"
    ) as info:
        tg.load_boundaries(path)
    assert isinstance(info.value, tg.errors.CorruptFileError)


def test_garbage_with_a_vector_suffix_is_a_library_error(tmp_path: Path) -> None:
    for suffix in (".gpkg", ".geojson", ".parquet"):
        path = tmp_path / f"tambon{suffix}"
        path.write_bytes(b"not a layer at all\n" * 50)
        with pytest.raises(tg.errors.CorruptFileError, match=f"tambon\\{suffix}'.*(damaged|not)"):
            tg.load_boundaries(path)


def test_parquet_without_geo_metadata(tmp_path: Path) -> None:
    path = tmp_path / "tambon.parquet"
    pd.DataFrame({"ADM3_PCODE": ["TH320101"], "wkt": ["POINT (103 15)"]}).to_parquet(path)
    with pytest.raises(
        tg.errors.CorruptFileError, match=r"without GeoParquet metadata.*GeoDataFrame.to_parquet"
    ):
        tg.load_boundaries(path)


@pytest.mark.realdata
def test_geopackage_with_several_tambon_layers_is_refused(surin_raw, tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    surin_raw.to_file(path, layer="tambon_2022")
    surin_raw.iloc[:10].to_file(path, layer="tambon_2024")
    with pytest.raises(
        tg.TambonGISError,
        match=r"2 layers that could be the tambon layer \(tambon_2022, tambon_2024\).*layer=",
    ):
        tg.load_boundaries(path)
    assert len(tg.load_boundaries(path, layer="tambon_2024")) == 10
    assert len(tg.load_boundaries(path, layer="tambon_2022")) == 159


def test_every_error_class_is_exported() -> None:
    from tambon_gis import _errors

    classes = [
        v for v in vars(_errors).values() if isinstance(v, type) and issubclass(v, Exception)
    ]
    assert len(classes) >= 13
    for cls in classes:
        assert issubclass(cls, tg.TambonGISError)
        assert getattr(tg, cls.__name__) is cls and getattr(tg.errors, cls.__name__) is cls
        assert cls is tg.TambonGISError or any(
            b.__module__ == "builtins" for b in cls.__mro__[1:-2]
        )
