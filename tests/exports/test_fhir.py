"""FHIR R4 bundles: validated against the official R4 JSON schema, the R4B models of fhir.resources and the
hand-checked invariants and bindings (see fhir_r4.py).

Codes and units are checked by hand against their sources: TUG → LOINC 89423-8 in s, grip left hand → LOINC
83173-5, 30 s chair stand → LOINC 66247-8 in {#}/(30.s), Berg (no verified LOINC) → the product's own code
system (clinical reference §6.1); grip in UCUM kgf, a force, as LOINC's grip codes are (§6.2, Jamar reads
kilograms-force, §1.3); laterality → SNOMED CT 419161000 / 419465000 of FHIR's bodysite-laterality value set;
ischaemic stroke → SNOMED CT 422504002 (NZHTS cvdra-ischaemic-stroke value set); vital signs → LOINC 85354-9
with 8480-6/8462-4, 8867-4, 2708-6 with 59408-5 (FHIR R4 vital signs profiles); MRN type → v2-0203 MR.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.exports import fhir
from tests.exports import fhir_r4

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MRN_SYSTEM = "https://hospital.example.org/mrn"
BUNDLE_ID = "0b7e3c1a-4a8e-4f55-9d07-2f1c9d2e5a10"


def _record(**patient: Any) -> fhir.Record:
    facts: dict[str, Any] = {"condition": "ischaemic_stroke", "event_date": date(2026, 8, 1), "paretic_side": "left"}
    facts.update(patient)
    person = fhir.FhirPatient(1, "MRN 77&1", "Zoë", "Łukasiewicz", date(1950, 3, 14), "female", **facts)
    staff = [fhir.FhirPractitioner(5, "Dr Ana Núñez")]
    values = [
        fhir.FhirAssessment(1, "tug", WHEN, 14.2, None, "s", None, None, None, {"assistive_device": "cane"}, "", 5),
        fhir.FhirAssessment(2, "bbs", WHEN, 40, None, "{score}", None, None, [3] * 12 + [2, 2], {}, "<b>n</b>", 5),
        fhir.FhirAssessment(3, "grip", WHEN, 18.5, None, "kg", "left", None, None, {"rule": "max"}, "", 5),
        fhir.FhirAssessment(4, "mmt", WHEN, 10, "4+", "{score}", "right", "knee extension", None, {}, "", 5),
        fhir.FhirAssessment(5, "thirty_s_cst", WHEN, 9, None, "{#}/(30.s)", None, None, None, {}, "", 5),
        fhir.FhirAssessment(6, "hhd", WHEN, 120.5, None, "N", "left", "knee extension", None,
                            {"method": "break", "rule": "max"}, "", 5),
    ]  # fmt: skip
    plan = fhir.FhirPlan(
        9, True, date(2026, 10, 1), None, WHEN, 5, "Progressive resistance training plan", "2-for-2 rule.",
        [fhir.FhirActivity("Leg press", "Week 3: 2 × 10 at 40 kg. Keep 40 kg.")],
    )  # fmt: skip
    done = fhir.FhirSession(
        11, 9, date(2026, 11, 20), 3, "completed", WHEN, 5, systolic_mmhg=132, diastolic_mmhg=84, heart_rate_bpm=72,
        spo2_percent=97, sets=[fhir.FhirSet("Leg press", 1, 10, 40, 40, None, 10, 7, 1, 0),
                               fhir.FhirSet("Leg press", 2, 10, 40, 40, None, 8, 8.5, 2, 3)],
    )  # fmt: skip
    skipped = fhir.FhirSession(12, 9, date(2026, 11, 22), 3, "not_performed", WHEN, 5, "Unwell", systolic_mmhg=150)
    return fhir.Record(person, staff, values, [plan], [done, skipped], mrn_system=MRN_SYSTEM)


def _bundle(kind: fhir.BundleType = "collection", **patient: Any) -> dict[str, Any]:
    return fhir.bundle(_record(**patient), timestamp=WHEN, bundle_id=BUNDLE_ID, kind=kind)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _observations(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["code"]["text"]: o for o in _resources(bundle, "Observation")}


def test_every_bundle_type_is_valid_r4_for_two_validators() -> None:
    for bundle in (_bundle(), _bundle("transaction"), _document()):
        assert fhir_r4.problems(bundle) == []
        assert fhir_r4.model_problems(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in _bundle()["entry"]]
    assert kinds == ["Patient", "Condition", "Practitioner", "Observation", "Observation", "Device", "Observation",
                     "Observation", "Observation", "Device", "Observation", "CarePlan", "Procedure", "Observation",
                     "Observation", "Observation", "Procedure", "Observation"]  # fmt: skip


def test_codes_units_and_categories_follow_the_reference() -> None:
    obs = _observations(_bundle())
    tug = obs["Timed Up and Go"]
    assert tug["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "89423-8",
        "display": "Time to rise from chair, walk 10 feet and back, and return to sitting [TUG]",
    }
    assert tug["valueQuantity"] == {"value": 14.2, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    assert tug["category"][0]["coding"][0]["code"] == "exam"
    assert {"code": {"coding": [{"system": fhir.codes.CONTEXT_SYSTEM, "code": "assistive_device"}],
                     "text": "Assistive device"}, "valueString": "cane"} in tug["component"]  # fmt: skip
    berg = obs["Berg Balance Scale"]
    assert berg["code"]["coding"][0]["system"] == fhir.codes.MEASURES_SYSTEM
    assert berg["category"][0]["coding"][0]["code"] == "survey"
    items = [c for c in berg["component"] if c["code"]["coding"][0]["system"] == fhir.codes.ITEMS_SYSTEM]
    assert [c["valueQuantity"]["value"] for c in items] == [3] * 12 + [2, 2]
    assert berg["note"] == [{"text": "<b>n</b>"}]  # user text is data in JSON...
    assert "&lt;b&gt;n&lt;/b&gt;" in berg["text"]["div"] and "<b>" not in berg["text"]["div"]  # ...and in XHTML
    assert obs["30-second chair stand"]["code"]["coding"][0]["code"] == "66247-8"
    assert obs["30-second chair stand"]["valueQuantity"]["code"] == "{#}/(30.s)"


def test_grip_is_a_force_in_kgf_with_its_jamar_device() -> None:
    bundle = _bundle()
    grip = _observations(bundle)["Grip strength (Jamar)"]
    assert grip["code"]["coding"][0]["code"] == "83173-5"  # left hand
    assert grip["valueQuantity"] == {"value": 18.5, "unit": "kgf", "system": "http://unitsofmeasure.org",
                                     "code": "kgf"}  # fmt: skip
    devices = {e["fullUrl"]: e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Device"}
    assert devices[grip["device"]["reference"]]["deviceName"] == [{"name": "Jamar hand dynamometer",
                                                                    "type": "user-friendly-name"}]  # fmt: skip


def test_mrc_grade_is_a_code_that_reads_4_plus() -> None:
    mmt = _observations(_bundle())["Manual muscle test (MRC / Oxford scale)"]
    assert "valueQuantity" not in mmt
    assert mmt["valueCodeableConcept"] == {
        "coding": [{"system": "urn:rehab-dashboard:fhir:grade:mrc-grade", "code": "4+", "display": "4+"}],
        "text": "MRC grade 4+",
    }


def test_body_site_carries_snomed_laterality_and_the_affected_side() -> None:
    """The patient's affected side is the left: a left reading is 'affected', a right one 'less-affected'."""
    obs = _observations(_bundle())
    grip, mmt = obs["Grip strength (Jamar)"], obs["Manual muscle test (MRC / Oxford scale)"]
    left = {"url": fhir.codes.EXT_LATERALITY, "valueCodeableConcept": {
        "coding": [{"system": "http://snomed.info/sct", "code": "419161000", "display": "Unilateral left"}],
        "text": "Unilateral left"}}  # fmt: skip
    assert grip["bodySite"]["extension"][0] == left
    assert grip["bodySite"]["extension"][1]["valueCodeableConcept"]["coding"][0]["code"] == "affected"
    assert mmt["bodySite"]["text"] == "right knee extension"
    assert mmt["bodySite"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "419465000"
    assert mmt["bodySite"]["extension"][1]["valueCodeableConcept"]["coding"][0]["code"] == "less-affected"
    # no affected side recorded: laterality only, no affected/less-affected claim
    none = _observations(_bundle(paretic_side="none"))["Grip strength (Jamar)"]
    assert [e["url"] for e in none["bodySite"]["extension"]] == [fhir.codes.EXT_LATERALITY]


def test_method_device_and_performer_by_name() -> None:
    bundle = _bundle()
    hhd = _observations(bundle)["Hand-held dynamometry"]
    assert hhd["method"]["coding"][0] == {"system": fhir.codes.METHOD_SYSTEM, "code": "break",
                                          "display": "Break test (examiner overcomes the patient's hold)"}  # fmt: skip
    (device,) = [e for e in bundle["entry"] if e["fullUrl"] == hhd["device"]["reference"]]
    assert device["resource"]["type"]["text"] == "Hand-held dynamometer"
    assert "method" not in _observations(bundle)["Timed Up and Go"]  # nothing recorded, nothing claimed
    assert hhd["performer"][0]["display"] == "Dr Ana Núñez"
    (who,) = _resources(bundle, "Practitioner")
    assert who["name"] == [{"text": "Dr Ana Núñez"}]


def test_one_condition_with_snomed_onset_and_affected_side() -> None:
    (condition,) = _resources(_bundle(), "Condition")
    assert condition["code"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "422504002",
                                              "display": "Ischemic stroke"}  # fmt: skip
    assert condition["onsetDateTime"] == "2026-08-01"
    assert condition["bodySite"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "419161000"
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    # no cited SNOMED concept for haemorrhagic stroke: the product's code only, never a guessed SNOMED code
    (other,) = _resources(_bundle(condition="haemorrhagic_stroke", event_date=None), "Condition")
    assert [c["system"] for c in other["code"]["coding"]] == [fhir.codes.CONDITION_SYSTEM]
    assert "onsetDateTime" not in other


def test_patient_mrn_uses_the_clinic_system_with_type_mr() -> None:
    (patient,) = _resources(_bundle(), "Patient")
    assert patient["identifier"] == [{
        "use": "usual",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR",
                             "display": "Medical record number"}], "text": "MRN"},
        "system": MRN_SYSTEM, "value": "MRN 77&1"}]  # fmt: skip


def test_sessions_are_procedures_with_their_sets() -> None:
    done, skipped = _resources(_bundle(), "Procedure")
    assert (done["status"], done["performedDateTime"]) == ("completed", "2026-11-20")
    second = {x["url"]: x for x in done["extension"][1]["extension"]}
    assert second["setNumber"]["valueInteger"] == 2 and second["reps"]["valueInteger"] == 8
    assert second["load"]["valueQuantity"] == {"value": 40, "unit": "kg", "system": "http://unitsofmeasure.org",
                                               "code": "kg"}  # fmt: skip
    assert (second["effort"]["valueDecimal"], second["painAfter"]["valueInteger"]) == (8.5, 3)
    assert "Leg press, set 2: 8 reps at 40 kg" in done["text"]["div"]
    assert (skipped["status"], skipped["statusReason"]) == ("not-done", {"text": "Unwell"})
    assert "extension" not in skipped


def test_readiness_vitals_are_vital_signs_with_loinc() -> None:
    bundle = _bundle()
    procedures = {e["resource"]["resourceType"] + e["resource"]["performedDateTime"]: e["fullUrl"]
                  for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"}  # fmt: skip
    vitals = [o for o in _resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "vital-signs"]
    first = [o for o in vitals if o["partOf"][0]["reference"] == procedures["Procedure2026-11-20"]]
    codes = [[c["code"] for c in o["code"]["coding"]] for o in first]
    assert codes == [["85354-9"], ["8867-4"], ["2708-6", "59408-5"]]
    bp, hr, spo2 = first
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
            for c in bp["component"]] == [("8480-6", 132, "mm[Hg]"), ("8462-4", 84, "mm[Hg]")]  # fmt: skip
    assert (hr["valueQuantity"]["value"], hr["valueQuantity"]["code"]) == (72, "/min")
    assert (spo2["valueQuantity"]["value"], spo2["valueQuantity"]["code"]) == (97, "%")
    # the skipped session recorded only a systolic pressure: that reading alone, nothing made up
    (only,) = [o for o in vitals if o["partOf"][0]["reference"] == procedures["Procedure2026-11-22"]]
    assert [c["code"]["coding"][0]["code"] for c in only["component"]] == ["8480-6"]


def test_transaction_creates_each_resource_only_once() -> None:
    bundle = _bundle("transaction")
    assert bundle["type"] == "transaction"
    requests = [e["request"] for e in bundle["entry"]]
    assert all(r["method"] == "POST" for r in requests)
    assert requests[0] == {"method": "POST", "url": "Patient",
                           "ifNoneExist": "identifier=https://hospital.example.org/mrn|MRN%2077%261"}  # fmt: skip
    for entry in bundle["entry"][1:]:
        assert entry["request"]["ifNoneExist"] == f"identifier=urn:ietf:rfc:3986|{entry['fullUrl']}"
        assert entry["request"]["url"] == entry["resource"]["resourceType"]
    again = fhir.bundle(_record(), timestamp=WHEN, bundle_id=str(uuid.uuid4()), kind="transaction")
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]
    other_clinic = fhir.bundle(replace(_record(), mrn_system="urn:oid:1.2.3"), timestamp=WHEN, bundle_id=BUNDLE_ID)
    assert not {e["fullUrl"] for e in other_clinic["entry"]} & {e["fullUrl"] for e in bundle["entry"]}


def _document() -> dict[str, Any]:
    record = _record()
    day = [a for a in record.assessments if a.measure_key in ("grip", "mmt")]
    return fhir.session_document(replace(record, assessments=day), record.sessions[0], timestamp=WHEN,
                                 bundle_id=BUNDLE_ID, author_id=5)  # fmt: skip


def test_session_document_starts_with_its_composition() -> None:
    doc = _document()
    assert doc["type"] == "document"
    assert doc["identifier"] == {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{BUNDLE_ID}"}
    composition = doc["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition" and composition["status"] == "final"
    assert [s["title"] for s in composition["section"]] == [
        "Condition", "Readiness screen", "Treatment session", "Assessments"]  # fmt: skip
    urls = {e["fullUrl"]: e["resource"]["resourceType"] for e in doc["entry"]}
    cited = [urls[r["reference"]] for s in composition["section"] for r in s["entry"]]
    assert cited == ["Condition", "Observation", "Observation", "Observation", "Procedure", "Observation",
                     "Observation"]  # fmt: skip
    assert "CarePlan" in urls.values() and "Patient" in urls.values()
    assert "72 /min" in composition["section"][1]["text"]["div"]


def test_the_validators_reject_what_r4_rejects() -> None:
    """The checks must be able to fail: a bad status code, an unknown element, a unit without UCUM, a missing
    narrative, a wrong Condition status, a transaction entry without request, a document out of order."""
    bundle = _bundle()
    where = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    bad_status = copy.deepcopy(bundle)
    bad_status["entry"][where]["resource"]["status"] = "bogus"
    assert any("'bogus' is not one of" in p for p in fhir_r4.problems(bad_status))
    # (fhir.resources does not check codes against value sets: the schema's enums and fhir_r4 do)
    unknown = copy.deepcopy(bundle)
    unknown["entry"][0]["resource"]["favouriteColour"] = "blue"
    assert any("favouriteColour" in p for p in fhir_r4.problems(unknown))
    assert any("favouriteColour" in p for p in fhir_r4.model_problems(unknown))
    no_ucum = copy.deepcopy(bundle)
    del no_ucum["entry"][where]["resource"]["valueQuantity"]["system"]
    assert any("qty-3" in p for p in fhir_r4.problems(no_ucum))
    dangling = copy.deepcopy(bundle)
    dangling["entry"][where]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    assert any("does not resolve" in p for p in fhir_r4.problems(dangling))
    silent = copy.deepcopy(bundle)
    del silent["entry"][where]["resource"]["text"]
    assert any("dom-6" in p for p in fhir_r4.problems(silent))
    wrong = copy.deepcopy(bundle)
    wrong["entry"][1]["resource"]["clinicalStatus"]["coding"][0]["code"] = "cured"
    assert any("required value set" in p for p in fhir_r4.problems(wrong))
    post = _bundle("transaction")
    del post["entry"][3]["request"]
    assert any("bdl-3" in p for p in fhir_r4.problems(post))
    doc = _document()
    doc["entry"].append(doc["entry"].pop(0))
    assert any("bdl-11" in p for p in fhir_r4.problems(doc))


def test_exported_json_never_holds_a_login_name_field() -> None:
    text = json.dumps(_bundle())
    assert "username" not in text and "login" not in text


TYPED = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrn=TYPED, note=TYPED, site=TYPED, reason=TYPED)
def test_whatever_a_clinician_types_stays_valid_fhir_and_inert_in_the_narrative(
    mrn: str, note: str, site: str, reason: str
) -> None:
    """Names, notes, sites and reasons are data: the Bundle stays valid R4, the text is carried unchanged in
    its elements, and in the XHTML narrative every '<' and '&' a user typed is escaped."""
    person = fhir.FhirPatient(1, mrn, note, site, date(1950, 3, 14), "male", "tbi", None, "right")
    staff = [fhir.FhirPractitioner(5, reason)]
    value = fhir.FhirAssessment(4, "mmt", WHEN, 6, "3", "{score}", "right", site, None, {}, note, 5)
    session = fhir.FhirSession(11, 9, date(2026, 11, 20), 1, "not_performed", WHEN, 5, reason)
    bundle = fhir.bundle(fhir.Record(person, staff, [value], (), [session], mrn_system=MRN_SYSTEM), timestamp=WHEN,
                         bundle_id=BUNDLE_ID, kind="transaction")  # fmt: skip
    assert fhir_r4.problems(bundle) == []
    (obs,) = _resources(bundle, "Observation")
    assert obs["note"] == [{"text": note}] and obs["bodySite"]["text"] == f"right {site}"
    (procedure,) = _resources(bundle, "Procedure")
    assert procedure["statusReason"] == {"text": reason}
    for entry in bundle["entry"]:
        div = entry["resource"]["text"]["div"]
        inner = div.removeprefix('<div xmlns="http://www.w3.org/1999/xhtml">').removesuffix("</div>")
        assert "<" not in inner.replace("<p>", "").replace("</p>", "")
        assert all(part.startswith(("amp;", "lt;", "gt;")) for part in inner.split("&")[1:])
