"""Single sign-on identities: which account an identity provider's subject signs in as.

One row per (issuer, subject) the first time that identity signs in. It waits for an administrator
(``pending``) unless a configured group claim made the account at once; the administrator links it to an
account or refuses it. Rows change status (with a version), never disappear, so who was let in, by whom and
when stays on record beside the audit log.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "sso_identities"
POSTGRES_TRIGGERS: dict[tuple[str, str], str] = {}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("claimed_name", sa.String(120), nullable=False),
        sa.Column("claimed_username", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decision", sa.String(120), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("issuer", "subject", name="uq_sso_identities_issuer_subject"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
