"""Issue 14, row 9: on PostgreSQL the app's role owned ``audit_log``, so it could disable or drop the guard
triggers, replace their function, then rewrite history. Now migrations run as an owner role and the app as a
role granted only what its code uses (``rehab.store.roles``); these tests run against a real server.

Against the earlier code they fail: ``init-db`` ignored ``REHAB_MIGRATION_DATABASE_URL`` and migrated as the
app role, which then owned every table, and there was no start-up check or ``grant-app-role``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rehab import cli
from rehab.services import accounts, assessments, auth, patients
from rehab.store import open_database
from rehab.store import roles as role_store
from rehab.store.db import MigrationNotPermitted, make_engine
from rehab.store.migrate import upgrade
from rehab.store.roles import APP_PRIVILEGES, UnsafeDatabaseRole
from tests.helpers import PASSWORD, make_admin, make_clinician, patient_data
from tests.plan_helpers import leg_press_plan, new_patient, run_session

INSUFFICIENT_PRIVILEGE = "42501"


@dataclass(frozen=True)
class Roles:
    superuser_url: str  # the test server's superuser, in this test's database
    owner: str
    owner_url: str
    app: str
    app_url: str


def _as(url: str, user: str) -> str:
    return make_url(url).set(username=user, password=None).render_as_string(hide_password=False)


@pytest.fixture
def pg_roles(postgres_database_url: str) -> Iterator[Roles]:
    """A fresh owner role and app login role (unique names), dropped again afterwards."""
    suffix = uuid.uuid4().hex[:10]
    owner, app = f"rehab_own_{suffix}", f"rehab_app_{suffix}"
    admin = create_engine(postgres_database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN"))
        conn.execute(text(f"CREATE ROLE {app} LOGIN"))
        # What a DBA does once: the owner role owns the schema the app's tables live in.
        conn.execute(text(f"ALTER SCHEMA public OWNER TO {owner}"))
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    try:
        yield Roles(
            postgres_database_url, owner, _as(postgres_database_url, owner), app, _as(postgres_database_url, app)
        )
    finally:
        with admin.connect() as conn:
            for role in (app, owner):
                conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"))
            conn.execute(text("ALTER SCHEMA public OWNER TO pg_database_owner"))
            conn.execute(text(f"DROP OWNED BY {app}, {owner} CASCADE"))
            conn.execute(text(f"DROP ROLE {app}"))
            conn.execute(text(f"DROP ROLE {owner}"))
        admin.dispose()


@pytest.fixture
def deployed(pg_roles: Roles, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Roles:
    """The documented deployment: ``init-db`` migrates as the owner and grants the app role."""
    monkeypatch.setenv("REHAB_DATABASE_URL", pg_roles.app_url)
    monkeypatch.setenv("REHAB_MIGRATION_DATABASE_URL", pg_roles.owner_url)
    assert cli.main(["init-db"]) == 0
    out = capsys.readouterr()
    assert f"Granted the app role {pg_roles.app!r}" in out.out
    assert "WARNING" not in out.err, out.err
    return pg_roles


def _privileges(url: str, role: str) -> set[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                    "WHERE grantee = :r AND table_schema = 'public'"
                ),
                {"r": role},
            ).all()
            return {(str(t), str(p)) for t, p in rows}
    finally:
        engine.dispose()


ATTACKS = {
    "disable all triggers": "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "disable the guard": "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "replace the guard function": (
        "CREATE OR REPLACE FUNCTION rehab_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
        "LANGUAGE plpgsql"
    ),
    "drop the guard": "DROP TRIGGER audit_log_append_only ON audit_log",
    "update an entry": "UPDATE audit_log SET detail = 'nothing happened'",
    "delete the entries": "DELETE FROM audit_log",
    "truncate": "TRUNCATE audit_log",
    "drop the table": "DROP TABLE audit_log",
    "add a trigger": (
        "CREATE TRIGGER promote BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
    ),
    "create a function": "CREATE FUNCTION rehab_evil() RETURNS int AS 'SELECT 1' LANGUAGE sql",
    "rewrite a revision": "UPDATE patient_revisions SET snapshot = snapshot",
    "give itself the table": "ALTER TABLE audit_log OWNER TO CURRENT_USER",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_app_role_cannot_switch_off_the_audit_guards(deployed: Roles, attack: str) -> None:
    db = open_database(deployed.app_url)
    try:
        admin = make_admin(db)
        new_patient(db, admin, "ROW9-1")
        engine = make_engine(deployed.app_url)
        try:
            with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
                conn.exec_driver_sql(ATTACKS[attack])
        finally:
            engine.dispose()
        assert getattr(refused.value.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE, refused.value
        # Nothing changed: the guards and the history are as the migrations left them.
        open_database(deployed.app_url, require_app_role=True).dispose()
    finally:
        db.dispose()


def test_the_apps_use_cases_work_as_the_app_role(deployed: Roles) -> None:
    db = open_database(deployed.app_url, require_app_role=True)
    try:
        assert db.role_problems == []
        admin = make_admin(db)
        ana = make_clinician(db, admin, "ana")  # creates the account and signs in
        ben = make_clinician(db, admin, "ben")
        pid = new_patient(db, ana, "ROW9-2", care_team=[ana.user_id, ben.user_id])
        # An edit, and ben taken off the care team (DELETE on care_team).
        data = patient_data(mrn="ROW9-2", notes="walks with a stick")
        patients.update(db, ana, pid, expected_version=1, data=data, care_team=[ana.user_id])
        [result] = assessments.record(
            db, ana, pid, taken_at=datetime(2026, 11, 2, 10, tzinfo=UTC), entries={"tug": {"value": 20}}
        )
        assessments.mark_entered_in_error(
            db, ana, result.record.id, expected_version=result.record.version, reason="wrong patient"
        )
        leg_press_plan(db, ana, pid, start=date(2026, 11, 2))
        logged = run_session(db, ana, pid, date(2026, 11, 3))
        assert getattr(logged, "outcome", None) != "stop"
        # Failed sign-ins are counted (UPDATE users), then the right password still signs in.
        assert auth.sign_in(db, "ben", "not the password").actor is None
        assert auth.sign_in(db, "ben", PASSWORD).actor is not None
        accounts.reset_password(db, admin, ben.user_id, PASSWORD + "!", PASSWORD + "!")
    finally:
        db.dispose()
    open_database(deployed.app_url, require_app_role=True).dispose()  # still exactly as migrated


def test_the_start_up_check_reports_an_owning_role(
    pg_roles: Roles,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The old deployment: the app connects as the role that migrated, and so owns every table.
    with caplog.at_level(logging.WARNING, logger="rehab"):
        db = open_database(pg_roles.owner_url)
    db.dispose()
    assert any("owns" in p and "audit_log" in p for p in db.role_problems), db.role_problems
    assert "SECURITY" in caplog.text and "audit_log" in caplog.text
    with pytest.raises(UnsafeDatabaseRole, match="owns"):
        open_database(pg_roles.owner_url, require_app_role=True)
    superuser = open_database(pg_roles.superuser_url)
    superuser.dispose()
    assert any("superuser" in p for p in superuser.role_problems)

    monkeypatch.setenv("REHAB_DATABASE_URL", pg_roles.owner_url)
    assert cli.main(["init-db"]) == 0
    assert "WARNING: the role" in capsys.readouterr().err
    monkeypatch.setenv("REHAB_REQUIRE_APP_ROLE", "1")
    assert cli.main(["init-db"]) == 4
    assert "too powerful" in capsys.readouterr().err


def test_grant_app_role_is_idempotent_and_takes_back_extra_privileges(
    deployed: Roles, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    granted = _privileges(deployed.owner_url, deployed.app)
    assert {table for table, _ in granted} == set(APP_PRIVILEGES), "every table is listed in APP_PRIVILEGES"
    assert {p for t, p in granted if t == "audit_log"} == {"SELECT", "INSERT"}
    owner = create_engine(deployed.owner_url)
    with owner.begin() as conn:
        conn.execute(text(f"GRANT UPDATE, TRIGGER ON audit_log TO {deployed.app}"))
    owner.dispose()
    db = open_database(deployed.app_url)
    db.dispose()
    assert any("UPDATE on audit_log" in p for p in db.role_problems)
    assert any("TRIGGER on audit_log" in p for p in db.role_problems)
    for _ in range(2):
        assert cli.main(["grant-app-role", deployed.app, "--owner-url", deployed.owner_url]) == 0
        assert _privileges(deployed.owner_url, deployed.app) == granted
    assert cli.main(["grant-app-role", deployed.app, "--print-sql", "--owner-url", deployed.owner_url]) == 0
    assert "GRANT SELECT, INSERT ON TABLE public.audit_log" in capsys.readouterr().out
    # The owner itself (or a superuser) is refused as an app role: granting would change nothing.
    assert cli.main(["grant-app-role", deployed.owner, "--owner-url", deployed.owner_url]) == 4
    assert "owns" in capsys.readouterr().err
    open_database(deployed.app_url, require_app_role=True).dispose()


def test_the_app_role_cannot_migrate_and_says_what_to_do(pg_roles: Roles) -> None:
    owner = make_engine(pg_roles.owner_url)
    upgrade(owner, "0010")
    with owner.begin() as conn:
        role_store.grant_app_role(conn, pg_roles.app)
    owner.dispose()
    with pytest.raises(MigrationNotPermitted, match="init-db"):
        open_database(pg_roles.app_url)
