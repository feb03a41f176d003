"""PostgreSQL: the tables' owner applies migrations; the app connects as a role that owns nothing.

On PostgreSQL the owner of a table (and any member of the owning role, and a superuser) can
``ALTER TABLE ... DISABLE TRIGGER``, ``DROP TRIGGER`` and ``CREATE OR REPLACE FUNCTION`` on the append-only
guards, so an app that connects as the owner can switch off its own audit protection (issue 14, row 9).
The deployment therefore has two roles:

- the **owner**, which ``python -m rehab init-db`` connects as (``REHAB_MIGRATION_DATABASE_URL``, or
  ``--owner-url``) to apply migrations, and which owns every table, sequence and function;
- the **app role** (``REHAB_DATABASE_URL``), granted by ``grant_statements`` exactly what the code uses:
  ``SELECT`` everywhere, ``INSERT`` where it adds rows, ``UPDATE`` only on the tables it updates under a
  version column, ``DELETE`` only on ``care_team`` (a member removed), and ``USAGE`` on the sequences.
  The append-only ``audit_log`` gets ``SELECT`` and ``INSERT`` only.

``role_problems`` is the start-up check: what the connected role could do to the guards.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

log = logging.getLogger("rehab")

# What the app's code does to each table (read from rehab/store and the migrations' triggers). A table a
# later migration adds must be listed here: ``tests/store/test_app_role.py`` fails until it is.
APP_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "alembic_version": ("SELECT",),
    "audit_log": ("SELECT", "INSERT"),  # append-only
    "patient_revisions": ("SELECT", "INSERT"),  # append-only by code; no trigger needed while the app can't
    "users": ("SELECT", "INSERT", "UPDATE"),  # sign-in counters, password, role, deactivation
    "patients": ("SELECT", "INSERT", "UPDATE"),  # versioned record, old versions in patient_revisions
    "care_team": ("SELECT", "INSERT", "DELETE"),  # a member removed from the team (audited)
    "assessments": ("SELECT", "INSERT", "UPDATE"),  # status: amended / entered in error
    "patient_changes": ("SELECT", "INSERT", "UPDATE"),  # the 0008 triggers' upsert runs as the app role
    "custom_exercises": ("SELECT", "INSERT"),
    "clinic_settings": ("SELECT", "INSERT"),  # a new version per change
    "plans": ("SELECT", "INSERT", "UPDATE"),  # versioned; SELECT ... FOR UPDATE needs UPDATE too
    "plan_items": ("SELECT", "INSERT"),
    "treatment_sessions": ("SELECT", "INSERT", "UPDATE"),  # versioned
    "session_sets": ("SELECT", "INSERT"),
    "load_decisions": ("SELECT", "INSERT", "UPDATE"),  # confirmed_at / confirmed_by
    "session_notes": ("SELECT", "INSERT"),
    "flag_acknowledgements": ("SELECT", "INSERT"),  # append-only (migration 0012)
    "browser_sessions": ("SELECT", "INSERT", "UPDATE"),  # last seen, ended; never deleted (migration 0014)
    "sso_identities": ("SELECT", "INSERT", "UPDATE"),  # status decided by an administrator; never deleted (0015)
    "goals": ("SELECT", "INSERT", "UPDATE"),  # status of a superseded version; values never change (0016)
    "goal_reviews": ("SELECT", "INSERT"),  # append-only (0016)
    "falls": ("SELECT", "INSERT"),  # append-only, corrections supersede (migration 0017)
    "prognostic_findings": ("SELECT", "INSERT"),  # append-only (migration 0018)
    "prediction_reviews": ("SELECT", "INSERT"),  # append-only (migration 0018)
    "screen_repeats": ("SELECT", "INSERT"),  # append-only (migration 0019)
}
# A table not listed above (a migration newer than this list) gets no more than this.
DEFAULT_PRIVILEGES: tuple[str, ...] = ("SELECT", "INSERT")

ADVICE = (
    "Run migrations as a separate owner role and the app as a role that owns nothing: "
    "python -m rehab init-db with REHAB_MIGRATION_DATABASE_URL set to the owner and REHAB_DATABASE_URL to the "
    "app role (init-db then grants the app role its privileges), or python -m rehab grant-app-role ROLE as the "
    "owner. See docs/deploy.md, 'Database'."
)


class UnsafeDatabaseRole(Exception):
    """The app's PostgreSQL role can switch off the database's guards, and REHAB_REQUIRE_APP_ROLE is set."""

    def __init__(self, where: str, problems: Sequence[str]) -> None:
        self.where = where
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{where}: the app's database role is too powerful:\n{lines}\n{ADVICE}")


def _ident(conn: Connection, name: str) -> str:
    return str(conn.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar_one())


def grant_statements(conn: Connection, role: str) -> list[str]:
    """The SQL that gives ``role`` exactly the app's privileges on the current schema's tables and sequences.

    It first revokes everything the role holds there, so running it again (or after a migration) leaves the
    same privileges, and a privilege granted by hand beyond the list is taken away.
    """
    schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    who, where = _ident(conn, role), _ident(conn, schema)
    tables = [
        str(name)
        for name in conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind IN ('r', 'p') ORDER BY c.relname"
            ),
            {"s": schema},
        ).scalars()
    ]
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {where} FROM {who}",
        f"REVOKE CREATE ON SCHEMA {where} FROM {who}",
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
    ]
    for table in tables:
        privileges = ", ".join(APP_PRIVILEGES.get(table, DEFAULT_PRIVILEGES))
        statements.append(f"GRANT {privileges} ON TABLE {where}.{_ident(conn, table)} TO {who}")
    statements.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {who}")
    return statements


def owned_by(conn: Connection, role: str) -> list[str]:
    """Tables, sequences and functions in the current schema that ``role`` owns or may act as owner of."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S', 'v', 'm') "
            "AND pg_has_role(:r, c.relowner, 'USAGE') "
            "UNION ALL SELECT p.proname || '()' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND pg_has_role(:r, p.proowner, 'USAGE') ORDER BY 1"
        ),
        {"r": role},
    ).scalars()
    return [str(name) for name in rows]


def grant_app_role(conn: Connection, role: str) -> list[str]:
    """Run ``grant_statements`` for ``role`` (connected as the owner); returns the statements run.

    Refuses a role that is the owner, a member of it, or a superuser: granting would change nothing, since
    such a role can already alter every table.
    """
    exists = conn.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).first()
    if exists is None:
        raise ValueError(f"There is no PostgreSQL role {role!r}; create it first (CREATE ROLE ... LOGIN).")
    if exists[0]:
        raise ValueError(f"{role!r} is a superuser; the app must connect as an ordinary role.")
    owns = owned_by(conn, role)
    if owns:
        raise ValueError(
            f"{role!r} owns (or is a member of the owner of) {', '.join(owns[:5])}"
            f"{' and more' if len(owns) > 5 else ''}; the app role must own nothing. Use another role for the app "
            "(or ALTER TABLE ... OWNER TO the owner role, and REVOKE the owner role from it)."
        )
    statements = grant_statements(conn, role)
    for statement in statements:
        conn.exec_driver_sql(statement)
    return statements


def role_problems(conn: Connection) -> list[str]:
    """What the connected PostgreSQL role could do to the append-only guards, or nothing (other engines too)."""
    if conn.dialect.name != "postgresql":
        return []
    role, superuser = conn.execute(
        text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    problems: list[str] = []
    if superuser:
        problems.append(f"the role {role} is a superuser: it can disable or drop any trigger")
    else:
        owns = owned_by(conn, str(role))
        if owns:
            more = f" and {len(owns) - 5} more" if len(owns) > 5 else ""
            problems.append(
                f"the role {role} owns (or is a member of the owner of) {', '.join(owns[:5])}{more}: it can "
                "disable or drop the append-only triggers and replace their functions"
            )
        flagged = conn.execute(
            text(
                "SELECT c.relname, p.priv FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "CROSS JOIN (VALUES ('TRIGGER'), ('TRUNCATE'), ('UPDATE'), ('DELETE')) AS p(priv) "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "AND NOT pg_has_role(current_user, c.relowner, 'USAGE') "
                "AND has_table_privilege(current_user, c.oid, p.priv) ORDER BY 1, 2"
            )
        ).all()
        for table, privilege in flagged:
            allowed = APP_PRIVILEGES.get(str(table), DEFAULT_PRIVILEGES)
            if privilege not in allowed:
                problems.append(f"the role {role} holds {privilege} on {table}, which the app never needs")
        schema, may_create = conn.execute(
            text("SELECT current_schema(), has_schema_privilege(current_user, current_schema(), 'CREATE')")
        ).one()
        if may_create:
            problems.append(
                f"the role {role} may create objects in schema {schema} "
                "(REVOKE CREATE ON SCHEMA ... FROM PUBLIC and from the app role)"
            )
    return problems


def report(conn: Connection, url: str, *, require: bool) -> list[str]:
    """Run ``role_problems``: log each loudly, and raise ``UnsafeDatabaseRole`` if ``require`` is set."""
    found = role_problems(conn)
    if found:
        where = make_url(url).render_as_string(hide_password=True)
        if require:
            raise UnsafeDatabaseRole(where, found)
        log.warning(
            "SECURITY: the app's database role can switch off the audit log's protection (%s):\n%s\n%s",
            where,
            "\n".join(f"  - {p}" for p in found),
            ADVICE,
        )
    return found
