"""Find the tambon of every row of a hand-typed table, and say how it was found.

:func:`match_areas` reads codes first, then names top down (province → amphoe → tambon)
with the rules of :mod:`tambon_gis.names` (a whole address typed in one cell is split into
its parts first), and falls back, in order, to the gazetteer's history of the typed district
(codes that moved), to variants of a name of the typed district (``ฯ`` for omitted letters,
``บ้าน`` added or dropped, the district's own name, spelling variants), to the same tambon
name elsewhere in the province (told apart by the history and the adjacency of districts),
to abolished areas and provinces split off or transferred, and to a fuzzy match with a score.
The note of every row ends with the name of the rule that decided it (``rule: moved``; see
:data:`RULES`). It works on the unique combinations of the typed values and maps the answers
back, so a million rows with a few thousand distinct combinations match in about a second.

Every row gets one status:

============  ==============================================================================
status        meaning
============  ==============================================================================
code          a 6-digit DOPA code (or ``TH`` PCODE) of a tambon in force was given
exact         the typed names are the official Thai or English names
normalized    the names match after clean-up (prefixes, ``อ.เมือง``, short province names ...)
moved         the amphoe does not hold that tambon, but the province holds exactly one tambon
              of that name (tambons move when new districts are created)
historical    an abolished or moved area, or a province split off, found in the gazetteer's
              history; the row gets the code in force
fuzzy         a misspelt name matched one tambon with a similarity ``score`` (0–100)
ambiguous     more than one tambon fits; the ``candidates`` are listed and none is chosen
unmatched     no tambon fits; the nearest ``candidates`` are listed
============  ==============================================================================

The package holds one concern per module: :mod:`~tambon_gis.matching.statuses` (statuses,
rules, result columns), :mod:`~tambon_gis.matching.index` (the index of the official names),
:mod:`~tambon_gis.matching.resolver` (the rules for one combination),
:mod:`~tambon_gis.matching.report` (:class:`MatchReport`) and
:mod:`~tambon_gis.matching.api` (:func:`match_areas`); everything public is imported here.

Examples
--------
>>> import pandas as pd
>>> from tambon_gis.matching import match_areas
>>> table = pd.DataFrame({
...     "จังหวัด": ["โคราช", "นครราชสีมา", "จ.ตราด"],
...     "อำเภอ": ["อ.เมือง", "", "เขาสมิง"],
...     "ตำบล": ["ต.ในเมือง", "ในเมือง", "ประนีต"],
... })
>>> report = match_areas(table, province="จังหวัด", amphoe="อำเภอ", tambon="ตำบล")
>>> report.to_frame()[["tambon_code", "status"]].values.tolist()
[['300101', 'normalized'], [nan, 'ambiguous'], ['230306', 'fuzzy']]
"""

from __future__ import annotations

from tambon_gis.matching.api import match_areas
from tambon_gis.matching.index import _index as _index  # used by tambon_gis.join
from tambon_gis.matching.report import MatchReport
from tambon_gis.matching.resolver import raw_in
from tambon_gis.matching.statuses import (
    ATTENTION,
    MATCHED,
    RESULT_COLUMNS,
    RULE_ABBREVIATION,
    RULE_ABOLISHED,
    RULE_BAN,
    RULE_BLANK,
    RULE_CODE,
    RULE_CODE_IN_NAME,
    RULE_CUT,
    RULE_DISTRICT_NAME,
    RULE_FUZZY,
    RULE_FUZZY_DISTRICT,
    RULE_FUZZY_DISTRICT_NAME,
    RULE_FUZZY_PROVINCE,
    RULE_MOVED,
    RULE_MOVED_ADJACENT,
    RULE_MOVED_HISTORY,
    RULE_NAMES,
    RULE_NATIONAL,
    RULE_NONE,
    RULE_OLD_DISTRICT,
    RULE_PROVINCE_ONLY,
    RULE_PROVINCE_SPLIT,
    RULE_PROVINCE_TRANSFER,
    RULE_SEVERAL,
    RULE_SKELETON,
    RULE_SPELLING,
    RULES,
    STATUSES,
)

# In the order of the old module, which the API page follows (members_order: __all__).
__all__ = [  # noqa: RUF022
    "STATUSES",
    "MATCHED",
    "ATTENTION",
    "RESULT_COLUMNS",
    "RULE_CODE",
    "RULE_CODE_IN_NAME",
    "RULE_NAMES",
    "RULE_PROVINCE_ONLY",
    "RULE_NATIONAL",
    "RULE_OLD_DISTRICT",
    "RULE_MOVED",
    "RULE_MOVED_HISTORY",
    "RULE_MOVED_ADJACENT",
    "RULE_ABOLISHED",
    "RULE_PROVINCE_SPLIT",
    "RULE_PROVINCE_TRANSFER",
    "RULE_CUT",
    "RULE_ABBREVIATION",
    "RULE_BAN",
    "RULE_DISTRICT_NAME",
    "RULE_SPELLING",
    "RULE_SKELETON",
    "RULE_FUZZY",
    "RULE_FUZZY_PROVINCE",
    "RULE_FUZZY_DISTRICT",
    "RULE_FUZZY_DISTRICT_NAME",
    "RULE_SEVERAL",
    "RULE_NONE",
    "RULE_BLANK",
    "RULES",
    "raw_in",
    "MatchReport",
    "match_areas",
]
