"""Reports & export and Import pages through AppTest (the files' bytes are tested in tests/exports and services).

AppTest cannot fetch a download button's bytes, so these tests check what the pages offer, that opening them
builds nothing (no export entry is written to the audit log until a file is made), and that making one shows its
download button or, when it fails, why on the page and nothing to download.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import leg_press_plan, new_patient, run_session

START = date.today() - timedelta(days=6)


def _open(page: str, *, user_id: int, patient_id: int | None) -> AppTest:
    at = signed_in_app(user_id)
    if patient_id is not None:
        at.session_state["_rehab_patient_id"] = patient_id
    return goto(at.run(), page)


def _labels(at: AppTest) -> list[str]:
    """The exports offered: each a button that makes the file (its download button appears once made)."""
    return [b.label for b in at.button if b.key and b.key.startswith("dl_") and b.key.endswith("_make")]


def test_exports_page_offers_every_format_and_saves_a_note_without_exporting(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-1", given_name="**Bold** <b>Zoë</b>")
    leg_press_plan(app_db, ana, pid, start=START)
    run_session(app_db, ana, pid, START)
    at = _open("exports", user_id=ana.user_id, patient_id=pid)
    assert_no_crash(at)
    assert titles(at) == ["Reports & export · LOVELACE, \\*\\*Bold\\*\\* \\<b\\>Zoë\\</b\\>"]
    assert _labels(at) == [
        "Session summary, clinical (PDF)",
        "Session summary for the patient (PDF)",
        "Session summary, FHIR R4 document (JSON)",
        "Progress report (PDF)",
        "Assessments (CSV)",
        "Session logs (CSV)",
        "Goals and reviews (CSV)",
        "Falls (CSV)",
        "FHIR R4 bundle (JSON)",
        "FHIR R4 transaction, to post (JSON)",
    ]
    at.text_area[0].input("Tolerated well; **review** next week")
    at.button(key="FormSubmitter:note_1-Save note").click()
    at = at.run()
    assert_no_crash(at)
    assert [s.value for s in at.success] == ["Note saved; it is printed on the session summary."]
    entries = app_db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)
    assert not [e for e in entries if e.action == "export"], "opening the page must not build or audit an export"
    assert [e.detail for e in entries if e.entity == "treatment_session" and e.detail == "session note"]


def test_exports_page_is_closed_to_clinicians_outside_the_care_team(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    ben = make_clinician(app_db, admin, "ben")
    pid = new_patient(app_db, ana, "PAGE-2")
    at = _open("exports", user_id=ben.user_id, patient_id=pid)
    assert_no_crash(at)
    assert [e.value for e in at.error] == ["This patient is not on your care team\\."]
    assert _labels(at) == []


def test_treatment_page_offers_the_summary_after_a_session_is_saved(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-3")
    leg_press_plan(app_db, ana, pid, start=START)
    at = _open("treatment", user_id=ana.user_id, patient_id=pid)
    assert "Session summary, clinical (PDF)" not in _labels(at)
    at.session_state["_rehab_just_logged"] = True
    at = at.run()
    assert_no_crash(at)
    assert "Session summary, clinical (PDF)" in _labels(at)


def test_import_page_previews_reports_problems_and_imports_once(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-4")
    at = _open("import", user_id=ana.user_id, patient_id=None)
    assert_no_crash(at)
    assert _download_labels(at) == ["Download the template (CSV)"]
    bad = b"mrn,measure,taken_at,value\nPAGE-4,tug,2026-10-01 09:30,fast\n"
    at.get("file_uploader")[0].upload("bad.csv", bad, "text/csv")
    at = at.run()
    assert_no_crash(at)
    assert at.error[0].value.startswith("Nothing can be imported: 1 problem(s)")
    problems = at.dataframe[-1].value  # [0] is the template's column help
    assert problems.to_dict("records") == [{"Row": 2, "Column": "value", "What is wrong": "“fast” is not a number."}]
    good = b"mrn,measure,taken_at,value\nPAGE-4,tug,2026-10-01 09:30,14.2\n"
    at.get("file_uploader")[0].upload("good.csv", good, "text/csv")
    at = at.run()
    assert at.dataframe[-1].value["Status"].tolist() == ["new"]
    at.button(key="import_go").click()
    at = at.run()
    assert_no_crash(at)
    stored = app_db.run(lambda c: assessment_store.for_patient(c, pid), write=False)
    assert [(r.measure_key, r.value) for r in stored] == [("tug", 14.2)]
    assert at.dataframe[-1].value["Status"].tolist() == ["already recorded"]
    assert at.button(key="import_go").proto.disabled


def _download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_making_a_file_shows_its_progress_then_offers_it_and_records_it(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-4")
    at = _open("exports", user_id=ana.user_id, patient_id=pid)
    assert _download_labels(at) == []  # nothing made, nothing to download
    at.button(key="dl_fhir_make").click()
    at = at.run()
    assert_no_crash(at)
    [status] = [s.label for s in at.status]
    made = re.fullmatch(r"FHIR R4 bundle \(JSON\) made \((\d+) (bytes|KB)\) and recorded in the audit log\.", status)
    assert made is not None, status
    [label] = _download_labels(at)
    assert label.startswith("Download FHIR R4 bundle (JSON), ")
    assert "dl_fhir_make" not in [b.key for b in at.button]  # the download button took its place
    entries = app_db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)
    [entry] = [e for e in entries if e.action == "export"]
    audited = int(re.search(r"; (\d+) bytes; sha256 ", entry.detail).group(1))  # type: ignore[union-attr]
    shown = int(made.group(1))  # the size the page reports is the file audited (in KB, rounded, above 1 KB)
    assert shown == audited if made.group(2) == "bytes" else shown == round(audited / 1024)
    # a rerun for something else keeps the made file on offer without making it again
    at = at.run()
    assert len(_download_labels(at)) == 1
    assert [e.action for e in app_db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)].count(
        "export"
    ) == 1


def test_a_failed_export_says_why_and_offers_nothing_to_download(app_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rehab.domain.errors import ValidationError, ValidationErrors
    from rehab.services import exports

    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "PAGE-5")
    at = _open("exports", user_id=ana.user_id, patient_id=pid)

    def refuses(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationErrors([ValidationError("period", "The period ends before it starts.")])

    monkeypatch.setattr(exports, "export", refuses)
    at.button(key="dl_csv_make").click()
    at = at.run()
    assert_no_crash(at)
    assert [e.value for e in at.error] == ["The period ends before it starts\\."]
    assert [s.label for s in at.status] == ["Assessments (CSV) could not be made: nothing was exported."]
    assert _download_labels(at) == []

    def breaks(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("chart engine failed: /srv/secret/path")

    monkeypatch.setattr(exports, "export", breaks)
    at.button(key="dl_csv_make").click()
    at = at.run()
    assert_no_crash(at)
    [message] = [e.value for e in at.error]
    assert message.startswith("Something went wrong while making it \\(reference ") and "secret" not in message
    assert _download_labels(at) == []
