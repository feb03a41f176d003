"""The Clinic settings page: administrators sign off an unverified threshold; bad values are explained."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from rehab.services import settings as clinic_settings
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.helpers import make_admin, make_clinician

ANDERSSON = "tug.cutoff.stroke_andersson"


def _open(user_id: int) -> AppTest:
    return goto(signed_in_app(user_id).run(), "settings")


def _type(at: AppTest, row: int, value: Any, version: int = 0) -> AppTest:
    """Cell edits as the browser sends them (AppTest cannot type into st.data_editor), then save."""
    at.session_state[f"_rehab_measure_thresholds_{version}"] = {
        "edited_rows": {str(row): {"Clinic value": value}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"FormSubmitter:measure_thresholds_{version}-Save thresholds").click()
    return at.run()


def _row_of(db: Database, admin: Any, ident: str) -> int:
    _, rows = clinic_settings.adjustable_thresholds(db, admin)
    return [r.id for r in rows].index(ident)


def test_an_administrator_signs_off_an_unverified_cut_off(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = _open(admin.user_id)
    assert_no_crash(at)
    assert titles(at) == ["Clinic settings"]
    shown = at.dataframe[0].value if at.dataframe else None
    assert shown is None or ANDERSSON not in shown  # the editor, not a read-only table
    at = _type(at, _row_of(app_db, admin, ANDERSSON), 14)
    assert_no_crash(at)
    assert clinic_settings.measure_settings(app_db).overrides == {ANDERSSON: 14.0}


def test_an_impossible_value_is_explained_and_nothing_is_saved(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = _type(_open(admin.user_id), _row_of(app_db, admin, "bbs.cutoff.older_adults"), 99)
    assert_no_crash(at)
    [message] = [e.value for e in at.error]
    assert message.startswith("Nothing was saved.") and "Berg" in message
    assert clinic_settings.measure_settings(app_db).version == 0


def test_clinicians_cannot_open_it(app_db: Database) -> None:
    admin = make_admin(app_db)
    clinician = make_clinician(app_db, admin, "cara")
    at = _open(clinician.user_id)
    assert_no_crash(at)
    assert "Clinic settings" not in titles(at)


def test_an_administrator_names_the_mrn_system_and_a_bad_one_is_explained(app_db: Database) -> None:
    """Issue 17: the MRN identifier system FHIR exports carry; a value with a space is refused, not trimmed."""
    admin = make_admin(app_db)
    at = _open(admin.user_id)
    field = next(t for t in at.text_input if t.label.startswith("MRN"))
    assert field.value == "urn:rehab-dashboard:mrn"
    field.input("https://hospital.example.org/ mrn")
    at.button(key="FormSubmitter:mrn_system_0-Save identifier system").click()
    at = at.run()
    assert_no_crash(at)
    assert [e.value for e in at.error] == ["Nothing was saved. MRN identifier system must not contain spaces."]
    assert clinic_settings.fhir_settings(app_db).version == 0
    next(t for t in at.text_input if t.label.startswith("MRN")).input("https://hospital.example.org/mrn")
    at.button(key="FormSubmitter:mrn_system_0-Save identifier system").click()
    at = at.run()
    assert_no_crash(at)
    assert clinic_settings.fhir_settings(app_db).mrn_system == "https://hospital.example.org/mrn"


def _pause(at: AppTest, typed: str, version: int = 0) -> AppTest:
    at.text_input(key=f"pause_days_{version}_value").input(typed)
    at.button(key=f"FormSubmitter:pause_days_{version}-Save pause length").click()
    return at.run()


def test_the_pause_that_restarts_progression_is_a_clinic_setting_with_its_reason(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = _open(admin.user_id)
    field = at.text_input(key="pause_days_0_value")
    assert field.value == "14"  # the product default
    assert "consecutive workouts at the load in force" in (field.help or "")
    assert "No source fixes how long a break that is" in (field.help or "")
    for bad, message in (("15.5", "15.5 is not a whole number"), ("0", "0 is outside the range"), ("two", "“two”")):
        at = _pause(at, bad)
        assert_no_crash(at)
        shown = " ".join(e.value for e in at.error).replace("\\", "")
        assert message in shown and "from 1 to 365" in shown, shown
        assert clinic_settings.progression_settings(app_db).version == 0  # nothing saved
    at = _pause(at, "21")
    assert_no_crash(at)
    saved = clinic_settings.progression_settings(app_db)
    assert (saved.pause_days, saved.version) == (21, 1)
