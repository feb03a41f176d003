"""Who is signed in, read on every page run from the browser's session cookie; the page guard; sign-out.

The cookie (set by the sign-in form at ``/auth/signin``, see ``rehab.web.routes``) holds a random token; the
database says whose it is and whether it is still live (``rehab.services.browser_sessions``). Nothing in session
state or in Streamlit's websocket session id signs anyone in: a tab resumed or reached by a stolen session id
runs without the cookie and gets the sign-in page. Session state only remembers which sign-in it was filled
under, so a different sign-in in the same browser starts from a clean slate.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rehab import turns
from rehab.services import browser_sessions
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape
from rehab.web import bindings

_STATE = "_rehab_signed_in"
_NOTICE = "_rehab_sign_in_notice"
_SESSION_BEGAN = "_rehab_session_began"
# The sign-in the router checked at the start of this page run, for the page's own ``require()``.
_CHECKED: ContextVar[Actor | None] = ContextVar("rehab_checked_actor", default=None)


def browser_token() -> str | None:
    """The session cookie the browser sent when this tab connected (AppTest has no cookies; its tests set one)."""
    try:
        value = st.context.cookies.get(browser_sessions.COOKIE)
    except Exception:
        return None
    return str(value) if value else None


def session_began() -> float:
    """When this browser session began (``time.monotonic()``), for the order of page turns (``rehab.turns``): when
    its sign-in arrived, if this process took it, else its first page run."""
    began = st.session_state.get(_SESSION_BEGAN)
    if began is None:
        began = turns.arrival(browser_token())
        began = time.monotonic() if began is None else began
        st.session_state[_SESSION_BEGAN] = began
    return float(began)


def _streamlit_session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _reset() -> None:
    """Forget everything this tab holds: the sign-in, the chosen patient, what was already viewed, form values.

    The sign-in record is marked ended first, because download buttons drawn earlier keep a reference to it
    and must stop working even if the browser still shows them.
    """
    state = st.session_state.get(_STATE)
    if isinstance(state, dict):
        state["ended"] = True
    session_id = _streamlit_session_id()
    if session_id:
        bindings.unbind(session_id)
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


def actor_at_click(db: Database, state: dict[str, object] | None) -> Actor | None:
    """Whoever may act now for a sign-in record kept since the page was drawn, or None.

    Runs outside a page run (Streamlit calls a download's callable on its own thread), so it reads no session
    state: a sign-in ended on this tab, or a browser session signed out, idle or of an account no longer active,
    gets nothing. A permitted click counts as activity.
    """
    if not isinstance(state, dict) or state.get("ended"):
        return None
    hashed = state.get("token_hash")
    if not isinstance(hashed, str):
        return None
    return browser_sessions.resolve_hash(db, hashed).actor


def current_actor() -> Actor | None:
    """The signed-in user for this run, re-checked against the database (idle, lifetime, account state)."""
    token = browser_token()
    state = st.session_state.get(_STATE)
    if token is None:
        if state is not None:
            end()
        return None
    resolved = browser_sessions.resolve(get_db(), token)
    if resolved.actor is None:
        if state is not None or resolved.ended:
            end(resolved.notice)
        return None
    hashed = browser_sessions.token_hash(token)
    if isinstance(state, dict) and (state.get("token_hash") != hashed or state.get("ended")):
        _reset()  # the browser now holds another sign-in than this tab was filled under: a clean slate
    if not isinstance(state, dict) or state.get("token_hash") != hashed:
        st.session_state[_STATE] = {"token_hash": hashed, "ended": False}
    session_id = _streamlit_session_id()
    if session_id:
        bindings.bind(session_id, hashed)
    return resolved.actor


@contextmanager
def checked(actor: Actor | None) -> Iterator[None]:
    """The page run inside the block goes on the sign-in the router has just checked against the database, rather
    than checking it again a moment later (once a run: a dashboard rerun spent about 2 ms on each check). A
    callback or a fragment's rerun runs outside the router and checks for itself."""
    token = _CHECKED.set(actor)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def require(*, admin: bool = False) -> Actor:
    """First line of every page: stop here unless someone (with the right role) is signed in."""
    actor = _CHECKED.get() or current_actor()
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
            browser_sessions.sign_out(get_db(), browser_token())  # every tab of this browser, audited
            end(browser_sessions.NOTICES[browser_sessions.EndReason.SIGNED_OUT])
            st.rerun()
