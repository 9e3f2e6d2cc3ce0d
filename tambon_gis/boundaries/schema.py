"""The schema of a boundary layer: levels, canonical columns, the report of a load.

The canonical columns of each level (:data:`CANONICAL_COLUMNS`), the source column names
recognised on their own (:data:`KNOWN_COLUMNS`), Thailand's extent, the warning class of
assumptions made while loading (:class:`BoundaryWarning`) and :class:`LoadReport`, what
:func:`~tambon_gis.boundaries.load_boundaries` found and did (:func:`load_report`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from tambon_gis._deprecation import warn_deprecated
from tambon_gis._errors import SchemaError

Level = Literal["tambon", "amphoe", "changwat"]
LEVELS: tuple[str, ...] = ("tambon", "amphoe", "changwat", "region")
CODE_LENGTH = {"tambon": 6, "amphoe": 4, "changwat": 2}
_PARENT = {"tambon": "amphoe", "amphoe": "changwat"}

#: Canonical columns of each level, in order (``geometry`` last).
CANONICAL_COLUMNS: dict[str, list[str]] = {
    "tambon": [
        "tambon_code", "tambon_th", "tambon_en",
        "amphoe_code", "amphoe_th", "amphoe_en",
        "changwat_code", "changwat_th", "changwat_en",
        "region", "region_en", "geometry",
    ],
    "amphoe": [
        "amphoe_code", "amphoe_th", "amphoe_en",
        "changwat_code", "changwat_th", "changwat_en",
        "region", "region_en", "geometry",
    ],
    "changwat": ["changwat_code", "changwat_th", "changwat_en", "region", "region_en", "geometry"],
    "region": ["region", "region_en", "geometry"],
}  # fmt: skip

#: Column names recognised on their own, per canonical column (first found wins).
#: HDX COD-AB names first, then common Thai agency layers.
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "tambon_code": ("ADM3_PCODE", "tambon_code", "TAM_CODE", "TB_CODE", "T_CODE", "TAMBON_ID",
                    "SUBDIST_CODE", "subdistrict_code", "TB_IDN"),
    "tambon_th": ("ADM3_TH", "tambon_th", "TAM_NAMT", "TB_TN", "T_NAME_T", "TAMBON_T"),
    "tambon_en": ("ADM3_EN", "tambon_en", "TAM_NAMEE", "TB_EN", "T_NAME_E", "TAMBON_E"),
    "amphoe_code": ("ADM2_PCODE", "amphoe_code", "AMP_CODE", "AP_CODE", "A_CODE", "AMPHOE_ID",
                    "DIST_CODE", "district_code", "AP_IDN"),
    "amphoe_th": ("ADM2_TH", "amphoe_th", "AMP_NAMT", "AP_TN", "A_NAME_T", "AMPHOE_T"),
    "amphoe_en": ("ADM2_EN", "amphoe_en", "AMP_NAMEE", "AP_EN", "A_NAME_E", "AMPHOE_E"),
    "changwat_code": ("ADM1_PCODE", "changwat_code", "PROV_CODE", "PV_CODE", "P_CODE",
                      "CHANGWAT_ID", "province_code", "PV_IDN"),
    "changwat_th": ("ADM1_TH", "changwat_th", "PROV_NAMT", "PV_TN", "P_NAME_T", "PROV_NAM_T"),
    "changwat_en": ("ADM1_EN", "changwat_en", "PROV_NAMEE", "PV_EN", "P_NAME_E", "PROV_NAM_E"),
}  # fmt: skip

#: Thailand's extent in EPSG:4326 (lon/lat), with a margin of about 0.5°.
THAILAND_BOUNDS = (97.0, 5.0, 106.2, 21.0)


class BoundaryWarning(UserWarning):
    """An assumption was made while loading boundaries (e.g. a missing CRS was guessed)."""


@dataclass
class LoadReport:
    """What :func:`load_boundaries` found and did while reading a layer.

    Attributes
    ----------
    source : str
        The file read (or ``"<GeoDataFrame>"``).
    level : str
        ``"tambon"``, ``"amphoe"`` or ``"changwat"``.
    features_read : int
        Rows in the source.
    rows : int
        Rows returned (after merging duplicate codes).
    encoding : str or None
        Text encoding used for a shapefile's DBF, and how it was chosen (``encoding_from``).
    crs : str or None
        The source CRS (``crs_from`` says whether it was read, given or assumed).
    repaired : list of str
        Codes whose invalid geometry was repaired with ``shapely.make_valid``.
    empty : list of str
        Codes with an empty or missing geometry (kept, with an empty geometry).
    merged : dict
        Code -> number of rows merged into one (pieces of one area in several rows).
    hierarchy_mismatch : list of str
        Codes whose parent code column disagrees with the code's own prefix.
    not_in_gazetteer : list of str
        Codes unknown to the gazetteer in force (names kept from the layer).
    abolished : dict
        Of those, codes the gazetteer lists as abolished -> their successors.
    missing_from_layer : list of str
        Gazetteer codes of this level that the layer does not have (a newer split, say).
    unreadable : list of str
        Features of the file that could not be read (a truncated or damaged file), by code, or
        ``"feature N"`` (1-based) when even the code is lost. A load with unreadable features
        is refused unless ``allow_partial=True``; then they are left out of the result.
    """

    source: str
    level: str
    features_read: int = 0
    rows: int = 0
    encoding: str | None = None
    encoding_from: str | None = None
    crs: str | None = None
    crs_from: str | None = None
    repaired: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    merged: dict[str, int] = field(default_factory=dict)
    hierarchy_mismatch: list[str] = field(default_factory=list)
    not_in_gazetteer: list[str] = field(default_factory=list)
    abolished: dict[str, list[str]] = field(default_factory=dict)
    missing_from_layer: list[str] = field(default_factory=list)
    outside_thailand: list[str] = field(default_factory=list)
    non_polygonal: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    from_cache: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a plain dict (JSON-serialisable)."""
        return asdict(self)

    def summary_lines(self) -> list[str]:
        """Return the report as short human-readable lines."""
        lines = [
            f"{self.rows:,} {self.level} areas from {self.features_read:,} features of "
            f"{self.source}",
            f"encoding: {self.encoding or 'n/a'} ({self.encoding_from or 'n/a'}); "
            f"CRS: {self.crs or 'n/a'} ({self.crs_from or 'n/a'})",
        ]
        for label, items in (
            ("unreadable features left out (damaged file)", self.unreadable),
            ("repaired invalid geometries", self.repaired),
            ("empty geometries", self.empty),
            ("merged duplicate codes", list(self.merged)),
            ("parent code disagrees with the code", self.hierarchy_mismatch),
            ("codes not in the gazetteer", self.not_in_gazetteer),
            ("gazetteer codes missing from the layer", self.missing_from_layer),
        ):
            if items:
                shown = ", ".join(items[:8]) + (" ..." if len(items) > 8 else "")
                lines.append(f"{label}: {len(items)} ({shown})")
        for code, successors in self.abolished.items():
            lines.append(f"abolished code {code} -> now {' '.join(successors) or '(no successor)'}")
        return lines

    def __repr__(self) -> str:
        return "LoadReport(\n  " + "\n  ".join(self.summary_lines()) + "\n)"

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.summary_lines())
        return f"<b>LoadReport</b><ul>{items}</ul>"


def load_report(gdf: pd.DataFrame) -> LoadReport:
    """Return the :class:`LoadReport` of a frame returned by :func:`load_boundaries`.

    Deprecated since 0.2, and goes in the next release: it reads ``attrs["load_report"]``,
    which pandas drops or copies at will. Call
    :func:`~tambon_gis.boundaries.load_boundaries_with_report`, which returns the layer and
    its report.

    Parameters
    ----------
    gdf : GeoDataFrame
        A result of :func:`load_boundaries` (or a slice or copy of one).

    Returns
    -------
    LoadReport

    Raises
    ------
    SchemaError
        When the frame did not come from :func:`load_boundaries`.

    Warns
    -----
    FutureWarning
        Always: call ``load_boundaries_with_report(source)`` instead.

    Examples
    --------
    >>> import tambon_gis as tg
    >>> tg.boundaries.load_report(tambons).rows  # doctest: +SKIP
    7425
    """
    warn_deprecated(
        "tambon_gis.boundaries.load_report(gdf)",
        "tambon_gis.boundaries.load_boundaries_with_report(source, ...), which returns "
        "(layer, LoadReport)",
    )
    data = gdf.attrs.get("load_report")
    if data is None:
        raise SchemaError(
            "this frame has no load report: it was not returned by load_boundaries (or its "
            "attrs were dropped). Load it with tambon_gis.load_boundaries"
        )
    if isinstance(data, LoadReport):
        return data
    known = set(LoadReport.__dataclass_fields__)
    return LoadReport(**{k: v for k, v in data.items() if k in known})
