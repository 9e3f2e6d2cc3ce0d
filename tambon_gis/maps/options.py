"""The keywords every map builder shares: the options, the layer checked, its level, tiles.

One place for what ``choropleth``, ``categorical`` and ``timeslider`` (and
:mod:`tambon_gis.static`) accept the same way: the presentation options (:class:`MapOptions`,
merged with a builder's explicit keywords by :func:`resolve_options`), the GeoDataFrame
(:func:`check_gdf`), the administrative level of its rows (:func:`level_of`), the name columns
of a language, the ``tooltip=``/``popup=`` column lists (:func:`columns_arg`), ``basemap=``
(:data:`BASEMAPS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np

from tambon_gis._deprecation import UNSET, _Unset
from tambon_gis._errors import SchemaError, ValidationError

#: Basemaps by name: ``None`` (no tiles, for offline use) or one of these keys.
BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {
        "name": "OpenStreetMap",
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "&copy; OpenStreetMap contributors",
        "max_zoom": 19,
    },
    "positron": {
        "name": "CARTO Positron",
        "url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attribution": "&copy; OpenStreetMap contributors &copy; CARTO",
        "max_zoom": 20,
    },
    "satellite": {
        "name": "Esri World Imagery",
        "url": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/"
        "tile/{z}/{y}/{x}",
        "attribution": "Tiles &copy; Esri",
        "max_zoom": 19,
    },
}


LEVELS = ("tambon", "amphoe", "changwat", "region")

#: Languages of the maps' texts.
LANGS = ("th", "en")

#: Levels whose borders ``outlines=`` can draw over the fill.
OUTLINE_LEVELS = ("amphoe", "changwat", "region")


#: The type of :data:`UNSET` (the package's one "not given"), for annotations
#: (``lang: str | Unset = UNSET``): a builder's keyword left out takes the option's value.
Unset = Literal[_Unset.UNSET]


def _as_tuple(value: Any) -> Any:
    """Return a sequence (not a str, bool or None) as a tuple, so options stay immutable."""
    if value is None or isinstance(value, (str, bool, gpd.GeoDataFrame)):
        return value
    if isinstance(value, Sequence) or hasattr(value, "__iter__"):
        return tuple(value)
    return value


@dataclass(frozen=True, kw_only=True, repr=False)
class MapOptions:
    """The presentation of a map, shared by the interactive and the static builders.

    One value holds what :func:`~tambon_gis.maps.choropleth`,
    :func:`~tambon_gis.maps.categorical`, :func:`~tambon_gis.maps.timeslider`,
    :func:`tambon_gis.static.plot_map` and :func:`tambon_gis.static.small_multiples` (and the
    map functions of :mod:`tambon_gis.selection`, :mod:`tambon_gis.monitoring` and
    :mod:`tambon_gis.plans`) show the same way; pass it as ``options=``. A builder's explicit
    keyword of the same name wins over the options (:meth:`merged`). An option a medium cannot
    show is ignored by it: a PNG has no search box, tiles, tooltips or place labels.

    Attributes
    ----------
    lang : {"th", "en"}, default "th"
        Language of the names, legend, controls and built-in texts (north arrow, units).
    title : str, optional
        Title over the map (a small-multiples figure: over the panels).
    legend_title : str, optional
        Title of the legend. Default: the column name; for a map of several columns, the
        ``title`` or else the first step's label (a time slider), none (small multiples).
    nodata_label : str, optional
        Legend text of missing values (default ``ไม่มีข้อมูล`` / ``No data``).
    outlines : sequence of str or None, default ("amphoe", "changwat")
        Borders drawn over the fill, among ``"amphoe"``, ``"changwat"`` and ``"region"``
        (the static maps draw amphoe and changwat borders); ``None`` or ``()`` for none.
    labels : bool, default True
        Place names at suitable zooms (changwat from zoom 7, amphoe 9, tambon 11).
    search : bool, default True
        A box that finds a row by Thai or English name.
    basemap : str, sequence of str or None, default None
        ``None`` draws no tiles (works offline); else keys of :data:`BASEMAPS`.
    tooltip : sequence of str, str or bool, optional
        Extra columns shown on hover, after the names and the mapped value; ``None`` or
        ``True`` for the names and value only, ``False`` for no tooltip.
    popup : sequence of str, str or bool, optional
        Columns shown in a popup on click; ``None`` or ``False`` for none.
    dates : {"iso", "be"}, default "iso"
        Date format of tooltips and popups (``"be"``: Buddhist Era).
    tolerance : float or "auto", default "auto"
        Simplification tolerance in degrees (:func:`tambon_gis.webgeom.auto_tolerance`).
    context : "auto", bool or GeoDataFrame, default "auto"
        Draw the country around the areas (land, changwat and amphoe borders, the other
        tambons of their changwats muted; :func:`~tambon_gis.maps.context_layers`).
        ``"auto"`` draws it when the layer is a set of areas (fewer than 3,000 tambons), not
        the whole country; ``True`` always, ``False`` never; a GeoDataFrame gives the
        national tambon boundaries to draw it from (default:
        :func:`tambon_gis.load_boundaries`).
    symbols : "auto" or bool, default "auto"
        A circle in the area's colour at its representative point where the polygon is too
        small to see, so small areas stay visible. ``"auto"``: for the areas of interest
        (the highlighted rows, else those with a value) when there are at most 3,000 of them
        and the map shows more than them (other rows or the country around).
    credit : str or None, default "auto"
        Source line on the map: ``"auto"`` the boundaries' source and vintage in ``lang``
        (:func:`~tambon_gis.maps.credit`), another text as given, ``None`` no line.

    Examples
    --------
    >>> opts = MapOptions(lang="en", title="Households", outlines=("changwat",))
    >>> opts
    MapOptions(lang='en', title='Households', outlines=('changwat',))
    >>> opts.merged(title="Farm households").title
    'Farm households'
    >>> MapOptions(lang="fr")
    Traceback (most recent call last):
    ...
    tambon_gis._errors.ValidationError: lang='fr' is not supported; use 'th' or 'en'
    """

    lang: str = "th"
    title: str | None = None
    legend_title: str | None = None
    nodata_label: str | None = None
    outlines: Sequence[str] | None = ("amphoe", "changwat")
    labels: bool = True
    search: bool = True
    basemap: str | Sequence[str] | None = None
    tooltip: Sequence[str] | str | bool | None = None
    popup: Sequence[str] | str | bool | None = None
    dates: str = "iso"
    tolerance: float | str = "auto"
    context: Any = "auto"
    symbols: str | bool = "auto"
    credit: str | None = "auto"

    def __post_init__(self) -> None:
        for name in ("outlines", "basemap", "tooltip", "popup"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        for name in ("labels", "search", "symbols"):
            if isinstance(getattr(self, name), np.bool_):
                object.__setattr__(self, name, bool(getattr(self, name)))
        problems = []
        if self.lang not in LANGS:
            problems.append(f"lang={self.lang!r} is not supported; use 'th' or 'en'")
        if self.dates not in ("iso", "be"):
            problems.append(f"dates={self.dates!r} is not supported; use 'iso' or 'be'")
        if isinstance(self.outlines, str):
            problems.append(
                f"outlines={self.outlines!r} is one string; pass a sequence such as "
                f"({self.outlines!r},)"
            )
        else:
            bad = [o for o in self.outlines or () if o not in OUTLINE_LEVELS]
            if bad:
                problems.append(
                    f"outlines={bad} not supported; use any of {OUTLINE_LEVELS}"
                )
        problems += [
            f"{name}={getattr(self, name)!r} is not supported; use True or False"
            for name in ("labels", "search") if not isinstance(getattr(self, name), bool)
        ]
        if not (self.symbols == "auto" or isinstance(self.symbols, bool)):
            problems.append(f"symbols={self.symbols!r} is not supported; use 'auto', True or False")
        if not (self.tolerance == "auto" or (isinstance(self.tolerance, (int, float))
                                             and not isinstance(self.tolerance, bool))):
            problems.append(
                f"tolerance={self.tolerance!r} is not supported; use 'auto' or a number of "
                "degrees such as 0.001"
            )
        if problems:
            raise ValidationError("; ".join(problems))

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if _is_default(value, f.default):
                continue
            text = (f"<GeoDataFrame of {len(value):,} rows>" if isinstance(value, gpd.GeoDataFrame)
                    else repr(value))
            shown.append(f"{f.name}={text}")
        return f"MapOptions({', '.join(shown)})"

    def merged(self, **overrides: Any) -> MapOptions:
        """Return these options with the keywords passed (not :data:`UNSET`) replacing theirs.

        Parameters
        ----------
        **overrides
            Fields of :class:`MapOptions`; a value of :data:`UNSET` keeps the option's.

        Returns
        -------
        MapOptions
            A new value (options are immutable).

        Raises
        ------
        ValidationError
            When a keyword is not a field, or a value is not valid.

        Examples
        --------
        >>> MapOptions(title="a", lang="en").merged(title="b", lang=UNSET)
        MapOptions(lang='en', title='b')
        """
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValidationError(
                f"{unknown} are not map options; the options are {sorted(names)}"
            )
        changes = {k: v for k, v in overrides.items() if v is not UNSET}
        return dataclasses.replace(self, **changes) if changes else self

    def filled(self, **choices: Any) -> MapOptions:
        """Return these options with each field still at its default set to ``choices``.

        The map functions of :mod:`tambon_gis.selection`, :mod:`tambon_gis.monitoring` and
        :mod:`tambon_gis.plans` make their own choices (a title, the legend title, the
        tooltip columns); a field the caller set, as a keyword or in ``options=``, wins.

        Examples
        --------
        >>> MapOptions(title="Mine").filled(title="Theirs", legend_title="Score")
        MapOptions(title='Mine', legend_title='Score')
        """
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        unknown = sorted(set(choices) - set(defaults))
        if unknown:
            raise ValidationError(
                f"{unknown} are not map options; the options are {sorted(defaults)}"
            )
        changes = {
            k: v for k, v in choices.items()
            if _is_default(getattr(self, k), defaults[k])
        }  # fmt: skip
        return dataclasses.replace(self, **changes) if changes else self


def _is_default(value: Any, default: Any) -> bool:
    """Return whether an option holds its default (a GeoDataFrame never does)."""
    if isinstance(value, gpd.GeoDataFrame):
        return False
    return bool(value is default or value == default)


def resolve_options(
    options: MapOptions | None, *, fn: str, none_unset: bool = False, **overrides: Any
) -> MapOptions:
    """Return ``options`` (default :class:`MapOptions`) with a builder's explicit keywords.

    The one rule of every builder: an explicit keyword (not :data:`UNSET`) beats the option
    of the same name, which beats the default of :class:`MapOptions`. With ``none_unset``
    a keyword of ``None`` is not given either (the map functions of the selection,
    monitoring and plans, whose modules do not load the maps until used). Errors name
    ``fn``.
    """
    if none_unset:
        overrides = {k: UNSET if v is None else v for k, v in overrides.items()}
    if options is None:
        options = MapOptions()
    elif not isinstance(options, MapOptions):
        raise TypeError(
            f"{fn}(): options= must be a tambon_gis.maps.MapOptions, got "
            f"{type(options).__name__}; build one with MapOptions(title=..., lang=...) or pass "
            "the keywords themselves"
        )
    try:
        return options.merged(**overrides)
    except ValidationError as exc:
        raise ValidationError(f"{fn}(): {exc}") from None


def wants_symbols(symbols: str | bool, *, marked: int, rows: int, context: bool) -> bool:
    """Return whether to draw the symbols of ``marked`` areas of a layer of ``rows`` rows.

    The rule of ``symbols=`` (:class:`MapOptions`), the same on the web and on paper.
    """
    if symbols == "auto":
        return marked <= 3000 and (marked < rows or context)
    return bool(symbols)


def level_of(gdf: gpd.GeoDataFrame) -> str | None:
    """Return the finest level with a ``*_code`` column in ``gdf`` (None if none)."""
    for level in LEVELS:
        if f"{level}_code" in gdf.columns:
            return level
    return None


def check_gdf(gdf: Any, column: str | Sequence[str] | None, *, fn: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` if it is a non-empty GeoDataFrame with ``column``; raise otherwise."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"{fn}() needs a GeoDataFrame as first argument, got {type(gdf).__name__}; load one "
            "with tambon_gis.load_boundaries() and join your table with "
            "tambon_gis.join_attributes()"
        )
    columns = [column] if isinstance(column, str) else list(column or [])
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise SchemaError(
            f"{fn}(): column(s) {missing} not in the GeoDataFrame; available columns: "
            f"{[c for c in gdf.columns if c != gdf.geometry.name]}"
        )
    if len(gdf) == 0:
        raise ValidationError(f"{fn}(): the GeoDataFrame is empty; there is nothing to map")
    return gdf


def name_columns(gdf: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Return the name column of each level, in ``lang`` if present, else the other."""
    names = {}
    for level in LEVELS:
        for suffix in (lang, "en" if lang == "th" else "th"):
            col = f"{level}_{suffix}"
            if col in gdf.columns:
                names[level] = col
                break
    return names


def columns_arg(value: Any, *, name: str, gdf: gpd.GeoDataFrame, fn: str) -> list[str] | None:
    """Return the columns of a ``tooltip=``/``popup=`` keyword (None: the default)."""
    # The same in every builder: None or True is the default, False none, else column names.
    if value is True and name == "tooltip":
        return None
    if value is True:
        raise ValidationError(
            f"{fn}(): {name}=True does not say what to show: pass the columns, e.g. "
            f"{name}=['{next((c for c in gdf.columns if c != gdf.geometry.name), 'COLUMN')}']"
        )
    if value is None or value is False:
        return None if value is None else []
    if isinstance(value, str):
        value = [value]
    value = list(value)
    missing = [c for c in value if c not in gdf.columns]
    if missing:
        raise SchemaError(
            f"{fn}(): {name}={missing} are not columns of the GeoDataFrame; available: "
            f"{[c for c in gdf.columns if c != gdf.geometry.name]}"
        )
    return value


def basemap_specs(basemap: str | Sequence[str] | None) -> list[dict[str, Any]]:
    """Return the tile layers of ``basemap=`` (none for None)."""
    if basemap is None or basemap is False:
        return []
    names = [basemap] if isinstance(basemap, str) else list(basemap)
    out = []
    for name in names:
        key = str(name).lower()
        if key in ("none", ""):
            continue
        if key not in BASEMAPS:
            raise ValidationError(
                f"basemap={name!r} is not known; use None (no tiles, works offline) or one of "
                f"{sorted(BASEMAPS)}"
            )
        out.append(dict(BASEMAPS[key]))
    return out
