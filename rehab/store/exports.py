"""SQL for exports and imports: session notes, a patient's sessions across plans, and finding a patient by MRN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, and_, func, insert, select

from rehab.store.export_tables import session_notes
from rehab.store.plan_tables import load_decisions, session_sets, treatment_sessions
from rehab.store.plans import DecisionRecord, SessionRecord, SetRecord, _decision_query, _session_query
from rehab.store.records import inserted_id
from rehab.store.tables import patients, users


@dataclass(frozen=True)
class NoteRecord:
    id: int
    session_id: int
    patient_id: int
    note: str
    created_at: datetime
    created_by: int
    created_by_name: str


def add_note(conn: Connection, *, session_id: int, patient_id: int, note: str, user_id: int, now: datetime) -> int:
    result = conn.execute(
        insert(session_notes).values(
            session_id=session_id, patient_id=patient_id, note=note, created_at=now, created_by=user_id
        )
    )
    return inserted_id(result)


def notes(conn: Connection, session_id: int) -> list[NoteRecord]:
    """Every saved wording of a session's note, oldest first (the last one is in force)."""
    query = (
        select(session_notes, users.c.display_name.label("created_by_name"))
        .join(users, users.c.id == session_notes.c.created_by)
        .where(session_notes.c.session_id == session_id)
        .order_by(session_notes.c.id)
    )
    return [NoteRecord(**r._mapping) for r in conn.execute(query)]


def patient_id_by_mrn(conn: Connection, mrn: str) -> int | None:
    """MRNs are unique whatever their case (migration 0004), so the lookup ignores case too."""
    row = conn.execute(select(patients.c.id).where(func.lower(patients.c.mrn) == mrn.strip().lower())).first()
    return int(row.id) if row else None


def patient_sessions(
    conn: Connection, patient_id: int, *, since: date | None = None, until: date | None = None
) -> list[SessionRecord]:
    """A patient's treatment sessions across all plans, oldest first, optionally within dates (inclusive)."""
    query = _session_query().where(treatment_sessions.c.patient_id == patient_id)
    if since is not None:
        query = query.where(treatment_sessions.c.session_date >= since)
    if until is not None:
        query = query.where(treatment_sessions.c.session_date <= until)
    query = query.order_by(treatment_sessions.c.session_date, treatment_sessions.c.id)
    return [SessionRecord(**r._mapping) for r in conn.execute(query)]


def session_sets_of(conn: Connection, session_id: int) -> list[SetRecord]:
    query = (
        select(session_sets)
        .where(session_sets.c.session_id == session_id)
        .order_by(session_sets.c.plan_item_id, session_sets.c.set_number)
    )
    return [SetRecord(**r._mapping) for r in conn.execute(query)]


def decisions_after(conn: Connection, session_id: int) -> dict[int, DecisionRecord]:
    """The newest load decision per plan item made for the session after ``session_id``."""
    newest = (
        select(func.max(load_decisions.c.id))
        .where(load_decisions.c.session_id == session_id)
        .group_by(load_decisions.c.plan_item_id)
    )
    query = _decision_query().where(and_(load_decisions.c.id.in_(newest)))
    return {int(r.plan_item_id): DecisionRecord(**r._mapping) for r in conn.execute(query)}


def user_name(conn: Connection, user_id: int) -> str:
    row = conn.execute(select(users.c.display_name).where(users.c.id == user_id)).first()
    return str(row.display_name) if row else f"#{user_id}"
