"""Every code system, code and extension the FHIR export uses, each with where it comes from (docs/fhir.md).

Only codes taken from the clinical reference or a cited public specification appear here; where neither has a
code (muscle groups, haemorrhagic stroke, treatment sessions, devices), the product's own code system is used
and named as such, with ``text`` carrying the clinician's words.
"""

from __future__ import annotations

from typing import Any

# --- FHIR and HL7 terminology systems (R4 4.0.1) ---------------------------------------------------------------
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
URI_IDENTIFIER = "urn:ietf:rfc:3986"
"""An identifier whose value is itself a URI (our stable ``urn:uuid``), so a re-post finds the same record."""

# --- the product's own code systems ------------------------------------------------------------------------------
MEASURES_SYSTEM = "urn:rehab-dashboard:fhir:measures"
"""Measures without a verified LOINC code (reference §6.1)."""
ITEMS_SYSTEM = "urn:rehab-dashboard:fhir:measure-items"
CONTEXT_SYSTEM = "urn:rehab-dashboard:fhir:assessment-context"
GRADE_SYSTEM = "urn:rehab-dashboard:fhir:grade:"
"""Prefix: ``urn:rehab-dashboard:fhir:grade:mrc-grade`` holds the MRC grades 0…5 with their +/− ("4+")."""
METHOD_SYSTEM = "urn:rehab-dashboard:fhir:method"
DEVICE_SYSTEM = "urn:rehab-dashboard:fhir:device"
CONDITION_SYSTEM = "urn:rehab-dashboard:fhir:condition"
PROCEDURE_SYSTEM = "urn:rehab-dashboard:fhir:procedure"
DOCUMENT_SYSTEM = "urn:rehab-dashboard:fhir:document"
SIDE_ROLE_SYSTEM = "urn:rehab-dashboard:fhir:side-role"
GOAL_SYSTEM = "urn:rehab-dashboard:fhir:goal"
"""Goal attainment scaling: the attainment level as a target measure, a follow-up rating, the T-score."""
GAS_LEVEL_SYSTEM = "urn:rehab-dashboard:fhir:gas-level"
FALL_SYSTEM = "urn:rehab-dashboard:fhir:fall"
"""The parts of a recorded fall (place, injury, injury details, circumstances) as Observation components."""
FALL_PLACE_SYSTEM = "urn:rehab-dashboard:fhir:fall-place"
FALL_INJURY_SYSTEM = "urn:rehab-dashboard:fhir:fall-injury"
FALL_REPORT_SYSTEM = "urn:rehab-dashboard:fhir:fall-report"
FINDING_SYSTEM = "urn:rehab-dashboard:fhir:prognostic-finding"
MEP_SYSTEM = "urn:rehab-dashboard:fhir:mep-status"
PREDICTION_TOOL_SYSTEM = "urn:rehab-dashboard:fhir:prediction-tool"
PREDICTION_CATEGORY_SYSTEM = "urn:rehab-dashboard:fhir:prediction-category:"
"""Prefix: ``…:prediction-category:prep2`` holds PREP2's categories, ``…:twist`` TWIST's."""
SUBSCALE_SYSTEM = "urn:rehab-dashboard:fhir:measure-subscales"
PRACTITIONER_SYSTEM = "urn:rehab-dashboard:practitioner-id"
"""A colleague is identified by their account's number, never their login name (a sign-in secret's other half)."""
DEFAULT_MRN_SYSTEM = "urn:rehab-dashboard:mrn"
"""Until a clinic sets its hospital's MRN system (Clinic settings), the product's own namespace."""

# --- extensions (the product's own; R4 has no core laterality extension on a CodeableConcept) ------------------
EXT_LATERALITY = "urn:rehab-dashboard:fhir:extension:laterality"
EXT_SIDE_ROLE = "urn:rehab-dashboard:fhir:extension:affected-side"
EXT_SET = "urn:rehab-dashboard:fhir:extension:exercise-set"
EXT_GAS_SCALE = "urn:rehab-dashboard:fhir:extension:goal-attainment-scale"

# --- codes from cited sources ------------------------------------------------------------------------------------
MR_TYPE = {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR", "display": "Medical record number"}], "text": "MRN"}
"""HL7 v2 table 0203 'MR' (FHIR R4 ValueSet identifier-type)."""

LATERALITY: dict[str, tuple[str, str]] = {
    "left": ("419161000", "Unilateral left"),
    "right": ("419465000", "Unilateral right"),
    "bilateral": ("51440002", "Bilateral"),
}
"""SNOMED CT codes of the FHIR ValueSet bodysite-laterality (http://hl7.org/fhir/ValueSet/bodysite-laterality,
https://hl7.org/fhir/r4b/valueset-bodysite-laterality.html)."""

CONDITION_SNOMED: dict[str, tuple[str, str]] = {
    "ischaemic_stroke": ("422504002", "Ischemic stroke"),
}
"""SNOMED CT for the patient's condition where a public value set shows the concept: 422504002 is the root of
New Zealand's 'cvdra-ischaemic-stroke' value set (ECL << 422504002, NZHTS IG). No cited source gave a single
concept for the product's other conditions: those use ``CONDITION_SYSTEM`` only."""

VITAL_SIGNS = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}
BP_PANEL = (LOINC, "85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = (LOINC, "8480-6", "Systolic blood pressure")
DIASTOLIC = (LOINC, "8462-4", "Diastolic blood pressure")
HEART_RATE = (LOINC, "8867-4", "Heart rate")
SPO2 = (LOINC, "2708-6", "Oxygen saturation in Arterial blood")
SPO2_PULSE_OXIMETRY = (LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
"""Vital-signs codes of the FHIR R4 vital signs profiles (http://hl7.org/fhir/R4/observation-vitalsigns.html,
ValueSet observation-vitalsignresult; the oxygen saturation profile fixes 2708-6 and allows 59408-5)."""

FALL = (SNOMED, "1912002", "Fall")
"""SNOMED CT 1912002 'Fall': the one concept FHIR's own ValueSet adverse-event-type names explicitly
(http://hl7.org/fhir/ValueSet/adverse-event-type, R5 and the HL7 AE research backport IG for R4), and a member of
NHS Digital's primary-care FALLS_COD reference set (opencodelists.org, nhsd-primary-care-domain-refsets/falls_cod)."""

GOAL_ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}
"""Codes of the R4 CodeSystem goal-achievement (http://hl7.org/fhir/R4/codesystem-goal-achievement.html)."""

# --- the product's codes, with what they mean -------------------------------------------------------------------
CONDITIONS: dict[str, str] = {
    "ischaemic_stroke": "Ischaemic stroke",
    "haemorrhagic_stroke": "Haemorrhagic stroke",
    "tbi": "Traumatic brain injury",
    "spinal_cord_injury": "Spinal cord injury",
    "other_neurological": "Other neurological condition",
    "orthopaedic": "Orthopaedic condition",
    "deconditioning": "Deconditioning",
}
SIDE_ROLES = {"affected": "Affected side", "less-affected": "Less-affected side"}
METHODS = {
    "make": "Make test (patient pushes against the held dynamometer)",
    "break": "Break test (examiner overcomes the patient's hold)",
    "tested": "1RM tested directly",
    "estimated": "1RM estimated from a submaximal set",
}
DEVICES = {
    "grip": ("jamar", "Jamar hand dynamometer"),
    "hhd": ("hand-held-dynamometer", "Hand-held dynamometer"),
}
"""The instrument a measure is defined on (the catalogue names Jamar for grip and a hand-held dynamometer for
HHD); the make and model of a clinic's own unit is not recorded."""
PRT_SESSION = ("prt-session", "Progressive resistance training session")
SESSION_SUMMARY = ("session-summary", "Rehabilitation treatment session summary")
GAS_ATTAINMENT = ("gas-attainment", "Goal attainment scale level")
GAS_RATING = ("gas-rating", "Goal attainment scale follow-up rating (practitioner)")
GAS_T_SCORE = ("gas-t-score", "Goal attainment scaling T-score")
"""The reference saw LOINC 112296-9 (baseline) and 107333-7 (practitioner follow-up rating) only in the HL7 PCO
IG's value set and lists them among the codes not verified (§13.9, §13.15 item 19); no LOINC exists for the
T-score. All three use the product's goal code system."""
FALL_PARTS = {
    "place": "Place",
    "injury": "Injury",
    "injury-details": "Injury details",
    "circumstances": "Circumstances",
}
NIHSS_TOTAL = ("nihss-total", "NIHSS total")
MEP_STATUS = ("mep-status", "Upper-limb MEP by TMS")


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": text or display}
