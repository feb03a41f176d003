"""Repeating the readiness screen after rest, through the session service, on SQLite and PostgreSQL.

Hand-worked from the clinical reference: 165/95 mmHg is above 160/100's systolic part → caution (§8.1 [R19]);
185/100 is at or above 180/110's systolic part → stop, "recheck after rest" (§8.1 [R19], [R20]); 150/88 is under
both → go; 170/95 → caution. The reference gives no rest duration (§8.1, §13.10, §13.15), so none is required
unless the clinic sets one. Both readings are kept; the repeat decides the session.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.domain.planning import DEFAULT_TEMPLATE
from rehab.services import export_summaries, sessions
from rehab.services import settings as clinic_settings
from rehab.services.context import ConflictError
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.plans import session_facts
from tests.plan_helpers import go_answers
from tests.services.test_screen_lower_limits import _patient, _stored

START = date.today() - timedelta(days=6)
RESTED = {"systolic_mmhg": 150, "diastolic_mmhg": 88, "resting_heart_rate_bpm": 70}


def _repeat(db: Database, admin, session_id: int, readings: dict[str, object]):  # type: ignore[no-untyped-def]
    version = _stored(db, session_id).version
    return sessions.repeat_screen(db, admin, session_id, expected_version=version, readings=readings)


def test_a_caution_repeated_at_rest_goes_and_both_readings_are_kept(db: Database) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    assert first.outcome == "caution"
    view = sessions.treatment_view(db, admin, pid, today=START, audit_view=False)
    assert view.repeat_offer is not None and view.repeat_offer.first_outcome == "caution"
    again = _repeat(db, admin, first.session_id, RESTED)
    assert again.outcome == "go"
    record = _stored(db, first.session_id)
    # the first readings and verdict are untouched; the session is decided by the repeat
    assert (record.systolic_mmhg, record.diastolic_mmhg, record.first_screen_outcome) == (165, 95, "caution")
    assert record.screen_outcome == "go" and record.status == "in_progress"
    assert "above 160/100" in json.loads(record.first_screen_reasons)[0]["text"]
    with db.engine.connect() as conn:
        repeat = plan_store.session_repeats(conn, [record.id])[record.id]
    assert (repeat.systolic_mmhg, repeat.diastolic_mmhg, repeat.screen_outcome) == (150, 88, "go")
    assert repeat.created_at >= record.created_at
    view = sessions.treatment_view(db, admin, pid, today=START, audit_view=False)
    assert view.repeat_offer is None  # one repeat per session
    assert [(s.outcome, s.readings) for s in view.screens] == [
        ("caution", "BP 165/95 · HR 72"),
        ("go", "BP 150/88 · HR 70"),
    ]
    row = view.recent.iloc[0]
    assert row["Screen"] == "Go (on the repeat; first: go with caution)"
    assert "BP 165/95 · HR 72 → repeated after 0 min rest" in row["Readings"]
    assert row["Readings"].endswith("BP 150/88 · HR 70")


def test_the_repeat_decides_the_engine_a_go_lets_the_load_rise(db: Database) -> None:
    # After a caution no load rises (clinical reference §10); after a repeat that says go, the session counts
    # as a clear screen for the progression engine.
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    _repeat(db, admin, first.session_id, RESTED)
    record = _stored(db, first.session_id)
    assert session_facts(DEFAULT_TEMPLATE, record).screen_ok
    assert not session_facts(DEFAULT_TEMPLATE, replace(record, screen_outcome=record.first_screen_outcome)).screen_ok


def test_a_caution_repeated_into_a_stop_records_not_performed_and_holds(db: Database) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    again = _repeat(db, admin, first.session_id, {**RESTED, "systolic_mmhg": 186})
    assert again.outcome == "stop"
    record = _stored(db, first.session_id)
    assert record.status == "not_performed" and record.first_screen_outcome == "caution"
    assert record.not_performed_reason.startswith("Readiness screen repeated after rest said stop: Resting blood")
    with db.engine.connect() as conn:
        held = [d for d in plan_store.decision_history(conn, record.plan_id) if d.session_id == record.id]
    assert held and {d.action for d in held} == {"hold"}


def test_a_stop_on_blood_pressure_repeated_at_caution_opens_the_session(db: Database) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=185, diastolic_mmhg=100), session_date=START
    )
    assert first.outcome == "stop" and _stored(db, first.session_id).status == "not_performed"
    view = sessions.treatment_view(db, admin, pid, today=START, audit_view=False)
    assert view.repeat_offer is not None and view.repeat_offer.first_outcome == "stop"
    assert [line.text[:52] for line in view.repeat_offer.first_lines] == [
        "Resting blood pressure 185/100 mmHg is at or above 1"
    ]
    assert (
        sessions.treatment_view(db, admin, pid, today=START + timedelta(days=1), audit_view=False).repeat_offer is None
    )
    again = _repeat(db, admin, first.session_id, {**RESTED, "systolic_mmhg": 170, "diastolic_mmhg": 95})
    assert again.outcome == "caution"
    record = _stored(db, first.session_id)
    assert record.status == "in_progress" and record.not_performed_reason == ""
    assert (record.systolic_mmhg, record.first_screen_outcome, record.screen_outcome) == (185, "stop", "caution")
    view = sessions.treatment_view(db, admin, pid, today=START, audit_view=False)
    assert view.open_session is not None and view.open_session.record.id == first.session_id


@pytest.mark.parametrize("changes", [{"chest_pain": True}, {"pain_now": 4}])
def test_a_screen_that_cannot_settle_is_not_repeated(db: Database, changes: dict[str, object]) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(db, admin, pid, answers=go_answers(**changes), session_date=START)
    assert sessions.treatment_view(db, admin, pid, today=START, audit_view=False).repeat_offer is None
    with pytest.raises(ValidationErrors) as refused:
        _repeat(db, admin, first.session_id, RESTED)
    assert list(refused.value.by_field()) == ["repeat"]
    with db.engine.connect() as conn:
        assert plan_store.session_repeats(conn, [first.session_id]) == {}


def test_missing_or_implausible_readings_save_nothing(db: Database) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    with pytest.raises(ValidationErrors) as missing:
        _repeat(db, admin, first.session_id, {"systolic_mmhg": 150})
    assert set(missing.value.by_field()) == {"diastolic_mmhg", "resting_heart_rate_bpm"}
    with pytest.raises(ValidationErrors) as implausible:
        _repeat(db, admin, first.session_id, {**RESTED, "resting_heart_rate_bpm": 400})
    assert implausible.value.by_field() == {"resting_heart_rate_bpm": "Resting heart rate must be at most 250 bpm."}
    record = _stored(db, first.session_id)
    assert record.repeat_id is None and record.screen_outcome == "caution" and record.version == 1


def test_the_clinics_minimum_rest_is_asked_for(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin, pid = _patient(db)
    clinic_settings.save_screen_thresholds(db, admin, {"repeat_min_rest_minutes": 5}, expected_version=0)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    with pytest.raises(ValidationErrors) as early:
        _repeat(db, admin, first.session_id, RESTED)
    assert "at least 5 min of rest" in early.value.by_field()["repeat"]
    later = _stored(db, first.session_id).created_at + timedelta(minutes=6)
    monkeypatch.setattr(sessions, "now_utc", lambda: later)
    assert _repeat(db, admin, first.session_id, RESTED).outcome == "go"
    with db.engine.connect() as conn:
        assert plan_store.session_repeats(conn, [first.session_id])[first.session_id].rest_minutes == 6


def test_a_stale_version_is_refused(db: Database) -> None:
    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    _repeat(db, admin, first.session_id, RESTED)
    with pytest.raises(ConflictError):
        sessions.repeat_screen(db, admin, first.session_id, expected_version=1, readings=RESTED)


def test_the_session_summary_shows_both_readings_with_times(db: Database) -> None:

    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    _repeat(db, admin, first.session_id, RESTED)
    summary = export_summaries.session_summary(db, admin, pid, first.session_id)
    record = _stored(db, first.session_id)
    assert summary.screen_outcome == "go"
    assert summary.screen_values.startswith(
        f"First reading at {record.created_at.strftime('%H:%M UTC')} (caution): Blood pressure 165/95 mmHg"
    )
    assert "Repeated after 0 min rest at " in summary.screen_values
    assert "(go, decides the session): BP 150/88 · HR 70" in summary.screen_values
    assert [f.outcome for f in summary.screen_findings] == ["go", "caution"]
    assert summary.screen_findings[1].text.startswith("First reading: Resting blood pressure 165/95")


def test_the_plan_pages_session_history_shows_both_screens(db: Database) -> None:
    from rehab.services import plan_overview

    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=165, diastolic_mmhg=95), session_date=START
    )
    _repeat(db, admin, first.session_id, RESTED)
    row = plan_overview.overview(db, admin, pid, audit_view=False).sessions.iloc[0]
    assert row["Screen"] == "Go (on the repeat; first: go with caution)"
    at = _stored(db, first.session_id).created_at.strftime("%H:%M UTC")
    assert row["Readings"].startswith(f"{at} BP 165/95 · HR 72 → repeated after 0 min rest, ")


def test_a_stop_that_settles_is_logged_and_the_plan_goes_on(db: Database) -> None:
    # 185/100 → stop (loads held); after rest 150/88 → go: the session opens, its sets are saved, the next
    # session's loads are decided after it, and the following session starts and logs as usual.
    from tests.plan_helpers import prefilled, run_session

    admin, pid = _patient(db)
    first = sessions.start_session(
        db, admin, pid, answers=go_answers(systolic_mmhg=185, diastolic_mmhg=100), session_date=START
    )
    assert _repeat(db, admin, first.session_id, RESTED).outcome == "go"
    session_id, version, rows = prefilled(db, admin, pid, today=START)
    assert session_id == first.session_id
    logged = sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    assert logged.sets_saved == len(rows) and logged.next_session
    record = _stored(db, session_id)
    assert record.status == "completed" and record.first_screen_outcome == "stop" and record.screen_outcome == "go"
    with db.engine.connect() as conn:
        decided = [d for d in plan_store.decision_history(conn, record.plan_id) if d.session_id == session_id]
    # the hold written at the stop stays in the history; the decision made after the sets is the newest, in force
    assert len(decided) == 2 and decided[0].action == "hold" and decided[1].id > decided[0].id
    run_session(db, admin, pid, START + timedelta(days=2))
    assert [r for r in sessions.treatment_view(db, admin, pid, audit_view=False).recent["Status"]] == [
        "Performed",
        "Performed",
    ]
