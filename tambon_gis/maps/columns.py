"""Copy the columns of a joined table onto every row of a boundary layer: :func:`attach_columns`."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from tambon_gis._errors import SchemaError
from tambon_gis._logging import get_logger

log = get_logger(__name__)


def attach_columns(
    gdf: gpd.GeoDataFrame,
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    on: str = "tambon_code",
) -> gpd.GeoDataFrame:
    """Copy columns of a joined table onto every row of a boundary layer, by code.

    The result keeps every boundary row (rows without a value get missing values, drawn as
    "no data"), so a map of a few pilot tambons still shows the whole country or province.
    When the table has a code twice, the first row is used and the count is logged and kept in
    ``attrs["duplicates"]``; table rows without a code are counted in ``attrs["unmatched"]``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Boundaries in the canonical schema.
    table : DataFrame
        A table with the ``on`` column, e.g. the result of :func:`tambon_gis.join_attributes`.
    columns : sequence of str, optional
        Columns to copy (default: every column not already in ``gdf``, except geometry and
        the matching bookkeeping columns).
    on : str, default "tambon_code"
        The code column present in both.

    Returns
    -------
    GeoDataFrame
        A copy of ``gdf`` with the columns added, in the order of ``gdf``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"]},
    ...     geometry=[box(103, 14, 103.1, 14.1), box(103.1, 14, 103.2, 14.1)], crs="EPSG:4326")
    >>> t = pd.DataFrame({"tambon_code": ["320102", None], "lead": ["พอช.", "x"]})
    >>> out = attach_columns(b, t)
    >>> out["lead"].tolist(), out.attrs["unmatched"]
    ([nan, 'พอช.'], 1)
    """
    if on not in gdf.columns or on not in table.columns:
        raise SchemaError(
            f"attach_columns(): both tables need the {on!r} column; join the table first with "
            "tambon_gis.join_attributes()"
        )
    skip = {"status", "score", "candidates", "note", "duplicate", "in_boundaries", "geometry"}
    if columns is None:
        columns = [c for c in table.columns if c not in gdf.columns and c not in skip
                   and c != getattr(table, "_geometry_column_name", None)]
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(f"attach_columns(): columns {missing} are not in the table")
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
    not_in_layer = int((~frame.index.isin(codes)).sum())
    out.attrs.update({"unmatched": unmatched, "duplicates": duplicated,
                      "not_in_layer": not_in_layer})
    log.info(
        "attach_columns returned %s rows, %s with values (%d table rows without a code, %d "
        "repeated, %d codes not in the layer)", f"{len(out):,}",
        f"{int(codes.isin(frame.index).sum()):,}", unmatched, duplicated, not_in_layer,
    )
    return out
