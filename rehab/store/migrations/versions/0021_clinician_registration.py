"""The clinician's professional registration and job title, printed in the sign-off of every report.

A registration (e.g. HCPC PH123456) is what lets a reader check who signed; both are empty for accounts made
before this revision until the clinician or an administrator fills them in.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("registration", sa.String(64), nullable=False, server_default=""))
    op.add_column("users", sa.Column("job_title", sa.String(80), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("users", "job_title")
    op.drop_column("users", "registration")
