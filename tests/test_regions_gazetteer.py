"""Tests of tambon_gis.regions and tambon_gis.gazetteer."""

from __future__ import annotations

from collections import Counter

import pytest

from tambon_gis import gazetteer, regions
from tambon_gis._errors import CodeError, ValidationError


def test_six_regions_counts() -> None:
    counts = Counter(regions.SCHEMES["six"].values())
    assert counts == {
        regions.NORTH: 9, regions.NORTHEAST: 20, regions.CENTRAL: 22,
        regions.EAST: 7, regions.WEST: 5, regions.SOUTH: 14,
    }  # fmt: skip


def test_four_and_five_region_counts() -> None:
    assert Counter(regions.SCHEMES["four"].values()) == {
        regions.NORTH: 17, regions.NORTHEAST: 20, regions.CENTRAL: 26, regions.SOUTH: 14,
    }  # fmt: skip
    five = Counter(regions.SCHEMES["five"].values())
    assert five[regions.BANGKOK] == 1 and five[regions.CENTRAL] == 25


def test_every_gazetteer_province_has_a_region() -> None:
    codes = set(gazetteer.changwats()["changwat_code"])
    for scheme in regions.SCHEMES.values():
        assert set(scheme) == codes


def test_region_errors() -> None:
    with pytest.raises(CodeError, match="unknown region scheme 'seven'"):
        regions.region_mapping("seven")
    with pytest.raises(CodeError, match="not a changwat code"):
        regions.region_of("99")
    assert regions.region_of("38", lang="en") == "Northeast"  # Bueng Kan (2011)


def test_gazetteer_tables() -> None:
    t = gazetteer.tambons()
    assert len(t) == 7436 and t["tambon_code"].is_unique
    assert (t["tambon_code"].str[:4] == t["amphoe_code"]).all()
    assert len(gazetteer.amphoes()) == 928 and len(gazetteer.changwats()) == 77
    assert t.isna().sum().sum() == 0
    # many names repeat nationally (e.g. หนองบัว)
    assert (t["tambon_th"] == "หนองบัว").sum() >= 20
    ab = gazetteer.abolished()
    assert {"district", "subdistrict"} <= set(ab["level"])
    assert gazetteer.lookup("999999") is None and gazetteer.lookup("12") is not None
    # a copy: callers cannot damage the cache
    t["tambon_th"] = "x"
    assert gazetteer.tambons()["tambon_th"].iloc[0] != "x"


def test_region_of_old_scheme_keyword_warns_and_still_works() -> None:
    from tambon_gis.regions import region_of

    with pytest.warns(FutureWarning, match=r"region_of\(region_scheme=\.\.\.\)"):
        assert region_of("63", scheme="four", lang="en") == "North"
    assert region_of("63", region_scheme="four", lang="en") == "North"
    with pytest.raises(ValidationError, match="got both scheme= and region_scheme="):
        region_of("63", scheme="four", region_scheme="six")


def test_neighbours_old_boundaries_keyword_warns_and_still_works() -> None:
    with pytest.warns(FutureWarning, match=r"amphoe_neighbours\(gdf=\.\.\.\)"):
        assert gazetteer.amphoe_neighbours(boundaries=None) == gazetteer.amphoe_neighbours()
    with pytest.warns(FutureWarning, match=r"neighbours_by_amphoe\(gdf=\.\.\.\)"):
        assert "3204" in gazetteer.neighbours_by_amphoe(boundaries=None)["3201"]
    with pytest.raises(ValidationError, match="needs the national tambon layer"):
        gazetteer.write_amphoe_neighbours()
    with pytest.warns(FutureWarning, match=r"region_mapping\(region_scheme=\.\.\.\)"):
        assert regions.region_mapping(scheme="four") == regions.region_mapping("four")
