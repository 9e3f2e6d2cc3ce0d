"""The monitoring store: one connection, its schema, transactions, set-up and queries.

:class:`MonitoringStore` holds the connection (SQLite through :mod:`sqlite3`, PostgreSQL
through the thin layer of :mod:`tambon_gis.monitoring.sql`), creates or upgrades the schema,
runs every write as one all-or-nothing transaction, and answers the queries. What it checks is
in :mod:`~tambon_gis.monitoring.validate`, how it reads files in
:mod:`~tambon_gis.monitoring.io`, its arithmetic in :mod:`~tambon_gis.monitoring.arithmetic`
and its maps in :mod:`~tambon_gis.monitoring.maps`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import html
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from tambon_gis._deprecation import warn_deprecated
from tambon_gis._errors import (
    AccessDeniedError,
    DataNotFoundError,
    ReadOnlyError,
    StoreConnectionError,
    ValidationError,
)
from tambon_gis._logging import get_logger
from tambon_gis.monitoring import arithmetic, importer, maps, postgres, shapes, validate
from tambon_gis.monitoring import io as mio
from tambon_gis.monitoring import sql as _sql
from tambon_gis.monitoring.schema import SCHEMA_VERSION, SQLITE_SCHEMA
from tambon_gis.monitoring.status import (
    AT_RISK,
    LEVELS,
    ON_TRACK,
    ImportReport,
    Rollup,
    StatusTable,
    as_quarter,
)
from tambon_gis.periods import Period

_SQLITE_ERRORS = _sql.SQLITE_ERRORS

log = get_logger(__name__)


class MonitoringStore:
    """A monitoring store: one SQLite file of areas, indicators, targets and observations.

    Open one with :func:`open_store`. The object holds one connection; use it as a context
    manager or call :meth:`close`. Every write is one ``BEGIN IMMEDIATE`` transaction, so
    several processes can write to the same file at once and a killed process leaves the
    store as it was.

    Parameters
    ----------
    path : str or Path
        The store file (``.sqlite``, ``.db`` or ``.gpkg``).
    create : bool
        Create the store when the file (or the database's store) does not exist; otherwise
        raise :class:`~tambon_gis._errors.DataNotFoundError`. A file or database of another
        program is never written to, whatever ``create`` says.
    timeout : float
        Seconds to wait for another writer before giving up.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        timeout: float = 120.0,
        read_only: bool | None = None,
    ) -> None:
        self.path: Path | None = None
        self.read_only = False
        if _sql.is_postgres_address(path):
            self._con = _sql.connect(str(path), timeout=timeout)
            self._label = self._con.label
            try:
                self._create_pg(create=create)
            except BaseException:
                self._con.rollback()
                self._con.close()
                raise
            return
        self.path = _sql.sqlite_path(path)
        self._label = str(self.path)
        if not self.path.exists() and not create:
            raise DataNotFoundError(
                f"no monitoring store at {str(self.path)!r}: check the path, or create one with "
                "open_store(path) (tambon-gis monitor import creates it too)"
            )
        if self.path.is_dir():
            raise DataNotFoundError(
                f"{str(self.path)!r} is a folder, not a monitoring store: pass the store file, "
                "e.g. kpi.sqlite"
            )
        if read_only is None:  # no write access to the file or its folder: read, never write
            read_only = self.path.exists() and not _sql.writable(self.path)
        self.read_only = bool(read_only)
        if self.read_only:
            if not self.path.exists():
                raise DataNotFoundError(f"no monitoring store at {str(self.path)!r} to read")
            con = _sql.connect_read_only(self.path, timeout=timeout)  # refuses a non-store
            self._con = _sql.SQLiteDB(self.path, timeout=timeout, con=con)
            self._check_version()
            return
        kind, what = _sql.inspect_sqlite(self.path)  # before any write, even a pragma
        if kind == "foreign":
            raise _sql.not_a_store(self.path, what)
        if kind == "empty" and not create:
            raise DataNotFoundError(
                f"{str(self.path)!r} is an empty file, not a monitoring store: check the path, "
                "or open it with open_store(path) (create=True) to make it a store"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = _sql.connect(self.path, timeout=timeout)
        except sqlite3.OperationalError as exc:
            raise DataNotFoundError(
                f"the monitoring store {str(self.path)!r} cannot be opened ({exc}): check the "
                "path and that you may read it"
            ) from exc
        except _SQLITE_ERRORS as exc:
            raise _sql.store_error(self.path, exc) from exc
        try:
            self._con.executescript(
                f"BEGIN IMMEDIATE;\nPRAGMA application_id = {_sql.APPLICATION_ID};\n"
                + SQLITE_SCHEMA + "\nINSERT OR IGNORE INTO meta VALUES "
                "('schema_version', '1');\n" + shapes.sqlite_upgrade_script() + "\nCOMMIT;"
            )
            self._check_version()
        except BaseException as exc:
            self._con.rollback()
            self._con.close()
            if isinstance(exc, _SQLITE_ERRORS):
                raise _sql.store_error(self.path, exc) from exc
            raise

    def _check_version(self) -> None:
        version = self.meta.get("schema_version", "0")
        if not version.isdigit() or int(version) > int(SCHEMA_VERSION):
            raise ValidationError(
                f"the store {self._label!r} has schema version {version!r}, newer than this "
                f"tambon_gis understands ({SCHEMA_VERSION}): upgrade tambon_gis"
            )

    def _create_pg(self, *, create: bool) -> None:
        """Create the schema on a PostgreSQL store, or upgrade it, once (writers queue).

        A database without the store's tables is an error when ``create`` is False; one whose
        tables clash with the store's (another program's ``meta`` or ``areas``) is never
        written to.
        """
        import psycopg

        try:
            version = postgres.exists(self._con)
        except psycopg.errors.InsufficientPrivilege:
            raise AccessDeniedError(
                f"{self._con.user!r} has no access to the store {self._label!r}: ask an "
                "administrator of the store to grant it (tambon-gis monitor grant)"
            ) from None
        if version == SCHEMA_VERSION:
            postgres.check_access(self._con, self._label)
            return
        self._con.begin_write()
        version = postgres.exists(self._con)
        if version is not None:
            postgres.check_may_upgrade(self._con, self._label, version, SCHEMA_VERSION)
        if version is None:
            clash = postgres.foreign_tables(self._con)
            if clash:
                raise _sql.not_a_store(
                    self._label,
                    f"a database whose schema already holds tables of another program "
                    f"({', '.join(clash)})",
                )
            if not create:
                raise DataNotFoundError(
                    f"no monitoring store in the database {self._label!r}: check the address "
                    "(database name, and the schema in search_path), or create the store with "
                    "open_store(address) (create=True; tambon-gis monitor import creates it too)"
                )
        if version is None or (version.isdigit() and int(version) < int(SCHEMA_VERSION)):
            postgres.create_schema(self._con, SCHEMA_VERSION)  # creates or upgrades
            log.info("store %s: schema %s -> %s", self._label, version, SCHEMA_VERSION)
        self._con.commit()
        self._check_version()

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._con.dialect

    @property
    def user(self) -> str:
        """Who the store records as having written: the database user, or the login name."""
        return self._con.user or _login()

    @property
    def _name(self) -> str:
        return self.path.name if self.path is not None else self._label

    # ------------------------------------------------------------------ access (PostgreSQL)

    def grant_access(
        self,
        user: str,
        *,
        role: str,
        changwats: Sequence[str] | str | None = None,
        agency: str | None = None,
    ) -> None:
        """Give a database user a role in this PostgreSQL store, and an editor a scope.

        Parameters
        ----------
        user : str
            An existing database user (login role).
        role : {"reader", "editor", "admin"}
            Readers read everything; editors also import observations within their scope;
            administrators also set up the programme and manage access.
        changwats : str or list of str, optional
            For an editor: the 2-digit changwat codes whose tambons it may write.
        agency : str, optional
            For an editor: its agency; it writes that agency's indicators, and joint
            indicators within its areas (its changwats, or the areas its agency leads).
        """
        self._pg_only("grant_access")
        postgres.grant(self._con, user, role=role, changwats=changwats, agency=agency)

    def revoke_access(self, user: str) -> None:
        """Take a database user's access to this PostgreSQL store away."""
        self._pg_only("revoke_access")
        postgres.revoke(self._con, user)

    def access(self) -> pd.DataFrame:
        """Return who may do what: ``db_user``, ``role``, ``changwats``, ``agency``."""
        self._pg_only("access")
        return postgres.access(self._con)

    # ------------------------------------------------------------------ boundaries and GIS

    def set_boundaries(self, gdf: Any = None) -> int:
        """Store the outlines of the operation areas, so the store maps without other files.

        Parameters
        ----------
        gdf : GeoDataFrame, optional
            Tambon boundaries with ``tambon_code``; default
            :func:`tambon_gis.load_boundaries`. Only the operation areas are kept.

        Returns
        -------
        int
            The number of outlines stored.
        """
        return shapes.set_boundaries(self, gdf)

    def boundaries(self) -> Any:
        """Return the stored outlines with the areas' names, as a GeoDataFrame (EPSG:4326)."""
        return shapes.boundaries(self)

    def publish_status(self, period: str | Period) -> int:
        """Write the status of a quarter into the store for GIS clients; return the row count.

        On PostgreSQL the view ``area_status`` (areas, geometry and this status) is registered
        in ``geometry_columns`` (MultiPolygon, EPSG:4326): QGIS opens it as a layer.
        """
        return shapes.publish_status(self, as_quarter(period))

    def _pg_only(self, what: str) -> None:
        if self.backend != "postgresql":
            raise ValidationError(
                f"{what}: a SQLite store is one user's file and has no access control; use a "
                "PostgreSQL store (open_store('postgresql://...')) for shared access"
            )

    def _out_of_scope(self, rows: pd.DataFrame) -> pd.DataFrame:
        return postgres.out_of_scope(self._con, rows)

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One all-or-nothing write transaction that waits for other writers."""
        if self.read_only:
            raise ReadOnlyError(
                f"the monitoring store {self._label!r} is open read-only (no write access to "
                "the file or its folder), so nothing can be imported or changed. Copy it to a "
                "folder you may write to, or ask for write access, and run the import again"
            )
        try:
            self._con.begin_write()
        except Exception as exc:
            self._con.rollback()  # e.g. the lock wait timed out: leave no aborted transaction
            self._raise_lost(exc)
            if isinstance(exc, _SQLITE_ERRORS) and self.path is not None:
                raise _sql.store_error(self.path, exc) from exc
            raise
        try:
            yield self._con
        except BaseException as exc:
            self._con.rollback()
            self._raise_lost(exc)
            if (
                isinstance(exc, sqlite3.DatabaseError)
                and not isinstance(exc, sqlite3.IntegrityError)
                and self.path is not None
            ):
                raise _sql.store_error(self.path, exc) from exc
            raise
        else:
            try:
                self._con.commit()
            except Exception as exc:
                self._raise_lost(exc, committing=True)
                raise

    def _raise_lost(self, exc: BaseException, *, committing: bool = False) -> None:
        """Turn a dropped server connection or a refused write into the library's errors."""
        if self._con.dialect != "postgresql":
            return
        import psycopg

        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise AccessDeniedError(
                f"{self._con.user!r} may not do this in the store {self._label!r}: "
                f"{str(exc).splitlines()[0]}; ask an administrator of the store for access"
            ) from None
        if self._con.is_connection_error(exc) and committing:
            raise StoreConnectionError(
                f"the connection to the store {self._label!r} was lost as a write was being "
                "committed, so it may or may not be stored: check, and run it again (the store "
                "reconnects; an import already stored adds nothing)"
            ) from None
        if self._con.is_connection_error(exc):
            raise StoreConnectionError(
                f"the connection to the store {self._label!r} was lost during a write: the "
                "server rolled the transaction back, so nothing of it was stored; run it again "
                "(the store reconnects)"
            ) from None

    def _import(self, name: str, digest: str, **kwargs: Any) -> ImportReport:
        """:func:`importer.import_rows`, with a lost connection said in terms of the file.

        A connection dropped mid-import leaves nothing of the file (the server rolls the
        transaction back); one dropped as the import committed is checked on a new
        connection, and an import that did commit is reported as imported.
        """
        try:
            return importer.import_rows(self, name=name, digest=digest, **kwargs)
        except StoreConnectionError:
            pass  # checked below, on a new connection
        try:
            row = self._con.execute(
                "SELECT layout, n_rows, n_added, n_revised, n_unchanged FROM imports "
                "WHERE file_hash = ?",
                (digest,),
            ).fetchone()
        except Exception:  # the server is still unreachable: what the import knows stands
            row = None
        if row is not None:
            log.warning("%s: the connection dropped as the import committed; it was stored", name)
            return ImportReport(
                name, status="imported", layout=row[0], n_rows=row[1], n_added=row[2],
                n_revised=row[3], n_unchanged=row[4], file_hash=digest,
            )  # fmt: skip
        raise StoreConnectionError(
            f"{name!r} was not imported: the connection to the store {self._label!r} was lost "
            "during the import and the server rolled it back, so nothing from the file is "
            "stored. Run the import again (the store reconnects; rows already stored are "
            "never written twice)"
        ) from None

    def transaction(self) -> Any:
        """Return one all-or-nothing write transaction (a context manager yielding the connection).

        For modules that keep their own tables in the store (:mod:`tambon_gis.plans`): writers
        queue (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), a failure rolls
        everything back, and refused or lost writes become the library's errors.
        """
        return self._write()

    def read_sql(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run one read-only SQL statement (``?`` placeholders) and return its rows as a table."""
        return self._query(sql, params)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        try:
            cur = self._con.execute(sql, params)
            cols = [c[0] for c in cur.description]
            rows = cur.fetchall()
        except _SQLITE_ERRORS as exc:
            raise _sql.store_error(self.path, exc) from exc
        return pd.DataFrame(rows, columns=cols)

    def close(self) -> None:
        """Close the connection (the store stays consistent whether or not this is called)."""
        self._con.close()

    def __enter__(self) -> MonitoringStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        n = self._con.execute
        counts = (
            n("SELECT count(*) FROM areas").fetchone()[0],
            n("SELECT count(*) FROM indicators").fetchone()[0],
            n("SELECT count(*) FROM current").fetchone()[0],
            n("SELECT count(*) FROM observations").fetchone()[0],
        )
        name = self.meta.get("name", "")
        return (
            f"MonitoringStore({self._label!r}{', ' + repr(name) if name else ''}: "
            f"{counts[0]} areas, {counts[1]} indicators, {counts[2]} observations, "
            f"{counts[3]} revisions stored)"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>"

    # ------------------------------------------------------------------ programme set-up

    @property
    def meta(self) -> dict[str, str]:
        """The programme settings (name, first and last fiscal year, schema version)."""
        return dict(self._con.execute("SELECT key, value FROM meta").fetchall())

    @property
    def fiscal_years(self) -> tuple[int, int] | None:
        """The first and last fiscal year (BE) of the programme, or ``None`` if not set."""
        m = self.meta
        if "first_fiscal_year" not in m:
            return None
        return int(m["first_fiscal_year"]), int(m["last_fiscal_year"])

    def configure(
        self, *, name: str | None = None, fiscal_years: tuple[int, int] | int | None = None
    ) -> None:
        """Set the programme name and the fiscal years (BE) observations may fall in.

        Parameters
        ----------
        name : str, optional
            Programme name, shown in reports.
        fiscal_years : int or (int, int), optional
            One fiscal year or the first and last; e.g. ``(2566, 2567)``.
        """
        updates: dict[str, str] = {}
        if name is not None:
            updates["name"] = str(name)
        if fiscal_years is not None:
            first, last = (
                (fiscal_years, fiscal_years) if isinstance(fiscal_years, int) else fiscal_years
            )
            for fy in (first, last):
                if not 2400 <= int(fy) <= 2700:
                    raise ValidationError(
                        f"fiscal year {fy!r} is not a Buddhist Era year: expected e.g. 2566 "
                        "(ปีงบประมาณ 2566 = Oct 2022 – Sep 2023)"
                    )
            if int(first) > int(last):
                raise ValidationError(
                    f"fiscal_years={fiscal_years!r}: the first year comes after the last; "
                    "give (first, last)"
                )
            updates["first_fiscal_year"], updates["last_fiscal_year"] = str(first), str(last)
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", updates.items())
        log.info("configured store %s: %s", self._name, updates)

    def set_areas(
        self,
        table: pd.DataFrame | str | Path | Iterable[str],
        *,
        programme: str | None = None,
        lead_agency: str | None = None,
        start_date: str | dt.date | None = None,
    ) -> None:
        """Add or update the operation areas of the programme.

        Parameters
        ----------
        table : DataFrame, path or iterable of codes
            Columns ``tambon_code`` and optionally ``programme``, ``lead_agency``,
            ``start_date``; or a CSV/Excel file of them; or just tambon codes.
        programme, lead_agency, start_date : optional
            Values for rows that do not give their own.

        Raises
        ------
        ValidationError
            Listing every malformed or unknown tambon code and unreadable start date.
        """
        rows = validate.area_rows(
            mio.as_frame(table, "tambon_code"),
            programme=programme, lead_agency=lead_agency, start_date=start_date,
        )  # fmt: skip
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO areas VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        log.info("set %d operation area(s) in %s", len(rows), self._name)

    def set_indicators(self, table: pd.DataFrame | str | Path | Iterable[dict]) -> None:
        """Add or update indicators of the catalogue.

        Parameters
        ----------
        table : DataFrame, path or iterable of dicts
            Columns ``indicator_id``, ``name_th`` (required), ``name_en``, ``unit``, ``owner``
            (agency or ``joint``), ``direction`` (``higher``/``lower``, default higher),
            ``aggregation`` (``sum``/``mean``/``share``), ``min_value``, ``max_value``. A
            ``share`` without bounds gets 0–1, or 0–100 when its unit is ``%``.

        Raises
        ------
        ValidationError
            Listing every problem found.
        """
        rows = validate.indicator_rows(mio.as_frame(table, "indicator_id"))
        with self._write() as con:
            con.executemany(
                "INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(indicator_id) DO "
                "UPDATE SET name_th=excluded.name_th, name_en=excluded.name_en, "
                "unit=excluded.unit, owner=excluded.owner, direction=excluded.direction, "
                "aggregation=excluded.aggregation, min_value=excluded.min_value, "
                "max_value=excluded.max_value",
                rows,
            )
        log.info("set %d indicator(s) in %s", len(rows), self._name)

    def set_targets(self, table: pd.DataFrame | str | Path | Iterable[dict]) -> None:
        """Add or update annual targets.

        Parameters
        ----------
        table : DataFrame, path or iterable of dicts
            Columns ``indicator_id``, ``fiscal_year`` (``2566`` or ``FY2566``), ``target`` and
            optionally ``tambon_code`` (empty or ``*`` = every area without its own target).

        Raises
        ------
        ValidationError
            Listing unknown indicators or areas, unreadable years and non-numeric targets.
        """
        df = mio.as_frame(table, "indicator_id")
        known = set(self.indicators()["indicator_id"])
        areas = set(self.areas()["tambon_code"])
        rows = validate.target_rows(df, known=known, areas=areas)
        with self._write() as con:
            con.executemany("INSERT OR REPLACE INTO targets VALUES (?,?,?,?)", rows)
        log.info("set %d target(s) in %s", len(rows), self._name)

    # ------------------------------------------------------------------ reading

    def areas(self) -> pd.DataFrame:
        """Return the operation areas with their names, sorted by tambon code."""
        return self._query("SELECT * FROM areas ORDER BY tambon_code")

    def indicators(self) -> pd.DataFrame:
        """Return the indicator catalogue."""
        cols = ", ".join(_sql.COLUMNS["indicators"])
        return self._query(f"SELECT {cols} FROM indicators ORDER BY indicator_id")

    def targets(self) -> pd.DataFrame:
        """Return every target (``tambon_code`` ``*`` = all areas without their own)."""
        return self._query("SELECT * FROM targets ORDER BY indicator_id, fiscal_year, tambon_code")

    def imports(self) -> pd.DataFrame:
        """Return the log of imported files."""
        return self._query("SELECT * FROM imports ORDER BY import_id")

    def observations(
        self,
        *,
        latest: bool = True,
        fiscal_year: int | None = None,
        tambon_code: str | None = None,
        indicator_id: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """Return observations, by default only the latest revision of each.

        Parameters
        ----------
        latest : bool
            ``False`` returns every revision (the full history).
        fiscal_year, tambon_code, indicator_id, period : optional
            Filters.

        Returns
        -------
        pandas.DataFrame
            One row per observation revision.
        """
        table = "latest_observations" if latest else "observations"
        where: list[str] = []
        params: list[Any] = []
        if fiscal_year is not None:
            where.append("fiscal_year = ?")
            params.append(int(fiscal_year))
        if tambon_code is not None:
            where.append("tambon_code = ?")
            params.append(str(tambon_code))
        if indicator_id is not None:
            where.append("indicator_id = ?")
            params.append(str(indicator_id))
        if period is not None:
            where.append("period = ?")
            params.append(as_quarter(period).code)
        sql = f"SELECT * FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY tambon_code, indicator_id, fiscal_year, quarter, revision"
        out = self._query(sql, params)
        log.info("observations returned %d row(s)", len(out))
        return out

    def history(self, tambon_code: str, indicator_id: str, period: str | Period) -> pd.DataFrame:
        """Return every revision of one observation, oldest first.

        Parameters
        ----------
        tambon_code : str
        indicator_id : str
        period : str or Period
            The fiscal quarter, in any form :func:`tambon_gis.periods.parse_period` reads.

        Returns
        -------
        pandas.DataFrame
            One row per revision with its value, source, note, who and when recorded, and the
            import it came from.
        """
        return self.observations(
            latest=False, tambon_code=tambon_code, indicator_id=indicator_id, period=period
        )

    # ------------------------------------------------------------------ import

    def import_file(
        self,
        path: str | Path,
        *,
        layout: str = "auto",
        sheet: str | int | None = None,
        recorded_by: str | None = None,
        source: str | None = None,
        on_error: str = "raise",
    ) -> ImportReport:
        """Import a CSV or Excel file of observations, all or nothing.

        Parameters
        ----------
        path : str or Path
            The file.
        layout : {"auto", "long", "wide"}
            ``long``: one row per observation with ``tambon_code``, ``indicator_id``,
            ``period``, ``value`` (and optionally ``denominator``, ``source``, ``note``,
            ``recorded_by``, ``recorded_at``). ``wide``: ``tambon_code``, ``period`` and one
            column per indicator id, or ``tambon_code``, ``indicator_id`` and one column per
            period. Empty cells of a wide file are counted, not stored.
        sheet : str or int, optional
            Excel sheet (default: the first visible sheet). The file is read with
            :func:`tambon_gis.tables.read_table`, so any encoding Thai Excel writes (UTF-8,
            UTF-16, cp874) and any separator (``,`` ``;`` TAB) is read.
        recorded_by : str, optional
            Who recorded the rows that do not say; default the login name.
        source : str, optional
            Source for rows that do not give one; default the file name.
        on_error : {"raise", "report"}
            On a rejected file, raise :class:`~tambon_gis._errors.ImportRejectedError` (its
            ``.report`` lists the rows) or return the report.

        Returns
        -------
        ImportReport
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no file {str(path)!r} to import: check the path")
        digest = mio.file_hash(path)
        already = self._con.execute(
            "SELECT imported_at FROM imports WHERE file_hash = ?", (digest,)
        ).fetchone()  # checked again inside the write transaction
        if already:
            report = ImportReport(path.name, status="already imported", file_hash=digest)
            log.info("%s was already imported on %s: nothing added", path.name, already[0])
            return report
        df, rows = mio.read_any(path, sheet=sheet)
        return self._import(
            path.name, digest, df=df, rows=rows, layout=layout, recorded_by=recorded_by,
            source=source if source is not None else path.name, on_error=on_error,
        )  # fmt: skip

    def import_table(
        self,
        table: pd.DataFrame,
        *,
        name: str = "table",
        layout: str = "auto",
        recorded_by: str | None = None,
        source: str | None = None,
        on_error: str = "raise",
    ) -> ImportReport:
        """Import observations from a DataFrame, all or nothing (see :meth:`import_file`).

        The table's content hash makes the import idempotent, as with files.
        """
        df = table.copy()
        df.columns = [str(c) for c in df.columns]
        df = df.astype(object).where(df.notna(), "").astype(str)
        return self._import(
            name, mio.frame_hash(df), df=df, layout=layout, recorded_by=recorded_by,
            source=source if source is not None else name, on_error=on_error,
        )  # fmt: skip

    # ------------------------------------------------------------------ status and roll-ups

    def status(
        self,
        period: str | Period,
        *,
        indicators: Sequence[str] | None = None,
        trend_periods: int = 4,
        on_track: float = ON_TRACK,
        at_risk: float = AT_RISK,
    ) -> StatusTable:
        """Return progress against target for every area and indicator in one quarter.

        Parameters
        ----------
        period : str or Period
            A fiscal quarter (``"ไตรมาส 2/2566"``, ``"Q2 FY2566"``).
        indicators : sequence of str, optional
            Indicator ids; default all.
        trend_periods : int
            Number of quarters up to ``period`` over which the trend is computed.
        on_track, at_risk : float
            Thresholds on the ratio of actual to expected (see :func:`classify`).

        Returns
        -------
        StatusTable

        Notes
        -----
        For ``sum`` indicators each quarter's value is the amount of that quarter; progress
        compares the fiscal-year-to-date sum with the pro-rata target (target × q / 4 at the
        end of quarter q). ``mean`` and ``share`` indicators compare the quarter's value with
        the target. An area that did not report in the quarter is "no data", never a failure;
        one without a target is "no target". A zero target is met by any value when higher
        is better, and only by zero when lower is better.
        """
        p = as_quarter(period)
        ind = self.indicators()
        if indicators is not None:
            unknown = sorted(set(indicators) - set(ind["indicator_id"]))
            if unknown:
                raise ValidationError(
                    f"unknown indicator(s) {unknown}: expected some of "
                    f"{ind['indicator_id'].tolist()[:12]}"
                )
            ind = ind[ind["indicator_id"].isin(list(indicators))]
        areas = self.areas()
        areas = areas.sort_values("tambon_code", kind="stable").reset_index(drop=True)
        ind = ind.sort_values("indicator_id", kind="stable").reset_index(drop=True)
        _, _, needed = arithmetic.status_quarters(p, trend_periods)
        matrix = arithmetic.latest_matrix(
            self._con, needed, p, areas["tambon_code"].tolist(), ind["indicator_id"].tolist()
        )
        targets = self._query(
            "SELECT indicator_id, tambon_code, target FROM targets WHERE fiscal_year = ?",
            [p.fiscal_year],
        )
        result = arithmetic.status_table(
            p, areas, ind, matrix, targets, trend_periods=trend_periods, on_track=on_track,
            at_risk=at_risk,
        )  # fmt: skip
        log.info("status returned %r", result)
        return result

    def rollup(
        self,
        period: str | Period,
        *,
        level: str = "changwat",
        indicators: Sequence[str] | None = None,
        status: StatusTable | None = None,
        region_scheme: str | None = None,
        on_track: float = ON_TRACK,
        at_risk: float = AT_RISK,
    ) -> Rollup:
        """Aggregate the indicators of one quarter by amphoe, changwat, region or programme.

        Parameters
        ----------
        period : str or Period
            A fiscal quarter.
        level : {"amphoe", "changwat", "region", "programme", "all"}
            Grouping; ``region`` follows ``tambon_gis.regions`` (``region_scheme``).
        indicators : sequence of str, optional
            Indicator ids; default all.
        status : StatusTable, optional
            A status already computed for the same period (saves recomputing it).
        region_scheme : str, optional
            See :func:`tambon_gis.regions.region_mapping`.
        on_track, at_risk : float
            Status thresholds.

        Returns
        -------
        Rollup

        Notes
        -----
        ``sum`` indicators add values and targets; ``mean`` indicators average them over the
        reporting areas; ``share`` indicators average the shares weighted by their
        ``denominator`` when every reporting area gave one, else unweighted (with 0/1 values
        this is the share of areas). Targets and expected values are aggregated over the
        areas that reported and have a target, so missing reports lower completeness, not
        progress.
        """
        if level not in LEVELS:
            raise ValidationError(f"level={level!r}: expected one of {list(LEVELS)}")
        p = as_quarter(period)
        st = status if status is not None else self.status(p, indicators=indicators)
        result = arithmetic.rollup_table(
            st, p, level=level, indicators=indicators, region_scheme=region_scheme,
            on_track=on_track, at_risk=at_risk,
        )  # fmt: skip
        log.info("rollup returned %r", result)
        return result

    def completeness(self, fiscal_year: int) -> pd.DataFrame:
        """Count areas reporting each indicator in each quarter of a fiscal year.

        Returns
        -------
        pandas.DataFrame
            ``indicator_id``, ``period``, ``n_areas``, ``n_reporting``, ``completeness``.
        """
        n_areas = self._con.execute("SELECT count(*) FROM areas").fetchone()[0]
        counts = self._query(
            "SELECT c.indicator_id, c.period, count(*) AS n_reporting FROM current c "
            "JOIN areas a ON a.tambon_code = c.tambon_code WHERE c.fiscal_year = ? "
            "GROUP BY c.indicator_id, c.period",
            [int(fiscal_year)],
        )
        out = arithmetic.completeness_table(
            counts, self.indicators()["indicator_id"].tolist(), n_areas, fiscal_year
        )
        log.info("completeness returned %d row(s)", len(out))
        return out

    # ------------------------------------------------------------------ GeoPackage and maps

    def export_gpkg(
        self,
        path: str | Path,
        period: str | Period,
        *,
        gdf: Any = None,
        status: StatusTable | None = None,
    ) -> Path:
        """Write the operation areas and their status in a quarter as a GeoPackage for QGIS.

        See :func:`tambon_gis.monitoring.maps.export_gpkg` (two layers: ``operation_areas`` and
        ``status_<period>``).
        """
        return maps.export_gpkg(self, path, period, gdf=gdf, status=status)

    def map(self, period: str | Period, indicator_id: str, **kwargs: Any) -> Any:
        """Map one indicator in one quarter (deprecated).

        Use :func:`tambon_gis.monitoring.status_map`: ``store.map(period, indicator_id, **kw)``
        is ``status_map(store, period, indicator_id, **kw)`` and warns (``FutureWarning``); it
        goes in the next release.
        """
        warn_deprecated("store.map(...)", "tambon_gis.monitoring.status_map(store, ...)")
        return maps.status_map(self, period, indicator_id, **kwargs)

    def timeslider(self, indicator_id: str, fiscal_year: int, **kwargs: Any) -> Any:
        """Map one indicator with a slider over a fiscal year (deprecated).

        Use :func:`tambon_gis.monitoring.timeslider_map`: ``store.timeslider(indicator_id,
        fiscal_year, **kw)`` is ``timeslider_map(store, indicator_id, fiscal_year, **kw)`` and
        warns (``FutureWarning``); it goes in the next release.
        """
        warn_deprecated("store.timeslider(...)", "tambon_gis.monitoring.timeslider_map(store, ...)")
        return maps.timeslider_map(self, indicator_id, fiscal_year, **kwargs)

    def quarter_panels(self, indicator_id: str, fiscal_year: int, **kwargs: Any) -> Any:
        """Draw one panel per quarter of a fiscal year (deprecated).

        Use :func:`tambon_gis.monitoring.quarter_panels`: ``store.quarter_panels(indicator_id,
        fiscal_year, **kw)`` is ``quarter_panels(store, indicator_id, fiscal_year, **kw)`` and
        warns (``FutureWarning``); it goes in the next release.
        """
        warn_deprecated(
            "store.quarter_panels(...)", "tambon_gis.monitoring.quarter_panels(store, ...)"
        )
        return maps.quarter_panels(self, indicator_id, fiscal_year, **kwargs)



# ============================================================================ helpers


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def open_store(
    path: str | Path,
    *,
    create: bool = True,
    name: str | None = None,
    fiscal_years: tuple[int, int] | int | None = None,
    read_only: bool | None = None,
) -> MonitoringStore:
    """Open (or create) a monitoring store.

    Parameters
    ----------
    path : str or Path
        The store file; created with its tables when it does not exist.
    create : bool
        ``False`` raises :class:`~tambon_gis._errors.DataNotFoundError` (a ``FileNotFoundError``)
        for a missing or empty file, or a PostgreSQL database without the store's tables,
        instead of creating the store.
    name : str, optional
        Programme name to record.
    fiscal_years : int or (int, int), optional
        Fiscal years (BE) the programme runs; observations outside are rejected.
    read_only : bool, optional
        Open for reading only (SQLite ``mode=ro``; ``immutable`` on a read-only share).
        Default: read-only exactly when the file or its folder cannot be written, so status
        and reports work on a store someone else owns. Writing to it raises
        :class:`~tambon_gis.errors.ReadOnlyError`.

    Returns
    -------
    MonitoringStore

    Raises
    ------
    DataNotFoundError
        ``create=False`` and there is no store (file or database) yet.
    CorruptFileError
        The file is not an SQLite monitoring store (another program's SQLite file such as a
        GeoPackage, or a database whose tables clash with the store's), or it is damaged. The
        message names it; nothing is ever written into such a file. A store is marked by its
        ``PRAGMA application_id`` (``0x54474D53``, "TGMS").

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tambon_gis.monitoring import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "kpi.sqlite", fiscal_years=2566) as s:
    ...     s.fiscal_years
    (2566, 2566)
    """
    store = MonitoringStore(path, create=create, read_only=read_only)
    if name is not None or fiscal_years is not None:
        store.configure(name=name, fiscal_years=fiscal_years)
    log.info("open_store returned %r", store)
    return store
