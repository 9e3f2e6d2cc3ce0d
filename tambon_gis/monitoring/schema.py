"""The SQLite schema of the monitoring store and its version.

The PostgreSQL schema is in :mod:`tambon_gis.monitoring.postgres`, the outlines and the
published status in :mod:`tambon_gis.monitoring.shapes`, the plan tables in
:mod:`tambon_gis.monitoring.plans_schema`.
"""

from __future__ import annotations

#: The schema version this tambon_gis writes (2: area_shapes, published_status; 3: plans).
SCHEMA_VERSION = "3"

#: The tables, views and triggers of schema version 1 (later versions are added by
#: :func:`tambon_gis.monitoring.shapes.sqlite_upgrade_script`).
SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS areas (
    tambon_code TEXT PRIMARY KEY CHECK (length(tambon_code) = 6),
    programme TEXT NOT NULL DEFAULT '',
    lead_agency TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    tambon_th TEXT, tambon_en TEXT, amphoe_code TEXT, amphoe_th TEXT,
    changwat_code TEXT, changwat_th TEXT
);
CREATE TABLE IF NOT EXISTS indicators (
    indicator_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT 'joint',
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'mean', 'share')),
    min_value REAL,
    max_value REAL
);
CREATE TABLE IF NOT EXISTS targets (
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id),
    fiscal_year INTEGER NOT NULL,
    tambon_code TEXT NOT NULL DEFAULT '*',
    target REAL NOT NULL,
    PRIMARY KEY (indicator_id, fiscal_year, tambon_code)
);
CREATE TABLE IF NOT EXISTS imports (
    import_id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL UNIQUE,
    layout TEXT NOT NULL,
    n_rows INTEGER NOT NULL,
    n_added INTEGER NOT NULL,
    n_revised INTEGER NOT NULL,
    n_unchanged INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    obs_id INTEGER PRIMARY KEY,
    tambon_code TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    value REAL NOT NULL,
    denominator REAL,
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    revision INTEGER NOT NULL,
    row_hash INTEGER NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(import_id),
    source_row INTEGER,
    UNIQUE (tambon_code, indicator_id, period, revision)
);
CREATE TABLE IF NOT EXISTS current (
    tambon_code TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    value REAL NOT NULL,
    denominator REAL,
    revision INTEGER NOT NULL,
    obs_id INTEGER NOT NULL,
    row_hash INTEGER NOT NULL,
    area_int INTEGER NOT NULL,       -- the tambon code as a number, for fast status reads
    indicator_int INTEGER NOT NULL,  -- rowid of the indicator
    PRIMARY KEY (period, tambon_code, indicator_id)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS latest_observations AS
    SELECT o.* FROM observations AS o JOIN current AS c ON c.obs_id = o.obs_id;
CREATE TRIGGER IF NOT EXISTS observations_no_update BEFORE UPDATE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: import the correction as a new revision');
END;
CREATE TRIGGER IF NOT EXISTS observations_no_delete BEFORE DELETE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: they are never deleted');
END;
"""
