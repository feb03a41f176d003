"""Goals, falls, predictions and the neuro measures in the FHIR bundle, checked by all three validators (the R4
JSON schema, fhir.resources R4B, @medplum/core) and against values worked by hand.

Sources of the expectations: GAS levels and their meanings, clinical reference §13.9 [R96]; goal-achievement
codes, FHIR R4 CodeSystem goal-achievement; SNOMED CT 1912002 "Fall", FHIR ValueSet adverse-event-type and NHS
Digital's FALLS_COD reference set; Fugl-Meyer parts (UE A 0–36, B+C 0–24, D 0–6; LE E 0–28, F 0–6) and ARAT
subscales (grasp items 1–6, grip 7–10, pinch 11–16, gross movement 17–19), §13.1 and §13.6; Modified Ashworth
grades 0, 1, 1+, 2, 3, 4 per muscle and side, §13.2; no LOINC for FMA, MAS, FAC, TCT, MI, ARAT (§13.14).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from rehab.exports import fhir
from rehab.exports.fhir_goals import gas_achievement
from tests.exports import fhir_r4, medplum_validator
from tests.exports.test_fhir import MRN_SYSTEM, _record

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DAY3 = datetime(2026, 8, 4, 9, 0, tzinfo=UTC)  # day 3 after the stroke of 1 August
REVIEWED = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
LEVELS = {
    -2: "Needs two people to dress",
    -1: "Dresses with one helper",
    0: "Dresses upper body alone, seated",
    1: "Dresses fully alone, seated",
    2: "Dresses fully alone, standing",
}
HOSTILE = '<img src=x onerror="alert(1)"> =cmd'

# Item scores typed by hand; their subscale totals worked out by hand below each.
FMA_UE_ITEMS = [2] * 16 + [1, 1] + [2] * 6 + [1] * 6 + [2, 1, 1]  # A 32+2 = 34; B+C 12+6 = 18; D 4 → 56
FMA_LE_ITEMS = [2] * 14 + [2, 1, 0]  # E 28; F 3 → 31
ARAT_ITEMS = [3] * 6 + [3, 3, 2, 2] + [2, 2, 1, 1, 0, 0] + [3, 3, 3]  # grasp 18, grip 10, pinch 6, gross 9 → 43


def _neuro() -> list[fhir.FhirAssessment]:
    a = fhir.FhirAssessment
    return [
        a(20, "fma_ue", WHEN, 56, None, "{score}", "left", None, FMA_UE_ITEMS, {}, "", 5),
        a(21, "fma_le", WHEN, 31, None, "{score}", "left", None, FMA_LE_ITEMS, {}, "", 5),
        a(22, "mas", WHEN, 2, "1+", "{grade_position}", "left", "Elbow flexors", None, {}, "", 5),
        a(23, "mas", WHEN, 0, "0", "{grade_position}", "right", "Elbow flexors", None, {}, "", 5),
        a(24, "fac", WHEN, 3, "3", "{category}", None, None, None, {}, "", 5),
        a(25, "tct", DAY3.replace(day=9), 62, None, "{score}", None, None, [12, 25, 25, 0], {}, "", 5),
        a(26, "mi_arm", WHEN, 78, None, "{score}", "left", None, [19, 25, 33], {"raw_sum": 77}, "", 5),
        a(27, "arat", WHEN, 43, None, "{score}", "left", None, ARAT_ITEMS, {"inferred_items": [2, 3, 4, 5, 6]}, "", 5),
        a(28, "mmt", DAY3, 2, "2", "{score}", "left", "shoulder abduction", None, {}, "", 6),
    ]


def _goals() -> list[fhir.FhirGoal]:
    rated = fhir.FhirGoalReview(70, REVIEWED, 6, 1, "Dressed herself at home " + HOSTILE)
    improving = fhir.FhirGoalReview(71, REVIEWED, 6, -1, "")
    tug_note = fhir.FhirGoalReview(72, REVIEWED, 5, None, "Walking faster, not there yet")
    gas = dict(set_on=date(2026, 10, 1), target_date=date(2026, 12, 31), set_by=5, levels=LEVELS)
    return [
        fhir.FhirGoal(40, "gas", "Dress without help", "active", "", baseline=-1, reviews=[rated], **gas),  # type: ignore[arg-type]
        fhir.FhirGoal(41, "gas", "Get in the car", "active", "", baseline=-2, reviews=[improving], **gas),  # type: ignore[arg-type]
        fhir.FhirGoal(42, "measure", "Cross the road in time", "active", "", date(2026, 11, 1), date(2026, 12, 31), 5,
                      measure_key="tug", target_value=12, reviews=[tug_note]),
        fhir.FhirGoal(43, "measure", "Leg strength", "achieved", "Reached early", date(2026, 10, 1),
                      date(2026, 12, 1), 5, measure_key="fac", target_value=4),
    ]  # fmt: skip


def _full() -> fhir.Record:
    base = _record()
    fall = fhir.FhirFall(50, date(2026, 11, 10), "outdoor", "Tripped on the kerb " + HOSTILE, "fracture",
                         "Wrist, X-ray confirmed", "incident_report", "Ben Okafor")  # fmt: skip
    corrected = fhir.FhirFall(52, date(2026, 11, 15), "indoor", "Slipped in the bathroom", "none", "", "diary",
                              "Dr Ana Núñez", corrected=True)  # fmt: skip
    findings = [
        fhir.FhirFinding(60, "nihss", date(2026, 8, 4), "9", "Dr Ana Núñez"),
        fhir.FhirFinding(61, "mep", date(2026, 8, 5), "negative", "Dr Ana Núñez"),
    ]
    prep2 = fhir.FhirPrediction(
        "prep2", "PREP2 — upper-limb function at 3 months", "poor", "Poor",
        ["SAFE 3 on day 3: under 5 (R88).", "No MEP on day 4 (R88).", "NIHSS 9 on day 3: 7 or more (R88)."],
        "adults after stroke", ["Applied at 2 weeks PREP2 was correct for only 60 % (R91)."],
        [("assessment", 28), ("finding", 60), ("finding", 61)], date(2026, 8, 5),
        fhir.FhirDisagreement("Ben Okafor", REVIEWED, "Finger extension returned on day 6 " + HOSTILE),
    )  # fmt: skip
    twist = fhir.FhirPrediction(
        "twist", "TWIST — time to walking independently", "by_6_weeks", "Walking independently by 6 weeks",
        ["Trunk Control Test 62 on day 8: over 40 (R93)."], "adults with new leg weakness", ["Small study (R93)."],
        [("assessment", 25)], date(2026, 8, 9),
    )  # fmt: skip
    staff = [*base.practitioners, fhir.FhirPractitioner(6, "Ben Okafor")]
    return fhir.Record(
        base.patient, staff, [*base.assessments, *_neuro()], base.plans, base.sessions, mrn_system=MRN_SYSTEM,
        goals=_goals(), t_score=fhir.FhirTScore(56.2, (40, 41), False, "T = 56.2, unweighted; 50 = as expected."),
        falls=[fall, corrected], findings=findings, predictions=[prep2, twist],
    )  # fmt: skip


def _bundle(kind: fhir.BundleType = "collection") -> dict[str, Any]:
    return fhir.bundle(_full(), timestamp=WHEN, bundle_id="4a0d9c59-0b4e-4d55-8f0e-5b3f3c1d9e21", kind=kind)


def _of(bundle: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e["fullUrl"], e["resource"]) for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _coded(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for _, r in _of(bundle, "Observation") if r["code"]["coding"][0]["code"] == code]


def _url(bundle: dict[str, Any], resource: dict[str, Any]) -> str:
    return next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is resource)


# HL7's own R4 example "riskassessment-example-prognosis" (https://hl7.org/fhir/R4/riskassessment-example-prognosis.json.html),
# typed from the published page: a stroke prognosis with no probability, published as valid R4.
HL7_PROGNOSIS = {
    "resourceType": "RiskAssessment", "id": "prognosis", "status": "final",
    "text": {"status": "additional", "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p>Moderate risk of permanent '
             "weakness of the left arm, but otherwise no permanent disability</p></div>"},
    "subject": {"reference": "Patient/example"}, "occurrenceDateTime": "2010-11-22",
    "condition": {"reference": "Condition/stroke", "display": "Ischemic Stroke"},
    "prediction": [{"outcome": {"coding": [{"system": "http://snomed.info/sct",
                                            "code": "249943000:363698007=72098002,260868000=6934004"}],
                                "text": "permanent weakness of the left arm"},
                    "qualitativeRisk": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/risk-probability",
                                                    "code": "moderate", "display": "moderate likelihood"}]}}],
}  # fmt: skip
RAS_2 = "Constraint ras-2 not met: Must be <= 100"


def test_medplum_refuses_hl7s_own_prognosis_example_for_ras_2() -> None:
    """@medplum/core counts an invariant as met only when it yields exactly ``true``; ras-2 ("probability is
    decimal implies (probability as decimal) <= 100") yields an empty result when a prediction has no
    probability, so it reports HL7's own published example as an error. Our predictions have no probability
    either (PREP2 and TWIST publish categories, not probabilities): this is the only error it reports on them."""
    (result,) = medplum_validator.validate([HL7_PROGNOSIS])
    assert result["errors"] == [f"error invariant RiskAssessment.prediction[0]: {RAS_2}"]


def test_all_three_validators_pass_with_only_the_explained_warnings() -> None:
    bundles = [_bundle(), _bundle("transaction")]
    for bundle in bundles:
        assert fhir_r4.problems(bundle) == []
        assert fhir_r4.model_problems(bundle) == []
    for bundle, result in zip(bundles, medplum_validator.validate(bundles), strict=True):
        predictions = [i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "RiskAssessment"]
        assert len(predictions) == 2
        # the validator's ras-2 false alarm above, once per prediction, and no other error
        assert result["errors"] == [
            f"error invariant Bundle.entry[{i}].resource.prediction[0]: {RAS_2}" for i in predictions
        ]
        assert [w for w in result["warnings"] if not medplum_validator.URN_REFERENCE.match(w)] == []
        # docs/fhir.md: one false "Invalid reference" per urn:uuid reference to a typed target (88 here);
        # Observation.focus and RiskAssessment.basis may cite any resource type, so they draw none.
        untyped = sum(len(e["resource"].get(k, [])) for e in bundle["entry"] for k in ("focus", "basis"))
        assert untyped == 6
        assert len(result["warnings"]) == medplum_validator.urn_references(bundle) - untyped == 88
    kinds = {r["resourceType"] for e in bundles[0]["entry"] for r in [e["resource"]]}
    assert {"Goal", "RiskAssessment"} <= kinds


def test_gas_goal_rated_plus_one_is_achieved_with_its_levels_and_rating() -> None:
    bundle = _bundle()
    goals = {r["description"]["text"]: r for _, r in _of(bundle, "Goal")}
    dress = goals["Dress without help"]
    assert dress["lifecycleStatus"] == "active"
    # +1 is "somewhat more than expected" (§13.9): at or above 0, the expected outcome, so the goal is achieved
    assert dress["achievementStatus"]["coding"] == [
        {"system": "http://terminology.hl7.org/CodeSystem/goal-achievement", "code": "achieved", "display": "Achieved"}
    ]
    assert dress["outcomeCode"] == [
        {"coding": [{"system": "urn:rehab-dashboard:fhir:gas-level", "code": "+1",
                     "display": "somewhat more than expected"}], "text": "Dresses fully alone, seated"}
    ]  # fmt: skip
    target = dress["target"][0]
    assert target["measure"]["coding"][0]["code"] == "gas-attainment"
    assert target["detailCodeableConcept"]["coding"][0]["code"] == "0"
    assert target["detailCodeableConcept"]["text"] == "Dresses upper body alone, seated"
    assert target["dueDate"] == "2026-12-31" and dress["startDate"] == "2026-10-01"
    levels = [x for x in dress["extension"][0]["extension"] if x["url"] == "level"]
    assert [(lv["extension"][0]["valueInteger"], lv["extension"][1]["valueString"]) for lv in levels] == [
        (2, "Dresses fully alone, standing"), (1, "Dresses fully alone, seated"),
        (0, "Dresses upper body alone, seated"), (-1, "Dresses with one helper"), (-2, "Needs two people to dress"),
    ]  # fmt: skip
    assert {"url": "baseline", "valueInteger": -1} in dress["extension"][0]["extension"]
    assert dress["expressedBy"]["display"] == "Dr Ana Núñez"
    assert dress["note"][0]["authorReference"]["display"] == "Ben Okafor"
    assert dress["note"][0]["text"].startswith("Rated +1 (somewhat more than expected). Dressed herself")
    assert "<img" not in dress["text"]["div"]
    # baseline −2, rated −1: better than the baseline, short of the goal
    assert goals["Get in the car"]["achievementStatus"]["coding"][0]["code"] == "improving"
    assert goals["Leg strength"]["lifecycleStatus"] == "completed"
    assert goals["Leg strength"]["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert goals["Leg strength"]["statusReason"] == "Reached early"


def test_ratings_and_the_t_score_are_observations_the_goals_point_to() -> None:
    bundle = _bundle()
    goals = {r["description"]["text"]: r for _, r in _of(bundle, "Goal")}
    ratings = _coded(bundle, "gas-rating")
    assert [r["valueCodeableConcept"]["coding"][0]["code"] for r in ratings] == ["+1", "-1"]
    (score,) = _coded(bundle, "gas-t-score")
    assert score["valueQuantity"]["value"] == 56.2
    assert score["derivedFrom"] == [{"reference": _url(bundle, r)} for r in ratings]
    score_url = _url(bundle, score)
    dress = [x["reference"] for x in goals["Dress without help"]["outcomeReference"]]
    assert dress == [_url(bundle, ratings[0]), score_url]
    assert ratings[0]["focus"] == [{"reference": _url(bundle, goals["Dress without help"])}]
    # a measure target is not in the T-score; its review's results are: TUG 14.2 s of 20 November
    tug = goals["Cross the road in time"]
    tug_obs = next(r for r in _coded(bundle, "89423-8"))
    assert tug["outcomeReference"] == [{"reference": _url(bundle, tug_obs)}]
    assert tug["target"][0]["measure"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "89423-8",
        "display": "Time to rise from chair, walk 10 feet and back, and return to sitting [TUG]",
    }
    assert tug["target"][0]["detailQuantity"] == {"value": 12, "unit": "s", "system": "http://unitsofmeasure.org",
                                                  "code": "s"}  # fmt: skip
    assert tug["achievementStatus"]["coding"][0]["code"] == "in-progress"  # 14.2 s, target 12 s or less
    # an ordinal target goes out as the grade, never as a quantity (FAC 4: independent walking on level ground)
    fac = goals["Leg strength"]["target"][0]
    assert "detailQuantity" not in fac and fac["detailCodeableConcept"]["coding"][0]["code"] == "4"


def test_a_fall_is_a_snomed_coded_observation_with_injury_and_circumstances() -> None:
    bundle = _bundle()
    first, corrected = _coded(bundle, "1912002")
    assert first["code"]["coding"] == [{"system": "http://snomed.info/sct", "code": "1912002", "display": "Fall"}]
    assert first["effectiveDateTime"] == "2026-11-10" and first["status"] == "final"
    assert corrected["status"] == "amended"
    parts = {c["code"]["coding"][0]["code"]: c for c in first["component"]}
    assert parts["injury"]["valueCodeableConcept"]["coding"][0]["code"] == "fracture"
    assert parts["injury-details"]["valueString"] == "Wrist, X-ray confirmed"
    assert parts["circumstances"]["valueString"] == "Tripped on the kerb " + HOSTILE
    assert parts["place"]["valueCodeableConcept"]["coding"][0]["code"] == "outdoor"
    assert first["method"]["coding"][0]["code"] == "incident_report"
    assert first["performer"] == [{"display": "Ben Okafor"}]
    assert "<img" not in first["text"]["div"]
    assert "injury-details" not in {c["code"]["coding"][0]["code"] for c in corrected["component"]}


def test_a_prediction_is_a_risk_assessment_with_its_basis_and_the_disagreement() -> None:
    bundle = _bundle()
    prep2, twist = (r for _, r in _of(bundle, "RiskAssessment"))
    assert prep2["method"]["coding"][0] == {"system": "urn:rehab-dashboard:fhir:prediction-tool", "code": "prep2",
                                            "display": "PREP2 — upper-limb function at 3 months"}  # fmt: skip
    assert prep2["prediction"][0]["outcome"]["coding"][0] == {
        "system": "urn:rehab-dashboard:fhir:prediction-category:prep2", "code": "poor", "display": "Poor"}  # fmt: skip
    shoulder = next(r for r in _coded(bundle, "mrc-grade") if r["effectiveDateTime"].startswith("2026-08-04"))
    nihss, mep = _coded(bundle, "nihss-total"), _coded(bundle, "mep-status")
    assert prep2["basis"] == [{"reference": _url(bundle, x)} for x in (shoulder, nihss[0], mep[0])]
    assert nihss[0]["valueQuantity"]["value"] == 9
    assert mep[0]["valueCodeableConcept"]["coding"][0]["code"] == "negative"
    disagreement = prep2["note"][0]
    assert disagreement["authorString"] == "Ben Okafor"
    assert disagreement["text"] == "Disagrees with this prediction: Finger extension returned on day 6 " + HOSTILE
    assert prep2["note"][1]["text"] == "Caveat: Applied at 2 weeks PREP2 was correct for only 60 % (R91)."
    assert prep2["occurrenceDateTime"] == "2026-08-05"
    assert "NIHSS 9 on day 3: 7 or more (R88)." in prep2["prediction"][0]["rationale"]
    tct = _coded(bundle, "tct-total")[0]
    assert twist["basis"] == [{"reference": _url(bundle, tct)}]
    assert "<img" not in prep2["text"]["div"]


def test_neuro_measures_carry_grades_subscales_and_their_working() -> None:
    bundle = _bundle()
    mas = _coded(bundle, "mas-grade")
    assert [(m["bodySite"]["text"], m["valueCodeableConcept"]["coding"][0]["code"]) for m in mas] == [
        ("left Elbow flexors", "1+"), ("right Elbow flexors", "0")]  # fmt: skip
    assert all("valueQuantity" not in m for m in mas)

    def subscales(code: str) -> list[tuple[str, float]]:
        (obs,) = _coded(bundle, code)
        return [
            (c["code"]["coding"][0]["display"], c["valueQuantity"]["value"])
            for c in obs["component"]
            if c["code"]["coding"][0]["system"] == "urn:rehab-dashboard:fhir:measure-subscales"
        ]

    assert subscales("fma-ue-total") == [("A (upper arm, 0–36)", 34), ("B + C (wrist/hand, 0–24)", 18),
                                         ("D (coordination/speed, 0–6)", 4)]  # fmt: skip
    assert subscales("fma-le-total") == [("E (lower extremity, 0–28)", 28), ("F (coordination/speed, 0–6)", 3)]
    assert subscales("arat-total") == [("Grasp", 18), ("Grip", 10), ("Pinch", 6), ("Gross movement", 9)]
    (arat,) = _coded(bundle, "arat-total")
    context = {c["code"]["coding"][0]["code"]: c["valueString"] for c in arat["component"] if "valueString" in c}
    assert context == {"inferred_items": "2, 3, 4, 5, 6"}
    (mi,) = _coded(bundle, "mi-arm")
    assert {"code": {"coding": [{"system": fhir.codes.CONTEXT_SYSTEM, "code": "raw_sum"}],
                     "text": "Raw sum of the item scores"}, "valueString": "77"} in mi["component"]  # fmt: skip
    assert mi["valueQuantity"]["value"] == 78
    for code in ("fma-ue-total", "fma-le-total", "mas-grade", "fac", "tct-total", "mi-arm", "arat-total"):
        for obs in _coded(bundle, code):
            assert obs["code"]["coding"][0]["system"] == fhir.codes.MEASURES_SYSTEM  # no LOINC in §13.14


def test_gas_achievement_reads_the_rating_against_the_goal_and_the_baseline() -> None:
    """0 is "expected level of outcome (the goal)" (§13.9): at or above it the goal is achieved; below it, the
    rating is compared with the baseline agreed when the goal was set (docs/fhir.md gives the mapping)."""
    cases = {(0, -1): "achieved", (2, -2): "achieved", (-1, -2): "improving", (-1, -1): "no-change",
             (-2, -2): "no-change", (-2, -1): "worsening"}  # fmt: skip
    assert {case: gas_achievement(*case) for case in cases} == cases


def test_the_same_prediction_for_two_patients_is_two_records() -> None:
    """Identifiers are stable per record: a second patient's PREP2 Poor must not match the first one's on a server
    (the transaction creates each only if no resource has its identifier)."""
    first = _full()
    second = replace(first, patient=replace(first.patient, id=2, mrn="MRN 78"))
    urls = [
        {r["method"]["coding"][0]["code"]: u for u, r in _of(fhir.bundle(rec, timestamp=WHEN, bundle_id="b"),
                                                             "RiskAssessment")}
        for rec in (first, second)
    ]  # fmt: skip
    assert urls[0]["prep2"] != urls[1]["prep2"] and urls[0]["twist"] != urls[1]["twist"]
