"""Two clinicians saving the same record at the same moment: exactly one save wins, the other is told why.

Records: a patient's details, an assessment value, a plan's load (two overrides of one exercise, or an override
against ending the plan), a treatment session (two clinicians logging the same open session, or screening the same
patient for a new session at once).

Both threads open the same version and are released together by a barrier. On PostgreSQL a second
barrier sits inside the transaction, just before the guarded write, so both transactions have read the
old version before either writes: the version check in the UPDATE itself has to refuse the loser. On
SQLite writers queue for the write lock (BEGIN IMMEDIATE), so a barrier inside the transaction would
only wait for ever; there the race is the two calls starting together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, audit, patients, plan_overview, plans, sessions, set_rows
from rehab.services.context import Actor, ConflictError, now_utc
from rehab.store import Database
from rehab.store import plans as plan_store
from tests.helpers import make_admin, make_clinician, patient_data
from tests.plan_helpers import go_answers, leg_press_plan, prefilled

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
    _meet_before(monkeypatch, db, patient_store, "lock_mrn", 2)  # released together into the MRN lock
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


# --- plans and treatment sessions ------------------------------------------------------------------------

PLAN_START = now_utc().date() - timedelta(days=21)


def _shared_patient(db: Database, admin: Actor, cara: Actor, dev: Actor, mrn: str = "MRN1001") -> int:
    return patients.register(db, admin, patient_data(mrn=mrn), care_team=[cara.user_id, dev.user_id])


def _plan_decisions(db: Database, plan_id: int) -> list[plan_store.DecisionRecord]:
    return db.run(lambda conn: plan_store.decision_history(conn, plan_id), write=False)


def _names(winner_is_first: bool) -> tuple[str, str]:
    return ("Cara", "Dev") if winner_is_first else ("Dev", "Cara")


def test_same_load_overridden_by_two_clinicians_at_once(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both saw plan version n and set their own next load for leg press: one override is kept, the other
    clinician is told who changed the plan, and no second override row is left behind."""
    admin, cara, dev = _two_clinicians(db)
    pid = _shared_patient(db, admin, cara, dev)
    plan_id = leg_press_plan(db, admin, pid, start=PLAN_START)
    item_id = plan_overview.overview(db, admin, pid, audit_view=False).next_session[0].item_id
    _meet_before(monkeypatch, db, plan_store, "bump_plan", 2)
    for version in range(1, ROUNDS + 1):
        outcomes = _race(
            [
                lambda v=version: plans.override_load(
                    db, cara, plan_id, item_id, expected_version=v, reason=f"cara {v}", load_kg=35.0
                ),
                lambda v=version: plans.override_load(
                    db, dev, plan_id, item_id, expected_version=v, reason=f"dev {v}", load_kg=37.5
                ),
            ]
        )
        new_version, refused = _one_winner(outcomes)
        winner, loser = _names(outcomes[0][0] == "ok")
        assert new_version == version + 1
        assert isinstance(refused, ConflictError), refused
        assert f"{winner} changed this plan at" in str(refused) and "Nothing was saved" in str(refused)
        assert loser not in str(refused)
        view = plan_overview.overview(db, admin, pid, audit_view=False)
        assert view.plan is not None and view.plan.version == version + 1
        shown = view.next_session[0]
        assert shown.clinician_override and shown.load_text == ("35 kg" if winner == "Cara" else "37.5 kg")
        assert f"{winner.lower()} {version}" in shown.reason
    history = _plan_decisions(db, plan_id)
    overrides = [d for d in history if d.clinician_override]
    assert len(history) == 1 + ROUNDS and len(overrides) == ROUNDS  # starting load + one override per round
    assert [d.supersedes_id for d in overrides] == [d.id for d in history[:-1]]  # each replaces the one before
    changes = [e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "plan_load"]
    assert len(changes) == ROUNDS


def test_same_open_session_logged_by_two_clinicians_at_once(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two tablets show the same screened session and both save its sets: one table is saved whole, the
    other is refused; the session holds the winner's reps only, with one next-load decision."""
    admin, cara, dev = _two_clinicians(db)
    pid = _shared_patient(db, admin, cara, dev)
    plan_id = leg_press_plan(db, admin, pid, start=PLAN_START)
    _meet_before(monkeypatch, db, plan_store, "update_session_if_version", 2)
    for round_number in range(ROUNDS):
        day = PLAN_START + timedelta(days=2 * round_number)
        sessions.start_session(db, admin, pid, answers=go_answers(), session_date=day)
        session_id, version, rows = prefilled(db, admin, pid, today=day)
        cara_rows = [dict(r, **{set_rows.REPS: 11, set_rows.PAIN_AFTER: 1}) for r in rows]
        dev_rows = [dict(r, **{set_rows.REPS: 9, set_rows.PAIN_AFTER: 3}) for r in rows]
        outcomes = _race(
            [
                lambda s=session_id, v=version, r=cara_rows: sessions.save_log(db, cara, s, expected_version=v, rows=r),
                lambda s=session_id, v=version, r=dev_rows: sessions.save_log(db, dev, s, expected_version=v, rows=r),
            ]
        )
        saved, refused = _one_winner(outcomes)
        winner, loser = _names(outcomes[0][0] == "ok")
        assert isinstance(refused, ConflictError), refused
        assert f"{winner} saved this session's sets at" in str(refused) and "Nothing was saved" in str(refused)
        assert loser not in str(refused)
        assert saved.sets_saved == len(rows)
        stored = db.run(lambda conn: plan_store.plan_sets(conn, plan_id), write=False)
        mine = [(s.reps, s.pain_after) for s in stored if s.session_id == session_id]
        assert mine == [(11, 1) if winner == "Cara" else (9, 3)] * len(rows), round_number
        decided = [d for d in _plan_decisions(db, plan_id) if d.session_id == session_id]
        assert len(decided) == 1  # one exercise, one next-load decision: the loser's was rolled back
    record = db.run(lambda conn: plan_store.plan_sessions(conn, plan_id), write=False)
    assert [s.status for s in record] == ["completed"] * ROUNDS and all(s.version == 2 for s in record)
    logs = [e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "treatment_session"]
    assert sorted(e.action for e in logs) == ["create"] * ROUNDS + ["update"] * ROUNDS


def test_same_patient_screened_for_a_session_by_two_clinicians_at_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only one session of a plan may be open: the second screen started at the same moment is refused
    (the plan row is locked before the open-session check), not saved as a second open session."""
    admin, cara, dev = _two_clinicians(db)
    pid = _shared_patient(db, admin, cara, dev)
    plan_id = leg_press_plan(db, admin, pid, start=PLAN_START)
    _meet_before(monkeypatch, db, plan_store, "lock_plan", 2)
    for round_number in range(ROUNDS):
        day = PLAN_START + timedelta(days=2 * round_number)
        outcomes = _race(
            [
                lambda d=day: sessions.start_session(db, cara, pid, answers=go_answers(), session_date=d),
                lambda d=day: sessions.start_session(db, dev, pid, answers=go_answers(), session_date=d),
            ]
        )
        screened, refused = _one_winner(outcomes)
        winner, _ = _names(outcomes[0][0] == "ok")
        assert isinstance(refused, ConflictError), refused
        assert f"{winner} started a session on {day.isoformat()} that has not been logged yet" in str(refused)
        open_ones = [
            s for s in db.run(lambda c: plan_store.plan_sessions(c, plan_id), write=False) if s.status == "in_progress"
        ]
        assert [s.id for s in open_ones] == [screened.session_id], round_number
        sessions.mark_not_performed(db, admin, screened.session_id, expected_version=1, reason="round over")
    screens = [e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "treatment_session"]
    assert sorted(e.action for e in screens) == ["create"] * ROUNDS + ["update"] * ROUNDS


def test_plan_ended_while_another_clinician_overrides_a_load(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ending the plan and changing its load on the same version: exactly one happens. Either the plan is
    ended with its loads as they were, or it stays active with the override; the other clinician is told."""
    admin, cara, dev = _two_clinicians(db)
    _meet_before(monkeypatch, db, plan_store, "bump_plan", 2)
    winners = []
    for round_number in range(ROUNDS):
        pid = _shared_patient(db, admin, cara, dev, mrn=f"END-{round_number}")
        plan_id = leg_press_plan(db, admin, pid, start=PLAN_START)  # a first plan: nothing is ended, no bump
        item_id = plan_overview.overview(db, admin, pid, audit_view=False).next_session[0].item_id
        outcomes = _race(
            [
                lambda p=plan_id: plans.end_plan(db, cara, p, expected_version=1),
                lambda p=plan_id, i=item_id: plans.override_load(
                    db, dev, p, i, expected_version=1, reason="knee pain", load_kg=30.0
                ),
            ]
        )
        _, refused = _one_winner(outcomes)
        ended = outcomes[0][0] == "ok"
        winners.append("end" if ended else "override")
        view = plan_overview.overview(db, admin, pid, audit_view=False)
        history = _plan_decisions(db, plan_id)
        changes = [e for e in audit.entries(db, admin, patient_id=pid) if e.action == "update"]
        if ended:
            # On SQLite the override may start after the end committed: then it gets the field message.
            assert isinstance(refused, ConflictError | ValidationErrors), refused
            if isinstance(refused, ConflictError):
                assert "Cara changed this plan at" in str(refused) and "Nothing was saved" in str(refused)
            else:
                assert refused.by_field() == {"override": "This plan has ended; loads can no longer change."}
            assert view.plan is None and [p.status for p in view.past_plans] == ["ended"]
            assert view.past_plans[0].version == 2
            assert [d.clinician_override for d in history] == [False]  # the starting load only
            assert [(e.entity, e.detail) for e in changes] == [("plan", "ended")]
        else:
            assert isinstance(refused, ConflictError), refused
            assert "Dev changed this plan at" in str(refused) and "Nothing was saved" in str(refused)
            assert view.plan is not None and view.plan.status == "active" and view.plan.version == 2
            assert view.next_session[0].load_text == "30 kg" and view.next_session[0].clinician_override
            assert [d.clinician_override for d in history] == [False, True]
            assert [e.entity for e in changes] == ["plan_load"]
    assert len(winners) == ROUNDS
