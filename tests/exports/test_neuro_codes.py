"""Issue 18: the neuro-rehabilitation measures export with the codes §13 allows: local codes, no LOINC (none was
found for FMA, MAS, FAC, TCT, MI or ARAT [R113]); an ordinal grade goes out as its own code ("1+"), never the
stored position (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rehab.exports import fhir
from tests.exports import fhir_r4

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _observations() -> dict[str, dict[str, Any]]:
    patient = fhir.FhirPatient(1, "MRN-77", "Zoë", "Ł", date(1950, 3, 14), "female")
    staff = [fhir.FhirPractitioner(5, "Dr Ana Núñez")]
    values = [
        fhir.FhirAssessment(1, "tct", WHEN, 62, None, "{score}", None, None, [12, 25, 25, 0], {}, "", 5),
        fhir.FhirAssessment(2, "mas", WHEN, 2, "1+", "{grade_position}", "left", "Elbow flexors", None, {}, "", 5),
        fhir.FhirAssessment(3, "fac", WHEN, 3, "3", "{category}", None, None, None, {}, "", 5),
        fhir.FhirAssessment(4, "fma_le", WHEN, 34, None, "{score}", None, None, [2] * 17, {}, "", 5),
    ]
    bundle = fhir.bundle(fhir.Record(patient, staff, values), timestamp=WHEN, bundle_id="b-18")
    assert fhir_r4.problems(bundle) == []
    assert fhir_r4.model_problems(bundle) == []
    return {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }


def test_local_codes_and_no_loinc() -> None:
    obs = _observations()
    assert set(obs) == {"tct-total", "mas-grade", "fac", "fma-le-total"}
    for code, o in obs.items():
        assert o["code"]["coding"][0]["system"] == fhir.codes.MEASURES_SYSTEM
        # scales are surveys (as Berg and PASS); a tone grade of one muscle is an examination finding
        assert o["category"][0]["coding"][0]["code"] == ("exam" if code == "mas-grade" else "survey")


def test_grades_export_as_their_own_codes_not_the_position() -> None:
    obs = _observations()
    mas = obs["mas-grade"]
    assert "valueQuantity" not in mas  # the stored 2 is only the position of "1+" in 0, 1, 1+, 2, 3, 4
    assert mas["valueCodeableConcept"]["coding"] == [
        {"system": "urn:rehab-dashboard:fhir:grade:mas-grade", "code": "1+", "display": "1+"}
    ]
    assert mas["bodySite"]["text"] == "left Elbow flexors"
    assert obs["fac"]["valueCodeableConcept"]["coding"][0]["code"] == "3"


def test_tct_items_are_components() -> None:
    tct = _observations()["tct-total"]
    items = [c for c in tct["component"] if c["code"]["coding"][0]["code"].startswith("tct-total-item-")]
    assert [c["valueQuantity"]["value"] for c in items] == [12, 25, 25, 0]
