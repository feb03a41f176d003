"""Browser sessions: a signed-in browser holds a random token in an HttpOnly cookie; only its hash is stored.

A row is never deleted: it is ended (sign-out, idle time-out, deactivation, absolute lifetime) by setting
``ended_at``, so who was signed in from when to when stays on record beside the audit log.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "browser_sessions"
POSTGRES_TRIGGERS: dict[tuple[str, str], str] = {}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_browser_sessions_token_hash"),
    )
    op.create_index("ix_browser_sessions_user_id", TABLE, ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_browser_sessions_user_id", table_name=TABLE)
    op.drop_table(TABLE)
