"""FHIR R4 bundle: validated against the official R4 JSON schema plus hand-checked invariants (see fhir_r4.py).

Codes and units are checked against the clinical reference §6 by hand: TUG → LOINC 89423-8 in s, grip left
hand → LOINC 83173-5, 30 s chair stand → LOINC 66247-8 in {#}/(30.s), Berg (no verified LOINC) → the
product's own code system with category survey.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

from rehab.exports import fhir
from tests.exports import fhir_r4

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _bundle() -> dict[str, Any]:
    patient = fhir.FhirPatient(1, "MRN-77", "Zoë", "Łukasiewicz", date(1950, 3, 14), "female")
    staff = [fhir.FhirPractitioner(5, "Dr Ana Núñez")]
    values = [
        fhir.FhirAssessment(1, "tug", WHEN, 14.2, None, "s", None, None, None, {"assistive_device": "cane"}, "", 5),
        fhir.FhirAssessment(2, "bbs", WHEN, 40, None, "{score}", None, None, [3] * 12 + [2, 2], {}, "<b>n</b>", 5),
        fhir.FhirAssessment(3, "grip", WHEN, 18.5, None, "kg", "left", None, None, {"rule": "max"}, "", 5),
        fhir.FhirAssessment(4, "mmt", WHEN, 9, "4+", "{score}", "right", "knee extension", None, {}, "", 5),
        fhir.FhirAssessment(5, "thirty_s_cst", WHEN, 9, None, "{#}/(30.s)", None, None, None, {}, "", 5),
    ]
    plan = fhir.FhirPlan(
        9, True, date(2026, 10, 1), None, WHEN, 5, "Progressive resistance training plan", "2-for-2 rule.",
        [fhir.FhirActivity("Leg press", "Week 3: 2 × 10 at 40 kg. Keep 40 kg.")],
    )  # fmt: skip
    return fhir.bundle(patient, staff, values, [plan], timestamp=WHEN, bundle_id="b-1")


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_is_valid_r4() -> None:
    bundle = _bundle()
    assert fhir_r4.problems(bundle) == []
    assert bundle["type"] == "collection"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == (
        ["Patient", "Practitioner"] + ["Observation"] * 5 + ["CarePlan"]
    )


def test_codes_units_and_categories_follow_the_reference() -> None:
    obs = {o["code"]["text"]: o for o in _resources(_bundle(), "Observation")}
    tug = obs["Timed Up and Go"]
    assert tug["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "89423-8",
        "display": "Time to rise from chair, walk 10 feet and back, and return to sitting [TUG]",
    }
    assert tug["valueQuantity"] == {"value": 14.2, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    assert tug["category"][0]["coding"][0]["code"] == "exam"
    assert {"code": {"coding": [{"system": fhir.CONTEXT_SYSTEM, "code": "assistive_device"}],
                     "text": "Assistive device"}, "valueString": "cane"} in tug["component"]  # fmt: skip
    berg = obs["Berg Balance Scale"]
    assert berg["code"]["coding"][0]["system"] == fhir.MEASURES_SYSTEM
    assert berg["category"][0]["coding"][0]["code"] == "survey"
    items = [c for c in berg["component"] if c["code"]["coding"][0]["system"] == fhir.ITEMS_SYSTEM]
    assert [c["valueQuantity"]["value"] for c in items] == [3] * 12 + [2, 2]
    assert berg["note"] == [{"text": "<b>n</b>"}]  # user text is data in JSON, never markup
    assert obs["Grip strength (Jamar)"]["code"]["coding"][0]["code"] == "83173-5"
    assert obs["30-second chair stand"]["code"]["coding"][0]["code"] == "66247-8"
    assert obs["30-second chair stand"]["valueQuantity"]["code"] == "{#}/(30.s)"
    mmt = obs["Manual muscle test (MRC / Oxford scale)"]
    assert mmt["bodySite"] == {"text": "right knee extension"}
    assert {"code": {"coding": [{"system": fhir.CONTEXT_SYSTEM, "code": "grade"}], "text": "Grade as recorded"},
            "valueString": "4+"} in mmt["component"]  # fmt: skip


def test_careplan_and_references_resolve() -> None:
    bundle = _bundle()
    (plan,) = _resources(bundle, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["activity"][0]["detail"]["status"] == "in-progress"
    patient_url = bundle["entry"][0]["fullUrl"]
    assert plan["subject"] == {"reference": patient_url}
    assert all(o["subject"]["reference"] == patient_url for o in _resources(bundle, "Observation"))


def test_the_validator_rejects_what_r4_rejects() -> None:
    """The checks must be able to fail: a bad status code, an unknown element, a unit without UCUM."""
    bad_status = copy.deepcopy(_bundle())
    bad_status["entry"][2]["resource"]["status"] = "bogus"
    assert any("'bogus' is not one of" in p for p in fhir_r4.problems(bad_status))
    unknown = copy.deepcopy(_bundle())
    unknown["entry"][0]["resource"]["favouriteColour"] = "blue"
    assert any("favouriteColour" in p for p in fhir_r4.problems(unknown))
    no_ucum = copy.deepcopy(_bundle())
    del no_ucum["entry"][2]["resource"]["valueQuantity"]["system"]
    assert any("qty-3" in p for p in fhir_r4.problems(no_ucum))
    dangling = copy.deepcopy(_bundle())
    dangling["entry"][2]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    assert any("does not resolve" in p for p in fhir_r4.problems(dangling))
