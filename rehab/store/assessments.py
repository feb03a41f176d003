"""SQL for assessments: insert, read a patient's history, and change a row's status (never its values)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, insert, select, update

from rehab.store import bulk
from rehab.store.records import inserted_id, records
from rehab.store.tables import assessments, users


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    patient_id: int
    measure_key: str
    taken_at: datetime
    side: str | None
    site: str | None
    value: float
    value_text: str | None
    unit: str
    items: list[float] | None
    trials: list[float] | None
    context: dict[str, Any]
    note: str
    entry_group: str
    status: str
    status_reason: str
    supersedes_id: int | None
    assessor_id: int
    assessor_name: str
    created_at: datetime
    version: int
    plausibility_confirmed: str | None = None
    """Set when the value was outside its measure's plausible range and the assessor confirmed it as typed."""


_FIELDS = tuple(f.name for f in dataclasses.fields(AssessmentRecord))


def _decoded(*values: Any) -> AssessmentRecord:
    """A record from column values in field order, with its JSON columns decoded."""
    data = dict(zip(_FIELDS, values, strict=True))
    data["items"] = json.loads(data["items"]) if data["items"] else None
    data["trials"] = json.loads(data["trials"]) if data["trials"] else None
    data["context"] = json.loads(data["context"] or "{}")
    return AssessmentRecord(**data)


def _record(row: Any) -> AssessmentRecord:
    columns = row._mapping
    return _decoded(*(columns[name] for name in _FIELDS))


def _select() -> Select[Any]:
    return select(assessments, users.c.display_name.label("assessor_name")).join(
        users, users.c.id == assessments.c.assessor_id
    )


def add(conn: Connection, row: dict[str, Any]) -> int:
    values = dict(row)
    for key in ("items", "trials"):
        values[key] = json.dumps(values[key]) if values.get(key) is not None else None
    values["context"] = json.dumps(values.get("context") or {}, sort_keys=True)
    result = conn.execute(insert(assessments).values(**values))
    return inserted_id(result)


def values_in_span(
    conn: Connection,
    patient_id: int,
    *,
    measure_keys: list[str],
    since: datetime,
    until: datetime,
    statuses: tuple[str, ...],
) -> list[tuple[str, datetime, str | None, str | None, float]]:
    """(measure, taken at, side, site, value) of a patient's results in ``[since, until)``: only what a duplicate
    check compares, read over the (patient, measure, status, taken_at) index, so checking a file costs what the
    file spans, not the patient's whole history."""
    query = select(
        assessments.c.measure_key, assessments.c.taken_at, assessments.c.side, assessments.c.site, assessments.c.value
    ).where(
        and_(
            assessments.c.patient_id == patient_id,
            assessments.c.measure_key.in_(measure_keys),
            assessments.c.status.in_(statuses),
            assessments.c.taken_at >= since,
            assessments.c.taken_at < until,
        )
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(query)]


def get(conn: Connection, assessment_id: int) -> AssessmentRecord | None:
    row = conn.execute(_select().where(assessments.c.id == assessment_id)).first()
    return _record(row) if row else None


def for_patient(
    conn: Connection,
    patient_id: int,
    *,
    measure_keys: list[str] | None = None,
    statuses: tuple[str, ...] | None = None,
    until: datetime | None = None,
) -> list[AssessmentRecord]:
    """A patient's assessments, oldest first."""
    query = _select().where(assessments.c.patient_id == patient_id)
    if measure_keys:
        query = query.where(assessments.c.measure_key.in_(measure_keys))
    if statuses:
        query = query.where(assessments.c.status.in_(statuses))
    if until is not None:
        query = query.where(assessments.c.taken_at <= until)
    query = query.order_by(assessments.c.taken_at, assessments.c.id)
    return records(conn.execute(query), _decoded, _FIELDS)


def in_group(conn: Connection, entry_group: str) -> list[AssessmentRecord]:
    query = _select().where(assessments.c.entry_group == entry_group).order_by(assessments.c.id)
    return [_record(r) for r in conn.execute(query)]


def set_status_if_version(
    conn: Connection, assessment_id: int, *, expected_version: int, status: str, reason: str
) -> bool:
    """Mark a row amended or entered in error; refused if it changed since ``expected_version``."""
    result = conn.execute(
        update(assessments)
        .where(
            and_(
                assessments.c.id == assessment_id,
                assessments.c.version == expected_version,
                assessments.c.status == "final",
            )
        )
        .values(status=status, status_reason=reason, version=expected_version + 1)
    )
    return result.rowcount == 1


def add_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Bulk insert (demo data, imports), same encoding as ``add``."""
    if not rows:
        return
    prepared = []
    for row in rows:
        values = dict(row)
        for key in ("items", "trials"):
            values[key] = json.dumps(values[key]) if values.get(key) is not None else None
        values["context"] = json.dumps(values.get("context") or {}, sort_keys=True)
        prepared.append(values)
    bulk.insert_rows(conn, assessments, prepared)
