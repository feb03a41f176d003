"""Sign-in, first-run set-up and lockout, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services import accounts, audit, auth
from rehab.services.context import AccessDenied
from rehab.store import Database
from rehab.store import users as user_store
from tests.helpers import PASSWORD, make_admin, make_clinician, spy_password_checks


def test_first_admin_only_once(db: Database) -> None:
    assert auth.needs_first_admin(db)
    admin = make_admin(db)
    assert admin.is_admin and admin.username == "admin"
    assert not auth.needs_first_admin(db)
    with pytest.raises(ValidationError) as info:
        make_admin(db, username="second")
    assert "already exists" in info.value.message


def test_first_admin_validation_names_fields(db: Database) -> None:
    with pytest.raises(ValidationErrors) as info:
        auth.create_first_admin(db, username="", display_name="", password="short", confirm="other")
    assert set(info.value.by_field()) == {"username", "display_name", "password"}
    assert auth.needs_first_admin(db)


def test_password_stored_as_argon2id(db: Database) -> None:
    make_admin(db)
    stored = db.run(lambda c: user_store.by_username(c, "admin"))
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_sign_in_success_and_wrong_password(db: Database) -> None:
    make_admin(db)
    ok = auth.sign_in(db, "ADMIN ", PASSWORD)
    assert ok.actor is not None and ok.actor.username == "admin"
    bad = auth.sign_in(db, "admin", "wrong password!")
    assert bad.actor is None and bad.message == auth.WRONG_CREDENTIALS
    unknown = auth.sign_in(db, "nobody", PASSWORD)
    assert unknown.actor is None and unknown.message == auth.WRONG_CREDENTIALS


def test_unknown_username_still_runs_a_password_check(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    make_admin(db)
    calls = spy_password_checks(monkeypatch)
    auth.sign_in(db, "nobody", "whatever-password")
    assert calls == [None]  # verified against the dummy hash, same cost as a real account


def test_lockout_after_five_failures_then_expiry(db: Database) -> None:
    make_admin(db)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for i in range(4):
        result = auth.sign_in(db, "admin", "wrong-password", now=start + timedelta(seconds=i))
        assert result.message == auth.WRONG_CREDENTIALS
    fifth = auth.sign_in(db, "admin", "wrong-password", now=start + timedelta(seconds=5))
    assert fifth.actor is None and "locked" in fifth.message
    # The right password is refused while locked ...
    during = auth.sign_in(db, "admin", PASSWORD, now=start + timedelta(minutes=14))
    assert during.actor is None and "locked" in during.message
    # ... and accepted once 15 minutes have passed.
    after = auth.sign_in(db, "admin", PASSWORD, now=start + timedelta(minutes=15, seconds=6))
    assert after.actor is not None
    admin = after.actor
    actions = [e.action for e in audit.entries(db, admin, limit=50)]
    assert actions.count("lockout") == 1
    assert actions.count("sign-in failed") == 6


def test_success_resets_failure_count(db: Database) -> None:
    make_admin(db)
    for _ in range(4):
        auth.sign_in(db, "admin", "wrong-password")
    assert auth.sign_in(db, "admin", PASSWORD).actor is not None
    for _ in range(4):
        auth.sign_in(db, "admin", "wrong-password")
    assert auth.sign_in(db, "admin", PASSWORD).actor is not None


def test_admin_reset_password_unlocks(db: Database) -> None:
    admin = make_admin(db)
    clin = make_clinician(db, admin, "cara")
    for _ in range(5):
        auth.sign_in(db, "cara", "wrong-password")
    assert "locked" in auth.sign_in(db, "cara", PASSWORD).message
    accounts.reset_password(db, admin, clin.user_id, "a brand new secret", "a brand new secret")
    assert auth.sign_in(db, "cara", "a brand new secret").actor is not None


def test_deactivated_account_cannot_sign_in_and_loses_session(db: Database) -> None:
    admin = make_admin(db)
    clin = make_clinician(db, admin, "cara")
    accounts.set_active(db, admin, clin.user_id, False)
    assert auth.sign_in(db, "cara", PASSWORD).actor is None
    assert auth.current_actor(db, clin.user_id) is None


def test_last_admin_cannot_be_removed(db: Database) -> None:
    admin = make_admin(db)
    with pytest.raises(ValidationError):
        accounts.set_active(db, admin, admin.user_id, False)
    with pytest.raises(ValidationError):
        accounts.set_role(db, admin, admin.user_id, "clinician")


def test_clinician_cannot_manage_accounts_or_read_audit(db: Database) -> None:
    admin = make_admin(db)
    clin = make_clinician(db, admin, "cara")
    with pytest.raises(AccessDenied):
        accounts.list_users(db, clin)
    with pytest.raises(AccessDenied):
        accounts.create_user(
            db, clin, username="x1", display_name="X", role="admin", password=PASSWORD, confirm=PASSWORD
        )
    with pytest.raises(AccessDenied):
        audit.entries(db, clin)


def test_duplicate_username_refused(db: Database) -> None:
    admin = make_admin(db)
    make_clinician(db, admin, "cara")
    with pytest.raises(ValidationError) as info:
        accounts.create_user(
            db, admin, username="Cara", display_name="C", role="clinician", password=PASSWORD, confirm=PASSWORD
        )
    assert info.value.field == "username"
