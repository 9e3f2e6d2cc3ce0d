"""The report of :func:`~tambon_gis.matching.match_areas`: :class:`MatchReport`.

One status, code, score, candidates and note per input row, the counts by status, the rows
that need attention and the duplicates; rendered in Jupyter and exported to CSV and Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._export import safe_excel_writer, write_csv
from tambon_gis._logging import get_logger
from tambon_gis.matching.index import _index
from tambon_gis.matching.resolver import _blank
from tambon_gis.matching.statuses import ATTENTION, MATCHED, RESULT_COLUMNS, STATUSES, _Result

log = get_logger("tambon_gis.matching")  # one logger for the whole package


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

        def per_combo(values: list[Any], dtype: Literal["str", "float64"] = "str") -> pd.Series:
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
