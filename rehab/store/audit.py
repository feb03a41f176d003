"""SQL for the append-only audit log: this module only inserts and reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from rehab.store.tables import audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: str | None
    patient_id: int | None
    detail: str


def append(
    conn: Connection,
    *,
    at: datetime,
    user_id: int | None,
    username: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    patient_id: int | None = None,
    detail: str = "",
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at,
            user_id=user_id,
            username=username[:64],
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            patient_id=patient_id,
            detail=detail,
        )
    )


def search(
    conn: Connection,
    *,
    username: str | None = None,
    action: str | None = None,
    patient_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    query = select(audit_log)
    if username:
        query = query.where(audit_log.c.username == username)
    if action:
        query = query.where(audit_log.c.action == action)
    if patient_id is not None:
        query = query.where(audit_log.c.patient_id == patient_id)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    query = query.order_by(audit_log.c.id.desc()).limit(limit)
    return [AuditEntry(**r._mapping) for r in conn.execute(query)]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())
