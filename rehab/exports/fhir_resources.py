"""FHIR R4 resources as plain dicts: Patient, Practitioner, Condition, Device, Observation, CarePlan.

Conventions follow the clinical reference §6 (LOINC only where verified, UCUM units, survey/exam categories,
item scores and context as ``component``); every code and extension is listed in ``fhir_codes`` and
docs/fhir.md. Each resource carries generated narrative (dom-6) made from the same data, with every text a
user typed escaped: it is data, never markup.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from rehab.domain import measures
from rehab.domain.measures.neuro import subtotals
from rehab.exports import fhir_codes as codes
from rehab.exports.fhir_codes import coding, concept

_NAMESPACE = uuid.UUID("6f1d1c3e-7a52-4b8e-9d0e-4f1f3b0f9a21")
_CATEGORY_DISPLAY = {"exam": "Exam", "survey": "Survey"}
_UNIT_TEXT = {"{score}": "score", "{#}/(30.s)": "stands in 30 s", "%": "%", "kgf": "kgf", "/min": "/min"}
_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_FORCE_IN_KG = frozenset({"grip"})
"""Measures whose 'kg' is a dynamometer's kilogram-force: exported in UCUM ``kgf`` (LOINC grip is a force)."""
_CONTEXT_LABELS = {
    "assistive_device": "Assistive device",
    "assistance": "Physical assistance",
    "protocol_variant": "Protocol variant",
    "rule": "Trial rule",
    "pace": "Pace",
    "distance_m": "Walk distance (m)",
    "formula": "1RM formula",
    "raw_sum": "Raw sum of the item scores",
    "inferred_items": "Items credited by Lyle's shortcut, not observed",
}


@dataclass(frozen=True)
class FhirPatient:
    id: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    condition: str = ""
    event_date: date | None = None
    paretic_side: str = "none"


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


@dataclass(frozen=True)
class Urls:
    """Stable ``urn:uuid`` full URLs: the same record gives the same URL in every export, and records of two
    clinics (two MRN systems) never share one."""

    mrn_system: str = codes.DEFAULT_MRN_SYSTEM

    def of(self, kind: str, ident: int | str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.mrn_system}/{kind}/{ident}')}"


def narrative(*lines: str) -> dict[str, Any]:
    """Generated XHTML narrative (dom-6); each line a paragraph, escaped."""
    body = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def number(value: float) -> int | float:
    """JSON numbers as FHIR decimals: whole values without a trailing .0, others rounded sensibly."""
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def quantity(value: float, ucum: str) -> dict[str, Any]:
    return {"value": number(value), "unit": _UNIT_TEXT.get(ucum, ucum), "system": codes.UCUM, "code": ucum}


def uri_identifier(url: str) -> dict[str, Any]:
    return {"system": codes.URI_IDENTIFIER, "value": url}


def search_token(system: str, value: str) -> str:
    """``identifier=system|value`` for ifNoneExist, each part escaped for a query string."""
    return f"identifier={quote(system, safe=':/')}|{quote(value, safe=':')}"


def patient_resource(p: FhirPatient, mrn_system: str) -> dict[str, Any]:
    gender = _GENDER.get(p.sex, "unknown")
    return {
        "resourceType": "Patient",
        "text": narrative(
            f"{p.family_name.upper()}, {p.given_name}",
            f"MRN {p.mrn}",
            f"Born {p.birth_date.isoformat()}; gender {gender}",
        ),
        "identifier": [{"use": "usual", "type": codes.MR_TYPE, "system": mrn_system, "value": p.mrn}],
        "name": [{"use": "official", "family": p.family_name, "given": [p.given_name]}],
        "gender": gender,
        "birthDate": p.birth_date.isoformat(),
    }


def practitioner_resource(p: FhirPractitioner, url: str) -> dict[str, Any]:
    """Name only: the login name is never exported."""
    return {
        "resourceType": "Practitioner",
        "text": narrative(p.display_name),
        "identifier": [{"system": codes.PRACTITIONER_SYSTEM, "value": str(p.id)}, uri_identifier(url)],
        "name": [{"text": p.display_name}],
    }


def laterality_extension(side: str) -> dict[str, Any] | None:
    found = codes.LATERALITY.get(side)
    if found is None:
        return None
    return {"url": codes.EXT_LATERALITY, "valueCodeableConcept": concept(codes.SNOMED, *found)}


def side_role(side: str | None, paretic_side: str) -> str | None:
    """'affected' or 'less-affected' for a left/right measurement when the patient's affected side is known."""
    if side not in ("left", "right") or paretic_side not in ("left", "right", "bilateral"):
        return None
    return "affected" if paretic_side in (side, "bilateral") else "less-affected"


def condition_resource(p: FhirPatient, *, patient_ref: str, url: str) -> dict[str, Any]:
    """The condition the patient is treated for, its onset and the affected side of the body."""
    label = codes.CONDITIONS.get(p.condition, p.condition or "Condition not recorded")
    codings = [coding(codes.CONDITION_SYSTEM, p.condition or "unknown", label)]
    if p.condition in codes.CONDITION_SNOMED:
        codings.insert(0, coding(codes.SNOMED, *codes.CONDITION_SNOMED[p.condition]))
    out: dict[str, Any] = {
        "resourceType": "Condition",
        "text": narrative(
            label,
            f"Onset {p.event_date.isoformat()}" if p.event_date else "Onset date not recorded",
            f"Affected side: {p.paretic_side}" if p.paretic_side in codes.LATERALITY else "",
        ),
        "identifier": [uri_identifier(url)],
        "clinicalStatus": concept(codes.CONDITION_CLINICAL, "active", "Active"),
        "verificationStatus": concept(codes.CONDITION_VERIFICATION, "confirmed", "Confirmed"),
        "category": [concept(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": {"coding": codings, "text": label},
        "subject": {"reference": patient_ref},
    }
    ext = laterality_extension(p.paretic_side)
    if ext is not None:
        out["bodySite"] = [{"extension": [ext], "text": f"{p.paretic_side.capitalize()} side of the body (affected)"}]
    if p.event_date is not None:
        out["onsetDateTime"] = p.event_date.isoformat()
    return out


def device_resource(key: str, url: str) -> dict[str, Any]:
    code, name = codes.DEVICES[key]
    return {
        "resourceType": "Device",
        "text": narrative(name),
        "identifier": [uri_identifier(url)],
        "deviceName": [{"name": name, "type": "user-friendly-name"}],
        "type": concept(codes.DEVICE_SYSTEM, code, name),
    }


def _grade_value(code: measures.Code, label: str, measure: measures.Measure) -> dict[str, Any]:
    """An ordinal grade as a code of its own scale ('4+'), never the internal position."""
    short = "MRC grade" if measure.key == "mmt" else measure.name
    return concept(codes.GRADE_SYSTEM + code.code, label, label, f"{short} {label}")


def _body_site(a: FhirAssessment, paretic_side: str) -> dict[str, Any] | None:
    if not (a.side or a.site):
        return None
    site: dict[str, Any] = {"text": " ".join(x for x in (a.side, a.site) if x)}
    extensions = []
    ext = laterality_extension(a.side or "")
    if ext is not None:
        extensions.append(ext)
    role = side_role(a.side, paretic_side)
    if role is not None:
        extensions.append(
            {
                "url": codes.EXT_SIDE_ROLE,
                "valueCodeableConcept": concept(codes.SIDE_ROLE_SYSTEM, role, codes.SIDE_ROLES[role]),
            }
        )
    if extensions:
        site["extension"] = extensions
    return site


def _method(a: FhirAssessment) -> dict[str, Any] | None:
    how = a.context.get("method")
    if how in codes.METHODS:
        return concept(codes.METHOD_SYSTEM, str(how), codes.METHODS[str(how)])
    return None


def _context_text(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _subscales(a: FhirAssessment, code: measures.Code) -> list[dict[str, Any]]:
    """Subscale totals (Fugl-Meyer parts, ARAT subscales) from the item scores, in the published order."""
    parts = subtotals(a.measure_key, a.items) if a.items else {}
    return [
        {
            "code": {
                "coding": [{"system": codes.SUBSCALE_SYSTEM, "code": f"{code.code}-subscale-{n}", "display": name}],
                "text": f"Subscale: {name}",
            },
            "valueQuantity": quantity(total, "{score}"),
        }
        for n, (name, total) in enumerate(parts.items(), start=1)
    ]


def _components(a: FhirAssessment, measure: measures.Measure, code: measures.Code) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = _subscales(a, code)
    for number_, score in enumerate(a.items or [], start=1):
        item = measure.items[number_ - 1] if number_ <= len(measure.items) else None
        out.append(
            {
                "code": {
                    "coding": [{"system": codes.ITEMS_SYSTEM, "code": f"{code.code}-item-{number_}"}],
                    "text": f"Item {number_}" + (f": {item.name}" if item else ""),
                },
                "valueQuantity": quantity(score, "{score}"),
            }
        )
    for key, label in _CONTEXT_LABELS.items():
        value = a.context.get(key)
        if value in (None, ""):
            continue
        out.append(
            {
                "code": {"coding": [{"system": codes.CONTEXT_SYSTEM, "code": key}], "text": label},
                "valueString": _context_text(value),
            }
        )
    return out


def measure_code(measure_key: str, side: str | None) -> dict[str, Any]:
    """The measure's code: LOINC where the reference verified one, else the product's measure code."""
    measure = measures.get(measure_key)
    code = measure.code_for(side)
    system = codes.MEASURES_SYSTEM if code.system == measures.LOCAL_SYSTEM else code.system
    return {"coding": [coding(system, code.code, code.display)], "text": measure.name}


def measure_value(measure_key: str, side: str | None, value: float, label: str | None, unit: str) -> tuple[str, Any]:
    """A measure's value as FHIR: an ordinal grade as its own code, anything else a UCUM quantity."""
    measure = measures.get(measure_key)
    if label and (measure.is_ordinal or measure.key == "mmt"):
        return "valueCodeableConcept", _grade_value(measure.code_for(side), label, measure)
    ucum = "kgf" if measure_key in _FORCE_IN_KG and unit == "kg" else unit
    return "valueQuantity", quantity(value, ucum)


def observation_value(a: FhirAssessment) -> tuple[str, dict[str, Any], str]:
    """The value element's name, its content and its words for the narrative."""
    key, value = measure_value(a.measure_key, a.side, a.value, a.value_text, a.unit)
    words = value["text"] if key == "valueCodeableConcept" else f"{value['value']} {value['unit']}"
    return key, value, words


def observation_resource(
    a: FhirAssessment,
    *,
    patient_ref: str,
    performer_ref: str,
    performer_name: str,
    url: str,
    paretic_side: str = "none",
    device_ref: str | None = None,
) -> dict[str, Any]:
    measure = measures.get(a.measure_key)
    code = measure.code_for(a.side)
    value_key, value, value_words = observation_value(a)
    body_site = _body_site(a, paretic_side)
    method = _method(a)
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "text": narrative(
            f"{measure.name}: {value_words}" + (f" ({body_site['text']})" if body_site else ""),
            f"{instant(a.taken_at)}, by {performer_name}",
            f"Method: {method['text']}" if method else "",
            f"Note: {a.note}" if a.note else "",
        ),
        "identifier": [uri_identifier(url)],
        "status": "final",
        "category": [
            {
                "coding": [
                    coding(codes.OBSERVATION_CATEGORY, measure.fhir_category, _CATEGORY_DISPLAY[measure.fhir_category])
                ]
            }
        ],
        "code": measure_code(a.measure_key, a.side),
        "subject": {"reference": patient_ref},
        "effectiveDateTime": instant(a.taken_at),
        "performer": [{"reference": performer_ref, "display": performer_name}],
        value_key: value,
    }
    if a.note:
        obs["note"] = [{"text": a.note}]
    if body_site is not None:
        obs["bodySite"] = body_site
    if method is not None:
        obs["method"] = method
    if device_ref is not None:
        obs["device"] = {"reference": device_ref}
    components = _components(a, measure, code)
    if components:
        obs["component"] = components
    return obs


def careplan_resource(plan: FhirPlan, *, patient_ref: str, author_ref: str, url: str) -> dict[str, Any]:
    period: dict[str, Any] = {"start": plan.start_date.isoformat()}
    if plan.end_date is not None:
        period["end"] = plan.end_date.isoformat()
    status = "active" if plan.active else "completed"
    return {
        "resourceType": "CarePlan",
        "text": narrative(plan.title, plan.description, *(f"{a.label}: {a.description}" for a in plan.activities)),
        "identifier": [uri_identifier(url)],
        "status": status,
        "intent": "plan",
        "title": plan.title,
        "description": plan.description,
        "subject": {"reference": patient_ref},
        "period": period,
        "created": instant(plan.created_at),
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
