"""A sign-in takes its place among the page turns (rehab.turns, issue 16): its password check and new session
wait for a turn as a page run does, as of when the form arrived, and the first page run of the browser it signed
in keeps that place. Every wait is on an event or a count; a timeout only keeps a broken gate from hanging."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from rehab import turns
from rehab.services.auth import SignInResult
from rehab.store import Database
from rehab.web import routes
from tests.helpers import PASSWORD, make_admin
from tests.threads import HANG, in_thread, until


@pytest.fixture(autouse=True)
def _no_bound_afterwards() -> Iterator[None]:
    yield
    turns.configure(0)


def test_a_sign_in_waits_for_its_turn_and_its_pages_keep_its_place(db: Database) -> None:
    make_admin(db)
    turns.configure(1)
    holding, release = threading.Event(), threading.Event()

    def page_of_an_earlier_arrival() -> None:
        with turns.page_run(began=time.monotonic()):
            holding.set()
            release.wait(HANG)

    page = in_thread(page_of_an_earlier_arrival)
    assert holding.wait(HANG)
    arrived = time.monotonic()
    signed: list[tuple[SignInResult, str]] = []
    sign_in = in_thread(lambda: signed.append(routes._check_password(db, "admin", PASSWORD, arrived)))
    assert until(lambda: turns.queued() == 1)  # the password is checked only in a turn
    assert signed == []
    release.set()
    page.join(HANG)
    sign_in.join(HANG)
    [(result, token)] = signed
    assert result.actor is not None and token
    # the browser's first page run queues as of the sign-in's arrival, once
    assert turns.arrival(token) == arrived
    assert turns.arrival(token) is None


def test_a_wrong_password_keeps_no_place(db: Database) -> None:
    make_admin(db)
    turns.configure(1)
    result, token = routes._check_password(db, "admin", "not the password", time.monotonic())
    assert result.actor is None and token == ""
    assert turns.running() == 0  # the turn was given back


def test_arrivals_are_kept_only_with_a_bound_and_for_a_minute() -> None:
    turns.signed_in("token-without-bound", 1.0)
    assert turns.arrival("token-without-bound") is None  # no bound: no order to keep
    turns.configure(1)
    assert turns.arrival(None) is None and turns.arrival("never signed in") is None
    turns.signed_in("stale", time.monotonic() - turns.ARRIVALS_KEPT_S - 1)
    now = time.monotonic()
    turns.signed_in("fresh", now)  # each sign-in drops those kept longer than a minute
    assert turns.arrival("stale") is None
    assert turns.arrival("fresh") == now
