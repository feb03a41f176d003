"""Falls, prognostic findings and recovery predictions as FHIR R4 resources.

- A fall (ProFaNE definition [R107]) is an ``Observation`` coded SNOMED CT 1912002 "Fall", dated the day of
  the fall, with the place, the injury (and its details) and the circumstances as components and the way it
  was reported as ``method``. docs/fhir.md says why an Observation and not an AdverseEvent.
- NIHSS totals and MEP status (PREP2's second step) are Observations in the product's finding code system.
- A PREP2 or TWIST prediction is a ``RiskAssessment``: ``method`` the tool, ``prediction.outcome`` the published
  category, ``basis`` the results the tool read inside its windows, ``note`` its caveats and any clinician's
  disagreement with the reason. A tool that refused (an input missing or out of window) exports nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rehab.domain.falls import FALL_DEFINITION, INJURY_LABELS, PLACE_LABELS, REPORTED_LABELS, Injury, Place, ReportedBy
from rehab.exports import fhir_codes as codes
from rehab.exports.fhir_codes import coding, concept
from rehab.exports.fhir_resources import instant, narrative, quantity, uri_identifier

_SURVEY = [{"coding": [coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}]


@dataclass(frozen=True)
class FhirFall:
    """The current version of one recorded fall; ``corrected`` when it supersedes an earlier version."""

    id: int
    fell_on: date
    place: str
    circumstances: str
    injury: str
    injury_note: str
    reported_by: str
    recorded_by: str
    corrected: bool = False


@dataclass(frozen=True)
class FhirFinding:
    """An NIHSS total ("9") or an MEP status ("positive"/"negative") with its day."""

    id: int
    kind: str
    found_on: date
    value: str
    recorded_by: str


@dataclass(frozen=True)
class FhirDisagreement:
    by: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class FhirPrediction:
    """A tool's given prediction; ``basis`` names the Observations it read as ("assessment"|"finding", id)."""

    tool: str
    tool_label: str
    category: str
    category_label: str
    path: Sequence[str]
    population: str
    caveats: Sequence[str]
    basis: Sequence[tuple[str, int]]
    occurred: date
    disagreement: FhirDisagreement | None = None


def _part(code: str, **value: Any) -> dict[str, Any]:
    return {"code": concept(codes.FALL_SYSTEM, code, codes.FALL_PARTS[code]), **value}


def fall_resource(fall: FhirFall, *, patient_ref: str, url: str) -> dict[str, Any]:
    place = PLACE_LABELS[Place(fall.place)]
    injury = INJURY_LABELS[Injury(fall.injury)]
    reported = REPORTED_LABELS[ReportedBy(fall.reported_by)]
    parts = [
        _part("place", valueCodeableConcept=concept(codes.FALL_PLACE_SYSTEM, fall.place, place)),
        _part("injury", valueCodeableConcept=concept(codes.FALL_INJURY_SYSTEM, fall.injury, injury)),
    ]
    if fall.injury_note:
        parts.append(_part("injury-details", valueString=fall.injury_note))
    parts.append(_part("circumstances", valueString=fall.circumstances))
    return {
        "resourceType": "Observation",
        "text": narrative(
            f"Fall on {fall.fell_on.isoformat()}: {place.lower()}; {injury.lower()}",
            f"Injury: {fall.injury_note}" if fall.injury_note else "",
            f"Circumstances: {fall.circumstances}",
            f"Reported by {reported.lower()}; recorded by {fall.recorded_by}",
            FALL_DEFINITION,
        ),
        "identifier": [uri_identifier(url)],
        "status": "amended" if fall.corrected else "final",
        "category": _SURVEY,
        "code": {"coding": [coding(*codes.FALL)], "text": "Fall (ProFaNE definition)"},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": fall.fell_on.isoformat(),
        "performer": [{"display": fall.recorded_by}],
        "method": concept(codes.FALL_REPORT_SYSTEM, fall.reported_by, reported),
        "component": parts,
    }


def finding_resource(finding: FhirFinding, *, patient_ref: str, url: str) -> dict[str, Any]:
    if finding.kind == "nihss":
        code, value_key = codes.NIHSS_TOTAL, "valueQuantity"
        value: dict[str, Any] = quantity(int(finding.value), "{score}")
        words = finding.value
    else:
        code, value_key = codes.MEP_STATUS, "valueCodeableConcept"
        shown = "MEP+ (present)" if finding.value == "positive" else "MEP− (absent)"
        value, words = concept(codes.MEP_SYSTEM, finding.value, shown), shown
    return {
        "resourceType": "Observation",
        "text": narrative(
            f"{code[1]}: {words} on {finding.found_on.isoformat()}", f"Recorded by {finding.recorded_by}"
        ),
        "identifier": [uri_identifier(url)],
        "status": "final",
        "category": [{"coding": [coding(codes.OBSERVATION_CATEGORY, "exam", "Exam")]}],
        "code": concept(codes.FINDING_SYSTEM, *code),
        "subject": {"reference": patient_ref},
        "effectiveDateTime": finding.found_on.isoformat(),
        "performer": [{"display": finding.recorded_by}],
        value_key: value,
    }


def risk_assessment_resource(
    p: FhirPrediction, *, patient_ref: str, condition_ref: str, basis: Sequence[str], url: str
) -> dict[str, Any]:
    """The prediction, how it was reached (rationale), what it rests on (basis) and its limits (note)."""
    notes: list[dict[str, Any]] = [{"text": f"Caveat: {c}"} for c in p.caveats]
    if p.disagreement is not None:
        d = p.disagreement
        notes.insert(
            0,
            {"authorString": d.by, "time": instant(d.at), "text": f"Disagrees with this prediction: {d.reason}"},
        )
    rationale = " ".join([*p.path, f"Population: {p.population}."])
    out: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "text": narrative(
            f"{p.tool_label}: {p.category_label}",
            *p.path,
            *(n["text"] + (f" ({n['authorString']})" if "authorString" in n else "") for n in notes),
        ),
        "identifier": [uri_identifier(url)],
        "status": "final",
        "method": concept(codes.PREDICTION_TOOL_SYSTEM, p.tool, p.tool_label),
        "subject": {"reference": patient_ref},
        "occurrenceDateTime": p.occurred.isoformat(),
        "condition": {"reference": condition_ref},
        "prediction": [
            {
                "outcome": concept(codes.PREDICTION_CATEGORY_SYSTEM + p.tool, p.category, p.category_label),
                "rationale": rationale,
            }
        ],
        "note": notes,
    }
    if basis:
        out["basis"] = [{"reference": r} for r in basis]
    return out
