"""SQL for accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, case, func, insert, literal, null, or_, select, text, update

from rehab.store.records import inserted_id
from rehab.store.tables import users
from rehab.store.types import UTCDateTime


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
    registration: str = ""
    job_title: str = ""


def _record(row: Row[Any]) -> UserRecord:
    return UserRecord(**row._mapping)


# The key of the PostgreSQL advisory lock that account changes guarded by a check take (any fixed bigint
# unused elsewhere in the app; "rehabacc" in ASCII).
ACCOUNTS_LOCK_KEY = 0x7265_6861_6261_6363


def lock_accounts(conn: Connection) -> None:
    """Hold the account-administration lock until the transaction ends, before a check that guards a write
    (the last active administrator, the first administrator), so two such changes run one after the other
    and the second sees the first. SQLite writers are already serialised by BEGIN IMMEDIATE (``db.run``);
    PostgreSQL takes a transaction-scoped advisory lock (a first administrator has no row to lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ACCOUNTS_LOCK_KEY})


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
    return inserted_id(result)


def set_fields(conn: Connection, user_id: int, *, now: datetime, bump_version: bool = True, **fields: object) -> None:
    values: dict[str, object] = dict(fields, updated_at=now)
    if bump_version:
        values["version"] = users.c.version + 1
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def reserve_attempt(conn: Connection, user_id: int, *, now: datetime, limit: int, lock_until: datetime) -> bool | None:
    """Count one sign-in attempt as a failure before its password is checked, in one statement.

    None: the account is locked (or gone) and no password may be checked. Otherwise the attempt may check
    the password, and True says this attempt reached the limit and set the lock. The count and the lock are
    decided by the database against the row as it is now, so parallel attempts queue on the row and at most
    ``limit`` of them get through per lock; no attempt ever writes over a lock another one set.
    """
    reaching = users.c.failed_attempts + 1 >= limit
    stmt = (
        update(users)
        .where(users.c.id == user_id, or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
        .values(
            failed_attempts=case((reaching, 0), else_=users.c.failed_attempts + 1),
            locked_until=case((reaching, literal(lock_until, UTCDateTime)), else_=null()),
        )
        .returning(users.c.locked_until)
    )
    row = conn.execute(stmt).first()
    if row is None:
        return None
    return row[0] is not None


def record_success(
    conn: Connection, user_id: int, *, now: datetime, password_hash: str | None, set_the_lock: bool
) -> None:
    """A verified password: note the sign-in and start the failure count afresh.

    A lock set by a parallel failure stays (``set_the_lock`` is False then); only the lock this attempt's
    own reservation set is lifted.
    """
    values: dict[str, object] = {"last_sign_in_at": now}
    if password_hash:
        values["password_hash"] = password_hash
    conn.execute(update(users).where(users.c.id == user_id).values(**values))
    reset = update(users).where(users.c.id == user_id)
    if not set_the_lock:
        reset = reset.where(or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
    conn.execute(reset.values(failed_attempts=0, locked_until=None))


def display_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.display_name for r in conn.execute(select(users.c.id, users.c.display_name))}
