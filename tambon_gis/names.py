"""Rules for Thai and English names of changwat, amphoe and tambon as people type them.

Two levels of clean-up are offered:

:func:`clean_text`
    Makes a typed string *display-clean* without changing what it says: Unicode NFC,
    zero-width characters and stray whitespace removed, Thai digits ``๐``–``๙`` turned into
    ``0``–``9``, sara am typed as nikhahit + sara aa (``ํา``, U+0E4D U+0E32) made ``ำ``
    (U+0E33), ``เเ`` (two sara e) made ``แ``, and tone marks or vowels typed in the wrong order
    put in canonical order.
:func:`normalize_name`
    Turns a typed name into a *comparison key*: :func:`clean_text`, then the words for the
    level (``ต.``/``ตำบล``/``แขวง``, ``อ.``/``อำเภอ``/``เขต``/``กิ่งอ.``/``กิ่งอำเภอ``,
    ``จ.``/``จังหวัด``, ``Tambon``, ``Amphoe``, ``Khet`` ...) and suffixes such as
    ``(กิ่งอำเภอ)`` or ``เขต ส.`` removed, then spaces, dots, hyphens and apostrophes removed
    and English lower-cased (``Buri Ram``, ``Buriram`` and ``buri-ram`` give one key).

Colloquial and short province names (``กทม.``, ``โคราช``, ``อุบลฯ``, ``นครศรีฯ`` ...) are
resolved by :func:`province_code`; a whole address typed in one cell is split by
:func:`split_address`; codes in any form are read by :func:`clean_code`.

Examples
--------
>>> from tambon_gis.names import clean_text, normalize_name, province_code
>>> clean_text("  ต.ล\u0e4d\u0e32ภู\u200b ") == "ต.ลำภู"
True
>>> normalize_name("ต.ลำภู", level="tambon")
'ลำภู'
>>> normalize_name("กิ่งอ. ซับใหญ่", level="amphoe")
'ซับใหญ่'
>>> normalize_name("Buri Ram") == normalize_name("buriram")
True
>>> province_code("โคราช"), province_code("อุบลฯ"), province_code("กทม.")
('30', '34', '10')
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal, cast

from tambon_gis import gazetteer, settings
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger

log = get_logger(__name__)

Level = Literal["changwat", "amphoe", "tambon"]
_LEVELS = ("changwat", "amphoe", "tambon")

# --- character-level clean-up ------------------------------------------------------------

_TRANSLATE = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e"), None),
    **{0x0E50 + i: str(i) for i in range(10)},  # Thai digits
    0x00A0: " ",  # no-break space
    0x2007: " ",
    0x202F: " ",
    0x3000: " ",
    0x2013: "-",  # en dash
    0x2014: "-",
    0x2010: "-",
    0x2011: "-",
    0x2212: "-",
    0x2018: "'",
    0x2019: "'",
    0x02BC: "'",
}
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # mai ek, tho, tri, chattawa
_UPPER_LOWER = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"  # above/below vowels
_MARKS = _UPPER_LOWER + _TONES + "\u0e4c\u0e4d\u0e4e"
# nikhahit (+ tone) + sara aa -> (tone +) sara am
_SARA_AM = re.compile(f"\u0e4d([{_TONES}]?)\u0e32")
# sara am typed before its tone mark: "นำ้" -> "น้ำ"
_AM_TONE = re.compile(f"\u0e33([{_TONES}])")
# tone mark or thanthakhat typed before an above/below vowel: "ก่ี" -> "กี่"
_TONE_VOWEL = re.compile(f"([{_TONES}\u0e4c])([{_UPPER_LOWER}])")
# the same combining mark typed twice
_DOUBLE_MARK = re.compile(f"([{_MARKS}])\\1+")
_SPACES = re.compile(r"\s+")
_CODE_SEPARATORS = re.compile(r"[\s\-_/]+")
_NEEDS_THAI_FIX = re.compile(f"[\u0e4d\u0e33\u0e40{_TONES}\u0e4c]")


#: Digits of a DOPA code at each level (``province`` is accepted for ``changwat``).
CODE_LENGTH: dict[str, int] = {"changwat": 2, "province": 2, "amphoe": 4, "tambon": 6}
_TRAILING_ZERO_DECIMALS = re.compile(r"\.0+$")
#: A code typed in DOPA's dotted groups of two digits: 55.05.04 (tambon), 55.05 (amphoe).
_DOTTED_CODE = re.compile(r"\d{2}(?:\.\d{2}){1,2}")


def clean_code(value: object, *, level: str = "tambon") -> str | None:
    """Return the DOPA code of a level in a typed value, or ``None``.

    The one code normaliser of the library: matching, boundaries, selection and the
    monitoring store all read codes with it. Accepts numbers (``650407``, ``650407.0`` as
    Excel stores them, and the text ``"650407.0"``), strings with a ``TH`` prefix (a COD-AB
    PCODE), Thai digits, spaces, dashes, underscores or slashes inside, and DOPA's dotted groups
    of two digits (``"55.05.04"``; a text ending in ``.0`` is read as Excel's whole number,
    ``"320101.0"``). A code is never
    zero-padded: ``"32101"`` is not a tambon code. Text longer than
    ``settings.max_code_chars`` is not read at all.

    Parameters
    ----------
    value : object
        The typed code.
    level : {"tambon", "amphoe", "changwat"}
        Which code: 6, 4 or 2 digits (``"province"`` means ``"changwat"``).

    Returns
    -------
    str or None
        The code as ASCII digits whose first two (the province) are 10 to 99, or ``None``
        when the value holds no code of that level.

    Examples
    --------
    >>> from tambon_gis.names import clean_code
    >>> clean_code("๓๒๐๑๐๑"), clean_code("TH320101"), clean_code(320101.0), clean_code("32-01 01")
    ('320101', '320101', '320101', '320101')
    >>> clean_code("320101.0"), clean_code("TH3201", level="amphoe")
    ('320101', '3201')
    >>> clean_code(32, level="changwat")
    '32'
    >>> clean_code("55.05.04"), clean_code("55.05", level="amphoe")
    ('550504', '5505')
    >>> clean_code("3201") is None, clean_code("32101") is None
    (True, True)
    """
    try:
        length = CODE_LENGTH[level]
    except KeyError:
        raise ValidationError(
            f"level={level!r}: expected one of {sorted(CODE_LENGTH)}"
        ) from None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        if number != number or number < 0 or not number.is_integer() or number >= 10**length:
            return None
        value = str(int(number))
    elif isinstance(value, str) and len(value) > settings.max_code_chars:
        return None
    text = clean_text(value).upper()
    if not text:
        return None
    if text.startswith("TH"):
        text = text[2:]
    text = _CODE_SEPARATORS.sub("", text)
    if "." in text:
        if _DOTTED_CODE.fullmatch(text) and not _TRAILING_ZERO_DECIMALS.search(text):
            text = text.replace(".", "")
        else:
            text = _TRAILING_ZERO_DECIMALS.sub("", text)
    if len(text) == length and text.isascii() and text.isdigit() and text[:2] >= "10":
        return text
    return None


def clean_text(text: object) -> str:
    """Return a typed string made display-clean, without changing what it says.

    Parameters
    ----------
    text : object
        A typed name; ``None`` and missing values give ``""``, numbers are turned into text.

    Returns
    -------
    str
        NFC text with zero-width characters removed, whitespace collapsed and stripped, Thai
        digits as ASCII digits, sara am composed, ``เเ`` made ``แ`` and Thai marks in
        canonical order.

    Examples
    --------
    >>> from tambon_gis.names import clean_text
    >>> clean_text("๓๒๐๑๐๑")
    '320101'
    >>> clean_text("พระธาตุผาเเดง") == "พระธาตุผาแดง"
    True
    >>> clean_text("น\u0e33\u0e49") == "น\u0e49\u0e33"  # sara am typed before the tone mark
    True
    >>> clean_text(None)
    ''
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        try:
            import pandas as pd

            if pd.isna(text):  # type: ignore[call-overload]
                return ""
        except (TypeError, ValueError):
            pass
        text = str(text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = text.translate(_TRANSLATE)
        if _NEEDS_THAI_FIX.search(text):
            if "\u0e4d" in text:
                text = _SARA_AM.sub("\\1\u0e33", text)
            if _AM_TONE.search(text):
                text = _AM_TONE.sub("\\1\u0e33", text)
            text = text.replace("\u0e40\u0e40", "\u0e41")
        if _TONE_VOWEL.search(text):
            text = _TONE_VOWEL.sub("\\2\\1", text)
        if _DOUBLE_MARK.search(text):
            text = _DOUBLE_MARK.sub("\\1", text)
    return _SPACES.sub(" ", text).strip()


# --- level words -------------------------------------------------------------------------

_D = r"\s*\.\s*"  # a dot in an abbreviation, with optional spaces around it
_PREFIX = {
    "changwat": re.compile(rf"^(?:จังหวัด|จ{_D}|changwat\s+|province\s+of\s+)", re.IGNORECASE),
    "amphoe": re.compile(
        rf"^(?:กิ่ง\s*อำเภอ|กิ่ง\s*อ{_D}|อำเภอ|อ{_D}|เขต|ข{_D}|king\s*amphoe\s+|amphoe\s+|amphur\s+"
        r"|amphoe\s+|khet\s+|district\s+of\s+)",
        re.IGNORECASE,
    ),
    "tambon": re.compile(
        rf"^(?:ตำบล|ต{_D}|แขวง|ขว{_D}|ข{_D}|อบต{_D}|เทศบาลตำบล|เทศบาลเมือง|เทศบาลนคร|เทศบาล"
        rf"|ทต{_D}|ทม{_D}|ทน{_D}|สุขาภิบาล|สุขา{_D}|กิ่ง\s*อำเภอ|กิ่ง\s*อ{_D}"
        r"|tambon\s+|khwaeng\s+|sub-?district\s+of\s+)",
        re.IGNORECASE,
    ),
}
_SUFFIX = {
    "changwat": re.compile(r"\s+province$", re.IGNORECASE),
    "amphoe": re.compile(
        rf"\s*(?:\(\s*กิ่ง\s*(?:อำเภอ|อ{_D}?)\s*\)|กิ่ง\s*อำเภอ|\s+district|\s+khet)$",
        re.IGNORECASE,
    ),
    "tambon": re.compile(
        r"\s*(?:\(\s*(?:เขต\s*ส\s*\.?|เขตสุขาภิบาล|สุขาภิบาล|เขตเทศบาล|นอกเขตเทศบาล"
        r"|ในเขตเทศบาล)\s*\)"
        r"|\s+เขต\s*ส\s*\.?|\s+เขตสุขาภิบาล|\s*สุขาภิบาล|\s+sub-?district|\s+tambon|\s+khwaeng"
        r"|\s+\(?\s*(?:นอก|ใน)?(?:เขต)?\s*(?:เทศบาล|ทต\s*\.|ทม\s*\.|ทน\s*\.)[^()]*\)?)$",
        re.IGNORECASE,
    ),
}
_ANY_PREFIX = re.compile(
    rf"^(?:จังหวัด|จ{_D}|กิ่ง\s*อำเภอ|กิ่ง\s*อ{_D}|อำเภอ|อ{_D}|ตำบล|ต{_D}|แขวง|อบต{_D}|ทต{_D})"
)
_PARENS = re.compile(r"\s*\([^)]*\)\s*$")
# a village number: "หมู่ที่ 3", "หมู่ 3", "ม.3", "ม. 3", "moo 3"
_VILLAGE = re.compile(r"(?:^|\s)(?:หมู่\s*ที่|หมู่|ม\s*\.|moo)\s*\d+\b", re.IGNORECASE)
_DROP = re.compile(r"[\s.'\-_,/\\\"`ฯ]+")
_MUANG = re.compile(r"^(?:amphoe)?mu(?:e)?ang(?=[a-z]|$)")


@lru_cache(maxsize=1 << 17)
def normalize_name(text: object, *, level: Level | None = None) -> str:
    """Return the comparison key of a typed name.

    Parameters
    ----------
    text : object
        A typed Thai or English name; ``None`` and missing values give ``""``.
    level : {"changwat", "amphoe", "tambon"}, optional
        The level the name belongs to, which decides the words removed from its start and
        end (``ต.``/``ตำบล``/``แขวง``/``อบต.``, municipality and sanitation-district words
        (``เทศบาล...``, ``ทต.``, ``ทม.``, ``สุขาภิบาล``) and a district prefix (``กิ่งอ.``)
        typed in the tambon column for a tambon, ``อ.``/``อำเภอ``/``เขต``/
        ``กิ่งอำเภอ`` for an amphoe, ``จ.``/``จังหวัด`` for a changwat). ``None`` removes the
        Thai abbreviations of any level.

    Returns
    -------
    str
        The key: :func:`clean_text`, level words and a trailing parenthesis removed, then no
        spaces, dots, hyphens, apostrophes or ``ฯ``, English in lower case with ``Muang``
        spelt ``mueang``. Empty when nothing is left.

    Raises
    ------
    ValidationError
        When ``level`` is not one of the three levels.

    Examples
    --------
    >>> from tambon_gis.names import normalize_name
    >>> normalize_name("แขวงลำผักชี", level="tambon")
    'ลำผักชี'
    >>> normalize_name("เขตหนองจอก", level="amphoe")
    'หนองจอก'
    >>> normalize_name("อ.เมือง", level="amphoe")
    'เมือง'
    >>> normalize_name("ซับใหญ่ (กิ่งอำเภอ)", level="amphoe")
    'ซับใหญ่'
    >>> normalize_name("ในเมือง เขต ส.", level="tambon")
    'ในเมือง'
    >>> normalize_name("Amphoe Muang Surin", level="amphoe")
    'mueangsurin'
    >>> normalize_name("Nakhon Si Thammarat Province", level="changwat")
    'nakhonsithammarat'
    """
    if level is not None and level not in _LEVELS:
        raise ValidationError(
            f"level={level!r} is not a level: expected one of {_LEVELS} or None"
        )
    s = clean_text(text)
    if not s:
        return ""
    if level is None:
        s = _ANY_PREFIX.sub("", s, count=1)
    else:
        prefix, suffix = _PREFIX[level], _SUFFIX[level]
        for _ in range(2):  # "อ. เขตหนองจอก", "ต.แขวง..." typed twice
            stripped = prefix.sub("", s, count=1).strip()
            if stripped == s or not stripped:
                break
            s = stripped
        stripped = suffix.sub("", s).strip()
        s = stripped or s
        if level == "tambon" and _VILLAGE.search(s):
            stripped = _VILLAGE.sub(" ", s).strip()
            s = stripped or s
    stripped = _PARENS.sub("", s)
    s = stripped or s
    if s.isascii():
        s = s.lower()
        s = _DROP.sub("", s)
        s = _MUANG.sub("mueang", s)
        return s
    s = _DROP.sub("", s)
    return s.lower() if any("A" <= ch <= "z" for ch in s) else s


_ADDRESS_PART = re.compile(
    rf"(?:^|\s)(?P<word>ตำบล|ต{_D}|แขวง|อำเภอ|อ{_D}|กิ่ง\s*อำเภอ|กิ่ง\s*อ{_D}"
    rf"|เขต(?!\s*ส\s*\.|\s*สุขาภิบาล|\s*เทศบาล|\s*$)|จังหวัด|จ{_D}"
    r"|tambon\s|khwaeng\s|amphoe\s|khet\s|changwat\s)",
    re.IGNORECASE,
)
_ADDRESS_LEVEL = {
    "ต": "tambon", "ตำบล": "tambon", "แขวง": "tambon", "tambon": "tambon", "khwaeng": "tambon",
    "อ": "amphoe", "อำเภอ": "amphoe", "กิ่งอำเภอ": "amphoe", "กิ่งอ": "amphoe", "เขต": "amphoe",
    "amphoe": "amphoe", "khet": "amphoe",
    "จ": "changwat", "จังหวัด": "changwat", "changwat": "changwat",
}  # fmt: skip


def split_address(text: object) -> dict[str, str]:
    """Split a one-cell address such as ``"ต.ในเมือง อ.เมือง จ.ขอนแก่น"`` into its levels.

    Only the parts introduced by a level word (``ต.``/``ตำบล``/``แขวง``, ``อ.``/``อำเภอ``/
    ``เขต``, ``จ.``/``จังหวัด``, and ``Tambon``/``Amphoe``/``Khet``/``Changwat``) are taken;
    text before the first level word is the tambon. Village words (``หมู่``, ``ม.``, ``บ้าน``
    with a number) are not parsed.

    Parameters
    ----------
    text : object
        The typed address.

    Returns
    -------
    dict
        ``{"tambon": ..., "amphoe": ..., "changwat": ...}`` for the levels found (as typed,
        with their level word); empty when the text holds a single name.

    Examples
    --------
    >>> from tambon_gis.names import split_address
    >>> split_address("ต.ในเมือง อ.เมือง จ.ขอนแก่น")
    {'tambon': 'ต.ในเมือง', 'amphoe': 'อ.เมือง', 'changwat': 'จ.ขอนแก่น'}
    >>> split_address("ลำผักชี เขตหนองจอก กรุงเทพมหานคร")
    {'tambon': 'ลำผักชี', 'amphoe': 'เขตหนองจอก', 'changwat': 'กรุงเทพมหานคร'}
    >>> split_address("ต.ในเมือง")
    {}
    """
    s = clean_text(text)
    marks = [
        m for m in _ADDRESS_PART.finditer(s) if m.start("word") > 0 or m.start() == 0
    ]
    if len(marks) < 2 and not (marks and marks[0].start("word") > 0):
        return {}
    out: dict[str, str] = {}
    head = _VILLAGE.sub(" ", s[: marks[0].start("word")]).strip()
    for i, m in enumerate(marks):
        end = marks[i + 1].start("word") if i + 1 < len(marks) else len(s)
        word = re.sub(r"[\s.]", "", m.group("word")).lower()
        level = _ADDRESS_LEVEL.get(word)
        part = s[m.start("word") : end].strip()
        if level and part and level not in out:
            out[level] = part
    if head and "tambon" not in out:
        out["tambon"] = head  # the name before the first level word
    # a province typed last without its word: "ลำผักชี เขตหนองจอก กรุงเทพมหานคร"
    last = next((k for k in ("amphoe", "tambon") if k in out), None)
    if "changwat" not in out and last is not None:
        head_, _, tail = out[last].rpartition(" ")
        if head_.strip() and province_code(tail) is not None:
            out[last], out["changwat"] = head_.strip(), tail
    return {k: out[k] for k in ("tambon", "amphoe", "changwat") if k in out}


# --- a rough phonetic skeleton for typo-tolerant comparison ------------------------------

_SKELETON = str.maketrans(
    {
        **dict.fromkeys(_TONES + "\u0e4c\u0e47"),  # tones, karan, maitaikhu: dropped
        "ณ": "น",
        "ศ": "ส",
        "ษ": "ส",
        "ธ": "ท",
        "ฑ": "ท",
        "ฒ": "ท",
        "ฐ": "ถ",
        "ฎ": "ด",
        "ฏ": "ต",
        "ญ": "ย",
        "ฬ": "ล",
        "ภ": "พ",
        "ฆ": "ค",
        "ฌ": "ช",
        "ฅ": "ค",
        "ฃ": "ข",
        "ไ": "ใ",
        "ร": "ล",
    }
)


_REPEAT = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def skeleton(key: str) -> str:
    """Return a rough phonetic skeleton of a name key, for typo-tolerant comparison.

    Tone marks, thanthakhat and maitaikhu are dropped and letters that sound alike are
    merged (``ณ``/``น``, ``ศ``/``ษ``/``ส``, ``ธ``/``ท``, ``ไ``/``ใ``, ``ร``/``ล`` ...), and a
    letter typed twice in a row counts once. Two different names
    can share a skeleton, so a match on it is only ever reported as ``fuzzy``.

    Parameters
    ----------
    key : str
        A key from :func:`normalize_name`.

    Returns
    -------
    str
        The skeleton.

    Examples
    --------
    >>> from tambon_gis.names import skeleton
    >>> skeleton("ประนีต") == skeleton("ประณีต")
    True
    >>> skeleton("ปักธงไชย") == skeleton("ปักธงชัย")
    False
    """
    key = key.translate(_SKELETON)
    return _REPEAT.sub("\\1", key) if _REPEAT.search(key) else key


_LOOSE = str.maketrans(
    {
        "ซ": "ช",  # look-alike consonants
        "ฎ": "ด",
        "ฏ": "ด",
        "ต": "ด",
        "บ": "ป",
        "ี": "ิ",  # short and long vowels, and the look-alike ิ/ุ, ี/ื
        "ึ": "ิ",
        "ื": "ิ",
        "ุ": "ิ",
        "ู": "ิ",
        "ะ": "า",
        "ั": "า",
        "ๆ": None,
        "ฤ": "ล",
    }
)


@lru_cache(maxsize=1 << 16)
def loose_skeleton(key: str) -> str:
    """Return a looser skeleton than :func:`skeleton`, for spelling variants in one district.

    On top of :func:`skeleton`, look-alike consonants (``ซ``/``ช``, ``ฎ``/``ฏ``/``ด``/``ต``,
    ``บ``/``ป``), short and long vowels (``ิ``/``ี``/``ุ``/``ู``/``ึ``/``ื``, ``ะ``/``ั``/``า``)
    are merged, which covers most of the several Thai spellings of Malay place names in the
    deep south. Far too loose for a province: matching
    uses it only among the ten or so tambons of the typed district, and only when one of them
    fits.

    Parameters
    ----------
    key : str
        A key from :func:`normalize_name`.

    Returns
    -------
    str
        The loose skeleton.

    Examples
    --------
    >>> from tambon_gis.names import loose_skeleton
    >>> loose_skeleton("ตะลุโบะ") == loose_skeleton("ตาลีโบ๊ะ")
    True
    >>> loose_skeleton("ซับใหญ่") == loose_skeleton("ชับใหญ่")
    True
    """
    key = skeleton(key).translate(_LOOSE)
    return _REPEAT.sub("\\1", key) if _REPEAT.search(key) else key


def abbreviation_parts(text: object, *, level: Level) -> list[str] | None:
    """Split a name typed with ``ฯ`` standing for omitted letters into its known parts.

    ``ฯ`` (paiyannoi) marks letters left out, at the end of a name (``นครศรีฯ``) or inside
    it (``เฉลิมฯ ตะวันออก``). The parts are keys of :func:`normalize_name`; a name matches
    when it holds them in order, starting with the first (and ending with the last, unless
    the name ends with ``ฯ``).

    Parameters
    ----------
    text : object
        The typed name.
    level : {"changwat", "amphoe", "tambon"}
        Its level.

    Returns
    -------
    list of str or None
        The parts (the last one ``""`` when the name ends with ``ฯ``), or ``None`` when the
        name holds no ``ฯ`` after its first letters.

    Examples
    --------
    >>> from tambon_gis.names import abbreviation_parts
    >>> abbreviation_parts("ต.ปากพนังฯตะวันตก", level="tambon")
    ['ปากพนัง', 'ตะวันตก']
    >>> abbreviation_parts("นครศรีฯ", level="changwat")
    ['นครศรี', '']
    >>> abbreviation_parts("ในเมือง", level="tambon") is None
    True
    """
    s = clean_text(text)
    if "ฯ" not in s.replace("ฯลฯ", ""):
        return None
    pieces = s.split("ฯ")
    first = normalize_name(pieces[0], level=level)
    if not first:
        return None
    rest = [_DROP.sub("", clean_text(p)).lower() for p in pieces[1:]]
    rest = [p for p in rest[:-1] if p] + rest[-1:]
    return [first, *rest]


def abbreviation_fits(parts: list[str], key: str) -> bool:
    """Whether the key of an official name fits a name typed with ``ฯ`` (see above).

    Parameters
    ----------
    parts : list of str
        From :func:`abbreviation_parts`.
    key : str
        The key of an official name.

    Returns
    -------
    bool

    Examples
    --------
    >>> from tambon_gis.names import abbreviation_fits
    >>> abbreviation_fits(["ปากพนัง", "ตะวันตก"], "ปากพนังฝั่งตะวันตก")
    True
    >>> abbreviation_fits(["ปากพนัง", "ตะวันตก"], "ปากพนังฝั่งตะวันออก")
    False
    """
    if not key.startswith(parts[0]) or len(key) <= len(parts[0]):
        return False
    pos = len(parts[0])
    for i, part in enumerate(parts[1:], start=2):
        if not part:
            continue
        if i == len(parts):  # the last part ends the name
            return key.endswith(part) and len(key) - len(part) > pos
        found = key.find(part, pos + 1)
        if found < 0:
            return False
        pos = found + len(part)
    return True


# --- provinces -----------------------------------------------------------------------------

#: Colloquial, short and old names of provinces, as keys of :func:`normalize_name`, mapped to
#: the 2-digit changwat code. Unique prefixes of official names (``อุบล``, ``นครศรี``,
#: ``ประจวบ``) need no entry: :func:`province_code` finds them.
PROVINCE_ALIASES: dict[str, str] = {
    # Thai
    "กทม": "10",
    "กรุงเทพ": "10",
    "บางกอก": "10",
    "ปากน้ำ": "11",
    "นนท์": "12",
    "ปทุม": "13",
    "อยุธยา": "14",
    "กรุงเก่า": "14",
    "อยุทธยา": "14",
    "แปดริ้ว": "24",
    "ปราจีน": "25",
    "โคราช": "30",
    "นครราชสีมาฯ": "30",
    "บุรีรัม": "31",
    "ศรีษะเกษ": "33",
    "ศรีสะเกศ": "33",
    "อุบล": "34",
    "หนองบัว": "39",
    "อุดร": "41",
    "สารคาม": "44",
    "กาฬสินธ์": "46",
    "สกล": "47",
    "มุกดา": "49",
    "แม่ฮ่อง": "58",
    "ปากน้ำโพ": "60",
    "กำแพง": "62",
    "พิดโลก": "65",
    "พิษณุ": "65",
    "กาญ": "71",
    "กาญจน์": "71",
    "สุพรรณ": "72",
    "มหาชัย": "74",
    "แม่กลอง": "75",
    "ประจวบ": "77",
    "นครศรี": "80",
    "คอน": "80",
    "นคร": "",  # deliberately ambiguous: never resolved
    "สุราษ": "84",
    "สุราษฎร์": "84",
    "สุราษฏร์": "84",
    "สุราษฎ์": "84",
    "นรา": "96",
    # English
    "bkk": "10",
    "krungthep": "10",
    "krungthepmahanakhon": "10",
    "bangkokmetropolis": "10",
    "ayutthaya": "14",
    "ayudhya": "14",
    "ayuthaya": "14",
    "ayudhaya": "14",
    "korat": "30",
    "khorat": "30",
    "ubon": "34",
    "udon": "41",
    "nakhonsi": "80",
    "surat": "84",
    "prachuap": "77",
    "lopburi": "16",
    "singburi": "17",
    "chonburi": "20",
    "prachinburi": "25",
    "sakaew": "27",
    "sakeo": "27",
    "sisaket": "33",
    "srisaket": "33",
    "chainat": "18",
    "suphanburi": "72",
    "phangnga": "82",
    "nongbualamphu": "39",
    "chiengmai": "50",
    "chiengrai": "57",
}

# Provinces created from part of another: (new, old, year of the split).
PROVINCE_SPLITS: tuple[tuple[str, str, int], ...] = (
    ("38", "43", 2011),  # บึงกาฬ from หนองคาย
    ("27", "25", 1993),  # สระแก้ว from ปราจีนบุรี
    ("37", "34", 1993),  # อำนาจเจริญ from อุบลราชธานี
    ("39", "41", 1993),  # หนองบัวลำภู from อุดรธานี
    ("49", "48", 1982),  # มุกดาหาร from นครพนม
    ("56", "57", 1977),  # พะเยา from เชียงราย
    ("35", "34", 1972),  # ยโสธร from อุบลราชธานี
)


@cache
def _province_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for row in gazetteer.changwats().itertuples(index=False):
        for name in (row.changwat_th, row.changwat_en):
            keys[normalize_name(name, level="changwat")] = cast(str, row.changwat_code)
    return keys


def province_code(text: object) -> str | None:
    """Return the changwat code a typed province name stands for, or ``None``.

    The official Thai and English names are tried first (after :func:`normalize_name`), then
    :data:`PROVINCE_ALIASES`, then a unique prefix of at least three characters of one
    official name (``อุบล``, ``นครศรีฯ``, ``ประจวบฯ``) that does not stop before a vowel or
    tone mark (``เชียงใหม`` is a typo, not an abbreviation). A prefix shared by several provinces
    (``นคร``, ``สระ``) gives ``None``: it is never guessed.

    Parameters
    ----------
    text : object
        The typed province name.

    Returns
    -------
    str or None
        The 2-digit changwat code.

    Examples
    --------
    >>> from tambon_gis.names import province_code
    >>> province_code("จ.นครศรีฯ")
    '80'
    >>> province_code("Buriram")
    '31'
    >>> province_code("นคร") is None
    True
    """
    key = normalize_name(text, level="changwat")
    return _province_code_of_key(key)


@lru_cache(maxsize=4096)
def _province_code_of_key(key: str) -> str | None:
    if not key:
        return None
    keys = _province_keys()
    if key in keys:
        return keys[key]
    if key in PROVINCE_ALIASES:
        return PROVINCE_ALIASES[key] or None
    if len(key) >= 3:
        found = {
            code
            for k, code in keys.items()
            if k.startswith(key) and (len(k) == len(key) or k[len(key)] not in _MARKS)
        }
        if len(found) == 1:
            return found.pop()
    return None


#: The public names of this module.
__all__ = [
    "CODE_LENGTH",
    "PROVINCE_ALIASES",
    "PROVINCE_SPLITS",
    "abbreviation_fits",
    "abbreviation_parts",
    "clean_code",
    "clean_text",
    "loose_skeleton",
    "normalize_name",
    "province_code",
    "skeleton",
    "split_address",
]
