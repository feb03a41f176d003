"""The caseload re-reads only patients whose data changed, and every kind of write shows on the next view.

The per-patient change counter is kept by database triggers (migration 0008); these tests drive the
services a clinician uses and watch the counter and the caseload (both engines).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehab.services import caseload, patients, plan_overview, plans, sessions
from rehab.services.assessments import mark_entered_in_error
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import caseload as caseload_store
from tests.caseload_helpers import STOP_ANSWERS, TODAY, add_results, seeded_clinic
from tests.helpers import make_admin, patient_data
from tests.plan_helpers import go_answers, leg_press_plan, new_patient, prefilled


def _generation(db: Database, pid: int) -> int:
    return dict(db.run(lambda c: caseload_store.listed(c, visible_to=None), write=False))[pid]


def test_every_write_to_a_patients_data_moves_their_generation(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="GEN-1")
    other = new_patient(db, admin, mrn="GEN-2")
    seen = [_generation(db, pid)]

    def moved() -> None:
        now = _generation(db, pid)
        assert now > seen[-1]
        seen.append(now)

    assert seen[0] >= 1  # registering is a write
    record = patients.open_record(db, admin, pid, audit_view=False).record
    patients.update(db, admin, pid, expected_version=record.version, data=patient_data(mrn="GEN-1", notes="edited"))
    moved()
    add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=3))])
    moved()
    (result,) = db.run(lambda c: assessment_store.for_patient(c, pid))
    mark_entered_in_error(db, admin, result.id, expected_version=result.version, reason="wrong form")
    moved()
    plan_id = leg_press_plan(db, admin, pid, start=TODAY - timedelta(days=2))
    moved()
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=TODAY)
    moved()
    session_id, version, rows = prefilled(db, admin, pid, today=TODAY)
    sessions.save_log(db, admin, session_id, expected_version=version, rows=rows)
    moved()
    plan = plan_overview.overview(db, admin, pid, audit_view=False).plan
    assert plan is not None
    plans.end_plan(db, admin, plan_id, expected_version=plan.version)
    moved()
    assert _generation(db, other) == 1  # the other patient's counter only saw their registration


def test_a_view_reads_again_only_the_patients_whose_data_changed(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = seeded_clinic(db)
    asked: list[list[int] | None] = []  # None: the whole listing in one pass
    real = caseload_store.caseload

    def spy(conn, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(None if kwargs["only"] is None else sorted(kwargs["only"]))
        return real(conn, **kwargs)

    monkeypatch.setattr(caseload_store, "caseload", spy)
    first = caseload.caseload(db, clinic.clinician, today=TODAY)
    assert asked == [None] and len(first.table) == 5  # the first view of the day reads everyone listed

    asked.clear()
    again = caseload.caseload(db, clinic.clinician, today=TODAY)
    assert asked == [] and again.table.equals(first.table)

    # The fine patient's Berg drops to 45 (< 50.5, stroke): only they are read again, and now flagged.
    fine = clinic.ids["fine"]
    add_results(db, clinic.clinician, fine, [("bbs", 45, TODAY)])
    after = caseload.caseload(db, clinic.clinician, today=TODAY)
    assert asked == [[fine]]
    row = after.table[after.table["patient_id"] == fine].iloc[0]
    assert row["Berg"] == 45 and row[caseload.FLAG_LABELS[caseload.FALL_RISK]]

    # The safety-stop patient is screened again today and stopped: only they are read again.
    asked.clear()
    stop = clinic.ids["stop"]
    sessions.start_session(db, clinic.clinician, stop, answers=STOP_ANSWERS, session_date=TODAY)
    caseload.caseload(db, clinic.clinician, today=TODAY)
    assert asked == [[stop]]

    # An administrator's view lists everyone; patients already read for the day are not read again.
    asked.clear()
    everyone = caseload.caseload(db, clinic.admin, today=TODAY)
    assert asked == [[clinic.ids["elsewhere"]]] and len(everyone.table) == 6

    # The next day every figure depends on new dates (6-week comparison, 4-week windows): all read again.
    asked.clear()
    caseload.caseload(db, clinic.clinician, today=TODAY + timedelta(days=1))
    assert asked == [None]


def test_archiving_takes_a_patient_off_the_caseload_at_once(db: Database) -> None:
    clinic = seeded_clinic(db)
    caseload.caseload(db, clinic.clinician, today=TODAY)
    fine = clinic.ids["fine"]
    record = patients.open_record(db, clinic.admin, fine, audit_view=False).record
    patients.set_archived(db, clinic.admin, fine, expected_version=record.version, archived=True)
    assert fine not in set(caseload.caseload(db, clinic.clinician, today=TODAY).table["patient_id"])
