"""Sign-in under attack: parallel guesses against the lockout, and what a browser tab keeps after its sign-in ends.

Every sign-in makes exactly one call to ``passwords.verify`` (the real hash, or a dummy one when the account is
unknown or locked), so a barrier inside that call holds all parallel attempts together: each has done whatever it
does before hashing while none has yet written what it does after. The policy is 5 failures per 15 minutes.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from rehab.services import audit, auth, passwords
from rehab.store import Database
from rehab.store import users as user_store
from tests.helpers import PASSWORD, make_admin

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
    calls: list[str | None] = []
    real = passwords.verify

    def spy(password_hash: str | None, password: str) -> tuple[bool, str | None]:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify", spy)
    locked = auth.sign_in(db, "admin", PASSWORD)
    unknown = auth.sign_in(db, "nobody", PASSWORD)
    assert calls == [None, None]
    # One message for every failure: nothing tells an existing, locked account from a name nobody has.
    assert locked.message == unknown.message == auth.WRONG_CREDENTIALS
