"""Assessments: measured values with item scores, trials, context and correction history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("measure_key", sa.String(32), nullable=False),
        sa.Column("taken_at", TS, nullable=False),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("site", sa.String(64), nullable=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("value_text", sa.String(16), nullable=True),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("items", sa.Text, nullable=True),
        sa.Column("trials", sa.Text, nullable=True),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("entry_group", sa.String(36), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, nullable=True),
        sa.Column("assessor_id", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_assessments_patient_id_patients"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["assessments.id"], name="fk_assessments_supersedes_id_assessments"),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], name="fk_assessments_assessor_id_users"),
    )
    op.create_index(
        "ix_assessments_patient_id_measure_key_taken_at", "assessments", ["patient_id", "measure_key", "taken_at"]
    )
    op.create_index("ix_assessments_entry_group", "assessments", ["entry_group"])


def downgrade() -> None:
    op.drop_table("assessments")
