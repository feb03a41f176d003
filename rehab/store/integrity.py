"""Is this database what the migrations made, and is its history whole?

The append-only audit log and the patient revisions are guarded by triggers. Anyone who can write the
database file (or, on PostgreSQL, connect as the owner of the tables) can drop those triggers, add a
trigger of their own, or delete history, and the guards cannot stop that. This module detects it:

- **Schema.** On SQLite the whole of ``sqlite_master`` (tables, indexes, triggers, views, with their SQL)
  must equal what the migrations create at the database's revision: the reference is built by migrating
  an empty temporary database, once per revision and process, in a short-lived process of its own (so a
  server never loads Alembic and the migrations, about 10 MB each). Nothing missing, nothing extra, nothing
  changed. On PostgreSQL the triggers in the app's schema must be exactly the migrations' triggers,
  enabled and calling the migrations' functions with the migrations' source; no rules may exist.
- **History.** Every patient at version *n* has revisions 1 … *n*−1. On SQLite the audit log's ids run
  1 … N without a gap (SQLite gives a new row the largest id plus one, and a rolled-back insert leaves no
  gap, so a gap means a deleted entry; deleting the newest entries leaves none and is not detected).
  PostgreSQL sequences leave gaps on rollback, so this check is SQLite's only.
- **Thorough** (``init-db`` and restore): ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``.

The app refuses to open a database that fails, naming each problem; nothing is repaired, because a repair
would hide what was done. Restore the last good backup (which is checked the same way) instead.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

# (type, table it belongs to, normalised SQL) by object name
SchemaObjects = dict[str, tuple[str, str, str | None]]
Query = Callable[[str], Sequence[Sequence[Any]]]

RECOVERY = (
    "It was changed outside this application (the checks are described in SECURITY.md). Nothing was "
    "repaired. Keep the file for investigation and restore the last good backup "
    "(python -m rehab restore --force <backup file>)."
)


class DatabaseTampered(Exception):
    """The database differs from what the migrations create, or its history has holes."""

    def __init__(self, where: str, problems: Sequence[str]) -> None:
        self.where = where
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{where} is not as this application's migrations left it:\n{lines}\n{RECOVERY}")


def normalise_sql(sql: str | None) -> str | None:
    """SQL without whitespace and identifier quotes: the same statement laid out or quoted differently by
    another SQLAlchemy or SQLite version compares equal; any other change (a ``WHEN 0``, another body,
    another column) does not."""
    if sql is None:
        return None
    return re.sub(r'[\s"`]+', "", sql)


def sqlite_objects(query: Query) -> SchemaObjects:
    rows = query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name")
    return {str(name): (str(kind), str(table), normalise_sql(sql)) for kind, name, table, sql in rows}


def _build_reference(revision: str) -> list[tuple[str, tuple[str, str, str | None]]]:
    from rehab.store.db import make_engine
    from rehab.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="rehab-reference-") as folder:
        path = Path(folder) / "reference.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(str(path))
        try:
            objects = sqlite_objects(lambda sql: conn.execute(sql).fetchall())
        finally:
            conn.close()
    return sorted(objects.items())


def _answer(*question: str) -> Any:
    """What ``python -m rehab.store.integrity QUESTION`` prints (JSON): the migrations' reference, worked out in
    a process of its own so that this one never loads Alembic and the migrations."""
    done = subprocess.run(
        [sys.executable, "-m", "rehab.store.integrity", *question], capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"The migrations' reference ({' '.join(question)}) could not be built: {done.stderr[-2000:]}"
        )
    return json.loads(done.stdout)


@functools.lru_cache(maxsize=16)
def _reference(revision: str) -> tuple[tuple[str, tuple[str, str, str | None]], ...]:
    return tuple((name, (kind, table, sql)) for name, (kind, table, sql) in _answer("sqlite", revision))


def reference_sqlite_schema(revision: str) -> SchemaObjects:
    """What the migrations up to ``revision`` create on SQLite (built once per process)."""
    return dict(_reference(revision))


def compare_sqlite_schema(actual: SchemaObjects, expected: SchemaObjects) -> list[str]:
    problems = []
    for name in sorted(expected.keys() - actual.keys()):
        kind, table, _ = expected[name]
        problems.append(f"{kind} {name} (on {table}) is missing")
    for name in sorted(actual.keys() - expected.keys()):
        kind, table, _ = actual[name]
        problems.append(f"{kind} {name} (on {table}) is not one the migrations create")
    for name in sorted(actual.keys() & expected.keys()):
        if actual[name] != expected[name]:
            kind, table, _ = actual[name]
            problems.append(f"{kind} {name} (on {table}) differs from what the migrations create")
    return problems


def history_problems(query: Query, *, sqlite: bool) -> list[str]:
    problems = []
    gaps = query(
        "SELECT p.id FROM patients p LEFT JOIN patient_revisions r ON r.patient_id = p.id "
        "GROUP BY p.id, p.version HAVING count(r.id) <> p.version - 1 "
        "OR coalesce(max(r.version), 0) <> p.version - 1 OR coalesce(min(r.version), 1) <> 1 ORDER BY p.id"
    )
    if gaps:
        ids = ", ".join(str(row[0]) for row in gaps[:10])
        more = f" and {len(gaps) - 10} more" if len(gaps) > 10 else ""
        problems.append(f"patient revisions are missing for patient id {ids}{more} (history was deleted)")
    if sqlite:
        count, low, high = query("SELECT count(*), coalesce(min(id), 1), coalesce(max(id), 0) FROM audit_log")[0]
        if int(count) != int(high) or int(low) < 1:
            missing = max(int(high) - int(count), 0)
            problems.append(
                f"the audit log holds {count} entries but its ids run to {high}: {missing} entries were deleted"
            )
    return problems


def sqlite_problems(query: Query, *, thorough: bool) -> list[str]:
    """Everything wrong with a SQLite database at a revision this version knows."""
    problems: list[str] = []
    if thorough:
        checked = [str(row[0]) for row in query("PRAGMA integrity_check")]
        if checked != ["ok"]:
            problems.append(f"SQLite's integrity check failed: {'; '.join(checked[:5])}")
        broken = query("PRAGMA foreign_key_check")
        if broken:
            tables = sorted({str(row[0]) for row in broken})
            problems.append(f"{len(broken)} rows point at rows that do not exist (in {', '.join(tables)})")
    revision = [str(row[0]) for row in query("SELECT version_num FROM alembic_version")]
    if len(revision) != 1:
        return [*problems, f"the schema revision is {revision or 'missing'}"]
    problems += compare_sqlite_schema(sqlite_objects(query), reference_sqlite_schema(revision[0]))
    return problems + _history_or_why_not(query, sqlite=True, known=problems)


def _history_or_why_not(query: Query, *, sqlite: bool, known: list[str]) -> list[str]:
    try:
        return history_problems(query, sqlite=sqlite)
    except (sqlite3.DatabaseError, DBAPIError) as exc:  # a table the check reads is gone or changed
        return [] if known else [f"its history cannot be read: {str(exc).splitlines()[0]}"]


def sqlite_file_problems(path: Path, *, thorough: bool = True) -> list[str]:
    """The checks on a SQLite file, read through a plain connection (backups and restores)."""
    # A plain connection, not ``mode=ro``: a read-only one leaves -wal/-shm files next to a WAL-mode file.
    conn = sqlite3.connect(f"file:{quote(str(path))}", uri=True)
    try:
        return sqlite_problems(lambda sql: conn.execute(sql).fetchall(), thorough=thorough)
    finally:
        conn.close()


def _migration_module(revision: str) -> Any:
    from alembic.script import ScriptDirectory

    from rehab.store.migrate import _config

    script = ScriptDirectory.from_config(_config()).get_revision(revision)
    assert script is not None
    return script.module


def _migration_modules() -> list[Any]:
    from alembic.script import ScriptDirectory

    from rehab.store.migrate import _config

    return [script.module for script in reversed(list(ScriptDirectory.from_config(_config()).walk_revisions()))]


@functools.lru_cache(maxsize=1)
def expected_postgres_triggers() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(table, trigger) → function, and function → normalised source, as the migrations create them (read by a
    short-lived process, as the SQLite reference schema is)."""
    triggers, functions = _answer("postgres")
    return {(table, name): function for table, name, function in triggers}, functions


def _build_postgres_triggers() -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    watched: dict[str, str] = _migration_module("0008").WATCHED
    upsert: str = _migration_module("0008").UPSERT
    triggers = {
        ("audit_log", "audit_log_append_only"): "rehab_append_only",
        ("audit_log", "audit_log_no_truncate"): "rehab_append_only",
    }
    functions = {"rehab_append_only": "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END;"}
    for table, column in watched.items():
        triggers[(table, f"{table}_changed")] = f"rehab_patient_changed_{column}"
        functions[f"rehab_patient_changed_{column}"] = f"BEGIN {upsert.format(row=f'NEW.{column}')}; RETURN NULL; END;"
    # A later migration that creates PostgreSQL triggers declares them, so the check knows them:
    #   POSTGRES_TRIGGERS = {("table", "trigger"): "function"}; POSTGRES_FUNCTIONS = {"function": "body"};
    #   and what it drops: POSTGRES_TRIGGERS_DROPPED = [("table", "trigger")]; POSTGRES_FUNCTIONS_DROPPED = ["function"]
    for module in _migration_modules():
        for key in getattr(module, "POSTGRES_TRIGGERS_DROPPED", ()):
            triggers.pop(key, None)
        for name in getattr(module, "POSTGRES_FUNCTIONS_DROPPED", ()):
            functions.pop(name, None)
        triggers.update(getattr(module, "POSTGRES_TRIGGERS", {}))
        functions.update(getattr(module, "POSTGRES_FUNCTIONS", {}))
    return (
        [(table, name, function) for (table, name), function in triggers.items()],
        {name: str(normalise_sql(src)) for name, src in functions.items()},
    )


def postgres_problems(query: Query) -> list[str]:
    """Triggers, their functions and rules in the app's schema against what the migrations create."""
    expected, sources = expected_postgres_triggers()
    problems = []
    found = {
        (str(table), str(name)): (str(function), str(enabled))
        for table, name, function, enabled in query(
            "SELECT c.relname, t.tgname, p.proname, t.tgenabled FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    }
    for table, name in sorted(expected.keys() - found.keys()):
        problems.append(f"trigger {name} (on {table}) is missing")
    for table, name in sorted(found.keys() - expected.keys()):
        problems.append(f"trigger {name} (on {table}) is not one the migrations create")
    for key in sorted(found.keys() & expected.keys()):
        function, enabled = found[key]
        if function != expected[key]:
            problems.append(f"trigger {key[1]} (on {key[0]}) calls {function}, not {expected[key]}")
        if enabled != "O":
            problems.append(f"trigger {key[1]} (on {key[0]}) is disabled")
    defined = {
        str(name): normalise_sql(str(source))
        for name, source in query(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND left(p.proname, 6) = 'rehab_'"
        )
    }
    for name in sorted(sources):
        if name not in defined:
            problems.append(f"function {name} is missing")
        elif defined[name] != sources[name]:
            problems.append(f"function {name} differs from what the migrations create")
    for table, rule in query("SELECT tablename, rulename FROM pg_rules WHERE schemaname = current_schema()"):
        problems.append(f"rule {rule} (on {table}) is not one the migrations create")
    return problems


def problems(conn: Connection, *, thorough: bool = False) -> list[str]:
    """What is wrong with the database behind ``conn`` (at the newest revision), or nothing."""

    def query(sql: str) -> Sequence[Sequence[Any]]:
        return [tuple(row) for row in conn.exec_driver_sql(sql).fetchall()]

    if conn.dialect.name == "sqlite":
        return sqlite_problems(query, thorough=thorough)
    if conn.dialect.name != "postgresql":
        return []
    from rehab.store.db import newest_revision

    found = [str(row[0]) for row in query("SELECT version_num FROM alembic_version")]
    if found != [newest_revision()]:
        return [f"the schema revision is {found or 'missing'}, not {newest_revision()}"]
    found_problems = postgres_problems(query)

    def in_savepoint(sql: str) -> Sequence[Sequence[Any]]:
        # A failed history query (a table gone) rolls back to the savepoint, not the whole transaction.
        with conn.begin_nested():
            return query(sql)

    return found_problems + _history_or_why_not(in_savepoint, sqlite=False, known=found_problems)


if __name__ == "__main__":  # `sqlite REVISION`: that revision's schema; `postgres`: the triggers (``_answer``)
    print(json.dumps(_build_reference(sys.argv[2]) if sys.argv[1] == "sqlite" else _build_postgres_triggers()))
