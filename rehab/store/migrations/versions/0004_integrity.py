"""MRNs unique whatever their case; audit log protected from TRUNCATE on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Two clinicians registering "DUP-1" and "dup-1" at the same moment must not both succeed: the
    # service's case-insensitive check runs before the insert, so the database holds the last line.
    op.create_index("ux_patients_mrn_lower", "patients", [sa.text("lower(mrn)")], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        # Row triggers do not fire on TRUNCATE; a statement trigger closes that path to emptying the log.
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION rehab_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.drop_index("ux_patients_mrn_lower", table_name="patients")
