"""Index for the caseload: a patient's sessions by date (last session, sessions in the last weeks).

Revision ID: 0006
Revises: 0005 (session notes)
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_treatment_sessions_patient_id_session_date", "treatment_sessions", ["patient_id", "session_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_treatment_sessions_patient_id_session_date", table_name="treatment_sessions")
