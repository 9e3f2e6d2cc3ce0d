"""Build ``match_hard_cases.csv``: hand-typed rows of the hard cases of issue 13, with the truth.

Every row is made from the gazetteer (the ``geothai`` package: the names in force and the
history of abolished and moved codes), typed the way the issue describes people typing it.
The ``expected`` column is the code of the tambon the row stands for, ``cls`` the class of
miss it belongs to, ``how`` the variation applied. Rows whose variation lands on the name of
another tambon of the same district or province are left out (no rule can tell them apart);
``may_be_ambiguous`` is true where a careful reader would also hesitate (two tambons of the
name remain possible), and then the right answer is ``ambiguous`` with ``expected`` among the
candidates, or ``expected`` itself when the history decides.

Run from the repository root to rewrite the file (deterministic for one gazetteer release)::

    PYTHONPATH=$PWD python tests/data/make_match_hard_cases.py

The test suite rebuilds the rows in memory and checks that the stored file is the same.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
OUT = HERE / "match_hard_cases.csv"
SEED = 13
COLUMNS = ["cls", "how", "province", "amphoe", "tambon", "expected", "may_be_ambiguous"]

TONES = "\u0e48\u0e49\u0e4a\u0e4b"
LOOK_ALIKE = {"ซ": "ช", "ช": "ซ", "ฏ": "ฎ", "ฎ": "ฏ", "ศ": "ส", "ส": "ศ", "ิ": "ุ", "ี": "ื", "ื": "ี"}
DEEP_SOUTH = ("94", "95", "96")


def _mutations(name: str, rng: random.Random, *, malay: bool) -> list[tuple[str, str]]:
    """Spelling variants of a name, each with the kind of change."""
    out: list[tuple[str, str]] = []
    tones = [i for i, c in enumerate(name) if c in TONES]
    if tones:
        i = rng.choice(tones)
        out.append((name[:i] + name[i + 1 :], "tone dropped"))
        other = rng.choice([t for t in TONES if t != name[i]])
        out.append((name[:i] + other + name[i + 1 :], "tone changed"))
    alike = [i for i, c in enumerate(name) if c in LOOK_ALIKE]
    if alike:
        i = rng.choice(alike)
        out.append((name[:i] + LOOK_ALIKE[name[i]] + name[i + 1 :], "look-alike letter"))
    if len(name) >= 5:
        i = rng.randrange(1, len(name) - 1)
        if name[i] not in TONES:
            out.append((name[:i] + name[i + 1 :], "letter dropped"))
        j = rng.randrange(1, len(name))
        out.append((name[:j] + name[j - 1] + name[j:], "letter doubled"))
    if malay:
        if "ะ" in name:
            out.append((name.replace("ะ", "า", 1), "Malay: ะ as า"))
        if "า" in name:
            out.append((name.replace("า", "ะ", 1), "Malay: า as ะ"))
        if "เ" in name and "าะ" in name:
            out.append((name.replace("าะ", "๊าะ", 1), "Malay: tone added"))
        if name.endswith("ะ") and not tones:
            out.append((name[:-1] + "๊ะ", "Malay: tone added"))
    return out


def build(seed: int = SEED) -> pd.DataFrame:
    """Return the rows of the hard-case set (see the module docstring)."""
    sys.path.insert(0, str(HERE.parent.parent))
    from tambon_gis import gazetteer
    from tambon_gis.names import (
        PROVINCE_SPLITS,
        loose_skeleton,
        normalize_name,
        skeleton,
    )

    rng = random.Random(seed)
    t = gazetteer.tambons().sort_values("tambon_code").reset_index(drop=True)
    ab = gazetteer.abolished()
    nbrs = gazetteer.neighbours_by_amphoe()
    key = {
        c: normalize_name(n, level="tambon")
        for c, n in zip(t.tambon_code, t.tambon_th, strict=True)
    }
    by_prov: dict[tuple[str, str], set[str]] = {}
    by_amp: dict[tuple[str, str], set[str]] = {}
    for c, k in key.items():
        by_prov.setdefault((c[:2], k), set()).add(c)
        by_amp.setdefault((c[:4], k), set()).add(c)
    amp_tambons: dict[str, list[str]] = {}
    for c in key:
        amp_tambons.setdefault(c[:4], []).append(c)
    prov_name = dict(
        zip(gazetteer.changwats().changwat_code, gazetteer.changwats().changwat_th, strict=True)
    )
    amp_name = dict(
        zip(gazetteer.amphoes().amphoe_code, gazetteer.amphoes().amphoe_th, strict=True)
    )
    old_amp_name = ab[ab.level == "district"].set_index("code")["name_th"].to_dict()
    abol_names = {
        (o.code[:2], normalize_name(o.name_th, level="tambon"))
        for o in ab[ab.level == "subdistrict"].itertuples(index=False)
    }
    lineage: dict[str, set[str]] = {}  # districts that gave tambons to one another
    for o in ab[ab.level == "subdistrict"].itertuples(index=False):
        for s_ in str(o.successors).split():
            if s_[:4] != o.code[:4]:
                lineage.setdefault(o.code[:4], set()).add(s_[:4])
                lineage.setdefault(s_[:4], set()).add(o.code[:4])
    rows: list[dict[str, object]] = []

    def add(
        cls: str,
        how: str,
        code: str,
        tambon: str,
        *,
        amphoe: str | None = None,
        province: str | None = None,
        amb: bool = False,
    ) -> None:
        rows.append(
            dict(
                cls=cls,
                how=how,
                province=prov_name[code[:2]] if province is None else province,
                amphoe=amp_name[code[:4]] if amphoe is None else amphoe,
                tambon=tambon,
                expected=code,
                may_be_ambiguous=amb,
            )
        )

    def free(code: str, typed: str) -> bool:
        """The typed name is no other tambon's name in the province, nor an old name there."""
        k = normalize_name(typed, level="tambon")
        return (
            bool(k)
            and not (by_prov.get((code[:2], k), set()) - {code})
            and (code[:2], k) not in abol_names
        )

    codes = t.tambon_code.tolist()
    names = dict(zip(t.tambon_code, t.tambon_th, strict=True))
    # 1. words that are not part of the name -------------------------------------------------
    for code in rng.sample(codes, 260):
        n = names[code]
        how, typed = rng.choice(
            [
                ("เทศบาลตำบล + name", f"เทศบาลตำบล{n}"),
                ("ทต. + name", f"ทต.{n}"),
                ("name + สุขาภิบาล", f"{n} สุขาภิบาล"),
                ("สุขาภิบาล + name", f"สุขาภิบาล{n}"),
                ("name + (เขตเทศบาล)", f"{n} (เขตเทศบาล)"),
                (
                    "name + เทศบาลเมือง...",
                    f"{n} เทศบาลเมือง{amp_name[code[:4]].removeprefix('เมือง')}",
                ),
                ("กิ่งอ. + name", f"กิ่งอ.{n}"),
            ]
        )
        add("words", how, code, typed)
    ban = [c for c in codes if names[c].startswith("บ้าน") and len(names[c]) > 6]
    for code in rng.sample(ban, 150):
        typed = names[code][4:]
        if free(code, typed) and not by_amp.get((code[:4], normalize_name(typed, level="tambon"))):
            add("words", "บ้าน dropped", code, typed)
    plain = [c for c in codes if not names[c].startswith("บ้าน")]
    for code in rng.sample(plain, 150):
        typed = "บ้าน" + names[code]
        if free(code, typed):
            add("words", "บ้าน added", code, typed)
    for code in codes:  # the district's name typed for an official name that adds a word
        a = amp_name[code[:4]]
        own = a.removeprefix("เมือง") if code[2:4] == "01" and a.startswith("เมือง") else a
        own = own.removeprefix("เขต")
        n = names[code]
        if (
            n != own
            and n.endswith(own)
            and len(own) >= 2
            and not by_amp.get((code[:4], normalize_name(own, level="tambon")))
        ):
            fits = [
                c
                for c in amp_tambons[code[:4]]
                if key[c].endswith(normalize_name(own, level="tambon"))
                and key[c] != normalize_name(own, level="tambon")
            ]
            if (code[:2], normalize_name(own, level="tambon")) in abol_names:
                continue  # the district's old tambon of that name was split: its own case
            add(
                "words",
                "district's name for the official name",
                code,
                own,
                amb=len(fits) > 1
                or bool(by_prov.get((code[:2], normalize_name(own, level="tambon")))),
            )
    # 2. ฯ inside a long name ------------------------------------------------------------------
    long_names = [c for c in codes if len(key[c]) >= 9]
    for code in rng.sample(long_names, 220):
        k = names[code]
        head = rng.randrange(3, 5)
        tail = rng.randrange(2, 4)
        while head < len(k) and k[head] in "ัิีึืุู็่้๊๋์ะาำ":
            head += 1
        while tail < len(k) - head and k[len(k) - tail] in "ัิีึืุู็่้๊๋์ะาำ":
            tail += 1
        if head + tail + 2 > len(k):
            continue
        typed = f"{k[:head]}ฯ{k[len(k) - tail :]}"
        inner = normalize_name(typed, level="tambon")
        p1, p2 = (
            normalize_name(k[:head], level="tambon"),
            normalize_name(k[len(k) - tail :], level="tambon"),
        )
        fits = [
            c
            for c in amp_tambons[code[:4]]
            if key[c].startswith(p1) and key[c].endswith(p2) and len(key[c]) > len(p1) + len(p2)
        ]
        if by_prov.get((code[:2], inner)):
            continue
        add("abbreviation", "ฯ inside", code, typed, amb=len(fits) > 1)
    # 3. spelling variants inside the right district ------------------------------------------
    south = [c for c in codes if c[:2] in DEEP_SOUTH]
    pool = rng.sample([c for c in codes if c[:2] not in DEEP_SOUTH], 520) + rng.sample(
        south, min(len(south), 290)
    )
    for code in pool:
        variants = _mutations(names[code], rng, malay=code[:2] in DEEP_SOUTH)
        if not variants:
            continue
        typed, how = rng.choice(variants)
        k2 = normalize_name(typed, level="tambon")
        if k2 == key[code] or not free(code, typed):
            continue
        # a variant as close to another tambon of the district is a coin toss: keep it out
        others = [c for c in amp_tambons[code[:4]] if c != code]
        if any(
            skeleton(key[c]) == skeleton(k2) or loose_skeleton(key[c]) == loose_skeleton(k2)
            for c in others
        ):
            continue
        cls = "spelling-malay" if code[:2] in DEEP_SOUTH else "spelling"
        add(cls, how, code, typed)
    # 4. tambons moved to a new district (the gazetteer's history) -----------------------------
    for o in ab[ab.level == "subdistrict"].itertuples(index=False):
        succ = str(o.successors).split()
        if len(succ) != 1 or succ[0] not in names or succ[0][:4] == o.code[:4]:
            continue
        new = succ[0]
        old_a = amp_name.get(o.code[:4]) or old_amp_name.get(o.code[:4])
        if not old_a or "(" in old_a or "สาขา" in old_a or "เทศบาล" in old_a or " " in old_a:
            continue
        if o.code[:2] != new[:2] or normalize_name(o.name_th, level="tambon") != key[new]:
            continue
        if by_amp.get((o.code[:4], key[new])):
            continue  # the old district holds a tambon of that name today
        several = len(by_prov[(new[:2], key[new])]) > 1
        # same name moved twice from the district: the history cannot choose
        twins = [
            x
            for x in ab[(ab.level == "subdistrict") & (ab.code.str[:4] == o.code[:4])].itertuples(
                index=False
            )
            if normalize_name(x.name_th, level="tambon") == key[new] and x.code != o.code
        ]
        add(
            "moved",
            "old district, province with several of the name" if several else "old district",
            new,
            o.name_th,
            amphoe=old_a,
            amb=bool(twins),
        )
    # moved to a district next to the typed one, no history (typed the neighbour's name)
    repeated = [c for c in codes if len(by_prov[(c[:2], key[c])]) > 1]
    for code in repeated:
        k = key[code]
        same = sorted(by_prov[(code[:2], k)])
        near = [a for a in sorted(nbrs.get(code[:4], ())) if a[:2] == code[:2] and a in amp_name]
        rng.shuffle(near)
        for a in near[:1]:
            if by_amp.get((a, k)) or (code[:2], k) in abol_names:
                continue
            others_near = [
                c
                for c in same
                if c != code and (c[:4] in nbrs.get(a, ()) or c[:4] in lineage.get(a, ()))
            ]
            add(
                "moved",
                "neighbouring district, province with several of the name",
                code,
                names[code],
                amphoe=amp_name[a],
                amb=bool(others_near),
            )
    # 5. province changes ----------------------------------------------------------------------
    for new_p, old_p, _year in PROVINCE_SPLITS:
        pcodes = [c for c in codes if c[:2] == new_p]
        for code in rng.sample(pcodes, min(len(pcodes), 60)):
            amb = len(by_prov[(new_p, key[code])]) > 1 or bool(by_prov.get((old_p, key[code])))
            add(
                "province",
                f"typed under {prov_name[old_p]} ({_year})",
                code,
                names[code],
                province=prov_name[old_p],
                amb=amb,
            )
    for o in ab[ab.level == "subdistrict"].itertuples(index=False):  # old province + old district
        succ = str(o.successors).split()
        if len(succ) == 1 and succ[0] in names and succ[0][:2] != o.code[:2]:
            old_a = old_amp_name.get(o.code[:4]) or amp_name.get(o.code[:4])
            amb = bool(by_prov.get((o.code[:2], key[succ[0]])))
            add(
                "province",
                "old province and old district",
                succ[0],
                o.name_th,
                province=prov_name[o.code[:2]],
                amphoe=old_a,
                amb=amb,
            )
    # a district typed under the neighbouring province it was transferred from (no history)
    amp_keys = {(a[:2], normalize_name(n, level="amphoe")) for a, n in amp_name.items()}
    split_pairs = {(n, o) for n, o, _ in PROVINCE_SPLITS} | {(o, n) for n, o, _ in PROVINCE_SPLITS}
    for code in rng.sample(codes, 400):
        a = code[:4]
        if a.endswith("01"):
            continue  # "เมือง..." names the province itself
        near_p = sorted({b[:2] for b in nbrs.get(a, ()) if b[:2] != code[:2]})
        near_p = [q for q in near_p if (code[:2], q) not in split_pairs]
        if not near_p:
            continue
        q = rng.choice(near_p)
        if (q, normalize_name(amp_name[a], level="amphoe")) in amp_keys:
            continue
        amb = bool(by_prov.get((q, key[code])))
        add(
            "province",
            "district typed under the neighbouring province",
            code,
            names[code],
            province=prov_name[q],
            amb=amb,
        )
    # 6. codes typed into the tambon column -------------------------------------------------------
    thai_digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    for code in rng.sample(codes, 150):
        typed = rng.choice(
            [f"TH{code}", code.translate(thai_digits), f"{code[:2]}-{code[2:4]}-{code[4:]}"]
        )
        add("code-in-name", "code in the tambon column", code, typed, amphoe="", province="")
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.drop_duplicates(["province", "amphoe", "tambon"], keep=False).reset_index(drop=True)


def main() -> int:
    df = build()
    df.to_csv(OUT, index=False, encoding="utf-8", lineterminator="\n")
    counts = df["cls"].value_counts().to_dict()
    sys.stdout.write(f"wrote {len(df):,} rows to {OUT}: {counts}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
