"""Administrators add clinicians, change roles, deactivate accounts and reset passwords."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from rehab.domain.accounts import ROLE_LABELS, Role
from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, sso
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store.identities import IdentityRecord
from rehab.store.users import UserRecord
from rehab.ui import auth as ui_auth
from rehab.ui import narrow_tables, report_widgets
from rehab.ui.db import get_db
from rehab.ui.fmt import when
from rehab.ui.forms import FieldErrors


def render() -> None:
    actor = ui_auth.require(admin=True)
    db = get_db()
    st.title("Accounts")
    users = accounts.list_users(db, actor)
    narrow_tables.table(
        pd.DataFrame(
            {
                "Username": [u.username for u in users],
                "Name": [u.display_name for u in users],
                "Role": [ROLE_LABELS[Role(u.role)] for u in users],
                "Active": [u.active for u in users],
                "Locked until": [when(u.locked_until) if u.locked_until else "" for u in users],
                "Last sign-in": [when(u.last_sign_in_at) for u in users],
            }
        ),
        key="accounts",
        title=("Name", "Username"),
    )
    add, manage, sign_on = st.tabs(["Add an account", "Change an account", "Single sign-on"])
    with add:
        _add_form(db, actor)
    with manage:
        _manage(db, actor, users)
    with sign_on:
        _sign_on(db, actor, users)


def _add_form(db: Database, actor: Actor) -> None:
    errors = FieldErrors()
    with st.form("add_account", clear_on_submit=False):
        username = st.text_input("Username", key="acct_username")
        errors.slot("username")
        display_name = st.text_input("Full name", key="acct_display_name")
        errors.slot("display_name")
        role = st.radio(
            "Role", list(Role), format_func=lambda r: ROLE_LABELS[r], index=1, key="acct_role", horizontal=True
        )
        password = st.text_input(
            "Temporary password", type="password", key="acct_password", help="At least 10 characters."
        )
        errors.slot("password")
        confirm = st.text_input("Repeat the password", type="password", key="acct_confirm")
        errors.slot("confirm")
        submitted = st.form_submit_button("Add account", type="primary")
    if submitted:
        assert role is not None  # the radio has a default (index=1), so a role is always chosen
        try:
            accounts.create_user(
                db,
                actor,
                username=username,
                display_name=display_name,
                role=role.value,
                password=password,
                confirm=confirm,
            )
        except ValidationErrors as exc:
            errors.show(exc)
            return
        for key in ("acct_username", "acct_display_name", "acct_password", "acct_confirm"):
            st.session_state.pop(key, None)
        st.toast("Account added.")
        st.rerun()


def _manage(db: Database, actor: Actor, users: list[UserRecord]) -> None:
    by_id = {u.id: u for u in users}
    user_id = st.selectbox(
        "Account",
        list(by_id),
        format_func=lambda uid: f"{by_id[uid].display_name} ({by_id[uid].username})",
        key="acct_manage_choice",
    )
    if user_id is None:
        return
    user = by_id[user_id]
    errors = FieldErrors()
    left, right = st.columns(2)
    with left:
        role = st.radio(
            "Role",
            list(Role),
            index=list(Role).index(Role(user.role)),
            format_func=lambda r: ROLE_LABELS[r],
            key=f"acct_role_{user.id}",
            horizontal=True,
        )
        errors.slot("role")
        assert role is not None  # the radio starts at the account's role, so one is always chosen
        if st.button("Save role", key=f"acct_save_role_{user.id}"):
            _apply(errors, lambda: accounts.set_role(db, actor, user.id, role.value), "Role saved.")
        label = "Deactivate account" if user.active else "Reactivate account"
        if st.button(label, key=f"acct_toggle_{user.id}"):
            _apply(errors, lambda: accounts.set_active(db, actor, user.id, not user.active), "Account updated.")
        errors.slot("active")
    with right:
        with st.form(f"reset_{user.id}", clear_on_submit=True):
            password = st.text_input("New password", type="password", key=f"acct_reset_pw_{user.id}")
            errors.slot("password")
            confirm = st.text_input("Repeat the password", type="password", key=f"acct_reset_confirm_{user.id}")
            errors.slot("confirm")
            reset = st.form_submit_button("Reset password and unlock")
        if reset:
            _apply(errors, lambda: accounts.reset_password(db, actor, user.id, password, confirm), "Password reset.")
    st.caption("Printed in the sign-off of the reports this clinician makes.")
    report_widgets.registration_form(db, actor, user.id, user.registration, user.job_title, key=str(user.id))


def _apply(errors: FieldErrors, action: Callable[[], object], success: str) -> None:
    try:
        action()
    except ValidationErrors as exc:
        errors.show(exc)
        return
    st.toast(success)
    st.rerun()


def _sign_on(db: Database, actor: Actor, users: list[UserRecord]) -> None:
    """Identities from the hospital's identity provider: those waiting are let in or refused here."""
    identities = sso.list_identities(db, actor)
    if not identities:
        st.write("No one has signed in with single sign-on yet.")
        return
    names = {u.id: f"{u.display_name} ({u.username})" for u in users}
    narrow_tables.table(
        pd.DataFrame(
            {
                "Name (from the provider)": [i.claimed_name for i in identities],
                "Status": [i.status for i in identities],
                "Account": [names.get(i.user_id, "") if i.user_id else "" for i in identities],
                "First signed in": [when(i.first_seen_at) for i in identities],
                "Decision": [i.decision or "" for i in identities],
            }
        ),
        key="identities",
        title=("Name (from the provider)", "Status"),
    )
    waiting = [i for i in identities if i.status == sso.IdentityStatus.PENDING]
    for identity in waiting:
        _decide_form(db, actor, identity, names)


def _decide_form(db: Database, actor: Actor, identity: IdentityRecord, names: dict[int, str]) -> None:
    errors = FieldErrors()
    with st.form(f"sso_{identity.id}"):
        st.header(f"{identity.claimed_name}: waiting since {when(identity.first_seen_at)}")
        st.caption(f"Identity {identity.subject} from {identity.issuer}")
        choice = st.radio(
            "Let this person in as",
            ["new clinician", "new administrator", "an existing account", "refuse"],
            key=f"sso_choice_{identity.id}",
            horizontal=True,
        )
        existing = st.selectbox(
            "Existing account (when linking)",
            list(names),
            format_func=lambda uid: names[uid],
            key=f"sso_user_{identity.id}",
        )
        errors.slot("user_id")
        errors.slot("identity")
        send = st.form_submit_button("Save decision", type="primary")
    if not send:
        return
    version = identity.version
    actions = {
        "new clinician": lambda: sso.approve_as_new_account(db, actor, identity.id, version, "clinician"),
        "new administrator": lambda: sso.approve_as_new_account(db, actor, identity.id, version, "admin"),
        "an existing account": lambda: sso.link_to_account(db, actor, identity.id, version, int(existing or 0)),
        "refuse": lambda: sso.refuse(db, actor, identity.id, version),
    }
    _apply(errors, actions[str(choice)], "Decision saved.")
