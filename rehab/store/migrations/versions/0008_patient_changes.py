"""A per-patient change counter kept by the database itself, so the caseload re-reads only what changed.

Every insert or update of a patient's record, assessments, plans or sessions adds one to that patient's
``generation`` in ``patient_changes``, inside the writing transaction (triggers on both engines, so no
write path can forget it). The caseload keeps each patient's figures for the day with the generation they
were read under and reads again only the patients whose generation moved.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# table → the column naming the patient
WATCHED = {"patients": "id", "assessments": "patient_id", "plans": "patient_id", "treatment_sessions": "patient_id"}
UPSERT = (
    "INSERT INTO patient_changes (patient_id, generation) VALUES ({row}, 1) "
    "ON CONFLICT (patient_id) DO UPDATE SET generation = patient_changes.generation + 1"
)


def upgrade() -> None:
    op.create_table(
        "patient_changes",
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for column in sorted(set(WATCHED.values())):
            op.execute(
                f"CREATE OR REPLACE FUNCTION rehab_patient_changed_{column}() RETURNS trigger AS $$ "
                f"BEGIN {UPSERT.format(row=f'NEW.{column}')}; RETURN NULL; END; $$ LANGUAGE plpgsql"
            )
    for table, column in WATCHED.items():
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION rehab_patient_changed_{column}()"
            )
        else:
            for event in ("INSERT", "UPDATE"):
                op.execute(
                    f"CREATE TRIGGER {table}_changed_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {UPSERT.format(row=f'NEW.{column}')}; END"
                )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        else:
            for event in ("insert", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_changed_{event}")
    if postgres:
        for column in sorted(set(WATCHED.values())):
            op.execute(f"DROP FUNCTION IF EXISTS rehab_patient_changed_{column}()")
    op.drop_table("patient_changes")
