"""Groupings of the 77 provinces into regions.

Three documented schemes are built in; any other grouping can be passed as a mapping from the
2-digit changwat code to a region name.

``"six"`` (default)
    The six geographic regions of the National Geography Committee, as published by the Royal
    Institute (ราชบัณฑิตยสถาน, 1977): ภาคเหนือ 9, ภาคตะวันออกเฉียงเหนือ 20, ภาคกลาง 22
    (with Bangkok), ภาคตะวันออก 7, ภาคตะวันตก 5, ภาคใต้ 14 provinces.
``"four"``
    The four regions used by NESDC (สศช.) and the National Statistical Office for planning and
    statistics: ภาคเหนือ 17 (the upper central provinces join the north), ภาคตะวันออกเฉียงเหนือ
    20, ภาคกลาง 26 (central, east and the western provinces but Tak, with Bangkok), ภาคใต้ 14.
``"five"``
    ``"four"`` with Bangkok (กรุงเทพมหานคร) as a region of its own, as NSO tables often show it.

Examples
--------
>>> from tambon_gis.regions import region_of
>>> region_of("32")
'ภาคตะวันออกเฉียงเหนือ'
>>> region_of("63", region_scheme="four", lang="en")
'North'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tambon_gis import settings
from tambon_gis._deprecation import UNSET, renamed_keyword
from tambon_gis._errors import CodeError

NORTH = "ภาคเหนือ"
NORTHEAST = "ภาคตะวันออกเฉียงเหนือ"
CENTRAL = "ภาคกลาง"
EAST = "ภาคตะวันออก"
WEST = "ภาคตะวันตก"
SOUTH = "ภาคใต้"
BANGKOK = "กรุงเทพมหานคร"

#: English names of the regions.
REGION_EN: dict[str, str] = {
    NORTH: "North",
    NORTHEAST: "Northeast",
    CENTRAL: "Central",
    EAST: "East",
    WEST: "West",
    SOUTH: "South",
    BANGKOK: "Bangkok",
}

_SIX_CODES: dict[str, tuple[str, ...]] = {
    NORTH: ("50", "51", "52", "53", "54", "55", "56", "57", "58"),
    NORTHEAST: (
        "30", "31", "32", "33", "34", "35", "36", "37", "38", "39",
        "40", "41", "42", "43", "44", "45", "46", "47", "48", "49",
    ),
    CENTRAL: (
        "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "26",
        "60", "61", "62", "64", "65", "66", "67", "72", "73", "74", "75",
    ),
    EAST: ("20", "21", "22", "23", "24", "25", "27"),
    WEST: ("63", "70", "71", "76", "77"),
    SOUTH: ("80", "81", "82", "83", "84", "85", "86", "90", "91", "92", "93", "94", "95", "96"),
}  # fmt: skip

_UPPER_CENTRAL_TO_NORTH = ("60", "61", "62", "63", "64", "65", "66", "67")


def _build() -> dict[str, dict[str, str]]:
    six = {code: region for region, codes in _SIX_CODES.items() for code in codes}
    four = {}
    for code, region in six.items():
        if code in _UPPER_CENTRAL_TO_NORTH:
            four[code] = NORTH
        elif region in (EAST, WEST):
            four[code] = CENTRAL
        else:
            four[code] = region
    five = dict(four, **{"10": BANGKOK})
    return {"six": six, "four": four, "five": five}


#: scheme name -> {changwat_code: Thai region name}
SCHEMES: dict[str, dict[str, str]] = _build()


def region_mapping(
    region_scheme: str | Mapping[str, str] | None = None, *, scheme: Any = UNSET
) -> dict[str, str]:
    """Return the changwat-code to region mapping of a region scheme.

    Parameters
    ----------
    region_scheme : str or mapping, optional
        ``"six"``, ``"four"`` or ``"five"``, or a mapping ``{changwat_code: region}`` of your
        own covering all 77 provinces. ``None`` uses ``settings.region_scheme``.
    scheme : str or mapping, optional
        Deprecated name of ``region_scheme`` (warns; goes in the next release).

    Returns
    -------
    dict
        A new dict from 2-digit changwat code to region name.

    Raises
    ------
    CodeError
        For an unknown scheme name, or a custom mapping that leaves provinces out.

    Examples
    --------
    >>> from tambon_gis.regions import region_mapping
    >>> len(region_mapping("six"))
    77
    >>> sorted(set(region_mapping("five").values()))[0]
    'กรุงเทพมหานคร'
    """
    region_scheme = renamed_keyword(
        "region_mapping", "scheme", "region_scheme", scheme, region_scheme
    )
    scheme = settings.region_scheme if region_scheme is None else region_scheme
    if isinstance(scheme, str):
        if scheme not in SCHEMES:
            raise CodeError(
                f"unknown region scheme {scheme!r}: expected one of {sorted(SCHEMES)}, "
                "or a mapping {changwat_code: region_name}"
            )
        return dict(SCHEMES[scheme])
    mapping = {str(k).zfill(2): str(v) for k, v in scheme.items()}
    missing = sorted(set(SCHEMES["six"]) - set(mapping))
    if missing:
        raise CodeError(
            f"the region mapping leaves out {len(missing)} province code(s) {missing[:10]}: "
            "give a region for every 2-digit changwat code"
        )
    return mapping


def region_of(
    changwat_code: str,
    *,
    region_scheme: str | Mapping[str, str] | None = None,
    lang: str = "th",
    scheme: Any = UNSET,
) -> str:
    """Return the region of one province.

    Parameters
    ----------
    changwat_code : str
        The 2-digit changwat code (a longer code is cut to its first two digits).
    region_scheme : str or mapping, optional
        See :func:`region_mapping`.
    lang : {"th", "en"}
        Language of the returned name.
    scheme : str or mapping, optional
        Deprecated name of ``region_scheme`` (warns; goes in the next release).

    Returns
    -------
    str
        The region name.

    Examples
    --------
    >>> from tambon_gis.regions import region_of
    >>> region_of("840101", lang="en")
    'South'
    """
    region_scheme = renamed_keyword("region_of", "scheme", "region_scheme", scheme, region_scheme)
    mapping = region_mapping(region_scheme)
    code = str(changwat_code)[:2]
    if code not in mapping:
        raise CodeError(
            f"{changwat_code!r} is not a changwat code: expected 2 digits from 10 to 96"
        )
    region = mapping[code]
    return REGION_EN.get(region, region) if lang == "en" else region


#: The public names of this module.
__all__ = [
    "BANGKOK",
    "CENTRAL",
    "EAST",
    "NORTH",
    "NORTHEAST",
    "REGION_EN",
    "SCHEMES",
    "SOUTH",
    "WEST",
    "region_mapping",
    "region_of",
]
