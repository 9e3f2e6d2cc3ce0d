"""The controlled, bilingual vocabularies of tambon plans: plan types, plan statuses, policy issues.

A policy issue has an id (``food_security``), a Thai and an English name and aliases: the
spellings already in use in the councils' spreadsheets (``ที่ดินและป่าไม้`` for forest and land).
The four issues the national assembly of community organization councils raised are built in
(:data:`POLICY_ISSUES`); a store extends the list with its own (see
:func:`tambon_gis.plans.add_policy_issues`). Text is compared after
:func:`tambon_gis.names.clean_text` (Thai digits, sara am typed as nikhahit + sara aa,
zero-width characters, spaces) and case folding, so every spelling of one alias is one key.

Examples
--------
>>> from tambon_gis.vocabulary import parse_plan_type, parse_plan_status, split_issues
>>> parse_plan_type("แผนพัฒนาเกษตรกรรมระดับตำบล"), parse_plan_status("ประกาศใช้แล้ว")
('agricultural', 'adopted')
>>> split_issues("ที่ดินและป่าไม้; ความมั่นคงทางอาหาร")
['ที่ดินและป่าไม้', 'ความมั่นคงทางอาหาร']
>>> issue_lookup()[issue_key("ที่ดินและป่าไม้")]
'forest_land'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from tambon_gis.names import clean_text

#: Plan types: id -> (Thai name, English name, aliases).
PLAN_TYPES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "development": (
        "แผนพัฒนาตำบล", "Tambon development plan",
        ("แผนพัฒนาตำบล", "พัฒนาตำบล", "แผนพัฒนา", "แผนชุมชน", "แผนพัฒนาชุมชนตำบล", "development",
         "tambon development plan", "development plan", "dev"),
    ),
    "agricultural": (
        "แผนพัฒนาเกษตรกรรมระดับตำบล", "Tambon agricultural development plan",
        ("แผนพัฒนาเกษตรกรรมระดับตำบล", "แผนพัฒนาเกษตรกรรม", "แผนเกษตรตำบล", "แผนเกษตร",
         "แผนพัฒนาการเกษตร", "แผนพัฒนาการเกษตรระดับตำบล", "เกษตร", "agricultural",
         "agriculture", "agricultural plan", "tambon agricultural development plan", "agri"),
    ),
}  # fmt: skip

#: Plan statuses: id -> (Thai name, English name, aliases), in the order of a plan's life.
PLAN_STATUSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "none": ("ยังไม่มีแผน", "No plan", ("ยังไม่มีแผน", "ยังไม่มี", "ไม่มี", "ไม่มีแผน", "none", "no plan")),
    "drafting": (
        "อยู่ระหว่างจัดทำ", "Drafting",
        ("อยู่ระหว่างจัดทำ", "กำลังจัดทำ", "ระหว่างจัดทำ", "จัดทำ", "ร่าง", "drafting", "draft",
         "in preparation"),
    ),
    "adopted": (
        "ประกาศใช้แล้ว", "Adopted",
        ("ประกาศใช้แล้ว", "ประกาศใช้", "ใช้แล้ว", "อนุมัติแล้ว", "อนุมัติ", "มีแผนแล้ว", "มีแล้ว",
         "มี", "adopted", "approved", "in force"),
    ),
    "under review": (
        "อยู่ระหว่างทบทวน", "Under review",
        ("อยู่ระหว่างทบทวน", "ทบทวน", "กำลังทบทวน", "ปรับปรุง", "อยู่ระหว่างปรับปรุง",
         "under review", "review", "revising"),
    ),
}  # fmt: skip

#: The built-in policy issues: id -> (Thai name, English name, aliases).
POLICY_ISSUES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "forest_land": (
        "ป่าไม้และที่ดินที่อยู่อาศัย", "Forest, land and housing",
        ("ป่าไม้และที่ดินที่อยู่อาศัย", "ที่ดินและป่าไม้", "ป่าไม้และที่ดิน", "ที่ดินป่าไม้", "ป่าไม้ที่ดิน",
         "ที่ดิน", "ป่าไม้", "ที่อยู่อาศัย", "ที่ดินทำกิน", "ที่ดินและที่อยู่อาศัย", "forest and land",
         "land and forest", "forest, land and housing", "land", "forest", "housing"),
    ),
    "food_security": (
        "ความมั่นคงทางอาหาร", "Food security",
        ("ความมั่นคงทางอาหาร", "ความมั่นคงด้านอาหาร", "ความมั่นคงอาหาร", "อาหาร",
         "food security", "food"),
    ),
    "cptpp": (
        "ความตกลง CPTPP", "CPTPP",
        ("ความตกลง CPTPP", "CPTPP", "ซีพีทีพีพี", "ความตกลงซีพีทีพีพี", "ผลกระทบ CPTPP",
         "ความตกลงที่ครอบคลุมและก้าวหน้าสำหรับหุ้นส่วนทางเศรษฐกิจภาคพื้นแปซิฟิก"),
    ),
    "grassroots_production": (
        "ระบบการผลิตของเศรษฐกิจฐานราก", "Grassroots production system",
        ("ระบบการผลิตของเศรษฐกิจฐานราก", "ระบบการผลิตเศรษฐกิจฐานราก", "การผลิตฐานราก",
         "ระบบการผลิตฐานราก", "เศรษฐกิจฐานราก", "grassroots production system",
         "grassroots production", "grassroots economy"),
    ),
}  # fmt: skip

#: Separators between several values in one cell (a comma, semicolon, slash, bar or new line;
#: never "และ", which is part of names such as ที่ดินและป่าไม้).
_SPLIT = re.compile(r"\s*[,;/|\n\r、，；]+\s*")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
#: Column names of plan facts (:func:`tambon_gis.plans.plan_facts`).
PLAN_FACT = re.compile(
    r"^(has_adopted_(development|agricultural)_plan|has_adopted_plans|raises_[a-z][a-z0-9_]*"
    r"|plan_(development|agricultural|budget)|n_plan_items|n_policy_issues)$"
)


#: Fullwidth ASCII (ＣＰＴＰＰ, typed with a Thai or CJK input method) -> ASCII.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
#: What may surround a value in a cell without changing it: quotes, brackets, full stops.
_EDGES = " \t\"'“”‘’()[]{}<>.:;*•-–—"


def issue_key(text: object) -> str:
    """Return the comparison key of a vocabulary text.

    Cleaned (:func:`tambon_gis.names.clean_text`), fullwidth letters as ASCII, without the
    quotes, brackets and full stops around it, case-folded, no spaces: ``"(อาหาร)."`` and
    ``ＣＰＴＰＰ`` are ``อาหาร`` and ``cptpp``.
    """
    cleaned = clean_text(text).translate(_FULLWIDTH).strip(_EDGES)
    return re.sub(r"\s+", "", cleaned.casefold())


def split_issues(text: object) -> list[str]:
    """Split a cell of several values (``a; b``, ``a, b``, ``a / b``) into its parts."""
    cleaned = clean_text(text)
    return [p for p in _SPLIT.split(cleaned) if p]


def _lookup(table: Mapping[str, tuple[str, str, tuple[str, ...]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for ident, (th, en, aliases) in table.items():
        for alias in (ident, th, en, *aliases):
            out.setdefault(issue_key(alias), ident)
    return out


_TYPE_KEYS = _lookup(PLAN_TYPES)
_STATUS_KEYS = _lookup(PLAN_STATUSES)


def parse_plan_type(text: object) -> str | None:
    """Return the plan type id of a typed plan type (Thai or English), or ``None``."""
    return _TYPE_KEYS.get(issue_key(text))


def parse_plan_status(text: object) -> str | None:
    """Return the plan status id of a typed status (Thai or English), or ``None``."""
    return _STATUS_KEYS.get(issue_key(text))


def issue_lookup(
    extra: Iterable[tuple[str, str, str, Iterable[str]]] = (),
) -> dict[str, str]:
    """Return ``{key: issue_id}`` of the built-in issues and of ``extra``.

    Parameters
    ----------
    extra : iterable of (issue_id, name_th, name_en, aliases)
        Issues a store adds (or aliases it adds to a built-in issue). A key that two issues
        claim stays with the first (the built-in one).
    """
    out = _lookup(POLICY_ISSUES)
    for ident, th, en, aliases in extra:
        for alias in (ident, th, en, *aliases):
            key = issue_key(alias)
            if key:
                out.setdefault(key, ident)
    return out


def check_issue_id(value: object) -> str:
    """Return ``value`` as an issue id, or raise ``ValueError`` naming the rule."""
    ident = str(value).strip()
    if not _ID.match(ident):
        raise ValueError(
            f"policy issue id {value!r}: expected 2-40 lower-case ASCII letters, digits or _ "
            "starting with a letter, e.g. 'water_management'"
        )
    return ident


def plan_type_label(plan_type: str, *, lang: str = "th") -> str:
    """Return the Thai (default) or English name of a plan type id."""
    th, en, _ = PLAN_TYPES[plan_type]
    return th if lang == "th" else en


def plan_status_label(status: str, *, lang: str = "th") -> str:
    """Return the Thai (default) or English name of a plan status id."""
    th, en, _ = PLAN_STATUSES[status]
    return th if lang == "th" else en


#: The public names of this module.
__all__ = [
    "PLAN_FACT",
    "PLAN_STATUSES",
    "PLAN_TYPES",
    "POLICY_ISSUES",
    "check_issue_id",
    "issue_key",
    "issue_lookup",
    "parse_plan_status",
    "parse_plan_type",
    "plan_status_label",
    "plan_type_label",
    "split_issues",
]
