"""Issue 14, rows 7 and 8: the append-only audit log and the schema's guards against someone who reaches
the database with SQL (through the app's connections) or with the file itself (a raw connection, a
tampered backup).

Through the app's connections a rewrite or a schema change is refused. With the file, anything can be
changed; the change is then detected: the app, ``init-db`` and ``restore`` refuse the database and name
what is wrong. Each attack below was accepted before this change (see SECURITY.md, "Tampering").
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from rehab import backup
from rehab.cli import main
from rehab.services import patients
from rehab.store import Database, open_database
from rehab.store.db import make_engine
from rehab.store.integrity import DatabaseTampered, reference_sqlite_schema
from rehab.store.migrate import head_revision, upgrade
from tests.conftest import sqlite_url
from tests.helpers import make_admin, make_clinician, patient_data

REPLACE = (
    "{verb} INTO audit_log (id, at, username, action, entity, entity_id, patient_id, detail) "
    "SELECT id, at, 'nobody', 'view', entity, entity_id, patient_id, 'rewritten' FROM audit_log WHERE id = 1"
)
# The attack from the issue: a trigger that makes a clinician an administrator on the next write.
PROMOTE = (
    "CREATE TRIGGER zz_promote AFTER INSERT ON audit_log "
    "BEGIN UPDATE users SET role = 'administrator' WHERE username = 'cara'; END"
)


def _clinic(db: Database) -> int:
    """An administrator, a clinician and one patient edited once: audit entries and one revision."""
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = patients.register(db, cara, patient_data(mrn="T-1"))
    patients.update(db, cara, pid, expected_version=1, data=patient_data(mrn="T-1", notes="edited"))
    patients.open_record(db, cara, pid)
    return pid


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A SQLite database the app opened and wrote to, closed again: (url, file)."""
    url = sqlite_url(tmp_path)
    db = open_database(url)
    _clinic(db)
    db.dispose()
    yield url, Path(make_url(url).database or "")


def _raw(path: Path, *statements: str) -> None:
    """Someone with the file: a plain sqlite3 connection, none of the app's settings."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def _audit_rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


def _triggers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()


# --- row 7: what reaches the app's own connections is refused ------------------------------------------


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replace_cannot_rewrite_an_audit_entry_through_the_app(live: tuple[str, Path], verb: str) -> None:
    url, path = live
    before = _audit_rows(path)
    db = open_database(url)
    try:
        with pytest.raises(Exception, match="append-only"):
            db.run(lambda c: c.exec_driver_sql(REPLACE.format(verb=verb)))
    finally:
        db.dispose()
    assert _audit_rows(path) == before


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replace_cannot_rewrite_an_audit_entry_from_any_connection(live: tuple[str, Path], verb: str) -> None:
    """Another tool's connection has recursive_triggers off; the INSERT guard (migration 0009) still holds."""
    _, path = live
    before = _audit_rows(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _raw(path, REPLACE.format(verb=verb))
    assert _audit_rows(path) == before


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TRIGGER audit_log_no_delete",
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_replace",
        "DROP TABLE audit_log",
        "ALTER TABLE audit_log RENAME TO old_audit",
        "DROP INDEX ix_audit_log_at",
        PROMOTE,
        "CREATE TEMP TRIGGER t_promote AFTER INSERT ON main.audit_log BEGIN UPDATE users SET active = 1; END",
        "CREATE VIEW v AS SELECT * FROM users",
        "CREATE TABLE extra (x INTEGER)",
        "PRAGMA recursive_triggers=OFF",
        "PRAGMA foreign_keys=OFF",
        "PRAGMA writable_schema=ON",
        "ATTACH DATABASE ':memory:' AS other",
    ],
)
def test_the_apps_connections_refuse_schema_changes(live: tuple[str, Path], sql: str) -> None:
    url, path = live
    triggers = _triggers(path)
    db = open_database(url)
    try:
        with pytest.raises(Exception, match="not authorized"):
            db.run(lambda c: c.exec_driver_sql(sql))
        # The connection is still guarded afterwards, and still deletes nothing.
        with pytest.raises(Exception, match="append-only"):
            db.run(lambda c: c.exec_driver_sql("DELETE FROM audit_log"))
    finally:
        db.dispose()
    assert _triggers(path) == triggers
    open_database(url).dispose()  # and the database still passes its check


def test_migrations_still_run_on_guarded_connections(tmp_path: Path) -> None:
    """From empty, and from the revision before the guard, under the same connection set-up as the app."""
    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    upgrade(engine, "0008")
    engine.dispose()
    db = open_database(url)
    try:
        _clinic(db)
    finally:
        db.dispose()
    assert "audit_log_no_replace" in _triggers(Path(make_url(url).database or ""))


# --- file access: detected at start-up, by init-db and by restore ---------------------------------------

ATTACKS: dict[str, tuple[tuple[str, ...], str]] = {
    "trigger dropped": (("DROP TRIGGER audit_log_no_delete",), "trigger audit_log_no_delete (on audit_log) is missing"),
    "replace guard dropped": (("DROP TRIGGER audit_log_no_replace",), "audit_log_no_replace (on audit_log) is missing"),
    "foreign trigger": ((PROMOTE,), "trigger zz_promote (on audit_log) is not one the migrations create"),
    "trigger disarmed": (
        (
            "DROP TRIGGER audit_log_no_update",
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        ),
        "trigger audit_log_no_update (on audit_log) differs from what the migrations create",
    ),
    "foreign view": (("CREATE VIEW everyone AS SELECT * FROM users",), "view everyone (on everyone) is not one"),
    "index dropped": (
        ("DROP INDEX ix_audit_log_patient_id",),
        "index ix_audit_log_patient_id (on audit_log) is missing",
    ),
    # History deleted, and the guard put back exactly as it was so the schema matches again.
    "audit entries deleted": (
        (
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE id = 2",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        ),
        "1 entries were deleted",
    ),
    "patient revision deleted": (("DELETE FROM patient_revisions",), "patient revisions are missing for patient id"),
    "history table dropped": (
        ("DROP TABLE patient_revisions",),
        "table patient_revisions (on patient_revisions) is missing",
    ),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_app_refuses_a_tampered_database(live: tuple[str, Path], attack: str) -> None:
    url, path = live
    statements, named = ATTACKS[attack]
    _raw(path, *statements)
    with pytest.raises(DatabaseTampered) as refused:
        open_database(url)
    assert any(named in p for p in refused.value.problems), refused.value.problems
    assert "restore the last good backup" in str(refused.value)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_init_db_reports_a_tampered_database_without_a_traceback(
    live: tuple[str, Path], attack: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, path = live
    statements, named = ATTACKS[attack]
    _raw(path, *statements)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    assert main(["init-db"]) == 3
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # nothing repaired, nothing hidden


def test_the_foreign_trigger_never_promotes_anyone(live: tuple[str, Path]) -> None:
    """The issue's attack end to end: the trigger is planted; the app no longer opens the file to write."""
    url, path = live
    _raw(path, PROMOTE)
    with pytest.raises(DatabaseTampered):
        open_database(url)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT role FROM users WHERE username = 'cara'").fetchone() == ("clinician",)
    finally:
        conn.close()


def test_a_wrong_foreign_key_is_found_by_init_db(
    live: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, path = live
    _raw(path, "PRAGMA foreign_keys=OFF", "UPDATE care_team SET user_id = 999")
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    assert main(["init-db"]) == 3
    assert "rows point at rows that do not exist (in care_team)" in capsys.readouterr().err


def test_reference_schema_is_what_the_live_database_has(live: tuple[str, Path]) -> None:
    _, path = live
    conn = sqlite3.connect(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'")}
    finally:
        conn.close()
    reference = reference_sqlite_schema(str(head_revision()))
    assert names == set(reference)
    assert {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"} <= names


# --- row 8: restore verifies the backup before anything is replaced -------------------------------------


@pytest.fixture
def good_backup(live: tuple[str, Path], tmp_path: Path) -> Path:
    url, _ = live
    out = tmp_path / "backups" / "good.db"
    backup.backup(url, out)
    return out


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_restore_refuses_a_tampered_backup_and_changes_nothing(
    live: tuple[str, Path],
    good_backup: Path,
    attack: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, path = live
    statements, named = ATTACKS[attack]
    _raw(good_backup, *statements)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(url, good_backup, force=True)
    assert named in str(refused.value) and "nothing was changed" in str(refused.value)
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    assert main(["restore", "--force", str(good_backup)]) == 1
    assert named in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not list(path.parent.glob(f"{path.name}.replaced-*"))  # not even set aside
    open_database(url).dispose()


def test_restore_of_an_older_revision_is_checked_against_that_revision(tmp_path: Path) -> None:
    """A backup made before migration 0009 has no INSERT guard, and that is what 0008 creates: accepted."""
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, "0008")
    engine.dispose()
    target = tmp_path / "live" / "rehab.db"
    done = backup.restore(f"sqlite:///{target}", old)
    assert done.target.revision == "0008"
    open_database(f"sqlite:///{target}").dispose()  # upgraded to the newest revision on start, and checked
    _raw(old, PROMOTE)
    with pytest.raises(backup.BackupError, match="zz_promote"):
        backup.restore(f"sqlite:///{tmp_path / 'other.db'}", old)


def test_a_clean_backup_still_restores(live: tuple[str, Path], good_backup: Path) -> None:
    url, _ = live
    done = backup.restore(url, good_backup, force=True)
    assert done.replaced is not None
    open_database(url).dispose()


# --- PostgreSQL: the same detection at start-up ------------------------------------------------------------

PG_ATTACKS: dict[str, tuple[tuple[str, ...], str]] = {
    "trigger dropped": (
        ("DROP TRIGGER audit_log_append_only ON audit_log",),
        "trigger audit_log_append_only (on audit_log) is missing",
    ),
    "trigger disabled": (
        ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",),
        "trigger audit_log_append_only (on audit_log) is disabled",
    ),
    "function replaced": (
        (
            "CREATE OR REPLACE FUNCTION rehab_append_only() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
        ),
        "function rehab_append_only differs from what the migrations create",
    ),
    "foreign trigger": (
        (
            "CREATE FUNCTION promote() RETURNS trigger AS $$ BEGIN "
            "UPDATE users SET role = 'administrator' WHERE username = 'cara'; RETURN NULL; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER zz_promote AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION promote()",
        ),
        "trigger zz_promote (on audit_log) is not one the migrations create",
    ),
    "foreign rule": (
        ("CREATE RULE zz_promote AS ON INSERT TO audit_log DO ALSO UPDATE users SET role = 'administrator'",),
        "rule zz_promote (on audit_log) is not one the migrations create",
    ),
    "patient revision deleted": (("DELETE FROM patient_revisions",), "patient revisions are missing"),
    "history table dropped": (("DROP TABLE patient_revisions",), "its history cannot be read"),
}


@pytest.mark.parametrize("attack", sorted(PG_ATTACKS))
def test_postgresql_start_up_refuses_a_tampered_database(postgres_database_url: str, attack: str) -> None:
    db = open_database(postgres_database_url)
    try:
        _clinic(db)
    finally:
        db.dispose()
    statements, named = PG_ATTACKS[attack]
    owner = make_engine(postgres_database_url)  # the tables' owner: it can do all of this (row 9)
    try:
        with owner.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        owner.dispose()
    with pytest.raises(DatabaseTampered) as refused:
        open_database(postgres_database_url)
    assert any(named in p for p in refused.value.problems), refused.value.problems


def test_postgresql_upsert_cannot_rewrite_an_audit_entry(postgres_database_url: str) -> None:
    db = open_database(postgres_database_url)
    try:
        _clinic(db)
        with pytest.raises(Exception, match="append-only"):
            db.run(
                lambda c: c.exec_driver_sql(
                    "INSERT INTO audit_log (id, at, username, action, entity, detail) "
                    "SELECT id, at, 'nobody', 'view', entity, '' FROM audit_log WHERE id = 1 "
                    "ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username"
                )
            )
    finally:
        db.dispose()
    open_database(postgres_database_url).dispose()  # a clean database passes its start-up check


def test_the_app_shows_one_calm_sentence_for_a_tampered_database(
    app_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.app.conftest import errors, new_app

    _clinic(app_db)
    path = Path(app_db.engine.url.database or "")
    app_db.dispose()
    _raw(path, PROMOTE)
    at = new_app().run()
    assert not at.exception
    assert [e for e in errors(at) if "will not open its database" in e]
    assert "zz_promote" not in " ".join(errors(at))  # the details are for the log, not for a visitor
    assert "zz_promote" in caplog.text
