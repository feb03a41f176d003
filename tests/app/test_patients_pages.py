"""Registering, finding and editing patients through the pages."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.services import audit, patients
from rehab.store import Database
from tests.app.conftest import errors, goto, signed_in_app, titles
from tests.helpers import make_admin, make_clinician, patient_data


def _fill_new(at, **values):  # type: ignore[no-untyped-def]
    at.text_input(key="new_mrn").input(values.get("mrn", "H-204"))
    at.text_input(key="new_given").input(values.get("given", "Grace"))
    at.text_input(key="new_family").input(values.get("family", "Hopper"))
    at.date_input(key="new_birth").set_value(values.get("birth", date(1948, 12, 9)))
    at.selectbox(key="new_sex").set_value(values.get("sex", "female"))
    at.selectbox(key="new_condition").set_value(values.get("condition", "haemorrhagic_stroke"))
    at.date_input(key="new_event").set_value(values.get("event", date(2026, 10, 2)))
    at.selectbox(key="new_side").set_value(values.get("side", "right"))
    at.button(key="FormSubmitter:register_patient-Register patient").click()
    return at.run()


def test_register_patient_then_record_opens(app_db: Database) -> None:
    admin = make_admin(app_db)
    at = goto(signed_in_app(admin.user_id).run(), "register")
    assert titles(at) == ["Register a patient"]
    at = _fill_new(at)
    assert errors(at) == []
    assert titles(at) == ["HOPPER, Grace"]
    found = patients.search(app_db, admin, "hopper")
    assert [(p.mrn, p.condition, p.paretic_side) for p in found] == [("H-204", "haemorrhagic_stroke", "right")]
    assert [e.action for e in audit.entries(app_db, admin, patient_id=found[0].id)] == ["view", "create"]


def test_invalid_patient_shows_field_errors_and_saves_nothing(app_db: Database) -> None:
    admin = make_admin(app_db)
    patients.register(app_db, admin, patient_data(mrn="TAKEN"))
    at = goto(signed_in_app(admin.user_id).run(), "register")
    future = date.today() + timedelta(days=3)
    at = _fill_new(at, mrn="taken", given="", birth=date(1990, 1, 1), event=date(1980, 1, 1))
    messages = errors(at)
    assert "MRN TAKEN is already used by another patient." not in messages  # reports what was typed
    assert any("already used" in m for m in messages)
    assert "Given name is required." in messages
    assert "Event date cannot be before the date of birth." in messages
    assert titles(at) == ["Register a patient"]
    assert patients.count(app_db, admin) == 1
    at = _fill_new(at, mrn="NEW-1", event=future)
    assert "Event date cannot be in the future." in errors(at)
    assert patients.count(app_db, admin) == 1


def test_search_and_open_from_patients_page(app_db: Database) -> None:
    admin = make_admin(app_db)
    patients.register(app_db, admin, patient_data(mrn="A1", family_name="Turing", given_name="Alan"))
    patients.register(app_db, admin, patient_data(mrn="B2", family_name="Noether", given_name="Emmy"))
    at = goto(signed_in_app(admin.user_id).run(), "patients")
    at.text_input(key="patient_search").input("NOETH").run()
    table = at.dataframe[0].value
    assert list(table["MRN"]) == ["B2"]
    at.button(key="open_record").click().run()
    assert titles(at) == ["NOETHER, Emmy"]


def test_edit_patient_and_history_kept(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data())
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "patient")
    assert titles(at) == ["LOVELACE, Ada"]
    prefix = f"edit_{pid}_1"
    at.text_input(key=f"{prefix}_given").input("Augusta Ada")
    at.button(key=f"FormSubmitter:edit_patient_{pid}-Save changes").click().run()
    assert errors(at) == []
    assert titles(at) == ["LOVELACE, Augusta Ada"]
    revs = patients.revisions(app_db, admin, pid)
    assert revs[0]["snapshot"]["given_name"] == "Ada"
    # one view entry for the opening, not one per rerun
    views = [e for e in audit.entries(app_db, admin, patient_id=pid) if e.action == "view"]
    assert len(views) == 1


def test_edit_refused_when_someone_saved_first(app_db: Database) -> None:
    admin = make_admin(app_db)
    cara = make_clinician(app_db, admin, "cara")
    pid = patients.register(app_db, admin, patient_data(), care_team=[admin.user_id, cara.user_id])
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "patient")
    patients.update(app_db, cara, pid, expected_version=1, data=patient_data(notes="Cara's note"))
    at.text_input(key=f"edit_{pid}_1_family").input("Byron")
    at.button(key=f"FormSubmitter:edit_patient_{pid}-Save changes").click().run()
    assert any("Cara changed this record" in m for m in errors(at))
    record = patients.open_record(app_db, admin, pid).record
    assert record.family_name == "Lovelace" and record.notes == "Cara's note"


def test_clinician_cannot_open_other_teams_patient(app_db: Database) -> None:
    admin = make_admin(app_db)
    cara = make_clinician(app_db, admin, "cara")
    pid = patients.register(app_db, admin, patient_data(family_name="Secretson"))
    at = signed_in_app(cara.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "patient")
    assert errors(at) == ["This patient is not on your care team."]
    assert all("Secretson" not in t for t in titles(at))
