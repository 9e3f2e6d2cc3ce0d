"""Classification of values into coloured classes, and the legends that show them.

Whether a column is numeric or categorical is one rule, :func:`infer_kind` (``kind="auto"``
of every builder that takes ``kind=``). Numeric columns are classed with :mod:`mapclassify`
(:data:`SCHEMES`, or user-defined bounds: :func:`classify_values`) and coloured from a
matplotlib colormap; categorical columns get one colour per category. The legends list each
class with its count and a "no data" row. :mod:`tambon_gis.static` and the selection maps use
the same classes, so a PNG, a web map and a selection map of the same values agree.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis.maps.text import format_value

#: Classification schemes of :func:`choropleth` (names of :func:`mapclassify.classify`).
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user_defined")


#: Fill colour of rows with no value.
NODATA_COLOR = "#ffffff"
#: The outline of highlighted areas (and the ring of their dots), on the web and on paper.
HIGHLIGHT_COLOR = "#e31a1c"

#: The values of ``kind=``: how a column is coloured.
KINDS = ("auto", "numeric", "categorical")


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def infer_kind(values: pd.Series) -> str:
    """Return how a column is best coloured: ``"numeric"`` (classed) or ``"categorical"``.

    The rule, the same for every map (``kind="auto"``):

    * **categorical**: booleans (also text or objects holding only ``True``/``False``), a
      pandas ``Categorical`` (the way to say "these numbers are codes"), dates, code-like text
      (digits with a leading zero, such as ``"01"``, that a number would lose) and any text
      that is not all numbers;
    * **numeric**: a number dtype, or text in which every non-blank value converts to a number
      (``"1,200"`` does not: strip the separators first). A column with no value at all is
      numeric, so the builder says that nothing is there to map.

    Parameters
    ----------
    values : pandas.Series
        The column (for several steps, the steps stacked together).

    Returns
    -------
    str
        ``"numeric"`` or ``"categorical"``.

    Examples
    --------
    >>> infer_kind(pd.Series([1.5, None, 3]))
    'numeric'
    >>> infer_kind(pd.Series(["12", " 7.5", None, ""]))  # numbers stored as text
    'numeric'
    >>> infer_kind(pd.Series(["พอช.", "ร่วม"]))
    'categorical'
    >>> infer_kind(pd.Series([True, False, None]))
    'categorical'
    >>> infer_kind(pd.Series(["01", "02", "10"]))  # codes: the zero matters
    'categorical'
    >>> infer_kind(pd.Series([1, 2, 3]).astype("category"))
    'categorical'
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    present = values[values.notna()]
    if len(present) and all(_is_bool(v) for v in present):
        return "categorical"
    if len(present) and all(isinstance(v, (dt.date, dt.time, pd.Timestamp)) for v in present):
        return "categorical"
    text = present.astype(str).str.strip()
    text = text[text != ""]
    if text.str.lower().isin(["true", "false"]).all() and len(text):
        return "categorical"
    if text.str.fullmatch(r"0\d+").any():
        return "categorical"
    converted = pd.to_numeric(text, errors="coerce")
    return "numeric" if bool(converted.notna().all()) else "categorical"


def check_kind(kind: str, *, fn: str) -> str:
    """Return ``kind`` if it is one of :data:`KINDS`; raise a :class:`ValidationError` if not."""
    if kind not in KINDS:
        raise ValidationError(
            f"{fn}(): kind={kind!r} is not supported; use one of {KINDS} ('auto' decides by "
            "the values: maps.infer_kind)"
        )
    return kind


def resolve_kind(kind: str, values: pd.Series, *, fn: str) -> str:
    """Return ``"numeric"`` or ``"categorical"``: ``kind`` checked, ``"auto"`` inferred."""
    kind = check_kind(kind, fn=fn)
    return infer_kind(values) if kind == "auto" else kind


def palette_colors(cmap: str | Sequence[str], n: int) -> list[str]:
    """Return ``n`` colours from a colormap name or a list of colours."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if not isinstance(cmap, str):
        colors = [to_hex(c) for c in cmap]
        if len(colors) < n:
            raise ValidationError(
                f"cmap has {len(colors)} colours for {n} classes; give at least {n} colours "
                "or a matplotlib colormap name such as 'YlGnBu'"
            )
        return colors[:n]
    try:
        cm = colormaps[cmap]
    except KeyError:
        raise ValidationError(
            f"cmap={cmap!r} is not a matplotlib colormap; try 'YlGnBu', 'OrRd', 'viridis' or a "
            "list of colours"
        ) from None
    if n == 1:
        return [to_hex(cm(0.6))]
    return [to_hex(cm(0.15 + 0.85 * i / (n - 1))) for i in range(n)]


def classify_values(
    values: pd.Series, *, scheme: str, k: int, bins: Sequence[float] | None
) -> tuple[np.ndarray, list[float], float]:
    """Class index per value (-1 for missing), the upper bounds, and the minimum."""
    import mapclassify

    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    arr = numeric.to_numpy(dtype="float64", na_value=np.nan)
    ok = np.isfinite(arr)
    if not ok.any():
        raise ValidationError(
            "every value of the column is missing or not a number; check the join "
            "(tambon_gis.join_attributes) or map it with maps.categorical()"
        )
    y = arr[ok]
    if bins is not None:
        scheme = "user_defined"
    if scheme not in SCHEMES:
        raise ValidationError(f"scheme={scheme!r} is not supported; use one of {SCHEMES}")
    if scheme == "user_defined":
        if bins is None:
            raise ValidationError("scheme='user_defined' needs bins=[...] (upper class bounds)")
        edges = sorted(float(b) for b in bins)
        if edges[-1] < y.max():
            edges.append(float(y.max()))
        cls = np.searchsorted(np.asarray(edges), y, side="left")
    else:
        n_unique = len(np.unique(y))
        k_eff = max(1, min(int(k), n_unique))
        if k_eff == 1:
            edges, cls = [float(y.max())], np.zeros(len(y), dtype=int)
        else:
            with warnings.catch_warnings():
                # mapclassify lowers k itself when quantiles repeat; the legend shows the result
                warnings.filterwarnings("ignore", message="Not enough unique values")
                result = mapclassify.classify(y, scheme, k=k_eff)
            edges, cls = [float(b) for b in result.bins], np.asarray(result.yb)
    out = np.full(len(arr), -1, dtype=int)
    out[ok] = cls
    return out, edges, float(y.min())


def legend_numeric(
    title: str, edges: Sequence[float], vmin: float, colors: Sequence[str], counts: Sequence[int],
    *, nodata: int, nodata_label: str,
) -> str:
    """Return the legend HTML of numeric classes: value ranges, counts, no data."""
    rows = []
    lower = vmin
    for edge, color, count in zip(edges, colors, counts, strict=True):
        label = f"{format_value(lower)} – {format_value(edge)}"
        rows.append(_legend_row(color, label, count))
        lower = edge
    if nodata:
        rows.append(_legend_row(None, nodata_label, nodata))
    return f"<div class='tg-legend-title'>{html.escape(title)}</div>" + "".join(rows)


def legend_highlight_row(label: str, count: int, *, dots: bool, text: dict[str, str]) -> str:
    """Return the legend row of the highlighted areas: red outline, and a dot when zoomed out.

    Examples
    --------
    >>> from tambon_gis.maps.text import TEXT
    >>> row = legend_highlight_row("ตำบลที่เลือก", 23, dots=True, text=TEXT["th"])
    >>> "ตำบลที่เลือก (เส้นขอบแดง; เป็นจุดเมื่อย่อแผนที่)" in row and ">23<" in row
    True
    """
    how = text["highlight_how"] + (f"; {text['highlight_dots']}" if dots else "")
    swatches = "<span class='tg-swatch tg-ring'></span>" + (
        "<span class='tg-swatch tg-dot'></span>" if dots else ""
    )
    return (
        f"<div class='tg-row tg-highlight-row'>{swatches}<span class='tg-label-text'>"
        f"{html.escape(label)} ({html.escape(how)})</span><span class='tg-count'>{count:,}"
        "</span></div>"
    )


def _legend_row(color: str | None, label: str, count: int) -> str:
    swatch = (
        "<span class='tg-swatch tg-nodata'></span>"
        if color is None
        else f"<span class='tg-swatch' style='background:{html.escape(color)}'></span>"
    )
    return (
        f"<div class='tg-row'>{swatch}<span class='tg-label-text'>{html.escape(label)}</span>"
        f"<span class='tg-count'>{count:,}</span></div>"
    )


def categories_of(
    series_list: Sequence[pd.Series], categories: Sequence[Any] | None
) -> list[Any]:
    """Return the categories in legend order: as given, a Categorical's, else sorted."""
    if categories is not None:
        return list(categories)
    seen: list[Any] = []
    for s in series_list:
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
        else:
            cats = sorted(pd.unique(s.dropna()).tolist(), key=lambda v: str(v))
        for c in cats:
            if c not in seen:
                seen.append(c)
    return seen


_QUALITATIVE = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
    "#b2df8a", "#fb9a99", "#cab2d6", "#ffff99",
)


def category_colors(
    cats: Sequence[Any], colors: Mapping[Any, str] | Sequence[str] | None
) -> list[str]:
    """Return one colour per category: the default palette, a mapping or a list."""
    from matplotlib.colors import to_hex

    if colors is None:
        if len(cats) > len(_QUALITATIVE):
            raise ValidationError(
                f"{len(cats)} categories but only {len(_QUALITATIVE)} default colours; pass "
                "colors={category: colour} or group rare categories together"
            )
        return list(_QUALITATIVE[: len(cats)])
    if isinstance(colors, Mapping):
        missing = [c for c in cats if c not in colors]
        if missing:
            raise ValidationError(
                f"colors has no colour for categories {missing}; add them to the colors mapping"
            )
        return [to_hex(colors[c]) for c in cats]
    colors = list(colors)
    if len(colors) < len(cats):
        raise ValidationError(
            f"{len(colors)} colours for {len(cats)} categories; give one per category"
        )
    return [to_hex(c) for c in colors[: len(cats)]]


def category_classes(series: pd.Series, cats: Sequence[Any], *, column: str) -> np.ndarray:
    """Return the category index of each value (-1 for missing); raise on unknown ones."""
    lookup = {c: i for i, c in enumerate(cats)}
    values = series.tolist()
    out = np.full(len(values), -1, dtype=int)
    unknown = set()
    for i, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if v in lookup:
            out[i] = lookup[v]
        else:
            unknown.add(v)
    if unknown:
        raise ValidationError(
            f"column {column!r} has values {sorted(map(str, unknown))[:10]} not in categories; "
            "add them to categories= or leave categories=None"
        )
    return out


def legend_categorical(
    title: str, cats: Sequence[Any], colors: Sequence[str], counts: Sequence[int],
    *, nodata: int, nodata_label: str,
) -> str:
    """Return the legend HTML of categories: colours, counts, no data."""
    rows = [_legend_row(c, str(cat), n) for cat, c, n in zip(cats, colors, counts, strict=True)]
    if nodata:
        rows.append(_legend_row(None, nodata_label, nodata))
    return f"<div class='tg-legend-title'>{html.escape(title)}</div>" + "".join(rows)
