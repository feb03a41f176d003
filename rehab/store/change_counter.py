"""The per-patient change counter (``patient_changes``, migration 0008) kept by triggers on PostgreSQL.

Each insert or update adds one to the ``generation`` of the row's patient per row written. On PostgreSQL the
triggers are per statement (migration 0023) and read the statement's rows from a transition table: one
upsert per statement and patient, adding that patient's count of rows. Per-row triggers upserted the same
counter row once for every row, so a 100,000-row import of one patient left 100,000 versions of that row
inside one transaction, each found by walking the ones before it. SQLite has no statement triggers and
needs none: its per-row upsert rewrites the row in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Execute = Callable[[str], object]

ROWS = "changed_rows"
# the column of a written row that leads to its patient → the patient of each of the statement's rows
PATIENT_OF = {
    "id": f"SELECT id AS patient_id FROM {ROWS}",  # patients itself
    "patient_id": f"SELECT patient_id FROM {ROWS}",
    "goal_id": f"SELECT g.patient_id FROM {ROWS} r JOIN goals g ON g.id = r.goal_id",  # goal reviews
}


def function_name(column: str) -> str:
    """The trigger function for tables whose ``column`` leads to the patient (``id`` on ``patients`` itself)."""
    return f"rehab_rows_changed_{column}"


def function_body(column: str) -> str:
    return (
        "BEGIN INSERT INTO patient_changes (patient_id, generation) "
        f"SELECT patient_id, count(*) FROM ({PATIENT_OF[column]}) AS written GROUP BY patient_id "
        "ORDER BY patient_id "
        "ON CONFLICT (patient_id) DO UPDATE SET generation = patient_changes.generation + EXCLUDED.generation; "
        "RETURN NULL; END;"
    )


def trigger_name(table: str, event: str) -> str:
    return f"{table}_changed_{event.lower()}"


def postgres_triggers(table: str, column: str, events: Iterable[str]) -> dict[tuple[str, str], str]:
    """(table, trigger) → function, for ``rehab.store.integrity``."""
    return {(table, trigger_name(table, event)): function_name(column) for event in events}


def create_function(execute: Execute, column: str) -> None:
    execute(
        f"CREATE OR REPLACE FUNCTION {function_name(column)}() RETURNS trigger AS $$ "
        f"{function_body(column)} $$ LANGUAGE plpgsql"
    )


def create_triggers(execute: Execute, table: str, column: str, events: Iterable[str]) -> None:
    """PostgreSQL: one statement trigger per event (a trigger with a transition table has a single event)."""
    create_function(execute, column)
    for event in events:
        execute(
            f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event} ON {table} "
            f"REFERENCING NEW TABLE AS {ROWS} FOR EACH STATEMENT EXECUTE FUNCTION {function_name(column)}()"
        )


def drop_triggers(execute: Execute, table: str, events: Iterable[str]) -> None:
    for event in events:
        execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, event)} ON {table}")
