"""Eight clinicians saving at once through the service layer: nothing lost, nothing doubled, no error shown.

Each writer is a thread with its own signed-in clinician, as the Streamlit server runs each browser
session on its own thread over one shared engine. A writer registers a patient every fifth action and
otherwise records a three-value sitting (grip both sides and TUG) for its latest patient.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from rehab.services import assessments, patients
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store.tables import assessments as assessment_rows
from rehab.store.tables import audit_log, care_team
from rehab.store.tables import patients as patient_rows
from tests.helpers import make_admin, make_clinician, patient_data

WRITERS = 8
ACTIONS = 250  # per writer
REGISTER_EVERY = 5
VALUES_PER_SITTING = 3
TIME_LIMIT_S = 60.0
TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


class CountingDatabase(Database):
    """The real Database; counts transaction attempts so lock retries inside ``run`` become visible."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.attempts = 0
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Connection]:
        with self._lock:
            self.attempts += 1
        with super().transaction(write=write) as conn:
            yield conn


def _writer(
    db: Database, actor: Actor, number: int, start: threading.Barrier, out: dict[str, Any], deadline: float
) -> None:
    mrns: list[str] = []
    notes: list[str] = []
    errors: list[str] = []
    start.wait(timeout=30)
    patient_id: int | None = None
    for action in range(ACTIONS):
        if time.monotonic() > deadline:
            errors.append(f"writer {number} stopped at action {action}: time limit reached")
            break
        try:
            if action % REGISTER_EVERY == 0:
                mrn = f"W{number}-{action:03d}"
                patient_id = patients.register(db, actor, patient_data(mrn=mrn, given_name=f"Writer{number}"))
                mrns.append(mrn)
            else:
                note = f"w{number}-a{action:03d}"
                results = assessments.record(
                    db,
                    actor,
                    int(patient_id),  # type: ignore[arg-type]
                    taken_at=TAKEN_AT,
                    entries={
                        "grip": {"sides": {"left": [10 + action % 7, 11], "right": [20, 21 + action % 5]}},
                        "tug": {"value": 12.0 + action % 9},
                    },
                    note=note,
                )
                assert len(results) == VALUES_PER_SITTING
                notes.append(note)
        except Exception:  # any error a clinician would see is a failure of this test
            errors.append(f"writer {number} action {action}: {traceback.format_exc(limit=3)}")
    out[f"mrns{number}"] = mrns
    out[f"notes{number}"] = notes
    out[f"errors{number}"] = errors


def _count(db: Database, query: Any) -> int:
    return int(db.run(lambda c: c.execute(query).scalar_one(), write=False))


def test_eight_concurrent_writers_lose_and_duplicate_nothing(db: Database, report: Callable[[str], None]) -> None:
    counting = CountingDatabase(db.engine)
    admin = make_admin(counting)
    writers = [make_clinician(counting, admin, f"writer{n}") for n in range(WRITERS)]
    start = threading.Barrier(WRITERS + 1)
    out: dict[str, Any] = {}
    deadline = time.monotonic() + TIME_LIMIT_S
    threads = [
        threading.Thread(target=_writer, args=(counting, actor, n, start, out, deadline), name=f"writer{n}")
        for n, actor in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    attempts_before = counting.attempts
    start.wait(timeout=30)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT_S + 30)
    elapsed = time.perf_counter() - began
    assert not any(t.is_alive() for t in threads), "a writer hung"

    errors = [e for n in range(WRITERS) for e in out[f"errors{n}"]]
    expected_mrns = [m for n in range(WRITERS) for m in out[f"mrns{n}"]]
    expected_notes = [m for n in range(WRITERS) for m in out[f"notes{n}"]]
    calls = len(expected_mrns) + len(expected_notes)

    stored_mrns = db.run(lambda c: [r[0] for r in c.execute(select(patient_rows.c.mrn))], write=False)
    per_note = Counter(db.run(lambda c: [r[0] for r in c.execute(select(assessment_rows.c.note))], write=False))
    lost_patients = set(expected_mrns) - set(stored_mrns)
    lost_sittings = {n for n in expected_notes if per_note[n] == 0}
    half_saved = {n: k for n, k in per_note.items() if k not in (0, VALUES_PER_SITTING)}
    duplicated = len(stored_mrns) - len(set(stored_mrns))
    unexpected = (set(stored_mrns) - set(expected_mrns)) | (set(per_note) - set(expected_notes))
    without_team = _count(
        db,
        select(func.count())
        .select_from(patient_rows)
        .where(~select(care_team.c.patient_id).where(care_team.c.patient_id == patient_rows.c.id).exists()),
    )
    audited_patients = _count(
        db,
        select(func.count()).where(audit_log.c.entity == "patient", audit_log.c.action == "create"),
    )
    audited_sittings = _count(
        db,
        select(func.count()).where(audit_log.c.entity == "assessment", audit_log.c.action == "create"),
    )
    retries = counting.attempts - attempts_before - calls
    lost = len(lost_patients) + len(lost_sittings)
    report(
        f"stress {db.dialect}: {WRITERS} writers x {ACTIONS} service calls = {calls} saved "
        f"({len(expected_mrns)} patient registrations, {len(expected_notes)} assessment sittings = "
        f"{sum(per_note.values())} values), lost {lost}, duplicated {duplicated}, half-saved {len(half_saved)}, "
        f"errors {len(errors)}, lock retries {retries}, {elapsed:.1f} s ({calls / elapsed:.0f} saves/s)"
    )

    assert errors == [], errors[:3]
    assert calls == WRITERS * ACTIONS
    assert lost_patients == set() and lost_sittings == set()
    assert duplicated == 0 and half_saved == {} and unexpected == set()
    assert len(stored_mrns) == len(expected_mrns)
    assert sum(per_note.values()) == VALUES_PER_SITTING * len(expected_notes)
    assert without_team == 0
    assert audited_patients == len(expected_mrns) and audited_sittings == len(expected_notes)
    assert elapsed < TIME_LIMIT_S
