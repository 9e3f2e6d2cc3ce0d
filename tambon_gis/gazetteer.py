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
from os import PathLike
from pathlib import Path
from typing import Any, cast

import pandas as pd

from tambon_gis._deprecation import UNSET, renamed_keyword
from tambon_gis._errors import SchemaError, ValidationError
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
        columns=[
            "code",
            "level",
            "name_th",
            "name_en",
            "parent_code",
            "abolished_on",
            "successors",
        ],
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
    rows = cast("list[dict[str, str]]", _tambons().to_dict("records"))
    return {r["tambon_code"]: r for r in rows}


@cache
def _amphoe_index() -> dict[str, dict[str, str]]:
    rows = cast("list[dict[str, str]]", _amphoes().to_dict("records"))
    return {r["amphoe_code"]: r for r in rows}


@cache
def _changwat_index() -> dict[str, dict[str, str]]:
    rows = cast("list[dict[str, str]]", _changwats().to_dict("records"))
    return {r["changwat_code"]: r for r in rows}


# --------------------------------------------------------------------------------------------
# District adjacency
# --------------------------------------------------------------------------------------------

#: Distance in degrees (about 200 m) within which two tambons of a simplified layer count as
#: neighbours: simplified layers leave slivers and small gaps along shared borders.
NEIGHBOUR_TOLERANCE = 0.002
_NEIGHBOURS_FILE = "amphoe_neighbours.csv"
_neighbour_memo: dict[tuple[object, ...], frozenset[tuple[str, str]]] = {}


def _tambon_codes(boundaries: object) -> pd.Series[str]:
    """Return the tambon codes of a layer (``tambon_code``, or COD-AB ``ADM3_PCODE``)."""
    import geopandas as gpd

    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise ValidationError(
            f"boundaries is a {type(boundaries).__name__}: expected a GeoDataFrame of tambons, "
            "e.g. tambon_gis.load_boundaries(), or None for the adjacency shipped with the package"
        )
    if "tambon_code" in boundaries.columns:
        return boundaries["tambon_code"].astype("str")
    if "ADM3_PCODE" in boundaries.columns:
        return boundaries["ADM3_PCODE"].astype("str").str.removeprefix("TH")
    raise SchemaError(
        f"the boundaries have no 'tambon_code' column (columns: {list(boundaries.columns)}): "
        "load them with tambon_gis.load_boundaries(path, level='tambon')"
    )


def _fingerprint(boundaries: object) -> tuple[object, ...]:
    codes = _tambon_codes(boundaries)
    total = boundaries.total_bounds  # type: ignore[attr-defined]
    bounds = tuple(round(float(v), 6) for v in total)
    return (len(codes), hash(tuple(codes.tolist())), bounds)


def amphoe_neighbours(
    gdf: object = None, *, boundaries: Any = UNSET
) -> frozenset[tuple[str, str]]:
    """Return the pairs of amphoe (district) codes whose areas touch.

    Matching uses them to tell apart tambons of one name when the typed district holds
    none: a tambon moved to a new district stays next to its old one.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame, optional
        Tambon boundaries with a ``tambon_code`` column (as from
        :func:`tambon_gis.load_boundaries`); the amphoe of a tambon is the first 4 digits of
        its code. Two amphoe are neighbours when two of their tambons lie within
        :data:`NEIGHBOUR_TOLERANCE` degrees of each other. Computed once per layer
        (memoised, about 0.3 s for the national layer). ``None`` reads the table shipped with
        the package, built the same way from the 2022 HDX COD-AB tambon layer
        (:func:`write_amphoe_neighbours`).
    boundaries : geopandas.GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    frozenset of (str, str)
        Each pair once, the smaller code first.

    Raises
    ------
    ValidationError
        When ``gdf`` is not a GeoDataFrame.
    SchemaError
        When it has no ``tambon_code`` (or ``ADM3_PCODE``) column.

    Examples
    --------
    >>> from tambon_gis.gazetteer import amphoe_neighbours
    >>> pairs = amphoe_neighbours()
    >>> ("3201", "3204") in pairs   # เมืองสุรินทร์ and its neighbour จอมพระ
    True
    >>> ("1001", "9601") in pairs
    False
    """
    gdf = renamed_keyword("amphoe_neighbours", "boundaries", "gdf", boundaries, gdf)
    if gdf is None:
        return _shipped_neighbours()
    key = _fingerprint(gdf)
    found = _neighbour_memo.get(key)
    if found is None:
        found = _compute_neighbours(gdf)
        _neighbour_memo.clear()  # one layer at a time is enough
        _neighbour_memo[key] = found
    return found


def _compute_neighbours(boundaries: object) -> frozenset[tuple[str, str]]:
    import numpy as np
    import shapely

    codes = np.asarray(_tambon_codes(boundaries).str[:4])
    geoms = np.asarray(boundaries.geometry.values)  # type: ignore[attr-defined]
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    codes, geoms = codes[ok], geoms[ok]
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="dwithin", distance=NEIGHBOUR_TOLERANCE)
    a, b = codes[i], codes[j]
    keep = a < b
    return frozenset(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


@cache
def _shipped_neighbours() -> frozenset[tuple[str, str]]:
    from importlib.resources import files

    text = files("tambon_gis").joinpath("_data", _NEIGHBOURS_FILE).read_text(encoding="utf-8")
    pairs = (line.split(",") for line in text.splitlines()[1:] if line.strip())
    return frozenset((a, b) for a, b in pairs)


def neighbours_by_amphoe(
    gdf: object = None, *, boundaries: Any = UNSET
) -> dict[str, frozenset[str]]:
    """Return, for every amphoe code, the codes of the amphoe next to it.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame, optional
        As in :func:`amphoe_neighbours`.
    boundaries : geopandas.GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    dict of str to frozenset of str

    Examples
    --------
    >>> from tambon_gis.gazetteer import neighbours_by_amphoe
    >>> "3204" in neighbours_by_amphoe()["3201"]
    True
    """
    gdf = renamed_keyword("neighbours_by_amphoe", "boundaries", "gdf", boundaries, gdf)
    return _by_amphoe(amphoe_neighbours(gdf))


_by_amphoe_memo: dict[frozenset[tuple[str, str]], dict[str, frozenset[str]]] = {}


def _by_amphoe(pairs: frozenset[tuple[str, str]]) -> dict[str, frozenset[str]]:
    found = _by_amphoe_memo.get(pairs)
    if found is None:
        out: dict[str, set[str]] = {}
        for a, b in pairs:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        found = {k: frozenset(v) for k, v in out.items()}
        if len(_by_amphoe_memo) > 4:
            _by_amphoe_memo.clear()
        _by_amphoe_memo[pairs] = found
    return found


def write_amphoe_neighbours(
    gdf: object = None, path: str | PathLike[str] | None = None, *, boundaries: Any = UNSET
) -> Path:
    """Write the table of neighbouring amphoe that :func:`amphoe_neighbours` ships.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The national tambon layer, e.g.
        ``load_boundaries("tha_adm3_tambon_simplified.zip")``.
    path : str or Path, optional
        The CSV to write; default the package's own ``_data/amphoe_neighbours.csv``.
    boundaries : geopandas.GeoDataFrame
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    gdf = renamed_keyword("write_amphoe_neighbours", "boundaries", "gdf", boundaries, gdf)
    if gdf is None:
        raise ValidationError(
            "write_amphoe_neighbours() needs the national tambon layer as gdf, e.g. "
            "load_boundaries('tha_adm3_tambon_simplified.zip')"
        )
    pairs = sorted(_compute_neighbours(gdf))
    target = Path(path) if path is not None else Path(__file__).parent / "_data" / _NEIGHBOURS_FILE
    lines = ["amphoe_a,amphoe_b", *(f"{a},{b}" for a, b in pairs)]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _shipped_neighbours.cache_clear()
    return target


#: The public names of this module.
__all__ = [
    "NEIGHBOUR_TOLERANCE",
    "abolished",
    "amphoe_neighbours",
    "amphoes",
    "changwats",
    "data_version",
    "lookup",
    "neighbours_by_amphoe",
    "tambons",
    "write_amphoe_neighbours",
]
