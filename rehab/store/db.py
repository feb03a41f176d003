"""Engine set-up and units of work.

One engine per process (pooled connections); every action opens a short transaction with
``Database.transaction()``. Connections and sessions are never kept between actions, because
Streamlit serves several browsers from different threads.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import ConnectionPoolEntry

from rehab import turns

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_FILES = Path(__file__).resolve().parent / "migrations" / "versions"
LOCK_RETRIES = 5


# What the app's own SQLite connections may not do outside a migration: change the schema (drop or add a
# trigger, table, index or view, temporary ones included, since a TEMP trigger may sit on a main table),
# attach another file, or switch off the settings the append-only guards rely on. Temporary tables and
# indexes stay allowed: they change nothing that outlives the connection.
_SCHEMA_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_CREATE_TABLE,
        sqlite3.SQLITE_CREATE_TRIGGER,
        sqlite3.SQLITE_CREATE_VIEW,
        sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
        sqlite3.SQLITE_CREATE_TEMP_VIEW,
        sqlite3.SQLITE_CREATE_VTABLE,
        sqlite3.SQLITE_DROP_INDEX,
        sqlite3.SQLITE_DROP_TABLE,
        sqlite3.SQLITE_DROP_TRIGGER,
        sqlite3.SQLITE_DROP_VIEW,
        sqlite3.SQLITE_DROP_TEMP_TRIGGER,
        sqlite3.SQLITE_DROP_TEMP_VIEW,
        sqlite3.SQLITE_DROP_VTABLE,
        sqlite3.SQLITE_ALTER_TABLE,
        sqlite3.SQLITE_ATTACH,
        sqlite3.SQLITE_DETACH,
    }
)
_GUARDED_PRAGMAS = frozenset(
    {
        "foreign_keys",
        "recursive_triggers",
        "writable_schema",
        "trusted_schema",
        "ignore_check_constraints",
        "schema_version",
        "legacy_alter_table",
        "cell_size_check",
    }
)
SCHEMA_CHANGES = "rehab_schema_changes"


def schema_guard(allowed: dict[str, bool]) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """An authorizer for ``sqlite3.Connection.set_authorizer`` refusing schema changes unless
    ``allowed["ddl"]`` is set (only ``rehab.store.migrate`` sets it, around Alembic's upgrade)."""

    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _inner: str | None) -> int:
        if allowed["ddl"]:
            return sqlite3.SQLITE_OK
        if action in _SCHEMA_ACTIONS:
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and arg2 is not None and (arg1 or "").lower() in _GUARDED_PRAGMAS:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    return authorize


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred and late).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # REPLACE conflict resolution deletes the old row; only with recursive triggers does that delete
        # fire the append-only tables' BEFORE DELETE trigger (migration 0009 adds an INSERT guard as well).
        cur.execute("PRAGMA recursive_triggers=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # Installed last, so the settings above are made before the pragmas are guarded.
        allowed = {"ddl": False}
        record.info[SCHEMA_CHANGES] = allowed
        dbapi_conn.set_authorizer(schema_guard(allowed))

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front, so two writers queue on busy_timeout instead of
        # failing when a read lock cannot be upgraded.
        if conn.get_execution_options().get("rehab_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


OWNER_ONLY = 0o600
# SQLite keeps a database in up to four files; it creates the last three with the main file's mode.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def create_owner_only(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 from its first byte (``os.open``, never a later chmod), so
    no other account can open it in between; False when it already exists (it is left as it is)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None (PostgreSQL, in-memory, ``file:`` URIs)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def tighten_sqlite_files(url: str) -> list[str]:
    """Make an existing SQLite database and its -wal/-shm/-journal files owner-only (0600).

    Returns one sentence per file whose mode was changed (``init-db`` prints them: a change of mode is never
    made silently); nothing for PostgreSQL or files already owner-only.
    """
    path = sqlite_path(url)
    if path is None:
        return []
    changed = []
    for suffix in SQLITE_COMPANIONS:
        file = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(file, mode & 0o700 | OWNER_ONLY)
            now = stat.S_IMODE(file.stat().st_mode)
            changed.append(
                f"{file} was readable or writable by other accounts (mode {mode:04o}); "
                f"it is now {now:04o} (owner only)."
            )
    return changed


def newest_revision() -> str:
    """The newest migration's revision, from the file names (``NNNN_name.py``, one chain in number order).

    Read without Alembic, so a server whose schema is already current never loads it (about 10 MB a process);
    ``tests/store/test_schema.py`` checks it against Alembic's own head.
    """
    return max(path.name[:4] for path in MIGRATION_FILES.glob("[0-9][0-9][0-9][0-9]_*.py"))


def stored_revision(engine: Engine) -> str | None:
    """The schema revision the database records (None for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A new database is created owner-only before SQLite opens it; SQLite then gives its -wal and
            # -shm files the same mode. An existing file keeps its mode (``init-db`` tightens it, saying so).
            create_owner_only(path)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class MigrationNotPermitted(Exception):
    """PostgreSQL: the schema is behind this version and the connected (app) role cannot migrate it."""


def _is_lock_error(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock detected" in text or "could not serialize" in text


class Database:
    """The process's engine plus a way to run one unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL: what the connected role could do to the guards (``rehab.store.roles``), found on open.
        self.role_problems: list[str] = []

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        engine = self.engine.execution_options(rehab_write=write)
        with engine.begin() as conn:
            yield conn

    def run(self, work: Callable[[Connection], T], *, write: bool = True) -> T:
        """Run ``work`` in a transaction, retrying when the database reports a lock conflict."""
        for attempt in range(LOCK_RETRIES):
            try:
                with self.transaction(write=write) as conn:
                    return work(conn)
            except OperationalError as exc:
                if not _is_lock_error(exc) or attempt == LOCK_RETRIES - 1:
                    raise
                with turns.waiting():  # other pages run while this one waits for the lock
                    time.sleep(0.05 * (2**attempt))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    url: str,
    *,
    migrate: bool = True,
    verify: bool = True,
    thorough: bool = False,
    require_app_role: bool | None = None,
    check_role: bool = True,
) -> Database:
    """Engine for ``url`` with the schema brought up to date and checked against the migrations.

    Raises ``rehab.store.integrity.DatabaseTampered`` (nothing opened) when the schema or the history
    differs from what the migrations leave; ``thorough`` adds SQLite's integrity and foreign-key checks.
    On PostgreSQL the connected role is checked too (``rehab.store.roles``): a role that owns tables or can
    disable triggers is logged as a warning, or refused with ``UnsafeDatabaseRole`` when ``require_app_role``
    (default: the ``REHAB_REQUIRE_APP_ROLE`` setting) is set. ``db.role_problems`` keeps what was found.
    ``check_role=False`` is for the owner's own connection (``init-db``, ``grant-app-role``).
    """
    db = Database(make_engine(url))
    try:
        if migrate and stored_revision(db.engine) != newest_revision():
            from rehab.store.migrate import upgrade

            try:
                upgrade(db.engine)
            except ProgrammingError as exc:
                if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                    raise
                raise MigrationNotPermitted(
                    "The schema needs migrating and this database role may not change it (it owns nothing, as it "
                    "should): run `python -m rehab init-db` with REHAB_MIGRATION_DATABASE_URL set to the owner role "
                    f"first (docs/deploy.md). The database said: {str(exc.orig).splitlines()[0]}"
                ) from exc
        if verify:
            from rehab.store import integrity

            found = db.run(lambda conn: integrity.problems(conn, thorough=thorough), write=False)
            if found:
                where = make_url(url).render_as_string(hide_password=True)
                raise integrity.DatabaseTampered(f"The database {where}", found)
        if check_role and db.dialect == "postgresql":
            from rehab.config import settings
            from rehab.store import roles

            require = settings().require_app_role if require_app_role is None else require_app_role
            db.role_problems = db.run(lambda conn: roles.report(conn, url, require=require), write=False)
    except BaseException:
        db.dispose()
        raise
    return db
