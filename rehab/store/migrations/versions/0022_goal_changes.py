"""Goals and goal reviews count as changes of the patient's data (``patient_changes``, migration 0008).

The caseload keeps each patient's judged row under the generation of their data and shows "goal at risk" and
"no goals set" from their goals: setting, closing or correcting a goal (an insert or a status update on
``goals``) and reviewing one (an insert on ``goal_reviews``, which names the goal, not the patient) add one
to the patient's generation inside the writing transaction, on both engines, so a kept row is read again.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UPSERT = (
    "INSERT INTO patient_changes (patient_id, generation) VALUES ({row}, 1) "
    "ON CONFLICT (patient_id) DO UPDATE SET generation = patient_changes.generation + 1"
)
REVIEW_PATIENT = "(SELECT patient_id FROM goals WHERE id = NEW.goal_id)"
REVIEW_FUNCTION = "rehab_patient_changed_goal_id"
POSTGRES_TRIGGERS = {
    ("goals", "goals_changed"): "rehab_patient_changed_patient_id",  # since 0008
    ("goal_reviews", "goal_reviews_changed"): REVIEW_FUNCTION,
}
POSTGRES_FUNCTIONS = {REVIEW_FUNCTION: f"BEGIN {UPSERT.format(row=REVIEW_PATIENT)}; RETURN NULL; END;"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {REVIEW_FUNCTION}() RETURNS trigger AS $$ "
            f"{POSTGRES_FUNCTIONS[REVIEW_FUNCTION]} $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER goals_changed AFTER INSERT OR UPDATE ON goals "
            "FOR EACH ROW EXECUTE FUNCTION rehab_patient_changed_patient_id()"
        )
        op.execute(
            "CREATE TRIGGER goal_reviews_changed AFTER INSERT ON goal_reviews "
            f"FOR EACH ROW EXECUTE FUNCTION {REVIEW_FUNCTION}()"
        )
        return
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER goals_changed_{event.lower()} AFTER {event} ON goals "
            f"BEGIN {UPSERT.format(row='NEW.patient_id')}; END"
        )
    op.execute(
        f"CREATE TRIGGER goal_reviews_changed_insert AFTER INSERT ON goal_reviews "
        f"BEGIN {UPSERT.format(row=REVIEW_PATIENT)}; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS goals_changed ON goals")
        op.execute("DROP TRIGGER IF EXISTS goal_reviews_changed ON goal_reviews")
        op.execute(f"DROP FUNCTION IF EXISTS {REVIEW_FUNCTION}()")
        return
    for name in ("goals_changed_insert", "goals_changed_update", "goal_reviews_changed_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
