"""Plans: baselines, the template, first loads, overrides, confirmations, access and audit (both engines)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest

from rehab.charts import load_chart
from rehab.domain.errors import ValidationErrors
from rehab.services import audit, commands, exercise_library, plan_inputs, plan_overview, plans, sessions
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import estimated_1rm, leg_press_plan, measured_1rm, new_patient, run_session

TODAY = date.today()


def _loads(db: Database, actor, patient_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    view = plan_overview.overview(db, actor, patient_id, audit_view=False)
    return {p.label: p.load_text for p in view.next_session}


def test_plan_from_estimated_and_tested_baselines_starts_at_week_one_loads(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plans.create_plan(
        db,
        admin,
        pid,
        baselines=[
            # Epley: 20 kg × (1 + 8/30) = 25.33 kg; week 1 at 40 % → 10.13 kg; machine step 2.5 → 10 kg
            estimated_1rm("knee_extension", 20, 8, "paretic"),
            # tested 40 kg; 40 % → 16 kg; step 2.5 → 15 kg
            measured_1rm("knee_extension", 40, "non_paretic"),
            # tested 100 kg; 40 % → 40 kg exactly
            measured_1rm("leg_press", 100),
            # band: 40 % of 5 kg = 2 kg → heaviest band not above: red (about 1.7 kg)
            measured_1rm("hip_abduction", 5, "paretic"),
        ],
        start_date=TODAY,
    )
    assert _loads(db, admin, pid) == {
        "Knee extension (paretic side)": "10 kg",
        "Knee extension (non-paretic side)": "15 kg",
        "Leg press": "40 kg",
        "Standing hip abduction (paretic side)": "red band (about 1.7 kg)",
    }
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    baselines = view.items.set_index("Exercise")
    assert round(float(view.items.iloc[0]["1RM (kg)"]), 1) == 25.3
    assert "Epley" in str(baselines.loc["Knee extension (paretic side)", "How measured"])
    assert "Low accuracy" not in view.items  # a column only when some baseline is of low accuracy
    assert [e.action for e in audit.entries(db, admin, patient_id=pid)] == ["create", "create"]  # patient, plan


def test_eleven_or_twelve_reps_are_marked_low_accuracy_and_thirteen_refused(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    preview = plan_inputs.preview_baseline("estimated_submaximal", load_kg=30, reps=11)
    # Epley: 30 × (1 + 11/30) = 41 kg
    assert round(preview.one_rm_kg, 2) == 41.0 and preview.low_accuracy
    assert not plan_inputs.preview_baseline("estimated_submaximal", load_kg=30, reps=10).low_accuracy
    with pytest.raises(ValidationErrors) as refused:
        plans.create_plan(db, admin, pid, baselines=[estimated_1rm("leg_press", 30, 13)])
    assert list(refused.value.by_field()) == ["baseline.leg_press.both.reps"]
    assert "at most 12" in refused.value.by_field()["baseline.leg_press.both.reps"]
    plans.create_plan(db, admin, pid, baselines=[estimated_1rm("leg_press", 30, 12)])
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.items.iloc[0]["Low accuracy"].startswith("yes")


def test_every_bad_field_is_reported_and_nothing_is_stored(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    with pytest.raises(ValidationErrors) as refused:
        plans.create_plan(
            db,
            admin,
            pid,
            baselines=[
                estimated_1rm("leg_press", None, 8),  # type: ignore[arg-type]
                measured_1rm("knee_extension", 0, "paretic"),  # read as typed, refused: a 1RM is above 0
            ],
            rule="fastest",
            template={"deload_every_weeks": 1},
        )
    fields = refused.value.by_field()
    assert set(fields) == {
        "rule",
        "template.deload_every_weeks",
        "baseline.leg_press.both.load_kg",
        "baseline.knee_extension.paretic.one_rm_kg",
    }
    assert plan_overview.overview(db, admin, pid, audit_view=False).plan is None


def test_a_negative_1rm_is_refused_where_it_is_typed_with_what_is_allowed() -> None:
    with pytest.raises(ValidationErrors) as refused:
        commands.baseline_entries(
            [
                {"exercise_key": "knee_extension", "side": "paretic", "method": "tested_1rm", "one_rm_kg": "-5"},
                {"exercise_key": "leg_press", "method": "estimated_submaximal", "load_kg": "40", "reps": "8.5"},
            ]
        )
    fields = refused.value.by_field()
    assert "-5 is outside the range" in fields["baseline.knee_extension.paretic.one_rm_kg"]
    assert "8.5 is not a whole number" in fields["baseline.leg_press.both.reps"]


def test_one_sided_exercise_needs_a_side(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    with pytest.raises(ValidationErrors) as refused:
        plans.create_plan(db, admin, pid, baselines=[measured_1rm("knee_extension", 30)])
    assert "paretic or non-paretic" in refused.value.by_field()["baselines"]


def test_template_edits_are_stored_with_the_plan(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    edits = {
        "sessions_per_week": (3, 3),
        "deload_every_weeks": 0,
        "phases": {"familiarisation": {"percent_1rm": (30.0, 40.0), "last_week": 3}},
    }
    plans.create_plan(db, admin, pid, baselines=[measured_1rm("leg_press", 100)], template=edits, start_date=TODAY)
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    # week 1 at 30 % of 100 kg = 30 kg
    assert [p.load_text for p in view.next_session] == ["30 kg"]
    assert view.template.sessions_per_week == (3, 3)
    assert view.template.deload_every_weeks is None
    # familiarisation now ends in week 3, so the early phase starts in week 4
    assert [(p.name, p.weeks) for p in view.phases][:2] == [("Familiarisation", "1–3"), ("Early (neural) phase", "4–8")]
    assert "No lighter (deload) weeks." in view.rhythm


def test_above_80_percent_needs_a_written_reason(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    heavier = {"phases": {"strength": {"percent_1rm": (70.0, 85.0)}}}
    with pytest.raises(ValidationErrors) as refused:
        plans.create_plan(db, admin, pid, baselines=[measured_1rm("leg_press", 100)], template=heavier)
    assert "80 % upper bound" in refused.value.by_field()["template.above_guideline_reason"]
    reasoned = dict(heavier, above_guideline_reason="Chronic stroke, trial protocol at 84 % (Lee 2010)")
    plans.create_plan(db, admin, pid, baselines=[measured_1rm("leg_press", 100)], template=reasoned)
    assert any("Lee 2010" in line for line in plan_overview.overview(db, admin, pid, audit_view=False).rhythm)


def test_default_schedule_never_exceeds_80_percent(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=TODAY)
    schedule = plan_overview.overview(db, admin, pid, audit_view=False).schedule
    # the strength phase ramps 70 → 80 % over weeks 9–12 and holds: 80 % of 100 kg = 80 kg at most
    assert schedule["%1RM"].max() == 80.0
    assert set(schedule.loc[schedule["Week"] == 12, "Template load"]) == {"80 kg"}


def test_a_new_plan_ends_the_active_one_which_stays_readable(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    first = leg_press_plan(db, admin, pid, start=TODAY)
    second = plans.create_plan(db, admin, pid, baselines=[measured_1rm("seated_row", 30)])
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is not None and view.plan.id == second
    assert [(p.id, p.status) for p in view.past_plans] == [(first, "ended")]
    assert audit.entries(db, admin, patient_id=pid, action="create")[0].detail.endswith(f"ends plan {first}")
    # a page that still shows the first plan cannot end the second one unseen
    with pytest.raises(ConflictError, match=f"Ada Admin created plan {second}"):
        plans.create_plan(db, admin, pid, baselines=[measured_1rm("leg_press", 90)], replaces_plan_id=first)
    assert plan_overview.overview(db, admin, pid, audit_view=False).plan.id == second  # type: ignore[union-attr]


def test_clinic_exercises_join_the_library(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    key = exercise_library.add_custom_exercise(
        db,
        cara,
        {"name": "Wall push-up", "body_region": "upper_limb", "unilateral": False, "equipment": "body_weight"},
    )
    assert key == "custom_wall_push_up"
    assert exercise_library.library(db)[key].load_step_kg == 1.0  # body-weight default step
    with pytest.raises(ValidationErrors) as duplicate:
        exercise_library.add_custom_exercise(
            db, admin, {"name": "wall push-up", "body_region": "upper_limb", "unilateral": False, "equipment": "cable"}
        )
    assert list(duplicate.value.by_field()) == ["name"]
    with pytest.raises(ValidationErrors) as bad_step:
        exercise_library.add_custom_exercise(
            db,
            admin,
            {"name": "Hip thrust", "body_region": "lower_limb", "unilateral": False, "equipment": "free_weight",
             "load_step_kg": 0},
        )  # fmt: skip
    assert list(bad_step.value.by_field()) == ["load_step_kg"]
    pid = new_patient(db, cara)
    plans.create_plan(db, cara, pid, baselines=[measured_1rm(key, 12.0)], start_date=TODAY)
    # 40 % of 12 kg = 4.8 kg; 1 kg step → 4 kg
    assert _loads(db, cara, pid) == {"Wall push-up": "4 kg"}


def test_override_is_kept_with_its_reason_and_the_engine_continues_from_it(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plan_id = leg_press_plan(db, admin, pid, start=TODAY - timedelta(days=10))
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is not None
    item = view.next_session[0]
    with pytest.raises(ValidationErrors) as no_reason:
        plans.override_load(
            db, admin, plan_id, item.item_id, expected_version=view.plan.version, reason=" ", load_kg=35
        )
    assert list(no_reason.value.by_field()) == ["override_reason"]
    version = plans.override_load(
        db, admin, plan_id, item.item_id, expected_version=view.plan.version, reason="Sore knee", load_kg=37.5
    )
    assert version == view.plan.version + 1
    after = plan_overview.overview(db, admin, pid, audit_view=False).next_session[0]
    assert (after.load_text, after.action, after.clinician_override) == ("37.5 kg", "override", True)
    assert after.reason.startswith("Clinician override: Sore knee. Set to 37.5 kg (the rule had suggested 40 kg")
    # two sessions at 12 reps (target 10, 2 over) → 2-for-2 raises the overridden 37.5 kg by one 2.5 kg step
    run_session(db, admin, pid, TODAY - timedelta(days=9), reps=12)
    result = run_session(db, admin, pid, TODAY - timedelta(days=7), reps=12)
    nxt = result.next_session[0]  # type: ignore[union-attr]
    assert nxt.load_text == "40 kg" and "Increase from 37.5 kg to 40 kg." in nxt.reason
    entry = [e for e in audit.entries(db, admin, patient_id=pid) if e.entity == "plan_load"]
    assert [e.detail for e in entry] == ["override Leg press: 40 kg → 37.5 kg; reason: Sore knee"]


def test_override_on_an_old_version_is_refused_with_who_and_when(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = new_patient(db, admin, care_team=[admin.user_id, cara.user_id])
    plan_id = leg_press_plan(db, admin, pid, start=TODAY)
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is not None
    item_id = view.next_session[0].item_id
    plans.override_load(db, cara, plan_id, item_id, expected_version=view.plan.version, reason="Cara's", load_kg=35)
    with pytest.raises(ConflictError, match="Cara changed this plan at"):
        plans.override_load(db, admin, plan_id, item_id, expected_version=view.plan.version, reason="Mine", load_kg=30)
    assert plan_overview.overview(db, admin, pid, audit_view=False).next_session[0].load_text == "35 kg"


def test_an_increase_above_ten_percent_waits_for_confirmation(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    # tested 1RM 25 kg; 40 % = 10 kg → 10 kg on the machine
    plan_id = plans.create_plan(
        db, admin, pid, baselines=[measured_1rm("knee_extension", 25, "paretic")], start_date=TODAY - timedelta(days=10)
    )
    run_session(db, admin, pid, TODAY - timedelta(days=9), reps=12)
    result = run_session(db, admin, pid, TODAY - timedelta(days=7), reps=12)
    # 2-for-2 met: 10 → 12.5 kg is +25 %, above 10 %, so it must be confirmed and is not used until then
    nxt = result.next_session[0]  # type: ignore[union-attr]
    assert nxt.pending_confirmation and nxt.load_text == "10 kg" and nxt.proposed_text == "12.5 kg"
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is not None
    version = plans.confirm_increase(db, admin, plan_id, nxt.decision_id, expected_version=view.plan.version)
    confirmed = plan_overview.overview(db, admin, pid, audit_view=False).next_session[0]
    assert (confirmed.load_text, confirmed.pending_confirmation, confirmed.confirmed_by) == (
        "12.5 kg",
        False,
        "Ada Admin",
    )
    with pytest.raises(ConflictError):
        plans.confirm_increase(db, admin, plan_id, nxt.decision_id, expected_version=version)
    details = [e.detail for e in audit.entries(db, admin, patient_id=pid) if e.entity == "plan_load"]
    assert details == ["confirmed increase Knee extension (paretic side): 10 kg → 12.5 kg"]


def test_plans_are_only_for_the_care_team(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = new_patient(db, admin)
    plan_id = leg_press_plan(db, admin, pid, start=TODAY)
    with pytest.raises(AccessDenied):
        plan_overview.overview(db, cara, pid)
    with pytest.raises(AccessDenied):
        plans.create_plan(db, cara, pid, baselines=[measured_1rm("leg_press", 50)])
    with pytest.raises(AccessDenied):
        plans.override_load(db, cara, plan_id, 1, expected_version=1, reason="x", load_kg=1)
    assert all(e.username == "admin" for e in audit.entries(db, admin, patient_id=pid))


def test_opening_the_plan_page_is_audited_once_per_opening(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plan_id = leg_press_plan(db, admin, pid, start=TODAY)
    plan_overview.overview(db, admin, pid, audit_view=True)
    plan_overview.overview(db, admin, pid, audit_view=False)
    views = [e for e in audit.entries(db, admin, patient_id=pid) if e.action == "view"]
    assert [(e.entity, e.entity_id) for e in views] == [("plan", str(plan_id))]


def test_ending_a_plan_keeps_it(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    plan_id = leg_press_plan(db, admin, pid, start=TODAY)
    with pytest.raises(ConflictError):
        plans.end_plan(db, admin, plan_id, expected_version=99)
    plans.end_plan(db, admin, plan_id, expected_version=1)
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is None and [p.status for p in view.past_plans] == ["ended"]


def test_demo_plans_come_from_the_real_engine_and_keep_working(db: Database) -> None:
    """Demo histories depend on the day they are generated (weekdays, missed sessions), so a week of days is
    checked: every next-session reason is one the engine writes, whatever the day."""
    from rehab.services.demo_plans import generate_plans

    admin = make_admin(db)
    prefixes = ("Week 1,", "Session ", "2-for-2 rule", "Effort rule", "DAPRE", "Pain ", "Not done", "The session on",
                "Clinician override", "Awaiting a clinician's confirmation: ")  # fmt: skip
    for day in range(7):
        today = TODAY + timedelta(days=day)
        ids = [new_patient(db, admin, mrn=f"D-{day}-{i}") for i in range(3)]
        made = db.run(partial(generate_plans, patient_ids=ids, clinician_id=admin.user_id, seed=7, today=today))
        assert made == 3
        for pid in ids:
            view = plan_overview.overview(db, admin, pid, audit_view=False)
            assert view.plan is not None and len(view.sessions) >= 10  # at least 8 weeks at 2 a week, some missed
            odd = [p.reason for p in view.next_session if not p.reason.startswith(prefixes)]
            assert not odd, (today, odd)
            assert any(not c.points.empty for c in view.charts)
    # a demo plan carries on with a real session
    result = run_session(db, admin, ids[0], TODAY)
    assert result.next_session  # type: ignore[union-attr]


def test_a_load_that_lags_its_phase_says_so(db: Database) -> None:
    """Leg press, 1RM 100 kg, started 5 weeks ago with no sessions logged: the load in force is still week 1's
    40 kg (40 %). Week 6 of the default template is 62 % (50 % at week 3 rising 4 % a week to 70 % at week 8),
    60 kg after rounding down to the 2.5 kg step, so the prescription says it lags the phase."""
    admin = make_admin(db)
    pid = new_patient(db, admin)
    today = date.today()
    leg_press_plan(db, admin, pid, start=today - timedelta(days=35))
    [item] = sessions.treatment_view(db, admin, pid, today=today, audit_view=False).next_session
    assert item.week == 6 and item.load_kg == 40.0
    assert item.phase_percent_1rm == (50.0, 70.0)
    assert item.phase_load_text == "60 kg"


def test_a_load_within_its_phase_says_nothing_more(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=date.today())
    [item] = sessions.treatment_view(db, admin, pid, today=date.today(), audit_view=False).next_session
    assert item.week == 1 and item.load_kg == 40.0 and item.phase_load_text is None


def test_the_estimated_1rm_comes_only_from_sets_near_failure_and_never_from_lighter_weeks(db: Database) -> None:
    """The default template makes every 5th week lighter. A set with no effort recorded, or far from failure,
    plots its loads but no estimate (it says only that the load could be lifted); 10 reps at effort 9/10 does
    (Epley: 40 × (1 + 10/30) = 53.3 kg), except in a lighter week. The baseline (tested 100 kg) anchors the line."""
    admin = make_admin(db)
    pid = new_patient(db, admin)
    start = date.today() - timedelta(days=35)
    leg_press_plan(db, admin, pid, start=start)
    no_effort, easy, hard, week_five = (start + timedelta(days=d) for d in (1, 3, 5, 29))
    run_session(db, admin, pid, no_effort, reps=10)
    run_session(db, admin, pid, easy, reps=10, effort=6)
    run_session(db, admin, pid, hard, reps=10, effort=9)
    run_session(db, admin, pid, week_five, reps=10, effort=9)
    [chart] = plan_overview.overview(db, admin, pid, audit_view=False).charts
    estimates = {row.date: row.value_kg for row in chart.points.itertuples() if row.series == "Estimated 1RM"}
    assert estimates == {start: 100.0, hard: 53.3}
    series = {(row.date, row.series) for row in chart.points.itertuples()}
    assert (week_five, "Performed load") in series and (week_five, "Prescribed load") in series
    basis = {row.date: row.basis for row in chart.points.itertuples() if row.series == "Estimated 1RM"}
    assert basis[hard] == "Epley from 40 kg × 10 at effort 9/10 (near failure)"
    assert basis[start].startswith("baseline: Tested 1RM 100 kg")


def test_load_chart_points_name_who_recorded_each_session(db: Database) -> None:
    """Ada (the administrator) logs the first session, Ben the second: each point names its own recorder,
    and the load chart's tooltip carries it, as assessment charts carry the assessor."""
    admin = make_admin(db)
    ben = make_clinician(db, admin, "ben")
    pid = new_patient(db, admin, care_team=[admin.user_id, ben.user_id])
    start = date.today() - timedelta(days=6)
    leg_press_plan(db, admin, pid, start=start)
    run_session(db, admin, pid, start)
    run_session(db, ben, pid, start + timedelta(days=2))
    [chart] = plan_overview.overview(db, admin, pid, audit_view=False).charts
    recorders = {(row.date, row.recorded_by) for row in chart.points.itertuples() if row.series == "Performed load"}
    assert recorders == {(start, "Ada Admin"), (start + timedelta(days=2), "Ben")}
    spec = load_chart(chart.points, chart.bands, title=chart.label)
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert {"field": "recorded_by", "type": "nominal", "title": "Recorded by"} in line["encoding"]["tooltip"]
