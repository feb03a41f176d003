"""SQLite: an audit entry cannot be replaced by inserting another row with its id.

``INSERT OR REPLACE`` (and ``REPLACE INTO``) resolve the primary-key conflict by deleting the old row, and
SQLite fires no DELETE trigger for that delete unless ``recursive_triggers`` is on. The app's connections
turn it on, but another tool's connection need not; this trigger refuses the insert itself, whatever the
connection's settings. (An ``ON CONFLICT DO UPDATE`` upsert already meets the UPDATE trigger.) PostgreSQL
has no REPLACE; its upsert is an UPDATE, refused by ``audit_log_append_only``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log",)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
