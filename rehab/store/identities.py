"""SQL for single sign-on identities (migration 0015): added once, their status decided, never deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from rehab.store.records import inserted_id
from rehab.store.tables import sso_identities


@dataclass(frozen=True)
class IdentityRecord:
    id: int
    issuer: str
    subject: str
    claimed_name: str
    claimed_username: str
    status: str
    user_id: int | None
    first_seen_at: datetime
    decided_at: datetime | None
    decided_by: int | None
    decision: str | None
    version: int


def _record(row: Row[Any]) -> IdentityRecord:
    return IdentityRecord(**row._mapping)


def find(conn: Connection, issuer: str, subject: str) -> IdentityRecord | None:
    row = conn.execute(
        select(sso_identities).where(sso_identities.c.issuer == issuer, sso_identities.c.subject == subject)
    ).first()
    return _record(row) if row else None


def by_id(conn: Connection, identity_id: int) -> IdentityRecord | None:
    row = conn.execute(select(sso_identities).where(sso_identities.c.id == identity_id)).first()
    return _record(row) if row else None


def all_identities(conn: Connection) -> list[IdentityRecord]:
    return [_record(r) for r in conn.execute(select(sso_identities).order_by(sso_identities.c.id))]


def add(
    conn: Connection,
    *,
    issuer: str,
    subject: str,
    claimed_name: str,
    claimed_username: str,
    status: str,
    user_id: int | None,
    now: datetime,
    decision: str | None = None,
) -> int:
    result = conn.execute(
        insert(sso_identities).values(
            issuer=issuer,
            subject=subject,
            claimed_name=claimed_name,
            claimed_username=claimed_username,
            status=status,
            user_id=user_id,
            first_seen_at=now,
            decided_at=now if decision else None,
            decision=decision,
            version=1,
        )
    )
    return inserted_id(result)


def decide(
    conn: Connection,
    identity_id: int,
    *,
    expected_version: int,
    status: str,
    user_id: int | None,
    decided_by: int,
    decision: str,
    now: datetime,
) -> bool:
    """Set the status an administrator chose; False when someone else decided first (the version moved)."""
    result = conn.execute(
        update(sso_identities)
        .where(sso_identities.c.id == identity_id, sso_identities.c.version == expected_version)
        .values(
            status=status,
            user_id=user_id,
            decided_by=decided_by,
            decided_at=now,
            decision=decision[:120],
            version=sso_identities.c.version + 1,
        )
    )
    return bool(result.rowcount)
