"""SQL for browser sessions (migration 0014): rows are added, touched and ended, never deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from rehab.store.records import inserted_id
from rehab.store.tables import browser_sessions


@dataclass(frozen=True)
class BrowserSessionRecord:
    id: int
    token_hash: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    end_reason: str | None


def _record(row: Row[Any]) -> BrowserSessionRecord:
    return BrowserSessionRecord(**row._mapping)


def add(conn: Connection, *, token_hash: str, user_id: int, now: datetime) -> int:
    result = conn.execute(
        insert(browser_sessions).values(token_hash=token_hash, user_id=user_id, created_at=now, last_seen_at=now)
    )
    return inserted_id(result)


def by_token_hash(conn: Connection, token_hash: str) -> BrowserSessionRecord | None:
    row = conn.execute(select(browser_sessions).where(browser_sessions.c.token_hash == token_hash)).first()
    return _record(row) if row is not None else None


def touch(conn: Connection, session_id: int, *, now: datetime) -> None:
    """Activity: only a session still open moves its last-seen time (an ended one stays ended)."""
    conn.execute(
        update(browser_sessions)
        .where(browser_sessions.c.id == session_id, browser_sessions.c.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def end(conn: Connection, session_id: int, *, now: datetime, reason: str) -> bool:
    """End one session; False when it had already ended (the first reason is kept)."""
    result = conn.execute(
        update(browser_sessions)
        .where(browser_sessions.c.id == session_id, browser_sessions.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason[:32])
    )
    return bool(result.rowcount)


def end_all_for_user(conn: Connection, user_id: int, *, now: datetime, reason: str) -> int:
    """End every open session of an account (deactivation, password reset)."""
    result = conn.execute(
        update(browser_sessions)
        .where(browser_sessions.c.user_id == user_id, browser_sessions.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason[:32])
    )
    return int(result.rowcount or 0)
