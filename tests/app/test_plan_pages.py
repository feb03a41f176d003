"""The plan and treatment pages through AppTest: build a plan, screen, log, see reasons, stop, bad cells."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from streamlit.testing.v1 import AppTest

from rehab.services import assessments, audit, plan_overview, plans, sessions, set_rows
from rehab.store import Database
from tests.app.conftest import errors, goto, signed_in_app, titles
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import go_answers, leg_press_plan, measured_1rm, new_patient, run_session

TODAY = date.today()
START = TODAY - timedelta(days=6)  # week 1: familiarisation, 1 set of 10–15 reps (target 10)
CRASH = "unexpected problem"


def _open(db: Database, page: str, *, user_id: int, patient_id: int | None) -> AppTest:
    at = signed_in_app(user_id)
    if patient_id is not None:
        at.session_state["_rehab_patient_id"] = patient_id
    return goto(at.run(), page)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in (at.success, at.info, at.warning, at.error) for e in kind]
    return "\n".join(parts).replace("\\", "")


def _screen(at: AppTest, **answers: Any) -> AppTest:
    values = go_answers(**answers)
    at.text_input(key="screen_0_sbp").input(str(values["systolic_mmhg"]))
    at.text_input(key="screen_0_dbp").input(str(values["diastolic_mmhg"]))
    at.text_input(key="screen_0_hr").input(str(values["resting_heart_rate_bpm"]))
    at.text_input(key="screen_0_pain").input(str(values["pain_now"]))
    for key, name in (
        ("screen_0_neuro", "new_neuro_symptoms"),
        ("screen_0_chest", "chest_pain"),
        ("screen_0_unwell", "unwell_or_fever"),
    ):
        at.radio(key=key).set_value("Yes" if values[name] else "No")
    at.button(key="FormSubmitter:readiness-Check readiness").click()
    return at.run()


_SLUG = {set_rows.REPS: "reps_done", set_rows.LOAD: "load_kg", set_rows.EFFORT: "effort",
         set_rows.PAIN_DURING: "pain_during", set_rows.PAIN_AFTER: "pain_after"}  # fmt: skip


def _cell(at: AppTest, column: str, set_number: int = 1) -> Any:
    """The sets grid's text field for one set's column (plans here have one exercise)."""
    [cell] = [w for w in at.text_input if w.key.startswith("log_") and w.key.endswith(f"_{set_number}_{_SLUG[column]}")]
    return cell


def _edit(at: AppTest, edits: dict[str, str]) -> None:
    """Type into the first set's cells, as a clinician would."""
    for column, typed in edits.items():
        _cell(at, column).input(typed)


def test_without_a_patient_the_pages_say_what_to_do(app_db: Database) -> None:
    admin = make_admin(app_db)
    for page, title in (("plan", "Loading plan"), ("treatment", "Treatment session")):
        at = _open(app_db, page, user_id=admin.user_id, patient_id=None)
        assert titles(at) == [title]
        assert [i.value for i in at.info] == ["Choose a patient on the Patients page first."]


def test_create_a_plan_from_an_estimated_1rm(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    assert titles(at) == ["Loading plan · LOVELACE, Ada"]
    at.multiselect(key="pb_exercises").set_value(["knee_extension"]).run()
    at.text_input(key="pb_knee_extension_paretic_load").input("20")
    at.text_input(key="pb_knee_extension_paretic_reps").input("8")
    at.checkbox(key="pb_knee_extension_non_paretic_on").uncheck()
    at.run()
    # Epley: 20 kg × (1 + 8/30) = 25.33 kg
    assert "1RM 25.3 kg · Epley: 20 kg × (1 + 8/30) = 25.3 kg" in _texts(at)
    assert not at.warning
    at.text_input(key="pb_knee_extension_paretic_reps").input("11").run()
    assert [w.value for w in at.warning] == [
        "Low-accuracy estimate (11–12 reps): prefer a heavier load for 10 reps or fewer."
    ]
    at.text_input(key="pb_knee_extension_paretic_reps").input("8").run()
    at.button(key="pb_create").click().run()
    assert errors(at) == [] and not any(CRASH in e for e in errors(at))
    text = _texts(at)
    assert "Plan created." in text
    # week 1 at 40 % of 25.33 kg = 10.13 kg → machine step 2.5 → 10 kg
    assert "**10 kg** · Starting load" in text
    assert "Why: AHA/ASA dose for stroke survivors" in text  # each phase states its rationale
    view = plan_overview.overview(app_db, admin, pid, audit_view=False)
    assert list(view.items["Exercise"]) == ["Knee extension (paretic side)"]
    assert [e.action for e in audit.entries(app_db, admin, patient_id=pid)].count("view") == 1


def test_a_missing_baseline_is_shown_next_to_its_field(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    at.multiselect(key="pb_exercises").set_value(["leg_press"]).run()
    at.text_input(key="pb_leg_press_both_load").input("40").run()
    at.button(key="pb_create").click().run()
    assert "Enter the repetitions completed (1–12)." in errors(at)
    assert plan_overview.overview(app_db, admin, pid, audit_view=False).plan is None


def test_log_a_session_then_see_the_next_loads_with_reasons(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    leg_press_plan(app_db, admin, pid, start=START)  # 1RM 100 kg → 40 kg
    run_session(app_db, admin, pid, START, reps=12)
    at = _open(app_db, "treatment", user_id=admin.user_id, patient_id=pid)
    assert titles(at) == ["Treatment session · LOVELACE, Ada"]
    at = _screen(at)
    assert "Readiness screen: go." in _texts(at)
    assert [t.label for t in at.tabs] == ["Leg press"]  # one tab per exercise
    assert "**Set 1** · target 10 reps" in _texts(at)
    assert _cell(at, set_rows.LOAD).value == "40"
    assert _cell(at, set_rows.REPS).value == "10"  # pre-filled with the target
    _edit(at, {set_rows.REPS: "12", set_rows.EFFORT: "8"})
    at.button(key="save_log").click().run()
    assert errors(at) == []
    text = _texts(at)
    assert "Session saved: 1 set(s)." in text
    # 12 reps (2 over the target of 10) in both sessions → 40 kg + one 2.5 kg step
    assert "**42.5 kg** · Increase" in text
    assert "2-for-2 rule: the last set reached 12 and 12 reps in sessions 1 and 2" in text
    assert "Increase from 40 kg to 42.5 kg." in text


def test_logging_with_the_prefilled_values_saves_them(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    leg_press_plan(app_db, admin, pid, start=START)
    at = _screen(_open(app_db, "treatment", user_id=admin.user_id, patient_id=pid))
    at.button(key="save_log").click().run()
    assert errors(at) == []
    recent = sessions.treatment_view(app_db, admin, pid, audit_view=False).recent
    assert list(recent["Status"]) == ["Performed"]
    assert "only 1 session(s) at this load" in _texts(at)


def test_a_stop_on_the_screen_blocks_progression(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    leg_press_plan(app_db, admin, pid, start=START)
    run_session(app_db, admin, pid, START, reps=12)
    at = _screen(_open(app_db, "treatment", user_id=admin.user_id, patient_id=pid), chest_pain=True)
    text = _texts(at)
    assert "Readiness screen: stop." in text
    assert "Chest pain now: no exercise; seek medical review." in text
    assert "Source: Angina or angina-like symptoms" in text
    assert "Escalate now: arrange a medical review before any further exercise." in errors(at)
    assert not [w for w in at.text_input if w.key.startswith("log_")]  # nothing to log
    assert "**40 kg** · Keep" in text and "nothing progresses" in text
    view = sessions.treatment_view(app_db, admin, pid, audit_view=False)
    assert list(view.recent["Status"]) == ["Not performed", "Performed"]
    assert view.next_session[0].load_text == "40 kg"


def test_an_invalid_cell_saves_nothing(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    leg_press_plan(app_db, admin, pid, start=START)
    at = _screen(_open(app_db, "treatment", user_id=admin.user_id, patient_id=pid))
    _edit(at, {set_rows.PAIN_DURING: "14"})
    at.button(key="save_log").click().run()
    message = "\n".join(errors(at)).replace("\\", "")
    assert message.startswith("Nothing was saved. Please correct these cells:")
    assert "Row 1 (Leg press, set 1), Pain during: 14 is outside the range; pain is 0–10, a whole number." in message
    view = sessions.treatment_view(app_db, admin, pid, audit_view=False)
    assert view.open_session is not None  # still open, nothing stored
    assert _cell(at, set_rows.PAIN_DURING).value == "14"  # the grid stays as typed, for correction
    assert [t.label for t in at.tabs] == ["Leg press ⚠"]


def test_override_and_confirm_from_the_page(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    plans.create_plan(
        app_db,
        admin,
        pid,
        baselines=[measured_1rm("knee_extension", 25, "paretic")],
        start_date=START,
    )
    run_session(app_db, admin, pid, START, reps=12)
    run_session(app_db, admin, pid, START + timedelta(days=2), reps=12)
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    # 10 → 12.5 kg is +25 %: the page asks for confirmation and keeps 10 kg until then
    assert "more than 10 % above the current load" in _texts(at)
    decision_id = plan_overview.overview(app_db, admin, pid, audit_view=False).next_session[0].decision_id
    at.button(key=f"confirm_{decision_id}").click().run()
    assert "Increase to 12.5 kg confirmed for Knee extension (paretic side)." in _texts(at)
    item_id = plan_overview.overview(app_db, admin, pid, audit_view=False).next_session[0].item_id
    at.text_input(key=f"override_{item_id}_load").input("11")
    at.text_input(key=f"override_{item_id}_reason").input("Knee pain on the stairs")
    at.button(key=f"override_{item_id}_save").click().run()
    assert errors(at) == []
    assert "**11 kg** · Clinician's load" in _texts(at)
    details = [e.detail for e in audit.entries(app_db, admin, patient_id=pid) if e.entity == "plan_load"]
    assert details[0] == "override Knee extension (paretic side): 12.5 kg → 11 kg; reason: Knee pain on the stairs"


def test_a_clinician_off_the_care_team_sees_no_plan(app_db: Database) -> None:
    admin = make_admin(app_db)
    cara = make_clinician(app_db, admin, "cara")
    pid = new_patient(app_db, admin, family_name="Secretson")
    leg_press_plan(app_db, admin, pid, start=START)
    for page in ("plan", "treatment"):
        at = _open(app_db, page, user_id=cara.user_id, patient_id=pid)
        assert [e.replace("\\", "") for e in errors(at)] == ["This patient is not on your care team."]
        assert "secretson" not in (_texts(at) + " ".join(titles(at))).lower()


def test_the_plan_page_draws_the_load_lifted_with_its_phases(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    leg_press_plan(app_db, admin, pid, start=START)  # 1RM 100 kg → 40 kg in familiarisation
    run_session(app_db, admin, pid, START, reps=12)
    run_session(app_db, admin, pid, START + timedelta(days=2), reps=12)
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    # its title and subtitle are page text above it, which wraps on a phone (Vega cut the subtitle short with "…")
    assert "title" not in spec
    assert "**Leg press**" in [m.value for m in at.markdown]
    assert any(c.value.startswith("Load prescribed and lifted per session") for c in at.caption)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.count("line") == 2 and "point" in marks and "rect" in marks
    # the phase in which both sessions fell is named in the chart
    assert any(layer["mark"]["type"] == "text" for layer in spec["layer"])


def _record_1rm(db: Database, actor, pid: int, days_ago: int, **entry: Any) -> None:  # type: ignore[no-untyped-def]
    taken = datetime.combine(TODAY - timedelta(days=days_ago), time(10), tzinfo=UTC)
    assessments.record(db, actor, pid, taken_at=taken, entries={"one_rm": entry})


def test_the_builder_fills_in_the_latest_1rm_from_the_record(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)  # paretic side: left
    _record_1rm(app_db, admin, pid, 3, site="Knee extension", method="tested", tested_kg=52, side="left")
    _record_1rm(app_db, admin, pid, 90, site="knee extension", method="tested", tested_kg=70, side="right")
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    at.multiselect(key="pb_exercises").set_value(["knee_extension"]).run()
    day = (TODAY - timedelta(days=3)).isoformat()
    text = _texts(at)
    assert f"From the assessment on {day} by Ada Admin: tested 1RM 52 kg" in text
    assert at.radio(key="pb_knee_extension_paretic_method").value == "tested_1rm"
    assert at.text_input(key="pb_knee_extension_paretic_one_rm").value == "52"
    # the non-paretic value is 90 days old: shown as stale, never filled in as if current
    stale = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert "Not filled in: the assessment on" in stale and "tested 1RM 70 kg, 90 days ago" in stale
    assert "older than the plan's re-test interval of 4 week(s)" in stale
    assert at.text_input(key="pb_knee_extension_non_paretic_load").value == ""
    # what the clinician types is kept, and the caption no longer claims it came from the record
    at.text_input(key="pb_knee_extension_paretic_one_rm").input("50").run()
    assert at.text_input(key="pb_knee_extension_paretic_one_rm").value == "50"
    assert f"The assessment on {day} by Ada Admin recorded tested 1RM 52 kg; the value entered" in _texts(at)
    at.checkbox(key="pb_knee_extension_non_paretic_on").uncheck().run()
    at.button(key="pb_create").click().run()
    assert errors(at) == []
    view = plan_overview.overview(app_db, admin, pid, audit_view=False)
    assert list(view.items["1RM (kg)"]) == [50.0]


def test_each_card_shows_this_weeks_dose_and_the_template_once(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin)
    plans.create_plan(
        app_db,
        admin,
        pid,
        baselines=[
            measured_1rm("knee_extension", 25, "paretic"),
            measured_1rm("knee_extension", 40, "non_paretic"),
        ],
        start_date=TODAY - timedelta(weeks=4, days=1),  # week 5, early (neural) phase
    )
    at = _open(app_db, "plan", user_id=admin.user_id, patient_id=pid)
    captions = [c.value.replace("\\", "") for c in at.caption]
    cards = [c for c in captions if c.startswith("Week 5, ")]
    assert len(cards) == 2
    assert re.match(r"Week 5, early \(neural\) phase: \d sets? × \d+ reps \(range \d+–\d+\) at [\d.]+ kg, ", cards[0])
    assert "% of the baseline 1RM" in cards[0] and "Starting load, set from the baseline 1RM" in cards[0]
    assert all(len(c.split()) < 70 for c in cards), cards
    # the template's rationale (week 1's text held in the starting decision) is on no card, and once on the page
    familiarisation = plans.DEFAULT_TEMPLATE.phases[0].rationale
    assert not any(familiarisation in c for c in cards)
    plan_tab = [c.value.replace("\\", "") for c in at.tabs[0].caption]
    assert sum(familiarisation in c for c in plan_tab) == 1
    (template,) = [e for e in at.tabs[0].expander if e.label.startswith("The plan's template")]
    assert sum(familiarisation in c.value.replace("\\", "") for c in template.caption) == 1
