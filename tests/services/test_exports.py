"""Exports through the service on both engines: access, one audit entry with the file's SHA-256, content."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, exports
from rehab.services.context import AccessDenied
from rehab.store import Database
from rehab.store import audit as audit_store
from tests.exports import fhir_r4
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import leg_press_plan, new_patient, run_session

START = date.today() - timedelta(days=14)
DAY1, DAY2 = START, START + timedelta(days=2)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


@pytest.fixture
def clinic(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    ben = make_clinician(db, admin, "ben")
    # chronic stroke (over a year): the TUG MDC 3.2 s was derived in chronic stroke (Alghadir 2018), issue 13
    pid = new_patient(db, ana, "EXP-1", given_name="Zoë", family_name="Núñez", event_date=START - timedelta(days=400))
    leg_press_plan(db, ana, pid, start=START)
    assessments.record(db, ana, pid, taken_at=_at(DAY1), entries={"tug": {"value": 20}})
    run_session(db, ana, pid, DAY1)
    assessments.record(db, ana, pid, taken_at=_at(DAY2), entries={"tug": {"value": 14}}, note="=cmd|' /C calc'!A0")
    run_session(db, ana, pid, DAY2, pain=7)
    return db, ana, ben, pid


def _exports(db: Database) -> list[audit_store.AuditEntry]:
    return db.run(lambda c: audit_store.search(c, action="export"), write=False)


def test_session_summary_pdf_is_audited_once_with_the_hash_of_its_bytes(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    done = exports.export(db, ana, pid, "pdf")
    (entry,) = _exports(db)
    assert entry.username == "ana" and entry.patient_id == pid
    assert hashlib.sha256(done.data).hexdigest() == done.sha256
    assert f"sha256 {done.sha256}" in entry.detail
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(done.data)).pages).split())
    assert f"Treatment session summary · {DAY2.isoformat()}" in text
    # worked example, reference §2.2: TUG 20 → 14 s is −6 s, beyond the 3.2 s MDC (Alghadir 2018); no MCID
    assert "-6 s" in text
    assert "real improvement (no clinically important difference available)" in text
    # pain 7/10 after every set: flagged, and the load comes down (pain-monitoring model, limit 5/10)
    assert "pain 7/10, above 5/10" in text
    assert "decrease" in text


def test_access_is_denied_outside_the_care_team_and_nothing_is_audited(clinic) -> None:  # type: ignore[no-untyped-def]
    db, _, ben, pid = clinic
    for kind in ("pdf", "csv", "fhir"):
        with pytest.raises(AccessDenied):
            exports.export(db, ben, pid, kind)
    assert _exports(db) == []


def test_csv_exports_are_neutralised_and_fhir_validates(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    table = exports.export(db, ana, pid, "csv").data.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in table
    lines = table.splitlines()
    assert lines[0].startswith("mrn,measure,taken_at,side,site,value,unit,items,note")
    assert lines[1].startswith(f"EXP-1,tug,{DAY1.isoformat()}T09:00:00+00:00,,,20,s,")
    logs = exports.export(db, ana, pid, "csv-sessions").data.decode("utf-8-sig")
    # week 1 (familiarisation): one set of 10 at 40 % of the 100 kg 1RM = 40 kg; pain 7 after the second session
    assert logs.splitlines()[1:] == [
        f"EXP-1,{DAY1.isoformat()},1,performed,go,Leg press,1,40,,10,40,,10,,,,,Ana",
        f"EXP-1,{DAY2.isoformat()},1,performed,go,Leg press,1,40,,10,40,,10,,,7,,Ana",
    ]
    bundle = json.loads(exports.export(db, ana, pid, "fhir").data)
    assert fhir_r4.problems(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    # two TUGs, and each session's readiness blood pressure and heart rate (vital signs, issue 17)
    assert kinds.count("Observation") == 2 + 2 * 2 and kinds.count("CarePlan") == 1
    assert len(_exports(db)) == 3


def test_progress_report_and_patient_version(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    report = exports.export(db, ana, pid, "progress-pdf", start=START, end=DAY2, page_size="Letter")
    reader = PdfReader(io.BytesIO(report.data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Progress report" in text and "20 s" in text and "14 s" in text
    assert "2 session(s) performed, 0 not performed" in text
    patient = exports.export(db, ana, pid, "pdf-patient")
    words = " ".join(PdfReader(io.BytesIO(patient.data)).pages[0].extract_text().split())
    assert "Timed Up and Go: 14 s, better than" in words
    with pytest.raises(ValidationErrors):
        exports.export(db, ana, pid, "progress-pdf", start=DAY2, end=START)


def test_session_note_is_kept_in_versions_and_printed(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, ben, pid = clinic
    session_id = exports.export_options(db, ana, pid, audit_view=False).sessions[0].id
    exports.save_session_note(db, ana, session_id, "First wording")
    exports.save_session_note(db, ana, session_id, "**Tolerated well**, <i>review</i> next week")
    assert exports.session_note(db, ana, session_id).startswith("**Tolerated")
    with pytest.raises(AccessDenied):
        exports.save_session_note(db, ben, session_id, "not mine")
    reader = PdfReader(io.BytesIO(exports.export(db, ana, pid, "pdf", session_id=session_id).data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "**Tolerated well**, <i>review</i> next week" in text


def test_fhir_names_colleagues_without_their_login_names(db: Database) -> None:
    """Issue 14, row 11: the Practitioner's identifier was the login name, half of a sign-in in every export."""
    from rehab.services import accounts, auth
    from tests.helpers import PASSWORD

    admin = make_admin(db)
    accounts.create_user(
        db, admin, username="kl-login-7", display_name="Dr Kim Lee", role="clinician", password=PASSWORD,
        confirm=PASSWORD,
    )  # fmt: skip
    kim = auth.sign_in(db, "kl-login-7", PASSWORD).actor
    assert kim is not None
    pid = new_patient(db, kim, "EXP-9")
    assessments.record(db, kim, pid, taken_at=_at(DAY1), entries={"tug": {"value": 20}})
    data = exports.export(db, kim, pid, "fhir").data
    assert b"kl-login-7" not in data
    bundle = json.loads(data)
    assert fhir_r4.problems(bundle) == []
    (who,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Practitioner"]
    assert who["name"] == [{"text": "Dr Kim Lee"}]
    assert {"system": "urn:rehab-dashboard:practitioner-id", "value": str(kim.user_id)} in who["identifier"]


def test_fhir_transaction_and_document_carry_the_clinic_mrn_system_and_sessions(clinic) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: the MRN system set in Clinic settings; sessions as Procedures with vitals; a session document."""
    from rehab.services import auth
    from rehab.services import settings as clinic_settings
    from tests.helpers import PASSWORD

    db, ana, _, pid = clinic
    admin = auth.sign_in(db, "admin", PASSWORD).actor
    assert admin is not None
    clinic_settings.save_mrn_system(db, admin, "urn:oid:2.16.840.1.113883.2.1.4.1", expected_version=0)
    post = json.loads(exports.export(db, ana, pid, "fhir-transaction").data)
    assert fhir_r4.problems(post) == [] and fhir_r4.model_problems(post) == []
    patient = post["entry"][0]
    assert patient["resource"]["identifier"][0]["system"] == "urn:oid:2.16.840.1.113883.2.1.4.1"
    assert patient["request"]["ifNoneExist"] == "identifier=urn:oid:2.16.840.1.113883.2.1.4.1|EXP-1"
    kinds = [e["resource"]["resourceType"] for e in post["entry"]]
    assert kinds.count("Procedure") == 2
    vitals = [e["resource"] for e in post["entry"] if e["resource"].get("category", [{}])[0].get("coding", [{}])[0]
              .get("code") == "vital-signs"]  # fmt: skip
    # go_answers: 128/78 mmHg and 72 /min at each of the two sessions; no SpO2 was taken, so none is sent
    assert sorted(v["code"]["coding"][0]["code"] for v in vitals) == ["85354-9", "85354-9", "8867-4", "8867-4"]
    procedure = next(e["resource"] for e in post["entry"] if e["resource"]["resourceType"] == "Procedure")
    first_set = {x["url"]: x for x in procedure["extension"][0]["extension"]}
    # week 1: one set of 10 at 40 % of the 100 kg 1RM = 40 kg (as in the session CSV above)
    assert (first_set["exercise"]["valueString"], first_set["load"]["valueQuantity"]["value"]) == ("Leg press", 40)
    assert first_set["reps"]["valueInteger"] == 10
    session_id = exports.export_options(db, ana, pid, audit_view=False).sessions[0].id
    done = exports.export(db, ana, pid, "fhir-document", session_id=session_id)
    doc = json.loads(done.data)
    assert fhir_r4.problems(doc) == [] and fhir_r4.model_problems(doc) == []
    assert doc["entry"][0]["resource"]["resourceType"] == "Composition"
    observations = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert [o["code"]["text"] for o in observations if "valueQuantity" in o and o["valueQuantity"]["code"] == "s"] == [
        "Timed Up and Go"
    ]  # only that day's TUG (14 s on DAY2), not DAY1's
    assert done.filename == f"EXP-1-session-{DAY2.isoformat()}-fhir-r4-document.json"
    (entry,) = [e for e in _exports(db) if e.detail.startswith("FHIR R4 session document")]
    assert (entry.entity, entry.entity_id) == ("session", str(session_id))


def test_mrn_system_setting_is_checked_and_for_administrators_only(db: Database) -> None:
    from rehab.services import settings as clinic_settings

    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    assert clinic_settings.fhir_settings(db).mrn_system == "urn:rehab-dashboard:mrn"
    with pytest.raises(AccessDenied):
        clinic_settings.save_mrn_system(db, ana, "https://hospital.example.org/mrn", expected_version=0)
    for bad, says in (("hospital mrn", "spaces"), ("mrn", "absolute URI"), ("urn:oid:1.2.x", "OID"),
                      ("https:///mrn", "host"), (" https://h.org/mrn", "spaces")):  # fmt: skip
        with pytest.raises(ValidationErrors) as caught:
            clinic_settings.save_mrn_system(db, admin, bad, expected_version=0)
        assert says in caught.value.by_field()["mrn_system"]
    assert clinic_settings.save_mrn_system(db, admin, "https://hospital.example.org/mrn", expected_version=0) == 1
    assert clinic_settings.fhir_settings(db).mrn_system == "https://hospital.example.org/mrn"
    from rehab.services.context import ConflictError

    with pytest.raises(ConflictError):
        clinic_settings.save_mrn_system(db, admin, "urn:oid:1.2.3", expected_version=0)
