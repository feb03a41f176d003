"""PostgreSQL: the patient change counter kept by statement triggers instead of row triggers.

The counter's meaning is unchanged (migrations 0008 and 0022): every row inserted into or updated in a
patient's record, assessments, plans, sessions, goals, and every fall, prognostic finding and goal review
added, adds one to that patient's ``generation``. Each
statement now adds its rows' count per patient in one upsert (``rehab.store.change_counter``), so a large
import of one patient no longer rewrites the counter row once per value. SQLite keeps its row triggers.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from rehab.store import change_counter

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# table → the column naming the patient, and the writes that move the counter
WATCHED = {
    "patients": ("id", ("INSERT", "UPDATE")),
    "assessments": ("patient_id", ("INSERT", "UPDATE")),
    "plans": ("patient_id", ("INSERT", "UPDATE")),
    "treatment_sessions": ("patient_id", ("INSERT", "UPDATE")),
    "falls": ("patient_id", ("INSERT",)),  # append-only (0017)
    "prognostic_findings": ("patient_id", ("INSERT",)),  # append-only (0018)
    "goals": ("patient_id", ("INSERT", "UPDATE")),  # 0022
    "goal_reviews": ("goal_id", ("INSERT",)),  # 0022: the review names the goal, the goal its patient
}
# rehab_patient_changed_<column>() of migrations 0008 and 0022, with the patient of the row NEW
ROW_PATIENT = {
    "id": "NEW.id",
    "patient_id": "NEW.patient_id",
    "goal_id": "(SELECT patient_id FROM goals WHERE id = NEW.goal_id)",
}
ROW_FUNCTIONS = tuple(ROW_PATIENT)
UPSERT = (
    "INSERT INTO patient_changes (patient_id, generation) VALUES ({row}, 1) "
    "ON CONFLICT (patient_id) DO UPDATE SET generation = patient_changes.generation + 1"
)

# for rehab.store.integrity: what this revision creates and what it removes
POSTGRES_TRIGGERS = {
    key: function
    for table, (column, events) in WATCHED.items()
    for key, function in change_counter.postgres_triggers(table, column, events).items()
}
POSTGRES_FUNCTIONS = {change_counter.function_name(c): change_counter.function_body(c) for c in ROW_FUNCTIONS}
POSTGRES_TRIGGERS_DROPPED = [(table, f"{table}_changed") for table in WATCHED]
POSTGRES_FUNCTIONS_DROPPED = [f"rehab_patient_changed_{column}" for column in ROW_FUNCTIONS]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (column, events) in WATCHED.items():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        change_counter.drop_triggers(op.execute, table, events)  # a fresh database's 0017/0018 made them already
        change_counter.create_triggers(op.execute, table, column, events)
    for column in ROW_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS rehab_patient_changed_{column}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in ROW_FUNCTIONS:
        op.execute(
            f"CREATE OR REPLACE FUNCTION rehab_patient_changed_{column}() RETURNS trigger AS $$ "
            f"BEGIN {UPSERT.format(row=ROW_PATIENT[column])}; RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
    for table, (column, events) in WATCHED.items():
        change_counter.drop_triggers(op.execute, table, events)
        op.execute(
            f"CREATE TRIGGER {table}_changed AFTER {' OR '.join(events)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rehab_patient_changed_{column}()"
        )
    for column in ROW_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {change_counter.function_name(column)}()")
