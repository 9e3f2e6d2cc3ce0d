"""The vocabulary of a match: statuses, the rules a note names, the columns of a report.

Also the thresholds of fuzzy matching, and :class:`_Result`, the answer for one combination
of typed values, which :mod:`tambon_gis.matching.resolver` produces and
:class:`~tambon_gis.matching.MatchReport` maps back to the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

#: Every status, from the most to the least certain.
STATUSES: tuple[str, ...] = (
    "code",
    "exact",
    "normalized",
    "moved",
    "historical",
    "fuzzy",
    "ambiguous",
    "unmatched",
)
#: Statuses of rows that got a tambon code.
MATCHED: tuple[str, ...] = STATUSES[:6]
#: Statuses of rows a person should look at.
ATTENTION: tuple[str, ...] = ("fuzzy", "ambiguous", "unmatched")

_RANK = {s: i for i, s in enumerate(STATUSES)}
#: Columns a report adds to the input table, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "tambon_code",
    "status",
    "score",
    "tambon_th",
    "amphoe_th",
    "changwat_th",
    "tambon_en",
    "amphoe_en",
    "changwat_en",
    "amphoe_code",
    "changwat_code",
    "candidates",
    "note",
    "duplicate",
)

_FUZZY_MIN = 80.0  # lowest similarity accepted as a fuzzy match
_FUZZY_MARGIN = 8.0  # the best candidate must beat the next one by this much
_MAX_CANDIDATES = 5
_FUZZY_DISTRICT_MIN = 65.0  # lowest similarity accepted among the tambons of a typed district
_FUZZY_DISTRICT_MARGIN = 15.0  # ... when the best beats the next one by this much
_DISTRICT_MAX = 40  # the lower threshold only applies to a district of at most this many tambons

# The rules that decide a row, named at the end of its note ("...; rule: moved-adjacent").
RULE_CODE = "code"
RULE_CODE_IN_NAME = "code-in-name-column"
RULE_NAMES = "names"
RULE_PROVINCE_ONLY = "name-in-province"
RULE_NATIONAL = "name-in-country"
RULE_OLD_DISTRICT = "old-district"
RULE_MOVED = "moved"
RULE_MOVED_HISTORY = "moved-history"
RULE_MOVED_ADJACENT = "moved-adjacent"
RULE_ABOLISHED = "abolished"
RULE_PROVINCE_SPLIT = "province-split"
RULE_PROVINCE_TRANSFER = "province-transfer"
RULE_CUT = "cut-name"
RULE_ABBREVIATION = "abbreviation"
RULE_BAN = "ban-word"
RULE_DISTRICT_NAME = "district-name"
RULE_SPELLING = "spelling-variant"
RULE_SKELETON = "skeleton"
RULE_FUZZY = "fuzzy"
RULE_FUZZY_PROVINCE = "fuzzy-province"
RULE_FUZZY_DISTRICT = "fuzzy-district"
RULE_FUZZY_DISTRICT_NAME = "fuzzy-district-name"
RULE_SEVERAL = "several"
RULE_NONE = "none"
RULE_BLANK = "blank"
#: Every rule a note can name.
RULES: tuple[str, ...] = tuple(v for k, v in dict(globals()).items() if k.startswith("RULE_"))


def _noted(notes: Sequence[str], rule: str) -> str:
    """Return the notes of a row, with the rule that decided it last."""
    return "; ".join([*(n for n in notes if n), f"rule: {rule}"])


def _without_rule(note: str) -> str:
    return "; ".join(p for p in note.split("; ") if not p.startswith("rule: "))


class _Result(NamedTuple):
    status: str
    code: str | None
    score: float
    candidates: tuple[tuple[str, float], ...] = ()
    note: str = ""
