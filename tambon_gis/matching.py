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

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from tambon_gis._errors import SchemaError, ValidationError
from tambon_gis._export import safe_excel_writer, write_csv
from tambon_gis._logging import get_logger
from tambon_gis.names import (
    _MARKS,
    PROVINCE_SPLITS,
    _province_code_of_key,
    abbreviation_fits,
    abbreviation_parts,
    clean_code,
    clean_text,
    loose_skeleton,
    normalize_name,
    skeleton,
    split_address,
)

log = get_logger(__name__)

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


def _province_neighbours(neighbours: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, bs in neighbours.items():
        for b in bs:
            if a[:2] != b[:2]:
                out.setdefault(a[:2], set()).add(b[:2])
    return {k: frozenset(v) for k, v in out.items()}


# --------------------------------------------------------------------------------------------
# The index of the gazetteer
# --------------------------------------------------------------------------------------------


class _Result(NamedTuple):
    status: str
    code: str | None
    score: float
    candidates: tuple[tuple[str, float], ...] = ()
    note: str = ""


def _rows(df: pd.DataFrame, columns: list[str]) -> list[Any]:
    """Rows of some columns as named tuples, read through plain lists (fast on Arrow strings)."""
    from collections import namedtuple

    row = namedtuple("row", columns)  # type: ignore[misc]
    return [row(*values) for values in zip(*(df[c].tolist() for c in columns), strict=True)]


def _add(d: dict[Any, list[str]], key: Any, value: str) -> None:
    lst = d.setdefault(key, [])
    if value not in lst:
        lst.append(value)


class _Index:
    """Lookup tables built once from the gazetteer."""

    def __init__(self) -> None:
        from tambon_gis import gazetteer

        t = gazetteer.tambons()
        a = gazetteer.amphoes()
        c = gazetteer.changwats()
        ab = gazetteer.abolished()
        cols = ["tambon_th", "tambon_en", "amphoe_code", "amphoe_th", "amphoe_en"]
        cols += ["changwat_code", "changwat_th", "changwat_en"]
        self.tambon: dict[str, tuple[str, ...]] = {
            r[0]: tuple(r[1:])
            for r in zip(*(t[col].tolist() for col in ["tambon_code", *cols]), strict=True)
        }
        self.changwat_names: dict[str, set[str]] = {
            r.changwat_code: {r.changwat_th, r.changwat_en} for r in c.itertuples(index=False)
        }
        self.amphoe_names: dict[str, set[str]] = {
            r.amphoe_code: {r.amphoe_th, r.amphoe_en} for r in a.itertuples(index=False)
        }
        self.amphoe_label = dict(zip(a["amphoe_code"], a["amphoe_th"], strict=True))
        self.changwat_label = dict(zip(c["changwat_code"], c["changwat_th"], strict=True))
        self.tambon_names: dict[str, set[str]] = {
            code: {v[0], v[1]} for code, v in self.tambon.items()
        }
        # provinces
        self.prov_keys: dict[str, str] = {}
        for r in c.itertuples(index=False):
            for name in (r.changwat_th, r.changwat_en):
                self.prov_keys[normalize_name(name, level="changwat")] = r.changwat_code
        self.prov_skel: dict[str, list[str]] = {}
        for k, code in self.prov_keys.items():
            _add(self.prov_skel, skeleton(k), code)
        # amphoes
        self.amp_by_prov: dict[str, dict[str, list[str]]] = {}
        self.amp_national: dict[str, list[str]] = {}
        for r in _rows(a, ["amphoe_code", "amphoe_th", "amphoe_en", "changwat_code"]):
            keys = {normalize_name(r.amphoe_th, level="amphoe")}
            keys.add(normalize_name(r.amphoe_en, level="amphoe"))
            if r.amphoe_code.endswith("01") and r.changwat_code != "10":
                keys |= {"เมือง", "mueang"}
                for k in list(keys):
                    if k.startswith("เมือง") and len(k) > 5:
                        keys.add(k[5:])  # "นครศรีธรรมราช" for เมืองนครศรีธรรมราช
                    if k.startswith("mueang") and len(k) > 6:
                        keys.add(k[6:])
            for k in keys:
                if k:
                    _add(self.amp_by_prov.setdefault(r.changwat_code, {}), k, r.amphoe_code)
                    _add(self.amp_national, k, r.amphoe_code)
        # drop short forms that clash with another amphoe of the province
        for per in self.amp_by_prov.values():
            for k in list(per):
                if len(per[k]) > 1:
                    full = [
                        code
                        for code in per[k]
                        if k in {normalize_name(n, level="amphoe") for n in self.amphoe_names[code]}
                    ]
                    per[k] = full or per[k]
        self.amp_skel: dict[str, dict[str, list[str]]] = {}
        for pc, per in self.amp_by_prov.items():
            for k, codes in per.items():
                for code in codes:
                    _add(self.amp_skel.setdefault(pc, {}), skeleton(k), code)
        # tambons
        self.tam_by_amp: dict[str, dict[str, list[str]]] = {}
        self.tam_by_prov: dict[str, dict[str, list[str]]] = {}
        self.tam_national: dict[str, list[str]] = {}
        for code, v in self.tambon.items():
            keys = {normalize_name(v[0], level="tambon"), normalize_name(v[1], level="tambon")}
            if "(" in v[0]:  # "ปอภาร (ปอพาน)": the name in brackets too
                inner = v[0][v[0].index("(") + 1 :].rstrip(")")
                keys.add(normalize_name(inner, level="tambon"))
            for k in keys:
                if k:
                    _add(self.tam_by_amp.setdefault(v[2], {}), k, code)
                    _add(self.tam_by_prov.setdefault(v[5], {}), k, code)
                    _add(self.tam_national, k, code)
        self.tam_skel_by_amp: dict[str, dict[str, list[str]]] = {}
        self.tam_skel_by_prov: dict[str, dict[str, list[str]]] = {}
        for amp, per in self.tam_by_amp.items():
            for k, codes in per.items():
                for code in codes:
                    _add(self.tam_skel_by_amp.setdefault(amp, {}), skeleton(k), code)
                    _add(self.tam_skel_by_prov.setdefault(amp[:2], {}), skeleton(k), code)
        # history
        self.abolished: dict[str, tuple[str, tuple[str, ...], str]] = {}
        self.abol_tam: dict[tuple[str, str], list[str]] = {}
        self.abol_amp: dict[tuple[str, str], list[str]] = {}
        for r in _rows(ab, ["code", "level", "name_th", "name_en", "successors", "abolished_on"]):
            succ = tuple(s for s in str(r.successors or "").split() if s)
            self.abolished[r.code] = (str(r.name_th), succ, str(r.abolished_on))
            lvl = "amphoe" if r.level == "district" else "tambon"
            names = {normalize_name(r.name_th, level=lvl)}
            if isinstance(r.name_en, str):
                names.add(normalize_name(r.name_en, level=lvl))
            for k in names:
                if not k:
                    continue
                if r.level == "district":
                    _add(self.abol_amp, (r.code[:2], k), r.code)
                else:
                    _add(self.abol_tam, (r.code[:2], k), r.code)
        # districts that received tambons (codes that moved) from a district, and back
        self.lineage: dict[str, set[str]] = {}
        for old, (_name, succ, _when) in self.abolished.items():
            if len(old) != 6:
                continue
            for s in succ:
                if len(s) == 6 and s[:4] != old[:4]:
                    self.lineage.setdefault(old[:4], set()).add(s[:4])
                    self.lineage.setdefault(s[:4], set()).add(old[:4])
        self.split_children: dict[str, list[str]] = {}
        for new, old, _year in PROVINCE_SPLITS:
            _add(self.split_children, old, new)
        # exact fast path: (changwat, amphoe key, tambon key) -> codes
        self.fast: dict[tuple[str, str, str], list[str]] = {}
        for pc, per in self.amp_by_prov.items():
            for ak, amps in per.items():
                for amp in amps:
                    for tk, codes in self.tam_by_amp.get(amp, {}).items():
                        for code in codes:
                            _add(self.fast, (pc, ak, tk), code)

    # -- helpers --------------------------------------------------------------------------

    def full_name(self, code: str) -> str:
        v = self.tambon.get(code)
        if v is None:
            return code
        if v[5] == "10":
            return f"แขวง{v[0]} {v[3]} {v[6]} ({code})"
        return f"ต.{v[0]} อ.{v[3]} จ.{v[6]} ({code})"

    def successors_in_force(self, old: str) -> list[str]:
        """Follow the successors of an abolished code until codes in force."""
        out: list[str] = []
        todo, seen = [old], set()
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            if c in self.tambon or (len(c) == 4 and c in self.amphoe_names):
                out.append(c)
            elif c in self.abolished:
                todo.extend(self.abolished[c][1])
        return sorted(set(out))


@cache
def _index() -> _Index:
    return _Index()


def _fuzzy(
    key: str, choices: dict[str, list[str]], *, limit: int = _MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """Rank the codes of ``choices`` by the similarity of their key to ``key``."""
    from rapidfuzz import fuzz, process

    if not key or not choices:
        return []
    best: dict[str, float] = {}
    for k, score, _ in process.extract(
        key, list(choices), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=40
    ):
        for code in choices[k]:
            if score > best.get(code, -1):
                best[code] = round(float(score), 1)
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _few_edits(typed: str, official: str) -> bool:
    """Tell whether two name keys differ by a spelling slip.

    At most one edit per four letters of their loose skeletons (a tone, a vowel length, a
    look-alike letter, a letter dropped or doubled), not a different word (``คลองม่วง`` is not
    ``หนองม่วง``).
    """
    from rapidfuzz.distance import Levenshtein

    a, b = loose_skeleton(typed), loose_skeleton(official)
    edits = min(Levenshtein.distance(a, b), Levenshtein.distance(typed, official))
    return edits <= max(1, min(len(typed), len(official)) // 4)


def _pick(ranked: list[tuple[str, float]], key: str) -> str | None:
    """Return the one clear winner of a fuzzy ranking, or ``None``."""
    if not ranked or len(key) < 3:
        return None
    best_code, best = ranked[0]
    need = _FUZZY_MIN if len(key) >= 5 else 88.0
    if best < need:
        return None
    if len(ranked) > 1 and ranked[1][1] > best - _FUZZY_MARGIN:
        return None
    return best_code


# --------------------------------------------------------------------------------------------
# Resolving one combination
# --------------------------------------------------------------------------------------------


class _Resolver:
    def __init__(self, index: _Index, neighbours: dict[str, frozenset[str]]) -> None:
        self.ix = index
        self.neighbours = neighbours
        self.province_neighbours = _province_neighbours(neighbours)

    # province ---------------------------------------------------------------------------
    def province(self, raw: str, key: str) -> tuple[str | None, str, float, str]:
        """-> (changwat code, how, score, note); how in exact/normalized/fuzzy/missing/unknown."""
        if not key:
            return None, "missing", 100.0, ""
        if key.isdigit() and key in self.ix.changwat_label:  # a changwat code: "32"
            return key, "normalized", 100.0, ""
        pc = _province_code_of_key(key)
        if pc is not None:
            how = "exact" if raw_in(raw, self.ix.changwat_names[pc]) else "normalized"
            return pc, how, 100.0, ""
        skel = self.ix.prov_skel.get(skeleton(key), [])
        ranked = _fuzzy(key, {k: [c] for k, c in self.ix.prov_keys.items()})
        if len(skel) == 1:
            score = next((s for c, s in ranked if c == skel[0]), 90.0)
            note = f"province {raw!r} read as {self.ix.changwat_label[skel[0]]}"
            return skel[0], "fuzzy", max(score, 85.0), note
        pick = _pick(ranked, key)
        if pick is not None:
            note = f"province {raw!r} read as {self.ix.changwat_label[pick]}"
            return pick, "fuzzy", ranked[0][1], note
        return None, "unknown", 0.0, f"province {raw!r} not recognised"

    # amphoe -----------------------------------------------------------------------------
    def amphoe(self, pc: str, raw: str, key: str) -> tuple[list[str], str, float, str]:
        """-> (amphoe codes, how, score, note); how in exact/normalized/historical/fuzzy/unknown."""
        ix = self.ix
        per = ix.amp_by_prov.get(pc, {})
        codes = per.get(key)
        if key.isdigit() and key in ix.amphoe_label and key.startswith(pc):  # "3203"
            return [key], "normalized", 100.0, ""
        if codes:
            how = "exact" if any(raw_in(raw, ix.amphoe_names[c]) for c in codes) else "normalized"
            return list(codes), how, 100.0, ""
        # history: an abolished district of this province, or a province split off
        old = ix.abol_amp.get((pc, key), [])
        succ = sorted({s for o in old for s in ix.successors_in_force(o) if len(s) == 4})
        if not succ:
            for child in ix.split_children.get(pc, []):
                succ += ix.amp_by_prov.get(child, {}).get(key, [])
        if succ:
            names = ", ".join(
                f"อ.{ix.amphoe_label[s]} จ.{ix.changwat_label[s[:2]]}" for s in succ
            )
            return succ, "historical", 100.0, f"amphoe {raw!r} is now {names}"
        # "เมืองโคราช", "อ.เมืองอุบลฯ", "Mueang Korat": เมือง + a short name of this province
        for word in ("เมือง", "mueang"):
            rest = key[len(word) :]
            if key.startswith(word) and rest and _province_code_of_key(rest) == pc:
                capital = [c for c in per.get(word, []) if c.endswith("01")]
                if len(capital) == 1:
                    note = f"amphoe {raw!r} read as {ix.amphoe_label[capital[0]]}"
                    return capital, "normalized", 100.0, note
        # a name cut short or abbreviated (ฯ, HDX 50-byte names)
        if len(key) >= 4:
            cut = len(raw.encode("utf-8")) >= 45 or raw.rstrip().endswith("ฯ")
            pref = sorted(
                {
                    c
                    for k, cs in per.items()
                    if k.startswith(key)
                    and (cut or len(k) == len(key) or k[len(key)] not in _MARKS)
                    for c in cs
                }
            )
            if len(pref) == 1:
                note = f"amphoe {raw!r} read as {ix.amphoe_label[pref[0]]}"
                if cut:  # an abbreviation (ฯ) or a name cut at 50 bytes: a rule, not a guess
                    return pref, "normalized", 100.0, note
                score = next((s for c, s in _fuzzy(key, per) if c == pref[0]), 80.0)
                return pref, "fuzzy", score, note
        # ฯ standing for omitted letters inside the name: "เฉลิมฯ ตะวันออก"
        parts = abbreviation_parts(raw, level="amphoe")
        if parts is not None and len(parts) > 1 and parts[-1]:
            fit = sorted({c for k, cs in per.items() if abbreviation_fits(parts, k) for c in cs})
            if len(fit) == 1:
                note = f"amphoe {raw!r} (ฯ for omitted letters) read as {ix.amphoe_label[fit[0]]}"
                return fit, "normalized", 100.0, note
        skel = ix.amp_skel.get(pc, {}).get(skeleton(key), [])
        ranked = _fuzzy(key, per)
        if len(skel) == 1:
            score = next((s for c, s in ranked if c == skel[0]), 85.0)
            return skel, "fuzzy", score, f"amphoe {raw!r} read as {ix.amphoe_label[skel[0]]}"
        pick = _pick(ranked, key)
        if pick is not None:
            return [pick], "fuzzy", ranked[0][1], f"amphoe {raw!r} read as {ix.amphoe_label[pick]}"
        return [], "unknown", 0.0, f"amphoe {raw!r} not found in {ix.changwat_label[pc]}"

    # tambon within a scope ------------------------------------------------------------
    def _history(self, pcs: Iterable[str], key: str, amps: Sequence[str]) -> list[str]:
        ix = self.ix
        found: set[str] = set()
        for pc in pcs:
            for old in ix.abol_tam.get((pc, key), []):
                if amps and old[:4] not in amps and not any(
                    s[:4] in amps for s in ix.successors_in_force(old)
                ):
                    continue
                found.update(ix.successors_in_force(old))
        return sorted(found)

    def names(self, p_raw: str, a_raw: str, t_raw: str) -> _Result:
        ix = self.ix
        pk = normalize_name(p_raw, level="changwat")
        ak = normalize_name(a_raw, level="amphoe")
        tk = normalize_name(t_raw, level="tambon")
        if not tk:
            return _Result("unmatched", None, 0.0, (), "no tambon name; rule: blank")
        notes: list[str] = []
        pc, p_how, p_score, note = self.province(p_raw, pk)
        if note:
            notes.append(note)
        # fast path: every level found by its key
        if pc is not None and ak:
            codes = ix.fast.get((pc, ak, tk))
            if codes and len(codes) == 1:
                code = codes[0]
                exact = (
                    p_how == "exact"
                    and raw_in(a_raw, ix.amphoe_names[code[:4]])
                    and raw_in(t_raw, ix.tambon_names[code])
                )
                status = "exact" if exact else ("fuzzy" if p_how == "fuzzy" else "normalized")
                score = p_score if p_how == "fuzzy" else 100.0
                return _Result(status, code, score, (), _noted(notes, RULE_NAMES))

        pcs = [pc] if pc is not None else sorted(ix.tam_by_prov)
        how = [p_how] if p_how in ("exact", "normalized", "fuzzy") else []
        scores = [p_score] if p_how == "fuzzy" else []
        # amphoe
        amps: list[str] = []
        a_how = "missing"
        if ak:
            if pc is not None:
                amps, a_how, a_score, note = self.amphoe(pc, a_raw, ak)
            else:
                amps = list(ix.amp_national.get(ak, []))
                exact_a = any(raw_in(a_raw, ix.amphoe_names[c]) for c in amps)
                a_how = ("exact" if exact_a else "normalized") if amps else "unknown"
                a_score, note = (100.0, "") if amps else (0.0, "")
                if len(amps) > 1 and ak in ("เมือง", "mueang"):
                    amps, a_how = [], "unknown"
            if note:
                notes.append(note)
            if a_how == "fuzzy":
                scores.append(a_score)
            if a_how in ("exact", "normalized", "fuzzy", "historical"):
                how.append(a_how)
            if amps and pc is None:
                pcs = sorted({a[:2] for a in amps})

        old_amps = ix.abol_amp.get((pc, ak), []) if (pc is not None and ak) else []

        def finish(code: str, extra: str, rule: str, score: float | None = None) -> _Result:
            hs = [*how, extra]
            status = max(hs, key=lambda h: _RANK[h]) if hs else "normalized"
            if status == "exact":
                exact = (
                    (not p_raw or raw_in(p_raw, ix.changwat_names[code[:2]]))
                    and (not a_raw or raw_in(a_raw, ix.amphoe_names[code[:4]]))
                    and raw_in(t_raw, ix.tambon_names[code])
                )
                status = "exact" if exact else "normalized"
            if p_how == "unknown" and _RANK[status] < _RANK["fuzzy"]:
                status = "fuzzy"
                scores.append(60.0)
            sc = min([*scores, *([score] if score is not None else [])], default=100.0)
            return _Result(status, code, round(sc, 1), (), _noted(notes, rule))

        def several(codes: Sequence[str], why: str, rule: str) -> _Result:
            cands = tuple((c, 100.0) for c in sorted(set(codes))[:_MAX_CANDIDATES])
            notes.append(why)
            return _Result("ambiguous", None, 100.0, cands, _noted(notes, rule))

        # 0. an old district typed: the tambon's own history decides first
        if a_how == "historical" and old_amps:
            succ0 = sorted(
                {
                    c
                    for o in ix.abol_tam.get((pc, tk), [])  # type: ignore[arg-type]
                    if o[:4] in old_amps
                    for c in ix.successors_in_force(o)
                }
            )
            here = {c for a in amps for c in ix.tam_by_amp.get(a, {}).get(tk, [])}
            union = sorted(set(succ0) | here)
            if len(union) == 1:
                return finish(union[0], "historical", RULE_OLD_DISTRICT)
            if len(union) > 1:
                return several(
                    union,
                    "the gazetteer's history and the district's successor disagree",
                    RULE_OLD_DISTRICT,
                )
        # 1. the tambon in the amphoe
        variant: tuple[list[str], str, str, float] | None = None
        if amps:
            found = sorted({c for a in amps for c in ix.tam_by_amp.get(a, {}).get(tk, [])})
            if len(found) == 1:
                return finish(found[0], "exact", RULE_NAMES)
            if len(found) > 1:
                return several(
                    found, f"{len(found)} tambons named {t_raw!r} in the amphoe", RULE_SEVERAL
                )
            # 1b. the tambon's own history in the typed district: a code that moved
            if pc is not None:
                olds = [o for o in ix.abol_tam.get((pc, tk), []) if o[:4] in amps]
                moved_to = sorted({s for o in olds for s in ix.successors_in_force(o)})
                if len(moved_to) == 1 and len(moved_to[0]) == 6:
                    code = moved_to[0]
                    when = ix.abolished[olds[0]][2]
                    notes.append(
                        f"{olds[0]} in {ix.amphoe_label.get(olds[0][:4], olds[0][:4])} "
                        f"became {code} in {ix.amphoe_label[code[:4]]} on {when}"
                    )
                    return finish(code, "historical", RULE_MOVED_HISTORY)
            # 1c. the typed name is a variant of a tambon of the typed district (not when the
            # name is of an abolished tambon of the district: its successors decide, step 3)
            if not (pc is not None and any(o[:4] in amps for o in ix.abol_tam.get((pc, tk), []))):
                scope_a = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                variant = self._variant(scope_a, tk, t_raw, amps)
        elif a_how == "unknown" and pc is not None:
            # an amphoe of a neighbouring province: a district transferred between provinces
            moved_p = self._transferred(pc, ak, tk)
            if moved_p:
                in_pc = ix.tam_by_prov.get(pc, {}).get(tk, [])
                if len(moved_p) == 1 and not in_pc:
                    code = moved_p[0]
                    notes.append(
                        f"อ.{ix.amphoe_label[code[:4]]} is in จ.{ix.changwat_label[code[:2]]}"
                    )
                    return finish(code, "historical", RULE_PROVINCE_TRANSFER)
                return several(
                    [*moved_p, *in_pc],
                    f"{t_raw!r} fits a district of that name in a neighbouring province and "
                    f"a tambon of {ix.changwat_label[pc]}",
                    RULE_PROVINCE_TRANSFER,
                )
        # 2. the same name elsewhere in the province (moved), or anywhere when no amphoe
        in_prov = sorted({c for p in pcs for c in ix.tam_by_prov.get(p, {}).get(tk, [])})
        if amps:
            in_prov = [c for c in in_prov if c[:4] not in amps]
        if variant is not None:
            v_codes, v_rule, v_note, v_score = variant
            if not in_prov and len(v_codes) == 1:
                notes.append(v_note)
                status = "fuzzy" if v_rule in (RULE_SPELLING,) else "normalized"
                return finish(v_codes[0], status, v_rule, v_score if status == "fuzzy" else None)
            if in_prov or len(v_codes) > 1:
                why = v_note
                if in_prov:
                    why += f", and {len(in_prov)} tambon(s) of that name in other districts"
                return several([*v_codes, *in_prov], why, v_rule)
        if len(in_prov) == 1:
            code = in_prov[0]
            if amps or a_how == "unknown":
                if amps:
                    # a close spelling of a name of the typed district is as likely as a move
                    here = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                    close = [
                        c
                        for c, sc in _fuzzy(tk, here)
                        if sc >= _FUZZY_MIN
                        and _few_edits(tk, normalize_name(ix.tambon[c][0], level="tambon"))
                    ]
                    if close:
                        return several(
                            [code, *close[:2]],
                            f"{t_raw!r} is the name of a tambon of {ix.amphoe_label[code[:4]]} "
                            "and close to a name of the typed district",
                            RULE_MOVED,
                        )
                notes.append(f"tambon is in {ix.amphoe_label[code[:4]]}")
                return finish(code, "moved", RULE_MOVED)
            return finish(code, "exact", RULE_PROVINCE_ONLY if pc is not None else RULE_NATIONAL)
        # 3. history (abolished or moved tambons), also to tell several candidates apart
        hist = self._history(pcs, tk, amps)
        if in_prov:
            both = [c for c in hist if c in in_prov]
            if len(both) == 1:
                notes.append(f"the gazetteer's history points to {ix.full_name(both[0])}")
                return finish(both[0], "historical", RULE_MOVED_HISTORY)
            if amps:
                kin = {k for a in amps for k in ix.lineage.get(a, ())}
                related = [c for c in in_prov if c[:4] in kin]
                near = self._near(amps)
                adjacent = [c for c in in_prov if c[:4] in near]
                # the history and the adjacency decide only when they do not disagree
                if len(related) == 1 and set(adjacent) <= set(related):
                    code = related[0]
                    notes.append(
                        f"tambon is in {ix.amphoe_label[code[:4]]}, the only one of "
                        f"{len(in_prov)} of that name in a district that took tambons from "
                        "the typed one (the gazetteer's history)"
                    )
                    return finish(code, "moved", RULE_MOVED_HISTORY)
                if len(adjacent) == 1 and not related:
                    code = adjacent[0]
                    notes.append(
                        f"tambon is in {ix.amphoe_label[code[:4]]}, the only one of "
                        f"{len(in_prov)} of that name in a district next to the typed one"
                    )
                    return finish(code, "moved", RULE_MOVED_ADJACENT)
            if a_how == "unknown" and ak:
                # tell them apart by how close the typed amphoe is to theirs
                by_amp = {
                    normalize_name(ix.amphoe_label[c[:4]], level="amphoe"): [c] for c in in_prov
                }
                ranked = _fuzzy(ak, by_amp)
                pick = _pick(ranked, ak)
                if pick is not None:
                    scores.append(ranked[0][1])
                    return finish(pick, "fuzzy", RULE_FUZZY_DISTRICT_NAME)
            where = ix.changwat_label[pcs[0]] if len(pcs) == 1 else "Thailand"
            return several(
                in_prov, f"{len(in_prov)} tambons named {t_raw!r} in {where}", RULE_SEVERAL
            )
        if hist:
            if len(hist) == 1:
                old = sorted(o for p in pcs for o in ix.abol_tam.get((p, tk), []))
                when = ix.abolished[old[0]][2] if old else ""
                notes.append(f"{t_raw!r} was abolished {when}; now {ix.full_name(hist[0])}")
                return finish(hist[0], "historical", RULE_ABOLISHED)
            return several(
                hist, f"{t_raw!r} was abolished and split into {len(hist)} tambons", RULE_ABOLISHED
            )
        # 4. a province split off (Bueng Kan from Nong Khai ...)
        if pc is not None:
            kids = ix.split_children.get(pc, [])
            moved = sorted({c for k in kids for c in ix.tam_by_prov.get(k, {}).get(tk, [])})
            if amps:
                near_split = self._near(amps) | set(amps)
                moved = [c for c in moved if c[:4] in amps] or [
                    c for c in moved if c[:4] in near_split
                ]
            if len(moved) == 1:
                notes.append(
                    f"{ix.changwat_label[moved[0][:2]]} was split off {ix.changwat_label[pc]}"
                )
                return finish(moved[0], "historical", RULE_PROVINCE_SPLIT)
        # 4b. a district next to the typed one, across a province border (a transfer)
        if amps:
            near = self._near(amps)
            across = sorted(
                {c for a in near if a[:2] not in pcs for c in ix.tam_by_amp.get(a, {}).get(tk, [])}
            )
            if across:
                # a misspelt name of the typed district is likelier than a transfer: then both
                here = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                close = [c for c, sc in _fuzzy(tk, here) if sc >= _FUZZY_DISTRICT_MIN]
                if close:
                    return several(
                        [*across, *close[:2]],
                        f"{t_raw!r} is the name of a tambon next to the typed district, across "
                        "the province border, and close to a name of the district",
                        RULE_PROVINCE_TRANSFER,
                    )
            kin = {k for a in amps for k in ix.lineage.get(a, ())}
            if len(across) == 1 and across[0][:4] in kin:
                code = across[0]
                notes.append(
                    f"tambon is in อ.{ix.amphoe_label[code[:4]]} จ.{ix.changwat_label[code[:2]]}, "
                    "next to the typed district, which gave it tambons (the gazetteer's history)"
                )
                return finish(code, "historical", RULE_PROVINCE_TRANSFER)
            if across:  # next to the typed district but in another province: not decided
                return several(
                    across,
                    f"{len(across)} tambon(s) named {t_raw!r} in districts next to the typed "
                    "one, across the province border",
                    RULE_PROVINCE_TRANSFER,
                )
        # 5. a name cut short (HDX layer: 50 bytes) or abbreviated with ฯ
        scope = (
            {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
            if amps
            else {k: v for p in pcs for k, v in ix.tam_by_prov.get(p, {}).items()}
            if pc is not None or amps
            else ix.tam_national
        )
        if len(t_raw.encode("utf-8")) >= 45 or t_raw.rstrip().endswith("ฯ"):
            pref = sorted({c for k, cs in scope.items() if k.startswith(tk) for c in cs})
            if len(pref) == 1:
                notes.append(f"{t_raw!r} read as a shortened {ix.tambon[pref[0]][0]}")
                return finish(pref[0], "normalized", RULE_CUT)
            if len(pref) > 1:
                return several(pref, f"{t_raw!r} is the start of {len(pref)} names", RULE_CUT)
        if not amps and pc is not None:
            variant = self._variant(scope, tk, t_raw, [], loose=False)
            if variant is not None:
                v_codes, v_rule, v_note, _ = variant
                if len(v_codes) == 1:
                    notes.append(v_note)
                    return finish(v_codes[0], "normalized", v_rule)
                return several(v_codes, v_note, v_rule)
        # 6. fuzzy, in the amphoe first, then the province
        sk = skeleton(tk)
        skel_scope = (
            [c for a in amps for c in ix.tam_skel_by_amp.get(a, {}).get(sk, [])]
            if amps
            else [c for p in pcs for c in ix.tam_skel_by_prov.get(p, {}).get(sk, [])]
            if pc is not None
            else []
        )
        ranked = _fuzzy(tk, scope)
        if len(set(skel_scope)) == 1:
            code = skel_scope[0]
            score = next((s for c, s in ranked if c == code), 85.0)
            notes.append(f"{t_raw!r} read as {ix.tambon[code][0]}")
            scores.append(score)
            return finish(code, "fuzzy", RULE_SKELETON)
        pick = _pick(ranked, tk)
        if pick is not None and _few_edits(tk, normalize_name(ix.tambon[pick][0], level="tambon")):
            notes.append(f"{t_raw!r} read as {ix.tambon[pick][0]}")
            scores.append(ranked[0][1])
            return finish(pick, "fuzzy", RULE_FUZZY)
        if amps and pc is not None:  # a misspelt tambon that also moved: stricter
            prov_scope = {k: v for k, v in ix.tam_by_prov.get(pc, {}).items()}
            ranked_p = _fuzzy(tk, prov_scope)
            if (
                ranked_p
                and ranked_p[0][1] >= 90
                and _pick(ranked_p, tk)
                and _few_edits(tk, normalize_name(ix.tambon[ranked_p[0][0]][0], level="tambon"))
            ):
                code = ranked_p[0][0]
                notes.append(f"{t_raw!r} read as {ix.full_name(code)}")
                scores.append(ranked_p[0][1])
                return finish(code, "fuzzy", RULE_FUZZY_PROVINCE)
            # the typed district narrows the choice to about ten names: a lower threshold is
            # safe when one name is clearly the best, in the district and in the province
            n_here = len({c for cs in scope.values() for c in cs})
            if (
                ranked
                and len(tk) >= 3
                and n_here <= _DISTRICT_MAX
                and ranked[0][1] >= _FUZZY_DISTRICT_MIN
                and (len(ranked) == 1 or ranked[1][1] <= ranked[0][1] - _FUZZY_DISTRICT_MARGIN)
                and _few_edits(tk, normalize_name(ix.tambon[ranked[0][0]][0], level="tambon"))
                and not any(
                    s >= ranked[0][1] - _FUZZY_MARGIN and c[:4] not in amps for c, s in ranked_p
                )
            ):
                code, best = ranked[0]
                lead = best - (ranked[1][1] if len(ranked) > 1 else 0.0)
                notes.append(
                    f"{t_raw!r} read as {ix.tambon[code][0]}, the clear best of the "
                    f"{n_here} tambons of the district (similarity {best:g}, lead {lead:g}; "
                    f"district threshold {_FUZZY_DISTRICT_MIN:g})"
                )
                scores.append(best)
                return finish(code, "fuzzy", RULE_FUZZY_DISTRICT)
            ranked = sorted({*ranked, *ranked_p}, key=lambda kv: (-kv[1], kv[0]))
        if not ranked and pc is None:
            ranked = _fuzzy(tk, ix.tam_national)
        if len(set(skel_scope)) > 1:
            ranked = sorted(
                {*((c, 90.0) for c in set(skel_scope)), *ranked}, key=lambda kv: (-kv[1], kv[0])
            )
            best_of: dict[str, float] = {}
            for c, s in ranked:
                best_of.setdefault(c, s)
            cands = tuple(list(best_of.items())[:_MAX_CANDIDATES])
            notes.append(f"{t_raw!r} is close to {len(set(skel_scope))} names")
            return _Result("ambiguous", None, cands[0][1], cands, _noted(notes, RULE_SKELETON))
        if ranked and ranked[0][1] >= _FUZZY_MIN and len(tk) >= 4:
            close = [(c, sc) for c, sc in ranked if sc > ranked[0][1] - _FUZZY_MARGIN]
            if len(close) > 1:
                notes.append(f"{t_raw!r} is close to {len(close)} names")
                cands = tuple(ranked[:_MAX_CANDIDATES])
                return _Result("ambiguous", None, cands[0][1], cands, _noted(notes, RULE_FUZZY))
        if len(amps) == 1:
            where = ix.amphoe_label[amps[0]]
        else:
            where = ix.changwat_label[pc] if pc else "Thailand"
        notes.append(f"no tambon {t_raw!r} in {where}")
        if len(ranked) < _MAX_CANDIDATES and amps and pc is not None:
            # suggest the nearest names of the whole province too
            more = _fuzzy(tk, ix.tam_by_prov.get(pc, {}))
            best = dict(ranked)
            for c, sc in more:
                best.setdefault(c, sc)
            ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        cands = tuple(ranked[:_MAX_CANDIDATES])
        return _Result(
            "unmatched", None, cands[0][1] if cands else 0.0, cands, _noted(notes, RULE_NONE)
        )

    # helpers of the hard cases ------------------------------------------------------------
    def _near(self, amps: Sequence[str]) -> set[str]:
        """Return the districts next to the typed ones (from the adjacency of the boundaries)."""
        out: set[str] = set()
        for a in amps:
            out |= self.neighbours.get(a, frozenset())
        return out - set(amps)

    def _transferred(self, pc: str, ak: str, tk: str) -> list[str]:
        """Tambons ``tk`` of a district ``ak`` of a province next to ``pc``."""
        ix = self.ix
        near_p = self.province_neighbours.get(pc, frozenset())
        return sorted(
            {
                c
                for p in near_p
                for a in ix.amp_by_prov.get(p, {}).get(ak, [])
                if a in ix.amphoe_names
                and normalize_name(ix.amphoe_label[a], level="amphoe") == ak
                for c in ix.tam_by_amp.get(a, {}).get(tk, [])
            }
        )

    def _variant(
        self,
        scope: dict[str, list[str]],
        tk: str,
        t_raw: str,
        amps: Sequence[str],
        *,
        loose: bool = True,
    ) -> tuple[list[str], str, str, float] | None:
        """Return a tambon of ``scope`` that the typed name is a variant of.

        The result is (codes, rule, note, score).

        Tried in order: ``ฯ`` standing for omitted letters, ``บ้าน`` added or dropped, the
        district's own name typed for an official name that adds a word before it, and (with
        ``loose``, only within a typed district) the loose phonetic skeleton.
        """
        ix = self.ix
        if not scope:
            return None
        parts = abbreviation_parts(t_raw, level="tambon")
        if parts is not None and len(parts) > 1:
            fit = sorted({c for k, cs in scope.items() if abbreviation_fits(parts, k) for c in cs})
            if fit:
                names = ", ".join(ix.tambon[c][0] for c in fit)
                note = f"{t_raw!r} (ฯ for omitted letters) read as {names}"
                return fit, RULE_ABBREVIATION, note, 100.0
        alt = tk[4:] if tk.startswith("บ้าน") and len(tk) > 5 else "บ้าน" + tk
        hit = scope.get(alt)
        if hit:
            names = ", ".join(ix.tambon[c][0] for c in hit)
            word = "without" if tk.startswith("บ้าน") else "with"
            return list(hit), RULE_BAN, f"{t_raw!r} read as {names} ({word} บ้าน)", 100.0
        if amps:
            own = set()
            for a in amps:
                k = normalize_name(ix.amphoe_label[a], level="amphoe")
                own.add(k)
                if k.startswith("เมือง") and len(k) > 7:
                    own.add(k[5:])
            if tk in own:
                fit = sorted(
                    {
                        c
                        for k, cs in scope.items()
                        if k.endswith(tk) and len(k) > len(tk)
                        for c in cs
                    }
                )
                if fit:
                    names = ", ".join(ix.tambon[c][0] for c in fit)
                    note = f"{t_raw!r} (the district's name) read as {names}"
                    return fit, RULE_DISTRICT_NAME, note, 100.0
        if loose and len(tk) >= 3:
            lk = loose_skeleton(tk)
            fit = sorted({c for k, cs in scope.items() if loose_skeleton(k) == lk for c in cs})
            if fit:
                from rapidfuzz import fuzz

                names = ", ".join(ix.tambon[c][0] for c in fit)
                score = max(
                    fuzz.ratio(tk, normalize_name(ix.tambon[c][0], level="tambon")) for c in fit
                )
                note = f"{t_raw!r} read as {names} (a spelling variant within the district)"
                return fit, RULE_SPELLING, note, round(float(score), 1)
        return None

    # code + names -------------------------------------------------------------------------
    def resolve(self, code_raw: object, p_raw: str, a_raw: str, t_raw: str) -> _Result:
        # a code typed in the tambon column: "TH400302", "๔๐๐๓๐๒"
        if _blank(code_raw) and t_raw and clean_code(t_raw) is not None:
            res = self._resolve(t_raw, p_raw, a_raw, "")
            return _with_note(res, f"code {clean_text(t_raw)!r} typed in the tambon column")
        # a whole address typed in one cell: "ต.ในเมือง อ.เมือง จ.ขอนแก่น"
        split_note = ""
        for cell in (t_raw, a_raw):
            if " " not in cell.strip():
                continue
            parts = split_address(cell)
            if not parts:
                continue
            if cell is t_raw:
                t_raw = parts.get("tambon", "")
            if "amphoe" in parts and (cell is a_raw or not a_raw.strip()):
                a_raw = parts["amphoe"]
            if "changwat" in parts and not p_raw.strip():
                p_raw = parts["changwat"]
            split_note = f"address {cell!r} split into its parts"
        if split_note:
            res = self._resolve(code_raw, p_raw, a_raw, t_raw)
            if res.status == "exact":  # the cell was not a name as it stands
                res = res._replace(status="normalized")
            return _with_note(res, split_note)
        return self._resolve(code_raw, p_raw, a_raw, t_raw)

    def _resolve(self, code_raw: object, p_raw: str, a_raw: str, t_raw: str) -> _Result:
        ix = self.ix
        has_code = not _blank(code_raw)
        if not has_code:
            return self.names(p_raw, a_raw, t_raw)
        code = clean_code(code_raw)
        shown = clean_text(code_raw)
        has_names = bool(normalize_name(t_raw, level="tambon"))
        if code is None:
            res = self.names(p_raw, a_raw, t_raw)
            return _with_note(res, f"code {shown!r} is not a 6-digit tambon code")
        ruled = f"rule: {RULE_CODE}"
        if code in ix.tambon:
            if not has_names:
                return _Result("code", code, 100.0, (), ruled)
            tk = normalize_name(t_raw, level="tambon")
            if tk in {normalize_name(n, level="tambon") for n in ix.tambon_names[code]}:
                return _Result("code", code, 100.0, (), ruled)
            res = self.names(p_raw, a_raw, t_raw)
            if res.code is None or res.code == code:
                if res.status == "ambiguous" and code not in {c for c, _ in res.candidates}:
                    note = f"the names fit other tambons than code {code}"
                    return _Result("code", code, 100.0, (), _noted([note], RULE_CODE))
                note = (
                    ""
                    if res.code == code
                    else f"names do not fit code {code}: {_without_rule(res.note)}"
                )
                return _Result("code", code, 100.0, (), _noted([note], RULE_CODE))
            cands = ((code, 100.0), (res.code, res.score))
            note = (
                f"code {code} is {ix.full_name(code)} but the names give {ix.full_name(res.code)}"
            )
            return _Result("ambiguous", None, 100.0, cands, _noted([note], RULE_CODE))
        if code in ix.abolished:
            succ = [s for s in ix.successors_in_force(code) if len(s) == 6]
            name, _, when = ix.abolished[code]
            if len(succ) == 1:
                note = f"code {code} ({name}) abolished {when}"
                return _Result("historical", succ[0], 100.0, (), _noted([note], RULE_CODE))
            if has_names:
                res = self.names(p_raw, a_raw, t_raw)
                if res.code in succ:
                    note = f"code {code} ({name}) abolished {when}; the names chose the successor"
                    return _Result("historical", res.code, res.score, (), _noted([note], RULE_CODE))
            if succ:
                cands = tuple((s, 100.0) for s in succ[:_MAX_CANDIDATES])
                note = f"code {code} ({name}) abolished {when}, split into {len(succ)}"
                return _Result("ambiguous", None, 100.0, cands, _noted([note], RULE_CODE))
        res = self.names(p_raw, a_raw, t_raw)
        return _with_note(res, f"code {code} is not a tambon code in force")


def _without_rule(note: str) -> str:
    return "; ".join(p for p in note.split("; ") if not p.startswith("rule: "))


def raw_in(raw: str, names: set[str]) -> bool:
    """Tell whether the typed text, stripped, is one of ``names``."""
    return raw.strip() in names


def _blank(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, str):
        return not v.strip() or not clean_text(v)
    return isinstance(v, float) and v != v


def _with_note(res: _Result, note: str) -> _Result:
    joined = "; ".join(n for n in (note, res.note) if n)
    return _Result(res.status, res.code, res.score, res.candidates, joined)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class MatchReport:
    """The answer of :func:`match_areas`: one status, code and score per input row.

    Build it with :func:`match_areas`. It prints the counts by status, the rows that need
    attention and the duplicates; renders as tables in Jupyter; and exports to CSV and Excel.

    Attributes
    ----------
    columns : dict
        The input columns used, by role (``province``, ``amphoe``, ``tambon``, ``code``).

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis.matching import match_areas
    >>> t = pd.DataFrame({"จังหวัด": ["สุรินทร์", "สุรินทร์"], "ตำบล": ["ทุ่งกุลา", "ทุ่งกุลา"]})
    >>> report = match_areas(t, province="จังหวัด", tambon="ตำบล")
    >>> int(report.counts["exact"]), len(report.duplicates)
    (2, 2)
    >>> report.to_frame()["duplicate"].tolist()
    [True, True]
    """

    def __init__(
        self,
        table: pd.DataFrame,
        columns: dict[str, str],
        combo_of_row: np.ndarray,
        results: Sequence[_Result],
        row_notes: dict[int, str] | None = None,
    ) -> None:
        self._table = table
        self.columns = dict(columns)
        self._combo = combo_of_row
        self._results = list(results)
        self._row_notes = dict(row_notes or {})
        self._frame: pd.DataFrame | None = None
        self._ix = _index()
        self._status_arr: np.ndarray | None = None
        self._codes_arr: np.ndarray | None = None

    def _per_row(self, values: list[Any]) -> np.ndarray:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr[self._combo] if len(values) else np.array([], dtype=object)

    @property
    def _status(self) -> np.ndarray:
        if self._status_arr is None:
            self._status_arr = self._per_row([r.status for r in self._results])
        return self._status_arr

    @property
    def _codes(self) -> np.ndarray:
        if self._codes_arr is None:
            self._codes_arr = self._per_row([r.code for r in self._results])
        return self._codes_arr

    # -- basic facts ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._table)

    @property
    def status(self) -> pd.Series:
        """The status of each input row, aligned to the input index."""
        return pd.Series(self._status, index=self._table.index, name="status", dtype="str")

    @property
    def tambon_code(self) -> pd.Series:
        """The tambon code of each input row (missing when ambiguous or unmatched)."""
        return pd.Series(self._codes, index=self._table.index, name="tambon_code", dtype="str")

    @property
    def counts(self) -> pd.Series:
        """The number of rows of each status, in the order of :data:`STATUSES`."""
        got = dict.fromkeys(STATUSES, 0)
        if len(self._results):
            per_combo = np.bincount(self._combo, minlength=len(self._results))
            for r, k in zip(self._results, per_combo.tolist(), strict=True):
                got[r.status] += k
        return pd.Series(got, name="rows", dtype="int64")

    @property
    def n_matched(self) -> int:
        """How many rows got a tambon code."""
        return int(self.counts[list(MATCHED)].sum())

    # -- frames -----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Return one row per input row, in input order, with the input columns and the result.

        The input's own columns come first, unchanged (one whose name clashes with a result
        column is renamed ``input_<name>``), then :data:`RESULT_COLUMNS`: ``tambon_code``,
        ``status``, ``score``, the resolved Thai and English names, ``amphoe_code``,
        ``changwat_code``, ``candidates`` (ranked full names with scores, for ambiguous and
        unmatched rows), ``note`` and ``duplicate`` (another row has the same tambon).

        Returns
        -------
        pandas.DataFrame
            A new frame with the index of the input table.
        """
        if self._frame is None:
            self._frame = self._build_frame()
        return self._frame.copy()

    def _build_frame(self) -> pd.DataFrame:
        ix = self._ix
        res = self._results
        k = self._combo
        out = self._table.copy()
        clash = {c: f"input_{c}" for c in out.columns if c in RESULT_COLUMNS}
        if clash:
            out = out.rename(columns=clash)

        def per_combo(values: list[Any], dtype: str = "str") -> pd.Series:
            # build the small per-combination array once, then take it row by row
            small = pd.array(values, dtype=dtype)
            return pd.Series(small.take(k), index=out.index)

        names = [ix.tambon.get(r.code) if r.code else None for r in res]

        def name(i: int) -> list[Any]:
            return [None if v is None else v[i] for v in names]

        cand_text = [
            "; ".join(f"{ix.full_name(c)} {s:g}" for c, s in r.candidates) or None for r in res
        ]
        cols: dict[str, pd.Series] = {
            "tambon_code": per_combo([r.code for r in res]),
            "status": per_combo([r.status for r in res]),
            "score": per_combo([r.score for r in res], dtype="float64"),
            "tambon_th": per_combo(name(0)),
            "amphoe_th": per_combo(name(3)),
            "changwat_th": per_combo(name(6)),
            "tambon_en": per_combo(name(1)),
            "amphoe_en": per_combo(name(4)),
            "changwat_en": per_combo(name(7)),
            "amphoe_code": per_combo([r.code[:4] if r.code else None for r in res]),
            "changwat_code": per_combo([r.code[:2] if r.code else None for r in res]),
            "candidates": per_combo(cand_text),
            "note": per_combo([r.note or None for r in res]),
        }
        if self._row_notes:
            note = cols["note"].astype(object).to_numpy(copy=True)
            for pos, extra in self._row_notes.items():
                cur = note[pos]
                note[pos] = extra if cur is None or cur != cur else f"{extra}; {cur}"
            cols["note"] = pd.Series(note, index=out.index, dtype="str")
        codes = cols["tambon_code"]
        cols["duplicate"] = codes.notna() & codes.duplicated(keep=False)
        for name_, col in cols.items():
            out[name_] = col
        return out

    @property
    def attention(self) -> pd.DataFrame:
        """The rows whose status is ``fuzzy``, ``ambiguous`` or ``unmatched``, in input order."""
        f = self.to_frame()
        return f[f["status"].isin(ATTENTION)]

    @property
    def duplicates(self) -> pd.DataFrame:
        """The rows that share their tambon with another row, sorted by tambon code."""
        f = self.to_frame()
        d = f[f["duplicate"]]
        return d.sort_values("tambon_code", kind="stable")

    @property
    def candidates(self) -> pd.DataFrame:
        """One row per candidate of each ambiguous or unmatched row, ranked.

        Columns: ``row`` (position in the input), ``rank``, ``tambon_code``, ``full_name``,
        ``score``.
        """
        rows = []
        by_combo = [(i, r) for i, r in enumerate(self._results) if r.candidates]
        if by_combo:
            wanted = {i for i, _ in by_combo}
            positions = np.flatnonzero(np.isin(self._combo, list(wanted)))
            cands = {i: r.candidates for i, r in by_combo}
            for pos in positions.tolist():
                for rank, (c, s) in enumerate(cands[int(self._combo[pos])], start=1):
                    rows.append((pos, rank, c, self._ix.full_name(c), s))
        return pd.DataFrame(rows, columns=["row", "rank", "tambon_code", "full_name", "score"])

    def summary(self) -> pd.DataFrame:
        """Return the counts and shares of each status as a small frame."""
        c = self.counts
        share = (c / max(len(self), 1) * 100).round(1)
        return pd.DataFrame({"rows": c, "percent": share}).rename_axis("status")

    # -- export -----------------------------------------------------------------------------
    def to_csv(self, path: str | Path) -> Path:
        """Write :meth:`to_frame` as UTF-8 CSV with a BOM (opens correctly in Excel).

        Parameters
        ----------
        path : str or Path
            The file to write.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        path = Path(path)
        write_csv(self.to_frame(), path)  # formula text neutralised (issue 12)
        log.info("wrote match report of %s rows to %s", f"{len(self):,}", path)
        return path

    def to_excel(self, path: str | Path) -> Path:
        """Write an Excel workbook of the report.

        The sheets are ``summary``, ``rows``, ``attention``, ``duplicates`` and ``candidates``.

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file to write.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        path = Path(path)
        with safe_excel_writer(path) as xw:  # never a live formula (issue 12)
            self.summary().to_excel(xw, sheet_name="summary")
            self.to_frame().to_excel(xw, sheet_name="rows", index=False)
            self.attention.to_excel(xw, sheet_name="attention", index=False)
            self.duplicates.to_excel(xw, sheet_name="duplicates", index=False)
            self.candidates.to_excel(xw, sheet_name="candidates", index=False)
        log.info("wrote match report of %s rows to %s", f"{len(self):,}", path)
        return path

    def export(self, path: str | Path) -> Path:
        """Write the report to ``.csv`` or ``.xlsx``, chosen by the file suffix.

        Parameters
        ----------
        path : str or Path
            A ``.csv`` or ``.xlsx`` file.

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        ValidationError
            For another suffix.
        """
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            return self.to_csv(path)
        if suffix in (".xlsx", ".xlsm"):
            return self.to_excel(path)
        raise ValidationError(
            f"cannot export a match report to {str(path)!r}: expected a .csv or .xlsx file name"
        )

    # -- display ----------------------------------------------------------------------------
    def _row_label(self, f: pd.DataFrame, pos: int) -> str:
        parts = []
        for role in ("code", "province", "amphoe", "tambon"):
            col = self.columns.get(role)
            if col is not None:
                col = f"input_{col}" if col in RESULT_COLUMNS else col
                v = f[col].iloc[pos]
                if not _blank(v):
                    parts.append(str(v))
        return " / ".join(parts) or "(blank)"

    def __repr__(self) -> str:
        n = len(self)
        c = self.counts
        lines = [
            f"MatchReport: {n:,} rows, {self.n_matched:,} matched "
            f"({self.n_matched / max(n, 1):.1%}), {int(c[list(ATTENTION)].sum()):,} need attention"
        ]
        for s in STATUSES:
            if c[s]:
                lines.append(f"  {s:<11}{c[s]:>10,}")
        f = self.to_frame()
        att = np.flatnonzero(f["status"].isin(ATTENTION).to_numpy())
        if len(att):
            lines.append("Rows that need attention:")
            for pos in att[:10].tolist():
                r = f.iloc[pos]
                what = r["status"]
                if r["status"] == "fuzzy":
                    what += f" -> {self._ix.full_name(r['tambon_code'])} (score {r['score']:g})"
                elif isinstance(r["candidates"], str):
                    what += f": {r['candidates'].split('; ')[0]} ..."
                lines.append(f"  row {pos}: {self._row_label(f, pos)}  {what}")
            if len(att) > 10:
                lines.append(f"  ... and {len(att) - 10:,} more (see .attention)")
        dup = f[f["duplicate"]]
        if len(dup):
            lines.append(
                f"Duplicates: {len(dup):,} rows on {dup['tambon_code'].nunique():,} tambons "
                "(see .duplicates)"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        n = len(self)
        head = (
            f"<p><b>MatchReport</b>: {n:,} rows, {self.n_matched:,} matched "
            f"({self.n_matched / max(n, 1):.1%})</p>"
        )
        summary = self.summary()
        summary = summary[summary["rows"] > 0]
        parts = [head, summary.to_html(escape=True)]
        att = self.attention
        wanted = (*self._input_cols(), "status", "tambon_code", "score", "candidates", "note")
        cols = [c for c in wanted if c in att.columns]
        if len(att):
            parts.append(f"<p>Rows that need attention ({len(att):,}):</p>")
            parts.append(att[cols].head(50).to_html(escape=True, na_rep=""))
        dup = self.duplicates
        if len(dup):
            parts.append(f"<p>Duplicates ({len(dup):,} rows):</p>")
            wanted = (*self._input_cols(), "tambon_code", "tambon_th")
            dcols = [c for c in wanted if c in dup.columns]
            parts.append(dup[dcols].head(50).to_html(escape=True, na_rep=""))
        return "<div class='tambon-gis-match-report'>" + "\n".join(parts) + "</div>"

    def _input_cols(self) -> list[str]:
        return [
            f"input_{c}" if c in RESULT_COLUMNS else c
            for c in (self.columns.get(r) for r in ("code", "province", "amphoe", "tambon"))
            if c is not None
        ]


# --------------------------------------------------------------------------------------------
# match_areas
# --------------------------------------------------------------------------------------------


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def _dense_ids(left: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Ids 0..k-1 of the distinct pairs (left, right), with ``right`` in ``range(n_right)``."""
    combined = left * n_right + right
    size = (int(left.max()) + 1) * n_right if len(left) else 0
    if size <= max(1 << 16, 4 * len(left)):
        seen = np.zeros(size, dtype=bool)
        seen[combined] = True
        used = np.flatnonzero(seen)
        return np.searchsorted(used, combined).astype(np.int64, copy=False)
    return pd.factorize(combined)[0].astype(np.int64, copy=False)


def _as_text(v: object) -> str:
    if isinstance(v, str):
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def match_areas(
    table: pd.DataFrame | str | Path,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    boundaries: Any = None,
) -> MatchReport:
    """Find the tambon of every row of a table of typed names or codes.

    Parameters
    ----------
    table : pandas.DataFrame or path
        The table; a path is read with :func:`tambon_gis.tables.read_table`.
    province, amphoe, tambon, code : str, optional
        The columns holding the province name, the amphoe (district, khet) name, the tambon
        (sub-district, khwaeng) name and the tambon code. When none is given they are
        recognised from the headers (:func:`tambon_gis.tables.detect_columns`). A table needs
        at least a tambon column or a code column.
    boundaries : geopandas.GeoDataFrame, optional
        Tambon boundaries whose adjacency of districts tells apart tambons of one name when
        the typed district holds none (computed once per layer, see
        :func:`tambon_gis.gazetteer.amphoe_neighbours`). Without them, the adjacency shipped
        with the package (from the 2022 HDX COD-AB layer) is used.

    Returns
    -------
    MatchReport
        One status, tambon code, score, candidates and note per input row; see
        :meth:`MatchReport.to_frame`.

    Raises
    ------
    SchemaError
        When a named column is missing, or no tambon or code column can be found.

    Examples
    --------
    >>> import pandas as pd
    >>> from tambon_gis.matching import match_areas
    >>> t = pd.DataFrame({"code": ["TH320101", "๓๒๐๑๐๒", None], "tambon": [None, None, "ต.นาดี"],
    ...                   "province": [None, None, "สุรินทร์"]})
    >>> match_areas(t, code="code", tambon="tambon", province="province").to_frame()[
    ...     ["tambon_code", "status"]].values.tolist()
    [['320101', 'code'], ['320102', 'code'], ['320104', 'normalized']]
    """
    from tambon_gis.tables import detect_columns, read_table

    if isinstance(table, (str, Path)):
        table = read_table(table)
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(
            f"table is a {type(table).__name__}: expected a pandas DataFrame or the path of a "
            "CSV or Excel file"
        )
    given = {"province": province, "amphoe": amphoe, "tambon": tambon, "code": code}
    if all(v is None for v in given.values()):
        given = {**given, **detect_columns(table)}
    missing = [
        f"{role}={col!r}"
        for role, col in given.items()
        if col is not None and col not in table.columns
    ]
    if missing:
        raise SchemaError(
            f"column(s) {', '.join(missing)} not in the table: its columns are "
            f"{list(map(str, table.columns))}; pass the right names"
        )
    if given["tambon"] is None and given["code"] is None:
        raise SchemaError(
            f"no tambon name column and no code column among {list(map(str, table.columns))}: "
            "pass tambon=COLUMN (and province=, amphoe=) or code=COLUMN"
        )
    columns = {role: col for role, col in given.items() if col is not None}
    n = len(table)
    roles = ("code", "province", "amphoe", "tambon")
    per_role: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for role in roles:
        col = columns.get(role)
        if col is None:
            per_role[role] = (np.zeros(n, dtype=np.int64), np.array([None], dtype=object))
        else:
            per_role[role] = _factorize(table[col])
    # combine the four factor codes into one combination id
    key = np.zeros(n, dtype=np.int64)
    for role in roles:
        codes, uniques = per_role[role]
        if len(uniques) == 1 and role != "tambon" and columns.get(role) is None:
            continue
        key = _dense_ids(key, codes + 1, len(uniques) + 1)
    n_combo = int(key.max()) + 1 if n else 0
    first = np.full(n_combo, -1, dtype=np.int64)
    first[key[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
    from tambon_gis.gazetteer import neighbours_by_amphoe

    resolver = _Resolver(_index(), neighbours_by_amphoe(boundaries))
    # pre-compute the text of each unique value once
    text: dict[str, list[Any]] = {}
    for role in roles:
        codes, uniques = per_role[role]
        if role == "code":
            text[role] = [*list(uniques), None]
        else:
            text[role] = [*(_as_text(u) for u in uniques), ""]
    results: list[_Result] = []
    rows_iter: Iterable[int] = first.tolist()
    if n_combo > 20_000:
        from tambon_gis._logging import progress

        rows_iter = progress(rows_iter, total=n_combo, desc="matching")
    c_codes = per_role["code"][0].tolist()
    p_codes = per_role["province"][0].tolist()
    a_codes = per_role["amphoe"][0].tolist()
    t_codes = per_role["tambon"][0].tolist()
    # fast path on keys computed once per distinct value: rows without a code whose three
    # names are found by their keys; everything else goes through the full rules
    ix = resolver.ix
    code_blank = [_blank(v) for v in text["code"]]
    p_key = [normalize_name(v, level="changwat") for v in text["province"]]
    p_code = [_province_code_of_key(k) for k in p_key]
    a_key = [normalize_name(v, level="amphoe") for v in text["amphoe"]]
    t_key = [normalize_name(v, level="tambon") for v in text["tambon"]]
    p_strip = [v.strip() for v in text["province"]]
    a_strip = [v.strip() for v in text["amphoe"]]
    t_strip = [v.strip() for v in text["tambon"]]
    fast, cw_names = ix.fast, ix.changwat_names
    am_names, tb_names = ix.amphoe_names, ix.tambon_names
    names_rule = f"rule: {RULE_NAMES}"
    append = results.append
    for pos in rows_iter:
        ic, ip, ia, it = c_codes[pos], p_codes[pos], a_codes[pos], t_codes[pos]
        if code_blank[ic]:
            pc = p_code[ip]
            if pc is not None:
                found = fast.get((pc, a_key[ia], t_key[it]))
                if found is not None and len(found) == 1 and a_key[ia] and t_key[it]:
                    hit = found[0]
                    exact = (
                        p_strip[ip] in cw_names[pc]
                        and a_strip[ia] in am_names[hit[:4]]
                        and t_strip[it] in tb_names[hit]
                    )
                    append(_Result("exact" if exact else "normalized", hit, 100.0, (), names_rule))
                    continue
        append(
            resolver.resolve(
                text["code"][ic], text["province"][ip], text["amphoe"][ia], text["tambon"][it]
            )
        )
    row_notes: dict[int, str] = {}
    filled = table.attrs.get("read_table", {}).get("filled", {}) if table.attrs else {}
    for col, positions in (filled or {}).items():
        if col in columns.values():
            for pos in positions:
                if 0 <= int(pos) < n:
                    prev = row_notes.get(int(pos))
                    msg = f"{col} filled down"
                    row_notes[int(pos)] = f"{prev}; {msg}" if prev else msg
    report = MatchReport(table.copy(deep=False), columns, key, results, row_notes)
    c = report.counts
    log.info(
        "match_areas returned a report of %s rows (%s distinct combinations): %s",
        f"{n:,}",
        f"{n_combo:,}",
        ", ".join(f"{s} {c[s]:,}" for s in STATUSES if c[s]),
    )
    return report
