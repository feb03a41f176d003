"""The readiness screen's lower limits through the treatment page and the Clinic settings page (AppTest).

Hand-worked from the clinical reference §13.10: resting heart rate 38 bpm < 40 bpm (AVERT III [R22]) → stop;
82/50 mmHg, systolic < 90 mmHg (2° [R99]) → stop; SpO2 88 % < 90 % (2° [R101]) → stop. The glucose range
(3.5–20 mmol/L, 2° [R101]) is UNVERIFIED (§13.15 item 14), so the settings page shows it off with its source.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from streamlit.testing.v1 import AppTest

from rehab.services import sessions
from rehab.services import settings as clinic_settings
from rehab.store import Database
from tests.app.conftest import assert_no_crash, errors, goto, signed_in_app
from tests.helpers import make_admin
from tests.plan_helpers import go_answers, leg_press_plan, new_patient

START = date.today() - timedelta(days=6)


def _treatment(db: Database) -> tuple[AppTest, Any, int]:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    return goto(at.run(), "treatment"), admin, pid


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in (at.success, at.info, at.warning, at.error) for e in kind]
    return "\n".join(parts).replace("\\", "")


def _screen(at: AppTest, **answers: Any) -> AppTest:
    values = go_answers(**answers)
    keys = {
        "systolic_mmhg": "sbp",
        "diastolic_mmhg": "dbp",
        "resting_heart_rate_bpm": "hr",
        "pain_now": "pain",
        "spo2_percent": "spo2",
        "standing_systolic_mmhg": "up_sbp",
        "standing_diastolic_mmhg": "up_dbp",
        "glucose_mmol_l": "glucose",
    }
    for name, key in keys.items():
        if name in values:
            at.text_input(key=f"screen_0_{key}").input(f"{values[name]:g}")
    for name, key in (
        ("new_neuro_symptoms", "neuro"),
        ("chest_pain", "chest"),
        ("unwell_or_fever", "unwell"),
        ("orthostatic_symptoms", "up_symptoms"),
        ("pain_unsettled_next_morning", "next_morning"),
    ):
        if name in values:
            at.radio(key=f"screen_0_{key}").set_value("Yes" if values[name] else "No")
    at.button(key="FormSubmitter:readiness-Check readiness").click()
    return at.run()


def test_heart_rate_38_stops_on_the_page_with_its_source(app_db: Database) -> None:
    at, admin, pid = _treatment(app_db)
    at = _screen(at, resting_heart_rate_bpm=38)
    assert_no_crash(at)
    text = _texts(at)
    assert "Readiness screen: stop." in text
    assert "Resting heart rate lower limit: 38 bpm is below 40 bpm" in text
    assert "Source: Resting heart rate < 40 bpm excluded from mobilisation (AVERT phase III" in text
    assert list(sessions.treatment_view(app_db, admin, pid, audit_view=False).recent["Status"]) == ["Not performed"]


def test_82_over_50_stops_on_the_page(app_db: Database) -> None:
    at, _, _ = _treatment(app_db)
    at = _screen(at, systolic_mmhg=82, diastolic_mmhg=50)
    assert_no_crash(at)
    text = _texts(at)
    assert "Readiness screen: stop." in text and "resting systolic 82 mmHg is below 90 mmHg" in text
    assert "[R99]" in text


def test_spo2_is_entered_stored_and_shown_in_recent_sessions(app_db: Database) -> None:
    at, admin, pid = _treatment(app_db)
    at = _screen(at, spo2_percent=88)
    assert_no_crash(at)
    assert "SpO2 lower limit: 88 % is below 90 %" in _texts(at)
    recent = at.dataframe[0].value  # "Recent sessions"
    assert list(recent["Readings"]) == ["BP 128/78 · HR 72 · SpO2 88 %"]
    view = sessions.treatment_view(app_db, admin, pid, audit_view=False)
    assert list(view.recent["Readings"]) == ["BP 128/78 · HR 72 · SpO2 88 %"]


def test_an_implausible_spo2_is_explained_beside_its_field_and_nothing_saved(app_db: Database) -> None:
    at, admin, pid = _treatment(app_db)
    at = _screen(at, spo2_percent=120)
    assert_no_crash(at)
    assert "SpO2 must be at most 100 %." in errors(at)
    assert "Nothing was saved: please correct the fields marked above." in errors(at)
    assert sessions.treatment_view(app_db, admin, pid, audit_view=False).recent.empty


def test_an_orthostatic_drop_with_symptoms_stops(app_db: Database) -> None:
    at, _, _ = _treatment(app_db)
    # resting 128/78, standing 104/70: a 24-mmHg systolic fall (> 20) with symptoms → stop [R20]
    at = _screen(at, standing_systolic_mmhg=104, standing_diastolic_mmhg=70, orthostatic_symptoms=True)
    assert_no_crash(at)
    text = _texts(at)
    assert "Orthostatic drop with symptoms" in text and "a fall of 24/8 mmHg" in text and "[R20]" in text


def _settings(db: Database) -> tuple[AppTest, Any]:
    admin = make_admin(db)
    return goto(signed_in_app(admin.user_id).run(), "settings"), admin


def test_settings_page_shows_the_lower_limits_with_sources_and_glucose_off(app_db: Database) -> None:
    at, _ = _settings(app_db)
    assert_no_crash(at)
    [table] = [d.value for d in at.dataframe if "In force" in d.value.columns and "Measure" not in d.value.columns]
    rows = dict(zip(table["Threshold"], zip(table["In force"], table["Source"], strict=True), strict=True))
    glucose = rows["Apply capillary glucose limits (UNVERIFIED: off until signed off)"]
    assert glucose[0] == "off until signed off" and "[R101]" in glucose[1] and "UNVERIFIED" in glucose[1]
    assert (
        rows["Stop: resting heart rate below (bpm)"][0] == "40"
        and "AVERT" in rows["Stop: resting heart rate below (bpm)"][1]
    )
    assert rows["Stop: systolic below (mmHg)"][0] == "90" and "110 mmHg" in rows["Stop: systolic below (mmHg)"][1]
    assert at.checkbox(key="thr_0_glucose_check_on").value is False


def test_a_lower_limit_at_the_caution_limit_is_refused_beside_its_field(app_db: Database) -> None:
    at, _ = _settings(app_db)
    at.text_input(key="thr_0_stop_systolic_below").input("160")  # = caution above 160
    at.button(key="FormSubmitter:thresholds_0-Save thresholds").click()
    at = at.run()
    assert_no_crash(at)
    assert "must be below the systolic caution threshold (160 mmHg)" in errors(at)
    assert clinic_settings.screen_thresholds(app_db).version == 0


def test_an_administrator_signs_off_glucose_and_adopts_avert_110(app_db: Database) -> None:
    at, _ = _settings(app_db)
    at.text_input(key="thr_0_stop_systolic_below").input("110")
    at.checkbox(key="thr_0_glucose_check_on").check()
    at.button(key="FormSubmitter:thresholds_0-Save thresholds").click()
    at = at.run()
    assert_no_crash(at)
    saved = clinic_settings.screen_thresholds(app_db)
    assert saved.version == 1 and saved.thresholds.stop_systolic_below == 110 and saved.thresholds.glucose_check_on


def test_pain_not_settled_by_the_next_morning_is_asked_and_holds_the_load(app_db: Database) -> None:
    """Silbernagel 2007 [R17]: pain must settle by the next morning; if not, go with caution, no increase."""
    at, admin, pid = _treatment(app_db)
    at = _screen(at, pain_unsettled_next_morning=True)
    assert_no_crash(at)
    text = _texts(at)
    assert "Readiness screen: go with caution." in text
    assert "had not settled by the next morning" in text
    assert "pain not settled by the next morning" in " ".join(
        sessions.treatment_view(app_db, admin, pid, audit_view=False).recent["Readings"]
    )


def test_a_typed_future_session_date_is_refused_at_its_field_not_replaced_by_today(app_db: Database) -> None:
    # Issue 15: a typed session date of two days ahead was replaced by today and the session saved on today.
    at, admin, pid = _treatment(app_db)
    ahead = date.today() + timedelta(days=2)
    at.date_input(key="screen_0_date").set_value(ahead)
    at = _screen(at)
    assert_no_crash(at)
    assert any("cannot be in the future" in e for e in errors(at)), errors(at)
    assert at.date_input(key="screen_0_date").value == ahead  # kept as typed, to correct
    assert sessions.treatment_view(app_db, admin, pid, audit_view=False).recent.empty  # nothing saved
