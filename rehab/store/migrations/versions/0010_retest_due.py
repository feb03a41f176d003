"""Load decisions say when the load in force has reached the ceiling relative to the latest 1RM.

The engine holds the load there and asks for a re-test (80 % of the latest 1RM unless the clinician wrote a
reason; AHA/ASA, Billinger 2014); the caseload's re-test flag reads it from the decisions of each patient's
newest session, through a small partial index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "ix_load_decisions_retest_due"


def upgrade() -> None:
    op.add_column("load_decisions", sa.Column("retest_due", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index(
        INDEX,
        "load_decisions",
        ["session_id"],
        sqlite_where=sa.text("retest_due = 1"),
        postgresql_where=sa.text("retest_due"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="load_decisions")
    op.drop_column("load_decisions", "retest_due")
