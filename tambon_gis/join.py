"""Join tables to tambon boundaries: by typed names or codes, and by point coordinates.

:func:`join_attributes` matches every row of a table with :func:`tambon_gis.match_areas`
and gives it the geometry of its tambon; rows without a match are kept with no geometry and
their status. :func:`assign_points` puts point records (villages, farms, projects) into the
tambon that contains them, reports the points outside every tambon and can snap those within
a given distance. :func:`attach_columns` goes the other way: it copies the columns of a
joined table onto every row of a boundary layer, by code.

Examples
--------
>>> import pandas as pd, geopandas as gpd
>>> from shapely.geometry import box
>>> from tambon_gis.join import join_attributes, assign_points
>>> b = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"], "tambon_th": ["ในเมือง", "ตั้งใจ"]},
...                      geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
...                      crs="EPSG:4326")
>>> t = pd.DataFrame({"code": ["320101", "999999"], "households": [10, 20]})
>>> g = join_attributes(t, b, code="code")
>>> g[["tambon_code", "match_status"]].fillna("-").values.tolist(), g.geometry.isna().tolist()
([['320101', 'code'], ['-', 'unmatched']], [False, True])
>>> pts = pd.DataFrame({"lon": [103.45, 103.55, 104.0], "lat": [14.85, 14.85, 14.85]})
>>> assign_points(pts, b)[["tambon_code", "assign_status"]].fillna("-").values.tolist()
[['320101', 'inside'], ['320102', 'inside'], ['-', 'outside']]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, cast, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tambon_gis._deprecation import UNSET, renamed_keyword, warn_deprecated
from tambon_gis._errors import CRSError, SchemaError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis._points import locate, snap, xy_columns
from tambon_gis.boundaries import ResolutionWarning, is_embedded
from tambon_gis.matching import MatchReport, _index, match_areas

log = get_logger(__name__)

#: The match report's columns and the names :func:`join_attributes` gives them, so that a
#: joined table can go on to :func:`tambon_gis.select_areas` (whose ``status`` and ``score``
#: are the selection's) without a rename.
MATCH_COLUMNS: dict[str, str] = {"status": "match_status", "score": "match_score"}

#: The match bookkeeping columns :func:`attach_columns` does not copy by default (the old
#: ``status``/``score`` names too, for frames joined before 0.2).
_BOOKKEEPING = frozenset({"match_status", "match_score", "status", "score", "candidates", "note",
                          "duplicate", "in_boundaries", "geometry"})

#: Columns of the boundaries copied onto joined rows and points when the layer has them.
BOUNDARY_COLUMNS: tuple[str, ...] = (
    "tambon_code",
    "tambon_th",
    "tambon_en",
    "amphoe_code",
    "amphoe_th",
    "amphoe_en",
    "changwat_code",
    "changwat_th",
    "changwat_en",
    "region",
    "region_en",
)


@dataclass(frozen=True)
class AssignReport:
    """How many points :func:`assign_points_with_report` put where.

    Attributes
    ----------
    inside, snapped, outside, no_location : int
        The points of each ``assign_status``.
    on_several : int
        Points inside two or more tambons (shared edges, overlaps); the first tambon wins.

    Examples
    --------
    >>> AssignReport(inside=3, snapped=1, outside=0, no_location=1, on_several=0)
    AssignReport(5 points: inside 3, snapped 1, no_location 1)
    """

    inside: int
    snapped: int
    outside: int
    no_location: int
    on_several: int

    @property
    def counts(self) -> dict[str, int]:
        """The counts as ``{status: points}``, ``on_several`` last."""
        return asdict(self)

    def __repr__(self) -> str:
        n = self.inside + self.snapped + self.outside + self.no_location
        shown = ", ".join(f"{k} {v:,}" for k, v in self.counts.items() if v)
        return f"AssignReport({n:,} points: {shown})"


@dataclass(frozen=True)
class AttachReport:
    """What :func:`attach_columns_with_report` copied onto a layer, and what it left out.

    Attributes
    ----------
    rows : int
        The rows of the layer (all kept).
    with_values : int
        Rows of the layer given a table row.
    unmatched : int
        Table rows without a code (unmatched in the join), not copied.
    duplicates : int
        Table rows repeating a code; the first row of a code is used.
    not_in_layer : int
        Codes of the table not in the layer (outside the province loaded, or newer).

    Examples
    --------
    >>> AttachReport(rows=10, with_values=3, unmatched=1, duplicates=0, not_in_layer=2)
    AttachReport(3 of 10 rows given values; 1 table row(s) without a code, 2 code(s) not in the layer)
    """  # noqa: E501

    rows: int
    with_values: int
    unmatched: int
    duplicates: int
    not_in_layer: int

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a plain dict."""
        return asdict(self)

    def __repr__(self) -> str:
        notes = [f"{n:,} {what}" for n, what in (
            (self.unmatched, "table row(s) without a code"),
            (self.duplicates, "repeated code(s)"),
            (self.not_in_layer, "code(s) not in the layer"),
        ) if n]  # fmt: skip
        head = f"{self.with_values:,} of {self.rows:,} rows given values"
        return f"AttachReport({'; '.join([head, ', '.join(notes)] if notes else [head])})"


def _codes_of(boundaries: gpd.GeoDataFrame) -> pd.Series:
    if "tambon_code" in boundaries.columns:
        return boundaries["tambon_code"].astype("str")
    if "ADM3_PCODE" in boundaries.columns:
        return boundaries["ADM3_PCODE"].astype("str").str.removeprefix("TH")
    raise SchemaError(
        f"the boundaries have no 'tambon_code' column (columns: {list(boundaries.columns)}): "
        "load them with tambon_gis.load_boundaries(path, level='tambon')"
    )


def _layer(fn: str, gdf: Any, boundaries: Any) -> gpd.GeoDataFrame:
    """Return the boundary layer given as ``gdf`` (or as the deprecated ``boundaries=``)."""
    layer = renamed_keyword(fn, "boundaries", "gdf", boundaries, gdf)
    if layer is None:
        raise ValidationError(
            f"{fn}() needs the tambon boundaries as its second argument gdf, e.g. "
            "tambon_gis.load_boundaries()"
        )
    return cast(gpd.GeoDataFrame, layer)


def _check_boundaries(boundaries: Any) -> gpd.GeoDataFrame:
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise ValidationError(
            f"boundaries is a {type(boundaries).__name__}: expected a GeoDataFrame of tambons, "
            "e.g. tambon_gis.load_boundaries()"
        )
    if boundaries.crs is None:
        raise CRSError(
            "the boundaries have no CRS: set it, e.g. boundaries.set_crs('EPSG:4326'), or load "
            "them with tambon_gis.load_boundaries()"
        )
    return boundaries


@overload
def join_attributes(
    table: pd.DataFrame | str | Path | MatchReport,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    how: Literal["left", "inner"] = "left",
    return_report: Literal[False] = False,
    boundaries: Any = UNSET,
) -> gpd.GeoDataFrame: ...


@overload
def join_attributes(
    table: pd.DataFrame | str | Path | MatchReport,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    how: Literal["left", "inner"] = "left",
    return_report: Literal[True],
    boundaries: Any = UNSET,
) -> tuple[gpd.GeoDataFrame, MatchReport]: ...


@overload
def join_attributes(
    table: pd.DataFrame | str | Path | MatchReport,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    how: Literal["left", "inner"] = "left",
    return_report: bool = False,
    boundaries: Any = UNSET,
) -> gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, MatchReport]: ...


def join_attributes(
    table: pd.DataFrame | str | Path | MatchReport,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    how: Literal["left", "inner"] = "left",
    return_report: bool = False,
    boundaries: Any = UNSET,
) -> gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, MatchReport]:
    """Give every row of a table the geometry of its tambon.

    Parameters
    ----------
    table : pandas.DataFrame, path or MatchReport
        The table (a path is read with :func:`tambon_gis.read_table`), or a report from
        :func:`tambon_gis.match_areas` to reuse.
    gdf : geopandas.GeoDataFrame
        Tambon boundaries with a ``tambon_code`` column, as from
        :func:`tambon_gis.load_boundaries`.
    province, amphoe, tambon, code : str, optional
        The columns to match on, as in :func:`tambon_gis.match_areas` (recognised from the
        headers when none is given).
    how : {"left", "inner"}
        ``"left"`` (default) keeps every input row; rows without a match, or whose tambon is
        not in the boundaries, get no geometry (``None``). ``"inner"`` keeps only the rows
        with a geometry.
    return_report : bool
        Deprecated: use :func:`join_attributes_with_report`, which returns the frame and the
        :class:`~tambon_gis.matching.MatchReport`. ``True`` still returns both, with a
        ``FutureWarning``, and goes in the next release.
    boundaries : geopandas.GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of :meth:`MatchReport.to_frame` (input columns, ``tambon_code``, names,
        ``candidates``, ``note``, ``duplicate``), with the report's ``status`` and ``score``
        named ``match_status`` and ``match_score`` (:data:`MATCH_COLUMNS`; so they do not
        collide with the ``status`` and ``score`` of a selection), plus ``region`` and
        ``region_en`` when the boundaries have them, ``in_boundaries`` (the tambon was found
        in the layer), ``gazetteer_code`` and the geometry, in the CRS of the boundaries and
        in input order. The counts by status and the rows to check are the
        :class:`~tambon_gis.matching.MatchReport` of :func:`join_attributes_with_report`
        (``attrs`` hold no report). When the layer is older than the gazetteer, a tambon
        renumbered since (moved to a new district) gets the layer's polygon and code in
        ``tambon_code``, its current code in ``gazetteer_code`` and a note; a tambon split
        since gets the old polygon that holds it, with a note naming the split.

    Raises
    ------
    SchemaError
        When the boundaries have no tambon code column, or a named column is missing.
    ValidationError
        For a ``how`` other than ``"left"`` or ``"inner"``, or boundaries with a tambon code
        twice.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import join_attributes
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(0, 0, 1, 1)],
    ...                      crs="EPSG:4326")
    >>> t = pd.DataFrame({"จังหวัด": ["สุรินทร์", "สุรินทร์"], "ตำบล": ["ในเมือง", "ที่ไม่มี"]})
    >>> g = join_attributes(t, b, province="จังหวัด", tambon="ตำบล")
    >>> len(g), g["match_status"].tolist()
    (2, ['exact', 'unmatched'])
    >>> len(join_attributes(t, b, province="จังหวัด", tambon="ตำบล", how="inner"))
    1
    """
    boundaries = _layer("join_attributes", gdf, boundaries)
    if return_report:
        warn_deprecated(
            "join_attributes(..., return_report=True)",
            "tambon_gis.join.join_attributes_with_report(table, gdf, ...), which returns "
            "(frame, MatchReport)",
        )
    out, report = join_attributes_with_report(
        table, boundaries, province=province, amphoe=amphoe, tambon=tambon, code=code, how=how
    )
    return (out, report) if return_report else out


def join_attributes_with_report(
    table: pd.DataFrame | str | Path | MatchReport,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    how: Literal["left", "inner"] = "left",
    boundaries: Any = UNSET,
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Join a table like :func:`join_attributes`, and return its match report.

    Parameters
    ----------
    table, gdf, province, amphoe, tambon, code, how, boundaries
        As in :func:`join_attributes`.

    Returns
    -------
    (geopandas.GeoDataFrame, MatchReport)
        The frame of :func:`join_attributes` (its ``attrs`` hold no report) and the
        :class:`~tambon_gis.matching.MatchReport`: counts by status, the rows that need
        attention, duplicates and candidates.

    Raises
    ------
    SchemaError, ValidationError
        As :func:`join_attributes`.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import join_attributes_with_report
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(0, 0, 1, 1)],
    ...                      crs="EPSG:4326")
    >>> t = pd.DataFrame({"จังหวัด": ["สุรินทร์", "สุรินทร์"], "ตำบล": ["ในเมือง", "ที่ไม่มี"]})
    >>> g, report = join_attributes_with_report(t, b, province="จังหวัด", tambon="ตำบล")
    >>> g["match_status"].tolist(), report.n_matched, dict(g.attrs)
    (['exact', 'unmatched'], 1, {})
    """
    boundaries = _layer("join_attributes_with_report", gdf, boundaries)
    if how not in ("left", "inner"):
        raise ValidationError(f"how={how!r}: expected 'left' (keep every row) or 'inner'")
    boundaries = _check_boundaries(boundaries)
    if isinstance(table, MatchReport):
        report = table
    else:
        report = match_areas(
            table, province=province, amphoe=amphoe, tambon=tambon, code=code, gdf=boundaries
        )
    frame = _match_columns(report.to_frame())
    codes = _codes_of(boundaries)
    dup = codes[codes.duplicated()]
    if len(dup):
        raise ValidationError(
            f"the boundaries hold {len(dup)} tambon code(s) more than once, e.g. "
            f"{dup.iloc[0]!r}: dissolve them first (geopandas dissolve(by='tambon_code'))"
        )
    current = frame["tambon_code"].to_numpy(dtype=object)
    pos = pd.Index(codes.to_numpy()).get_indexer(current)
    found = pos >= 0
    # a tambon whose gazetteer code is newer than the layer: the layer's polygon and code
    older = _older_codes(
        {c for c in current[(pos < 0) & frame["tambon_code"].notna().to_numpy()]}, set(codes)
    )
    if older:
        layer_code = current.copy()
        note = frame["note"].astype(object).to_numpy(copy=True)
        index_of = pd.Index(codes.to_numpy())
        for i in np.flatnonzero(~found & frame["tambon_code"].notna().to_numpy()).tolist():
            hit = older.get(current[i])
            if hit is None:
                continue
            old, extra = hit
            layer_code[i] = old
            pos[i] = index_of.get_loc(old)
            note[i] = extra if not isinstance(note[i], str) else f"{note[i]}; {extra}"
        found = pos >= 0
        frame["tambon_code"] = pd.Series(layer_code, index=frame.index, dtype="str")
        frame["note"] = pd.Series(note, index=frame.index, dtype="str")
    frame["gazetteer_code"] = pd.Series(current, index=frame.index, dtype="str")
    geoms = np.full(len(frame), None, dtype=object)
    bgeom = boundaries.geometry.to_numpy()
    geoms[found] = bgeom[pos[found]]
    for col in ("region", "region_en"):
        if col in boundaries.columns and col not in frame.columns:
            vals = np.full(len(frame), None, dtype=object)
            vals[found] = boundaries[col].to_numpy(dtype=object)[pos[found]]
            frame[col] = pd.Series(vals, index=frame.index, dtype="str")
    frame["in_boundaries"] = found
    missing = frame["tambon_code"].notna().to_numpy() & ~found
    if missing.any():
        miss_codes = sorted(set(frame.loc[missing, "tambon_code"]))
        log.warning(
            "%d matched row(s) have a tambon not in the boundaries (%s%s): the layer may be "
            "older than the gazetteer; they are kept without geometry",
            int(missing.sum()),
            ", ".join(miss_codes[:5]),
            " ..." if len(miss_codes) > 5 else "",
        )
        note = frame["note"].astype(object).to_numpy(copy=True)
        for row in np.flatnonzero(missing):
            extra = "tambon not in the boundaries"
            note[row] = extra if not isinstance(note[row], str) else f"{note[row]}; {extra}"
        frame["note"] = pd.Series(note, index=frame.index, dtype="str")
    geometry = gpd.GeoSeries(geoms, index=frame.index, crs=boundaries.crs)
    out = gpd.GeoDataFrame(frame, geometry=geometry)
    if how == "inner":
        out = out[found]
    out.attrs = {}  # the report is returned, not carried (pandas copies attrs on every op)
    log.info(
        "join_attributes returned %s rows (%s with a geometry, how=%r)",
        f"{len(out):,}",
        f"{int(found.sum()):,}",
        how,
    )
    return out, report


def require_matched(joined: gpd.GeoDataFrame, *, source: str | None = None) -> gpd.GeoDataFrame:
    """Check that every row of a joined table has its tambon and geometry.

    For work that needs every row placed (choosing areas among a table's candidates, say):
    a row left unmatched, ambiguous or with a tambon the boundaries lack is an error to fix
    in the table, not a row to drop silently.

    Parameters
    ----------
    joined : geopandas.GeoDataFrame
        A result of :func:`join_attributes` (with ``how="left"``).
    source : str, optional
        The name of the table for the message (e.g. its file name).

    Returns
    -------
    geopandas.GeoDataFrame
        ``joined`` itself, when every row has a tambon code and a geometry.

    Raises
    ------
    SchemaError
        When ``joined`` has no ``tambon_code`` column (it was not joined).
    ValidationError
        When some rows did not resolve to a tambon of the boundaries; the message counts them
        and names the first ten data rows (1-based, below the header) and how to fix them.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import join_attributes, require_matched
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(0, 0, 1, 1)],
    ...                      crs="EPSG:4326")
    >>> len(require_matched(join_attributes(pd.DataFrame({"code": ["320101"]}), b, code="code")))
    1
    >>> t = pd.DataFrame({"code": ["320101", "999999"]})
    >>> require_matched(join_attributes(t, b, code="code"), source="pilots.csv")
    Traceback (most recent call last):
    ...
    tambon_gis._errors.ValidationError: 1 row(s) of pilots.csv did not resolve to a tambon of the boundaries (rows [2]); fix them (tambon_gis.match_areas(table) shows each row's status and candidates, and `tambon-gis match FILE` writes them to a report) and join again
    """  # noqa: E501
    if "tambon_code" not in joined.columns or not isinstance(joined, gpd.GeoDataFrame):
        raise SchemaError(
            f"require_matched() was given a table without tambon codes and geometry (columns: "
            f"{list(joined.columns)[:12]}): join it first with tambon_gis.join_attributes()"
        )
    missing = (joined["tambon_code"].isna() | joined.geometry.isna()).to_numpy()
    if missing.any():
        rows = (np.flatnonzero(missing)[:10] + 1).tolist()
        raise ValidationError(
            f"{int(missing.sum())} row(s) of {source or 'the table'} did not resolve to a "
            f"tambon of the boundaries (rows {rows}); fix them (tambon_gis.match_areas(table) "
            "shows each row's status and candidates, and `tambon-gis match FILE` writes them "
            "to a report) and join again"
        )
    return joined


def _match_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename a report frame's ``status``/``score`` to :data:`MATCH_COLUMNS` names.

    An input column that already has one of the new names is kept as ``input_<name>``, as
    :meth:`MatchReport.to_frame` does for the input columns that clash with its own.
    """
    clash = {new: f"input_{new}" for new in MATCH_COLUMNS.values() if new in frame.columns}
    return frame.rename(columns=clash).rename(columns=MATCH_COLUMNS)


def _older_codes(missing: set[str], layer: set[str]) -> dict[str, tuple[str, str]]:
    """For current codes the layer lacks, the layer's older code of the same area, and a note.

    The gazetteer's history says which abolished codes became which codes in force: a code
    renumbered (a tambon moved to a new district) has one successor, a tambon split after the
    layer was made has several, and its old polygon holds them all.
    """
    if not missing:
        return {}
    ix = _index()
    out: dict[str, tuple[str, str]] = {}
    for old in sorted(layer):
        if old in ix.tambon or old not in ix.abolished:
            continue
        succ = [c for c in ix.successors_in_force(old) if len(c) == 6]
        for cur in succ:
            if cur not in missing or cur in out:
                continue
            name, _, when = ix.abolished[old]
            if len(succ) == 1:
                note = (
                    f"the layer has this tambon as {old} ({name}), its code before {when}; "
                    f"the gazetteer's current code is {cur} (join rule: older-layer-code)"
                )
            else:
                note = (
                    f"the layer's polygon {old} ({name}) was split on {when} into "
                    f"{', '.join(succ)}: the row gets the old polygon, which holds {cur}; "
                    "(join rule: split-after-layer)"
                )
            out[cur] = (old, note)
    return out


# --------------------------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------------------------

_POINT_STATUSES = ("inside", "snapped", "outside", "no_location")


def _warn_if_embedded(boundaries: Any) -> None:
    if isinstance(boundaries, pd.DataFrame) and is_embedded(boundaries):
        warnings.warn(
            "assign_points was given the embedded (simplified) boundary layer: points near a "
            "border can land in the neighbouring tambon (0.39 % of points spread over the country, "
            "2.3 % of points near a border do). For this work load the full-resolution layer: "
            "load_boundaries(resolution='full')",
            ResolutionWarning,
            stacklevel=3,
        )


def assign_points(
    points: pd.DataFrame | gpd.GeoDataFrame,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    x: str | None = None,
    y: str | None = None,
    crs: Any = "EPSG:4326",
    snap_distance: float | None = None,
    columns: tuple[str, ...] | None = None,
    boundaries: Any = UNSET,
) -> pd.DataFrame | gpd.GeoDataFrame:
    """Put point records into the tambon that contains them.

    Parameters
    ----------
    points : pandas.DataFrame or geopandas.GeoDataFrame
        Points as a GeoDataFrame of Point geometries, or a table of coordinates (columns
        ``lon``/``lat``, ``longitude``/``latitude``, ``x``/``y``, ``ลองจิจูด``/``ละติจูด`` are
        recognised, or name them with ``x=`` and ``y=``).
    gdf : geopandas.GeoDataFrame
        Tambon boundaries with a ``tambon_code`` column, e.g. from
        :func:`tambon_gis.load_boundaries`.
    x, y : str, optional
        The coordinate columns of a plain table.
    crs : optional
        The CRS of the coordinates of a plain table (default WGS84 longitude/latitude).
    snap_distance : float, optional
        Metres: a point outside every tambon but within this geodesic distance of one is
        assigned to the nearest (status ``snapped``). ``None`` (default) never snaps.
    columns : tuple of str, optional
        Boundary columns to copy onto the points; default the canonical names and codes the
        layer has (:data:`BOUNDARY_COLUMNS`).
    boundaries : geopandas.GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A copy of ``points`` (same kind, same index and order) with the boundary columns,
        ``assign_status`` (``inside``, ``snapped``, ``outside`` or ``no_location``),
        ``snap_m`` (metres to the tambon of a snapped point) and ``n_tambons`` (how many
        tambons contain the point: 2 or more on shared edges and where the layer overlaps
        itself; the tambon listed first in the boundaries wins). The counts by status are
        the :class:`AssignReport` of :func:`assign_points_with_report` (``attrs`` are those of
        ``points``, and hold no report).

    Raises
    ------
    CRSError
        When a GeoDataFrame of points has no CRS, or coordinates look like latitude and
        longitude swapped.
    SchemaError
        When the coordinate columns cannot be found.
    ValidationError
        For geometries that are not points.

    Warns
    -----
    tambon_gis.boundaries.ResolutionWarning
        When ``boundaries`` is the embedded (simplified) national layer: near borders a point
        can fall in the neighbouring tambon. Measured against the full-resolution HDX layer
        (``benchmarks/bench_embedded.py``): 0.39 % of 100,000 points spread uniformly over
        the country change tambon, and 2.3 % of points within about 500 m of a border (real
        village points, clustered along roads and rivers that are often borders, sit in
        between: about 1.3 % change between a simplified and the full layer). Load the
        full-resolution layer with ``load_boundaries(resolution="full")`` for this work.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import assign_points
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(103.4, 14.8, 103.5, 14.9)],
    ...                      crs="EPSG:4326")
    >>> pts = pd.DataFrame({"x": [103.45, 103.5005, None], "y": [14.85, 14.85, None]})
    >>> out = assign_points(pts, b, snap_distance=100)
    >>> out["assign_status"].tolist(), out["snap_m"].round().fillna(0).tolist()
    (['inside', 'snapped', 'no_location'], [0.0, 54.0, 0.0])
    """
    boundaries = _layer("assign_points", gdf, boundaries)
    _warn_if_embedded(boundaries)
    return _assign_points(
        points, boundaries, x=x, y=y, crs=crs, snap_distance=snap_distance, columns=columns
    )[0]


def assign_points_with_report(
    points: pd.DataFrame | gpd.GeoDataFrame,
    gdf: gpd.GeoDataFrame | None = None,
    *,
    x: str | None = None,
    y: str | None = None,
    crs: Any = "EPSG:4326",
    snap_distance: float | None = None,
    columns: tuple[str, ...] | None = None,
    boundaries: Any = UNSET,
) -> tuple[pd.DataFrame | gpd.GeoDataFrame, AssignReport]:
    """Put points into tambons like :func:`assign_points`, and count what happened.

    Parameters
    ----------
    points, gdf, x, y, crs, snap_distance, columns, boundaries
        As in :func:`assign_points`.

    Returns
    -------
    (pandas.DataFrame or geopandas.GeoDataFrame, AssignReport)
        The points of :func:`assign_points` and the :class:`AssignReport`: how many points
        are inside a tambon, snapped, outside, without a location, and on several tambons.

    Raises
    ------
    CRSError, SchemaError, ValidationError
        As :func:`assign_points`.

    Warns
    -----
    tambon_gis.boundaries.ResolutionWarning
        As :func:`assign_points`.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import assign_points_with_report
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(103.4, 14.8, 103.5, 14.9)],
    ...                      crs="EPSG:4326")
    >>> pts = pd.DataFrame({"x": [103.45, 103.5005, None], "y": [14.85, 14.85, None]})
    >>> out, report = assign_points_with_report(pts, b, snap_distance=100)
    >>> report.inside, report.snapped, report.no_location, dict(out.attrs)
    (1, 1, 1, {})
    """
    boundaries = _layer("assign_points_with_report", gdf, boundaries)
    _warn_if_embedded(boundaries)
    return _assign_points(
        points, boundaries, x=x, y=y, crs=crs, snap_distance=snap_distance, columns=columns
    )


def _assign_points(
    points: pd.DataFrame | gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    x: str | None,
    y: str | None,
    crs: Any,
    snap_distance: float | None,
    columns: tuple[str, ...] | None,
) -> tuple[pd.DataFrame | gpd.GeoDataFrame, AssignReport]:
    """Assign the points and count them (the body of :func:`assign_points_with_report`)."""
    boundaries = _check_boundaries(boundaries)
    _codes_of(boundaries)  # fails early without a code column
    if boundaries.crs.to_epsg() != 4326:
        boundaries = boundaries.to_crs("EPSG:4326")
    if isinstance(points, gpd.GeoDataFrame):
        if points.crs is None:
            raise CRSError(
                "the points have no CRS: set it, e.g. points.set_crs('EPSG:4326') for "
                "longitude/latitude"
            )
        geom = points.geometry
        if points.crs.to_epsg() != 4326:
            geom = geom.to_crs("EPSG:4326")
        arr = geom.to_numpy()
        types = shapely.get_type_id(arr)
        bad = (types != 0) & ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
        if bad.any():
            raise ValidationError(
                f"{int(bad.sum())} geometries are not points (first at position "
                f"{int(np.flatnonzero(bad)[0])}): pass points.representative_point() or "
                "points.centroid instead"
            )
        xs = shapely.get_x(arr).astype(float)
        ys = shapely.get_y(arr).astype(float)
    elif isinstance(points, pd.DataFrame):
        xc, yc = xy_columns(points, x, y)
        xs = pd.to_numeric(points[xc], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ys = pd.to_numeric(points[yc], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if crs is not None and _epsg(crs) != 4326:
            from pyproj import Transformer

            tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            xs, ys = tr.transform(xs, ys)
            xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    else:
        raise ValidationError(
            f"points is a {type(points).__name__}: expected a GeoDataFrame of points or a "
            "DataFrame with coordinate columns"
        )
    # A coordinate that is not a number or not on Earth (inf, 1e308) is no location: that
    # row gets ``no_location`` and the others are still assigned.
    real = np.isfinite(xs) & np.isfinite(ys)
    with np.errstate(invalid="ignore"):
        fin = real & (np.abs(xs) <= 180) & (np.abs(ys) <= 90)
    if real.sum() >= 10:
        mx, my = np.nanmedian(xs[real]), np.nanmedian(ys[real])
        if 4 <= mx <= 22 and 96 <= my <= 107:
            raise CRSError(
                f"the coordinates look like latitude and longitude swapped (median x={mx:.2f}, "
                f"y={my:.2f}): pass x='<longitude column>' and y='<latitude column>'"
            )
    geoms = boundaries.geometry.to_numpy()
    first = np.full(len(xs), -1, dtype=np.int64)
    count = np.zeros(len(xs), dtype=np.int64)
    if fin.any():
        first[fin], count[fin] = locate(xs[fin], ys[fin], geoms)
    status_code = np.where(first >= 0, 0, 2).astype(np.int64)  # see _POINT_STATUSES
    status_code[~fin] = 3
    snap_m = np.full(len(xs), np.nan)
    if snap_distance is not None:
        if snap_distance < 0:
            raise ValidationError(f"snap_distance={snap_distance}: expected metres >= 0")
        out_idx = np.flatnonzero((first < 0) & fin)
        if len(out_idx):
            g, d = snap(xs[out_idx], ys[out_idx], geoms, float(snap_distance))
            ok = g >= 0
            first[out_idx[ok]] = g[ok]
            snap_m[out_idx[ok]] = d[ok]
            status_code[out_idx[ok]] = 1
    if columns is None:
        columns = tuple(c for c in BOUNDARY_COLUMNS if c in boundaries.columns)
        if "tambon_code" not in columns:
            columns = ("tambon_code", *columns)
    out = points.copy()
    codes = _codes_of(boundaries)
    for col in columns:
        src = codes if col == "tambon_code" else boundaries[col]
        arr = pd.array(src.to_numpy(dtype=object), dtype="str")
        vals = arr.take(first, allow_fill=True)  # -1 gives a missing value
        if col not in points.columns:
            name = col
        else:
            name = f"{col}_assigned" if col.startswith("tambon") else f"tambon_{col}"
        out[name] = pd.Series(vals, index=out.index)
    labels = pd.array(list(_POINT_STATUSES), dtype="str")
    out["assign_status"] = pd.Series(labels.take(status_code), index=out.index)
    out["snap_m"] = snap_m
    out["n_tambons"] = count
    per = np.bincount(status_code, minlength=len(_POINT_STATUSES)).tolist()
    counts = dict(zip(_POINT_STATUSES, (int(v) for v in per), strict=True))
    counts["on_several"] = int((count > 1).sum())
    report = AssignReport(**counts)
    log.info(
        "assign_points returned %s points: %s",
        f"{len(out):,}",
        ", ".join(f"{k} {v:,}" for k, v in counts.items() if v),
    )
    return out, report

# --------------------------------------------------------------------------------------------
# Boundaries <- table
# --------------------------------------------------------------------------------------------


def attach_columns(
    gdf: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    code: str = "tambon_code",
    on: Any = UNSET,
) -> gpd.GeoDataFrame:
    """Copy columns of a joined table onto every row of a boundary layer, by code.

    The result keeps every boundary row (rows without a value get missing values, drawn as
    "no data"), so a map of a few pilot tambons still shows the whole country or province.
    When the table has a code twice, the first row is used and the count is logged. What was
    left out (table rows without a code, repeated codes, codes not in the layer) is the
    :class:`AttachReport` of :func:`attach_columns_with_report`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Boundaries in the canonical schema.
    table : DataFrame
        A table with the ``code`` column, e.g. the result of :func:`join_attributes`.
    columns : sequence of str, optional
        Columns to copy (default: every column not already in ``gdf``, except geometry and
        the matching bookkeeping columns: ``match_status``, ``match_score``, ``candidates``,
        ``note``, ``duplicate``, ``in_boundaries``, and the ``status``/``score`` of a table
        joined before 0.2).
    code : str, default "tambon_code"
        The column of tambon codes, in both (the join key, named as in
        :func:`join_attributes`).
    on : str, optional
        Deprecated name of ``code`` (warns; goes in the next release).

    Returns
    -------
    GeoDataFrame
        A copy of ``gdf`` with the columns added, in the order of ``gdf``; its ``attrs`` are
        those of ``gdf`` (the provenance of the layer).

    Raises
    ------
    SchemaError
        When either table lacks the ``code`` column, or a named column is not in the table.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import attach_columns
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1)], crs="EPSG:4326")
    >>> t = pd.DataFrame({"tambon_code": ["320102", None], "lead": ["พอช.", "x"]})
    >>> attach_columns(b, t)["lead"].tolist()
    [nan, 'พอช.']
    """
    code = renamed_keyword("attach_columns", "on", "code", on, None if on is not UNSET else code)
    return attach_columns_with_report(gdf, table, columns=columns, code=code)[0]


def attach_columns_with_report(
    gdf: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    code: str = "tambon_code",
    on: Any = UNSET,
) -> tuple[gpd.GeoDataFrame, AttachReport]:
    """Copy columns onto a boundary layer like :func:`attach_columns`, and say what was left.

    Parameters
    ----------
    gdf, table, columns, code, on
        As in :func:`attach_columns`.

    Returns
    -------
    (GeoDataFrame, AttachReport)
        The layer of :func:`attach_columns` and the :class:`AttachReport`: boundary rows and
        those given values, table rows without a code, repeated codes, and codes of the table
        that are not in the layer (a province's layer and a national table, say).

    Raises
    ------
    SchemaError
        As :func:`attach_columns`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> from tambon_gis.join import attach_columns_with_report
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101"]}, geometry=[box(103, 14, 103.1, 14.1)],
    ...                      crs="EPSG:4326")
    >>> t = pd.DataFrame({"tambon_code": ["320101", "550504", None], "lead": ["a", "b", "c"]})
    >>> out, report = attach_columns_with_report(b, t)
    >>> report.with_values, report.unmatched, report.not_in_layer, dict(out.attrs)
    (1, 1, 1, {})
    """
    on = renamed_keyword(
        "attach_columns_with_report", "on", "code", on, None if on is not UNSET else code
    )
    if on not in gdf.columns or on not in table.columns:
        raise SchemaError(
            f"attach_columns(): both tables need the {on!r} column; join the table first with "
            "tambon_gis.join_attributes()"
        )
    if columns is None:
        columns = [c for c in table.columns if c not in gdf.columns and c not in _BOOKKEEPING
                   and c != getattr(table, "_geometry_column_name", None)]
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(
            f"attach_columns(): columns {missing} are not in the table (columns: "
            f"{list(table.columns)}): pass columns= with names the table has"
        )
    frame = pd.DataFrame(table[[on, *columns]])
    unmatched = int(frame[on].isna().sum())
    frame = frame[frame[on].notna()]
    duplicated = int(frame[on].duplicated().sum())
    if duplicated:
        log.warning("attach_columns: %d table rows repeat a %s; the first row is used",
                    duplicated, on)
    frame = frame.drop_duplicates(on).set_index(on)
    out = gdf.copy()
    codes = out[on].astype(str)
    for col in columns:
        out[col] = codes.map(frame[col]).to_numpy()
    report = AttachReport(
        rows=len(out), with_values=int(codes.isin(frame.index).sum()), unmatched=unmatched,
        duplicates=duplicated, not_in_layer=int((~frame.index.isin(codes)).sum()),
    )  # fmt: skip
    log.info(
        "attach_columns returned %s rows, %s with values (%d table rows without a code, %d "
        "repeated, %d codes not in the layer)", f"{report.rows:,}", f"{report.with_values:,}",
        unmatched, duplicated, report.not_in_layer,
    )  # fmt: skip
    return out, report


def _epsg(crs: Any) -> int | None:
    """Return the EPSG code of a CRS-like value, or ``None``."""
    from pyproj import CRS

    return CRS.from_user_input(crs).to_epsg()


#: The public names of this module.
__all__ = [
    "BOUNDARY_COLUMNS",
    "MATCH_COLUMNS",
    "AssignReport",
    "AttachReport",
    "assign_points",
    "assign_points_with_report",
    "attach_columns",
    "attach_columns_with_report",
    "join_attributes",
    "join_attributes_with_report",
    "require_matched",
]
