"""Sign-in state kept on the server, the page guard, and the idle time-out.

The signed-in identity lives under a private session-state key that no widget uses, set only after
a verified password, so nothing a browser sends can make it up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from rehab.config import settings
from rehab.services import auth
from rehab.services.context import Actor, now_utc
from rehab.store import Database
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_STATE = "_rehab_signed_in"
_NOTICE = "_rehab_sign_in_notice"


def start(actor: Actor) -> None:
    """Begin a sign-in in this tab, on a clean slate: nothing an earlier user left behind carries over."""
    _reset()
    st.session_state[_STATE] = {"user_id": actor.user_id, "last_seen": now_utc(), "ended": False}


def _reset() -> None:
    """Forget everything this tab holds: the sign-in, the chosen patient, what was already viewed, form values.

    The sign-in record is marked ended first, because download buttons drawn earlier keep a reference to it
    and must stop working even if the browser still shows them.
    """
    state = st.session_state.get(_STATE)
    if isinstance(state, dict):
        state["ended"] = True
    st.session_state.clear()


def end(notice: str = "") -> None:
    _reset()
    if notice:
        st.session_state[_NOTICE] = notice


def take_notice() -> str:
    return str(st.session_state.pop(_NOTICE, "") or "")


def sign_in_record() -> dict[str, object] | None:
    """This tab's sign-in record itself, for work done later outside a page run (a download's click)."""
    state = st.session_state.get(_STATE)
    return state if isinstance(state, dict) else None


def _idle(state: dict[str, object], now: datetime) -> bool:
    last_seen = state.get("last_seen")
    return not isinstance(last_seen, datetime) or now - last_seen > timedelta(minutes=settings().idle_minutes)


def actor_at_click(db: Database, state: dict[str, object] | None) -> Actor | None:
    """Whoever may act now for a sign-in record kept since the page was drawn, or None.

    Runs outside a page run (Streamlit calls a download's callable on its own thread), so it reads no
    session state and writes no audit entry: an ended sign-in, an idle one or an account no longer active
    gets nothing, and the next page run signs the tab out as usual. A permitted click counts as activity.
    """
    if not isinstance(state, dict) or state.get("ended"):
        return None
    user_id = state.get("user_id")
    if not isinstance(user_id, int):
        return None
    now = now_utc()
    if _idle(state, now):
        return None
    actor = auth.current_actor(db, int(user_id))
    if actor is None:
        return None
    state["last_seen"] = now
    return actor


def current_actor() -> Actor | None:
    """The signed-in user, re-checked against the database; ends idle or revoked sign-ins."""
    state = st.session_state.get(_STATE)
    if not isinstance(state, dict):
        return None
    if state.get("ended") or not isinstance(state.get("user_id"), int):
        end()
        return None
    db = get_db()
    now = now_utc()
    actor = auth.current_actor(db, int(state["user_id"]))
    if actor is None:
        end("Your account is no longer active. Ask an administrator.")
        return None
    if _idle(state, now):
        auth.sign_out(db, actor, reason="idle time-out")
        end(f"You were signed out after {settings().idle_minutes} minutes without activity.")
        return None
    state["last_seen"] = now
    return actor


def require(*, admin: bool = False) -> Actor:
    """First line of every page: stop here unless someone (with the right role) is signed in."""
    actor = current_actor()
    if actor is None:
        st.info("Please sign in to continue.")
        st.stop()
    if admin and not actor.is_admin:
        st.error("This page is for administrators.")
        st.stop()
    return actor


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(actor.display_name)} ({actor.role.value})")
        if st.button("Sign out", key="sign_out", width="stretch"):
            auth.sign_out(get_db(), actor)
            end("You have signed out.")
            st.rerun()
