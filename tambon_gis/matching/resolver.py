"""Resolve one combination of typed values (code, province, amphoe, tambon) to a tambon.

:class:`_Resolver` applies the rules in order — codes, names top down, the history of the
typed district, variants of a name, the same name elsewhere in the province, abolished areas
and provinces split off, fuzzy matching — and returns a :class:`_Result` whose note names
the rule that decided it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
                    amp_names = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                    close = [
                        c
                        for c, sc in _fuzzy(tk, amp_names)
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
                amp_names = {k: v for a in amps for k, v in ix.tam_by_amp.get(a, {}).items()}
                close = [c for c, sc in _fuzzy(tk, amp_names) if sc >= _FUZZY_DISTRICT_MIN]
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
