"""Accounts, patients, care teams and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("last_sign_in_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mrn", sa.String(32), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("condition", sa.String(32), nullable=False),
        sa.Column("event_date", sa.Date, nullable=True),
        sa.Column("paretic_side", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("search_key", sa.String(240), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("mrn", name="uq_patients_mrn"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_patients_created_by_users"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name="fk_patients_updated_by_users"),
    )
    op.create_index("ix_patients_search_key", "patients", ["search_key"])
    op.create_index("ix_patients_family_name_given_name", "patients", ["family_name", "given_name"])
    op.create_table(
        "patient_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("replaced_at", TS, nullable=False),
        sa.Column("replaced_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patient_revisions"),
        sa.UniqueConstraint("patient_id", "version", name="uq_patient_revisions_patient_id_version"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_patient_revisions_patient_id_patients"),
        sa.ForeignKeyConstraint(["replaced_by"], ["users.id"], name="fk_patient_revisions_replaced_by_users"),
    )
    op.create_table(
        "care_team",
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("patient_id", "user_id", name="pk_care_team"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_care_team_patient_id_patients"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_care_team_user_id_users"),
    )
    op.create_index("ix_care_team_user_id", "care_team", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("patient_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_patient_id", "audit_log", ["patient_id"])
    op.create_index("ix_audit_log_user_id", "audit_log", ["user_id"])
    _append_only("audit_log")


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE at the database, whatever code or tool connects."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION rehab_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rehab_append_only()"
        )


def downgrade() -> None:
    for table in ("audit_log", "care_team", "patient_revisions", "patients", "users"):
        op.drop_table(table)
