"""Online backup and verified restore of the SQLite database; PostgreSQL is left to pg_dump/pg_restore.

A backup is taken with SQLite's own backup API, so the app can keep serving while it runs: the copy is
one consistent snapshot (including what still sits in the WAL file), never a half-written file copy.
A restore checks the file first (SQLite header, ``PRAGMA integrity_check`` and ``foreign_key_check``, a
schema revision this version knows, a schema identical to what the migrations at that revision create and
a history without holes: see ``rehab.store.integrity``), keeps the database it replaces next to it, and deletes nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

SQLITE_HEADER = b"SQLite format 3\x00"
CORE_TABLES = ("users", "patients", "care_team", "audit_log")
BUSY_TIMEOUT_MS = 30_000


class BackupError(Exception):
    """Something an operator must know: nothing was changed."""


@dataclass(frozen=True)
class DatabaseFile:
    """A checked SQLite file: its schema revision and how many rows each table holds."""

    path: Path
    revision: str
    row_counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class Restored:
    target: DatabaseFile
    replaced: Path | None


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def postgres_advice(url: str) -> str:
    """What to run instead: PostgreSQL's own tools take consistent online dumps of a live database."""
    parsed = make_url(url)
    target = parsed.set(drivername="postgresql").render_as_string(hide_password=True)
    name = parsed.database or "rehab"
    return (
        "This installation uses PostgreSQL; back it up with PostgreSQL's own tools, which take a consistent\n"
        "snapshot while the app keeps running (nothing was done):\n"
        f"  pg_dump --format=custom --file={name}-$(date +%Y%m%dT%H%M%S).dump '{target}'\n"
        "Restore into an empty database (stop the app replicas first, keep the old database until checked):\n"
        f"  createdb {name}_restored\n"
        f"  pg_restore --no-owner --exit-on-error --dbname={name}_restored {name}-<time>.dump\n"
        "then point REHAB_DATABASE_URL at the restored database and start the app (it applies any newer\n"
        "migrations on start). Use the same major PostgreSQL version for pg_dump as the server, or newer."
    )


def sqlite_file(url: str) -> Path:
    """The database file behind a SQLite URL (an in-memory database cannot be backed up)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(f"Only SQLite databases are backed up by this command, not {parsed.get_backend_name()}.")
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The database URL does not name a SQLite file.")
    return Path(database).resolve()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from rehab.store.migrate import _config

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def _connect(path: Path) -> sqlite3.Connection:
    """A plain connection: only SELECTs and checks run on it. (A read-only one would leave -wal/-shm files
    behind next to a WAL-mode file, because it may create them but not remove them.)"""
    conn = sqlite3.connect(f"file:{quote(str(path))}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def inspect(path: Path) -> DatabaseFile:
    """Refuse anything that is not a sound database of this application's schema."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database.")
    try:
        conn = _connect(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} failed SQLite's integrity check: {'; '.join(problems[:5])}")
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            if "alembic_version" not in tables or any(t not in tables for t in CORE_TABLES):
                raise BackupError(f"{path} is an SQLite database, but not one of this application.")
            found = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as an SQLite database: {exc}") from None
    if len(found) != 1 or found[0] not in _known_revisions():
        raise BackupError(
            f"{path} has schema revision {found or 'none'}, which this version of the application does not know "
            "(was it made by a newer version?)."
        )
    return DatabaseFile(path=path, revision=found[0], row_counts=counts)


def _refuse_tampered(path: Path) -> None:
    """The backup's schema must be exactly what the migrations at its revision create, and its history whole."""
    from rehab.store import integrity

    try:
        problems = integrity.sqlite_file_problems(path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be checked: {exc}. Nothing was changed.") from None
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise BackupError(
            f"{path} is not as this application's migrations left it, so it was not restored (nothing was "
            f"changed):\n{lines}\nChoose an earlier backup."
        )


def _create_owner_only(path: Path) -> None:
    """Create ``path`` empty, readable by its owner only from the first byte: SQLite then writes into it and
    gives its journal the same mode. (Creating it through SQLite and chmod-ing afterwards left a window in
    which another account could open the file and read the patient data as it was written.)"""
    from rehab.store.db import create_owner_only

    if not create_owner_only(path):
        raise BackupError(f"{path} already exists; nothing was written to it.")


def _copy_online(source: sqlite3.Connection, target_path: Path) -> None:
    """One consistent snapshot of ``source`` into a new, self-contained file (no -wal file needed)."""
    _create_owner_only(target_path)
    target = sqlite3.connect(str(target_path))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _copy_bytes(source: Path, target: Path) -> None:
    """A raw copy into a new owner-only file (``shutil.copy2`` would copy the source's mode first)."""
    _create_owner_only(target)
    with source.open("rb") as reader, target.open("r+b") as writer:
        shutil.copyfileobj(reader, writer)
    shutil.copystat(source, target)
    os.chmod(target, 0o600)


def _publish(staged: Path, final: Path) -> None:
    """Give the finished copy its name without ever replacing an existing file."""
    try:
        os.link(staged, final)
    except FileExistsError:
        raise BackupError(f"{final} appeared while the backup ran; the copy is kept as {staged}.") from None
    staged.unlink()


def backup(url: str, out: Path) -> DatabaseFile:
    """Copy the live SQLite database to ``out`` (which must not exist yet) and check the copy."""
    source_path = sqlite_file(url)
    out = out.resolve()
    if not source_path.is_file():
        raise BackupError(f"There is no database at {source_path} to back up.")
    if out.exists():
        raise BackupError(f"{out} already exists; a backup never overwrites a file. Choose a new name.")
    if out == source_path:
        raise BackupError("The backup file must not be the database itself.")
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = out.with_name(f".{out.name}.partial-{os.getpid()}")
    source = _connect(source_path)
    try:
        _copy_online(source, staged)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The database at {source_path} could not be copied: {exc}") from None
    finally:
        source.close()
    checked = inspect(staged)
    _publish(staged, out)
    return DatabaseFile(path=out, revision=checked.revision, row_counts=checked.row_counts)


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _keep_current(target: Path, now: datetime | None) -> Path:
    """Set the database being replaced aside, whole: a consistent copy, or its raw files if it is damaged."""
    base = f"{target.name}.replaced-{_stamp(now)}"
    kept = target.with_name(base)
    number = 1
    while kept.exists():
        number += 1
        kept = target.with_name(f"{base}-{number}")
    try:
        source = _connect(target)
        try:
            _copy_online(source, kept)
        finally:
            source.close()
        return kept
    except sqlite3.DatabaseError:
        # Unreadable as a database: keep its bytes exactly, with the WAL file SQLite would pair it with.
        if kept.exists():  # the failed snapshot's empty or partial file
            kept.unlink()
        _copy_bytes(target, kept)
        wal = target.with_name(target.name + "-wal")
        if wal.exists():
            _copy_bytes(wal, kept.with_name(kept.name + "-wal"))
        return kept


def restore(url: str, source_path: Path, *, force: bool = False, now: datetime | None = None) -> Restored:
    """Write a checked backup into the configured SQLite database.

    An existing database is only replaced with ``force``, and is first kept as
    ``<database>.replaced-<UTC time>``. The write itself is one SQLite transaction, so a failure part-way
    leaves the old content in place.
    """
    target_path = sqlite_file(url)
    source = inspect(source_path.resolve())
    _refuse_tampered(source.path)
    if source.path == target_path:
        raise BackupError("The file to restore is the configured database itself.")
    replaced: Path | None = None
    if target_path.exists() and target_path.stat().st_size > 0:
        if not force:
            raise BackupError(
                f"A database already exists at {target_path}. Nothing was changed. To replace it, run the restore "
                "again with --force: the current database is then kept as "
                f"{target_path.name}.replaced-<time> next to it."
            )
        replaced = _keep_current(target_path, now)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    if not target_path.exists():
        _create_owner_only(target_path)
    try:
        reader = _connect(source.path)
        try:
            writer = sqlite3.connect(str(target_path), timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                writer.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode=WAL")
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.DatabaseError as exc:
        kept = f" The previous database was kept as {replaced}." if replaced else ""
        raise BackupError(
            f"Could not write into {target_path}: {exc}.{kept} Stop the app, move the damaged file aside, "
            "and run the restore again."
        ) from None
    result = inspect(target_path)
    if result.row_counts != source.row_counts:
        raise BackupError(f"The restored database at {target_path} does not match {source.path}; check it by hand.")
    return Restored(target=result, replaced=replaced)
