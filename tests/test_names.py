"""tambon_gis.names: clean-up and comparison keys of Thai and English area names."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter

import pandas as pd
import pytest

from tambon_gis import gazetteer
from tambon_gis._errors import ValidationError
from tambon_gis.names import (
    PROVINCE_ALIASES,
    clean_code,
    clean_text,
    normalize_name,
    province_code,
    skeleton,
)

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  ในเมือง  ", "ในเมือง"),
        ("ใน\u200bเมือง", "ในเมือง"),  # zero-width space
        ("\ufeffในเมือง\u200d", "ในเมือง"),  # BOM and zero-width joiner
        ("ใน\u00a0 เมือง", "ใน เมือง"),  # no-break space, doubled space
        ("๓๒๐๑๐๑", "320101"),  # Thai digits
        (f"ล{NIKHAHIT}{SARA_AA}ภู", f"ล{SARA_AM}ภู"),  # decomposed sara am
        (f"น{NIKHAHIT}\u0e49{SARA_AA}", f"น\u0e49{SARA_AM}"),  # nikhahit, tone, sara aa
        (f"น\u0e49{NIKHAHIT}{SARA_AA}", f"น\u0e49{SARA_AM}"),  # tone, nikhahit, sara aa
        (f"น{SARA_AM}\u0e49", f"น\u0e49{SARA_AM}"),  # sara am typed before the tone
        ("ก\u0e48\u0e35", "ก\u0e35\u0e48"),  # tone typed before the vowel: กี่
        ("ธ\u0e4c\u0e38", "ธ\u0e38\u0e4c"),  # thanthakhat before sara u: ธุ์
        ("ก\u0e48\u0e48า", "ก\u0e48า"),  # tone mark typed twice
        ("เเดง", "แดง"),  # two sara e for sara ae
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (320101, "320101"),
    ],
)
def test_clean_text(typed: object, expected: str) -> None:
    assert clean_text(typed) == expected


def test_clean_text_is_nfc_and_keeps_sara_am() -> None:
    decomposed = unicodedata.normalize("NFD", "Café ลำภู")
    out = clean_text(decomposed)
    assert unicodedata.is_normalized("NFC", out)
    assert SARA_AM in out  # NFKC would have split it; clean_text must not


def test_clean_text_leaves_official_names_alone() -> None:
    t = gazetteer.tambons()
    names = pd.concat([t["tambon_th"], t["amphoe_th"], t["changwat_th"]]).unique()
    changed = [n for n in names if clean_text(n) != n]
    assert changed == []


@pytest.mark.parametrize(
    ("typed", "level", "key"),
    [
        ("ต.ในเมือง", "tambon", "ในเมือง"),
        ("ต. ในเมือง", "tambon", "ในเมือง"),
        ("ตำบลในเมือง", "tambon", "ในเมือง"),
        ("แขวงลำผักชี", "tambon", "ลำผักชี"),
        ("อบต.ร้องวัวแดง", "tambon", "ร้องวัวแดง"),
        ("ในเมือง (เขต ส.)", "tambon", "ในเมือง"),
        ("ในเมือง เขต ส.", "tambon", "ในเมือง"),
        ("ในเมือง สุขาภิบาล", "tambon", "ในเมือง"),
        ("หลักเขต", "tambon", "หลักเขต"),  # a real name ending in เขต keeps it
        ("อ.ท่าตูม", "amphoe", "ท่าตูม"),
        ("อำเภอท่าตูม", "amphoe", "ท่าตูม"),
        ("เขตหนองจอก", "amphoe", "หนองจอก"),
        ("กิ่งอ.ซับใหญ่", "amphoe", "ซับใหญ่"),
        ("กิ่ง อ. ซับใหญ่", "amphoe", "ซับใหญ่"),
        ("กิ่งอำเภอซับใหญ่", "amphoe", "ซับใหญ่"),
        ("ซับใหญ่ (กิ่งอำเภอ)", "amphoe", "ซับใหญ่"),
        ("อ.เมือง", "amphoe", "เมือง"),
        ("จ.สุรินทร์", "changwat", "สุรินทร์"),
        ("จังหวัดสุรินทร์", "changwat", "สุรินทร์"),
        ("อุบลฯ", "changwat", "อุบล"),
        ("อ่างทอง", "changwat", "อ่างทอง"),  # อ without a dot is a letter, not a prefix
        ("Buri Ram", "changwat", "buriram"),
        ("buri-ram", "changwat", "buriram"),
        ("BURIRAM", "changwat", "buriram"),
        ("Nakhon Si Thammarat Province", "changwat", "nakhonsithammarat"),
        ("Amphoe Muang Surin", "amphoe", "mueangsurin"),
        ("Muang", "amphoe", "mueang"),
        ("Khet Nong Chok", "amphoe", "nongchok"),
        ("Don Mueang", "amphoe", "donmueang"),
        ("Tambon Nai Mueang", "tambon", "naimueang"),
        ("Ko Pha-ngan", "tambon", "kophangan"),
        ("", "tambon", ""),
        (None, "amphoe", ""),
    ],
)
def test_normalize_name(typed: object, level: str, key: str) -> None:
    assert normalize_name(typed, level=level) == key


def test_normalize_name_without_level_removes_any_abbreviation() -> None:
    assert normalize_name("ต.ในเมือง") == "ในเมือง"
    assert normalize_name("อ.ท่าตูม") == "ท่าตูม"
    assert normalize_name("จ.น่าน") == "น่าน"


def test_normalize_name_rejects_unknown_level() -> None:
    with pytest.raises(ValidationError, match=r"district.*expected one of"):
        normalize_name("x", level="district")  # type: ignore[arg-type]


def test_keys_add_no_collision_between_official_names() -> None:
    """Within an amphoe, two tambons share a key only if they share a name."""
    t = gazetteer.tambons()
    for level, name, parent in (
        ("tambon", "tambon_th", "amphoe_code"),
        ("tambon", "tambon_en", "amphoe_code"),
        ("amphoe", "amphoe_th", "changwat_code"),
    ):
        df = t[[name, parent]].drop_duplicates()
        df = df.assign(key=[normalize_name(v, level=level) for v in df[name]])
        raw = df.groupby(parent)[name].nunique()
        keys = df.groupby(parent)["key"].nunique()
        assert (raw == keys).all(), (name, raw[raw != keys].index.tolist()[:5])


def test_every_official_province_name_resolves() -> None:
    for r in gazetteer.changwats().itertuples(index=False):
        assert province_code(r.changwat_th) == r.changwat_code
        assert province_code(r.changwat_en) == r.changwat_code
        assert province_code(f"จ.{r.changwat_th}") == r.changwat_code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("กทม.", "10"),
        ("กทม", "10"),
        ("กรุงเทพฯ", "10"),
        ("กรุงเทพ", "10"),
        ("BKK", "10"),
        ("โคราช", "30"),
        ("Korat", "30"),
        ("อยุธยา", "14"),
        ("Ayutthaya", "14"),
        ("นครศรีฯ", "80"),
        ("อุบลฯ", "34"),
        ("อุบล", "34"),
        ("สุราษฎร์", "84"),
        ("ประจวบฯ", "77"),
        ("Buriram", "31"),
        ("Buri Ram", "31"),
        ("Chonburi", "20"),
        ("ศรีษะเกษ", "33"),
        ("แปดริ้ว", "24"),
    ],
)
def test_province_code_colloquial(typed: str, code: str) -> None:
    assert province_code(typed) == code


@pytest.mark.parametrize("typed", ["นคร", "สระ", "เพชร", "ชัย", "", None, "xyz"])
def test_province_code_never_guesses(typed: object) -> None:
    assert province_code(typed) is None


def test_aliases_point_to_real_provinces() -> None:
    codes = set(gazetteer.changwats()["changwat_code"])
    assert {c for c in PROVINCE_ALIASES.values() if c} <= codes


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("320101", "320101"),
        (320101, "320101"),
        (320101.0, "320101"),
        ("320101.0", "320101"),
        ("TH320101", "320101"),
        ("th320101", "320101"),
        ("๓๒๐๑๐๑", "320101"),
        ("32 01 01", "320101"),
        ("32-01-01", "320101"),
        (" 320101 ", "320101"),
        ("3201", None),
        ("32010", None),
        ("abc", None),
        ("", None),
        (None, None),
        (math.nan, None),
        (3.5, None),
        (True, None),
    ],
)
def test_clean_code(typed: object, code: str | None) -> None:
    assert clean_code(typed) == code


def test_skeleton_merges_what_typists_confuse() -> None:
    assert skeleton("ประนีต") == skeleton("ประณีต")
    assert skeleton("เชียงใหม") == skeleton("เชียงใหม่")
    assert skeleton("ห้วยรราช") == skeleton("ห้วยราช")
    assert skeleton("พลาน") == skeleton("พราน")
    assert skeleton("ในเมือง") != skeleton("นาเมือง")


def test_skeletons_rarely_collide_within_an_amphoe() -> None:
    t = gazetteer.tambons()
    keys = [
        (a, skeleton(normalize_name(n, level="tambon")))
        for a, n in zip(t["amphoe_code"], t["tambon_th"], strict=True)
    ]
    names = {(a, n) for a, n in zip(t["amphoe_code"], t["tambon_th"], strict=True)}
    collisions = sum(c - 1 for c in Counter(keys).values() if c > 1)
    # skeleton collisions are reported as ambiguous, never resolved: keep them rare
    assert collisions <= 0.01 * len(names)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        (
            "ต.ในเมือง อ.เมือง จ.ขอนแก่น",
            {"tambon": "ต.ในเมือง", "amphoe": "อ.เมือง", "changwat": "จ.ขอนแก่น"},
        ),
        (
            "ตำบลบ้านเป็ด อำเภอเมืองขอนแก่น จังหวัดขอนแก่น",
            {"tambon": "ตำบลบ้านเป็ด", "amphoe": "อำเภอเมืองขอนแก่น", "changwat": "จังหวัดขอนแก่น"},
        ),
        (
            "ลำผักชี เขตหนองจอก กรุงเทพมหานคร",
            {"tambon": "ลำผักชี", "amphoe": "เขตหนองจอก", "changwat": "กรุงเทพมหานคร"},
        ),
        ("ในเมือง อ.เมือง", {"tambon": "ในเมือง", "amphoe": "อ.เมือง"}),
        (
            "Tambon Nai Mueang Amphoe Mueang Changwat Khon Kaen",
            {
                "tambon": "Tambon Nai Mueang",
                "amphoe": "Amphoe Mueang",
                "changwat": "Changwat Khon Kaen",
            },
        ),
        ("ต.ในเมือง", {}),
        ("หลักเขต", {}),  # a name ending in เขต is not an address
        ("หาดใหญ่ เขต ส.", {}),  # nor one with the sukhaphiban suffix
        ("เขตหนองจอก", {}),
        ("", {}),
    ],
)
def test_split_address(typed: str, parts: dict[str, str]) -> None:
    from tambon_gis.names import split_address

    assert split_address(typed) == parts


def test_village_numbers_are_not_part_of_a_tambon_name() -> None:
    from tambon_gis.names import split_address

    assert normalize_name("ในเมือง หมู่ที่ 3", level="tambon") == "ในเมือง"
    assert normalize_name("ต.ในเมือง ม.๓", level="tambon") == "ในเมือง"
    assert normalize_name("หมู่บ้าน", level="tambon") == "หมู่บ้าน"  # a word, not a number
    assert split_address("บ้านโนนสูง ม.3 ต.ในเมือง อ.เมือง")["tambon"] == "ต.ในเมือง"


@pytest.mark.parametrize(
    ("typed", "level", "code"),
    [
        ("55.05.04", "tambon", "550504"),
        ("๕๕.๐๕.๐๔", "tambon", "550504"),
        ("TH55.05.04", "tambon", "550504"),
        ("55.05", "amphoe", "5505"),
        ("320101.0", "tambon", "320101"),  # Excel's whole number, not dotted groups
        ("55.5.4", "tambon", None),  # groups of two digits only
        ("5505.04", "tambon", None),
        ("55.05.04", "amphoe", None),
    ],
)
def test_clean_code_reads_dopa_dotted_groups(typed: str, level: str, code: str | None) -> None:
    assert clean_code(typed, level=level) == code
