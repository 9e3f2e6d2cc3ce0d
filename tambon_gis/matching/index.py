"""The index of the official names: lookup tables built once from the gazetteer.

:class:`_Index` holds the keys (:func:`tambon_gis.names.normalize_name`) and skeletons of
every province, amphoe and tambon name, the history of abolished and moved codes, and the
exact fast path; :func:`_fuzzy`, :func:`_few_edits` and :func:`_pick` rank and choose
among misspelt names.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pandas as pd

from tambon_gis import gazetteer
from tambon_gis.matching.statuses import _FUZZY_MARGIN, _FUZZY_MIN, _MAX_CANDIDATES
from tambon_gis.names import PROVINCE_SPLITS, loose_skeleton, normalize_name, skeleton


def _rows(df: pd.DataFrame, columns: list[str]) -> list[Any]:
    """Rows of some columns as named tuples, read through plain lists (fast on Arrow strings)."""
    from collections import namedtuple

    row = namedtuple("row", columns)  # type: ignore[misc]
    return [row(*values) for values in zip(*(df[c].tolist() for c in columns), strict=True)]


def _tuples(df: pd.DataFrame) -> Iterable[Any]:
    """``df.itertuples(index=False)``: fields typed Any, as they are the gazetteer's str columns.

    pandas-stubs types every field as any scalar.
    """
    return df.itertuples(index=False)


def _add(d: dict[Any, list[str]], key: Any, value: str) -> None:
    lst = d.setdefault(key, [])
    if value not in lst:
        lst.append(value)


class _Index:
    """Lookup tables built once from the gazetteer."""

    def __init__(self) -> None:
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
            r.changwat_code: {r.changwat_th, r.changwat_en} for r in _tuples(c)
        }
        self.amphoe_names: dict[str, set[str]] = {
            r.amphoe_code: {r.amphoe_th, r.amphoe_en} for r in _tuples(a)
        }
        self.amphoe_label = dict(zip(a["amphoe_code"], a["amphoe_th"], strict=True))
        self.changwat_label = dict(zip(c["changwat_code"], c["changwat_th"], strict=True))
        self.tambon_names: dict[str, set[str]] = {
            code: {v[0], v[1]} for code, v in self.tambon.items()
        }
        self._index_provinces(c)
        self._index_amphoes(a)
        self._index_tambons()
        self._index_history(ab)
        self._index_fast_path()

    def _index_provinces(self, c: pd.DataFrame) -> None:
        """Index the keys and skeletons of the province names."""
        self.prov_keys: dict[str, str] = {}
        for r in _tuples(c):
            for name in (r.changwat_th, r.changwat_en):
                self.prov_keys[normalize_name(name, level="changwat")] = r.changwat_code
        self.prov_skel: dict[str, list[str]] = {}
        for k, code in self.prov_keys.items():
            _add(self.prov_skel, skeleton(k), code)

    def _index_amphoes(self, a: pd.DataFrame) -> None:
        """Index the amphoe keys per province and nationally (with the short forms of เมือง)."""
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

    def _index_tambons(self) -> None:
        """Index the tambon keys per amphoe, per province and nationally, and their skeletons."""
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

    def _index_history(self, ab: pd.DataFrame) -> None:
        """Index the abolished codes, the districts that traded tambons, and province splits."""
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

    def _index_fast_path(self) -> None:
        """Index the exact fast path: (changwat, amphoe key, tambon key) -> codes."""
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
