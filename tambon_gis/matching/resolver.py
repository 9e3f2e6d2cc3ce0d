"""Resolve one combination of typed values (code, province, amphoe, tambon) to a tambon.

:class:`_Resolver` applies the rules in order — codes, names top down, the history of the
typed district, variants of a name, the same name elsewhere in the province, abolished areas
and provinces split off, fuzzy matching — and returns a :class:`_Result` whose note names
the rule that decided it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from tambon_gis.matching.index import _few_edits, _fuzzy, _Index, _pick
from tambon_gis.matching.statuses import (
    _DISTRICT_MAX,
    _FUZZY_DISTRICT_MARGIN,
    _FUZZY_DISTRICT_MIN,
    _FUZZY_MARGIN,
    _FUZZY_MIN,
    _MAX_CANDIDATES,
    _RANK,
    RULE_ABBREVIATION,
    RULE_ABOLISHED,
    RULE_BAN,
    RULE_CODE,
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
    _noted,
    _Result,
    _without_rule,
)
from tambon_gis.names import (
    _MARKS,
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


def _province_neighbours(neighbours: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, bs in neighbours.items():
        for b in bs:
            if a[:2] != b[:2]:
                out.setdefault(a[:2], set()).add(b[:2])
    return {k: frozenset(v) for k, v in out.items()}


@dataclass
class _Attempt:
    """The state of one lookup by names: the typed values, what each level resolved to so far.

    The steps of :meth:`_Resolver.names` add notes and scores to it as they go; it belongs to
    the one lookup and is never shared.
    """

    ix: _Index
    p_raw: str
    a_raw: str
    t_raw: str
    ak: str
    tk: str
    pc: str | None
    p_how: str
    pcs: list[str]
    how: list[str]
    scores: list[float]
    notes: list[str]
    amps: list[str] = field(default_factory=list)
    a_how: str = "missing"
    variant: tuple[list[str], str, str, float] | None = None

    def finish(self, code: str, extra: str, rule: str, score: float | None = None) -> _Result:
        """Return the result for ``code``, its status the worst of the levels' and ``extra``."""
        ix = self.ix
        hs = [*self.how, extra]
        status = max(hs, key=lambda h: _RANK[h]) if hs else "normalized"
        if status == "exact":
            exact = (
                (not self.p_raw or raw_in(self.p_raw, ix.changwat_names[code[:2]]))
                and (not self.a_raw or raw_in(self.a_raw, ix.amphoe_names[code[:4]]))
                and raw_in(self.t_raw, ix.tambon_names[code])
            )
            status = "exact" if exact else "normalized"
        if self.p_how == "unknown" and _RANK[status] < _RANK["fuzzy"]:
            status = "fuzzy"
            self.scores.append(60.0)
        sc = min([*self.scores, *([score] if score is not None else [])], default=100.0)
        return _Result(status, code, round(sc, 1), (), _noted(self.notes, rule))

    def several(self, codes: Sequence[str], why: str, rule: str) -> _Result:
        """Return an ambiguous result with ``codes`` as its candidates and ``why`` as a note."""
        cands = tuple((c, 100.0) for c in sorted(set(codes))[:_MAX_CANDIDATES])
        self.notes.append(why)
        return _Result("ambiguous", None, 100.0, cands, _noted(self.notes, rule))


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
        """Resolve the typed names, trying the rules in order until one decides."""
        tk = normalize_name(t_raw, level="tambon")
        if not tk:
            return _Result("unmatched", None, 0.0, (), "no tambon name; rule: blank")
        st = self._attempt(p_raw, a_raw, t_raw, tk)
        if isinstance(st, _Result):
            return st
        self._typed_amphoe(st)
        steps = (
            self._old_district,
            self._in_amphoe,
            self._transferred_district,
        )
        for step in steps:
            res = step(st)
            if res is not None:
                return res
        in_prov = self._same_name_in_province(st)
        res = self._variant_or_moved(st, in_prov)
        if res is not None:
            return res
        hist = self._history(st.pcs, tk, st.amps)
        res = self._several_or_abolished(st, in_prov, hist)
        if res is not None:
            return res
        res = self._province_split(st) or self._across_border(st)
        if res is not None:
            return res
        scope = self._scope(st)
        res = self._cut_or_variant(st, scope)
        if res is not None:
            return res
        return self._fuzzy_names(st, scope)

    def _attempt(self, p_raw: str, a_raw: str, t_raw: str, tk: str) -> _Attempt | _Result:
        """Resolve the province; return the state of the lookup, or the fast path's result."""
        ix = self.ix
        pk = normalize_name(p_raw, level="changwat")
        ak = normalize_name(a_raw, level="amphoe")
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
        return _Attempt(
            ix=ix,
            p_raw=p_raw,
            a_raw=a_raw,
            t_raw=t_raw,
            ak=ak,
            tk=tk,
            pc=pc,
            p_how=p_how,
            pcs=[pc] if pc is not None else sorted(ix.tam_by_prov),
            how=[p_how] if p_how in ("exact", "normalized", "fuzzy") else [],
            scores=[p_score] if p_how == "fuzzy" else [],
            notes=notes,
        )

    def _typed_amphoe(self, st: _Attempt) -> None:
        """Resolve the typed amphoe into ``st`` (its codes, how, and the provinces it narrows)."""
        ix, ak, pc, a_raw = self.ix, st.ak, st.pc, st.a_raw
        if not ak:
            return
        if pc is not None:
            amps, a_how, a_score, note = self.amphoe(pc, a_raw, ak)
        else:
            amps = list(ix.amp_national.get(ak, []))
            exact_a = any(raw_in(a_raw, ix.amphoe_names[c]) for c in amps)
            a_how = ("exact" if exact_a else "normalized") if amps else "unknown"
            a_score, note = (100.0, "") if amps else (0.0, "")
            if len(amps) > 1 and ak in ("เมือง", "mueang"):
                amps, a_how = [], "unknown"
        st.amps, st.a_how = amps, a_how
        if note:
            st.notes.append(note)
        if a_how == "fuzzy":
            st.scores.append(a_score)
        if a_how in ("exact", "normalized", "fuzzy", "historical"):
            st.how.append(a_how)
        if amps and pc is None:
            st.pcs = sorted({a[:2] for a in amps})

    def _old_district(self, st: _Attempt) -> _Result | None:
        """Step 0: an old district typed; the tambon's own history decides first."""
        ix, pc, ak, tk, amps = self.ix, st.pc, st.ak, st.tk, st.amps
        old_amps = ix.abol_amp.get((pc, ak), []) if (pc is not None and ak) else []
        if not (st.a_how == "historical" and old_amps):
            return None
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
            return st.finish(union[0], "historical", RULE_OLD_DISTRICT)
        if len(union) > 1:
            return st.several(
                union,
                "the gazetteer's history and the district's successor disagree",
                RULE_OLD_DISTRICT,
            )
        return None

    def _in_amphoe(self, st: _Attempt) -> _Result | None:
        """Step 1: the tambon in the amphoe, a code that moved, or a variant of its names.

        A variant is kept in ``st.variant`` for step 2 to weigh against the same name elsewhere.
        """
        ix, pc, tk, t_raw, amps = self.ix, st.pc, st.tk, st.t_raw, st.amps
        if not amps:
            return None
        found = sorted({c for a in amps for c in ix.tam_by_amp.get(a, {}).get(tk, [])})
        if len(found) == 1:
            return st.finish(found[0], "exact", RULE_NAMES)
        if len(found) > 1:
            return st.several(
                found, f"{len(found)} tambons named {t_raw!r} in the amphoe", RULE_SEVERAL
            )
        # 1b. the tambon's own history in the typed district: a code that moved
        if pc is not None:
            olds = [o for o in ix.abol_tam.get((pc, tk), []) if o[:4] in amps]
            moved_to = sorted({s for o in olds for s in ix.successors_in_force(o)})
            if len(moved_to) == 1 and len(moved_to[0]) == 6:
                code = moved_to[0]
                when = ix.abolished[olds[0]][2]
                st.notes.append(
                    f"{olds[0]} in {ix.amphoe_label.get(olds[0][:4], olds[0][:4])} "
                    f"became {code} in {ix.amphoe_label[code[:4]]} on {when}"
                )
                return st.finish(code, "historical", RULE_MOVED_HISTORY)
        # 1c. the typed name is a variant of a tambon of the typed district (not when the
        # name is of an abolished tambon of the district: its successors decide, step 3)
        if not (pc is not None and any(o[:4] in amps for o in ix.abol_tam.get((pc, tk), []))):
            scope_a = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
            st.variant = self._variant(scope_a, tk, t_raw, amps)
        return None

    def _transferred_district(self, st: _Attempt) -> _Result | None:
        """Step 1 (amphoe unknown): an amphoe of a neighbouring province, transferred."""
        ix, pc, t_raw = self.ix, st.pc, st.t_raw
        if st.amps or not (st.a_how == "unknown" and pc is not None):
            return None
        moved_p = self._transferred(pc, st.ak, st.tk)
        if not moved_p:
            return None
        in_pc = ix.tam_by_prov.get(pc, {}).get(st.tk, [])
        if len(moved_p) == 1 and not in_pc:
            code = moved_p[0]
            st.notes.append(f"อ.{ix.amphoe_label[code[:4]]} is in จ.{ix.changwat_label[code[:2]]}")
            return st.finish(code, "historical", RULE_PROVINCE_TRANSFER)
        return st.several(
            [*moved_p, *in_pc],
            f"{t_raw!r} fits a district of that name in a neighbouring province and "
            f"a tambon of {ix.changwat_label[pc]}",
            RULE_PROVINCE_TRANSFER,
        )

    def _same_name_in_province(self, st: _Attempt) -> list[str]:
        """Step 2: the tambons of the typed name elsewhere in the province (or anywhere)."""
        ix, amps = self.ix, st.amps
        in_prov = sorted({c for p in st.pcs for c in ix.tam_by_prov.get(p, {}).get(st.tk, [])})
        if amps:
            in_prov = [c for c in in_prov if c[:4] not in amps]
        return in_prov

    def _variant_or_moved(self, st: _Attempt, in_prov: Sequence[str]) -> _Result | None:
        """Step 2: a variant of a name of the district, or the one tambon of the name (moved)."""
        ix, tk, t_raw, amps, pc = self.ix, st.tk, st.t_raw, st.amps, st.pc
        if st.variant is not None:
            v_codes, v_rule, v_note, v_score = st.variant
            if not in_prov and len(v_codes) == 1:
                st.notes.append(v_note)
                status = "fuzzy" if v_rule in (RULE_SPELLING,) else "normalized"
                return st.finish(
                    v_codes[0], status, v_rule, v_score if status == "fuzzy" else None
                )
            if in_prov or len(v_codes) > 1:
                why = v_note
                if in_prov:
                    why += f", and {len(in_prov)} tambon(s) of that name in other districts"
                return st.several([*v_codes, *in_prov], why, v_rule)
        if len(in_prov) != 1:
            return None
        code = in_prov[0]
        if amps or st.a_how == "unknown":
            if amps:
                # a close spelling of a name of the typed district is as likely as a move
                amp_names = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                close = [
                    c
                    for c, sc in _fuzzy(tk, amp_names)
                    if sc >= _FUZZY_MIN
                    and _few_edits(tk, normalize_name(ix.tambon[c][0], level="tambon"))
                ]
                if close:
                    return st.several(
                        [code, *close[:2]],
                        f"{t_raw!r} is the name of a tambon of {ix.amphoe_label[code[:4]]} "
                        "and close to a name of the typed district",
                        RULE_MOVED,
                    )
            st.notes.append(f"tambon is in {ix.amphoe_label[code[:4]]}")
            return st.finish(code, "moved", RULE_MOVED)
        return st.finish(code, "exact", RULE_PROVINCE_ONLY if pc is not None else RULE_NATIONAL)

    def _several_or_abolished(
        self, st: _Attempt, in_prov: Sequence[str], hist: Sequence[str]
    ) -> _Result | None:
        """Step 3: history (abolished or moved tambons), also to tell several candidates apart."""
        ix, pcs, t_raw, tk = self.ix, st.pcs, st.t_raw, st.tk
        if in_prov:
            res = self._tell_apart(st, in_prov, hist)
            if res is not None:
                return res
            where = ix.changwat_label[pcs[0]] if len(pcs) == 1 else "Thailand"
            return st.several(
                in_prov, f"{len(in_prov)} tambons named {t_raw!r} in {where}", RULE_SEVERAL
            )
        if hist:
            if len(hist) == 1:
                old = sorted(o for p in pcs for o in ix.abol_tam.get((p, tk), []))
                when = ix.abolished[old[0]][2] if old else ""
                st.notes.append(f"{t_raw!r} was abolished {when}; now {ix.full_name(hist[0])}")
                return st.finish(hist[0], "historical", RULE_ABOLISHED)
            return st.several(
                hist, f"{t_raw!r} was abolished and split into {len(hist)} tambons", RULE_ABOLISHED
            )
        return None

    def _tell_apart(
        self, st: _Attempt, in_prov: Sequence[str], hist: Sequence[str]
    ) -> _Result | None:
        """Step 3: pick one of several tambons of the name by history, adjacency or amphoe."""
        ix, amps, ak = self.ix, st.amps, st.ak
        both = [c for c in hist if c in in_prov]
        if len(both) == 1:
            st.notes.append(f"the gazetteer's history points to {ix.full_name(both[0])}")
            return st.finish(both[0], "historical", RULE_MOVED_HISTORY)
        if amps:
            kin = {k for a in amps for k in ix.lineage.get(a, ())}
            related = [c for c in in_prov if c[:4] in kin]
            near = self._near(amps)
            adjacent = [c for c in in_prov if c[:4] in near]
            # the history and the adjacency decide only when they do not disagree
            if len(related) == 1 and set(adjacent) <= set(related):
                code = related[0]
                st.notes.append(
                    f"tambon is in {ix.amphoe_label[code[:4]]}, the only one of "
                    f"{len(in_prov)} of that name in a district that took tambons from "
                    "the typed one (the gazetteer's history)"
                )
                return st.finish(code, "moved", RULE_MOVED_HISTORY)
            if len(adjacent) == 1 and not related:
                code = adjacent[0]
                st.notes.append(
                    f"tambon is in {ix.amphoe_label[code[:4]]}, the only one of "
                    f"{len(in_prov)} of that name in a district next to the typed one"
                )
                return st.finish(code, "moved", RULE_MOVED_ADJACENT)
        if st.a_how == "unknown" and ak:
            # tell them apart by how close the typed amphoe is to theirs
            by_amp = {normalize_name(ix.amphoe_label[c[:4]], level="amphoe"): [c] for c in in_prov}
            ranked = _fuzzy(ak, by_amp)
            pick = _pick(ranked, ak)
            if pick is not None:
                st.scores.append(ranked[0][1])
                return st.finish(pick, "fuzzy", RULE_FUZZY_DISTRICT_NAME)
        return None

    def _province_split(self, st: _Attempt) -> _Result | None:
        """Step 4: a province split off (Bueng Kan from Nong Khai ...)."""
        ix, pc, amps = self.ix, st.pc, st.amps
        if pc is None:
            return None
        kids = ix.split_children.get(pc, [])
        moved = sorted({c for k in kids for c in ix.tam_by_prov.get(k, {}).get(st.tk, [])})
        if amps:
            near_split = self._near(amps) | set(amps)
            moved = [c for c in moved if c[:4] in amps] or [
                c for c in moved if c[:4] in near_split
            ]
        if len(moved) == 1:
            st.notes.append(
                f"{ix.changwat_label[moved[0][:2]]} was split off {ix.changwat_label[pc]}"
            )
            return st.finish(moved[0], "historical", RULE_PROVINCE_SPLIT)
        return None

    def _across_border(self, st: _Attempt) -> _Result | None:
        """Step 4b: a district next to the typed one, across a province border (a transfer)."""
        ix, amps, tk, t_raw = self.ix, st.amps, st.tk, st.t_raw
        if not amps:
            return None
        near = self._near(amps)
        across = sorted(
            {c for a in near if a[:2] not in st.pcs for c in ix.tam_by_amp.get(a, {}).get(tk, [])}
        )
        if across:
            # a misspelt name of the typed district is likelier than a transfer: then both
            amp_names = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
            close = [c for c, sc in _fuzzy(tk, amp_names) if sc >= _FUZZY_DISTRICT_MIN]
            if close:
                return st.several(
                    [*across, *close[:2]],
                    f"{t_raw!r} is the name of a tambon next to the typed district, across "
                    "the province border, and close to a name of the district",
                    RULE_PROVINCE_TRANSFER,
                )
        kin = {k for a in amps for k in ix.lineage.get(a, ())}
        if len(across) == 1 and across[0][:4] in kin:
            code = across[0]
            st.notes.append(
                f"tambon is in อ.{ix.amphoe_label[code[:4]]} จ.{ix.changwat_label[code[:2]]}, "
                "next to the typed district, which gave it tambons (the gazetteer's history)"
            )
            return st.finish(code, "historical", RULE_PROVINCE_TRANSFER)
        if across:  # next to the typed district but in another province: not decided
            return st.several(
                across,
                f"{len(across)} tambon(s) named {t_raw!r} in districts next to the typed "
                "one, across the province border",
                RULE_PROVINCE_TRANSFER,
            )
        return None

    def _scope(self, st: _Attempt) -> dict[str, list[str]]:
        """Return the tambon names to search by prefix and fuzzily: district, province or all."""
        ix, amps = self.ix, st.amps
        return (
            {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
            if amps
            else {k: v for p in st.pcs for k, v in ix.tam_by_prov.get(p, {}).items()}
            if st.pc is not None or amps
            else ix.tam_national
        )

    def _cut_or_variant(self, st: _Attempt, scope: dict[str, list[str]]) -> _Result | None:
        """Step 5: a name cut short (HDX layer: 50 bytes) or abbreviated with ฯ, or a variant."""
        ix, t_raw, tk = self.ix, st.t_raw, st.tk
        if len(t_raw.encode("utf-8")) >= 45 or t_raw.rstrip().endswith("ฯ"):
            pref = sorted({c for k, cs in scope.items() if k.startswith(tk) for c in cs})
            if len(pref) == 1:
                st.notes.append(f"{t_raw!r} read as a shortened {ix.tambon[pref[0]][0]}")
                return st.finish(pref[0], "normalized", RULE_CUT)
            if len(pref) > 1:
                return st.several(pref, f"{t_raw!r} is the start of {len(pref)} names", RULE_CUT)
        if not st.amps and st.pc is not None:
            variant = self._variant(scope, tk, t_raw, [], loose=False)
            if variant is not None:
                v_codes, v_rule, v_note, _ = variant
                if len(v_codes) == 1:
                    st.notes.append(v_note)
                    return st.finish(v_codes[0], "normalized", v_rule)
                return st.several(v_codes, v_note, v_rule)
        return None

    def _fuzzy_names(self, st: _Attempt, scope: dict[str, list[str]]) -> _Result:
        """Step 6: fuzzy, in the amphoe first, then the province; else ambiguous or unmatched."""
        ix, tk, t_raw, amps, pc = self.ix, st.tk, st.t_raw, st.amps, st.pc
        sk = skeleton(tk)
        skel_scope = (
            [c for a in amps for c in ix.tam_skel_by_amp.get(a, {}).get(sk, [])]
            if amps
            else [c for p in st.pcs for c in ix.tam_skel_by_prov.get(p, {}).get(sk, [])]
            if pc is not None
            else []
        )
        ranked = _fuzzy(tk, scope)
        if len(set(skel_scope)) == 1:
            code = skel_scope[0]
            score = next((s for c, s in ranked if c == code), 85.0)
            st.notes.append(f"{t_raw!r} read as {ix.tambon[code][0]}")
            st.scores.append(score)
            return st.finish(code, "fuzzy", RULE_SKELETON)
        pick = _pick(ranked, tk)
        if pick is not None and _few_edits(tk, normalize_name(ix.tambon[pick][0], level="tambon")):
            st.notes.append(f"{t_raw!r} read as {ix.tambon[pick][0]}")
            st.scores.append(ranked[0][1])
            return st.finish(pick, "fuzzy", RULE_FUZZY)
        if amps and pc is not None:  # a misspelt tambon that also moved: stricter
            res, ranked = self._fuzzy_moved(st, scope, ranked, pc)
            if res is not None:
                return res
        if not ranked and pc is None:
            ranked = _fuzzy(tk, ix.tam_national)
        return self._not_decided(st, ranked, skel_scope)

    def _fuzzy_moved(
        self,
        st: _Attempt,
        scope: dict[str, list[str]],
        ranked: list[tuple[str, float]],
        pc: str,
    ) -> tuple[_Result | None, list[tuple[str, float]]]:
        """Step 6: a misspelt tambon that also moved (stricter), or a clear best of the district.

        Returns the result, or None with the candidates of the district and the province.
        """
        ix, tk, t_raw, amps = self.ix, st.tk, st.t_raw, st.amps
        prov_scope = {k: v for k, v in ix.tam_by_prov.get(pc, {}).items()}
        ranked_p = _fuzzy(tk, prov_scope)
        if (
            ranked_p
            and ranked_p[0][1] >= 90
            and _pick(ranked_p, tk)
            and _few_edits(tk, normalize_name(ix.tambon[ranked_p[0][0]][0], level="tambon"))
        ):
            code = ranked_p[0][0]
            st.notes.append(f"{t_raw!r} read as {ix.full_name(code)}")
            st.scores.append(ranked_p[0][1])
            return st.finish(code, "fuzzy", RULE_FUZZY_PROVINCE), ranked
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
            st.notes.append(
                f"{t_raw!r} read as {ix.tambon[code][0]}, the clear best of the "
                f"{n_here} tambons of the district (similarity {best:g}, lead {lead:g}; "
                f"district threshold {_FUZZY_DISTRICT_MIN:g})"
            )
            st.scores.append(best)
            return st.finish(code, "fuzzy", RULE_FUZZY_DISTRICT), ranked
        return None, sorted({*ranked, *ranked_p}, key=lambda kv: (-kv[1], kv[0]))

    def _not_decided(
        self, st: _Attempt, ranked: list[tuple[str, float]], skel_scope: Sequence[str]
    ) -> _Result:
        """Step 6: several close names (ambiguous), or none (unmatched, with suggestions)."""
        ix, tk, t_raw, amps, pc, notes = self.ix, st.tk, st.t_raw, st.amps, st.pc, st.notes
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
            near_top = [(c, sc) for c, sc in ranked if sc > ranked[0][1] - _FUZZY_MARGIN]
            if len(near_top) > 1:
                notes.append(f"{t_raw!r} is close to {len(near_top)} names")
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
            best_by_code = dict(ranked)
            for c, sc in more:
                best_by_code.setdefault(c, sc)
            ranked = sorted(best_by_code.items(), key=lambda kv: (-kv[1], kv[0]))
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
            cands: tuple[tuple[str, float], ...] = ((code, 100.0), (res.code, res.score))
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
