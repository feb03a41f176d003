"""Single sign-on identities: first sign-ins wait or are let in by a group, decisions, and the password rules
that still apply (deactivation, lockout), on SQLite and PostgreSQL. The provider side is in
tests/e2e/test_sso_browser.py against a real OpenID provider."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from rehab.domain.accounts import Role
from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, auth, sso
from rehab.services.context import AccessDenied, now_utc
from rehab.store import Database
from rehab.store import audit as audit_store
from rehab.store import users as user_store
from tests.helpers import make_admin, make_clinician

ISSUER = "https://login.hospital.example"
CONFIG = sso.SsoConfig(
    server_metadata_url=f"{ISSUER}/.well-known/openid-configuration",
    client_id="rehab",
    client_secret="secret",
    redirect_uri="https://rehab.hospital.example/auth/oidc/callback",
    cookie_secret="x" * 32,
    role_groups={"rehab-clinicians": Role.CLINICIAN, "rehab-admins": Role.ADMIN},
)


def _claims(subject: str, name: str = "Grace Hopper", groups: tuple[str, ...] = (), username: str = "") -> sso.Claims:
    return sso.Claims(issuer=ISSUER, subject=subject, name=name, username=username, groups=groups)


def test_a_first_sign_in_waits_for_an_administrator_then_signs_in_as_the_new_account(db: Database) -> None:
    admin = make_admin(db)
    waiting = sso.complete_sign_in(db, CONFIG, _claims("u-1", username="ghopper@hospital.example"))
    assert waiting.actor is None and waiting.message == sso.AWAITING
    again = sso.complete_sign_in(db, CONFIG, _claims("u-1"))
    assert again.actor is None and again.message == sso.AWAITING  # still one row, still waiting
    [identity] = sso.list_identities(db, admin)
    assert identity.status == "pending" and identity.claimed_name == "Grace Hopper"
    sso.approve_as_new_account(db, admin, identity.id, identity.version, "clinician")
    done = sso.complete_sign_in(db, CONFIG, _claims("u-1"))
    assert done.actor is not None and done.actor.role == Role.CLINICIAN
    assert done.actor.display_name == "Grace Hopper" and done.actor.username == "ghopper"
    # The account has no password: no password, not even the empty one, signs it in.
    assert auth.sign_in(db, "ghopper", "").actor is None
    assert auth.sign_in(db, "ghopper", sso.NO_PASSWORD).actor is None


def test_the_same_subject_from_another_issuer_is_another_identity(db: Database) -> None:
    admin = make_admin(db)
    sso.complete_sign_in(db, CONFIG, _claims("u-1"))
    [identity] = sso.list_identities(db, admin)
    sso.approve_as_new_account(db, admin, identity.id, identity.version, "clinician")
    other = sso.Claims(issuer="https://evil.example", subject="u-1", name="Grace Hopper")
    assert sso.complete_sign_in(db, CONFIG, other).actor is None


def test_a_mapped_group_makes_the_account_at_once_and_admin_wins(db: Database) -> None:
    make_admin(db)
    clinician = sso.complete_sign_in(db, CONFIG, _claims("u-2", "Ada Byron", ("staff", "rehab-clinicians")))
    assert clinician.actor is not None and clinician.actor.role == Role.CLINICIAN
    both = sso.complete_sign_in(db, CONFIG, _claims("u-3", "Kay Lead", ("rehab-clinicians", "rehab-admins")))
    assert both.actor is not None and both.actor.role == Role.ADMIN
    other = sso.complete_sign_in(db, CONFIG, _claims("u-4", "No Group", ("staff",)))
    assert other.actor is None and other.message == sso.AWAITING


def test_refused_identities_deactivated_and_locked_accounts_get_the_password_message(db: Database) -> None:
    admin = make_admin(db)
    sso.complete_sign_in(db, CONFIG, _claims("u-5"))
    [identity] = sso.list_identities(db, admin)
    sso.refuse(db, admin, identity.id, identity.version)
    assert sso.complete_sign_in(db, CONFIG, _claims("u-5")).message == auth.WRONG_CREDENTIALS

    cara = make_clinician(db, admin, "cara")
    sso.complete_sign_in(db, CONFIG, _claims("u-6", "Cara"))
    pending = next(i for i in sso.list_identities(db, admin) if i.subject == "u-6")
    sso.link_to_account(db, admin, pending.id, pending.version, cara.user_id)
    linked = sso.complete_sign_in(db, CONFIG, _claims("u-6", "Cara"))
    assert linked.actor is not None and linked.actor.user_id == cara.user_id
    # The lockout from password guessing applies to single sign-on as well ...
    db.run(
        lambda c: user_store.set_fields(c, cara.user_id, now=now_utc(), locked_until=now_utc() + timedelta(minutes=5))
    )
    assert sso.complete_sign_in(db, CONFIG, _claims("u-6", "Cara")).message == auth.WRONG_CREDENTIALS
    db.run(lambda c: user_store.set_fields(c, cara.user_id, now=now_utc(), locked_until=None))
    # ... and so does deactivation.
    accounts.set_active(db, admin, cara.user_id, False)
    assert sso.complete_sign_in(db, CONFIG, _claims("u-6", "Cara")).actor is None
    entries = db.run(lambda c: audit_store.search(c), write=False)
    assert any(e.action == "sign-in failed" and "single sign-on: locked" in e.detail for e in entries)
    assert any(e.action == "sign-in" and "single sign-on" in e.detail for e in entries)


def test_only_administrators_decide_and_a_decision_is_made_once(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    sso.complete_sign_in(db, CONFIG, _claims("u-7"))
    [identity] = sso.list_identities(db, admin)
    with pytest.raises(AccessDenied):
        sso.approve_as_new_account(db, cara, identity.id, identity.version, "admin")
    sso.refuse(db, admin, identity.id, identity.version)
    with pytest.raises(ValidationErrors):  # a second administrator's stale form
        sso.approve_as_new_account(db, admin, identity.id, identity.version, "clinician")
    [after] = sso.list_identities(db, admin)
    assert after.status == "refused" and after.user_id is None and after.decided_by == admin.user_id


def test_config_reads_streamlits_auth_table(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    assert sso.load_config(secrets) is None  # no file: no single sign-on
    secrets.write_text("[server]\nx = 1\n")
    assert sso.load_config(secrets) is None
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "https://rehab.example/auth/oidc/callback"\n'
        'cookie_secret = "a long random secret"\n'
        'client_id = "rehab"\n'
        'client_secret = "s"\n'
        'server_metadata_url = "https://idp.example/.well-known/openid-configuration"\n'
        'provider_label = "Hospital account"\n'
        "[auth.role_groups]\n"
        '"rehab-admins" = "admin"\n'
    )
    config = sso.load_config(secrets)
    assert config is not None and config.label == "Hospital account"
    assert config.role_groups == {"rehab-admins": Role.ADMIN} and config.scope == "openid profile email"
    secrets.write_text('[auth]\nclient_id = "rehab"\n')
    with pytest.raises(ValueError, match="server_metadata_url"):
        sso.load_config(secrets)
