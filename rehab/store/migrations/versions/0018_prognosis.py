"""Prognosis: clinician-entered findings PREP2 needs (NIHSS, MEP status) and clinicians' reviews of predictions.

Neither NIHSS nor an upper-limb MEP by TMS is a measure in the catalogue: each is entered with the day it was
found. A review records that a clinician disagrees with a prediction (PREP2 or TWIST), with a reason, or
withdraws that disagreement. Both tables are append-only and versioned like falls (migration 0018).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.append_only import create_guards, drop_guards, postgres_triggers
from rehab.store.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FINDINGS = "prognostic_findings"
REVIEWS = "prediction_reviews"
POSTGRES_TRIGGERS = {
    **postgres_triggers(FINDINGS, watched=True),
    **postgres_triggers(REVIEWS, watched=False),
}


def _versioned(table: str) -> list[sa.Column[object]]:
    return [
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey(f"{table}.id"), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        FINDINGS,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        *_versioned(FINDINGS),
        sa.UniqueConstraint("supersedes_id", name=f"uq_{FINDINGS}_supersedes_id"),
    )
    op.create_index(f"ix_{FINDINGS}_patient_id", FINDINGS, ["patient_id"])
    op.create_table(
        REVIEWS,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("tool", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        *_versioned(REVIEWS),
        sa.UniqueConstraint("supersedes_id", name=f"uq_{REVIEWS}_supersedes_id"),
    )
    op.create_index(f"ix_{REVIEWS}_patient_id", REVIEWS, ["patient_id"])
    dialect = op.get_bind().dialect.name
    create_guards(op.execute, dialect, FINDINGS, watched=True)
    create_guards(op.execute, dialect, REVIEWS, watched=False)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in (REVIEWS, FINDINGS):
        drop_guards(op.execute, dialect, table)
        op.drop_index(f"ix_{table}_patient_id", table_name=table)
        op.drop_table(table)
