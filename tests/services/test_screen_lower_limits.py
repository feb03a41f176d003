"""The readiness screen's lower limits through the session service (clinical reference §13.10, §13.15).

Hand-worked: a resting heart rate of 38 bpm is below AVERT III's 40 bpm [R22] → stop; 82/50 mmHg is below the
systolic 90 mmHg of the clinical summaries (2° [R99]) → stop; SpO2 88 % is below 90 % (2° [R101]) → stop. Each
stop records the session as not performed with the reason, and the readings are kept and shown.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import sessions
from rehab.services import settings as clinic_settings
from rehab.store import Database
from rehab.store import plans as plan_store
from tests.helpers import make_admin
from tests.plan_helpers import go_answers, leg_press_plan, new_patient

TODAY = date.today()
START = TODAY - timedelta(days=6)


def _patient(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    pid = new_patient(db, admin)
    leg_press_plan(db, admin, pid, start=START)
    return admin, pid


def _stored(db: Database, session_id: int) -> plan_store.SessionRecord:
    with db.engine.connect() as conn:
        record = plan_store.get_session(conn, session_id)
    assert record is not None
    return record


def test_heart_rate_38_stops_and_is_recorded_as_not_performed(db: Database) -> None:
    admin, pid = _patient(db)
    outcome = sessions.start_session(db, admin, pid, answers=go_answers(resting_heart_rate_bpm=38), session_date=START)
    assert outcome.outcome == "stop"
    [line] = outcome.lines
    assert "38 bpm is below 40 bpm" in line.text and "AVERT" in line.source
    record = _stored(db, outcome.session_id)
    assert record.status == "not_performed" and record.resting_heart_rate_bpm == 38
    assert record.not_performed_reason.startswith("Readiness screen said stop: Resting heart rate lower limit")
    assert json.loads(record.screen_thresholds)["stop_heart_rate_below"] == 40


def test_82_over_50_stops(db: Database) -> None:
    admin, pid = _patient(db)
    answers = go_answers(systolic_mmhg=82, diastolic_mmhg=50)
    outcome = sessions.start_session(db, admin, pid, answers=answers, session_date=START)
    assert outcome.outcome == "stop" and "[R99]" in outcome.lines[0].source


def test_optional_readings_are_stored_and_shown_in_history(db: Database) -> None:
    admin, pid = _patient(db)
    answers = go_answers(
        spo2_percent=97, standing_systolic_mmhg=120, standing_diastolic_mmhg=76, orthostatic_symptoms=False,
        glucose_mmol_l=6.4,
    )  # fmt: skip
    outcome = sessions.start_session(db, admin, pid, answers=answers, session_date=START)
    assert outcome.outcome == "go"
    record = _stored(db, outcome.session_id)
    assert (record.spo2_percent, record.standing_systolic_mmhg, record.standing_diastolic_mmhg) == (97, 120, 76)
    assert record.orthostatic_symptoms is False and record.glucose_mmol_l == 6.4
    recent = sessions.treatment_view(db, admin, pid, audit_view=False).recent
    assert recent["Readings"].iloc[0] == "BP 128/78 · HR 72 · SpO2 97 % · standing 120/76 · glucose 6.4 mmol/L"


def test_spo2_88_stops(db: Database) -> None:
    admin, pid = _patient(db)
    outcome = sessions.start_session(db, admin, pid, answers=go_answers(spo2_percent=88), session_date=START)
    assert outcome.outcome == "stop" and "88 % is below 90 %" in outcome.lines[0].text


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"spo2_percent": 120}, "spo2_percent"),
        ({"standing_systolic_mmhg": 100}, "standing_diastolic_mmhg"),
        ({"glucose_mmol_l": 0.2}, "glucose_mmol_l"),
    ],
)
def test_an_implausible_reading_saves_nothing(db: Database, answers: dict[str, object], field: str) -> None:
    admin, pid = _patient(db)
    with pytest.raises(ValidationErrors) as exc:
        sessions.start_session(db, admin, pid, answers=go_answers(**answers), session_date=START)
    assert list(exc.value.by_field()) == [field]
    assert sessions.treatment_view(db, admin, pid, audit_view=False).recent.empty


def test_a_lower_limit_at_a_caution_limit_is_refused_and_nothing_saved(db: Database) -> None:
    admin = make_admin(db)
    with pytest.raises(ValidationErrors) as exc:
        clinic_settings.save_screen_thresholds(db, admin, {"stop_heart_rate_below": 100}, expected_version=0)
    assert exc.value.by_field() == {
        "stop_heart_rate_below": "must be below the resting heart-rate caution threshold (100 bpm)"
    }
    assert clinic_settings.screen_thresholds(db).version == 0


def test_the_clinic_adopts_avert_110_and_signs_off_glucose(db: Database) -> None:
    admin, pid = _patient(db)
    clinic_settings.save_screen_thresholds(
        db, admin, {"stop_systolic_below": 110, "glucose_check_on": True}, expected_version=0
    )
    answers = go_answers(systolic_mmhg=105, diastolic_mmhg=70, glucose_mmol_l=3.0)
    outcome = sessions.start_session(db, admin, pid, answers=answers, session_date=START)
    assert outcome.outcome == "stop"
    checks = {line.text.split(":")[0]: line.source for line in outcome.lines}
    assert "AVERT" in checks["Systolic lower limit"] and "UNVERIFIED" in checks["Capillary glucose limits"]


def test_settings_saved_before_the_lower_limits_read_with_the_defaults(db: Database) -> None:
    admin = make_admin(db)
    old = {"stop_systolic_at_or_above": 180.0, "caution_systolic_above": 150.0}  # a version-1 value, no lower limits
    with db.engine.begin() as conn:
        plan_store.add_setting(
            conn, name=clinic_settings.SCREEN_THRESHOLDS, version=1, value=json.dumps(old), user_id=admin.user_id,
            now=sessions.now_utc(),
        )  # fmt: skip
    settings = clinic_settings.screen_thresholds(db)
    assert settings.thresholds.caution_systolic_above == 150 and settings.thresholds.stop_heart_rate_below == 40
