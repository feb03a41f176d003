"""The caseload on both engines: the right patients flagged, care-team scope, one audit entry per view."""

from __future__ import annotations

from rehab.services import audit, caseload
from rehab.store import Database
from tests.caseload_helpers import seeded_clinic

FLAGGED_ONLY = {
    "fallrisk": {caseload.FALL_RISK},
    "overdue": {caseload.RETEST_OVERDUE},
    "plateau": {caseload.PLATEAU},
    "stop": {caseload.SAFETY_STOP},
    "fine": set(),
}


def _flags(table, patient_id: int) -> set[str]:  # type: ignore[no-untyped-def]
    row = table[table["patient_id"] == patient_id].iloc[0]
    return {f for f in caseload.FLAGS if bool(row[caseload.FLAG_LABELS[f]])}


def test_each_seeded_patient_gets_exactly_its_flag_and_a_clinician_sees_only_their_team(db: Database) -> None:
    clinic = seeded_clinic(db)
    view = caseload.caseload(db, clinic.clinician)
    assert sorted(view.table["patient_id"]) == sorted(clinic.ids[n] for n in FLAGGED_ONLY)
    for name, expected in FLAGGED_ONLY.items():
        assert _flags(view.table, clinic.ids[name]) == expected, name
    row = view.table[view.table["patient_id"] == clinic.ids["fallrisk"]].iloc[0]
    assert row["Berg"] == 40 and row["TUG (s)"] == 12
    assert "Matsumoto 2024" in row["Why"]  # the cut-off's source travels with the flag
    everyone = caseload.caseload(db, clinic.admin)
    assert clinic.ids["elsewhere"] in set(everyone.table["patient_id"]) and len(everyone.table) == 6


def test_viewing_the_caseload_writes_one_audit_entry_and_filters_work(db: Database) -> None:
    clinic = seeded_clinic(db)
    view = caseload.caseload(db, clinic.clinician)
    caseload.caseload(db, clinic.clinician, audit_view=False)  # a rerun of the same page view
    entries = [e for e in audit.entries(db, clinic.admin, action="view") if e.entity == "caseload"]
    assert len(entries) == 1 and entries[0].username == "casey" and '"patients": 5' in entries[0].detail
    only = caseload.filtered(view.table, flags=[caseload.PLATEAU, caseload.SAFETY_STOP])
    assert set(only["patient_id"]) == {clinic.ids["plateau"], clinic.ids["stop"]}
    assert list(caseload.filtered(view.table, text="cl-overdue")["patient_id"]) == [clinic.ids["overdue"]]
    assert caseload.filtered(view.table, sort="berg")["Berg"].iloc[0] == 40


def test_the_caseload_uses_the_clinics_signed_off_thresholds(db: Database) -> None:
    """The 6MWT MDC (54.1 m) is unverified until the clinic signs it off; after that, a 6MWT that moved
    20 m in 6 weeks (and nothing else measured) is a plateau. Flansbjer 2005 studied chronic hemiparesis, so
    the patient is chronic (stroke 2 years ago): the figure applies only to that population (issue 13)."""
    from datetime import timedelta

    from rehab.services import settings as clinic_settings
    from tests.caseload_helpers import TODAY, add_results
    from tests.plan_helpers import new_patient

    clinic = seeded_clinic(db)
    pid = new_patient(
        db, clinic.admin, "CL-6MWT", care_team=[clinic.clinician.user_id], event_date=TODAY - timedelta(days=730)
    )
    from tests.plan_helpers import leg_press_plan

    leg_press_plan(db, clinic.clinician, pid, start=TODAY - timedelta(weeks=1))  # in active treatment
    add_results(db, clinic.clinician, pid, [("six_mwt", 300.0, TODAY - timedelta(weeks=7)), ("six_mwt", 320.0, TODAY)])
    assert caseload.PLATEAU not in _flags(caseload.caseload(db, clinic.clinician).table, pid)
    clinic_settings.save_measure_overrides(db, clinic.admin, {"six_mwt.mdc.chronic": 54.1}, expected_version=0)
    assert caseload.PLATEAU in _flags(caseload.caseload(db, clinic.clinician).table, pid)
