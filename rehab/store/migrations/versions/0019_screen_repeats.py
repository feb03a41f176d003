"""The readiness screen repeated after rest: the second set of readings, kept beside the first.

A caution, or a stop on a reading that can settle (blood pressure, heart rate, SpO2, the standing pressure), may
be measured again after rest. The repeat's readings, verdict, reasons and thresholds go in this table, one row
per session at most; the session's own columns keep the first screen as it was. The session is decided by the
repeat. Append-only like the audit log (UPDATE, DELETE, REPLACE and TRUNCATE refused by the database).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLE = "screen_repeats"
POSTGRES_TRIGGERS = {
    (TABLE, f"{TABLE}_append_only"): "rehab_append_only",
    (TABLE, f"{TABLE}_no_truncate"): "rehab_append_only",
}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("treatment_sessions.id"), nullable=False),
        sa.Column("screen_outcome", sa.String(8), nullable=False),
        sa.Column("systolic_mmhg", sa.Float, nullable=False),
        sa.Column("diastolic_mmhg", sa.Float, nullable=False),
        sa.Column("resting_heart_rate_bpm", sa.Float, nullable=False),
        sa.Column("spo2_percent", sa.Float, nullable=True),
        sa.Column("standing_systolic_mmhg", sa.Float, nullable=True),
        sa.Column("standing_diastolic_mmhg", sa.Float, nullable=True),
        sa.Column("orthostatic_symptoms", sa.Boolean, nullable=True),
        sa.Column("rest_minutes", sa.Integer, nullable=False),
        sa.Column("screen_reasons", sa.Text, nullable=False),
        sa.Column("screen_thresholds", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.UniqueConstraint("session_id", name="uq_screen_repeats_session_id"),  # one repeat per session
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
            f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
        )
    else:  # rehab_append_only() exists since 0001
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rehab_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    op.drop_table(TABLE)
