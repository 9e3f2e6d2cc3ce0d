"""Texts of a map in Thai and English, value formatting for tooltips, and the credit line.

:func:`format_value` writes numbers with thousands separators and dates as ISO or in the
Buddhist Era (``12 มี.ค. 2568``); :func:`credit` is the source and vintage of the boundaries
shown on every map. ``TEXT`` holds the words of the controls and legends, by language.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis import datasets
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger

log = get_logger(__name__)


TEXT = {
    "th": {
        "tambon": "ตำบล",
        "amphoe": "อำเภอ",
        "changwat": "จังหวัด",
        "region": "ภาค",
        "nodata": "ไม่มีข้อมูล",
        "search": "ค้นหาตำบล (ไทย / English)",
        "not_found": "ไม่พบ",
        "fullscreen": "เต็มจอ",
        "no_basemap": "ไม่มีแผนที่ฐาน",
        "slider": "เลือกช่วงเวลา",
        "highlight": "ตำบลที่เน้น",
        "highlight_how": "เส้นขอบแดง",
        "highlight_dots": "เป็นจุดเมื่อย่อแผนที่",
        "highlight_dots_print": "จุดแทนพื้นที่ที่เล็กเกินมองเห็น",
        "outline_amphoe": "เขตอำเภอ",
        "outline_changwat": "เขตจังหวัด",
        "outline_region": "เขตภาค",
        "blank": "(ว่าง)",
        "context": "ภูมิศาสตร์โดยรอบ",
        "symbols": "สัญลักษณ์พื้นที่ขนาดเล็ก",
    },
    "en": {
        "tambon": "Tambon",
        "amphoe": "District",
        "changwat": "Province",
        "region": "Region",
        "nodata": "No data",
        "search": "Search tambon (Thai / English)",
        "not_found": "Not found",
        "fullscreen": "Full screen",
        "no_basemap": "No basemap",
        "slider": "Choose the period",
        "highlight": "Highlighted tambons",
        "highlight_how": "red outline",
        "highlight_dots": "a dot when zoomed out",
        "highlight_dots_print": "a dot where too small to see",
        "outline_amphoe": "District borders",
        "outline_changwat": "Province borders",
        "outline_region": "Region borders",
        "blank": "(blank)",
        "context": "Surrounding geography",
        "symbols": "Symbols of small areas",
    },
}


_THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)


_CREDIT = {
    "th": "ขอบเขตการปกครอง: {attribution} (ข้อมูล ณ {vintage})",
    "en": "Boundaries: {attribution} (as of {vintage})",
}


def format_value(
    value: Any, *, dates: str = "iso", lang: str = "th", decimals: int = 2
) -> str | None:
    """Format one value for a tooltip or popup.

    Numbers get thousands separators (at most ``decimals`` decimals, trailing zeros dropped);
    dates are ISO (``2025-03-12``) or Buddhist-Era (``12 มี.ค. 2568``); missing values are
    ``None``.

    Parameters
    ----------
    value : Any
        The value.
    dates : {"iso", "be"}, default "iso"
        How dates and timestamps are written.
    lang : {"th", "en"}, default "th"
        Language of Buddhist-Era month names (``"en"`` writes ``12 Mar 2568 BE``).
    decimals : int, default 2
        Largest number of decimals of a float.

    Returns
    -------
    str or None
        The text, or ``None`` for a missing value.

    Examples
    --------
    >>> format_value(1234567)
    '1,234,567'
    >>> format_value(0.12345)
    '0.12'
    >>> format_value(pd.Timestamp("2025-03-12"), dates="be")
    '12 มี.ค. 2568'
    >>> format_value(float("nan")) is None
    True
    """
    if dates not in ("iso", "be"):
        raise ValidationError(f"dates={dates!r} is not supported; use 'iso' or 'be'")
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return ("ใช่" if value else "ไม่ใช่") if lang == "th" else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        text = f"{value:,.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (dt.date, pd.Timestamp)):
        ts = pd.Timestamp(value)
        if dates == "be":
            month = _THAI_MONTHS[ts.month - 1] if lang == "th" else ts.strftime("%b")
            suffix = "" if lang == "th" else " BE"
            return f"{ts.day} {month} {ts.year + 543}{suffix}"
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def formatted(series: pd.Series, *, dates: str, lang: str) -> list[str | None]:
    """Return :func:`format_value` of each value of ``series``."""
    return [format_value(v, dates=dates, lang=lang) for v in series.tolist()]


def credit(*, lang: str = "th", source: str | None = None) -> str:
    """Return the credit line (source and vintage of the boundaries) shown on every map.

    Parameters
    ----------
    lang : {"th", "en"}, default "th"
        Language of the line.
    source : str, optional
        A credit of your own (e.g. for other boundaries); it is returned as given.

    Returns
    -------
    str
        Plain text (escape it before putting it in HTML).

    Examples
    --------
    >>> line = credit(lang="en")
    >>> line.startswith("Boundaries:") and "2022" in line and "CC BY-IGO" in line
    True
    """
    if source is not None:
        return str(source)
    attribution, vintage = "HDX COD-AB Thailand (RTSD), CC BY-IGO", "2022-01-21"
    try:
        src = datasets.get_source()
        if src.attribution:
            attribution = src.attribution + (f", {src.license}" if src.license else "")
        vintage = src.vintage or vintage
    except Exception:  # the registry is optional here; the default is right
        log.debug("no dataset registry entry; using the default credit")
    return _CREDIT["en" if lang == "en" else "th"].format(attribution=attribution,
                                                         vintage=vintage)


def credit_line(option: str | None, *, lang: str) -> str:
    """Return the credit line of ``credit=`` (:class:`~tambon_gis.maps.MapOptions`).

    ``"auto"`` is :func:`credit` in ``lang``, ``None`` (or ``""``) no line, any other text
    itself: the same on the web maps and on paper.

    Examples
    --------
    >>> credit_line("Survey 2567", lang="th")
    'Survey 2567'
    >>> credit_line(None, lang="en")
    ''
    """
    if not option:
        return ""
    return credit(lang=lang, source=None if option == "auto" else str(option))
