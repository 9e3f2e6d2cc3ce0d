"""Import observations into the monitoring store: validate, compare, append, all or nothing.

An import is one write transaction: a file already imported adds nothing, a file with any
problem is rejected whole (:class:`~tambon_gis.monitoring.ImportReport` lists every row and
reason), and the rows whose content changed become new revisions, never overwriting the old.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ImportRejectedError
from tambon_gis._logging import get_logger, progress
from tambon_gis.monitoring import io as mio
from tambon_gis.monitoring import validate
from tambon_gis.monitoring.status import ImportReport

if TYPE_CHECKING:
    from tambon_gis.monitoring.store import MonitoringStore

log = get_logger(__name__)


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
) -> ImportReport:
    """Validate a table of observations and store it in one transaction, all or nothing.

    ``df`` is the file as read (:func:`tambon_gis.monitoring.io.read_any`) and ``digest`` its
    content hash; see :meth:`MonitoringStore.import_file` for the options.
    """
    if on_error not in ("raise", "report"):
        raise ValueError(f"on_error={on_error!r}: expected 'raise' or 'report'")
    if layout not in ("auto", "long", "wide"):
        raise ValueError(f"layout={layout!r}: expected 'auto', 'long' or 'wide'")
    extra_fields = df.attrs.get("extra_fields") or {}
    long, layout_used, ignored, n_empty = mio.to_long(df, layout=layout)
    who = recorded_by or store.user
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store._write() as con:
        if con.execute("SELECT 1 FROM imports WHERE file_hash = ?", (digest,)).fetchone():
            log.info("%s was already imported: nothing added", name)
            return ImportReport(
                name, status="already imported", layout=layout_used, n_rows=len(long),
                n_unchanged=len(long), file_hash=digest,
            )  # fmt: skip
        rows, rejected = validate.observations(store, long, extra_fields=extra_fields)
        if not len(rejected) and store.backend == "postgresql":
            rejected = store._out_of_scope(rows)
        if len(rejected):
            report = ImportReport(
                name, status="rejected", layout=layout_used, n_rows=len(long),
                n_empty_cells=n_empty, ignored_columns=ignored, rejected=rejected,
                file_hash=digest,
            )  # fmt: skip
            if on_error != "raise":  # raised, the error carries the list: say it once
                log.warning("%s", report.summary(10))
            if on_error == "raise":
                raise ImportRejectedError(
                    report.summary(20) + "\nFix these rows and import the file again.",
                    report,
                )
            return report
        # the content hash covers what the file says, not the defaults filled in below,
        # so the same rows in a file of another name are recognised as unchanged
        rows["row_hash"] = validate.row_hashes(rows)
        rows["source"] = rows["source"].mask(rows["source"] == "", source)
        rows["recorded_by"] = rows["recorded_by"].mask(rows["recorded_by"] == "", who)
        rows["recorded_at"] = rows["recorded_at"].mask(rows["recorded_at"] == "", now)
        existing = _current_for(store, rows)
        merged = rows.merge(existing, on=["tambon_code", "indicator_id", "period"], how="left")
        unchanged = (merged["old_hash"] == merged["row_hash"]).fillna(False).astype(bool)
        new = merged.loc[~unchanged].copy()
        new["revision"] = new["old_revision"].fillna(0).astype("int64") + 1
        n_revised = int(new["old_revision"].notna().sum())
        cur = con.execute(
            "INSERT INTO imports (file_name, file_hash, layout, n_rows, n_added, n_revised, "
            "n_unchanged, imported_by, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (name, digest, layout_used, len(rows), len(new) - n_revised, n_revised,
             int(unchanged.sum()), who, now),
        )  # fmt: skip
        import_id = cur.lastrowid
        start_id = (con.execute("SELECT max(obs_id) FROM observations").fetchone()[0] or 0) + 1
        new["obs_id"] = np.arange(start_id, start_id + len(new))
        log.info(
            "transaction open on %s: writing %d observation(s) from %s",
            store._name,
            len(new),
            name,
        )
        _insert(con, new, import_id)
    report = ImportReport(
        name, status="imported", layout=layout_used, n_rows=len(rows),
        n_added=len(new) - n_revised, n_revised=n_revised, n_unchanged=int(unchanged.sum()),
        n_empty_cells=n_empty, ignored_columns=ignored, file_hash=digest,
    )  # fmt: skip
    log.info("%r", report)
    return report

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
    starts = range(0, len(records), batch)
    for first in progress(starts, total=len(starts), desc="writing observations"):
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

def _current_for(store: MonitoringStore, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the current revision and content hash of the observations ``rows`` revise."""
    cols = ["tambon_code", "indicator_id", "period", "old_revision", "old_hash"]
    if store._con.execute("SELECT count(*) FROM current").fetchone()[0] == 0:
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in cols[:3]})
        return empty.assign(
            old_revision=pd.Series(dtype="float64"), old_hash=pd.Series(dtype="Int64")
        )
    ids = sorted(rows["indicator_id"].unique())
    periods = sorted(rows["period"].unique())
    sql = (
        "SELECT tambon_code, indicator_id, period, revision AS old_revision, "
        "row_hash AS old_hash FROM current WHERE indicator_id IN "
        f"({','.join('?' * len(ids))}) AND period IN ({','.join('?' * len(periods))})"
    )
    out = store._query(sql, [*ids, *periods])
    out["old_revision"] = out["old_revision"].astype("float64")
    out["old_hash"] = out["old_hash"].astype("Int64")
    return out
