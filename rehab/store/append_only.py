"""Database guards for append-only clinical tables (falls, prognostic findings, prediction reviews).

A correction is a new row that supersedes the old one; nothing is updated or deleted. The guards refuse
UPDATE, DELETE, REPLACE and TRUNCATE on both engines, as migration 0012 does for flag acknowledgements, and
optionally add one to the patient's ``patient_changes`` generation on insert (migration 0008), so the
caseload re-reads a patient whose record grew (on PostgreSQL a statement trigger, ``rehab.store.change_counter``).
"""

from __future__ import annotations

from collections.abc import Callable

from rehab.store import change_counter

Execute = Callable[[str], object]


def postgres_triggers(table: str, *, watched: bool) -> dict[tuple[str, str], str]:
    """The (table, trigger) → function pairs the guards create on PostgreSQL (for ``rehab.store.integrity``)."""
    out = {
        (table, f"{table}_append_only"): "rehab_append_only",
        (table, f"{table}_no_truncate"): "rehab_append_only",
    }
    if watched:
        out.update(change_counter.postgres_triggers(table, "patient_id", ["INSERT"]))
    return out


def create_guards(execute: Execute, dialect: str, table: str, *, watched: bool) -> None:
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
        if watched:
            execute(
                f"CREATE TRIGGER {table}_changed_insert AFTER INSERT ON {table} BEGIN "
                "INSERT INTO patient_changes (patient_id, generation) VALUES (NEW.patient_id, 1) "
                "ON CONFLICT (patient_id) DO UPDATE SET generation = patient_changes.generation + 1; END"
            )
        return
    # rehab_append_only() exists since 0001
    execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
    )
    execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION rehab_append_only()"
    )
    if watched:
        change_counter.create_triggers(execute, table, "patient_id", ["INSERT"])


def drop_guards(execute: Execute, dialect: str, table: str) -> None:
    if dialect == "sqlite":
        for name in ("no_update", "no_delete", "no_replace", "changed_insert"):
            execute(f"DROP TRIGGER IF EXISTS {table}_{name}")
        return
    for name in ("append_only", "no_truncate", "changed", "changed_insert"):
        execute(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}")
