"""FHIR R4 (4.0.1) JSON: a ``collection`` Bundle with Patient, Practitioner(s), one Observation per
assessment and a CarePlan for the loading plan.

Plain dicts, no FHIR library at run time. Conventions follow the clinical reference §6:
- codes: LOINC only where the reference marks the code verified (the catalogue's ``Measure.codes``); every
  other measure uses this product's own code system ``MEASURES_SYSTEM`` with ``code.text``;
- values: UCUM units (``http://unitsofmeasure.org``), with ``system`` whenever ``code`` is present;
- category: ``survey`` for scored scales, ``exam`` for timed/performance tests and dynamometry;
- item scores (Berg items, PASS items...) and context (assistive device, protocol) as ``component``.
Resources refer to each other by ``urn:uuid`` full URLs, stable for the same record (uuid5), as a
collection Bundle allows. Tests validate the output against the official R4 JSON schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rehab.domain import measures

FHIR_VERSION = "4.0.1"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MEASURES_SYSTEM = "urn:rehab-dashboard:fhir:measures"
"""This product's own code system for measures without a verified LOINC code (reference §6.1)."""
ITEMS_SYSTEM = "urn:rehab-dashboard:fhir:measure-items"
CONTEXT_SYSTEM = "urn:rehab-dashboard:fhir:assessment-context"
MRN_SYSTEM = "urn:rehab-dashboard:mrn"
PRACTITIONER_SYSTEM = "urn:rehab-dashboard:practitioner-id"
"""A colleague is identified by their account's number, never their login name (a sign-in secret's other half)."""
_NAMESPACE = uuid.UUID("6f1d1c3e-7a52-4b8e-9d0e-4f1f3b0f9a21")
_CATEGORY_DISPLAY = {"exam": "Exam", "survey": "Survey"}
_UNIT_TEXT = {"{score}": "score", "{#}/(30.s)": "stands in 30 s", "%": "%"}
_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_CONTEXT_LABELS = {
    "assistive_device": "Assistive device",
    "assistance": "Physical assistance",
    "protocol_variant": "Protocol variant",
    "method": "Method",
    "rule": "Trial rule",
    "pace": "Pace",
    "distance_m": "Walk distance (m)",
    "formula": "1RM formula",
}


@dataclass(frozen=True)
class FhirPatient:
    id: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str


@dataclass(frozen=True)
class FhirPractitioner:
    id: int
    display_name: str


@dataclass(frozen=True)
class FhirAssessment:
    """One stored value (status final) with the assessor who took it."""

    id: int
    measure_key: str
    taken_at: datetime
    value: float
    value_text: str | None
    unit: str
    side: str | None
    site: str | None
    items: list[float] | None
    context: dict[str, Any]
    note: str
    assessor_id: int


@dataclass(frozen=True)
class FhirActivity:
    label: str
    description: str


@dataclass(frozen=True)
class FhirPlan:
    id: int
    active: bool
    start_date: date
    end_date: date | None
    created_at: datetime
    author_id: int
    title: str
    description: str
    activities: list[FhirActivity] = field(default_factory=list)


def _uuid(kind: str, ident: int | str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{ident}')}"


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _number(value: float) -> int | float:
    """JSON numbers as FHIR decimals: whole values without a trailing .0, others rounded sensibly."""
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def _quantity(value: float, ucum: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": _UNIT_TEXT.get(ucum, ucum), "system": UCUM, "code": ucum}


def patient_resource(p: FhirPatient) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "system": MRN_SYSTEM, "value": p.mrn}],
        "name": [{"use": "official", "family": p.family_name, "given": [p.given_name]}],
        "gender": _GENDER.get(p.sex, "unknown"),
        "birthDate": p.birth_date.isoformat(),
    }


def practitioner_resource(p: FhirPractitioner) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "identifier": [{"system": PRACTITIONER_SYSTEM, "value": str(p.id)}],
        "name": [{"text": p.display_name}],
    }


def _coding(code: measures.Code) -> dict[str, Any]:
    system = MEASURES_SYSTEM if code.system == measures.LOCAL_SYSTEM else code.system
    return {"system": system, "code": code.code, "display": code.display}


def observation_resource(a: FhirAssessment, *, patient_ref: str, performer_ref: str) -> dict[str, Any]:
    measure = measures.get(a.measure_key)
    code = measure.code_for(a.side)
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": OBSERVATION_CATEGORY,
                        "code": measure.fhir_category,
                        "display": _CATEGORY_DISPLAY[measure.fhir_category],
                    }
                ]
            }
        ],
        "code": {"coding": [_coding(code)], "text": measure.name},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": _instant(a.taken_at),
        "performer": [{"reference": performer_ref}],
        "valueQuantity": _quantity(a.value, a.unit),
    }
    if a.side or a.site:
        obs["bodySite"] = {"text": " ".join(x for x in (a.side, a.site) if x)}
    components: list[dict[str, Any]] = []
    if a.value_text:
        components.append(
            {
                "code": {"coding": [{"system": CONTEXT_SYSTEM, "code": "grade"}], "text": "Grade as recorded"},
                "valueString": a.value_text,
            }
        )
    for number, score in enumerate(a.items or [], start=1):
        item = measure.items[number - 1] if number <= len(measure.items) else None
        components.append(
            {
                "code": {
                    "coding": [{"system": ITEMS_SYSTEM, "code": f"{code.code}-item-{number}"}],
                    "text": f"Item {number}" + (f": {item.name}" if item else ""),
                },
                "valueQuantity": _quantity(score, "{score}"),
            }
        )
    for key, label in _CONTEXT_LABELS.items():
        value = a.context.get(key)
        if value in (None, ""):
            continue
        components.append(
            {"code": {"coding": [{"system": CONTEXT_SYSTEM, "code": key}], "text": label}, "valueString": str(value)}
        )
    if components:
        obs["component"] = components
    if a.note:
        obs["note"] = [{"text": a.note}]
    return obs


def careplan_resource(plan: FhirPlan, *, patient_ref: str, author_ref: str) -> dict[str, Any]:
    period: dict[str, Any] = {"start": plan.start_date.isoformat()}
    if plan.end_date is not None:
        period["end"] = plan.end_date.isoformat()
    return {
        "resourceType": "CarePlan",
        "status": "active" if plan.active else "completed",
        "intent": "plan",
        "title": plan.title,
        "description": plan.description,
        "subject": {"reference": patient_ref},
        "period": period,
        "created": _instant(plan.created_at),
        "author": {"reference": author_ref},
        "activity": [
            {
                "detail": {
                    "code": {"text": act.label},
                    "status": "in-progress" if plan.active else "completed",
                    "description": act.description,
                }
            }
            for act in plan.activities
        ],
    }


def bundle(
    patient: FhirPatient,
    practitioners: Sequence[FhirPractitioner],
    assessments: Sequence[FhirAssessment],
    plans: Sequence[FhirPlan],
    *,
    timestamp: datetime,
    bundle_id: str,
) -> dict[str, Any]:
    """The whole Bundle; every assessor and plan author must be among ``practitioners``."""
    patient_ref = _uuid("patient", patient.id)
    refs = {p.id: _uuid("practitioner", p.id) for p in practitioners}
    entries: list[dict[str, Any]] = [{"fullUrl": patient_ref, "resource": patient_resource(patient)}]
    entries += [{"fullUrl": refs[p.id], "resource": practitioner_resource(p)} for p in practitioners]
    for a in assessments:
        entries.append(
            {
                "fullUrl": _uuid("observation", a.id),
                "resource": observation_resource(a, patient_ref=patient_ref, performer_ref=refs[a.assessor_id]),
            }
        )
    for plan in plans:
        entries.append(
            {
                "fullUrl": _uuid("careplan", plan.id),
                "resource": careplan_resource(plan, patient_ref=patient_ref, author_ref=refs[plan.author_id]),
            }
        )
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": _instant(timestamp)},
        "type": "collection",
        "timestamp": _instant(timestamp),
        "entry": entries,
    }
