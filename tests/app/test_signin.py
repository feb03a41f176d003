"""First run, sign-in, wrong password, lockout and the role gate, through the real app."""

from __future__ import annotations

from rehab.services import auth
from rehab.store import Database
from rehab.store import users as user_store
from tests.app.conftest import errors, goto, new_app, signed_in_app, titles
from tests.helpers import PASSWORD, make_admin, make_clinician


def _sign_in(at, username: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="FormSubmitter:sign_in-Sign in").click()
    return at.run()


def test_first_run_creates_the_administrator(app_db: Database) -> None:
    at = new_app().run()
    assert titles(at) == ["Create the administrator account"]
    assert not at.text_input(key="admin_username").disabled
    at.text_input(key="admin_username").input("Chief")
    at.text_input(key="admin_display_name").input("Dr Chief")
    at.text_input(key="admin_password").input(PASSWORD)
    at.text_input(key="admin_confirm").input(PASSWORD)
    at.button(key="FormSubmitter:create_admin-Create administrator").click()
    at.run()
    assert titles(at) == ["Caseload"]
    user = app_db.run(lambda c: user_store.by_username(c, "chief"))
    assert user is not None and user.role == "admin"
    # Later visitors get the sign-in form, not the set-up screen.
    assert titles(new_app().run()) == ["Sign in"]


def test_first_run_shows_errors_next_to_fields(app_db: Database) -> None:
    at = new_app().run()
    at.text_input(key="admin_username").input("x")
    at.text_input(key="admin_password").input("short")
    at.text_input(key="admin_confirm").input("different")
    at.button(key="FormSubmitter:create_admin-Create administrator").click()
    at.run()
    messages = errors(at)
    assert any("2-64 letters" in m for m in messages)
    assert any("at least 10 characters" in m for m in messages)
    assert any("Enter the person's name" in m for m in messages)
    assert auth.needs_first_admin(app_db)


def test_sign_in_success_and_sign_out(app_db: Database) -> None:
    make_admin(app_db)
    at = _sign_in(new_app().run(), "admin", PASSWORD)
    assert titles(at) == ["Caseload"]
    assert "Ada Admin" in at.sidebar.caption[0].value
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert titles(at) == ["Sign in"]
    assert any("signed out" in i.value for i in at.info)


def test_wrong_password_shows_error(app_db: Database) -> None:
    make_admin(app_db)
    at = _sign_in(new_app().run(), "admin", "not the password")
    assert titles(at) == ["Sign in"]
    assert errors(at) == [auth.WRONG_CREDENTIALS]
    assert "_rehab_signed_in" not in at.session_state


def test_lockout_after_five_failures_even_from_new_sessions(app_db: Database) -> None:
    make_admin(app_db)
    for _ in range(4):
        at = _sign_in(new_app().run(), "admin", "not the password")  # a fresh browser session each time
        assert errors(at) == [auth.WRONG_CREDENTIALS]
    at = _sign_in(new_app().run(), "admin", "not the password")
    assert "locked" in errors(at)[0]
    at = _sign_in(new_app().run(), "admin", PASSWORD)
    assert titles(at) == ["Sign in"] and "locked" in errors(at)[0]


def test_idle_sign_in_ends(app_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(app_db)
    at = signed_in_app(admin.user_id).run()
    assert titles(at) == ["Caseload"]
    state = at.session_state["_rehab_signed_in"]
    from datetime import timedelta

    state["last_seen"] = state["last_seen"] - timedelta(minutes=31)
    at.session_state["_rehab_signed_in"] = state
    at.run()
    assert titles(at) == ["Sign in"]
    assert any("30 minutes" in i.value for i in at.info)


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
