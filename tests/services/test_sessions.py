"""Treatment sessions: readiness screen, logging in one transaction, progression and its safety gates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import audit, plan_overview, plans, prescriptions, sessions, set_rows
from rehab.services import settings as clinic_settings
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from rehab.store import plans as plan_store
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import go_answers, leg_press_plan, measured_1rm, new_patient, prefilled, run_session

TODAY = date.today()
START = TODAY - timedelta(days=13)  # weeks 1 and 2 of the plan (familiarisation: 1 set of 10–15, target 10)
HIGH_BP = {"systolic_mmhg": 186, "diastolic_mmhg": 96}  # at or above 180/110 → stop
RAISED_BP = {"systolic_mmhg": 166, "diastolic_mmhg": 92}  # above 160/100, below 180/110 → caution


def _next(db: Database, actor, patient_id: int) -> prescriptions.ItemPrescription:  # type: ignore[no-untyped-def]
    return sessions.treatment_view(db, actor, patient_id, audit_view=False).next_session[0]


def test_a_session_is_logged_whole_and_the_next_load_follows_the_rule(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)  # 1RM 100 kg → week 1 at 40 % = 40 kg
    first = run_session(db, admin, pid, START, reps=12)
    assert isinstance(first, sessions.LogResult) and first.sets_saved == 1
    assert first.next_session[0].reason == (
        "Session 1 at 40 kg since that load was set (the count starts here). "
        "2-for-2 rule: only 1 session(s) at this load; it needs 2 in a row to judge. Keep 40 kg."
    )
    second = run_session(db, admin, pid, START + timedelta(days=2), reps=12)
    # 12 reps = target 10 + 2 in both sessions → one 2.5 kg step; +6.25 % needs no confirmation
    nxt = second.next_session[0]  # type: ignore[union-attr]
    assert (nxt.load_text, nxt.action, nxt.pending_confirmation) == ("42.5 kg", "increase", False)
    assert nxt.reason.endswith("Increase from 40 kg to 42.5 kg.")
    stored = plan_store.plan_sets(db.engine.connect(), plan_overview.overview(db, admin, pid, audit_view=False).plan.id)  # type: ignore[union-attr]
    assert [(s.prescribed_load_kg, s.load_kg, s.target_reps, s.reps) for s in stored] == [(40.0, 40.0, 10, 12)] * 2
    actions = [(e.action, e.entity) for e in audit.entries(db, admin, patient_id=pid)][:4]
    assert actions == [("update", "treatment_session"), ("create", "treatment_session")] * 2


def test_a_stop_records_the_session_as_not_performed_and_blocks_progression(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    run_session(db, admin, pid, START, reps=12)
    stop = sessions.start_session(db, admin, pid, answers=go_answers(**HIGH_BP), session_date=START + timedelta(days=2))
    assert stop.outcome == "stop"
    assert "at or above 180/110 mmHg" in stop.lines[0].text and "PMC10847087" in stop.lines[0].source
    recent = sessions.treatment_view(db, admin, pid, audit_view=False).recent
    assert list(recent["Status"])[:1] == ["Not performed"]
    reason = recent["Reason not performed"].iloc[0]
    assert reason.startswith("Readiness screen said stop: Resting blood pressure 186/96")
    held = _next(db, admin, pid)
    assert (held.load_text, held.action) == ("40 kg", "hold")
    assert "not performed" in held.reason and "nothing progresses" in held.reason
    # the good session before the stop no longer counts: one good session after it is not yet "2 in a row"
    after = run_session(db, admin, pid, START + timedelta(days=4), reps=12)
    assert after.next_session[0].load_text == "40 kg"  # type: ignore[union-attr]
    assert "only 1 session(s) at this load" in after.next_session[0].reason  # type: ignore[union-attr]
    again = run_session(db, admin, pid, START + timedelta(days=6), reps=12)
    assert again.next_session[0].load_text == "42.5 kg"  # type: ignore[union-attr]


def test_caution_lets_the_session_go_ahead_without_any_increase(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    run_session(db, admin, pid, START, reps=12)
    result = run_session(db, admin, pid, START + timedelta(days=2), reps=12, answers=go_answers(**RAISED_BP))
    nxt = result.next_session[0]  # type: ignore[union-attr]
    assert (nxt.load_text, nxt.action) == ("40 kg", "hold")
    assert "pre-session screen did not pass in session 2, so no increase" in nxt.reason


def test_pain_above_five_brings_the_load_down(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    result = run_session(db, admin, pid, START, reps=12, pain=7)
    nxt = result.next_session[0]  # type: ignore[union-attr]
    # pain 7/10 > 5/10 → one step down: 40 → 37.5 kg
    assert (nxt.load_text, nxt.action) == ("37.5 kg", "decrease")
    assert "Pain 7/10 in session 1" in nxt.reason


def test_invalid_cells_save_nothing_and_name_row_and_column(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plans.create_plan(
        db,
        admin,
        pid,
        baselines=[measured_1rm("leg_press", 100), measured_1rm("hip_abduction", 5, "paretic")],
        start_date=START,
    )
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, rows = prefilled(db, admin, pid, today=START)
    assert [(r[set_rows.EXERCISE], r[set_rows.LOAD], r[set_rows.BAND], r[set_rows.REPS]) for r in rows] == [
        ("Leg press · set 1", 40.0, None, 10),
        ("Standing hip abduction · paretic · set 1", None, "red", 10),
    ]
    rows[0][set_rows.PAIN_AFTER] = 11
    rows[0][set_rows.EFFORT] = "hard"
    rows[1][set_rows.BAND] = "purple"
    with pytest.raises(ValidationErrors) as refused:
        sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    assert list(refused.value.by_field().values()) == [
        "Row 1 (Leg press, set 1), Effort: “hard” is not a number; effort is 0–10 (10 = no reps left in reserve).",
        "Row 1 (Leg press, set 1), Pain after: 11 is outside the range; pain is 0–10, a whole number.",
        "Row 2 (Standing hip abduction (paretic side), set 1), Band: choose one of the bands: tan, yellow, red, "
        "green, blue, black, silver, gold.",
    ]
    view = sessions.treatment_view(db, admin, pid, audit_view=False)
    assert view.open_session is not None and view.open_session.record.version == version
    plan_id = view.plan_id
    assert plan_id is not None
    with db.engine.connect() as conn:
        assert plan_store.plan_sets(conn, plan_id) == []


def test_a_failure_half_way_rolls_back_every_set(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plan_id = leg_press_plan(db, admin, pid, start=START)
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, rows = prefilled(db, admin, pid, today=START)

    def broken(conn, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan_store, "add_decisions", broken)
    with pytest.raises(RuntimeError):
        sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    with db.engine.connect() as conn:
        assert plan_store.plan_sets(conn, plan_id) == []
        assert plan_store.get_session(conn, session_id).status == "in_progress"  # type: ignore[union-attr]


def test_cleared_reps_mean_a_set_not_done_and_an_empty_table_is_refused(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plans.create_plan(
        db, admin, pid, baselines=[measured_1rm("leg_press", 100), measured_1rm("seated_row", 30)], start_date=START
    )
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, rows = prefilled(db, admin, pid, today=START)
    for row in rows:
        row[set_rows.REPS] = None
    with pytest.raises(ValidationErrors) as empty:
        sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    assert list(empty.value.by_field()) == ["rows"]
    rows[0][set_rows.REPS] = 11
    result = sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    assert result.sets_saved == 1
    row_item = {p.label: p for p in result.next_session}["Seated row"]
    assert row_item.action == "hold" and row_item.reason.startswith(f"Not done in the session on {START.isoformat()}")


def test_a_second_save_of_the_same_session_is_refused_with_who_and_when(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = new_patient(db, admin, care_team=[admin.user_id, cara.user_id])
    leg_press_plan(db, admin, pid, start=START)
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, rows = prefilled(db, admin, pid, today=START)
    sessions.save_log(db, cara, session_id, expected_version=version, rows=rows)
    with pytest.raises(ConflictError, match=r"Cara saved this session's sets at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    plan_id = sessions.treatment_view(db, admin, pid, audit_view=False).plan_id
    with db.engine.connect() as conn:
        assert len(plan_store.plan_sets(conn, plan_id)) == 1  # type: ignore[arg-type]


def test_an_open_session_can_be_recorded_as_not_performed(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, _ = prefilled(db, admin, pid, today=START)
    with pytest.raises(ValidationErrors):
        sessions.mark_not_performed(db, admin, session_id, expected_version=version, reason="  ")
    sessions.mark_not_performed(db, admin, session_id, expected_version=version, reason="Dizzy on standing")
    held = _next(db, admin, pid)
    assert held.action == "hold" and "(Dizzy on standing)" in held.reason
    with pytest.raises(ConflictError, match="recorded this session as not performed"):
        sessions.mark_not_performed(db, admin, session_id, expected_version=version, reason="again")


def test_the_screen_reports_every_missing_answer_and_one_session_at_a_time(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    with pytest.raises(ValidationErrors) as missing:
        sessions.start_session(db, admin, pid, answers={"systolic_mmhg": 120, "chest_pain": False})
    assert set(missing.value.by_field()) == {
        "diastolic_mmhg",
        "resting_heart_rate_bpm",
        "pain_now",
        "new_neuro_symptoms",
        "unwell_or_fever",
    }
    with pytest.raises(ValidationErrors) as early:
        sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START - timedelta(days=1))
    assert list(early.value.by_field()) == ["session_date"]
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    with pytest.raises(ConflictError, match="has not been logged yet"):
        sessions.start_session(db, admin, pid, answers=go_answers())


def test_the_clinic_sets_its_own_thresholds(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    assert clinic_settings.screen_thresholds(db).is_default
    with pytest.raises(AccessDenied):
        clinic_settings.save_screen_thresholds(db, cara, {"stop_systolic_at_or_above": 170}, expected_version=0)
    with pytest.raises(ValidationErrors) as crossed:
        clinic_settings.save_screen_thresholds(db, admin, {"caution_systolic_above": 190}, expected_version=0)
    assert list(crossed.value.by_field()) == ["caution_systolic_above"]
    new = {"stop_systolic_at_or_above": 170, "caution_systolic_above": 150}
    assert clinic_settings.save_screen_thresholds(db, admin, new, expected_version=0) == 1
    with pytest.raises(ConflictError, match="Ada Admin changed the screening thresholds"):
        clinic_settings.save_screen_thresholds(db, admin, new, expected_version=0)
    # 172/80 is below the default 180 stop but at or above the clinic's 170
    outcome = sessions.start_session(db, admin, pid, answers=go_answers(systolic_mmhg=172, diastolic_mmhg=80))
    assert outcome.outcome == "stop" and "at or above 170/110 mmHg" in outcome.lines[0].text


def test_bands_progress_one_band_at_a_time_and_large_jumps_wait_for_confirmation(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plans.create_plan(db, admin, pid, baselines=[measured_1rm("hip_abduction", 5, "paretic")], start_date=START)
    run_session(db, admin, pid, START, reps=12)
    result = run_session(db, admin, pid, START + timedelta(days=2), reps=12)
    nxt = result.next_session[0]  # type: ignore[union-attr]
    # red about 1.7 kg → green about 2.1 kg is +24 %, above 10 %: confirmation needed, red stays in force
    assert (nxt.load_text, nxt.proposed_text, nxt.pending_confirmation) == (
        "red band (about 1.7 kg)",
        "green band (about 2.1 kg)",
        True,
    )


def test_the_effort_rule_raises_the_load_when_target_reps_felt_easy(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plans.create_plan(db, admin, pid, baselines=[measured_1rm("leg_press", 100)], rule="rpe", start_date=START)
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=START)
    session_id, version, rows = prefilled(db, admin, pid, today=START)
    rows[0][set_rows.EFFORT] = 6
    result = sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    # target 10 reached at effort 6 (≤ 7) → +2.5 kg
    assert result.next_session[0].load_text == "42.5 kg"
    assert "rated 6/10" in result.next_session[0].reason


def test_a_lighter_week_session_never_counts_towards_an_increase(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    start = TODAY - timedelta(days=34)  # week 5 (a lighter week by default) is 28–34 days after the start
    leg_press_plan(db, admin, pid, start=start)
    run_session(db, admin, pid, start + timedelta(days=21), reps=12)  # week 4
    result = run_session(db, admin, pid, start + timedelta(days=28), reps=12)  # week 5
    nxt = result.next_session[0]  # type: ignore[union-attr]
    assert nxt.action == "hold" and "lighter (deload) week, which does not count towards an increase" in nxt.reason


def test_sessions_are_only_for_the_care_team(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    with pytest.raises(AccessDenied):
        sessions.start_session(db, cara, pid, answers=go_answers())
    with pytest.raises(AccessDenied):
        sessions.treatment_view(db, cara, pid)


def test_the_readiness_screen_names_every_problem_at_once_missing_and_mistyped() -> None:
    # A systolic typed "12o", an SpO2 of 150 % and no pain answered: all three are said together, each at its field,
    # so the clinician is not sent back three times.
    answers = go_answers(systolic_mmhg="12o", spo2_percent=150)
    answers.pop("pain_now")
    with pytest.raises(ValidationErrors) as refused:
        sessions.readiness_answers(answers)
    fields = refused.value.by_field()
    assert set(fields) == {"systolic_mmhg", "spo2_percent", "pain_now"}
    assert "answer this" in fields["pain_now"]
    assert "number" in fields["systolic_mmhg"] and fields["spo2_percent"].startswith("SpO2")
