"""Tables for session summaries: the clinician's note on a treatment session.

A note is never overwritten: each save adds a row, the newest is the one shown and exported, and the
earlier wording stays readable.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text

from rehab.store.tables import metadata
from rehab.store.types import UTCDateTime

session_notes = Table(
    "session_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("treatment_sessions.id"), nullable=False),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Index(None, "session_id", "id"),
)
