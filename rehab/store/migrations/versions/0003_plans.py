"""Loading plans, treatment sessions, load decisions, custom exercises and clinic settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "custom_exercises",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("body_region", sa.String(16), nullable=False),
        sa.Column("unilateral", sa.Boolean, nullable=False),
        sa.Column("equipment", sa.String(16), nullable=False),
        sa.Column("load_step_kg", sa.Float, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custom_exercises"),
        sa.UniqueConstraint("key", name="uq_custom_exercises_key"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_custom_exercises_created_by_users"),
    )
    op.create_table(
        "clinic_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_settings"),
        sa.UniqueConstraint("name", "version", name="uq_clinic_settings_name_version"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_clinic_settings_created_by_users"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_plans_patient_id_patients"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_plans_created_by_users"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name="fk_plans_updated_by_users"),
    )
    op.create_index("ix_plans_patient_id_status", "plans", ["patient_id", "status"])
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("exercise_key", sa.String(64), nullable=False),
        sa.Column("exercise", sa.Text, nullable=False),
        sa.Column("side", sa.String(16), nullable=True),
        sa.Column("one_rm_kg", sa.Float, nullable=False),
        sa.Column("one_rm_method", sa.String(24), nullable=False),
        sa.Column("test_load_kg", sa.Float, nullable=True),
        sa.Column("test_reps", sa.Integer, nullable=True),
        sa.Column("low_accuracy", sa.Boolean, nullable=False),
        sa.Column("method_detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_items"),
        sa.UniqueConstraint("plan_id", "position", name="uq_plan_items_plan_id_position"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_plan_items_plan_id_plans"),
    )
    op.create_table(
        "treatment_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("session_date", sa.Date, nullable=False),
        sa.Column("week", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("screen_outcome", sa.String(8), nullable=True),
        sa.Column("systolic_mmhg", sa.Float, nullable=True),
        sa.Column("diastolic_mmhg", sa.Float, nullable=True),
        sa.Column("resting_heart_rate_bpm", sa.Float, nullable=True),
        sa.Column("pain_now", sa.Integer, nullable=True),
        sa.Column("new_neuro_symptoms", sa.Boolean, nullable=True),
        sa.Column("chest_pain", sa.Boolean, nullable=True),
        sa.Column("unwell_or_fever", sa.Boolean, nullable=True),
        sa.Column("screen_reasons", sa.Text, nullable=False),
        sa.Column("screen_thresholds", sa.Text, nullable=False),
        sa.Column("not_performed_reason", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_treatment_sessions"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_treatment_sessions_plan_id_plans"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_treatment_sessions_patient_id_patients"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_treatment_sessions_created_by_users"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name="fk_treatment_sessions_updated_by_users"),
    )
    op.create_index("ix_treatment_sessions_plan_id_session_date", "treatment_sessions", ["plan_id", "session_date"])
    op.create_index("ix_treatment_sessions_patient_id", "treatment_sessions", ["patient_id"])
    op.create_table(
        "session_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("plan_item_id", sa.Integer, nullable=False),
        sa.Column("set_number", sa.Integer, nullable=False),
        sa.Column("prescribed_load_kg", sa.Float, nullable=True),
        sa.Column("prescribed_band_level", sa.Integer, nullable=True),
        sa.Column("target_reps", sa.Integer, nullable=False),
        sa.Column("load_kg", sa.Float, nullable=True),
        sa.Column("band_level", sa.Integer, nullable=True),
        sa.Column("reps", sa.Integer, nullable=True),
        sa.Column("effort", sa.Float, nullable=True),
        sa.Column("pain_during", sa.Integer, nullable=True),
        sa.Column("pain_after", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_session_sets"),
        sa.UniqueConstraint(
            "session_id", "plan_item_id", "set_number", name="uq_session_sets_session_id_plan_item_id_set_number"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["treatment_sessions.id"], name="fk_session_sets_session_id_treatment_sessions"
        ),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_items.id"], name="fk_session_sets_plan_item_id_plan_items"),
    )
    op.create_index("ix_session_sets_plan_item_id", "session_sets", ["plan_item_id"])
    op.create_table(
        "load_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, nullable=False),
        sa.Column("plan_item_id", sa.Integer, nullable=False),
        sa.Column("session_id", sa.Integer, nullable=True),
        sa.Column("load_kg", sa.Float, nullable=True),
        sa.Column("band_level", sa.Integer, nullable=True),
        sa.Column("previous_load_kg", sa.Float, nullable=True),
        sa.Column("previous_band_level", sa.Integer, nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("needs_confirmation", sa.Boolean, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("confirmed_by", sa.Integer, nullable=True),
        sa.Column("clinician_override", sa.Boolean, nullable=False),
        sa.Column("override_reason", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_load_decisions"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_load_decisions_plan_id_plans"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["plan_items.id"], name="fk_load_decisions_plan_item_id_plan_items"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["treatment_sessions.id"], name="fk_load_decisions_session_id_treatment_sessions"
        ),
        sa.ForeignKeyConstraint(["confirmed_by"], ["users.id"], name="fk_load_decisions_confirmed_by_users"),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["load_decisions.id"], name="fk_load_decisions_supersedes_id_load_decisions"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_load_decisions_created_by_users"),
    )
    op.create_index("ix_load_decisions_plan_item_id_id", "load_decisions", ["plan_item_id", "id"])
    op.create_index("ix_load_decisions_plan_id", "load_decisions", ["plan_id"])


def downgrade() -> None:
    for table in (
        "load_decisions",
        "session_sets",
        "treatment_sessions",
        "plan_items",
        "plans",
        "clinic_settings",
        "custom_exercises",
    ):
        op.drop_table(table)
