"""Sign-in state kept on the server, the page guard, and the idle time-out.

The signed-in identity lives under a private session-state key that no widget uses, set only after
a verified password, so nothing a browser sends can make it up.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from rehab.config import settings
from rehab.services import auth
from rehab.services.context import Actor, now_utc
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_STATE = "_rehab_signed_in"
_NOTICE = "_rehab_sign_in_notice"


def start(actor: Actor) -> None:
    st.session_state[_STATE] = {"user_id": actor.user_id, "last_seen": now_utc()}


def end(notice: str = "") -> None:
    st.session_state.pop(_STATE, None)
    if notice:
        st.session_state[_NOTICE] = notice


def take_notice() -> str:
    return str(st.session_state.pop(_NOTICE, "") or "")


def current_actor() -> Actor | None:
    """The signed-in user, re-checked against the database; ends idle or revoked sign-ins."""
    state = st.session_state.get(_STATE)
    if not isinstance(state, dict):
        return None
    db = get_db()
    now = now_utc()
    idle = timedelta(minutes=settings().idle_minutes)
    actor = auth.current_actor(db, int(state["user_id"]))
    if actor is None:
        end("Your account is no longer active. Ask an administrator.")
        return None
    if now - state["last_seen"] > idle:
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
    return actor  # type: ignore[return-value]


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(actor.display_name)} ({actor.role.value})")
        if st.button("Sign out", key="sign_out", width="stretch"):
            auth.sign_out(get_db(), actor)
            end("You have signed out.")
            st.rerun()
