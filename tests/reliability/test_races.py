"""Two clinicians saving the same record at the same moment: exactly one save wins, the other is told why.

Both threads open the same version and are released together by a barrier. On PostgreSQL a second
barrier sits inside the transaction, just before the guarded write, so both transactions have read the
old version before either writes: the version check in the UPDATE itself has to refuse the loser. On
SQLite writers queue for the write lock (BEGIN IMMEDIATE), so a barrier inside the transaction would
only wait for ever; there the race is the two calls starting together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, audit, patients
from rehab.services.context import Actor, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician, patient_data

ROUNDS = 5
TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def _race(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run the calls on their own threads, released together; each outcome is ("ok", value) or ("error", exc)."""
    start = threading.Barrier(len(calls))
    outcomes: list[tuple[str, Any]] = [("missing", None)] * len(calls)

    def run(index: int) -> None:
        start.wait(timeout=10)
        try:
            outcomes[index] = ("ok", calls[index]())
        except Exception as exc:  # the test inspects every outcome
            outcomes[index] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a save hung"
    return outcomes


def _meet_before(monkeypatch: pytest.MonkeyPatch, db: Database, module: Any, name: str, parties: int) -> None:
    """On PostgreSQL, hold each transaction just before ``module.name`` until all of them have reached it."""
    if db.dialect != "postgresql":
        return
    real = getattr(module, name)
    meet = threading.Barrier(parties)

    def held(*args: Any, **kwargs: Any) -> Any:
        meet.wait(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


def _one_winner(outcomes: list[tuple[str, Any]]) -> tuple[Any, Exception]:
    winners = [value for kind, value in outcomes if kind == "ok"]
    losers = [value for kind, value in outcomes if kind == "error"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    return winners[0], losers[0]


def _two_clinicians(db: Database) -> tuple[Actor, Actor, Actor]:
    admin = make_admin(db)
    return admin, make_clinician(db, admin, "cara"), make_clinician(db, admin, "dev")


def test_same_patient_edited_by_two_clinicians_at_once(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from rehab.store import patients as patient_store

    admin, cara, dev = _two_clinicians(db)
    pid = patients.register(db, admin, patient_data(), care_team=[cara.user_id, dev.user_id])
    _meet_before(monkeypatch, db, patient_store, "update_if_version", 2)
    for version in range(1, ROUNDS + 1):
        outcomes = _race(
            [
                lambda v=version: patients.update(
                    db, cara, pid, expected_version=v, data=patient_data(notes=f"cara {v}")
                ),
                lambda v=version: patients.update(
                    db, dev, pid, expected_version=v, data=patient_data(notes=f"dev {v}")
                ),
            ]
        )
        new_version, refused = _one_winner(outcomes)
        assert new_version == version + 1
        assert isinstance(refused, ConflictError), refused
        assert "after you opened it" in str(refused) and "were not saved" in str(refused)
        record = patients.open_record(db, admin, pid, audit_view=False).record
        winner = "cara" if outcomes[0][0] == "ok" else "dev"
        assert record.version == version + 1 and record.notes == f"{winner} {version}"
        loser = "dev" if winner == "cara" else "cara"
        assert loser.title() not in str(refused) and winner.title() in str(refused)  # names who saved first
    revisions = patients.revisions(db, admin, pid)
    assert sorted(r["version"] for r in revisions) == list(range(1, ROUNDS + 1))  # every replaced state kept
    updates = [e for e in audit.entries(db, admin, patient_id=pid) if e.action == "update"]
    assert len(updates) == ROUNDS


def test_same_assessment_amended_by_two_clinicians_at_once(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from rehab.store import assessments as assessment_store

    admin, cara, dev = _two_clinicians(db)
    pid = patients.register(db, admin, patient_data(), care_team=[cara.user_id, dev.user_id])
    _meet_before(monkeypatch, db, assessment_store, "set_status_if_version", 2)
    for round_number in range(ROUNDS):
        [first] = assessments.record(db, admin, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 20.0}})
        target = first.record
        outcomes = _race(
            [
                lambda t=target.id: assessments.amend(
                    db, cara, t, expected_version=1, entry={"value": 18.0}, reason="transcription"
                ),
                lambda t=target.id: assessments.amend(
                    db, dev, t, expected_version=1, entry={"value": 19.0}, reason="re-timed"
                ),
            ]
        )
        saved, refused = _one_winner(outcomes)
        assert isinstance(refused, ConflictError), refused
        assert "Nothing was saved" in str(refused)
        group = [r for r in assessments.history(db, admin, pid) if r.entry_group == target.entry_group]
        assert sorted((r.status, r.value) for r in group) == sorted([("amended", 20.0), ("final", saved.record.value)])
        assert saved.record.supersedes_id == target.id, round_number
    amendments = [
        e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "assessment" and e.action == "update"
    ]
    assert len(amendments) == ROUNDS


def test_amend_and_entered_in_error_race_one_wins(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from rehab.store import assessments as assessment_store

    admin, cara, dev = _two_clinicians(db)
    pid = patients.register(db, admin, patient_data(), care_team=[cara.user_id, dev.user_id])
    _meet_before(monkeypatch, db, assessment_store, "set_status_if_version", 2)
    [first] = assessments.record(db, admin, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 20.0}})
    outcomes = _race(
        [
            lambda: assessments.amend(
                db, cara, first.record.id, expected_version=1, entry={"value": 18.0}, reason="typo"
            ),
            lambda: assessments.mark_entered_in_error(
                db, dev, first.record.id, expected_version=1, reason="wrong patient"
            ),
        ]
    )
    _, refused = _one_winner(outcomes)
    assert isinstance(refused, ConflictError), refused
    rows = assessments.history(db, admin, pid)
    statuses = sorted(r.status for r in rows)
    assert statuses in (["amended", "final"], ["entered_in_error"])


@pytest.mark.parametrize("second_mrn", ["DUP-1", "dup-1"])
def test_same_new_mrn_registered_twice_at_once(db: Database, monkeypatch: pytest.MonkeyPatch, second_mrn: str) -> None:
    """Two clinicians register one patient at the same moment (MRNs match whatever the case): one record is
    saved, and the other clinician gets the field message, not an error page or a duplicate record."""
    from rehab.store import patients as patient_store

    admin, cara, dev = _two_clinicians(db)
    _meet_before(monkeypatch, db, patient_store, "add", 2)
    outcomes = _race(
        [
            lambda: patients.register(db, cara, patient_data(mrn="DUP-1", given_name="Carla")),
            lambda: patients.register(db, dev, patient_data(mrn=second_mrn, given_name="Devi")),
        ]
    )
    _, refused = _one_winner(outcomes)
    assert isinstance(refused, ValidationErrors), repr(refused)
    assert "already used" in refused.by_field()["mrn"]
    assert len(patients.search(db, admin, "dup-1")) == 1
