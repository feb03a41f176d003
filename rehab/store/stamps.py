"""A patient's data stamp: a handful of aggregates that change whenever anything their dashboard shows changes.

Rows here are only ever added or updated under a version column (records are never deleted), so for each
table the count, the newest id and the sum of versions together move on every insert and every update.
Read in one statement (index seeks on the patient's own rows), it lets a prepared view be reused until the
data behind it change, on every replica, since each reader asks the database rather than trusting a
process-local notice of writes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from rehab.store.plan_tables import clinic_settings, plans, treatment_sessions
from rehab.store.tables import assessments, goals, patients, users


def _aggregates(table: Any, patient_id: int) -> list[Any]:
    where = table.c.patient_id == patient_id
    return [
        select(func.count()).select_from(table).where(where).scalar_subquery(),
        select(func.max(table.c.id)).where(where).scalar_subquery(),
        select(func.sum(table.c.version)).where(where).scalar_subquery(),
    ]


def patient_stamp(conn: Connection, patient_id: int) -> tuple[Any, ...]:
    """Changes when the patient's record, assessments, plans, sessions or goals change (a session's sets are saved
    with a version step of the session), when clinic settings gain a version, or when an account (whose
    name shows as assessor) is edited."""
    query = select(
        select(patients.c.version).where(patients.c.id == patient_id).scalar_subquery(),
        *_aggregates(assessments, patient_id),
        *_aggregates(plans, patient_id),
        *_aggregates(treatment_sessions, patient_id),
        *_aggregates(goals, patient_id),  # goals are drawn on the charts (a status change steps the version)
        select(func.max(clinic_settings.c.id)).scalar_subquery(),
        select(func.max(users.c.updated_at)).scalar_subquery(),
    )
    row = conn.execute(query).one()
    return tuple(row)
