"""A store's policy-issue vocabulary: the built-in issues and the ones the programme adds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._frames import rows
from tambon_gis._logging import get_logger
from tambon_gis.monitoring import MonitoringStore
from tambon_gis.tables import read_table_with_report
from tambon_gis.vocabulary import check_issue_id, issue_key, issue_lookup, split_issues

log = get_logger(__name__)

_COLUMNS = ("issue_id", "name_th", "name_en", "aliases")


def policy_issues(store: MonitoringStore) -> pd.DataFrame:
    """Return the store's policy issues: ``issue_id``, ``name_th``, ``name_en``, ``aliases``.

    ``aliases`` is a list of the other spellings accepted in plan files; ``builtin`` says
    whether the issue is one of the four of :data:`tambon_gis.vocabulary.POLICY_ISSUES`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     policy_issues(store)["issue_id"].tolist()
    ['cptpp', 'food_security', 'forest_land', 'grassroots_production']
    """
    df = store.read_sql(
        "SELECT issue_id, name_th, name_en, aliases, builtin FROM policy_issues ORDER BY issue_id"
    )
    df["aliases"] = df["aliases"].map(lambda a: [x for x in str(a).split("|") if x])
    df["builtin"] = df["builtin"].astype(bool)
    return df


def vocabulary_lookup(store: MonitoringStore) -> tuple[dict[str, str], list[str]]:
    """Return ``({key: issue_id}, ["name_th (issue_id)", ...])`` of the store's vocabulary."""
    df = policy_issues(store)
    extra = [(r.issue_id, r.name_th, r.name_en, r.aliases) for r in rows(df)]
    names = [f"{r.name_th} ({r.issue_id})" for r in rows(df)]
    return issue_lookup(extra), names


def issue_names(store: MonitoringStore, *, lang: str = "th") -> dict[str, str]:
    """Return ``{issue_id: name}`` in Thai (default) or English."""
    df = policy_issues(store)
    col = "name_th" if lang == "th" else "name_en"
    return {r.issue_id: (getattr(r, col) or r.name_th) for r in rows(df)}


def add_policy_issues(
    store: MonitoringStore,
    table: pd.DataFrame | str | Path | Iterable[Mapping[str, Any]],
) -> pd.DataFrame:
    """Add policy issues to the store's vocabulary, or aliases to issues it has.

    Parameters
    ----------
    store : MonitoringStore
        On PostgreSQL, an administrator of the store.
    table : DataFrame, path or list of dicts
        Columns ``issue_id`` (2-40 lower-case letters, digits, ``_``), ``name_th``, optional
        ``name_en`` and ``aliases`` (several separated by ``;`` ``,`` or ``|``). A row whose
        ``issue_id`` exists adds its aliases (and fills an empty English name); the built-in
        names are never changed.

    Returns
    -------
    DataFrame
        The vocabulary after the change (:func:`policy_issues`).

    Raises
    ------
    ValidationError
        A bad id, a missing Thai name, or an alias that already names another issue.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     v = add_policy_issues(store, [{"issue_id": "water", "name_th": "การจัดการน้ำ",
    ...                                    "name_en": "Water management", "aliases": "น้ำ; แหล่งน้ำ"}])
    ...     v.set_index("issue_id").loc["water", "aliases"]
    ['น้ำ', 'แหล่งน้ำ']
    """
    if isinstance(table, (str, Path)):
        df = read_table_with_report(table, dtype_str=True, fill_down=False)[0]
    elif isinstance(table, pd.DataFrame):
        df = table.copy()
    elif isinstance(table, Mapping):  # one issue
        df = pd.DataFrame([dict(table)])
    else:
        df = pd.DataFrame(list(table))
    # headers as typed in a sheet: "Issue_ID ", "NAME_TH"
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in ("issue_id", "name_th") if c not in df.columns]
    if missing:
        raise ValidationError(
            f"the policy issue table has no column(s) {missing}: its columns are "
            f"{list(df.columns)}; give issue_id, name_th and optionally name_en and aliases"
        )
    df = df.astype(object).where(df.notna(), "")
    current = policy_issues(store).set_index("issue_id")
    lookup, _ = vocabulary_lookup(store)
    problems: list[str] = []
    writes: dict[str, tuple[str, str, str, str, int]] = {}  # one per id: rows of one id merge
    for n, r in enumerate(df.to_dict("records"), start=1):
        try:
            ident = check_issue_id(r["issue_id"])
        except ValueError as exc:
            problems.append(f"row {n}: {exc}")
            continue
        th, en = str(r["name_th"]).strip(), str(r.get("name_en", "")).strip()
        aliases = split_issues(str(r.get("aliases", "")).replace("|", ";"))
        if ident in writes:  # a second row of an id of this table adds to the first
            _, th, old_en, old_aliases, builtin = writes[ident]
            en = old_en or en
            before = [a for a in old_aliases.split("|") if a]
            aliases = [*before, *(a for a in aliases if a not in before)]
        elif ident in current.index:
            old = current.loc[ident]
            th, builtin = str(old["name_th"]), int(bool(old["builtin"]))
            en = str(old["name_en"]) or en
            aliases = [*old["aliases"], *(a for a in aliases if a not in old["aliases"])]
        elif not th:
            problems.append(f"row {n}: issue {ident!r} has no Thai name (name_th): give one")
            continue
        else:
            builtin = 0
        # the id is a spelling too (plan files may type it), and the rows above count
        for text in (ident, th, en, *aliases):
            owner = lookup.get(issue_key(text))
            if text and owner is not None and owner != ident:
                problems.append(
                    f"row {n}: {text!r} already names the issue {owner!r}: drop it from "
                    f"{ident!r}, or use {owner!r}"
                )
        for text in (ident, th, en, *aliases):
            if issue_key(text):
                lookup.setdefault(issue_key(text), ident)
        writes[ident] = (ident, th, en, "|".join(aliases), builtin)
    if problems:
        raise ValidationError(
            "the policy issues were not added (nothing changed):\n  " + "\n  ".join(problems)
        )
    with store.transaction() as con:
        con.executemany(
            "INSERT OR REPLACE INTO policy_issues (issue_id, name_th, name_en, aliases, builtin) "
            "VALUES (?,?,?,?,?)",
            list(writes.values()),
        )
    log.info("add_policy_issues wrote %d issue(s)", len(writes))
    return policy_issues(store)
