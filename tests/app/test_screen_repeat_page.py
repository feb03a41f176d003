"""Repeating the readiness screen after rest on the treatment page (AppTest).

Hand-worked from the clinical reference §8.1: 185/100 mmHg is at or above 180/110's systolic part → stop, "recheck
after rest" ([R19], [R20]); after rest 170/95 is below 180/110 but above 160/100 → caution ([R19]). The stop
offers the repeat; the repeat opens the session for logging, and both readings are shown with their times.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rehab.services import sessions
from rehab.store import Database
from tests.app.conftest import assert_no_crash
from tests.app.test_readiness_lower_limits import _screen, _texts, _treatment


def _repeat(at: AppTest, session_id: int, version: int, sbp: float, dbp: float, hr: float) -> AppTest:
    key = f"repeat_{session_id}_{version}"
    at.text_input(key=f"{key}_sbp").input(f"{sbp:g}")
    at.text_input(key=f"{key}_dbp").input(f"{dbp:g}")
    at.text_input(key=f"{key}_hr").input(f"{hr:g}")
    at.button(key=f"FormSubmitter:{key}-Record the repeat").click()
    return at.run()


def test_a_stop_on_blood_pressure_is_repeated_after_rest_and_both_readings_show(app_db: Database) -> None:
    at, admin, pid = _treatment(app_db)
    at = _screen(at, systolic_mmhg=185, diastolic_mmhg=100)
    assert_no_crash(at)
    text = _texts(at)
    assert "Readiness screen: stop." in text
    assert "Repeat after rest" in text and "First: BP 185/100 · HR 72" in text
    assert "The clinical reference gives no rest duration and the clinic has set none" in text
    offer = sessions.treatment_view(app_db, admin, pid, audit_view=False).repeat_offer
    assert offer is not None
    at = _repeat(at, offer.session_id, offer.version, 170, 95, 70)
    assert_no_crash(at)
    text = _texts(at)
    assert "Repeat after rest recorded: go with caution. Both readings are kept." in text
    assert "Readiness screen repeated after rest" in text
    assert "First reading" in text and "BP 185/100 · HR 72" in text and "BP 170/95 · HR 70" in text
    assert "Readiness screen: go with caution." in text  # the logging table's headline follows the repeat
    assert any(s.label == "Save session (all sets)" for s in at.button)
    view = sessions.treatment_view(app_db, admin, pid, audit_view=False)
    assert view.open_session is not None and view.repeat_offer is None


def test_an_implausible_repeat_is_refused_at_its_field(app_db: Database) -> None:
    at, admin, pid = _treatment(app_db)
    at = _screen(at, systolic_mmhg=165, diastolic_mmhg=95)
    offer = sessions.treatment_view(app_db, admin, pid, audit_view=False).repeat_offer
    assert offer is not None and offer.first_outcome == "caution"
    at = _repeat(at, offer.session_id, offer.version, 150, 88, 400)
    assert_no_crash(at)
    assert "Resting heart rate must be at most 250 bpm." in [e.value for e in at.error]
    view = sessions.treatment_view(app_db, admin, pid, audit_view=False)
    assert view.open_session is not None and view.open_session.record.repeat_id is None
