"""The readiness screen asks whether pain that rose after the last session had settled by the next morning.

Pain that had not settled holds the load at the next session (pain-monitoring model, Silbernagel 2007). The
answer is optional (not asked: NULL) and kept with the session's other readings.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("treatment_sessions", sa.Column("pain_unsettled_next_morning", sa.Boolean, nullable=True))


def downgrade() -> None:
    op.drop_column("treatment_sessions", "pain_unsettled_next_morning")
