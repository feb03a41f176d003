"""Apply Alembic migrations from code, so `make run`, the CLI and the app share one path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from rehab.store.db import SCHEMA_CHANGES

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def schema_changes_allowed(conn: Connection) -> Iterator[None]:
    """Lift the app connection's refusal of DDL (see ``rehab.store.db.schema_guard``) for a migration."""
    allowed = conn.info.get(SCHEMA_CHANGES)
    if allowed is None:  # PostgreSQL, or a connection made outside ``make_engine``
        yield
        return
    allowed["ddl"] = True
    try:
        yield
    finally:
        allowed["ddl"] = False


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); a no-op when it is already there."""
    target = head_revision() if revision == "head" else revision
    if current_revision(engine) == target:
        return
    cfg = _config()
    with engine.begin() as conn, schema_changes_allowed(conn):
        if conn.dialect.name == "postgresql":
            # Two app replicas starting together must not both migrate.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7243011)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
