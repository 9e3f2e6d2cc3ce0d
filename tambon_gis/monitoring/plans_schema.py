"""The plan tables of a monitoring store (schema version 3), on SQLite and PostgreSQL.

- ``policy_issues``: the controlled vocabulary (the built-in issues of
  :mod:`tambon_gis.vocabulary`, seeded at creation, and the store's own);
- ``plans``: one row per revision of a plan, keyed by (tambon, plan type, first fiscal year):
  the last fiscal year it covers and its status;
- ``plan_items``: one row per revision of a plan item, keyed by (tambon, plan type, first fiscal
  year, item number): activity, policy issues, lead and partner agencies, linked indicators;
- ``plan_budgets``: the budget of an item revision per fiscal year, with its source.

Revisions are append-only, as for observations: a correction is a new revision and the
``current_plans`` / ``current_plan_items`` views show the latest. On PostgreSQL editors write
plans of the tambons in their scope (``tambon_gis_may_write_plan``: their changwats, or the
areas their agency leads) and everyone with access reads them.
"""

from __future__ import annotations

from tambon_gis.vocabulary import POLICY_ISSUES

_TYPES = "('development', 'agricultural')"
_STATUSES = "('none', 'drafting', 'adopted', 'under review')"


def _seed(conflict: str) -> str:
    rows = []
    for ident, (th, en, aliases) in POLICY_ISSUES.items():
        vals = [ident, th, en, "|".join(aliases)]
        rows.append("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in vals) + ", 1)")
    return (
        "INSERT INTO policy_issues (issue_id, name_th, name_en, aliases, builtin) VALUES "
        + ", ".join(rows)
        + f" {conflict};"
    )


_COMMON = f"""
CREATE TABLE IF NOT EXISTS policy_issues (
    issue_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    aliases TEXT NOT NULL DEFAULT '',
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS plans (
    plan_rev_id {{id}} PRIMARY KEY,
    tambon_code TEXT NOT NULL CHECK (length(tambon_code) = 6),
    plan_type TEXT NOT NULL CHECK (plan_type IN {_TYPES}),
    first_fy INTEGER NOT NULL,
    last_fy INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN {_STATUSES}),
    note TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL,
    row_hash {{big}} NOT NULL,
    import_id {{big}} NOT NULL,
    source_row INTEGER,
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    UNIQUE (tambon_code, plan_type, first_fy, revision)
);
CREATE TABLE IF NOT EXISTS plan_items (
    item_rev_id {{id}} PRIMARY KEY,
    tambon_code TEXT NOT NULL CHECK (length(tambon_code) = 6),
    plan_type TEXT NOT NULL CHECK (plan_type IN {_TYPES}),
    first_fy INTEGER NOT NULL,
    item_no INTEGER NOT NULL CHECK (item_no > 0),
    activity TEXT NOT NULL,
    issues TEXT NOT NULL DEFAULT '',
    lead_agency TEXT NOT NULL DEFAULT '',
    partners TEXT NOT NULL DEFAULT '',
    indicator_ids TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL,
    row_hash {{big}} NOT NULL,
    import_id {{big}} NOT NULL,
    source_row INTEGER,
    recorded_by TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    UNIQUE (tambon_code, plan_type, first_fy, item_no, revision)
);
CREATE TABLE IF NOT EXISTS plan_budgets (
    item_rev_id {{big}} NOT NULL REFERENCES plan_items(item_rev_id),
    fiscal_year INTEGER NOT NULL,
    amount {{real}} NOT NULL CHECK (amount >= 0),
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_rev_id, fiscal_year)
);
CREATE INDEX IF NOT EXISTS plan_items_key ON plan_items (tambon_code, plan_type, first_fy);
"""

_VIEWS = """
{create} current_plans AS
    SELECT p.* FROM plans AS p
    WHERE p.revision = (SELECT max(q.revision) FROM plans AS q
                        WHERE q.tambon_code = p.tambon_code AND q.plan_type = p.plan_type
                          AND q.first_fy = p.first_fy);
{create} current_plan_items AS
    SELECT i.* FROM plan_items AS i
    WHERE i.revision = (SELECT max(j.revision) FROM plan_items AS j
                        WHERE j.tambon_code = i.tambon_code AND j.plan_type = i.plan_type
                          AND j.first_fy = i.first_fy AND j.item_no = i.item_no);
"""

#: The SQLite step to schema version 3 (idempotent).
SQLITE_DDL = (
    _COMMON.format(id="INTEGER", big="INTEGER", real="REAL")
    + _VIEWS.format(create="CREATE VIEW IF NOT EXISTS")
    + _seed("ON CONFLICT (issue_id) DO NOTHING")
    + "".join(
        f"""
CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} are append-only: import the correction as a new revision'); END;
CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} are append-only: they are never deleted'); END;
"""
        for t in ("plans", "plan_items", "plan_budgets")
    )
)

#: The PostgreSQL tables, views, scope rule and triggers (idempotent; run by the creator).
PG_DDL = (
    _COMMON.format(id="BIGINT", big="BIGINT", real="DOUBLE PRECISION")
    + _VIEWS.format(create="CREATE OR REPLACE VIEW")
    + _seed("ON CONFLICT (issue_id) DO NOTHING")
    + """
CREATE OR REPLACE FUNCTION tambon_gis_may_write_plan(tambon TEXT) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT tambon_gis_is_admin() OR EXISTS (
        SELECT 1 FROM store_users u
        LEFT JOIN areas a ON a.tambon_code = tambon
        WHERE u.db_user = session_user AND u.role = 'editor'
          AND (u.changwats IS NULL OR left(tambon, 2) = ANY (u.changwats))
          AND (u.agency IS NULL OR u.changwats IS NOT NULL OR a.lead_agency = u.agency))
$$;
"""
    + "".join(
        f"""
DROP TRIGGER IF EXISTS {t}_no_change ON {t};
CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION tambon_gis_append_only();
"""
        for t in ("plans", "plan_items", "plan_budgets")
    )
    + "".join(
        f"""
DROP TRIGGER IF EXISTS {t}_stamp ON {t};
CREATE TRIGGER {t}_stamp BEFORE INSERT ON {t}
    FOR EACH ROW WHEN (NEW.recorded_by IS DISTINCT FROM session_user)
    EXECUTE FUNCTION tambon_gis_stamp();
"""
        for t in ("plans", "plan_items")
    )
)

#: Every column of the plan tables, in order (for copying a store,
#: :mod:`tambon_gis.monitoring.migrate`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "policy_issues": ("issue_id", "name_th", "name_en", "aliases", "builtin"),
    "plans": ("plan_rev_id", "tambon_code", "plan_type", "first_fy", "last_fy", "status", "note",
              "revision", "row_hash", "import_id", "source_row", "recorded_by", "recorded_at"),
    "plan_items": ("item_rev_id", "tambon_code", "plan_type", "first_fy", "item_no", "activity",
                   "issues", "lead_agency", "partners", "indicator_ids", "note", "revision",
                   "row_hash", "import_id", "source_row", "recorded_by", "recorded_at"),
    "plan_budgets": ("item_rev_id", "fiscal_year", "amount", "source"),
}  # fmt: skip

#: Tables an administrator sets up, and tables editors write within their scope.
SETUP_TABLES = ("policy_issues",)
WRITE_TABLES = ("plans", "plan_items", "plan_budgets")
VIEWS = ("current_plans", "current_plan_items")


def pg_policies() -> str:
    """Row-level security of the plan tables (read by all; written within the scope)."""
    out = []
    for t in ("plans", "plan_items"):
        out.append(f"DROP POLICY IF EXISTS scoped_insert ON {t};")
        out.append(
            f"CREATE POLICY scoped_insert ON {t} FOR INSERT "
            "WITH CHECK (tambon_gis_may_write_plan(tambon_code));"
        )
    out.append("DROP POLICY IF EXISTS scoped_insert ON plan_budgets;")
    out.append(
        "CREATE POLICY scoped_insert ON plan_budgets FOR INSERT WITH CHECK (EXISTS (SELECT 1 "
        "FROM plan_items i WHERE i.item_rev_id = plan_budgets.item_rev_id "
        "AND tambon_gis_may_write_plan(i.tambon_code)));"
    )
    return "\n".join(out)
