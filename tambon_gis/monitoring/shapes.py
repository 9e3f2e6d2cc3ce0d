"""The boundaries of a store's operation areas, and its published status (a GIS layer).

A store keeps the outline of each operation area (``area_shapes``: WKB in EPSG:4326 on SQLite,
``geometry(MultiPolygon, 4326)`` on PostGIS), so maps and GIS clients need no other file.
:func:`publish_status` writes the status of a quarter, computed by the one Python rule
(:meth:`MonitoringStore.status`), into ``published_status``; on PostgreSQL the view
``area_status`` joins it to the areas and their geometry and is registered in PostGIS's
``geometry_columns`` (type MultiPolygon, SRID 4326), so QGIS lists it as a layer.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.monitoring import plans_schema

log = get_logger(__name__)

#: Schema steps after version 1, in order: (version, SQLite DDL). Each is idempotent.
SQLITE_STEPS: list[tuple[str, str]] = [
    (
        "2",
        """
CREATE TABLE IF NOT EXISTS area_shapes (
    tambon_code TEXT PRIMARY KEY, geom BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS published_status (
    tambon_code TEXT NOT NULL, indicator_id TEXT NOT NULL, period TEXT NOT NULL,
    value REAL, target REAL, expected REAL, ratio REAL, status TEXT NOT NULL,
    status_th TEXT NOT NULL, published_at TEXT NOT NULL,
    PRIMARY KEY (tambon_code, indicator_id)
);
""",
    ),
    ("3", plans_schema.SQLITE_DDL),  # policy issues, plans, plan items and their budgets
    ("4", ""),  # PostgreSQL only: reads limited to the store's users (a file has one)
]

PG_SHAPES = """
CREATE TABLE IF NOT EXISTS area_shapes (
    tambon_code TEXT PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS area_shapes_geom ON area_shapes USING gist (geom);
CREATE TABLE IF NOT EXISTS published_status (
    tambon_code TEXT NOT NULL, indicator_id TEXT NOT NULL, period TEXT NOT NULL,
    value DOUBLE PRECISION, target DOUBLE PRECISION, expected DOUBLE PRECISION,
    ratio DOUBLE PRECISION, status TEXT NOT NULL, status_th TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (tambon_code, indicator_id)
);
CREATE OR REPLACE VIEW area_status AS
    SELECT row_number() OVER (ORDER BY a.tambon_code, s.indicator_id) AS fid,
           a.tambon_code, a.tambon_th, a.tambon_en, a.amphoe_th, a.changwat_code,
           a.changwat_th, a.programme, a.lead_agency, s.indicator_id, i.name_th AS indicator_th,
           s.period, s.value, s.target, s.expected, s.ratio, s.status, s.status_th,
           s.published_at, g.geom::geometry(MultiPolygon, 4326) AS geom
    FROM areas a
    JOIN area_shapes g ON g.tambon_code = a.tambon_code
    JOIN published_status s ON s.tambon_code = a.tambon_code
    LEFT JOIN indicators i ON i.indicator_id = s.indicator_id;
"""


#: How each backend reads an outline as WKB, and writes one from WKB (``?``), in EPSG:4326.
WKB_OUT = {"sqlite": "{}", "postgresql": "ST_AsBinary({})"}
WKB_IN = {"sqlite": "?", "postgresql": "ST_Multi(ST_GeomFromWKB(?, 4326))"}


def copy_outlines(source: Any, target: Any) -> int:
    """Copy every stored outline from one store connection to another (in its transaction)."""
    rows = source.execute(
        f"SELECT tambon_code, {WKB_OUT[source.dialect].format('geom')} FROM area_shapes "
        "ORDER BY tambon_code"
    ).fetchall()
    target.executemany(
        f"INSERT OR REPLACE INTO area_shapes VALUES (?, {WKB_IN[target.dialect]})",
        [(code, bytes(wkb)) for code, wkb in rows],
    )
    return len(rows)


def sqlite_upgrade_script() -> str:
    """Every SQLite step, each raising ``schema_version`` only from the version before it."""
    parts = []
    previous = "1"
    for version, ddl in SQLITE_STEPS:
        parts.append(ddl)
        parts.append(
            f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version' "
            f"AND value = '{previous}';"
        )
        previous = version
    return "\n".join(parts)


def set_boundaries(store: Any, gdf: Any = None) -> int:
    """Store the outline of every operation area found in ``gdf`` (default: load_boundaries)."""
    import shapely

    if gdf is None:
        from tambon_gis import load_boundaries

        gdf = load_boundaries()
    if "tambon_code" not in gdf.columns:
        raise ValidationError(
            "the boundaries have no tambon_code column: pass a tambon layer read with "
            "tambon_gis.load_boundaries(path)"
        )
    codes = set(store.areas()["tambon_code"])
    if not codes:
        raise ValidationError("the store has no operation areas yet: call set_areas first")
    part = gdf[gdf["tambon_code"].isin(codes)]
    if part.crs is not None and part.crs.to_epsg() != 4326:
        part = part.to_crs(4326)
    geoms = shapely.force_2d(part.geometry.to_numpy())
    polys = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms]
    rows = [
        (code, shapely.to_wkb(g, output_dimension=2))
        for code, g in zip(part["tambon_code"], polys, strict=True)
    ]
    with store._write() as con:
        con.executemany(
            f"INSERT OR REPLACE INTO area_shapes VALUES (?, {WKB_IN[store.backend]})", rows
        )
    missing = sorted(codes - set(part["tambon_code"]))
    if missing:
        log.warning(
            "%d operation area(s) are not in the boundary layer: %s", len(missing), missing[:10]
        )
    log.info("set_boundaries stored %d outline(s) in %s", len(rows), store._name)
    return len(rows)


def boundaries(store: Any) -> Any:
    """Return the stored outlines joined to the areas, as a GeoDataFrame in EPSG:4326."""
    import geopandas as gpd
    import shapely

    geom = WKB_OUT[store.backend].format("g.geom")
    df = store._query(
        f"SELECT a.*, {geom} AS wkb FROM areas a JOIN area_shapes g "
        "ON g.tambon_code = a.tambon_code ORDER BY a.tambon_code"
    )
    shapes: Any = shapely.from_wkb([bytes(b) for b in df.pop("wkb")]) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(shapes, crs=4326), crs=4326)


def publish_status(store: Any, period: Any) -> int:
    """Write the status of a quarter (one row per area and indicator) for GIS clients."""
    import datetime as dt

    st = store.status(period)
    f = st.to_frame()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    cols = ["tambon_code", "indicator_id", "value", "target", "expected", "ratio", "status",
            "status_th"]  # fmt: skip
    for c in ("ratio", "expected", "target", "value"):
        if c not in f.columns:
            f[c] = float("nan")
    out = f[cols].astype(object).where(f[cols].notna(), None)
    rows = [
        (r[0], r[1], st.period.code, *r[2:], now)
        for r in out.itertuples(index=False, name=None)
    ]
    with store._write() as con:
        con.execute("DELETE FROM published_status")
        con.executemany(
            "INSERT INTO published_status (tambon_code, indicator_id, period, value, target, "
            "expected, ratio, status, status_th, published_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    log.info("publish_status wrote %d row(s) for %s", len(rows), st.period.code)
    return len(rows)


def published(store: Any) -> pd.DataFrame:
    """Return the published status rows."""
    return store._query("SELECT * FROM published_status ORDER BY tambon_code, indicator_id")
