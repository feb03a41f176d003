"""Goals and their reviews: a measure's target by a date, or a Goal Attainment Scale with five levels.

A goal's values never change: a correction is a new row that ``supersedes_id`` the old one, which is marked
``amended`` (or ``entered_in_error``) with a version check, like assessments. Reviews (a GAS rating at
follow-up, or a note) are append-only: a later review is read as the current one, an earlier one stays.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

REVIEWS = "goal_reviews"
POSTGRES_TRIGGERS = {
    (REVIEWS, f"{REVIEWS}_append_only"): "rehab_append_only",
    (REVIEWS, f"{REVIEWS}_no_truncate"): "rehab_append_only",
}


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("measure_key", sa.String(32), nullable=True),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("target_value", sa.Float, nullable=True),
        sa.Column("target_date", sa.Date, nullable=False),
        sa.Column("gas_levels", sa.Text, nullable=True),
        sa.Column("baseline", sa.Integer, nullable=True),
        sa.Column("importance", sa.Integer, nullable=True),
        sa.Column("difficulty", sa.Integer, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("goals.id"), nullable=True),
        sa.Column("set_on", sa.Date, nullable=False),
        sa.Column("set_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_goals_patient", "goals", ["patient_id", "status"])
    op.create_table(
        REVIEWS,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id"), nullable=False),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("reviewed_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_goal_reviews_goal", REVIEWS, ["goal_id", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {REVIEWS}_no_{verb.lower()} BEFORE {verb} ON {REVIEWS} "
                f"BEGIN SELECT RAISE(ABORT, '{REVIEWS} is append-only'); END"
            )
        op.execute(
            f"CREATE TRIGGER {REVIEWS}_no_replace BEFORE INSERT ON {REVIEWS} "
            f"WHEN EXISTS (SELECT 1 FROM {REVIEWS} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{REVIEWS} is append-only'); END"
        )
    else:  # rehab_append_only() exists since 0001
        op.execute(
            f"CREATE TRIGGER {REVIEWS}_append_only BEFORE UPDATE OR DELETE ON {REVIEWS} "
            "FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {REVIEWS}_no_truncate BEFORE TRUNCATE ON {REVIEWS} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rehab_append_only()"
        )


def downgrade() -> None:
    op.drop_table(REVIEWS)
    op.drop_index("ix_goals_patient", table_name="goals")
    op.drop_table("goals")
