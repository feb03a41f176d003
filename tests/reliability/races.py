"""A race helper for checks guarded by a lock (used with ``_race`` from ``test_races.py``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from rehab.store import Database

MEET_SECONDS = 2.0


def meet_or_pass(
    monkeypatch: pytest.MonkeyPatch, db: Database, module: Any, name: str, parties: int = 2
) -> Callable[[], None]:
    """On PostgreSQL, hold each call of ``module.name`` until ``parties`` calls are waiting or MEET_SECONDS
    have passed, then let it run. Without a lock every party has made its check when they meet, which is the
    race; with a lock taken before the check the second party never arrives while the first waits, so the
    first goes on after MEET_SECONDS and the second checks after it committed (a strict barrier, as
    ``_meet_before`` uses, would wait for ever there). Returns what starts a new round. SQLite serialises
    writers, so there it does nothing and the calls only start together."""
    if db.dialect != "postgresql":
        return lambda: None
    real = getattr(module, name)
    state = {"waiting": 0}
    cond = threading.Condition()

    def held(*args: Any, **kwargs: Any) -> Any:
        with cond:
            state["waiting"] += 1
            cond.notify_all()
            cond.wait_for(lambda: state["waiting"] >= parties, timeout=MEET_SECONDS)
        return real(*args, **kwargs)

    def new_round() -> None:
        with cond:
            state["waiting"] = 0

    monkeypatch.setattr(module, name, held)
    return new_round
