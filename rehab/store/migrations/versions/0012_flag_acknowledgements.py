"""Flag acknowledgements: a clinician has reviewed a caseload flag and wrote why it can wait.

Append-only like the audit log (UPDATE, DELETE, REPLACE and TRUNCATE refused by the database). Each row keeps
the patient's data generation (``patient_changes``) it was written under: the acknowledgement holds while the
generation is unchanged and lapses on the patient's next write. The table is not watched by the
``patient_changes`` triggers, so acknowledging is not itself a change of the patient's data.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from rehab.store.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "flag_acknowledgements"
INDEX = "ix_flag_acknowledgements_patient"
POSTGRES_TRIGGERS = {
    (TABLE, f"{TABLE}_append_only"): "rehab_append_only",
    (TABLE, f"{TABLE}_no_truncate"): "rehab_append_only",
}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("flag", sa.String(32), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("acknowledged_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime, nullable=False),
    )
    # the caseload reads each patient's newest acknowledgement per flag from this index alone
    op.create_index(INDEX, TABLE, ["patient_id", "flag", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
            f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
        )
    else:  # rehab_append_only() exists since 0001
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rehab_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
