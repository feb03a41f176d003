"""What a tab shows when nobody is signed in: why, and the way to the sign-in form.

Passwords are typed only into the form at ``/auth/signin`` (``rehab.web.routes``), which sets the browser's
session cookie; a page load without a live session is sent there by the guard, so this page is seen when a
session ends while the tab is open (sign-out, idle time-out, deactivation).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlsplit

import streamlit as st

from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db

_BUTTON = (
    "display:inline-block;padding:.6rem 1.3rem;border-radius:.4rem;background:#b8261c;color:#fff;"
    "font-weight:600;text-decoration:none;min-height:44px;box-sizing:border-box"
)


def _sign_in_href() -> str:
    try:
        here = urlsplit(str(st.context.url or ""))
    except Exception:
        return "/auth/signin"
    target = here.path + (f"?{here.query}" if here.query else "")
    return "/auth/signin" + (f"?next={quote(target, safe='')}" if here.path not in ("", "/") else "")


def render() -> None:
    get_db()  # a database that cannot be opened says so here, before anyone is sent to sign in
    st.title("Sign in")
    notice = ui_auth.take_notice()
    if notice:
        st.info(notice)
    st.write("Sign in to open the caseload and your patients.")
    st.html(f'<a href="{escape(_sign_in_href())}" style="{_BUTTON}">Sign in</a>')
