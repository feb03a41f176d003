"""Registering, finding, opening, editing and archiving patients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.patients import PatientDetails, validate_patient
from rehab.domain.text import identity_key
from rehab.services import audit
from rehab.services.context import AccessDenied, Actor, ConflictError, NotFound, now_utc
from rehab.store import Database
from rehab.store import patients as patient_store
from rehab.store import users as user_store
from rehab.store.patients import PatientRecord


@dataclass(frozen=True)
class PatientView:
    record: PatientRecord
    team: list[tuple[int, str]]


def today() -> date:
    return now_utc().date()


def check_access(conn: Connection, actor: Actor, patient_id: int) -> PatientRecord:
    """The patient, if the actor may see them: admins see all, clinicians their care team only."""
    record = patient_store.get(conn, patient_id)
    if record is None:
        raise NotFound("No such patient.")
    if not actor.is_admin and not patient_store.on_team(conn, patient_id, actor.user_id):
        raise AccessDenied("This patient is not on your care team.")
    return record


def _validated(
    conn: Connection, data: dict[str, Any], *, except_id: int | None, current_mrn: str | None = None
) -> PatientDetails:
    """All field errors at once, including an MRN already in use. A new or changed MRN is locked first (see
    ``patient_store.lock_mrn``); an edit that keeps ``current_mrn`` claims nothing new and takes no lock."""
    errors: list[ValidationError] = []
    details: PatientDetails | None = None
    try:
        details = validate_patient(data, today=today())
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    raw_mrn = data.get("mrn")
    mrn = " ".join(raw_mrn.split()) if isinstance(raw_mrn, str) else ""
    claims = current_mrn is None or identity_key(mrn) != identity_key(current_mrn)
    if mrn and claims and "mrn" not in {e.field for e in errors}:
        patient_store.lock_mrn(conn, mrn)
    if mrn and "mrn" not in {e.field for e in errors} and patient_store.mrn_taken(conn, mrn, except_id=except_id):
        errors.append(ValidationError("mrn", f"MRN {mrn} is already used by another patient."))
    if errors or details is None:
        raise ValidationErrors(errors)
    return details


T = TypeVar("T")


def _saving_mrn(db: Database, work: Callable[[Connection], T], data: dict[str, Any]) -> T:
    """Run ``work``; when a concurrent save took the MRN between our check and our insert, the database's
    unique index refuses it and the clinician gets the same field message as for any MRN in use."""
    try:
        return db.run(work)
    except IntegrityError as exc:
        if "mrn" not in str(exc.orig).lower():
            raise
        mrn = " ".join(str(data.get("mrn", "")).split())
        raise ValidationErrors([ValidationError("mrn", f"MRN {mrn} is already used by another patient.")]) from None


def _team_ids(
    conn: Connection,
    actor: Actor,
    requested: list[int] | None,
    current: set[int],
    *,
    registered_by: int | None = None,
) -> set[int]:
    """The care team to save. Refused: unknown or inactive accounts added; an empty team, or one left with no
    active member; a clinician taking the registering clinician off (only an administrator may)."""
    users = {u.id: u for u in user_store.all_users(conn)}
    known = {uid for uid, u in users.items() if u.active}
    team = set(current if requested is None else requested)
    unknown = team - known - current
    if unknown:
        raise ValidationErrors([ValidationError("care_team", "The care team includes an unknown or inactive account.")])
    if not actor.is_admin:
        team.add(actor.user_id)  # a clinician never removes themselves from a patient they are editing
    if not team:
        raise ValidationErrors([ValidationError("care_team", "Add at least one clinician to the care team.")])
    removed = current - team
    if removed and not actor.is_admin and registered_by in removed:
        name = users[registered_by].display_name if registered_by in users else f"#{registered_by}"
        raise ValidationErrors(
            [
                ValidationError(
                    "care_team",
                    f"{name} registered this patient; only an administrator can take them off the care team.",
                )
            ]
        )
    if removed and not team & known:
        raise ValidationErrors([ValidationError("care_team", "The care team must keep at least one active clinician.")])
    return team


def _members(conn: Connection, ids: tuple[int, ...]) -> str:
    names = user_store.display_names(conn)
    return ", ".join(f"{names.get(uid, 'unknown account')} (#{uid})" for uid in ids) or "nobody"


def _team_detail(conn: Connection, change: patient_store.TeamChange) -> str:
    """The audit text of a care-team change: who was added, who was removed, and who is on it now."""
    parts = []
    if change.added:
        parts.append(f"added {_members(conn, change.added)}")
    if change.removed:
        parts.append(f"removed {_members(conn, change.removed)}")
    parts.append(f"now {_members(conn, change.after)}")
    return "care team: " + "; ".join(parts)


def register(db: Database, actor: Actor, data: dict[str, Any], *, care_team: list[int] | None = None) -> int:
    """Create a patient; the registering clinician joins the care team."""

    def work(conn: Connection) -> int:
        details = _validated(conn, data, except_id=None)
        team = _team_ids(conn, actor, care_team, {actor.user_id})
        now = now_utc()
        patient_id = patient_store.add(
            conn, details.as_dict(), search_key=details.search_key, user_id=actor.user_id, now=now
        )
        change = patient_store.set_team(conn, patient_id, team, now=now)
        audit.record(
            conn,
            actor,
            "create",
            "patient",
            patient_id,
            patient_id=patient_id,
            detail=_team_detail(conn, change),
            at=now,
        )
        return patient_id

    return _saving_mrn(db, work, data)


def open_record(db: Database, actor: Actor, patient_id: int, *, audit_view: bool = True) -> PatientView:
    """Read a patient's record; each opening is written to the audit log (page reruns pass audit_view=False)."""

    def work(conn: Connection) -> PatientView:
        record = check_access(conn, actor, patient_id)
        names = user_store.display_names(conn)
        team = [(uid, names.get(uid, f"#{uid}")) for uid in patient_store.team(conn, patient_id)]
        if audit_view:
            audit.record(conn, actor, "view", "patient", patient_id, patient_id=patient_id)
        return PatientView(record=record, team=team)

    return db.run(work, write=audit_view)


def _conflict_message(conn: Connection, patient_id: int) -> str:
    latest = patient_store.get(conn, patient_id)
    if latest is None:
        return "This patient record no longer exists."
    when = latest.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{latest.updated_by_name} changed this record at {when} after you opened it. "
        "Your changes were not saved; reopen the record to see theirs, then apply yours again."
    )


def update(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    expected_version: int,
    data: dict[str, Any],
    care_team: list[int] | None = None,
) -> int:
    """Save an edit made on ``expected_version``; refused if someone saved in between. Returns the new version."""

    def work(conn: Connection) -> int:
        current = check_access(conn, actor, patient_id)
        if current.status != "active":
            raise ValidationErrors([ValidationError("status", "Archived records cannot be edited; restore it first.")])
        details = _validated(conn, data, except_id=patient_id, current_mrn=current.mrn)
        team = _team_ids(
            conn, actor, care_team, set(patient_store.team(conn, patient_id)), registered_by=current.created_by
        )
        now = now_utc()
        values = dict(details.as_dict(), search_key=details.search_key)
        if not patient_store.update_if_version(
            conn, patient_id, expected_version=expected_version, values=values, user_id=actor.user_id, now=now
        ):
            raise ConflictError(_conflict_message(conn, patient_id))
        change = patient_store.set_team(conn, patient_id, team, now=now)
        changed = ", ".join(sorted(k for k, v in details.as_dict().items() if getattr(current, k) != v))
        if change.changed:
            changed = "; ".join(filter(None, [changed, _team_detail(conn, change)]))
        audit.record(conn, actor, "update", "patient", patient_id, patient_id=patient_id, detail=changed, at=now)
        return expected_version + 1

    return _saving_mrn(db, work, data)


def set_archived(db: Database, actor: Actor, patient_id: int, *, expected_version: int, archived: bool) -> None:
    """Archive hides a patient from lists; nothing is deleted and it can be restored."""

    def work(conn: Connection) -> None:
        check_access(conn, actor, patient_id)
        status = "archived" if archived else "active"
        if not patient_store.update_if_version(
            conn,
            patient_id,
            expected_version=expected_version,
            values={"status": status},
            user_id=actor.user_id,
            now=now_utc(),
        ):
            raise ConflictError(_conflict_message(conn, patient_id))
        audit.record(conn, actor, "archive" if archived else "restore", "patient", patient_id, patient_id=patient_id)

    db.run(work)


def search(
    db: Database, actor: Actor, text: str = "", *, include_archived: bool = False, limit: int = 50, offset: int = 0
) -> list[PatientRecord]:
    visible_to = None if actor.is_admin else actor.user_id
    return db.run(
        lambda conn: patient_store.search(
            conn, text or "", visible_to=visible_to, include_archived=include_archived, limit=limit, offset=offset
        ),
        write=False,
    )


def count(db: Database, actor: Actor) -> int:
    visible_to = None if actor.is_admin else actor.user_id
    return db.run(lambda conn: patient_store.count_visible(conn, visible_to=visible_to), write=False)


def revisions(db: Database, actor: Actor, patient_id: int) -> list[dict[str, Any]]:
    """Earlier versions, newest first; each snapshot's ``care_team`` (user ids, absent in versions replaced
    before teams were kept) is also given as ``care_team_names``."""

    def work(conn: Connection) -> list[dict[str, Any]]:
        check_access(conn, actor, patient_id)
        names = user_store.display_names(conn)
        out = patient_store.revisions(conn, patient_id)
        for rev in out:
            ids = rev["snapshot"].get("care_team")
            rev["care_team_names"] = None if ids is None else [names.get(uid, f"#{uid}") for uid in ids]
        return out

    return db.run(work, write=False)
