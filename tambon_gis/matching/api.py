""":func:`match_areas`: match every row of a table, one distinct combination at a time.

The rows are factorised into the distinct combinations of their typed values; each
combination goes through the exact fast path of the index or the full rules of
:mod:`tambon_gis.matching.resolver`, and the answers are mapped back to the rows in a
:class:`~tambon_gis.matching.MatchReport`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._deprecation import UNSET, renamed_keyword
from tambon_gis._errors import SchemaError, ValidationError
from tambon_gis._logging import get_logger, progress
from tambon_gis.gazetteer import neighbours_by_amphoe
from tambon_gis.matching.index import _index
from tambon_gis.matching.report import MatchReport
from tambon_gis.matching.resolver import _blank, _Resolver
from tambon_gis.matching.statuses import RULE_NAMES, STATUSES, _Result
from tambon_gis.names import _province_code_of_key, normalize_name
from tambon_gis.tables import ReadReport, detect_columns, read_table_with_report

log = get_logger("tambon_gis.matching")  # one logger for the whole package


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


def _match_columns(table: pd.DataFrame, given: dict[str, str | None]) -> dict[str, str]:
    """Return role -> column of the table, recognised from the headers when none is given.

    Raises SchemaError when a named column is missing or there is neither tambon nor code.
    """
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
    return {role: col for role, col in given.items() if col is not None}


def _filled_notes(
    filled: dict[str, list[int]], columns: dict[str, str], n: int
) -> dict[int, str]:
    """Return a note per row position (of ``n``) whose matched column read_table filled down."""
    row_notes: dict[int, str] = {}
    for col, positions in (filled or {}).items():
        if col in columns.values():
            for pos in positions:
                if 0 <= int(pos) < n:
                    prev = row_notes.get(int(pos))
                    msg = f"{col} filled down"
                    row_notes[int(pos)] = f"{prev}; {msg}" if prev else msg
    return row_notes


def match_areas(
    table: pd.DataFrame | str | Path,
    *,
    province: str | None = None,
    amphoe: str | None = None,
    tambon: str | None = None,
    code: str | None = None,
    gdf: Any = None,
    read_report: ReadReport | None = None,
    boundaries: Any = UNSET,
) -> MatchReport:
    """Find the tambon of every row of a table of typed names or codes.

    Parameters
    ----------
    table : pandas.DataFrame or path
        The table; a path is read with :func:`tambon_gis.tables.read_table_with_report`,
        and the cells it filled down are noted in the report's ``note``.
    province, amphoe, tambon, code : str, optional
        The columns holding the province name, the amphoe (district, khet) name, the tambon
        (sub-district, khwaeng) name and the tambon code. When none is given they are
        recognised from the headers (:func:`tambon_gis.tables.detect_columns`). A table needs
        at least a tambon column or a code column.
    gdf : geopandas.GeoDataFrame, optional
        Tambon boundaries whose adjacency of districts tells apart tambons of one name when
        the typed district holds none (computed once per layer, see
        :func:`tambon_gis.gazetteer.amphoe_neighbours`). Without them, the adjacency shipped
        with the package (from the 2022 HDX COD-AB layer) is used.
    read_report : ReadReport, optional
        The :class:`~tambon_gis.tables.ReadReport` of the
        :func:`~tambon_gis.tables.read_table_with_report` that read a DataFrame ``table``:
        the cells it filled down are noted in the report's ``note``, as for a path.
    boundaries : geopandas.GeoDataFrame, optional
        Deprecated name of ``gdf`` (warns; goes in the next release).

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
    gdf = renamed_keyword("match_areas", "boundaries", "gdf", boundaries, gdf)
    filled: dict[str, list[int]] = dict(read_report.filled) if read_report is not None else {}
    if isinstance(table, (str, Path)):
        table, read = read_table_with_report(table)
        filled = read.filled
    elif isinstance(table, pd.DataFrame) and read_report is None and table.attrs:
        # a frame of the deprecated attrs["read_table"] of read_table: read for this release
        # only (pass read_report= instead); the library's own callers pass the report
        filled = dict((table.attrs.get("read_table") or {}).get("filled") or {})
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(
            f"table is a {type(table).__name__}: expected a pandas DataFrame or the path of a "
            "CSV or Excel file"
        )
    given = {"province": province, "amphoe": amphoe, "tambon": tambon, "code": code}
    columns = _match_columns(table, given)
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
    resolver = _Resolver(_index(), neighbours_by_amphoe(gdf))
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
    row_notes = _filled_notes(filled, columns, len(table))
    report = MatchReport(table.copy(deep=False), columns, key, results, row_notes)
    c = report.counts
    log.info(
        "match_areas returned a report of %s rows (%s distinct combinations): %s",
        f"{n:,}",
        f"{n_combo:,}",
        ", ".join(f"{s} {c[s]:,}" for s in STATUSES if c[s]),
    )
    return report
