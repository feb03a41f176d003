"""Care-team changes are recorded and bounded (issue 14, row 6), on SQLite and PostgreSQL.

Who may see a patient is part of the record: each change is audited with who was added and removed and who is
on the team afterwards, the replaced version keeps the team it had, and the team is never left without an
active member. A clinician on the team may add colleagues and take off colleagues, but not the clinician who
registered the patient: only an administrator may (SECURITY.md, "Roles and care teams").
"""

from __future__ import annotations

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, audit, patients
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store import patients as patient_store
from tests.helpers import make_admin, make_clinician, patient_data

Clinic = tuple[Database, Actor, Actor, Actor, Actor]


@pytest.fixture
def clinic(db: Database) -> Clinic:
    admin = make_admin(db)
    return (
        db,
        admin,
        make_clinician(db, admin, "cara"),
        make_clinician(db, admin, "dev"),
        make_clinician(db, admin, "eli"),
    )


def _team(db: Database, actor: Actor, pid: int) -> set[int]:
    return {uid for uid, _ in patients.open_record(db, actor, pid, audit_view=False).team}


def _updates(db: Database, admin: Actor, pid: int) -> list[str]:
    return [e.detail for e in audit.entries(db, admin, patient_id=pid) if e.action == "update"]


def test_a_team_change_is_audited_with_who_was_added_and_removed(clinic: Clinic) -> None:
    db, admin, cara, dev, eli = clinic
    pid = patients.register(db, cara, patient_data(), care_team=[cara.user_id, dev.user_id])
    [created] = [e for e in audit.entries(db, admin, patient_id=pid) if e.action == "create"]
    assert f"Cara (#{cara.user_id})" in created.detail and f"Dev (#{dev.user_id})" in created.detail

    patients.update(db, cara, pid, expected_version=1, data=patient_data(), care_team=[cara.user_id, eli.user_id])
    [detail] = _updates(db, admin, pid)
    assert f"added Eli (#{eli.user_id})" in detail, detail
    assert f"removed Dev (#{dev.user_id})" in detail, detail
    assert f"now Cara (#{cara.user_id}), Eli (#{eli.user_id})" in detail, detail


def test_a_team_change_with_a_field_change_names_both(clinic: Clinic) -> None:
    db, admin, cara, dev, _ = clinic
    pid = patients.register(db, cara, patient_data())
    patients.update(
        db, cara, pid, expected_version=1, data=patient_data(notes="walks 10 m"), care_team=[cara.user_id, dev.user_id]
    )
    [detail] = _updates(db, admin, pid)
    assert detail.startswith("notes; care team: added Dev"), detail


def test_the_replaced_version_keeps_its_care_team(clinic: Clinic) -> None:
    db, admin, cara, dev, eli = clinic
    pid = patients.register(db, cara, patient_data(), care_team=[cara.user_id, dev.user_id])
    patients.update(db, cara, pid, expected_version=1, data=patient_data(), care_team=[cara.user_id, eli.user_id])
    patients.update(db, admin, pid, expected_version=2, data=patient_data(), care_team=[cara.user_id])
    revisions = {r["version"]: r for r in patients.revisions(db, admin, pid)}
    assert revisions[1]["snapshot"]["care_team"] == sorted([cara.user_id, dev.user_id])
    assert revisions[2]["snapshot"]["care_team"] == sorted([cara.user_id, eli.user_id])
    assert revisions[2]["care_team_names"] == ["Cara", "Eli"]
    assert _team(db, admin, pid) == {cara.user_id}


def test_a_clinician_cannot_take_the_registering_clinician_off_the_team(clinic: Clinic) -> None:
    db, admin, cara, dev, _ = clinic
    pid = patients.register(db, cara, patient_data(), care_team=[cara.user_id, dev.user_id])
    with pytest.raises(ValidationErrors) as refused:
        patients.update(db, dev, pid, expected_version=1, data=patient_data(), care_team=[dev.user_id])
    assert "Cara registered this patient" in refused.value.by_field()["care_team"]
    assert _team(db, admin, pid) == {cara.user_id, dev.user_id}
    assert _updates(db, admin, pid) == []
    # an administrator may (the registering clinician left the service, say), and it is recorded
    patients.update(db, admin, pid, expected_version=1, data=patient_data(), care_team=[dev.user_id])
    assert _team(db, admin, pid) == {dev.user_id}
    assert f"removed Cara (#{cara.user_id})" in _updates(db, admin, pid)[0]


def test_a_clinician_may_still_take_off_other_colleagues(clinic: Clinic) -> None:
    db, admin, cara, dev, eli = clinic
    pid = patients.register(db, cara, patient_data(), care_team=[cara.user_id, dev.user_id, eli.user_id])
    patients.update(db, dev, pid, expected_version=1, data=patient_data(), care_team=[cara.user_id, dev.user_id])
    assert _team(db, admin, pid) == {cara.user_id, dev.user_id}


def test_the_team_is_never_left_without_an_active_member(clinic: Clinic) -> None:
    """Cara registered the patient with Dev; Dev leaves and is deactivated. An administrator taking Cara off
    would leave only an inactive account, whom nobody but administrators could reach the patient through."""
    db, admin, cara, dev, _ = clinic
    pid = patients.register(db, admin, patient_data(), care_team=[cara.user_id, dev.user_id])
    accounts.set_active(db, admin, dev.user_id, active=False)
    with pytest.raises(ValidationErrors) as refused:
        patients.update(db, admin, pid, expected_version=1, data=patient_data(), care_team=[dev.user_id])
    assert "at least one active clinician" in refused.value.by_field()["care_team"]
    assert _team(db, admin, pid) == {cara.user_id, dev.user_id}


def test_set_team_reports_what_it_changed(clinic: Clinic) -> None:
    db, _, cara, dev, eli = clinic
    pid = patients.register(db, cara, patient_data(), care_team=[cara.user_id, dev.user_id])

    def work(conn):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        return patient_store.set_team(conn, pid, {cara.user_id, eli.user_id}, now=datetime.now(UTC))

    change = db.run(work)
    assert change is not None
    assert (change.added, change.removed) == ((eli.user_id,), (dev.user_id,))
