"""Administrator pages: adding accounts and reading the audit log."""

from __future__ import annotations

from rehab.services import auth
from rehab.store import Database
from rehab.store import users as user_store
from tests.app.conftest import errors, goto, signed_in_app, titles
from tests.helpers import PASSWORD, make_admin


def test_admin_adds_a_clinician_who_can_then_sign_in(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = goto(signed_in_app(admin.user_id).run(), "accounts")
    at.text_input(key="acct_username").input("b.physio")
    at.text_input(key="acct_display_name").input("Bea Physio")
    at.text_input(key="acct_password").input(PASSWORD)
    at.text_input(key="acct_confirm").input(PASSWORD)
    at.button(key="FormSubmitter:add_account-Add account").click().run()
    assert errors(at) == []
    user = app_db.run(lambda c: user_store.by_username(c, "b.physio"))
    assert user is not None and user.role == "clinician" and user.display_name == "Bea Physio"
    assert "b.physio" in list(at.dataframe[0].value["Username"])
    assert auth.sign_in(app_db, "b.physio", PASSWORD).actor is not None


def test_add_account_errors_are_shown_and_nothing_saved(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = goto(signed_in_app(admin.user_id).run(), "accounts")
    at.text_input(key="acct_username").input("admin")
    at.text_input(key="acct_display_name").input("Dup")
    at.text_input(key="acct_password").input(PASSWORD)
    at.text_input(key="acct_confirm").input(PASSWORD + "x")
    at.button(key="FormSubmitter:add_account-Add account").click().run()
    assert "The two passwords do not match." in errors(at)
    assert len(app_db.run(user_store.all_users)) == 1


def test_audit_page_lists_sign_ins(app_db: Database) -> None:
    admin = make_admin(app_db)
    auth.sign_in(app_db, "admin", "wrong password 1")
    at = goto(signed_in_app(admin.user_id).run(), "audit")
    assert titles(at) == ["Audit log"]
    table = at.dataframe[0].value
    # newest first: the caseload the admin landed on, then the sign-ins
    assert list(table["Action"]) == ["view", "sign-in failed", "sign-in", "create"]
    at.selectbox(key="audit_action").set_value("sign-in failed").run()
    assert list(at.dataframe[0].value["Action"]) == ["sign-in failed"]


def test_admin_lets_a_waiting_single_sign_on_identity_in_as_a_new_clinician(app_db: Database) -> None:
    from rehab.services import sso
    from tests.services.test_sso import CONFIG, _claims

    admin = make_admin(app_db)
    sso.complete_sign_in(app_db, CONFIG, _claims("u-9", "Rita Levi", username="rlevi"))
    at = goto(signed_in_app(admin.user_id).run(), "accounts")
    assert "Rita Levi" in list(at.dataframe[1].value["Name (from the provider)"])
    [identity] = sso.list_identities(app_db, admin)
    at.radio(key=f"sso_choice_{identity.id}").set_value("new clinician")
    at.button(key=f"FormSubmitter:sso_{identity.id}-Save decision").click().run()
    assert errors(at) == []
    [decided] = sso.list_identities(app_db, admin)
    assert decided.status == "linked" and decided.decided_by == admin.user_id
    user = app_db.run(lambda c: user_store.by_username(c, "rlevi"))
    assert user is not None and user.role == "clinician" and user.display_name == "Rita Levi"
    assert sso.complete_sign_in(app_db, CONFIG, _claims("u-9")).actor is not None


def test_admin_records_a_clinicians_registration_and_a_too_long_one_is_refused(app_db: Database) -> None:
    from rehab.services import accounts
    from tests.helpers import make_clinician

    admin = make_admin(app_db)
    cara = make_clinician(app_db, admin, "cara")
    at = goto(signed_in_app(admin.user_id).run(), "accounts")
    at.selectbox(key="acct_manage_choice").set_value(cara.user_id).run()
    at.text_input(key=f"registration_{cara.user_id}_value").input("X" * 65)
    at.button(key=f"FormSubmitter:registration_{cara.user_id}-Save registration").click().run()
    assert "Keep it to 64 characters or fewer." in errors(at)
    assert accounts.own_account(app_db, cara).registration == ""
    at.text_input(key=f"registration_{cara.user_id}_value").input("HCPC PH123456")
    at.text_input(key=f"registration_{cara.user_id}_title").input("Physiotherapist")
    at.button(key=f"FormSubmitter:registration_{cara.user_id}-Save registration").click().run()
    assert errors(at) == []
    saved = accounts.own_account(app_db, cara)
    assert (saved.registration, saved.job_title) == ("HCPC PH123456", "Physiotherapist")
