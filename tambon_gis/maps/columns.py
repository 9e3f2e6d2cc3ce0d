"""The old home of :func:`tambon_gis.join.attach_columns` (deprecated since 0.2).

Joins in both directions live in :mod:`tambon_gis.join`; ``maps.attach_columns`` stays one
release as a thin alias that warns (``FutureWarning``) with the new name.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from tambon_gis import join

__all__ = ["attach_columns"]


def attach_columns(
    gdf: gpd.GeoDataFrame,
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    on: str = "tambon_code",
) -> gpd.GeoDataFrame:
    """Copy table columns onto a boundary layer: the deprecated alias of the join's function.

    It is :func:`tambon_gis.join.attach_columns`, and goes in the next release.

    Warns
    -----
    FutureWarning
        Always: call ``tambon_gis.join.attach_columns(gdf, table, columns=..., code=...)``
        (also ``tambon_gis.attach_columns``) instead.
    """
    warnings.warn(
        "tambon_gis.maps.attach_columns is deprecated and goes in the next release: use "
        "tambon_gis.join.attach_columns(gdf, table, columns=..., code=...) "
        "(also tambon_gis.attach_columns)",
        FutureWarning,
        stacklevel=2,
    )
    return join.attach_columns(gdf, table, columns=columns, code=on)
