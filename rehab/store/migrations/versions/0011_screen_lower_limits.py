"""The readiness screen's optional readings for its lower limits (clinical reference §13.10): SpO2, the standing
pressure within 3 min of standing with any orthostatic symptoms, and capillary glucose. All nullable: sessions
screened before this revision did not record them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("spo2_percent", sa.Float),
    ("standing_systolic_mmhg", sa.Float),
    ("standing_diastolic_mmhg", sa.Float),
    ("orthostatic_symptoms", sa.Boolean),
    ("glucose_mmol_l", sa.Float),
)


def upgrade() -> None:
    # Plain ADD COLUMN on both engines: a batch rebuild on SQLite would drop migration 0008's triggers.
    for name, kind in COLUMNS:
        op.add_column("treatment_sessions", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("treatment_sessions", name)
