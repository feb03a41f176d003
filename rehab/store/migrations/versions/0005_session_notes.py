"""The clinician's note on a treatment session (for session summaries); each save adds a row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_session_notes"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["treatment_sessions.id"], name="fk_session_notes_session_id_treatment_sessions"
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_session_notes_patient_id_patients"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_session_notes_created_by_users"),
    )
    op.create_index("ix_session_notes_session_id_id", "session_notes", ["session_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_session_notes_session_id_id", table_name="session_notes")
    op.drop_table("session_notes")
