"""``load_boundaries(province=)``: one province of a layer, named as people type it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tambon_gis as tg
from tambon_gis._errors import ValidationError


@pytest.mark.parametrize("name", ["55", "จ.น่าน", "น่าน", "Nan", "  NAN "])
def test_one_province_by_code_thai_or_english_name(name: str):
    whole = tg.load_boundaries(resolution="embedded")
    nan = tg.load_boundaries(resolution="embedded", province=name)
    assert set(nan["changwat_code"]) == {"55"}
    assert len(nan) == int((whole["changwat_code"] == "55").sum()) > 50
    assert nan.crs == whole.crs and nan.attrs.get("boundary_layer") == whole.attrs.get(
        "boundary_layer"
    )
    assert list(nan.index) == list(range(len(nan)))


def test_an_abbreviated_thai_name_and_bangkok():
    assert set(tg.load_boundaries(resolution="embedded", province="โคราช")["changwat_code"]) == {
        "30"
    }
    bkk = tg.load_boundaries(resolution="embedded", province="กทม.")
    assert set(bkk["changwat_code"]) == {"10"} and len(bkk) > 150  # khwaeng


def test_an_unknown_province_is_named_with_what_to_give():
    with pytest.raises(ValidationError, match=r"province='Atlantis' matches no province.*2-digit"):
        tg.load_boundaries(resolution="embedded", province="Atlantis")
    with pytest.raises(ValidationError, match="matches no province"):
        tg.load_boundaries(resolution="embedded", province="99")


def test_cli_map_of_one_province(tmp_path: Path):
    out = tmp_path / "nan.html"
    done = subprocess.run(
        [sys.executable, "-m", "tambon_gis.cli", "map", "--province", "จ.น่าน", "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
    bad = subprocess.run(
        [sys.executable, "-m", "tambon_gis.cli", "map", "--province", "Atlantis", "--out",
         str(out)], capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "matches no province" in bad.stderr
