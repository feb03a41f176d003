"""Account changes guarded by a check, made at the same moment (issue 14, row 12), on SQLite and PostgreSQL.

Two administrators deactivating (or demoting) each other must leave one active administrator, and two
"first administrator" forms sent together must create one account. On PostgreSQL each transaction is held just
before its write until the other has reached the same point or two seconds have passed: without a lock both
have made their check by then (the race the attack won 19 times in 20); with the lock the second waits for the
first to commit and checks after it. On SQLite writers queue for the write lock (BEGIN IMMEDIATE), so the calls
are only started together.
"""

from __future__ import annotations

from typing import Any

import pytest

from rehab.domain.errors import ValidationError
from rehab.services import accounts, auth
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store import users as user_store
from tests.helpers import PASSWORD, make_admin
from tests.reliability.races import meet_or_pass
from tests.reliability.test_races import _race

ROUNDS = 5


def _second_admin(db: Database, admin: Actor, username: str) -> Actor:
    accounts.create_user(
        db, admin, username=username, display_name=username.title(), role="admin", password=PASSWORD, confirm=PASSWORD
    )
    result = auth.sign_in(db, username, PASSWORD)
    assert result.actor is not None
    return result.actor


def _active_admins(db: Database) -> list[str]:
    return sorted(u.username for u in db.run(user_store.all_users, write=False) if u.active and u.role == "admin")


def _one_refused(outcomes: list[tuple[str, Any]]) -> None:
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    [refused] = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(refused, ValidationError), repr(refused)


@pytest.mark.parametrize("change", ["deactivate", "demote"])
def test_two_administrators_removing_each_other_leave_one(
    db: Database, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = make_admin(db)
    new_round = meet_or_pass(monkeypatch, db, user_store, "set_fields")

    def remove(actor: Actor, user_id: int) -> None:
        if change == "deactivate":
            accounts.set_active(db, actor, user_id, active=False)
        else:
            accounts.set_role(db, actor, user_id, "clinician")

    for round_number in range(ROUNDS):
        a = first if round_number == 0 else _second_admin(db, first, f"keeper{round_number}")
        b = _second_admin(db, first, f"other{round_number}")
        # leave exactly a and b active administrators
        for user in db.run(user_store.all_users, write=False):
            if user.role == "admin" and user.active and user.id not in (a.user_id, b.user_id):
                accounts.set_active(db, a, user.id, active=False)
        assert _active_admins(db) == sorted([a.username, b.username])
        new_round()
        outcomes = _race([lambda a=a, b=b: remove(a, b.user_id), lambda a=a, b=b: remove(b, a.user_id)])
        _one_refused(outcomes)
        assert len(_active_admins(db)) == 1, (round_number, _active_admins(db))
        first = a if outcomes[0][0] == "ok" else b  # the one left signs in next round


def test_two_first_administrators_at_once_make_one_account(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    meet_or_pass(monkeypatch, db, user_store, "add")
    outcomes = _race(
        [
            lambda name=name: auth.create_first_admin(
                db, username=name, display_name=name.title(), password=PASSWORD, confirm=PASSWORD
            )
            for name in ("ada", "bob")
        ]
    )
    _one_refused(outcomes)
    assert len(db.run(user_store.all_users, write=False)) == 1
