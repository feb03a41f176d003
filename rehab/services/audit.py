"""Writing and reading the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from rehab.services.context import AccessDenied, Actor, now_utc
from rehab.store import Database
from rehab.store import audit as audit_store
from rehab.store.audit import AuditEntry

ACTIONS = (
    "create",
    "update",
    "archive",
    "restore",
    "view",
    "export",
    "sign-in",
    "sign-in failed",
    "lockout",
    "sign-out",
)


def record(
    conn: Connection,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    *,
    patient_id: int | None = None,
    detail: str = "",
    username: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry inside the caller's transaction, so the record and its audit commit together."""
    audit_store.append(
        conn,
        at=at or now_utc(),
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else (username or "unknown"),
        action=action,
        entity=entity,
        entity_id=entity_id,
        patient_id=patient_id,
        detail=detail,
    )


def entries(
    db: Database,
    actor: Actor,
    *,
    username: str | None = None,
    action: str | None = None,
    patient_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    if not actor.is_admin:
        raise AccessDenied("Only administrators can read the audit log.")
    return db.run(
        lambda conn: audit_store.search(
            conn, username=username, action=action, patient_id=patient_id, since=since, until=until, limit=limit
        ),
        write=False,
    )
