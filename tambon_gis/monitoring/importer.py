"""Import observations into the monitoring store: validate, compare, append, all or nothing.

An import is one write transaction: a file already imported adds nothing, a file with any
problem is rejected whole (:class:`~tambon_gis.monitoring.ImportReport` lists every row and
reason), and the rows whose content changed become new revisions, never overwriting the old.

The file is processed in chunks of ``settings.import_chunk_rows`` rows inside that one
transaction, so memory stays bounded by a chunk plus a few bytes per row: each chunk is
reshaped, validated and written in turn, duplicates across chunks are found by hashing each
observation's key (:func:`~tambon_gis.monitoring.validate.key_hashes`), and any problem in any
chunk rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis import settings
from tambon_gis._errors import ImportRejectedError, LimitError
from tambon_gis._logging import get_logger, progress
from tambon_gis.monitoring import io as mio
from tambon_gis.monitoring import validate
from tambon_gis.monitoring.status import ImportReport

if TYPE_CHECKING:
    from tambon_gis.monitoring.store import MonitoringStore

log = get_logger(__name__)


class _RejectedError(Exception):
    """Raised inside the write transaction to roll back what earlier chunks wrote."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.name)
        self.report = report


def import_rows(
    store: MonitoringStore,
    df: pd.DataFrame,
    *,
    name: str,
    digest: str,
    layout: str,
    recorded_by: str | None,
    source: str,
    on_error: str,
    rows: mio.FileRows | None = None,
) -> ImportReport:
    """Validate a table of observations and store it in one transaction, all or nothing.

    ``df`` is the file as read (:func:`tambon_gis.monitoring.io.read_any`), ``rows`` where
    its rows are in the file (:class:`~tambon_gis.monitoring.io.FileRows`; without them row
    numbers count from 2) and ``digest`` its content hash; see
    :meth:`MonitoringStore.import_file` for the options. The rows are processed
    ``settings.import_chunk_rows`` at a time, inside the one transaction.
    """
    if on_error not in ("raise", "report"):
        raise ValueError(f"on_error={on_error!r}: expected 'raise' or 'report'")
    if layout not in ("auto", "long", "wide"):
        raise ValueError(f"layout={layout!r}: expected 'auto', 'long' or 'wide'")
    run = _Run(store, df, name=name, layout=layout, chunk_rows=chunk_rows(), rows=rows)
    who = recorded_by or store.user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        with store._write() as con:
            if con.execute("SELECT 1 FROM imports WHERE file_hash = ?", (digest,)).fetchone():
                n_long, layout_used = run.count()
                log.info("%s was already imported: nothing added", name)
                return ImportReport(
                    name, status="already imported", layout=layout_used, n_rows=n_long,
                    n_unchanged=n_long, file_hash=digest,
                )  # fmt: skip
            report = run.execute(con, digest=digest, source=source, who=who, now=now)
            if report.status == "rejected":
                raise _RejectedError(report)  # rolls back what the chunks before wrote
    except _RejectedError as rejected:
        report = rejected.report
        if on_error != "raise":  # raised, the error carries the list: say it once
            log.warning("%s", report.summary(10))
            return report
        raise ImportRejectedError(
            report.summary(20) + "\nFix these rows and import the file again.", report
        ) from None
    log.info("%r", report)
    return report


def chunk_rows() -> int:
    """Return ``settings.import_chunk_rows``, checked.

    Raises
    ------
    LimitError
        When the setting is not a whole number of at least 1.
    """
    value = settings.import_chunk_rows
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise LimitError(
            f"settings.import_chunk_rows is {value!r}: expected a whole number of rows of at "
            "least 1 (default 50,000); set e.g. tambon_gis.settings.import_chunk_rows = 50_000"
        )
    return int(value)


class _Run:
    """One import of a table in chunks: what was seen, found and written so far."""

    def __init__(
        self, store: MonitoringStore, df: pd.DataFrame, *, name: str, layout: str,
        chunk_rows: int, rows: mio.FileRows | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.name = name
        self.layout = layout
        self.chunk_rows = chunk_rows
        self.extra_fields: dict[int, int] = rows.extra_fields if rows is not None else {}
        if rows is not None and len(rows.rows) == len(df):
            self.file_rows = np.asarray(rows.rows, dtype="int64")
        else:
            self.file_rows = np.arange(2, len(df) + 2, dtype="int64")
        # a shallow view without attrs: pandas copies attrs on every slice
        self.frame = df.copy(deep=False)
        self.frame.attrs = {}
        self.n_chunks = max(1, -(-len(df) // chunk_rows))

    def chunk(self, first: int, last: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows ``first:last`` of the table, and their file row numbers."""
        return self.frame.iloc[first:last], self.file_rows[first:last]

    def chunks(self, desc: str) -> Iterator[tuple[int, tuple[pd.DataFrame, str, list[str], int]]]:
        """Each chunk's index and its long form (:func:`tambon_gis.monitoring.io.to_long`)."""
        size = self.chunk_rows
        for k in progress(range(self.n_chunks), total=self.n_chunks, desc=desc):
            part, rows = self.chunk(k * size, (k + 1) * size)
            yield k, mio.to_long(part, layout=self.layout, rows=rows)

    def count(self) -> tuple[int, str]:
        """Count the observations of the table and tell its layout, without checking them."""
        n, used = 0, self.layout
        for _, (long, layout_used, _, _) in self.chunks(f"reading {self.name}"):
            n += len(long)
            used = layout_used
        return n, used

    def execute(self, con: Any, *, digest: str, source: str, who: str, now: str) -> ImportReport:
        """Check every chunk, write the good ones while nothing is wrong; return the report."""
        store = self.store
        if store.backend == "sqlite":  # the import row is written last, in this transaction
            con.execute("PRAGMA defer_foreign_keys = ON")
        first_obs = (con.execute("SELECT max(obs_id) FROM observations").fetchone()[0] or 0) + 1
        writer = _Writer(store, con, first_obs=first_obs, source=source, who=who, now=now)
        problems: list[pd.DataFrame] = []
        scope: list[pd.DataFrame] = []
        h1s: list[np.ndarray] = []
        h2s: list[np.ndarray] = []
        key_rows: list[np.ndarray] = []
        seen = np.zeros(0, dtype="uint64")  # sorted first hashes of the keys so far
        n_long = n_empty = n_valid = 0
        layout_used, ignored = self.layout, list[str]()
        unwritten: int | None = None  # the first chunk not written, once one was held back
        for k, (long, chunk_layout, chunk_ignored, n_e) in self.chunks(
            f"importing {self.name}"
        ):
            layout_used, ignored = chunk_layout, chunk_ignored
            n_long += len(long)
            n_empty += n_e
            keys = validate.observation_keys(long)
            keys = keys.loc[keys["period_code"] != ""]
            h1, h2 = validate.key_hashes(keys)
            h1s.append(h1)
            h2s.append(h2)
            key_rows.append(keys["row"].to_numpy(dtype="int64"))
            rows, rejected = validate.observations(
                store, long, extra_fields=self.extra_fields, duplicates=False
            )
            del long, keys
            if len(rejected):
                problems.append(rejected)
            elif not problems and store.backend == "postgresql":
                out = store._out_of_scope(rows)
                if len(out):
                    scope.append(out)
            n_valid += len(rows)
            # a key met before (or twice here) makes a duplicate: write nothing from here on,
            # the whole-file check below names the rows
            at = np.minimum(np.searchsorted(seen, h1), max(len(seen) - 1, 0))
            repeated = bool(len(seen) and (seen[at] == h1).any()) or (
                len(np.unique(h1)) < len(h1)
            )
            seen = np.sort(np.concatenate([seen, h1]), kind="stable")
            if unwritten is None and (problems or scope or repeated):
                unwritten = k
            if unwritten is None:
                writer.write(rows)
        dups = self.duplicates(np.concatenate(h1s), np.concatenate(h2s), np.concatenate(key_rows))
        del h1s, h2s, key_rows, seen
        if len(dups) or problems:
            rejected = pd.concat([*problems, dups], ignore_index=True)
            rejected["row"] = rejected["row"].astype("int64")
            rejected = rejected.sort_values(["row", "column"], kind="stable")
        elif scope:
            rejected = pd.concat(scope, ignore_index=True)
        else:
            rejected = pd.DataFrame()
        if len(rejected):
            return ImportReport(
                self.name, status="rejected", layout=layout_used, n_rows=n_long,
                n_empty_cells=n_empty, ignored_columns=ignored, rejected=rejected,
                file_hash=digest,
            )  # fmt: skip
        if unwritten is not None:  # held back for keys that only shared a first hash
            for k, (long, _, _, _) in self.chunks(f"writing {self.name}"):
                if k >= unwritten:
                    checked = validate.observations(
                        store, long, extra_fields=self.extra_fields, duplicates=False
                    )
                    writer.write(checked[0])
        n_revised = writer.n_revised
        n_added = writer.n_new - n_revised
        n_unchanged = n_valid - writer.n_new
        con.execute(
            "INSERT INTO imports (import_id, file_name, file_hash, layout, n_rows, n_added, "
            "n_revised, n_unchanged, imported_by, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (writer.import_id(), self.name, digest, layout_used, n_valid, n_added, n_revised,
             n_unchanged, who, now),
        )  # fmt: skip
        log.info(
            "transaction on %s: wrote %d observation(s) from %s in %d chunk(s)",
            store._name, writer.n_new, self.name, self.n_chunks,
        )  # fmt: skip
        return ImportReport(
            self.name, status="imported", layout=layout_used, n_rows=n_valid,
            n_added=n_added, n_revised=n_revised, n_unchanged=n_unchanged,
            n_empty_cells=n_empty, ignored_columns=ignored, file_hash=digest,
        )  # fmt: skip

    def duplicates(self, h1: np.ndarray, h2: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
        """Return the problems of the rows that give one observation more than once.

        Found on the key hashes of every chunk; the rows concerned are then read again, a
        chunk at a time, for the columns the report shows.
        """
        if not len(h1):
            return pd.DataFrame()
        order = np.lexsort((rows, h2, h1))
        s1, s2 = h1[order], h2[order]
        first = np.r_[True, (s1[1:] != s1[:-1]) | (s2[1:] != s2[:-1])]
        gid = np.cumsum(first) - 1
        dup = np.bincount(gid)[gid] > 1
        if not dup.any():
            return pd.DataFrame()
        reasons = validate.duplicate_reasons(gid[dup], rows[order][dup])
        groups = pd.DataFrame({"h1": s1[dup], "h2": s2[dup], "reason": reasons})
        groups = groups.drop_duplicates(["h1", "h2"])
        # the table positions of the rows concerned, read again in chunks
        wanted = np.unique(rows[order][dup])
        positions = pd.Index(self.file_rows).get_indexer(wanted)
        parts = []
        size = self.chunk_rows
        for first_at in range(0, len(positions), size):
            at = positions[first_at : first_at + size]
            long = mio.to_long(self.frame.iloc[at], layout=self.layout, rows=self.file_rows[at])[0]
            keys = validate.observation_keys(long)
            keys = keys.loc[keys["period_code"] != ""]
            k1, k2 = validate.key_hashes(keys)
            keys = keys.assign(h1=k1, h2=k2).merge(groups, on=["h1", "h2"], how="inner")
            parts.append(keys[[*validate.REPORT_COLUMNS, "reason"]])
        return pd.concat(parts, ignore_index=True)


class _Writer:
    """Write the chunks of one import: new revisions only, numbered in order."""

    def __init__(
        self, store: MonitoringStore, con: Any, *, first_obs: int, source: str, who: str,
        now: str,
    ) -> None:  # fmt: skip
        self.store = store
        self.con = con
        self._import_id: int | None = None
        self.first_obs = first_obs
        self.next_obs = first_obs
        self.source = source
        self.who = who
        self.now = now
        self.n_new = 0
        self.n_revised = 0
        # an empty store has nothing to revise: no look-up per chunk
        self.had_current = con.execute("SELECT 1 FROM current LIMIT 1").fetchone() is not None

    def import_id(self) -> int:
        """Return the number of this import, drawn when first needed.

        Drawn lazily, so that a user who may not write is refused by the scope check of
        the rows, before the store is asked for a number.
        """
        if self._import_id is None:
            if self.store.backend == "sqlite":
                sql = "SELECT coalesce(max(import_id), 0) + 1 FROM imports"
            else:
                sql = "SELECT nextval(pg_get_serial_sequence('imports', 'import_id'))"
            self._import_id = int(self.con.execute(sql).fetchone()[0])
        return self._import_id

    def write(self, rows: pd.DataFrame) -> None:
        """Store the rows of one checked chunk that are new or changed."""
        if not len(rows):
            return
        rows = rows.copy()
        # the content hash covers what the file says, not the defaults filled in below,
        # so the same rows in a file of another name are recognised as unchanged
        rows["row_hash"] = validate.row_hashes(rows)
        rows["source"] = rows["source"].mask(rows["source"] == "", self.source)
        rows["recorded_by"] = rows["recorded_by"].mask(rows["recorded_by"] == "", self.who)
        rows["recorded_at"] = rows["recorded_at"].mask(rows["recorded_at"] == "", self.now)
        if self.had_current:
            existing = _current_for(self.store, rows, before=self.first_obs)
            merged = rows.merge(existing, on=["tambon_code", "indicator_id", "period"], how="left")
        else:
            merged = rows.assign(
                old_revision=np.nan, old_hash=pd.array([pd.NA] * len(rows), dtype="Int64")
            )
        unchanged = (merged["old_hash"] == merged["row_hash"]).fillna(False).astype(bool)
        new = merged.loc[~unchanged.to_numpy()].copy()
        new["revision"] = new["old_revision"].fillna(0).astype("int64") + 1
        self.n_revised += int(new["old_revision"].notna().sum())
        new["obs_id"] = np.arange(self.next_obs, self.next_obs + len(new))
        if self.n_new == 0 and len(new):
            log.info(
                "transaction open on %s: writing observations, the first %d of this chunk",
                self.store._name, len(new),
            )  # fmt: skip
        self.next_obs += len(new)
        self.n_new += len(new)
        _insert(self.con, new, self.import_id())


def _insert(con: Any, new: pd.DataFrame, import_id: int | None) -> None:
    """Append the new revisions to ``observations`` and make them ``current``."""
    obs_cols = [
        "obs_id", "tambon_code", "indicator_id", "period", "fiscal_year", "quarter", "value",
        "denominator", "source", "note", "recorded_by", "recorded_at", "revision",
        "row_hash", "source_row",
    ]  # fmt: skip
    columns = []
    for col in obs_cols:
        values: np.ndarray | list[Any] = new[col].to_numpy(dtype=object)
        if col == "denominator":
            values = [None if v != v else v for v in values]  # NaN -> NULL
        columns.append(values.tolist() if hasattr(values, "tolist") else list(values))
    columns.append([import_id] * len(new))
    records = list(zip(*columns, strict=True))
    batch = 100_000
    sql_obs = (
        "INSERT INTO observations (obs_id, tambon_code, indicator_id, period, fiscal_year, "
        "quarter, value, denominator, source, note, recorded_by, recorded_at, revision, "
        "row_hash, source_row, import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    for first in range(0, len(records), batch):
        con.executemany(sql_obs, records[first : first + batch])
    con.execute(
        "INSERT OR REPLACE INTO current (tambon_code, indicator_id, period, fiscal_year, "
        "quarter, value, denominator, revision, obs_id, row_hash, area_int, indicator_int) "
        "SELECT o.tambon_code, o.indicator_id, o.period, o.fiscal_year, o.quarter, o.value, "
        "o.denominator, o.revision, o.obs_id, o.row_hash, CAST(o.tambon_code AS INTEGER), "
        "i.rowid FROM observations AS o JOIN indicators AS i ON i.indicator_id = "
        "o.indicator_id WHERE o.obs_id >= ? ORDER BY o.obs_id",
        (int(new["obs_id"].min()) if len(new) else 0,),
    )

def _current_for(store: MonitoringStore, rows: pd.DataFrame, *, before: int) -> pd.DataFrame:
    """Return the current revision and content hash of the observations ``rows`` revise.

    Only observations stored before this import (``obs_id < before``) count: what earlier
    chunks of the same import wrote is not a revision of it.
    """
    codes = sorted(rows["tambon_code"].unique())
    ids = sorted(rows["indicator_id"].unique())
    periods = sorted(rows["period"].unique())
    sql = (
        "SELECT tambon_code, indicator_id, period, revision AS old_revision, "
        "row_hash AS old_hash FROM current WHERE indicator_id IN "
        f"({','.join('?' * len(ids))}) AND period IN ({','.join('?' * len(periods))}) "
        f"AND tambon_code IN ({','.join('?' * len(codes))}) AND obs_id < ?"
    )
    out = store._query(sql, [*ids, *periods, *codes, before])
    out["old_revision"] = out["old_revision"].astype("float64")
    out["old_hash"] = out["old_hash"].astype("Int64")
    return out
