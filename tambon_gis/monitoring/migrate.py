"""Copy a monitoring store to another backend with every revision (SQLite <-> PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.monitoring import plans_schema, shapes
from tambon_gis.monitoring import sql as _sql
from tambon_gis.monitoring.store import open_store

log = get_logger(__name__)

_OBS = (
    "obs_id", "tambon_code", "indicator_id", "period", "fiscal_year", "quarter", "value",
    "denominator", "source", "note", "recorded_by", "recorded_at", "revision", "row_hash",
    "import_id", "source_row",
)  # fmt: skip
_IMPORTS = (
    "import_id", "file_name", "file_hash", "layout", "n_rows", "n_added", "n_revised",
    "n_unchanged", "imported_by", "imported_at",
)  # fmt: skip


def migrate_store(source: str | Path, target: str | Path) -> Any:
    """Copy the store at ``source`` into a new, empty store at ``target``, all or nothing.

    Programme settings, areas, their outlines, catalogue, targets, the import log, every
    observation revision and the tambon plans (vocabulary, every revision of plans and items,
    budgets; with who recorded them and when) are copied; the latest values are rebuilt from
    them. Either address may be a SQLite file or a ``postgresql://`` URL; a PostgreSQL target
    needs an administrator of that store.

    Parameters
    ----------
    source : str or Path
        The store to copy (left unchanged).
    target : str or Path
        The new store; it must hold no observations yet.

    Returns
    -------
    MonitoringStore
        The target store, open.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with open_store(folder / "a.sqlite", fiscal_years=2566) as a:
    ...     a.set_areas(["320101"])
    >>> b = migrate_store(folder / "a.sqlite", folder / "b.sqlite")
    >>> b.areas()["tambon_code"].tolist(), b.fiscal_years
    (['320101'], (2566, 2566))
    >>> b.close()
    """
    src = open_store(source, create=False)
    dst = open_store(target)
    try:
        n = dst._con.execute("SELECT count(*) FROM observations").fetchone()[0]
        if n:
            raise ValidationError(
                f"the target store {dst._label!r} already holds {n} observation revision(s): "
                "migrate into a new, empty store"
            )
        s = src._con
        with dst._write() as con:
            if con.dialect == "postgresql":
                con.execute("SET LOCAL tambon_gis.keep_recorded_by = 'on'")
            meta = [r for r in s.execute("SELECT key, value FROM meta").fetchall()
                    if r[0] != "schema_version"]  # fmt: skip
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta)
            for table in ("areas", "indicators", "targets"):
                cols = _sql.COLUMNS[table]
                rows = s.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
                marks = ",".join("?" * len(cols))
                con.executemany(
                    f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows
                )
            for table, cols in (("imports", _IMPORTS), ("observations", _OBS)):
                rows = s.execute(
                    f"SELECT {', '.join(cols)} FROM {table} ORDER BY {cols[0]}"
                ).fetchall()
                marks = ",".join("?" * len(cols))
                con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
            shapes.copy_outlines(s, con)  # the areas' outlines (schema 2)
            # the plans (schema 3): the vocabulary, then every revision of plans and items
            for table, cols in plans_schema.COLUMNS.items():
                rows = s.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
                marks = ",".join("?" * len(cols))
                verb = "INSERT OR REPLACE" if table == "policy_issues" else "INSERT"
                con.executemany(f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
            if con.dialect == "postgresql":
                con.execute(
                    "SELECT setval(pg_get_serial_sequence('imports', 'import_id'), "
                    "greatest((SELECT max(import_id) FROM imports), 1))"
                )
            latest = [r[0] for r in s.execute("SELECT obs_id FROM current").fetchall()]
            con.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _tg_latest (obs_id BIGINT PRIMARY KEY)"
            )
            con.execute("DELETE FROM _tg_latest")
            con.executemany("INSERT INTO _tg_latest (obs_id) VALUES (?)", [(i,) for i in latest])
            con.execute(
                "INSERT OR REPLACE INTO current (tambon_code, indicator_id, period, fiscal_year, "
                "quarter, value, denominator, revision, obs_id, row_hash, area_int, "
                "indicator_int) SELECT o.tambon_code, o.indicator_id, o.period, o.fiscal_year, "
                "o.quarter, o.value, o.denominator, o.revision, o.obs_id, o.row_hash, "
                "CAST(o.tambon_code AS INTEGER), i.rowid FROM observations AS o "
                "JOIN _tg_latest AS l ON l.obs_id = o.obs_id "
                "JOIN indicators AS i ON i.indicator_id = o.indicator_id"
            )
            con.execute("DELETE FROM _tg_latest")
        log.info(
            "migrate_store copied %d revision(s) from %s to %s",
            len(src.observations(latest=False)), src._label, dst._label,
        )  # fmt: skip
    except BaseException:
        dst.close()
        raise
    finally:
        src.close()
    return dst
