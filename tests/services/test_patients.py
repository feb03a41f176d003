"""Patients: validation, search, access by care team, concurrent edits, archive, audit; both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import audit, patients
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician, patient_data


def test_register_and_open_writes_audit(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    view = patients.open_record(db, admin, pid)
    assert view.record.mrn == "MRN1001" and view.record.family_name == "Lovelace"
    assert [name for _, name in view.team] == ["Ada Admin"]
    entries = audit.entries(db, admin, patient_id=pid)
    assert [e.action for e in entries] == ["view", "create"]
    assert all(e.username == "admin" for e in entries)


def test_invalid_input_saves_nothing_and_names_fields(db: Database) -> None:
    admin = make_admin(db)
    tomorrow = date.today() + timedelta(days=2)
    bad = patient_data(mrn=" ", birth_date=tomorrow, event_date=tomorrow, sex=None)
    with pytest.raises(ValidationErrors) as info:
        patients.register(db, admin, bad)
    fields = info.value.by_field()
    assert fields["mrn"] == "MRN is required."
    assert "future" in fields["birth_date"]
    assert "future" in fields["event_date"]
    assert "sex" in fields
    assert patients.count(db, admin) == 0


def test_event_before_birth_refused(db: Database) -> None:
    admin = make_admin(db)
    with pytest.raises(ValidationErrors) as info:
        patients.register(db, admin, patient_data(birth_date=date(1960, 1, 1), event_date=date(1959, 12, 31)))
    assert info.value.by_field() == {"event_date": "Event date cannot be before the date of birth."}


def test_duplicate_mrn_refused_case_insensitively(db: Database) -> None:
    admin = make_admin(db)
    patients.register(db, admin, patient_data(mrn="ab123"))
    with pytest.raises(ValidationErrors) as info:
        patients.register(db, admin, patient_data(mrn="AB123", given_name="Other"))
    assert "already used" in info.value.by_field()["mrn"]
    assert patients.count(db, admin) == 1


def test_search_by_name_or_mrn_case_insensitive(db: Database) -> None:
    admin = make_admin(db)
    patients.register(db, admin, patient_data(mrn="X-1", given_name="Émile", family_name="Zola"))
    patients.register(db, admin, patient_data(mrn="X-2", given_name="Ann", family_name="Smith"))
    patients.register(db, admin, patient_data(mrn="Y_3", given_name="Bob", family_name="Smithers"))
    assert [p.mrn for p in patients.search(db, admin, "SMITH")] == ["X-2", "Y_3"]
    assert [p.mrn for p in patients.search(db, admin, "émile")] == ["X-1"]
    assert [p.mrn for p in patients.search(db, admin, "x-2")] == ["X-2"]
    assert [p.mrn for p in patients.search(db, admin, "ann smith")] == ["X-2"]
    # LIKE wildcards typed by a user are literal text
    assert [p.mrn for p in patients.search(db, admin, "_")] == ["Y_3"]
    assert patients.search(db, admin, "%") == []


def test_clinician_sees_only_care_team(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    dan = make_clinician(db, admin, "dan")
    mine = patients.register(db, cara, patient_data(mrn="C1"))
    theirs = patients.register(db, dan, patient_data(mrn="D1"))
    assert [p.mrn for p in patients.search(db, cara)] == ["C1"]
    assert {p.mrn for p in patients.search(db, admin)} == {"C1", "D1"}
    with pytest.raises(AccessDenied):
        patients.open_record(db, cara, theirs)
    with pytest.raises(AccessDenied):
        patients.update(db, cara, theirs, expected_version=1, data=patient_data(mrn="D1"))
    # Adding Cara to the team gives access.
    patients.update(
        db, dan, theirs, expected_version=1, data=patient_data(mrn="D1"), care_team=[dan.user_id, cara.user_id]
    )
    assert patients.open_record(db, cara, theirs).record.mrn == "D1"
    assert patients.open_record(db, cara, mine).record.mrn == "C1"


def test_concurrent_edit_refused_with_who_and_when(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = patients.register(db, admin, patient_data(), care_team=[admin.user_id, cara.user_id])
    # Both open version 1; Cara saves first.
    assert patients.update(db, cara, pid, expected_version=1, data=patient_data(given_name="Augusta")) == 2
    with pytest.raises(ConflictError) as info:
        patients.update(db, admin, pid, expected_version=1, data=patient_data(notes="admin's note"))
    assert "Cara" in str(info.value) and "UTC" in str(info.value)
    record = patients.open_record(db, admin, pid).record
    assert record.given_name == "Augusta" and record.notes == "" and record.version == 2
    # The replaced version is kept.
    revs = patients.revisions(db, admin, pid)
    assert [r["version"] for r in revs] == [1]
    assert revs[0]["snapshot"]["given_name"] == "Ada"


def test_archive_hides_but_keeps(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    patients.set_archived(db, admin, pid, expected_version=1, archived=True)
    assert patients.search(db, admin) == []
    assert [p.id for p in patients.search(db, admin, include_archived=True)] == [pid]
    with pytest.raises(ValidationErrors):
        patients.update(db, admin, pid, expected_version=2, data=patient_data(notes="x"))
    patients.set_archived(db, admin, pid, expected_version=2, archived=False)
    assert [p.id for p in patients.search(db, admin)] == [pid]
    actions = [e.action for e in audit.entries(db, admin, patient_id=pid)]
    assert actions == ["restore", "archive", "create"]


def test_clinician_stays_on_team_when_editing(db: Database) -> None:
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    pid = patients.register(db, cara, patient_data())
    patients.update(db, cara, pid, expected_version=1, data=patient_data(), care_team=[admin.user_id])
    assert {uid for uid, _ in patients.open_record(db, cara, pid).team} == {admin.user_id, cara.user_id}
