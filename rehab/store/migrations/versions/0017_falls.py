"""Falls: one row per version of a recorded fall (ProFaNE definition, Lamb et al. 2005 [R107]).

Append-only: a correction is a new row that supersedes the one before it (``supersedes_id``, unique, so two
clinicians correcting the same version at once cannot both succeed); "entered in error" is a new version with
that status. A new row adds one to the patient's data generation (migration 0008), so the caseload's fall-risk
flag is read again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.append_only import create_guards, drop_guards, postgres_triggers
from rehab.store.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "falls"
INDEX = "ix_falls_patient_id_fell_on"
POSTGRES_TRIGGERS = postgres_triggers(TABLE, watched=True)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("fell_on", sa.Date, nullable=False),
        sa.Column("place", sa.String(16), nullable=False),
        sa.Column("circumstances", sa.Text, nullable=False),
        sa.Column("injury", sa.String(32), nullable=False),
        sa.Column("injury_note", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("falls.id"), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("supersedes_id", name="uq_falls_supersedes_id"),
    )
    op.create_index(INDEX, TABLE, ["patient_id", "fell_on"])
    create_guards(op.execute, op.get_bind().dialect.name, TABLE, watched=True)


def downgrade() -> None:
    drop_guards(op.execute, op.get_bind().dialect.name, TABLE)
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
