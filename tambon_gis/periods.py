"""Thai fiscal years and quarters, Buddhist Era years, Thai month names and Thai digits.

The Thai government fiscal year runs from 1 October to 30 September and is named after the
Buddhist Era (BE, พ.ศ.) year in which it ends: fiscal year 2566 (ปีงบประมาณ 2566) is
1 October 2022 – 30 September 2023, and its first quarter (ไตรมาส 1) is October–December 2022.
BE = CE + 543.

:func:`parse_period` reads what people type in the partners' spreadsheets — ``"ไตรมาส 1/2566"``,
``"Q1 FY2566"``, ``"ต.ค. 2565"``, ``"ตุลาคม ๒๕๖๕"``, ``"2022-10-15"`` — into a :class:`Period`
with ``start`` and ``end`` dates, and refuses text that could mean two different things (for
example ``"1/2566"``: quarter 1 or January?) with a message that says what to write instead.

Examples
--------
>>> from tambon_gis.periods import parse_period
>>> p = parse_period("ไตรมาส 1/2566")
>>> p.start, p.end
(datetime.date(2022, 10, 1), datetime.date(2022, 12, 31))
>>> p.label_en
'Q1 FY2566'
>>> parse_period("ตุลาคม ๒๕๖๕").code
'2022-10'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from tambon_gis import settings
from tambon_gis._errors import PeriodError, excerpt
from tambon_gis._logging import get_logger

log = get_logger(__name__)

#: Years between the Buddhist Era (พ.ศ.) and the Common Era (ค.ศ.): BE = CE + 543.
BE_OFFSET = 543

#: Full Thai month names, January first.
THAI_MONTHS: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip

#: Official Thai month abbreviations, January first.
THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip

_EN_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

PeriodKind = Literal["day", "month", "quarter", "fiscal_year"]


def to_be(year: int) -> int:
    """Convert a Common Era year to the Buddhist Era.

    Parameters
    ----------
    year : int
        A CE (ค.ศ.) year.

    Returns
    -------
    int
        The BE (พ.ศ.) year, ``year + 543``.

    Examples
    --------
    >>> from tambon_gis.periods import to_be
    >>> to_be(2023)
    2566
    """
    return int(year) + BE_OFFSET


def to_ce(year: int) -> int:
    """Convert a Buddhist Era year to the Common Era.

    Parameters
    ----------
    year : int
        A BE (พ.ศ.) year.

    Returns
    -------
    int
        The CE (ค.ศ.) year, ``year - 543``.

    Examples
    --------
    >>> from tambon_gis.periods import to_ce
    >>> to_ce(2566)
    2023
    """
    return int(year) - BE_OFFSET


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with Arabic digits (0–9).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text with every Thai digit replaced.

    Examples
    --------
    >>> from tambon_gis.periods import to_arabic_digits
    >>> to_arabic_digits("ไตรมาส ๑/๒๕๖๖")
    'ไตรมาส 1/2566'
    """
    return str(text).translate(_TO_ARABIC)


def to_thai_digits(text: str | int) -> str:
    """Replace Arabic digits (0–9) with Thai digits (๐–๙).

    Parameters
    ----------
    text : str or int
        Any text or number.

    Returns
    -------
    str
        The text with every Arabic digit replaced.

    Examples
    --------
    >>> from tambon_gis.periods import to_thai_digits
    >>> to_thai_digits(2566)
    '๒๕๖๖'
    """
    return str(text).translate(_TO_THAI)


def fiscal_year(date: dt.date | str) -> int:
    """Return the Thai fiscal year (BE) a date falls in.

    Parameters
    ----------
    date : datetime.date, datetime.datetime or str
        A date; text is read with :func:`parse_period` and must name a single day.

    Returns
    -------
    int
        The BE fiscal year: dates from 1 October belong to the next year's budget.

    Examples
    --------
    >>> import datetime as dt
    >>> from tambon_gis.periods import fiscal_year
    >>> fiscal_year(dt.date(2022, 10, 1))
    2566
    >>> fiscal_year(dt.date(2022, 9, 30))
    2565
    """
    if isinstance(date, str):
        p = parse_period(date)
        if p.kind != "day":
            raise PeriodError(
                f"fiscal_year({date!r}): expected a single day, got a {p.kind.replace('_', ' ')} "
                f"({p.label_en}); pass a date such as '2022-10-15', or use parse_period(...)"
                ".fiscal_year"
            )
        date = p.start
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise PeriodError(
            f"fiscal_year({date!r}): expected a date, e.g. datetime.date(2022, 10, 1)"
        )
    _check_ce_date(date)
    return to_be(date.year + (1 if date.month >= 10 else 0))


@dataclass(frozen=True, order=True)
class Period:
    """A span of days with its Thai fiscal year: a day, a month, a fiscal quarter or year.

    Build one with :func:`parse_period`, :func:`quarter` or :func:`fiscal_year_period`.

    Attributes
    ----------
    start, end : datetime.date
        First and last day, both included.
    kind : {"day", "month", "quarter", "fiscal_year"}
        What the period is.
    fiscal_year : int
        The BE fiscal year the period falls in.
    quarter : int or None
        The fiscal quarter (1 = Oct–Dec) the period falls in; ``None`` for a fiscal year.

    Examples
    --------
    >>> from tambon_gis.periods import quarter
    >>> q = quarter(2566, 2)
    >>> q
    Period('ไตรมาส 2/2566', 2023-01-01 – 2023-03-31)
    >>> q.code, q.label_en
    ('2566Q2', 'Q2 FY2566')
    """

    start: dt.date
    end: dt.date
    kind: PeriodKind
    fiscal_year: int
    quarter: int | None

    @property
    def code(self) -> str:
        """Canonical text of the period; :func:`parse_period` reads it back."""
        if self.kind == "quarter":
            return f"{self.fiscal_year}Q{self.quarter}"
        if self.kind == "fiscal_year":
            return f"FY{self.fiscal_year}"
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def label(self) -> str:
        """Thai label: ``ไตรมาส 1/2566``, ``ปีงบประมาณ 2566``, ``ต.ค. 2565``, ``15 ต.ค. 2565``."""
        if self.kind == "quarter":
            return f"ไตรมาส {self.quarter}/{self.fiscal_year}"
        if self.kind == "fiscal_year":
            return f"ปีงบประมาณ {self.fiscal_year}"
        return format_thai_date(self.start, day=self.kind == "day")

    @property
    def label_en(self) -> str:
        """English label: ``Q1 FY2566``, ``FY2566``, ``Oct 2022``, ``2022-10-15``."""
        if self.kind == "quarter":
            return f"Q{self.quarter} FY{self.fiscal_year}"
        if self.kind == "fiscal_year":
            return f"FY{self.fiscal_year}"
        if self.kind == "month":
            return f"{_EN_MONTHS[self.start.month - 1][:3].title()} {self.start.year}"
        return self.start.isoformat()

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, dt.datetime):
            item = item.date()
        if isinstance(item, dt.date):
            return self.start <= item <= self.end
        return False

    def to_quarter(self) -> Period:
        """Return the fiscal quarter this period falls in.

        Examples
        --------
        >>> from tambon_gis.periods import parse_period
        >>> parse_period("2022-11-05").to_quarter().label
        'ไตรมาส 1/2566'
        """
        if self.kind == "fiscal_year":
            raise PeriodError(
                f"{self.label_en} spans four quarters: use .quarters() to get them"
            )
        return quarter(self.fiscal_year, int(self.quarter or 0))

    def quarters(self) -> list[Period]:
        """Return the fiscal quarters that this period covers, in order.

        Examples
        --------
        >>> from tambon_gis.periods import fiscal_year_period
        >>> [q.code for q in fiscal_year_period(2566).quarters()]
        ['2566Q1', '2566Q2', '2566Q3', '2566Q4']
        """
        if self.kind == "fiscal_year":
            return [quarter(self.fiscal_year, q) for q in range(1, 5)]
        return [self.to_quarter()]

    def __repr__(self) -> str:
        return f"Period({self.label!r}, {self.start.isoformat()} – {self.end.isoformat()})"


def quarter(fiscal_year: int, q: int) -> Period:
    """Return quarter ``q`` of a Thai fiscal year.

    Parameters
    ----------
    fiscal_year : int
        The BE fiscal year, e.g. 2566.
    q : int
        1 to 4; quarter 1 is October–December of the previous calendar year.

    Returns
    -------
    Period

    Examples
    --------
    >>> from tambon_gis.periods import quarter
    >>> quarter(2566, 4).end
    datetime.date(2023, 9, 30)
    """
    fy = _check_be_year(int(fiscal_year), "fiscal year")
    if q not in (1, 2, 3, 4):
        raise PeriodError(f"quarter {q!r} of FY{fy}: expected 1, 2, 3 or 4 (ไตรมาส 1 = ต.ค.–ธ.ค.)")
    first_month = 10 + 3 * (q - 1)
    year = to_ce(fy) - 1 + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    last_month = month + 2
    end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(start, end, "quarter", fy, q)


def fiscal_year_period(fiscal_year: int) -> Period:
    """Return a whole Thai fiscal year as a :class:`Period`.

    Parameters
    ----------
    fiscal_year : int
        The BE fiscal year, e.g. 2566.

    Returns
    -------
    Period
        1 October of the previous CE year to 30 September.

    Examples
    --------
    >>> from tambon_gis.periods import fiscal_year_period
    >>> p = fiscal_year_period(2566)
    >>> p.start, p.end
    (datetime.date(2022, 10, 1), datetime.date(2023, 9, 30))
    """
    fy = _check_be_year(int(fiscal_year), "fiscal year")
    ce = to_ce(fy)
    return Period(dt.date(ce - 1, 10, 1), dt.date(ce, 9, 30), "fiscal_year", fy, None)


def _month_period(year_ce: int, month: int) -> Period:
    start = dt.date(year_ce, month, 1)
    end = dt.date(year_ce, month, calendar.monthrange(year_ce, month)[1])
    fy = fiscal_year(start)
    return Period(start, end, "month", fy, _quarter_of_month(month))


def _check_ce_date(day: dt.date) -> None:
    """Refuse a date object whose year is a Buddhist Era year (date objects are CE)."""
    if day.year >= _MIN_BE:
        try:
            ce = f"datetime.date({day.year - BE_OFFSET}, {day.month}, {day.day})"
        except ValueError:
            ce = f"a date in {day.year - BE_OFFSET}"
        raise PeriodError(
            f"datetime.date({day.year}, {day.month}, {day.day}) has a Buddhist Era year: date "
            f"objects take Common Era years (BE {day.year} = CE {day.year - BE_OFFSET}); use "
            f"{ce}, or the text '{day.day}/{day.month}/{day.year}'"
        )


def _day_period(day: dt.date) -> Period:
    _check_ce_date(day)
    return Period(day, day, "day", fiscal_year(day), _quarter_of_month(day.month))


def _quarter_of_month(month: int) -> int:
    return ((month - 10) % 12) // 3 + 1


def format_thai_date(
    date: dt.date, *, day: bool = True, full: bool = False, thai_digits: bool = False
) -> str:
    """Format a date the Thai way, with a BE year.

    Parameters
    ----------
    date : datetime.date
        The date.
    day : bool
        Include the day of the month.
    full : bool
        Full month name (``ตุลาคม``) instead of the abbreviation (``ต.ค.``).
    thai_digits : bool
        Write the numbers in Thai digits.

    Returns
    -------
    str

    Examples
    --------
    >>> import datetime as dt
    >>> from tambon_gis.periods import format_thai_date
    >>> format_thai_date(dt.date(2022, 10, 15))
    '15 ต.ค. 2565'
    >>> format_thai_date(dt.date(2022, 10, 15), day=False, full=True, thai_digits=True)
    'ตุลาคม ๒๕๖๕'
    """
    month = (THAI_MONTHS if full else THAI_MONTHS_ABBR)[date.month - 1]
    text = f"{month} {to_be(date.year)}"
    if day:
        text = f"{date.day} {text}"
    return to_thai_digits(text) if thai_digits else text


# --------------------------------------------------------------------------- parsing

_MIN_BE, _MAX_BE = 2400, 2700


def _check_be_year(year: int, what: str) -> int:
    if not _MIN_BE <= year <= _MAX_BE:
        raise PeriodError(
            f"{what} {year} is out of range: expected a Buddhist Era year between {_MIN_BE} and "
            f"{_MAX_BE} (e.g. 2566), or a CE year between {_MIN_BE - BE_OFFSET} and "
            f"{_MAX_BE - BE_OFFSET}"
        )
    return year


def _abbr_pattern(abbr: str) -> str:
    # "มี.ค." -> r"มี\.?\s?ค\.?" so that "มี.ค.", "มีค", "มี.ค" and "มี. ค." all match.
    syllables = [part for part in abbr.split(".") if part]
    return r"\.?\s?".join(re.escape(part) for part in syllables) + r"\.?"


_THAI_MONTH_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(re.escape(name)), i + 1)
    for i, name in sorted(enumerate(THAI_MONTHS), key=lambda im: -len(im[1]))
] + [(re.compile(_abbr_pattern(a)), i + 1) for i, a in enumerate(THAI_MONTHS_ABBR)]
_EN_MONTH_RE = re.compile(
    r"(?<![a-z])("
    + "|".join(sorted({*_EN_MONTHS, *(m[:3] for m in _EN_MONTHS), "sept"}, key=len, reverse=True))
    + r")\.?(?![a-z])"
)
_ERA_BE_RE = re.compile(r"พ\s?\.?\s?ศ\s?\.?|(?<![a-z])b\.?e\.?(?![a-z])")
_ERA_CE_RE = re.compile(r"ค\s?\.?\s?ศ\s?\.?|(?<![a-z])(?:c\.?e|a\.?d)\.?(?![a-z])")
_FY_RE = re.compile(r"ปีงบประมาณ|ปีงบ\.?|ปีงปม\.?|fiscal\s*year|(?<![a-z])fy")
_QUARTER_RE = re.compile(
    r"ไตรมาส(?:ที่)?\s*(\d+)|(?<![a-z])q(?:uarter)?\s*(\d+)|(?<!\d)(\d+)(?:st|nd|rd|th)?\s*quarter"
)
_THAI_CHAR_RE = re.compile(r"[\u0e00-\u0e7f]")


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e"))


def _normalise(text: str) -> str:
    # zero-width characters are dropped as for names (they come with copied text)
    s = to_arabic_digits(text.translate(_INVISIBLE)).strip().lower()
    return re.sub(r"\s+", " ", s)


def _year(token: str, *, era: str | None, thai: bool, original: str) -> tuple[int, str]:
    """Return (year, 'be'|'ce') of a year token, or raise when it cannot be told."""
    if len(token) == 2:
        if era == "ce":
            raise PeriodError(
                f"{original!r}: a two-digit CE year is ambiguous; write the year in full, "
                "e.g. 2022 or 2565"
            )
        if thai or era == "be":
            return 2500 + int(token), "be"
        raise PeriodError(
            f"{original!r}: the two-digit year {token!r} could be BE 25{token} or CE 20{token}; "
            f"write the year in full (e.g. 25{token} or 20{token})"
        )
    if len(token) != 4:
        raise PeriodError(f"{original!r}: {token!r} is not a year; expected e.g. 2566 or 2023")
    year = int(token)
    kind = "be" if year >= _MIN_BE else "ce"
    if kind == "ce" and to_be(year) > _MAX_BE:
        raise PeriodError(
            f"{original!r}: {year} is neither a Buddhist Era year (from {_MIN_BE}, e.g. 2566) "
            f"nor a Common Era year this library reads (up to {_MAX_BE - BE_OFFSET}, e.g. 2023; "
            f"as CE it would be BE {to_be(year)}): check the year for a typo"
        )
    if era and era != kind:
        raise PeriodError(
            f"{original!r}: {year} cannot be a {era.upper()} year; "
            f"expected a BE year >= {_MIN_BE} with พ.ศ. or a CE year with ค.ศ."
        )
    _check_be_year(year if kind == "be" else to_be(year), f"in {original!r}, year")
    return year, kind


def _date(year_ce: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year_ce, month, day)
    except ValueError as exc:
        raise PeriodError(f"{original!r} is not a valid date ({exc}); check day and month") from exc


def parse_period(text: str | dt.date | Period) -> Period:
    """Read a day, month, fiscal quarter or fiscal year from what people type.

    Accepted (Thai digits work everywhere):

    - fiscal quarters: ``"ไตรมาส 1/2566"``, ``"ไตรมาสที่ 1 ปีงบประมาณ 2566"``,
      ``"ไตรมาส 1 ปีงบ 66"``, ``"Q1 FY2566"``, ``"Q1 FY2023"`` (CE fiscal year, = FY2566),
      ``"FY2566 Q1"``, ``"2566Q1"``, ``"Q1/2566"``;
    - fiscal years: ``"FY2566"``, ``"ปีงบประมาณ 2566"``, ``"ปีงบ 66"``;
    - months: ``"ต.ค. 2565"``, ``"ตุลาคม ๒๕๖๕"``, ``"ต.ค.65"``, ``"Oct 2022"``, ``"2022-10"``,
      ``"10/2565"``;
    - days: ``"2022-10-15"``, ``"15 ต.ค. 2565"``, ``"15/10/2565"``, ``"15/10/2022"``, a
      :class:`datetime.date`.

    Refused, with a message that says what to write:

    - ``"1/2566"`` (quarter 1 or January?), ``"Q1 2023"`` and ``"ไตรมาส 1/2023"`` (calendar
      or fiscal quarter?), ``"2566"`` alone (calendar or fiscal year?), ``"03/04/2022"``
      (3 April or March 4?), two-digit years without Thai context (``"Oct 22"``).

    A four-digit year from 2400 up is BE, below it CE. A quarter with a BE year and no "FY" is
    a fiscal quarter (the government convention); a two-digit year is BE only next to Thai
    words (``"ต.ค. 65"``).

    Parameters
    ----------
    text : str, datetime.date or Period
        What to read.

    Returns
    -------
    Period
        With ``start``, ``end``, ``kind``, ``fiscal_year``, ``quarter``, ``code`` and labels.

    Raises
    ------
    PeriodError
        When the text cannot be read or could mean two things; the message names the text,
        the problem and a form to write instead.

    Examples
    --------
    >>> from tambon_gis.periods import parse_period
    >>> parse_period("Q1 FY2566") == parse_period("ไตรมาส ๑/๒๕๖๖") == parse_period("Q1 FY2023")
    True
    >>> parse_period("2022-10-15").fiscal_year
    2566
    >>> parse_period("1/2566")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tambon_gis._errors.PeriodError: '1/2566' could be quarter 1 of FY2566 or month 1 of 2566: ...
    """
    if isinstance(text, Period):
        return text
    if isinstance(text, dt.datetime):
        return _day_period(text.date())
    if isinstance(text, dt.date):
        return _day_period(text)
    if not isinstance(text, str):
        raise PeriodError(
            f"cannot read a period from {text!r} ({type(text).__name__}): expected text such as "
            "'ไตรมาส 1/2566' or 'Q1 FY2566', or a datetime.date"
        )
    period = _parse_text(text)
    log.debug("parse_period(%r) returned %s", text, period.code)
    return period


def _parse_text(original: str) -> Period:
    """Read a period from text: the ISO and numeric forms first, then the worded forms."""
    if len(original) > settings.max_period_chars:
        raise PeriodError(
            f"{excerpt(original, 40)} is not a period: it is {len(original):,} characters long, "
            f"and no period is longer than {settings.max_period_chars} "
            "(settings.max_period_chars); write e.g. 'ไตรมาส 1/2566' or 'Q1 FY2566'"
        )
    s = _normalise(original)
    if not s:
        raise PeriodError(
            "empty period: expected e.g. 'ไตรมาส 1/2566', 'Q1 FY2566' or '2022-10-15'"
        )
    thai = bool(_THAI_CHAR_RE.search(s))
    period = _parse_numeric(s, thai=thai, original=original)
    if period is not None:
        return period
    return _parse_tokens(_tokens(s, original), thai=thai, original=original)


def _parse_numeric(s: str, *, thai: bool, original: str) -> Period | None:
    """Read the ISO forms, d/m/y and n/y from normalised text ``s`` (None: not one of them)."""
    # ISO forms
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        y, kind = _year(m[1], era=None, thai=thai, original=original)
        return _day_period(_date(y if kind == "ce" else to_ce(y), int(m[2]), int(m[3]), original))
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", s)
    if m:
        y, kind = _year(m[1], era=None, thai=thai, original=original)
        return _month_from(y if kind == "ce" else to_ce(y), int(m[2]), original)

    # numeric d/m/y and n/y
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", s)
    if m:
        return _parse_numeric_date(int(m[1]), int(m[2]), m[3], original)
    m = re.fullmatch(r"(\d{1,2})/(\d{2,4})", s)
    if m:
        return _parse_month_slash_year(int(m[1]), m[2], thai=thai, original=original)
    return None


def _parse_month_slash_year(n: int, year_token: str, *, thai: bool, original: str) -> Period:
    """Read ``n/year``: a month, refused when ``n`` could also be a quarter (1 to 4)."""
    if len(year_token) == 2:
        raise PeriodError(
            f"{original!r}: the two-digit year {year_token!r} is ambiguous; write e.g. "
            f"'{n}/25{year_token}' in full, or 'ไตรมาส 1/25{year_token}' for a quarter"
        )
    y, kind = _year(year_token, era=None, thai=thai, original=original)
    if n == 0:
        raise PeriodError(
            f"{original!r}: 0 is neither a quarter (1 to 4) nor a month (1 to 12); write "
            f"e.g. 'ไตรมาส 1/{y}' for a quarter or '{THAI_MONTHS_ABBR[0]} {y}' for a month"
        )
    if n <= 4:
        be = y if kind == "be" else to_be(y)
        raise PeriodError(
            f"{original!r} could be quarter {n} of FY{be} or month {n} of {y}: write "
            f"'ไตรมาส {n}/{be}' (or 'Q{n} FY{be}') for the quarter, or "
            f"'{THAI_MONTHS_ABBR[n - 1]} {be if kind == 'be' else to_be(y)}' for the month"
        )
    return _month_from(y if kind == "ce" else to_ce(y), n, original)


class _Tokens(NamedTuple):
    """The parts of a worded period: era, fiscal-year word, quarter, month, the numbers."""

    era: str | None
    fiscal: bool
    quarter: int | None
    month: int | None
    english_month: bool
    numbers: list[str]


def _tokens(s: str, original: str) -> _Tokens:
    """Take the era, fiscal-year word, quarter and month out of ``s``; the rest are numbers."""
    era: str | None = None
    if _ERA_BE_RE.search(s):
        era, s = "be", _ERA_BE_RE.sub(" ", s)
    elif _ERA_CE_RE.search(s):
        era, s = "ce", _ERA_CE_RE.sub(" ", s)
    fiscal = bool(_FY_RE.search(s))
    s = _FY_RE.sub(" ", s)
    q: int | None = None
    qm = _QUARTER_RE.search(s)
    if qm:
        q = int(next(g for g in qm.groups() if g is not None))
        if q not in (1, 2, 3, 4):
            raise PeriodError(f"{original!r}: quarter {q} does not exist; expected 1 to 4")
        s = s[: qm.start()] + " " + s[qm.end() :]
    month: int | None = None
    for pattern, number in _THAI_MONTH_PATTERNS:
        mm = pattern.search(s)
        if mm:
            month, s = number, s[: mm.start()] + " " + s[mm.end() :]
            break
    english_month = False
    if month is None:
        mm = _EN_MONTH_RE.search(s)
        if mm:
            name = mm[1]
            month = next(i + 1 for i, full in enumerate(_EN_MONTHS) if full.startswith(name[:3]))
            english_month = True
            s = s[: mm.start()] + " " + s[mm.end() :]
    tokens = [t for t in re.split(r"[\s/,\-.]+", s) if t]
    leftovers = [t for t in tokens if not t.isdigit()]
    if leftovers:
        raise PeriodError(
            f"cannot read {original!r} as a period (did not understand {' '.join(leftovers)!r}): "
            "write e.g. 'ไตรมาส 1/2566', 'Q1 FY2566', 'ต.ค. 2565' or '2022-10-15'"
        )
    return _Tokens(era, fiscal, q, month, english_month, tokens)


def _parse_tokens(t: _Tokens, *, thai: bool, original: str) -> Period:
    """Read the period the parts name: a quarter, a month or day, or a fiscal year."""
    era, fiscal, numbers = t.era, t.fiscal, t.numbers
    thai_context = thai and not t.english_month
    if t.quarter is not None:
        if t.month is not None:
            raise PeriodError(f"{original!r} names both a quarter and a month: keep one")
        return _quarter_from_tokens(t, t.quarter, thai_context=thai_context, original=original)
    if t.month is not None:
        return _month_from_tokens(t, t.month, thai_context=thai_context, original=original)

    if fiscal:
        if len(numbers) != 1:
            raise PeriodError(f"{original!r}: expected one fiscal year, e.g. 'FY2566'")
        y, kind = _year(numbers[0], era=era, thai=thai_context or era == "be", original=original)
        return fiscal_year_period(y if kind == "be" else to_be(y))

    if len(numbers) == 1 and len(numbers[0]) == 4:
        y, kind = _year(numbers[0], era=era, thai=thai_context, original=original)
        be = y if kind == "be" else to_be(y)
        raise PeriodError(
            f"{original!r} could be a calendar year or a fiscal year: write 'FY{be}' or "
            f"'ปีงบประมาณ {be}' for the fiscal year (Oct {to_ce(be) - 1}–Sep {to_ce(be)}), "
            "or name a quarter or month"
        )
    raise PeriodError(
        f"cannot read {original!r} as a period: write e.g. 'ไตรมาส 1/2566', 'Q1 FY2566', "
        "'ต.ค. 2565' or '2022-10-15'"
    )


def _quarter_from_tokens(t: _Tokens, q: int, *, thai_context: bool, original: str) -> Period:
    """Read fiscal quarter ``q``; a CE year without "FY" is refused (calendar or fiscal?)."""
    numbers = t.numbers
    if len(numbers) != 1:
        raise PeriodError(
            f"{original!r}: expected one year with the quarter, e.g. 'ไตรมาส {q}/2566' or "
            f"'Q{q} FY2566'"
        )
    y, kind = _year(numbers[0], era=t.era, thai=thai_context, original=original)
    if kind == "ce" and not t.fiscal:
        fiscal_q = quarter(to_be(y), q)
        calendar_q = quarter(to_be(y) + (q == 4), q % 4 + 1)
        raise PeriodError(
            f"{original!r} does not say whether Q{q} {y} is a calendar or a fiscal quarter: "
            f"write '{fiscal_q.label_en}' for the fiscal quarter "
            f"({fiscal_q.start:%b %Y}–{fiscal_q.end:%b %Y}) or '{calendar_q.label_en}' for "
            f"the calendar quarter ({calendar_q.start:%b %Y}–{calendar_q.end:%b %Y})"
        )
    return quarter(y if kind == "be" else to_be(y), q)


def _month_from_tokens(t: _Tokens, month: int, *, thai_context: bool, original: str) -> Period:
    """Read a month with its year, or a day with its month and year."""
    numbers = t.numbers
    if t.fiscal:
        raise PeriodError(
            f"{original!r} names a month and a fiscal year: write the month with its "
            "calendar year, e.g. 'ต.ค. 2565'"
        )
    if len(numbers) == 1:
        y, kind = _year(numbers[0], era=t.era, thai=thai_context, original=original)
        return _month_from(y if kind == "ce" else to_ce(y), month, original)
    if len(numbers) == 2 and len(numbers[0]) <= 2:
        y, kind = _year(numbers[1], era=t.era, thai=thai_context, original=original)
        ce = y if kind == "ce" else to_ce(y)
        return _day_period(_date(ce, month, int(numbers[0]), original))
    raise PeriodError(
        f"{original!r}: expected a month and a year (e.g. 'ต.ค. 2565') or day, month and year "
        "(e.g. '15 ต.ค. 2565')"
    )


def _month_from(year_ce: int, month: int, original: str) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"{original!r}: month {month} does not exist; expected 1 to 12")
    return _month_period(year_ce, month)


def _parse_numeric_date(a: int, b: int, year_token: str, original: str) -> Period:
    if len(year_token) == 2:
        raise PeriodError(
            f"{original!r}: the two-digit year {year_token!r} is ambiguous; write it in full, "
            f"e.g. '{a}/{b}/25{year_token}' (BE) or '{a}/{b}/20{year_token}' (CE)"
        )
    y, kind = _year(year_token, era=None, thai=False, original=original)
    ce = y if kind == "ce" else to_ce(y)
    if kind == "be" or a > 12:
        return _day_period(_date(ce, b, a, original))  # Thai order: day/month/year
    if b > 12:
        return _day_period(_date(ce, a, b, original))  # month/day/year, unambiguous
    if a == b:
        return _day_period(_date(ce, b, a, original))
    raise PeriodError(
        f"{original!r} could be {a} {_EN_MONTHS[b - 1].title()} or {b} "
        f"{_EN_MONTHS[a - 1].title()} {ce}: write an ISO date such as "
        f"'{ce}-{b:02d}-{a:02d}', or a BE year ('{a}/{b}/{to_be(ce)}' is read day/month)"
    )


def quarters_between(first: Period | str, last: Period | str) -> list[Period]:
    """Return every fiscal quarter from the one holding ``first`` to the one holding ``last``.

    Parameters
    ----------
    first, last : Period or str
        Any periods; fiscal years count from their first / up to their last quarter.

    Returns
    -------
    list of Period

    Examples
    --------
    >>> from tambon_gis.periods import quarters_between
    >>> [q.code for q in quarters_between("Q4 FY2566", "FY2567")][:3]
    ['2566Q4', '2567Q1', '2567Q2']
    """
    a, b = parse_period(first), parse_period(last)
    qa, qb = a.quarters()[0], b.quarters()[-1]
    out = []
    fy, q = qa.fiscal_year, int(qa.quarter or 1)
    while (fy, q) <= (qb.fiscal_year, int(qb.quarter or 1)):
        out.append(quarter(fy, q))
        fy, q = (fy + 1, 1) if q == 4 else (fy, q + 1)
    return out


#: The public names of this module.
__all__ = [
    "BE_OFFSET",
    "THAI_DIGITS",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "Period",
    "fiscal_year",
    "fiscal_year_period",
    "format_thai_date",
    "parse_period",
    "quarter",
    "quarters_between",
    "to_arabic_digits",
    "to_be",
    "to_ce",
    "to_thai_digits",
]
