"""The signed-in browser (session cookie), sign-out, time-outs and the role gate, through the real app.

The sign-in form itself (first administrator, wrong password, lockout) is served over HTTP: see
`tests/e2e/test_sign_in_http.py`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from rehab.services import accounts, browser_sessions
from rehab.services.context import now_utc
from rehab.store import Database
from rehab.store import browser_sessions as session_store
from rehab.store.tables import browser_sessions as table
from tests.app import cookies
from tests.app.conftest import goto, new_app, signed_in_app, titles
from tests.helpers import make_admin, make_clinician


def test_first_visit_without_accounts_offers_the_sign_in_form_link(app_db: Database) -> None:
    # Creating the first administrator happens on the sign-in form (/auth/setup); a tab shows the way there.
    at = new_app().run()
    assert titles(at) == ["Sign in"]
    assert any("/auth/signin" in h.proto.body for h in at.get("html"))


def test_signed_in_browser_opens_the_caseload_and_sign_out_ends_its_session(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = signed_in_app(admin.user_id).run()
    assert titles(at) == ["Caseload"]
    assert "Ada Admin" in at.sidebar.caption[0].value
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert titles(at) == ["Sign in"]
    assert any("signed out" in i.value for i in at.info)
    # The browser still holds the cookie, but its session has ended: a new tab (or a refresh) is not signed in.
    assert titles(new_app().run()) == ["Sign in"]
    record = app_db.run(lambda c: session_store.by_token_hash(c, browser_sessions.token_hash(cookies.JAR["token"])))
    assert record is not None and record.ended_at is not None and record.end_reason == "signed out"


def test_a_second_tab_of_the_same_browser_is_signed_in_too(app_db: Database) -> None:
    admin = make_admin(app_db)
    first = signed_in_app(admin.user_id).run()
    second = new_app().run()  # same cookie jar: another tab of the same browser
    assert titles(first) == titles(second) == ["Caseload"]
    # Signing out in one tab ends the other at its next run.
    second.sidebar.button(key="sign_out").click()
    second.run()
    first.run()
    assert titles(first) == ["Sign in"]


def test_no_cookie_means_nobody_whatever_session_state_says(app_db: Database) -> None:
    # The old bearer: a session-state sign-in record (as a resumed Streamlit session would still hold).
    admin = make_admin(app_db)
    at = new_app()
    at.session_state["_rehab_signed_in"] = {"user_id": admin.user_id, "token_hash": "0" * 64, "ended": False}
    at.run()
    assert titles(at) == ["Sign in"]
    assert "_rehab_signed_in" not in at.session_state


def test_idle_sign_in_ends(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = signed_in_app(admin.user_id).run()
    assert titles(at) == ["Caseload"]
    cookies.age_session(31)
    at.run()
    assert titles(at) == ["Sign in"]
    assert any("30 minutes" in i.value for i in at.info)


def test_session_ends_at_its_absolute_lifetime_however_active(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = signed_in_app(admin.user_id).run()
    hashed = browser_sessions.token_hash(cookies.JAR["token"])
    record = app_db.run(lambda c: session_store.by_token_hash(c, hashed))
    assert record is not None
    # Started 12 h 1 min ago (REHAB_SESSION_HOURS default 12) but used a minute ago.
    app_db.run(
        lambda c: c.execute(
            update(table)
            .where(table.c.id == record.id)
            .values(created_at=now_utc() - timedelta(hours=12, minutes=1), last_seen_at=now_utc())
        )
    )
    at.run()
    assert titles(at) == ["Sign in"]
    assert any("time limit" in i.value for i in at.info)


def test_deactivation_and_password_reset_end_the_browser_sessions(app_db: Database) -> None:
    admin = make_admin(app_db)
    cara = make_clinician(app_db, admin, "cara")
    at = signed_in_app(cara.user_id).run()
    assert titles(at) == ["Caseload"]
    accounts.reset_password(app_db, admin, cara.user_id, "another long password", "another long password")
    at.run()
    assert titles(at) == ["Sign in"] and any("reset" in i.value for i in at.info)
    at = signed_in_app(cara.user_id).run()
    accounts.set_active(app_db, admin, cara.user_id, False)
    at.run()
    assert titles(at) == ["Sign in"] and any("no longer active" in i.value for i in at.info)


def test_clinician_cannot_open_accounts_or_audit(app_db: Database) -> None:
    admin = make_admin(app_db)
    clin = make_clinician(app_db, admin, "cara")
    at = signed_in_app(clin.user_id).run()
    nav_titles = [p.title for p in at.get("navigation")[0].proto.app_pages] if at.get("navigation") else []
    assert "Accounts" not in nav_titles
    for url in ("accounts", "audit"):
        at = goto(at, url)
        assert "Accounts" not in titles(at) and "Audit log" not in titles(at)
        assert not at.dataframe or "Username" not in at.dataframe[0].value.columns
    # An administrator does reach both.
    at = signed_in_app(admin.user_id).run()
    assert titles(goto(at, "accounts")) == ["Accounts"]
    assert titles(goto(at, "audit")) == ["Audit log"]


def test_pages_refuse_without_sign_in(app_db: Database) -> None:
    make_admin(app_db)
    at = new_app().run()
    for url in ("patients", "patient", "register", "accounts", "audit"):
        at = goto(at, url)
        assert titles(at) == ["Sign in"]
