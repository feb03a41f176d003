"""Falls: record, correct and withdraw a patient's falls (ProFaNE definition); count them for the fall-risk flag.

A correction is a new version that supersedes the old one; "entered in error" is a new version with that
status and a reason. Nothing is updated or deleted, and every save is audited in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping

from rehab.domain import falls as domain
from rehab.services import audit, versions
from rehab.services.context import Actor
from rehab.services.patients import check_access, today
from rehab.store import Database, versioned
from rehab.store.tables import falls as falls_table


@dataclass(frozen=True)
class FallRecord:
    """One version of a recorded fall, as pages and exports show it."""

    id: int
    patient_id: int
    fell_on: date
    place: str
    circumstances: str
    injury: str
    injury_note: str
    reported_by: str
    status: str
    status_reason: str
    supersedes_id: int | None
    version: int
    recorded_by_name: str
    recorded_at: datetime

    @property
    def place_label(self) -> str:
        return domain.PLACE_LABELS.get(domain.Place(self.place), self.place)

    @property
    def injury_label(self) -> str:
        return domain.INJURY_LABELS.get(domain.Injury(self.injury), self.injury)

    @property
    def reported_label(self) -> str:
        return domain.REPORTED_LABELS.get(domain.ReportedBy(self.reported_by), self.reported_by)


@dataclass(frozen=True)
class FallsView:
    """A patient's current falls (newest first), every version for the history, and the counts."""

    current: list[FallRecord]
    versions: list[FallRecord]
    history: domain.FallHistory


def _record(row: RowMapping) -> FallRecord:
    return FallRecord(**{name: row[name] for name in FallRecord.__dataclass_fields__})


def new_fall_values(details: domain.FallDetails, actor: Actor, patient_id: int) -> dict[str, Any]:
    """A fall's row as stored (the form and the falls import write the same)."""
    return {
        "patient_id": patient_id,
        "fell_on": details.fell_on,
        "place": details.place.value,
        "circumstances": details.circumstances,
        "injury": details.injury.value,
        "injury_note": details.injury_note,
        "reported_by": details.reported_by.value,
        **versions.stamp(actor),
    }


def history_in(conn: Connection, patient_id: int, on: date) -> domain.FallHistory:
    rows = versioned.current(conn, falls_table, patient_id)
    return domain.fall_history((r["fell_on"] for r in rows), on)


def current_in(conn: Connection, patient_id: int) -> list[FallRecord]:
    """The patient's current falls (withdrawn ones and superseded versions left out), newest first."""
    rows = versioned.current(conn, falls_table, patient_id, order=[falls_table.c.fell_on.desc()])
    return sorted(map(_record, rows), key=lambda f: (f.fell_on, f.id), reverse=True)


def view(db: Database, actor: Actor, patient_id: int, *, on: date | None = None) -> FallsView:
    day = on or today()

    def work(conn: Connection) -> FallsView:
        check_access(conn, actor, patient_id)
        current = current_in(conn, patient_id)
        every = [_record(r) for r in versioned.history(conn, falls_table, patient_id)]
        return FallsView(current, every, domain.fall_history((f.fell_on for f in current), day))

    return db.run(work, write=False)


def record(db: Database, actor: Actor, patient_id: int, raw: Mapping[str, object]) -> int:
    """Save a new fall; ValidationErrors name each bad field and nothing is saved."""

    def work(conn: Connection) -> int:
        patient = check_access(conn, actor, patient_id)
        details = domain.parse_fall(raw, today=today(), earliest=patient.birth_date)
        fall_id = versioned.add(conn, falls_table, new_fall_values(details, actor, patient_id), replaces=None)
        audit.record(
            conn,
            actor,
            "create",
            "fall",
            fall_id,
            patient_id=patient_id,
            detail=json.dumps({"fell_on": str(details.fell_on)}),
        )
        return fall_id

    return db.run(work)


def correct(
    db: Database, actor: Actor, fall_id: int, raw: Mapping[str, object], *, expected_version: int, reason: object
) -> int:
    """A corrected fall: a new version that supersedes ``fall_id``, with the reason in its status note."""
    why = versions.reason(reason)

    def work(conn: Connection) -> int:
        old = versions.opened(conn, actor, falls_table, fall_id, expected_version)
        patient = check_access(conn, actor, old["patient_id"])
        details = domain.parse_fall(raw, today=today(), earliest=patient.birth_date)
        values = {**new_fall_values(details, actor, old["patient_id"]), "status_reason": why}
        new_id = versions.supersede(conn, falls_table, values, old)
        audit.record(
            conn, actor, "update", "fall", new_id, patient_id=old["patient_id"], detail=f"corrects #{fall_id}: {why}"
        )
        return new_id

    return db.run(work)


def mark_entered_in_error(db: Database, actor: Actor, fall_id: int, *, expected_version: int, reason: object) -> int:
    """Withdraw a fall recorded by mistake: a new version with that status; the old one stays in the history."""
    why = versions.reason(reason)

    def work(conn: Connection) -> int:
        old = versions.opened(conn, actor, falls_table, fall_id, expected_version)
        keep = ("patient_id", "fell_on", "place", "circumstances", "injury", "injury_note", "reported_by")
        values = {
            **{k: old[k] for k in keep},
            "status": versioned.ENTERED_IN_ERROR,
            "status_reason": why,
            **versions.stamp(actor),
        }
        new_id = versions.supersede(conn, falls_table, values, old)
        audit.record(
            conn,
            actor,
            "update",
            "fall",
            new_id,
            patient_id=old["patient_id"],
            detail=f"#{fall_id} entered in error: {why}",
        )
        return new_id

    return db.run(work)


CSV_COLUMNS = (
    "mrn", "fall_id", "fell_on", "place", "circumstances", "injury", "injury_note", "reported_by", "version",
    "status", "status_reason", "supersedes_id", "recorded_at", "recorded_by",
)  # fmt: skip


def csv_rows_in(conn: Connection, mrn: str, patient_id: int) -> list[dict[str, object]]:
    """Every version of every fall (corrections and withdrawals included, with their status), oldest first."""
    return [
        {
            "mrn": mrn,
            "fall_id": f.id,
            "fell_on": f.fell_on,
            "place": f.place,
            "circumstances": f.circumstances,
            "injury": f.injury,
            "injury_note": f.injury_note,
            "reported_by": f.reported_by,
            "version": f.version,
            "status": f.status,
            "status_reason": f.status_reason,
            "supersedes_id": f.supersedes_id,
            "recorded_at": f.recorded_at,
            "recorded_by": f.recorded_by_name,
        }
        for f in map(_record, versioned.history(conn, falls_table, patient_id))
    ]
