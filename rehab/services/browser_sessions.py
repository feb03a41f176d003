"""Browser sessions: who a cookie signs in, checked on every request and page run, ended everywhere at once.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie; the database keeps its SHA-256 and
when it was last used. Identity never comes from Streamlit's websocket session id or from session state, so a
leaked session id (an upload URL in a log) or a resumed tab gives nothing without the cookie. Ending the row
(sign-out, idle time-out, deactivation, absolute lifetime) signs out every tab of that browser together.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection

from rehab.config import settings
from rehab.services import audit
from rehab.services.auth import current_actor
from rehab.services.context import Actor, now_utc
from rehab.store import Database
from rehab.store import browser_sessions as session_store

COOKIE = "rehab_session"
# Last-seen times are written at most this often, so a page that reruns on every click is not a write each time.
TOUCH_EVERY = timedelta(seconds=15)


class EndReason(StrEnum):
    SIGNED_OUT = "signed out"
    IDLE = "idle time-out"
    LIFETIME = "session lifetime"
    INACTIVE = "account inactive"
    PASSWORD_RESET = "password reset"


NOTICES = {
    EndReason.SIGNED_OUT: "You have signed out.",
    EndReason.LIFETIME: "Your sign-in reached its time limit. Please sign in again.",
    EndReason.INACTIVE: "Your account is no longer active. Ask an administrator.",
    EndReason.PASSWORD_RESET: "Your password was reset by an administrator. Sign in with the new one.",
}


def idle_notice() -> str:
    return f"You were signed out after {settings().idle_minutes} minutes without activity."


def notice_for(reason: str | None) -> str:
    if reason == EndReason.IDLE:
        return idle_notice()
    return NOTICES.get(EndReason(reason), "") if reason in set(EndReason) else ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: Database, actor: Actor, *, now: datetime | None = None) -> str:
    """A new token for a verified sign-in; the caller puts it in the cookie and nowhere else."""
    token = secrets.token_urlsafe(32)
    stamp = now or now_utc()
    db.run(lambda conn: session_store.add(conn, token_hash=token_hash(token), user_id=actor.user_id, now=stamp))
    return token


@dataclass(frozen=True)
class Resolved:
    """Who the cookie signs in (``actor``), or why nobody: ``ended`` holds the reason a session just ended."""

    actor: Actor | None
    session_id: int | None = None
    ended: str | None = None

    @property
    def notice(self) -> str:
        return notice_for(self.ended)


def _expired(record: session_store.BrowserSessionRecord, now: datetime) -> EndReason | None:
    cfg = settings()
    if now - record.created_at > timedelta(hours=cfg.session_hours):
        return EndReason.LIFETIME
    if now - record.last_seen_at > timedelta(minutes=cfg.idle_minutes):
        return EndReason.IDLE
    return None


def resolve(db: Database, token: str | None, *, activity: bool = True, now: datetime | None = None) -> Resolved:
    """The actor for a cookie's token right now, ending the session if it has run out.

    ``activity`` counts this request as use (a page run, a download); a plain page load by the proxy-side
    guard passes False, so only what the clinician does keeps a session alive.
    """
    if not token:
        return Resolved(None)
    return resolve_hash(db, token_hash(token), activity=activity, now=now)


def resolve_hash(db: Database, hashed: str, *, activity: bool = True, now: datetime | None = None) -> Resolved:
    """As ``resolve``, from the token's hash (what a page keeps for its download buttons' later clicks)."""
    stamp = now or now_utc()
    record = db.run(lambda conn: session_store.by_token_hash(conn, hashed), write=False)
    if record is None:
        return Resolved(None)
    if record.ended_at is not None:
        return Resolved(None, record.id, ended=record.end_reason)
    actor = current_actor(db, record.user_id)
    reason = EndReason.INACTIVE if actor is None else _expired(record, stamp)
    if reason is not None:
        _end(db, record, actor, reason, stamp)
        return Resolved(None, record.id, ended=reason)
    if activity and stamp - record.last_seen_at >= TOUCH_EVERY:
        db.run(lambda conn: session_store.touch(conn, record.id, now=stamp))
    return Resolved(actor, record.id)


def _end(
    db: Database, record: session_store.BrowserSessionRecord, actor: Actor | None, reason: EndReason, now: datetime
) -> None:
    def work(conn: Connection) -> None:
        if session_store.end(conn, record.id, now=now, reason=reason) and actor is not None:
            audit.record(conn, actor, "sign-out", "user", actor.user_id, detail=str(reason), at=now)

    db.run(work)


def sign_out(db: Database, token: str | None, *, now: datetime | None = None) -> bool:
    """End the session the cookie holds (every tab of this browser) and audit it; False if none was open."""
    if not token:
        return False
    stamp = now or now_utc()
    hashed = token_hash(token)
    record = db.run(lambda conn: session_store.by_token_hash(conn, hashed), write=False)
    if record is None or record.ended_at is not None:
        return False
    _end(db, record, current_actor(db, record.user_id), EndReason.SIGNED_OUT, stamp)
    return True


def end_for_user(conn: Connection, user_id: int, *, now: datetime, reason: EndReason = EndReason.INACTIVE) -> int:
    """Inside an account change's transaction: sign the account out of every browser."""
    return session_store.end_all_for_user(conn, user_id, now=now, reason=reason)
