"""Table definitions; the Alembic migrations create exactly these (a test compares them)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from rehab.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("last_sign_in_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # printed in the sign-off of reports (migration 0021)
    Column("registration", String(64), nullable=False, server_default=""),
    Column("job_title", String(80), nullable=False, server_default=""),
)

patients = Table(
    "patients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mrn", String(32), nullable=False, unique=True),
    Column("given_name", String(100), nullable=False),
    Column("family_name", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(16), nullable=False),
    Column("condition", String(32), nullable=False),
    Column("event_date", Date, nullable=True),
    Column("paretic_side", String(16), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, default="active"),
    # Lower-cased "mrn given family" so name/MRN search is one indexed-friendly LIKE.
    Column("search_key", String(240), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id"), nullable=False),
    Index(None, "search_key"),
    Index(None, "family_name", "given_name"),
)
# Case-insensitive uniqueness (migration 0004): "dup-1" and "DUP-1" are the same record number.
Index("ux_patients_mrn_lower", func.lower(patients.c.mrn), unique=True)

# Each update of a patient keeps the state it replaced, so demographic edits never lose data.
patient_revisions = Table(
    "patient_revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("replaced_at", UTCDateTime, nullable=False),
    Column("replaced_by", Integer, ForeignKey("users.id"), nullable=False),
    UniqueConstraint("patient_id", "version"),
)

care_team = Table(
    "care_team",
    metadata,
    Column("patient_id", Integer, ForeignKey("patients.id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("added_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
)

# Append-only: database triggers (see the migration) refuse UPDATE and DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("username", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=True),
    Column("patient_id", Integer, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Index(None, "at"),
    Index(None, "patient_id"),
    Index(None, "user_id"),
)

# One row per measured value. Corrections add a row that supersedes the old one, whose status
# becomes "amended"; "entered_in_error" hides a row from charts but keeps it in the history.
assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("measure_key", String(32), nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("side", String(8), nullable=True),
    Column("site", String(64), nullable=True),
    Column("value", Float, nullable=False),
    Column("value_text", String(16), nullable=True),
    Column("unit", String(32), nullable=False),
    Column("items", Text, nullable=True),
    Column("trials", Text, nullable=True),
    Column("context", Text, nullable=False, default="{}"),
    Column("note", Text, nullable=False, default=""),
    Column("entry_group", String(36), nullable=False),
    Column("status", String(20), nullable=False, default="final"),
    Column("status_reason", Text, nullable=False, default=""),
    Column("supersedes_id", Integer, ForeignKey("assessments.id"), nullable=True),
    Column("assessor_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # the plausibility question the assessor confirmed for a value outside its plausible range (migration 0015)
    Column("plausibility_confirmed", Text, nullable=True),
    # answers the caseload's "newest result before/after a date" seeks from the index alone (migration 0007)
    Index("ix_assessments_caseload", "patient_id", "measure_key", "status", "taken_at", "side", "value"),
    Index(None, "entry_group"),
)

# One row per patient whose data have changed: database triggers add one to ``generation`` on every insert
# or update of the patient, their assessments, plans and sessions (migration 0008). Read-only here.
patient_changes = Table(
    "patient_changes",
    metadata,
    Column("patient_id", Integer, ForeignKey("patients.id"), primary_key=True),
    Column("generation", Integer, nullable=False),
)

# Append-only (migration 0012): a clinician's acknowledgement of one caseload flag, with a note and the
# patient's data generation it was given under; it holds until that generation moves.
flag_acknowledgements = Table(
    "flag_acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("flag", String(32), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("acknowledged_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=False),
    Index("ix_flag_acknowledgements_patient", "patient_id", "flag", "id"),
)

# Migration 0014: one row per signed-in browser. The cookie holds a random token; only its SHA-256 is kept, so
# a copy of the database signs nobody in. Rows are ended, never deleted.
browser_sessions = Table(
    "browser_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_reason", String(32), nullable=True),
    Index("ix_browser_sessions_user_id", "user_id"),
)

# Migration 0015: an identity provider's (issuer, subject) and the account it signs in as, once approved.
sso_identities = Table(
    "sso_identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issuer", String(255), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("claimed_name", String(120), nullable=False),
    Column("claimed_username", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("decision", String(120), nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("issuer", "subject", name="uq_sso_identities_issuer_subject"),
)

# Migration 0016: goals (values never change; corrections supersede) and their append-only reviews.
goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("statement", Text, nullable=False),
    Column("measure_key", String(32), nullable=True),
    Column("side", String(8), nullable=True),
    Column("target_value", Float, nullable=True),
    Column("target_date", Date, nullable=False),
    Column("gas_levels", Text, nullable=True),
    Column("baseline", Integer, nullable=True),
    Column("importance", Integer, nullable=True),
    Column("difficulty", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("status_reason", Text, nullable=False),
    Column("supersedes_id", Integer, ForeignKey("goals.id"), nullable=True),
    Column("set_on", Date, nullable=False),
    Column("set_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_goals_patient", "patient_id", "status"),
)

goal_reviews = Table(
    "goal_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("goal_id", Integer, ForeignKey("goals.id"), nullable=False),
    Column("rating", Integer, nullable=True),
    Column("note", Text, nullable=False),
    Column("reviewed_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
    Index("ix_goal_reviews_goal", "goal_id", "id"),
)

# Append-only, versioned by superseding rows (migrations 0017–0018): a correction is a new row pointing at the one
# it replaces; "entered in error" is a new version with that status. Nothing is updated or deleted.


def _versioned(table: str) -> list[Column[object]]:
    return [
        Column("status", String(20), nullable=False),
        Column("status_reason", Text, nullable=False),
        Column("supersedes_id", Integer, ForeignKey(f"{table}.id"), nullable=True, unique=True),
        Column("version", Integer, nullable=False),
        Column("recorded_by", Integer, ForeignKey("users.id"), nullable=False),
        Column("recorded_at", UTCDateTime, nullable=False),
    ]


# A fall under the ProFaNE definition (Lamb 2005 [R107]), one row per version.
falls = Table(
    "falls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("fell_on", Date, nullable=False),
    Column("place", String(16), nullable=False),
    Column("circumstances", Text, nullable=False),
    Column("injury", String(32), nullable=False),
    Column("injury_note", Text, nullable=False),
    Column("reported_by", String(32), nullable=False),
    *_versioned("falls"),
    Index("ix_falls_patient_id_fell_on", "patient_id", "fell_on"),
)

# NIHSS and upper-limb MEP status with the day found: PREP2's inputs that are not catalogue measures.
prognostic_findings = Table(
    "prognostic_findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("found_on", Date, nullable=False),
    Column("value", String(16), nullable=False),
    *_versioned("prognostic_findings"),
    Index("ix_prognostic_findings_patient_id", "patient_id"),
)

# A clinician's disagreement with a prediction, with the reason (or its withdrawal), one row per version.
prediction_reviews = Table(
    "prediction_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("tool", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    *_versioned("prediction_reviews"),
    Index("ix_prediction_reviews_patient_id", "patient_id"),
)
