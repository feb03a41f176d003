"""The migrated schema matches the table definitions; the audit log is append-only at the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from rehab.services.context import now_utc
from rehab.store import Database, open_database
from rehab.store import audit as audit_store
from rehab.store.db import make_engine, newest_revision, stored_revision
from rehab.store.migrate import current_revision, head_revision, upgrade
from rehab.store.schema import metadata
from rehab.store.tables import audit_log


def test_migrations_create_exactly_the_declared_schema(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []
    assert current_revision(db.engine) == head_revision()


def test_the_newest_revision_read_from_file_names_is_alembics_head(db: Database) -> None:
    """A server at the current schema never loads Alembic; the file names must say what Alembic would."""
    from alembic.script import ScriptDirectory

    from rehab.store.migrate import _config

    scripts = list(reversed(list(ScriptDirectory.from_config(_config()).walk_revisions())))
    assert newest_revision() == head_revision()
    # one chain, numbered in order, each revision the first four characters of its file's name
    for before, script in zip([None, *scripts], scripts, strict=False):
        assert script.path is not None and Path(script.path).name[:4] == script.revision
        assert script.down_revision == (before.revision if before else None)
    assert stored_revision(db.engine) == head_revision()


def test_an_empty_database_records_no_revision(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert stored_revision(engine) is None
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(db: Database) -> None:
    upgrade(db.engine)
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()


def _one_entry(db: Database) -> None:
    db.run(lambda c: audit_store.append(c, at=now_utc(), user_id=None, username="x", action="view", entity="patient"))


def test_audit_rows_cannot_be_updated(db: Database) -> None:
    _one_entry(db)
    with pytest.raises(DBAPIError, match="append-only"):
        db.run(lambda c: c.execute(update(audit_log).values(username="forged")))
    assert db.run(lambda c: c.execute(text("select username from audit_log")).scalar_one()) == "x"


def test_audit_rows_cannot_be_deleted(db: Database) -> None:
    _one_entry(db)
    with pytest.raises(DBAPIError, match="append-only"):
        db.run(lambda c: c.execute(delete(audit_log)))
    assert db.run(audit_store.count) == 1


def test_sqlite_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
    database.dispose()


def test_foreign_keys_enforced(db: Database) -> None:
    with pytest.raises(DBAPIError):
        db.run(
            lambda c: c.execute(
                text("insert into care_team (patient_id, user_id, added_at) values (999, 999, CURRENT_TIMESTAMP)")
            )
        )
