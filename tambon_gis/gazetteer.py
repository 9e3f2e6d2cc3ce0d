"""The official gazetteer of codes and names, from the ``geothai`` package, as DataFrames.

``geothai`` carries the DOPA codes and the Thai and English names of the 77 changwat, 928
amphoe and 7,436 tambon in force, and the history of abolished ones. This module turns it into
pandas tables in the canonical column names of tambon_gis, cached after the first call.

Examples
--------
>>> from tambon_gis import gazetteer
>>> t = gazetteer.tambons()
>>> len(t)
7436
>>> t.loc[t["tambon_code"] == "801210", "tambon_th"].item()
'ปากพนังฝั่งตะวันตก'
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from tambon_gis.regions import REGION_EN, region_mapping


def data_version() -> str:
    """Return the version of the gazetteer data in use.

    Returns
    -------
    str
        The GeoThai data release, e.g. ``"2026.10.23"``.

    Examples
    --------
    >>> from tambon_gis.gazetteer import data_version
    >>> data_version().count(".")
    2
    """
    import geothai

    return str(geothai.DATA_VERSION)


@cache
def _changwats() -> pd.DataFrame:
    import geothai

    rows = [(p.code, p.name_th, p.name_en) for p in geothai.provinces()]
    return pd.DataFrame(rows, columns=["changwat_code", "changwat_th", "changwat_en"])


@cache
def _amphoes() -> pd.DataFrame:
    import geothai

    rows = [
        (d.code, d.name_th, d.name_en, d.province_code)
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
    ]
    df = pd.DataFrame(rows, columns=["amphoe_code", "amphoe_th", "amphoe_en", "changwat_code"])
    return df.merge(_changwats(), on="changwat_code", how="left")


@cache
def _tambons() -> pd.DataFrame:
    import geothai

    rows = [
        (s.code, s.name_th, s.name_en, s.district_code, " ".join(s.postal_codes))
        for d in _amphoes()["amphoe_code"]
        for s in geothai.subdistricts(d)
    ]
    df = pd.DataFrame(
        rows, columns=["tambon_code", "tambon_th", "tambon_en", "amphoe_code", "postal_codes"]
    )
    return df.merge(_amphoes(), on="amphoe_code", how="left")


def _with_region(df: pd.DataFrame, scheme: str | dict[str, str] | None) -> pd.DataFrame:
    out = df.copy()
    mapping = region_mapping(scheme)
    out["region"] = out["changwat_code"].map(mapping)
    out["region_en"] = out["region"].map(lambda r: REGION_EN.get(r, r))
    return out


def changwats(*, region_scheme: str | dict[str, str] | None = None) -> pd.DataFrame:
    """Return the 77 changwat (provinces) in force.

    Parameters
    ----------
    region_scheme : str or dict, optional
        Region grouping for the ``region`` column (see :mod:`tambon_gis.regions`).

    Returns
    -------
    pandas.DataFrame
        Columns ``changwat_code``, ``changwat_th``, ``changwat_en``, ``region``, ``region_en``.

    Examples
    --------
    >>> from tambon_gis.gazetteer import changwats
    >>> changwats().iloc[0]["changwat_en"]
    'Bangkok'
    """
    return _with_region(_changwats(), region_scheme)


def amphoes(*, region_scheme: str | dict[str, str] | None = None) -> pd.DataFrame:
    """Return the 928 amphoe (districts; khet in Bangkok) in force.

    Parameters
    ----------
    region_scheme : str or dict, optional
        Region grouping for the ``region`` column.

    Returns
    -------
    pandas.DataFrame
        ``amphoe_code``, ``amphoe_th``, ``amphoe_en`` and the changwat columns.

    Examples
    --------
    >>> from tambon_gis.gazetteer import amphoes
    >>> len(amphoes())
    928
    """
    return _with_region(_amphoes(), region_scheme)


def tambons(*, region_scheme: str | dict[str, str] | None = None) -> pd.DataFrame:
    """Return the 7,436 tambon (sub-districts; khwaeng in Bangkok) in force.

    Parameters
    ----------
    region_scheme : str or dict, optional
        Region grouping for the ``region`` column.

    Returns
    -------
    pandas.DataFrame
        ``tambon_code``, ``tambon_th``, ``tambon_en``, ``postal_codes`` and the amphoe and
        changwat columns.

    Examples
    --------
    >>> from tambon_gis.gazetteer import tambons
    >>> tambons()["tambon_code"].str.len().unique().tolist()
    [6]
    """
    return _with_region(_tambons(), region_scheme)


@cache
def _abolished() -> pd.DataFrame:
    from geothai.abolished import abolished_areas

    rows = [
        (
            a.code,
            a.level,
            a.name_th,
            a.name_en,
            a.parent_code,
            a.abolished_on,
            " ".join(a.successors),
        )
        for a in abolished_areas()
    ]
    return pd.DataFrame(
        rows,
        columns=["code", "level", "name_th", "name_en", "parent_code", "abolished_on", "successors"],
    )


def abolished() -> pd.DataFrame:
    """Return the abolished amphoe and tambon known to the gazetteer.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``level`` (``"district"`` or ``"subdistrict"``), ``name_th``, ``name_en``,
        ``parent_code``, ``abolished_on`` (ISO date) and ``successors`` (space-separated
        current codes, possibly empty).

    Examples
    --------
    >>> from tambon_gis.gazetteer import abolished
    >>> a = abolished()
    >>> a.loc[a["code"] == "104701", "successors"].item()
    '104702 104703'
    """
    return _abolished().copy()


def lookup(code: str) -> dict[str, str] | None:
    """Return the canonical names of a tambon, amphoe or changwat code, or ``None``.

    Parameters
    ----------
    code : str
        A 2-, 4- or 6-digit DOPA code (a ``TH`` prefix is accepted).

    Returns
    -------
    dict or None
        The canonical columns of that area, or ``None`` when the gazetteer has no such code
        in force.

    Examples
    --------
    >>> from tambon_gis.gazetteer import lookup
    >>> lookup("TH8001")["amphoe_th"]
    'เมืองนครศรีธรรมราช'
    """
    code = str(code).strip().upper().removeprefix("TH")
    table = {2: _changwat_index, 4: _amphoe_index, 6: _tambon_index}.get(len(code))
    if table is None:
        return None
    row = table().get(code)
    return None if row is None else dict(row)


@cache
def _tambon_index() -> dict[str, dict[str, str]]:
    return {r["tambon_code"]: r for r in _tambons().to_dict("records")}


@cache
def _amphoe_index() -> dict[str, dict[str, str]]:
    return {r["amphoe_code"]: r for r in _amphoes().to_dict("records")}


@cache
def _changwat_index() -> dict[str, dict[str, str]]:
    return {r["changwat_code"]: r for r in _changwats().to_dict("records")}
