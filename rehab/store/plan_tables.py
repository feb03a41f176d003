"""Tables for loading plans, treatment sessions and the clinic's own settings.

Nothing here is overwritten to lose history: a plan ends rather than being deleted, a session moves
from "in progress" to "completed" or "not performed" under a version check, and each change of load
is a new row in ``load_decisions`` (an override points at the decision it replaces).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from rehab.store.tables import metadata
from rehab.store.types import UTCDateTime

# Exercises a clinic adds to the built-in library. Immutable once added, so plans that use one stay valid.
custom_exercises = Table(
    "custom_exercises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("body_region", String(16), nullable=False),
    Column("unilateral", Boolean, nullable=False),
    Column("equipment", String(16), nullable=False),
    Column("load_step_kg", Float, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
)

# Clinic-wide settings (e.g. readiness-screen thresholds) as JSON; each save adds a version, the highest wins.
clinic_settings = Table(
    "clinic_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("value", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    UniqueConstraint("name", "version"),
)

# A patient's progressive-loading plan; the phase template is stored whole (JSON) so it stays as agreed.
plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("status", String(16), nullable=False, default="active"),
    Column("start_date", Date, nullable=False),
    Column("rule", String(16), nullable=False),
    Column("template", Text, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id"), nullable=False),
    Index(None, "patient_id", "status"),
)

# One exercise (and side) of a plan with its baseline 1RM; the exercise is kept as it was (JSON).
plan_items = Table(
    "plan_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("exercise_key", String(64), nullable=False),
    Column("exercise", Text, nullable=False),
    Column("side", String(16), nullable=True),
    Column("one_rm_kg", Float, nullable=False),
    Column("one_rm_method", String(24), nullable=False),
    Column("test_load_kg", Float, nullable=True),
    Column("test_reps", Integer, nullable=True),
    Column("low_accuracy", Boolean, nullable=False, default=False),
    Column("method_detail", Text, nullable=False, default=""),
    UniqueConstraint("plan_id", "position"),
)

# A treatment session: the readiness screen first, then the sets (or the reason it did not go ahead).
treatment_sessions = Table(
    "treatment_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("session_date", Date, nullable=False),
    Column("week", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("screen_outcome", String(8), nullable=True),
    Column("systolic_mmhg", Float, nullable=True),
    Column("diastolic_mmhg", Float, nullable=True),
    Column("resting_heart_rate_bpm", Float, nullable=True),
    Column("pain_now", Integer, nullable=True),
    Column("new_neuro_symptoms", Boolean, nullable=True),
    Column("chest_pain", Boolean, nullable=True),
    Column("unwell_or_fever", Boolean, nullable=True),
    Column("spo2_percent", Float, nullable=True),  # optional readings for the lower limits (migration 0011)
    Column("standing_systolic_mmhg", Float, nullable=True),
    Column("standing_diastolic_mmhg", Float, nullable=True),
    Column("orthostatic_symptoms", Boolean, nullable=True),
    Column("glucose_mmol_l", Float, nullable=True),
    # pain that rose after the last session had not settled by the next morning (migration 0013)
    Column("pain_unsettled_next_morning", Boolean, nullable=True),
    Column("screen_reasons", Text, nullable=False, default="[]"),
    Column("screen_thresholds", Text, nullable=False, default="{}"),
    Column("not_performed_reason", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id"), nullable=False),
    Index(None, "plan_id", "session_date"),
    Index(None, "patient_id"),
    Index(None, "patient_id", "session_date"),  # the caseload's last session and recent counts (migration 0006)
)

# The readiness screen repeated after rest (migration 0019, append-only): the second readings beside the first,
# which stay in the session's own columns. At most one per session; the session is decided by it.
screen_repeats = Table(
    "screen_repeats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("treatment_sessions.id"), nullable=False),
    Column("screen_outcome", String(8), nullable=False),
    Column("systolic_mmhg", Float, nullable=False),
    Column("diastolic_mmhg", Float, nullable=False),
    Column("resting_heart_rate_bpm", Float, nullable=False),
    Column("spo2_percent", Float, nullable=True),
    Column("standing_systolic_mmhg", Float, nullable=True),
    Column("standing_diastolic_mmhg", Float, nullable=True),
    Column("orthostatic_symptoms", Boolean, nullable=True),
    Column("rest_minutes", Integer, nullable=False),
    Column("screen_reasons", Text, nullable=False),
    Column("screen_thresholds", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    UniqueConstraint("session_id"),
)

# Each prescribed set with what was done; reps NULL means the set was prescribed but not done.
session_sets = Table(
    "session_sets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("treatment_sessions.id"), nullable=False),
    Column("plan_item_id", Integer, ForeignKey("plan_items.id"), nullable=False),
    Column("set_number", Integer, nullable=False),
    Column("prescribed_load_kg", Float, nullable=True),
    Column("prescribed_band_level", Integer, nullable=True),
    Column("target_reps", Integer, nullable=False),
    Column("load_kg", Float, nullable=True),
    Column("band_level", Integer, nullable=True),
    Column("reps", Integer, nullable=True),
    Column("effort", Float, nullable=True),
    Column("pain_during", Integer, nullable=True),
    Column("pain_after", Integer, nullable=True),
    UniqueConstraint("session_id", "plan_item_id", "set_number"),
    Index(None, "plan_item_id"),
)

# The load for the next session of one plan item and why; the newest row per item is the one in force.
load_decisions = Table(
    "load_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("plan_item_id", Integer, ForeignKey("plan_items.id"), nullable=False),
    Column("session_id", Integer, ForeignKey("treatment_sessions.id"), nullable=True),
    Column("load_kg", Float, nullable=True),
    Column("band_level", Integer, nullable=True),
    Column("previous_load_kg", Float, nullable=True),
    Column("previous_band_level", Integer, nullable=True),
    Column("action", String(16), nullable=False),
    Column("rule", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("sources", Text, nullable=False, default="[]"),
    Column("needs_confirmation", Boolean, nullable=False, default=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("confirmed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("clinician_override", Boolean, nullable=False, default=False),
    Column("override_reason", Text, nullable=False, default=""),
    Column("supersedes_id", Integer, ForeignKey("load_decisions.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    # The load in force has reached the ceiling relative to the latest 1RM: hold and re-test (migration 0010).
    Column("retest_due", Boolean, nullable=False, default=False, server_default=false()),
    Index(None, "plan_item_id", "id"),
    Index(None, "plan_id"),
    Index(
        "ix_load_decisions_retest_due",
        "session_id",
        sqlite_where=text("retest_due = 1"),
        postgresql_where=text("retest_due"),
    ),
)
