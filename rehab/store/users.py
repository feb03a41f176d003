"""SQL for accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from rehab.store.tables import users


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: str
    password_hash: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    last_sign_in_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


def _record(row: object) -> UserRecord:
    return UserRecord(**row._mapping)  # type: ignore[attr-defined]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def by_username(conn: Connection, username: str) -> UserRecord | None:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return _record(row) if row else None


def by_id(conn: Connection, user_id: int) -> UserRecord | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _record(row) if row else None


def all_users(conn: Connection) -> list[UserRecord]:
    return [_record(r) for r in conn.execute(select(users).order_by(users.c.username))]


def add(conn: Connection, *, username: str, display_name: str, role: str, password_hash: str, now: datetime) -> int:
    result = conn.execute(
        insert(users).values(
            username=username,
            display_name=display_name,
            role=role,
            password_hash=password_hash,
            active=True,
            failed_attempts=0,
            created_at=now,
            updated_at=now,
            version=1,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def set_fields(conn: Connection, user_id: int, *, now: datetime, bump_version: bool = True, **fields: object) -> None:
    values: dict[str, object] = dict(fields, updated_at=now)
    if bump_version:
        values["version"] = users.c.version + 1
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def record_failure(conn: Connection, user_id: int, *, failed_attempts: int, locked_until: datetime | None) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(failed_attempts=failed_attempts, locked_until=locked_until)
    )


def record_success(conn: Connection, user_id: int, *, now: datetime, password_hash: str | None) -> None:
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, "last_sign_in_at": now}
    if password_hash:
        values["password_hash"] = password_hash
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def display_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.display_name for r in conn.execute(select(users.c.id, users.c.display_name))}
