"""A thin SQL layer under the monitoring store: one set of statements, two databases.

The store's rules (validation, revisions, idempotence, status arithmetic) are written once in
:mod:`tambon_gis.monitoring` against the small DB-API surface of :mod:`sqlite3`
(``execute``/``executemany``/``fetchone``/``fetchall``/``description``/``lastrowid``).
:class:`SQLiteDB` is that connection itself; :class:`PostgresDB` offers the same surface over
psycopg 3 and translates the few SQLite idioms the store uses:

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR REPLACE`` / ``INSERT OR IGNORE`` become ``INSERT ... ON CONFLICT`` on the table's
  key (known from :data:`KEYS`);
- an ``INSERT`` into a table with a generated key gets ``RETURNING`` so ``lastrowid`` works;
- large ``executemany`` inserts go through ``COPY`` into a temporary table and one
  ``INSERT ... SELECT`` (row-level security still applies: ``COPY`` does not go round it);
- a write transaction (``BEGIN IMMEDIATE`` in SQLite) is ``BEGIN`` plus a transaction-level
  advisory lock, so writers queue exactly as they do on a SQLite file and readers never wait.

Addresses: a path (or ``sqlite:///path``) is a SQLite file; ``postgresql://`` /
``postgres://`` URLs or libpq ``key=value`` conninfo strings go to psycopg untouched (so
``.pgpass``, service files, ``PG*`` variables and ``sslmode`` work); any other ``scheme://``
is refused. :func:`redact` removes passwords before an address is shown anywhere.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import numpy as np

from tambon_gis._errors import (
    CorruptFileError,
    ReadOnlyError,
    StoreAddressError,
    StoreBusyError,
    StoreConnectionError,
)
from tambon_gis._logging import get_logger

log = get_logger(__name__)

#: What a damaged SQLite file raises: its own errors, or undecodable text read from it.
SQLITE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)

#: The key of each table, for ``INSERT OR REPLACE`` on PostgreSQL; then every column in order.
KEYS: dict[str, tuple[str, ...]] = {
    "meta": ("key",),
    "areas": ("tambon_code",),
    "indicators": ("indicator_id",),
    "targets": ("indicator_id", "fiscal_year", "tambon_code"),
    "current": ("period", "tambon_code", "indicator_id"),
    "area_shapes": ("tambon_code",),
    "store_users": ("db_user",),
    "policy_issues": ("issue_id",),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "areas": (
        "tambon_code", "programme", "lead_agency", "start_date", "tambon_th", "tambon_en",
        "amphoe_code", "amphoe_th", "changwat_code", "changwat_th",
    ),
    "indicators": (
        "indicator_id", "name_th", "name_en", "unit", "owner", "direction", "aggregation",
        "min_value", "max_value",
    ),
    "targets": ("indicator_id", "fiscal_year", "tambon_code", "target"),
    "policy_issues": ("issue_id", "name_th", "name_en", "aliases", "builtin"),
    "area_shapes": ("tambon_code", "geom"),
    "current": (
        "tambon_code", "indicator_id", "period", "fiscal_year", "quarter", "value", "denominator",
        "revision", "obs_id", "row_hash", "area_int", "indicator_int",
    ),
}  # fmt: skip
#: Tables whose key the database generates (``lastrowid`` after an insert).
GENERATED: dict[str, str] = {"imports": "import_id"}

#: The advisory lock that queues writers of one PostgreSQL store (any constant will do).
WRITE_LOCK = 74250001

_SCHEMES_PG = ("postgresql", "postgres")

#: ``PRAGMA application_id`` of a SQLite monitoring store (the bytes ``TGMS``): a file
#: without it is a store only if it holds every :data:`STORE_TABLES` and a schema version
#: (stores written before the marker); any other SQLite file is never written to.
APPLICATION_ID = 0x54474D53
#: Tables every monitoring store has (schema version 1), on both backends.
STORE_TABLES = ("meta", "areas", "indicators", "targets", "imports", "observations", "current")
#: Names other programs write into the ``application_id`` of their SQLite files.
_KNOWN_APPLICATIONS = {0x47504B47: "a GeoPackage", 0x4D504258: "an MBTiles file"}


def is_postgres_address(address: object) -> bool:
    """Return True for a ``postgresql://`` URL or a libpq ``key=value`` conninfo string."""
    if not isinstance(address, str):
        return False
    text = address.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in _SCHEMES_PG:
        return True
    return bool(re.match(r"^\s*(host|dbname|service|user|port)\s*=", text))


def sqlite_path(address: str | Path) -> Path:
    """Return the file of a SQLite address; raise :class:`StoreAddressError` for other URLs.

    >>> sqlite_path("kpi.sqlite")
    PosixPath('kpi.sqlite')
    >>> sqlite_path("sqlite:///tmp/kpi.sqlite")
    PosixPath('/tmp/kpi.sqlite')
    >>> sqlite_path("mysql://me:secret@db/kpi")
    Traceback (most recent call last):
    ...
    tambon_gis._errors.StoreAddressError: store address 'mysql://me:***@db/kpi': tambon_gis cannot serve 'mysql://' stores; give a SQLite file path (kpi.sqlite, sqlite:///path/kpi.sqlite) or a PostgreSQL URL (postgresql://user@host/dbname)
    """  # noqa: E501 - the doctest shows the one-line error message verbatim
    if isinstance(address, Path):
        return address
    text = str(address)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*)://(.*)$", text)
    if not m:
        return Path(text)
    scheme = m.group(1).lower()
    if scheme in ("sqlite", "file"):
        rest = m.group(2)
        return Path(rest)
    raise StoreAddressError(
        f"store address {redact(text)!r}: tambon_gis cannot serve {scheme + '://'!r} stores; "
        "give a SQLite file path (kpi.sqlite, sqlite:///path/kpi.sqlite) or a PostgreSQL URL "
        "(postgresql://user@host/dbname)"
    )


def redact(address: str) -> str:
    """Return the address with any password replaced by ``***`` (URL or conninfo).

    >>> redact("postgresql://ann:s3cret@db.example/kpi?sslmode=require")
    'postgresql://ann:***@db.example/kpi?sslmode=require'
    >>> redact("host=db password='x y' dbname=kpi")
    'host=db password=*** dbname=kpi'
    """
    text = str(address)
    if "://" in text:
        try:
            parts = urlsplit(text)
        except ValueError:
            return re.sub(r"//[^@/]*@", "//***@", text)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":***"
            netloc = f"{userinfo}@{host}"
        query = re.sub(r"(?i)(^|&)(password)=[^&]*", r"\1\2=***", parts.query)
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return re.sub(r"(?i)\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", "password=***", text)


# ============================================================================ SQLite


class SQLiteDB:
    """The SQLite side: the ``sqlite3`` connection with the store's pragmas."""

    dialect: Literal["sqlite"] = "sqlite"

    def __init__(
        self, path: Path, *, timeout: float, con: sqlite3.Connection | None = None
    ) -> None:
        self.path = path
        self.label = str(path)
        if con is not None:  # opened already (e.g. read-only): its pragmas are the opener's
            self.con = con
            return
        self.con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        self.con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self.con.execute("PRAGMA journal_mode = WAL")
        self.con.execute("PRAGMA synchronous = NORMAL")
        self.con.execute("PRAGMA cache_size = -262144")  # up to 256 MB, for large imports
        self.con.execute("PRAGMA foreign_keys = ON")

    @property
    def user(self) -> str | None:
        """The database user (``None`` for a SQLite file)."""
        return None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement and return its cursor."""
        return self.con.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        """Run one statement for each row."""
        return self.con.executemany(sql, rows)

    def numbers(self, columns: Sequence[str], rest: str, params: Sequence[Any] = ()) -> Any:
        """Return ``SELECT columns rest`` as a float matrix, one column each (NULL is NaN)."""
        rows = self.con.execute(f"SELECT {', '.join(columns)} {rest}", params).fetchall()
        return np.array(rows, dtype="float64").reshape(-1, len(columns))

    def executescript(self, script: str) -> None:
        """Run several statements."""
        self.con.executescript(script)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        return self.con.in_transaction

    def begin_write(self) -> None:
        """Open a write transaction that waits for other writers."""
        self.con.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Commit the transaction."""
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        """Roll the open transaction back (nothing to do when none is open)."""
        if self.con.in_transaction:
            self.con.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


# ============================================================================ PostgreSQL


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, str | None]:
    """SQLite statement -> (PostgreSQL statement, generated key to return or None).

    >>> translate("INSERT OR REPLACE INTO meta VALUES (?, ?)")[0]
    'INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value'
    >>> translate("SELECT 1 FROM imports WHERE file_hash = ?")
    ('SELECT 1 FROM imports WHERE file_hash = %s', None)
    """
    out = sql.replace("%", "%%")
    returning = None
    m = re.match(r"^\s*INSERT\s+OR\s+(REPLACE|IGNORE)\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", out, re.I)
    if m:
        what, table = m.group(1).upper(), m.group(2)
        out = "INSERT INTO " + out[m.end(1) :].split("INTO", 1)[1].lstrip()
        if what == "IGNORE":
            out += " ON CONFLICT DO NOTHING"
        else:
            cols = (
                [c.strip() for c in m.group(4).split(",")] if m.group(4) else list(COLUMNS[table])
            )
            keys = KEYS[table]
            sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys)
            out += f" ON CONFLICT ({', '.join(keys)}) DO " + (
                f"UPDATE SET {sets}" if sets else "NOTHING"
            )
    else:
        m = re.match(r"^\s*INSERT\s+INTO\s+(\w+)", out, re.I)
        if m and m.group(1) in GENERATED:
            returning = GENERATED[m.group(1)]
            out += f" RETURNING {returning}"
    out = out.replace("?", "%s")
    return out, returning


class _Cursor:
    """A psycopg cursor that also answers ``lastrowid`` like sqlite3's."""

    def __init__(self, cur: Any, lastrowid: Any = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def description(self) -> Any:
        return self._cur.description

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def __iter__(self) -> Any:
        return iter(self._cur)


class PostgresDB:
    """The PostgreSQL side: one psycopg 3 connection in autocommit, explicit transactions."""

    dialect: Literal["postgresql"] = "postgresql"

    def __init__(self, address: str, *, timeout: float) -> None:
        import psycopg

        self._psycopg = psycopg
        self._address = address
        self.label = redact(address)
        self.path = None
        self.timeout = timeout
        self._writing = False  # inside begin_write .. commit/rollback: never retried
        self.con = self._connect()

    def _connect(self) -> Any:
        psycopg = self._psycopg
        try:
            con = psycopg.connect(self._address, autocommit=True, connect_timeout=30)
        except psycopg.Error as exc:
            raise StoreConnectionError(
                f"cannot connect to the store {self.label!r}: {_clean(exc, self._address)}. "
                "Check the server address, the database name and your credentials (.pgpass, "
                "PGPASSWORD or a service file)"
            ) from None
        _register_numpy(con)
        return con

    @property
    def user(self) -> str:
        """The database user of the connection."""
        return str(self.con.info.user)

    def _reconnect_if_broken(self) -> None:
        if self.con.closed or self.con.broken:
            self.con = self._connect()

    def _dropped(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the server having dropped this connection (not a query's error)."""
        return isinstance(exc, self._psycopg.OperationalError) and bool(
            self.con.closed or self.con.broken
        )

    def _again(self, exc: BaseException, what: str) -> None:
        """Reconnect after a dropped connection, before running ``what`` once more."""
        log.warning(
            "the connection to the store %s dropped (%s); reconnecting to run %s again",
            self.label, _clean(exc, self._address), what,
        )  # fmt: skip
        self.con = self._connect()

    def execute(self, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> _Cursor:
        """Run one statement and return its cursor (``binary``: results in binary format).

        A read (``SELECT``/``SHOW``) outside a write transaction whose connection the server
        dropped is run again once on a new connection: it changes nothing, so it is safe.
        Inside a write transaction nothing is retried (the server rolled it back).
        """
        self._reconnect_if_broken()
        text, returning = translate(sql)
        args = _nulls(params) if params else None
        try:
            cur = self.con.execute(text, args, binary=binary)
        except self._psycopg.OperationalError as exc:
            if self._writing or not self._dropped(exc) or not _is_read(text):
                raise
            self._again(exc, "the read")
            try:
                cur = self.con.execute(text, args, binary=binary)
            except self._psycopg.OperationalError as again:
                if not self._dropped(again):
                    raise
                raise StoreConnectionError(
                    f"the connection to the store {self.label!r} dropped twice in a row "
                    f"({_clean(again, self._address)}): check that the server is up and "
                    "reachable, and run the command again"
                ) from None
        if returning:
            return _Cursor(cur, cur.fetchone()[0])
        return _Cursor(cur)

    def numbers(self, columns: Sequence[str], rest: str, params: Sequence[Any] = ()) -> Any:
        """Return ``SELECT columns rest`` as a float matrix, one column each (NULL is NaN).

        Set-based on the server: each column comes back as one ``bytea`` of big-endian
        doubles (``string_agg`` of ``float8send``, all fed the same rows in the same order),
        read with :func:`numpy.frombuffer`, so no row becomes a Python object.
        """
        aggs = ", ".join(
            f"string_agg(float8send(coalesce(CAST({c} AS DOUBLE PRECISION), 'NaN')), ''::bytea)"
            for c in columns
        )
        row = self.execute(f"SELECT {aggs} {rest}", params, binary=True).fetchone()
        if row is None or row[0] is None:
            return np.empty((0, len(columns)))
        return np.column_stack([np.frombuffer(b, dtype=">f8") for b in row]).astype("float64")

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row."""
        rows = [_nulls(r) for r in rows]
        text, _ = translate(sql)
        m = re.match(r"^INSERT INTO (\w+) \(([^)]*)\) VALUES \([%s, ]+\)$", text)
        if m and len(rows) > 1000:
            table, cols = m.group(1), m.group(2)
            tmp = f"_tg_copy_{table}"
            self.con.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {tmp} (LIKE {table}) ON COMMIT DELETE ROWS"
            )
            with self.con.cursor().copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp}")
            self.con.execute(f"TRUNCATE {tmp}")
            return
        with self.con.cursor() as cur:
            cur.executemany(text, rows)

    def executescript(self, script: str) -> None:
        """Run several statements."""
        self.con.execute(script)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        from psycopg.pq import TransactionStatus

        return self.con.info.transaction_status != TransactionStatus.IDLE

    def begin_write(self) -> None:
        """Open a write transaction that waits for other writers.

        A connection the server dropped since the last statement is found by ``BEGIN`` and
        replaced (once) before the transaction starts: nothing was written yet.
        """
        self._reconnect_if_broken()
        try:
            self.con.execute("BEGIN")
        except self._psycopg.OperationalError as exc:
            if not self._dropped(exc):
                raise
            self._again(exc, "BEGIN")
            self.con.execute("BEGIN")
        self._writing = True
        self.con.execute(f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'")
        self.con.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def commit(self) -> None:
        """Commit the transaction."""
        try:
            self.con.execute("COMMIT")
        finally:
            self._writing = False

    def rollback(self) -> None:
        """Roll the open transaction back (nothing to do when none is open)."""
        self._writing = False
        if self.con.closed or self.con.broken:
            return  # the server rolled the transaction back when the connection dropped
        if self.in_transaction:
            self.con.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __del__(self) -> None:  # a store dropped without close(): close quietly, as sqlite3 does
        con = getattr(self, "con", None)
        if con is not None and not con.closed:
            con.close()

    def is_connection_error(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the connection to the server is lost."""
        return isinstance(exc, self._psycopg.OperationalError) or bool(
            isinstance(exc, self._psycopg.Error) and (self.con.closed or self.con.broken)
        )


def _is_read(sql: str) -> bool:
    """Whether a statement only reads (safe to run again on a new connection)."""
    return bool(re.match(r"^\s*(SELECT|SHOW)\b", sql, re.I)) and not re.search(
        r"\b(INSERT|UPDATE|DELETE|nextval|setval|pg_advisory)", sql, re.I
    )


def _nulls(row: Sequence[Any]) -> tuple[Any, ...]:
    """NaN becomes NULL, as sqlite3 stores it."""
    return tuple(None if isinstance(v, float) and v != v else v for v in row)


def _clean(exc: BaseException, address: str) -> str:
    """Return an error's text with the address's password taken out."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    m = re.search(r"://[^:/@]*:([^@]*)@", address) or re.search(
        r"(?i)password\s*=\s*'?([^'\s]+)", address
    )
    if m and m.group(1):
        text = text.replace(m.group(1), "***")
    return text


def _register_numpy(con: Any) -> None:
    """Let numpy integers and floats be parameters, as sqlite3 lets them."""
    import numpy as np
    from psycopg.types.numeric import FloatDumper, Int8Dumper

    for t in (np.int64, np.int32, np.int16, np.int8, np.uint32, np.uint16, np.uint8):
        con.adapters.register_dumper(t, Int8Dumper)
    for ft in (np.float64, np.float32):
        con.adapters.register_dumper(ft, FloatDumper)


def connect(address: str | Path, *, timeout: float) -> SQLiteDB | PostgresDB:
    """Open the database behind a store address (path, ``sqlite://`` or PostgreSQL)."""
    if is_postgres_address(address):
        return PostgresDB(str(address).strip(), timeout=timeout)
    return SQLiteDB(sqlite_path(address), timeout=timeout)


# ============================================================================ opening a file


def sqlite_kind(con: sqlite3.Connection) -> tuple[str, str]:
    """Say what a SQLite database is: ``("store" | "empty" | "foreign", what it holds)``.

    Only reads. A store carries :data:`APPLICATION_ID`; one written before the marker is
    recognised by its tables and schema version.
    """
    app = int(con.execute("PRAGMA application_id").fetchone()[0])
    names = sorted(
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"
        )
    )
    if app == APPLICATION_ID:
        return "store", ""
    if app in _KNOWN_APPLICATIONS:
        return "foreign", _KNOWN_APPLICATIONS[app]
    if app:
        return "foreign", f"a file of another program (application_id {app:#x})"
    if not names:
        return "empty", ""
    if set(STORE_TABLES) <= set(names):
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None:
            return "store", ""
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return "foreign", f"an SQLite database of other tables ({shown})"


def inspect_sqlite(path: Path) -> tuple[str, str]:
    """:func:`sqlite_kind` of a file, opened read-only (``("missing", "")`` when absent).

    Raises the library's :class:`~tambon_gis._errors.CorruptFileError` for a file that is
    not SQLite or is damaged; never writes to the file.
    """
    if not path.exists():
        return "missing", ""
    if path.is_file() and path.stat().st_size == 0:
        return "empty", ""
    try:
        con = sqlite3.connect("file:" + quote(str(path.resolve())) + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    try:
        return sqlite_kind(con)
    except SQLITE_ERRORS as exc:
        raise store_error(path, exc) from exc
    finally:
        con.close()


def not_a_store(path: Path | str, what: str) -> CorruptFileError:
    """Return the error for a database that is not a monitoring store (none was written to)."""
    return CorruptFileError(
        f"{str(path)!r} is {what}, not a monitoring store; tambon_gis writes nothing into it. "
        "Pass the store file written by tambon-gis monitor import (or open_store), or give "
        "a new file name to create a store there"
    )


def writable(path: Path) -> bool:
    """Whether this process may write the store file and its folder (WAL needs both)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def connect_read_only(path: Path, *, timeout: float) -> sqlite3.Connection:
    """Open a store for reading only: ``mode=ro``, else ``immutable=1`` (a read-only share).

    A store in WAL mode needs its ``-shm`` file even to read; in a folder without write
    access SQLite cannot create it, and ``immutable=1`` reads the file as it is.
    """
    base = "file:" + quote(str(path.resolve()))
    last: sqlite3.Error | None = None
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            con = sqlite3.connect(base + flags, uri=True, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            con.execute("PRAGMA query_only = ON")
            kind, what = sqlite_kind(con)
        except sqlite3.OperationalError as exc:
            con.close()
            last = exc
            continue
        except SQLITE_ERRORS as exc:
            con.close()
            raise store_error(path, exc) from exc
        if kind != "store":
            con.close()
            raise not_a_store(path, what or "an empty SQLite database")
        log.info("opened the store %s read-only (%s)", path, flags.lstrip("?"))
        return con
    assert last is not None
    raise store_error(path, last)


def store_error(path: Path | None, exc: BaseException) -> Exception:
    """Turn a raw ``sqlite3`` error into the library's error naming the store file."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(
            f"the monitoring store {str(path)!r} cannot be written ({text}): there is no write "
            "access to the file or its folder. Copy it to a folder you may write to, or ask "
            "for write access; reading it (status, report) needs none"
        )
    if "locked" in text or "busy" in text:
        return StoreBusyError(
            f"the monitoring store {str(path)!r} is busy ({text}): another program holds it. "
            "Wait for it to finish (or close it) and try again"
        )
    if "no such table" in text:
        return CorruptFileError(
            f"{str(path)!r} is an SQLite file but not a monitoring store ({text}). Pass the "
            "store file written by tambon-gis monitor import (or open_store)"
        )
    if (isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)) \
            or isinstance(exc, UnicodeDecodeError) \
            or "not a database" in text or "malformed" in text or "unable to open" in text:
        return CorruptFileError(
            f"{str(path)!r} is not a readable monitoring store ({text}): it is not an SQLite "
            "file, or it is damaged. Check the path; restore the store from a backup, or "
            "build it again with tambon-gis monitor import"
        )
    return CorruptFileError(f"the monitoring store {str(path)!r} failed: {text}")
