"""An assessment value outside its measure's plausible range keeps the assessor's confirmation beside it.

The plausible range is a data-entry sanity bound (rehab.domain.measures.plausibility); a value outside it is
saved only after the assessor answers "yes, this is right", and that answer (the question as asked) is kept
with the value, shown in the history and exported. NULL for every value inside its range and for rows
recorded before this revision.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("plausibility_confirmed", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("assessments", "plausibility_confirmed")
