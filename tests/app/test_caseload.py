"""The caseload page: flags for a seeded clinic, care-team scope, filter and open a patient's dashboard."""

from __future__ import annotations

from rehab.services import caseload
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.caseload_helpers import seeded_clinic


def test_caseload_flags_the_seeded_clinic_and_shows_only_the_care_team(app_db: Database) -> None:
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    assert_no_crash(at)
    assert titles(at) == ["Caseload"]
    table = at.dataframe[0].value
    # patients without a plan have no plan week: the table shows a dash, not "None"
    assert table["Plan week"].isna().any() and at.dataframe[0].proto.placeholder == "—"
    assert sorted(table["MRN"]) == ["CL-FALLRISK", "CL-FINE", "CL-OVERDUE", "CL-PLATEAU", "CL-STOP"]
    flagged = {
        mrn: {f for f in caseload.FLAGS if row[caseload.FLAG_LABELS[f]]}
        for mrn, (_, row) in zip(table["MRN"], table.iterrows(), strict=True)
    }
    assert flagged == {
        "CL-FALLRISK": {caseload.FALL_RISK},
        "CL-OVERDUE": {caseload.RETEST_OVERDUE},
        "CL-PLATEAU": {caseload.PLATEAU},
        "CL-STOP": {caseload.SAFETY_STOP},
        "CL-FINE": set(),
    }
    at.multiselect(key="caseload_flags").set_value([caseload.PLATEAU]).run()
    assert list(at.dataframe[0].value["MRN"]) == ["CL-PLATEAU"]
    at.button(key="caseload_dashboard").click().run()
    assert_no_crash(at)
    assert titles(at) == ["Dashboard · PLATEAU, Ada"]


def test_admin_sees_every_patient(app_db: Database) -> None:
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.admin.user_id).run(), "caseload")
    assert_no_crash(at)
    assert "CL-ELSEWHERE" in set(at.dataframe[0].value["MRN"])
