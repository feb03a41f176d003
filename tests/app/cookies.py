"""The test browser's cookie jar: what ``rehab.ui.auth.browser_token`` returns under AppTest.

``sign_in_browser`` does what the sign-in form does on success (a live browser session for the account) and
keeps the token as the browser would keep the cookie. ``age_session`` moves the session's clock back, as if
the browser had sat unused.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from rehab.config import settings
from rehab.services import browser_sessions
from rehab.services.auth import current_actor
from rehab.store import browser_sessions as session_store
from rehab.store import open_database
from rehab.store.tables import browser_sessions as table

JAR: dict[str, str] = {}


def sign_in_browser(user_id: int) -> str:
    db = open_database(settings().database_url)
    try:
        actor = current_actor(db, user_id)
        assert actor is not None, f"user {user_id} cannot sign in"
        token = browser_sessions.open_session(db, actor)
    finally:
        db.dispose()
    JAR["token"] = token
    return token


def age_session(minutes: float, token: str | None = None) -> None:
    """Move the jar's session last-seen (and start) time back by ``minutes``."""
    hashed = browser_sessions.token_hash(token or JAR["token"])
    db = open_database(settings().database_url)
    try:
        record = db.run(lambda conn: session_store.by_token_hash(conn, hashed), write=False)
        assert record is not None
        back = timedelta(minutes=minutes)
        db.run(
            lambda conn: conn.execute(
                update(table)
                .where(table.c.id == record.id)
                .values(last_seen_at=record.last_seen_at - back, created_at=record.created_at - back)
            )
        )
    finally:
        db.dispose()
