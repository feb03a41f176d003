"""Sign-in under attack: parallel guesses against the lockout, and what a browser tab keeps after its sign-in ends.

Every sign-in makes exactly one call to ``passwords.verify`` (the real hash, or a dummy one when the account is
unknown or locked), so a barrier inside that call holds all parallel attempts together: each has done whatever it
does before hashing while none has yet written what it does after. The policy is 5 failures per 15 minutes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from rehab.services import accounts, audit, auth, exports, passwords
from rehab.services.context import AccessDenied, now_utc
from rehab.store import Database
from rehab.store import audit as audit_store
from rehab.store import users as user_store
from rehab.ui import export_widgets
from tests.app import cookies
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.helpers import PASSWORD, make_admin, make_clinician, spy_password_checks
from tests.plan_helpers import new_patient

PARALLEL = 12


def _parallel_wrong_attempts(db: Database, monkeypatch: pytest.MonkeyPatch, username: str) -> list[str | None]:
    """PARALLEL wrong passwords at once; returns the hash each password check ran against (None: the dummy)."""
    real = passwords.verify
    together = threading.Barrier(PARALLEL)
    checked: list[str | None] = []
    lock = threading.Lock()

    def held(password_hash: str | None, password: str) -> tuple[bool, str | None]:
        together.wait(timeout=30)
        with lock:
            checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify", held)
    start = threading.Barrier(PARALLEL)
    results: list[Any] = [None] * PARALLEL

    def attempt(i: int) -> None:
        start.wait(timeout=30)
        try:
            results[i] = auth.sign_in(db, username, f"wrong guess {i}")
        except Exception as exc:  # inspected below
            results[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sign-in hung"
    monkeypatch.setattr(passwords, "verify", real)
    assert all(isinstance(r, auth.SignInResult) and r.actor is None for r in results), results
    assert len(checked) == PARALLEL
    return checked


def test_parallel_wrong_passwords_check_at_most_the_policy_number(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin(db)
    stored = db.run(lambda c: user_store.by_id(c, admin.user_id))
    assert stored is not None
    checked = _parallel_wrong_attempts(db, monkeypatch, "admin")
    real_checks = [h for h in checked if h is not None]
    assert len(real_checks) == auth.policy().attempts == 5
    # The lock set by the fifth failure stands: the right password is refused while it lasts.
    during = auth.sign_in(db, "admin", PASSWORD)
    assert during.actor is None and during.message == auth.WRONG_CREDENTIALS
    after = db.run(lambda c: user_store.by_id(c, admin.user_id))
    assert after is not None and after.locked_until is not None
    details = [e.detail for e in audit.entries(db, admin, limit=100) if e.action == "sign-in failed"]
    assert details.count("wrong password") == 5
    assert details.count("locked") == PARALLEL - 5 + 1
    assert [e.action for e in audit.entries(db, admin, limit=100)].count("lockout") == 1


def test_locked_and_unknown_accounts_cost_one_dummy_check(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    make_admin(db)
    for _ in range(5):
        auth.sign_in(db, "admin", "wrong-password")
    calls = spy_password_checks(monkeypatch)
    locked = auth.sign_in(db, "admin", PASSWORD)
    unknown = auth.sign_in(db, "nobody", PASSWORD)
    assert calls == [None, None]
    # One message for every failure: nothing tells an existing, locked account from a name nobody has.
    assert locked.message == unknown.message == auth.WRONG_CREDENTIALS


# --- What a browser tab keeps after its sign-in ends (through the real app) ---------------------------------


def _exports(db: Database, pid: int) -> list[Any]:
    return [e for e in db.run(lambda c: audit_store.search(c, patient_id=pid), write=False) if e.action == "export"]


def _downloads_drawn(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """Keep each download button's callable as the page hands it to Streamlit (AppTest cannot click one)."""
    drawn: dict[str, Callable[[], bytes]] = {}
    real = st.download_button

    def keep(label: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        if callable(data):
            drawn[label] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", keep)
    return drawn


def _exports_page(db: Database, user_id: int, pid: int) -> AppTest:
    at = signed_in_app(user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "exports")
    assert_no_crash(at)
    return at


def _make_csv(at: AppTest, drawn: dict[str, Callable[[], bytes]]) -> Callable[[], bytes]:
    """Make the assessments CSV on the page (a page run, audited) and return its download button's callable."""
    at.button(key="dl_csv_make").click()
    at.run()
    assert_no_crash(at)
    return next(f for label, f in drawn.items() if label.startswith("Download Assessments (CSV)"))


def test_download_after_idle_time_out_hands_out_nothing(app_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "SEC-1")
    drawn = _downloads_drawn(monkeypatch)
    at = _exports_page(app_db, ana.user_id, pid)
    assert drawn == {} and _exports(app_db, pid) == []  # opening the page makes nothing
    # While the sign-in is live the file is made (and audited) and its button hands it out ...
    download = _make_csv(at, drawn)
    assert download().startswith(b"\xef\xbb\xbf")  # the CSV itself (UTF-8 with its byte-order mark)
    assert len(_exports(app_db, pid)) == 1
    # ... then the tab sits idle past the time-out, and the button already on screen is clicked.
    cookies.age_session(31)
    with pytest.raises(export_widgets.SignedOut):
        download()
    assert len(_exports(app_db, pid)) == 1


def test_after_deactivation_nothing_is_made_or_handed_out(app_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "SEC-2")
    drawn = _downloads_drawn(monkeypatch)
    at = _exports_page(app_db, ana.user_id, pid)
    download = _make_csv(at, drawn)
    accounts.set_active(app_db, admin, ana.user_id, False)
    with pytest.raises(export_widgets.SignedOut):
        download()
    at.button(key="dl_fhir_make").click()
    at.run()
    assert titles(at) == ["Sign in"]  # the page run that would make the FHIR file stops at the sign-in check
    assert len(_exports(app_db, pid)) == 1  # only the CSV made while the account was active


def test_download_after_sign_out_hands_out_nothing(app_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "SEC-3")
    drawn = _downloads_drawn(monkeypatch)
    at = _exports_page(app_db, ana.user_id, pid)
    download = _make_csv(at, drawn)
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert titles(at) == ["Sign in"]
    with pytest.raises(export_widgets.SignedOut):
        download()
    assert len(_exports(app_db, pid)) == 1


def test_sign_out_forgets_the_patient_and_what_was_viewed(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    ben = make_clinician(app_db, admin, "ben")
    pid = new_patient(app_db, ana, "SEC-4", care_team=[ana.user_id, ben.user_id])
    at = signed_in_app(ana.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "dashboard")
    assert_no_crash(at)
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert titles(at) == ["Sign in"]
    # Nothing of the first sign-in is left: no sign-in, no patient, no "already viewed" marker.
    for key in ("_rehab_signed_in", "_rehab_patient_id", "_rehab_viewed_patient"):
        assert key not in at.session_state, key
    # The next person on the same tab signs in and opens the dashboard: their view is audited as theirs.
    # The next person signs in on the same browser and comes back to the address the tab shows (this patient's
    # dashboard, which ben's care team may open): the view is audited as ben's, not taken as already viewed.
    cookies.sign_in_browser(ben.user_id)
    at.run()
    assert_no_crash(at)
    assert titles(at)[0].startswith("Dashboard")
    views = [e for e in app_db.run(lambda c: audit_store.search(c, patient_id=pid), write=False) if e.action == "view"]
    assert {e.user_id for e in views if e.entity == "dashboard"} == {ana.user_id, ben.user_id}


def test_idle_time_out_forgets_the_patient(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "SEC-5")
    at = signed_in_app(ana.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "dashboard")
    cookies.age_session(31)
    at.run()
    assert titles(at) == ["Sign in"]
    assert "_rehab_patient_id" not in at.session_state
    assert "_rehab_viewed_patient" not in at.session_state


# --- Hash cost ------------------------------------------------------------------------------------------------


def test_production_hashes_use_the_owasp_argon2id_setting() -> None:
    # OWASP Password Storage Cheat Sheet, argon2id, one of its five equivalent settings: m = 7 MiB (7168 KiB),
    # t = 5, p = 1 (the one holding least memory per check).
    encoded = passwords.production_hasher().hash("a sentence to hash")
    assert encoded.startswith("$argon2id$v=19$m=7168,t=5,p=1$")


def test_sign_in_upgrades_a_hash_with_other_parameters(db: Database) -> None:
    admin = make_admin(db)
    older = PasswordHasher(time_cost=3, memory_cost=4 * 1024, parallelism=2).hash(PASSWORD)
    db.run(lambda c: user_store.set_fields(c, admin.user_id, now=now_utc(), password_hash=older))
    assert auth.sign_in(db, "admin", PASSWORD).actor is not None
    stored = db.run(lambda c: user_store.by_id(c, admin.user_id))
    assert stored is not None and stored.password_hash != older
    # Now in the current setting (tests run a cheaper one than production: m = 8 MiB, t = 1, p = 1) ...
    assert stored.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    # ... and the same password still signs in, with nothing further to upgrade.
    assert auth.sign_in(db, "admin", PASSWORD).actor is not None
    again = db.run(lambda c: user_store.by_id(c, admin.user_id))
    assert again is not None and again.password_hash == stored.password_hash


def test_at_most_two_hashes_are_computed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    active = 0
    most = 0
    lock = threading.Lock()
    inside = threading.Barrier(2)

    class Watched(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            nonlocal active, most
            with lock:
                active += 1
                most = max(most, active)
            inside.wait(timeout=30)  # two are inside together; a third could only be here if the bound failed
            try:
                return super().verify(hash, password)
            finally:
                with lock:
                    active -= 1

    cheap = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    encoded = cheap.hash("secret words")
    passwords.use_hasher(Watched(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    try:
        threads = [threading.Thread(target=passwords.verify, args=(encoded, "secret words")) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        passwords.use_hasher(cheap)
    assert not any(t.is_alive() for t in threads)
    assert most == passwords.CONCURRENT_HASHES == 2


def test_export_service_refuses_a_deactivated_account(db: Database) -> None:
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    pid = new_patient(db, ana, "SEC-6")
    assert exports.export(db, ana, pid, "csv").data
    accounts.set_active(db, admin, ana.user_id, False)
    with pytest.raises(AccessDenied):
        exports.export(db, ana, pid, "csv")  # the caller's Actor was made before the deactivation
    entries = db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)
    assert len([e for e in entries if e.action == "export"]) == 1


def test_success_leaves_a_lock_set_by_a_parallel_failure(db: Database) -> None:
    """A right password whose attempt was reserved before four parallel failures locked the account."""
    admin = make_admin(db)
    now = now_utc()
    until = now + timedelta(minutes=15)

    def reserve(c: Any) -> bool | None:
        return user_store.reserve_attempt(c, admin.user_id, now=now, limit=5, lock_until=until)

    assert db.run(reserve) is False  # the right password's attempt, first in
    assert [db.run(reserve) for _ in range(4)] == [False, False, False, True]  # the fourth failure locks
    assert db.run(reserve) is None  # locked: no further password is checked
    db.run(lambda c: user_store.record_success(c, admin.user_id, now=now, password_hash=None, set_the_lock=False))
    stored = db.run(lambda c: user_store.by_id(c, admin.user_id))
    assert stored is not None and stored.locked_until is not None and stored.locked_until > now
    assert db.run(reserve) is None
