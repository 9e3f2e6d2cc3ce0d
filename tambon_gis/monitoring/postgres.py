"""The PostgreSQL side of the monitoring store: schema, roles, scopes, row-level security.

Who may do what is decided by the database, not by Python:

- three group roles, ``tambon_gis_reader`` (the privilege to read), ``tambon_gis_editor``
  (also to write observations and imports) and ``tambon_gis_admin`` (also the programme
  set-up: areas, catalogue, targets, settings and who may do what); each includes the one
  before. They are the server's, shared by every store on it, so they only give privileges;
- the table ``store_users`` of each store (one row per database user: ``role``, ``changwats``
  and ``agency``) says who uses *this* store and each editor's scope; :func:`grant` /
  :func:`revoke` manage it (and add the group memberships a role needs);
- row-level security lets only the users of this store (and its administrators) read its
  rows, through the views too (``security_invoker``); each user reads its own row of
  ``store_users`` (administrators all of them), anyone with the privilege reads ``meta``;
- the SQL function ``tambon_gis_writable()`` (the pairs of tambon and indicator the user may
  write) is the one write rule, used by the policies of ``observations`` and ``current``
  (hashed once per statement), by the import's pre-check that names the rows out of scope,
  and by ``tambon_gis_may_write(tambon_code, indicator_id)`` for one pair. An editor with
  ``changwats`` writes only tambons of those changwats (a changwat covers its amphoes and
  tambons, as organisation units do in DHIS2); an editor with an ``agency`` writes that
  agency's own indicators, and ``joint`` indicators within its areas (its changwats, or the
  areas its agency leads); an editor with neither writes everywhere;
- triggers stamp ``recorded_by`` and ``imported_by`` with the database user, and refuse any
  update or delete of an observation (append-only).

Every user of the store reads every row of it (the KPIs are joint); scopes limit writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from tambon_gis._errors import AccessDeniedError, ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.monitoring import plans_schema
from tambon_gis.monitoring.schema import tables_ddl
from tambon_gis.monitoring.shapes import PG_SHAPES
from tambon_gis.monitoring.sql import STORE_TABLES

log = get_logger(__name__)

ROLES = ("reader", "editor", "admin")
GROUP = {r: f"tambon_gis_{r}" for r in ROLES}

SCHEMA = tables_ddl("postgresql") + """
CREATE TABLE IF NOT EXISTS store_users (
    db_user TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    changwats TEXT[],
    agency TEXT
);

CREATE OR REPLACE FUNCTION tambon_gis_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
        OR EXISTS (SELECT 1 FROM store_users WHERE db_user = session_user AND role = 'admin')
$$;
CREATE OR REPLACE FUNCTION tambon_gis_may_read() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT tambon_gis_is_admin()
        OR EXISTS (SELECT 1 FROM store_users WHERE db_user = session_user)
$$;
CREATE OR REPLACE FUNCTION tambon_gis_writable()
RETURNS TABLE (tambon_code TEXT, indicator_id TEXT)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT a.tambon_code, i.indicator_id FROM areas a CROSS JOIN indicators i
    WHERE (SELECT tambon_gis_is_admin())
    UNION ALL
    SELECT a.tambon_code, i.indicator_id
    FROM store_users u CROSS JOIN areas a CROSS JOIN indicators i
    WHERE u.db_user = session_user AND u.role = 'editor' AND NOT (SELECT tambon_gis_is_admin())
      AND (u.changwats IS NULL OR a.changwat_code = ANY (u.changwats))
      AND (u.agency IS NULL OR i.owner = u.agency OR (i.owner = 'joint'
           AND (u.changwats IS NOT NULL OR a.lead_agency = u.agency)))
$$;
CREATE OR REPLACE FUNCTION tambon_gis_may_write(tambon TEXT, indicator TEXT) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT tambon_gis_is_admin() OR EXISTS (
        SELECT 1 FROM tambon_gis_writable() w
        WHERE w.tambon_code = tambon AND w.indicator_id = indicator)
$$;
CREATE OR REPLACE FUNCTION tambon_gis_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT (coalesce(current_setting('tambon_gis.keep_recorded_by', true), '') = 'on'
            AND tambon_gis_is_admin()) THEN
        IF TG_TABLE_NAME = 'imports' THEN
            NEW.imported_by := session_user;
        ELSE
            NEW.recorded_by := session_user;
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION tambon_gis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are append-only: import the correction as a new revision',
        TG_TABLE_NAME;
END $$;
DROP TRIGGER IF EXISTS observations_no_change ON observations;
CREATE TRIGGER observations_no_change BEFORE UPDATE OR DELETE ON observations
    FOR EACH ROW EXECUTE FUNCTION tambon_gis_append_only();
DROP TRIGGER IF EXISTS observations_stamp ON observations;
CREATE TRIGGER observations_stamp BEFORE INSERT ON observations
    FOR EACH ROW WHEN (NEW.recorded_by IS DISTINCT FROM session_user)
    EXECUTE FUNCTION tambon_gis_stamp();
DROP TRIGGER IF EXISTS imports_stamp ON imports;
CREATE TRIGGER imports_stamp BEFORE INSERT ON imports
    FOR EACH ROW EXECUTE FUNCTION tambon_gis_stamp();
"""

_SETUP_TABLES = (
    "meta", "areas", "indicators", "targets", "store_users", "area_shapes", "published_status",
    *plans_schema.SETUP_TABLES,
)  # fmt: skip
_WRITE_TABLES = ("observations", "current", "imports", *plans_schema.WRITE_TABLES)
_VIEWS = ("latest_observations", "area_status", *plans_schema.VIEWS)

#: Who reads each table: the users of *this* store (``store_users``) and its administrators.
#: The group roles are the cluster's, shared by every store on the server, so membership alone
#: reads nothing; ``meta`` (the schema version and programme name) is read by anyone with the
#: privilege, so a user without access is told so; each user reads only its own scope in
#: ``store_users``. The function is called once per query (a scalar subquery), not per row.
_READ = {
    **{t: "(SELECT tambon_gis_may_read())" for t in (*_SETUP_TABLES, *_WRITE_TABLES)},
    "meta": "true",
    "store_users": "db_user = session_user OR (SELECT tambon_gis_is_admin())",
}


#: The write rule of a row, as the policies check it: the set of pairs the user may write is
#: built once per statement (an uncorrelated subquery, hashed), not one call per row, so a
#: million-row import by an editor costs about what it costs the store's owner.
_MAY_WRITE = (
    "(SELECT tambon_gis_is_admin()) OR (tambon_code, indicator_id) IN "
    "(SELECT w.tambon_code, w.indicator_id FROM tambon_gis_writable() w)"
)


def _policies() -> str:
    out = []
    for t in (*_SETUP_TABLES, *_WRITE_TABLES):
        out.append(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;")
        out.append(f"DROP POLICY IF EXISTS read_all ON {t};")
        out.append(f"CREATE POLICY read_all ON {t} FOR SELECT USING ({_READ[t]});")
    for v in _VIEWS:  # a view reads with its caller's rights, so the policies above apply
        out.append(f"ALTER VIEW {v} SET (security_invoker = true);")
    for t in _SETUP_TABLES:
        out.append(f"DROP POLICY IF EXISTS admin_writes ON {t};")
        out.append(
            f"CREATE POLICY admin_writes ON {t} FOR ALL USING ((SELECT tambon_gis_is_admin())) "
            "WITH CHECK ((SELECT tambon_gis_is_admin()));"
        )
    for t in ("observations", "current"):
        out.append(f"DROP POLICY IF EXISTS scoped_insert ON {t};")
        out.append(f"CREATE POLICY scoped_insert ON {t} FOR INSERT WITH CHECK ({_MAY_WRITE});")
    out.append("DROP POLICY IF EXISTS scoped_update ON current;")
    out.append(
        f"CREATE POLICY scoped_update ON current FOR UPDATE USING ({_MAY_WRITE}) "
        f"WITH CHECK ({_MAY_WRITE});"
    )
    out.append("DROP POLICY IF EXISTS editor_imports ON imports;")
    out.append(
        "CREATE POLICY editor_imports ON imports FOR INSERT WITH CHECK (tambon_gis_is_admin() OR "
        "EXISTS (SELECT 1 FROM store_users WHERE db_user = session_user AND role = 'editor'));"
    )
    out.append(plans_schema.pg_policies())
    return "\n".join(out)


def _grants() -> str:
    r, e, a = GROUP["reader"], GROUP["editor"], GROUP["admin"]
    tables = ", ".join((*_SETUP_TABLES, *_WRITE_TABLES, *_VIEWS))
    return f"""
GRANT USAGE ON SCHEMA {{schema}} TO {r};
GRANT SELECT ON {tables} TO {r};
GRANT INSERT ON observations, imports, current, {", ".join(plans_schema.WRITE_TABLES)} TO {e};
GRANT UPDATE ON current TO {e};
GRANT INSERT, UPDATE, DELETE ON {", ".join(_SETUP_TABLES)} TO {a};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {{schema}} TO {e};
"""


_ROLES_SQL = f"""
DO $$ BEGIN
    CREATE ROLE {GROUP["reader"]} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN
    CREATE ROLE {GROUP["editor"]} NOLOGIN IN ROLE {GROUP["reader"]};
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN
    CREATE ROLE {GROUP["admin"]} NOLOGIN IN ROLE {GROUP["editor"]};
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
"""


def create_schema(db: Any, version: str) -> None:
    """Create (or complete) the store's tables, roles, policies and triggers; the caller locks."""
    schema = db.execute("SELECT current_schema()").fetchone()[0]
    if not db.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        import psycopg

        try:
            db.execute("SAVEPOINT postgis")
            db.execute("CREATE EXTENSION postgis")
            db.execute("RELEASE SAVEPOINT postgis")
        except psycopg.Error as exc:
            db.execute("ROLLBACK TO SAVEPOINT postgis")
            raise ValidationError(
                f"the database has no PostGIS and {db.user!r} cannot add it "
                f"({str(exc).splitlines()[0]}): ask its administrator to run "
                "CREATE EXTENSION postgis; in it (Debian: apt-get install postgresql-15-postgis-3)"
            ) from None
    db.executescript(_ROLES_SQL)
    db.executescript(SCHEMA)
    db.executescript(PG_SHAPES)
    db.executescript(plans_schema.PG_DDL)
    db.executescript(_policies())
    db.executescript(_grants().replace("{schema}", f'"{schema}"'))
    db.execute(
        "INSERT INTO store_users (db_user, role) VALUES (session_user, 'admin') "
        "ON CONFLICT (db_user) DO NOTHING"
    )
    db.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET "
        "value = excluded.value",
        (version,),
    )


def _present(db: Any, names: Sequence[str]) -> list[str]:
    """Return the tables and views of ``names`` in the current schema."""
    cur = db.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::text::regnamespace"
        " AND relname = ANY (?) ORDER BY relname",
        (list(names),),
    )
    return [r[0] for r in cur.fetchall()]


def exists(db: Any) -> str | None:
    """Return the schema version of the store in this database, or None when there is none.

    A store has every table of :data:`~tambon_gis.monitoring.sql.STORE_TABLES` and a
    ``schema_version`` in ``meta``; anything less is not one (see :func:`foreign_tables`).
    """
    if len(_present(db, STORE_TABLES)) < len(STORE_TABLES):
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row[0] if row else None


def foreign_tables(db: Any) -> list[str]:
    """Tables or views named like the store's that are not a store's (for :func:`exists` None)."""
    return _present(db, (*_SETUP_TABLES, *_WRITE_TABLES, *_VIEWS))


def _is_admin(db: Any) -> bool:
    """Whether the connected user administers this store (a server superuser does)."""
    return bool(db.execute("SELECT tambon_gis_is_admin()").fetchone()[0])


def check_access(db: Any, label: str) -> None:
    """Raise :class:`AccessDeniedError` unless the connected user is a user of this store.

    The group roles are the whole server's: being in ``tambon_gis_reader`` because of
    another store reads nothing here (row-level security lets only this store's users read).
    """
    if not db.execute("SELECT tambon_gis_may_read()").fetchone()[0]:
        raise AccessDeniedError(
            f"{db.user!r} has no access to the store {label!r}: ask an administrator of the "
            "store to grant it (tambon-gis monitor grant)"
        )


def check_may_upgrade(db: Any, label: str, version: str, new: str) -> None:
    """Raise :class:`AccessDeniedError` when an older store would be upgraded by a non-admin."""
    if version.isdigit() and int(version) < int(new) and not _is_admin(db):
        raise AccessDeniedError(
            f"the store {label!r} has schema version {version!r} and this tambon_gis needs "
            f"{new!r}; only an administrator of the store may upgrade it: ask one to open it "
            f"once with this tambon_gis (e.g. tambon-gis monitor access STORE), or use the "
            "tambon_gis the store was made with"
        )


# ============================================================================ scopes


def grant(
    db: Any,
    user: str,
    *,
    role: str,
    changwats: Sequence[str] | str | None = None,
    agency: str | None = None,
) -> None:
    """Give a database user a role and scope in this store (needs an administrator)."""
    if role not in ROLES:
        raise ValidationError(f"role={role!r}: expected one of {list(ROLES)}")
    codes = None
    if changwats is not None:
        items = [changwats] if isinstance(changwats, str) else list(changwats)
        codes = sorted({str(c).strip()[:2] for c in items})
        bad = [c for c in codes if not (len(c) == 2 and c.isdigit())]
        if bad or not codes:
            raise ValidationError(
                f"changwats={changwats!r}: expected 2-digit changwat codes such as '32'"
            )
    if role != "editor" and (codes or agency):
        raise ValidationError(
            f"changwats/agency scope the writes of editors; a {role} has none: give "
            "role='editor' or leave them out"
        )
    if db.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (user,)).fetchone() is None:
        raise ValidationError(
            f"there is no database user {user!r}: create it first (CREATE ROLE \"{user}\" LOGIN "
            "PASSWORD '...'), then grant it access"
        )
    if not _is_admin(db):
        raise AccessDeniedError(
            f"{db.user!r} is not an administrator of this store: only an administrator may "
            "grant access"
        )
    db.begin_write()
    try:
        db.execute(
            "INSERT INTO store_users (db_user, role, changwats, agency) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (db_user) DO UPDATE SET role = excluded.role, "
            "changwats = excluded.changwats, agency = excluded.agency",
            (user, role, codes, agency or None),
        )
        # the groups only give the privileges; what this store lets the user do is its row
        # in store_users. They are the server's, shared with any other store there, so a
        # membership is added when needed and never taken away (it may serve another store)
        quoted = '"' + user.replace('"', '""') + '"'
        option = " WITH ADMIN OPTION" if role == "admin" else ""
        members = ROLES if role == "admin" else (role,)
        for r in members:
            db.execute(f"GRANT {GROUP[r]} TO {quoted}{option}")
    except BaseException:
        db.rollback()
        raise
    db.commit()
    log.info("granted %s to %s (changwats=%s, agency=%s)", role, user, codes, agency)


def revoke(db: Any, user: str) -> None:
    """Take a user's access to this store away."""
    if not _is_admin(db):
        raise AccessDeniedError(
            f"{db.user!r} is not an administrator of this store: only an administrator may "
            "revoke access"
        )
    db.begin_write()
    try:
        db.execute("DELETE FROM store_users WHERE db_user = ?", (user,))
    except BaseException:
        db.rollback()
        raise
    db.commit()
    log.info("revoked the access of %s", user)


def access(db: Any) -> pd.DataFrame:
    """Return the users of the store with their role and scope."""
    cur = db.execute("SELECT db_user, role, changwats, agency FROM store_users ORDER BY db_user")
    return pd.DataFrame(cur.fetchall(), columns=["db_user", "role", "changwats", "agency"])


def out_of_scope(db: Any, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows the connected user may not write, in the import report's shape (may be empty)."""
    pairs = rows[["tambon_code", "indicator_id"]].drop_duplicates()
    if pairs.empty or _is_admin(db):
        return pd.DataFrame()
    cur = db.execute(
        "SELECT t, i FROM unnest(?::text[], ?::text[]) AS x(t, i) WHERE (t, i) NOT IN "
        "(SELECT w.tambon_code, w.indicator_id FROM tambon_gis_writable() w)",
        (pairs["tambon_code"].tolist(), pairs["indicator_id"].tolist()),
    )
    denied = pd.DataFrame(cur.fetchall(), columns=["tambon_code", "indicator_id"])
    if denied.empty:
        return denied
    bad = rows.merge(denied, on=["tambon_code", "indicator_id"])
    user = db.user
    scope = db.execute(
        "SELECT role, changwats, agency FROM store_users WHERE db_user = ?", (user,)
    ).fetchone()
    if scope is None:
        what = f"{user!r} has no access to this store (ask an administrator to grant it)"
    elif scope[0] != "editor":
        what = f"{user!r} is a {scope[0]} of this store and may not write observations"
    else:
        parts = []
        if scope[1]:
            parts.append(f"changwat(s) {', '.join(scope[1])}")
        if scope[2]:
            parts.append(f"indicators of {scope[2]} and joint indicators in its areas")
        what = f"outside the scope of {user!r} ({'; '.join(parts) or 'none'})"
    return pd.DataFrame(
        {
            "row": bad["source_row"].astype("int64"),
            "column": "",
            "tambon_code": bad["tambon_code"],
            "indicator_id": bad["indicator_id"],
            "period": bad["period"],
            "value": bad["value"].astype(str),
            "reason": "indicator " + bad["indicator_id"] + " in tambon " + bad["tambon_code"]
            + ": " + what,
        }
    )
