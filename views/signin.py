"""First-run administrator set-up, then the sign-in form."""

from __future__ import annotations

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import auth
from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db
from rehab.ui.forms import FieldErrors


def render() -> None:
    db = get_db()
    if auth.needs_first_admin(db):
        _create_admin()
    else:
        _sign_in()


def _create_admin() -> None:
    st.title("Create the administrator account")
    st.write(
        "This is a new installation with no accounts yet. The administrator adds clinicians, "
        "manages accounts and reads the audit log."
    )
    errors = FieldErrors()
    with st.form("create_admin"):
        username = st.text_input("Username", key="admin_username", autocomplete="username")
        errors.slot("username")
        display_name = st.text_input("Full name", key="admin_display_name")
        errors.slot("display_name")
        password = st.text_input(
            "Password",
            type="password",
            key="admin_password",
            autocomplete="new-password",
            help="At least 10 characters. A short sentence is easy to remember and hard to guess.",
        )
        errors.slot("password")
        confirm = st.text_input("Repeat the password", type="password", key="admin_confirm")
        errors.slot("confirm")
        submitted = st.form_submit_button("Create administrator", type="primary")
    if submitted:
        try:
            actor = auth.create_first_admin(
                get_db(), username=username, display_name=display_name, password=password, confirm=confirm
            )
        except ValidationErrors as exc:
            errors.show(exc)
            return
        ui_auth.start(actor)
        st.rerun()


def _sign_in() -> None:
    st.title("Sign in")
    notice = ui_auth.take_notice()
    if notice:
        st.info(notice)
    with st.form("sign_in", clear_on_submit=True):
        username = st.text_input("Username", key="signin_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        result = auth.sign_in(get_db(), username, password)
        if result.actor is None:
            st.error(result.message)
            return
        ui_auth.start(result.actor)
        st.rerun()
