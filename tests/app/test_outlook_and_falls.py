"""Issue 18 pages: the dashboard's Outlook panel (PREP2 and TWIST as predictions with path, accuracy and a
clinician's disagreement) and the patient record's Falls tab (ProFaNE help, entry, counts)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from rehab.services import assessments
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.caseload_helpers import TODAY
from tests.helpers import make_admin
from tests.plan_helpers import new_patient

EVENT = TODAY - timedelta(days=20)


def _seeded(db: Database) -> tuple[int, int]:
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="OUT-1", family_name="Hopper", event_date=EVENT, paretic_side="left")
    taken = datetime.combine(EVENT + timedelta(days=1), time(10), tzinfo=UTC)
    # SAFE 3 + 2 = 5 on day 1, age 76 (under 80) → PREP2 Excellent [R88]
    for site, grade in (("shoulder abduction", "3"), ("finger extension", "2")):
        assessments.record(db, admin, pid, taken_at=taken, entries={"mmt": {"site": site, "sides": {"left": grade}}})
    return admin.user_id, pid


def _open(user_id: int, pid: int, page: str):
    at = signed_in_app(user_id)
    at.session_state["_rehab_patient_id"] = pid
    return goto(at.run(), page)


def _text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning])


def test_outlook_shows_the_prediction_its_path_and_that_it_is_not_a_guarantee(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid, "dashboard")
    assert_no_crash(at)
    assert "Outlook" in [h.value for h in at.header]
    text = _text(at)
    assert "Predicted: **Excellent**" in text
    assert "not a guarantee" in text
    assert "Correct for 75 %" in text  # Stinear 2017 [R89]
    # TWIST has no Trunk Control Test from days 7–14: refused, naming the input
    assert "Trunk Control Test (days 7–14)" in text


def test_a_disagreement_is_recorded_from_the_panel_and_shown_beside_it(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid, "dashboard")
    at.text_area(key="disagree_reason_prep2").input("Dense neglect; expect less than this")
    at = next(b for b in at.button if b.label == "Record disagreement").click().run()
    assert_no_crash(at)
    assert any("disagrees with this prediction" in w.value and "Dense neglect" in w.value for w in at.warning)


def test_an_empty_disagreement_is_refused_at_its_field(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid, "dashboard")
    at = next(b for b in at.button if b.label == "Record disagreement").click().run()
    assert any("Say why" in e.value for e in at.error)
    assert not any("disagrees" in w.value for w in at.warning)


def test_falls_tab_shows_the_definition_counts_and_records_a_fall(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid, "patient")
    assert_no_crash(at)
    text = _text(at)
    assert "come to rest on the ground, floor, or lower level" in text and "Lamb" in text
    assert "Falls: 0 in the last 6 months, 0 in the last 12 months" in text
    at.date_input(key="fall_new_date").set_value(TODAY - timedelta(days=2))
    at.radio(key="fall_new_place").set_value("indoor")
    at.text_area(key="fall_new_circumstances").input("Stood up quickly from the toilet")
    at.selectbox(key="fall_new_injury").set_value("none")
    at.selectbox(key="fall_new_reported").set_value("interview")
    at = next(b for b in at.button if b.label == "Save fall").click().run()
    assert_no_crash(at)
    assert "Falls: 1 in the last 6 months, 1 in the last 12 months" in _text(at)


def test_a_fall_without_circumstances_is_refused_and_nothing_saved(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid, "patient")
    at.date_input(key="fall_new_date").set_value(TODAY - timedelta(days=2))
    at = next(b for b in at.button if b.label == "Save fall").click().run()
    assert any("describe what the patient was doing" in e.value for e in at.error)
    assert "Falls: 0 in the last 6 months" in _text(at)


def test_an_administrator_signs_off_the_prep2_arat_ranges(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = goto(signed_in_app(user_id).run(), "settings")
    assert_no_crash(at)
    box = next(c for c in at.checkbox if "PREP2: show the ARAT range" in c.label)
    assert not box.value
    box.check()
    at = next(b for b in at.button if b.label == "Save sign-offs").click().run()
    assert_no_crash(at)
    at = _open(user_id, pid, "dashboard")
    expanders = " ".join(m.value for m in at.markdown)
    assert "Excellent ARAT 51–57" in expanders  # shown once signed off (§13.15 item 10)


def test_outlook_says_briefly_that_no_prediction_is_made_outside_stroke(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin, mrn="OUT-2", condition="orthopaedic", event_date=None)
    at = _open(admin.user_id, pid, "dashboard")
    assert_no_crash(at)
    assert "no recovery prediction is made for this patient's condition" in _text(at)
    assert "Predicted:" not in _text(at)


def test_outlook_tells_each_goal_beside_the_predictions(app_db: Database) -> None:
    """What was set, what has happened and how it stands, beside PREP2 and TWIST (the goal worked in
    tests/services/test_goals.py is at risk for a chronic-stroke patient: MDC 2.7, Alghadir 2018)."""
    from datetime import date

    import pytest

    from tests.services.test_goals import _goal, _patient_with_bergs

    admin = make_admin(app_db)
    pid = _patient_with_bergs(app_db, admin, date(2025, 1, 1), "OUT-GOAL")
    with pytest.MonkeyPatch.context() as patch:
        _goal(app_db, admin, pid, 46, patch)
    at = _open(admin.user_id, pid, "dashboard")
    assert_no_crash(at)
    assert "Goals: what was set and what has happened" in [h.value for h in at.subheader]
    text = _text(at).replace("\\", "")  # as read: markdown escapes dropped
    assert "Berg Balance Scale: 46 points by 2026-12-27, set 2026-11-01" in text
    assert "Latest 36 points on 2026-11-29 (3 since the goal was set)." in text
    assert "**At risk**" in text and "Alghadir 2018" in text
