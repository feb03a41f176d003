"""The day's caseload prepared ahead of the first view, and the background thread that does it each day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from rehab.services import audit, caseload, daily
from rehab.store import Database
from rehab.store import caseload as caseload_store
from tests.caseload_helpers import TODAY, seeded_clinic


def test_a_prepared_day_leaves_nothing_to_read_on_the_first_view(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = seeded_clinic(db)
    assert caseload.prepare(db, today=TODAY) == 6  # every active patient, whoever will look
    asked: list[object] = []
    real = caseload_store.caseload

    def spy(conn, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs["only"])
        return real(conn, **kwargs)

    monkeypatch.setattr(caseload_store, "caseload", spy)
    view = caseload.caseload(db, clinic.clinician, today=TODAY)
    assert asked == [] and len(view.table) == 5  # ready, and still only the clinician's care team
    flagged = view.table[view.table["patient_id"] == clinic.ids["fallrisk"]].iloc[0]
    assert flagged[caseload.FLAG_LABELS[caseload.FALL_RISK]]
    # preparing is nobody viewing: only the clinician's view is in the audit log
    views = [e for e in audit.entries(db, clinic.admin, action="view") if e.entity == "caseload"]
    assert [e.username for e in views] == ["casey"]


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 11, 26, 23, 59, 0, tzinfo=UTC), 90.0),  # 60 s to midnight + 30 s after it
        (datetime(2026, 11, 26, 0, 0, 10, tzinfo=UTC), 24 * 3600 + 20.0),  # just ran: the next midnight
        (datetime(2026, 12, 31, 12, 0, 0, tzinfo=UTC), 12 * 3600 + 30.0),  # across a year end
    ],
)
def test_the_next_preparation_is_just_after_the_coming_midnight(now: datetime, seconds: float) -> None:
    assert daily.seconds_to_next_run(now) == seconds


def test_the_thread_prepares_at_once_and_survives_a_failure() -> None:
    calls: list[str] = []
    ran = threading.Event()

    def failing(_db: Database) -> int:
        calls.append("prepare")
        ran.set()
        raise RuntimeError("database unavailable")

    stop = threading.Event()
    thread = daily.start(object(), prepare=failing, stop=stop)  # type: ignore[arg-type]
    assert ran.wait(10), "the preparation did not run at start"
    assert thread.is_alive() and thread.daemon  # the failure was logged, the thread waits for the next day
    stop.set()
    thread.join(10)
    assert not thread.is_alive() and calls == ["prepare"]
