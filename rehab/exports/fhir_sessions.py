"""Treatment sessions as FHIR R4 ``Procedure`` (sets in an extension) and their readiness vitals as
vital-signs Observations (LOINC codes of the R4 vital signs profiles; see ``fhir_codes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rehab.exports import fhir_codes as codes
from rehab.exports.fhir_codes import coding, concept
from rehab.exports.fhir_resources import instant, narrative, number, quantity, uri_identifier

_STATUS = {"completed": "completed", "not_performed": "not-done", "in_progress": "in-progress"}
_STATUS_TEXT = {"completed": "performed", "not_performed": "not performed", "in_progress": "in progress"}


@dataclass(frozen=True)
class FhirSet:
    """One logged set; ``band`` is the resistance band's colour where a band was used instead of a load."""

    exercise: str
    set_number: int
    target_reps: int
    prescribed_load_kg: float | None = None
    load_kg: float | None = None
    band: str | None = None
    reps: int | None = None
    effort: float | None = None
    pain_during: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class FhirSession:
    id: int
    plan_id: int
    session_date: date
    week: int
    status: str
    recorded_at: datetime
    performer_id: int
    not_performed_reason: str = ""
    systolic_mmhg: float | None = None
    diastolic_mmhg: float | None = None
    heart_rate_bpm: float | None = None
    spo2_percent: float | None = None
    sets: list[FhirSet] = field(default_factory=list)


def _set_extension(s: FhirSet) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "exercise", "valueString": s.exercise},
        {"url": "setNumber", "valueInteger": s.set_number},
        {"url": "targetReps", "valueInteger": s.target_reps},
    ]
    if s.prescribed_load_kg is not None:
        parts.append({"url": "prescribedLoad", "valueQuantity": quantity(s.prescribed_load_kg, "kg")})
    if s.load_kg is not None:
        parts.append({"url": "load", "valueQuantity": quantity(s.load_kg, "kg")})
    if s.band:
        parts.append({"url": "band", "valueString": s.band})
    for name, value in (("reps", s.reps), ("painDuring", s.pain_during), ("painAfter", s.pain_after)):
        if value is not None:
            parts.append({"url": name, "valueInteger": value})
    if s.effort is not None:
        parts.append({"url": "effort", "valueDecimal": number(s.effort)})
    return {"url": codes.EXT_SET, "extension": parts}


def _set_line(s: FhirSet) -> str:
    what = f"{number(s.load_kg)} kg" if s.load_kg is not None else (f"{s.band} band" if s.band else "")
    done = f"{s.reps} reps" if s.reps is not None else "not logged"
    extra = [
        f"effort {number(s.effort)}" if s.effort is not None else "",
        f"pain during {s.pain_during}" if s.pain_during is not None else "",
        f"pain after {s.pain_after}" if s.pain_after is not None else "",
    ]
    return (
        f"{s.exercise}, set {s.set_number}: {done}"
        + (f" at {what}" if what else "")
        + (f" (target {s.target_reps}" + "".join(f"; {e}" for e in extra if e) + ")")
    )


def procedure_resource(
    s: FhirSession, *, patient_ref: str, performer_ref: str, performer_name: str, plan_ref: str | None, url: str
) -> dict[str, Any]:
    status = _STATUS.get(s.status, "unknown")
    out: dict[str, Any] = {
        "resourceType": "Procedure",
        "text": narrative(
            f"{codes.PRT_SESSION[1]}, {s.session_date.isoformat()} (plan week {s.week}): "
            f"{_STATUS_TEXT.get(s.status, s.status)}",
            f"Recorded by {performer_name}",
            f"Not performed: {s.not_performed_reason}" if s.not_performed_reason else "",
            *(_set_line(x) for x in s.sets),
        ),
        "extension": [_set_extension(x) for x in s.sets],
        "identifier": [uri_identifier(url)],
        "status": status,
        "code": concept(codes.PROCEDURE_SYSTEM, *codes.PRT_SESSION),
        "subject": {"reference": patient_ref},
        "performedDateTime": s.session_date.isoformat(),
        "performer": [{"actor": {"reference": performer_ref, "display": performer_name}}],
    }
    if not out["extension"]:
        del out["extension"]
    if plan_ref is not None:
        out["basedOn"] = [{"reference": plan_ref}]
    if status == "not-done" and s.not_performed_reason:
        out["statusReason"] = {"text": s.not_performed_reason}
    return out


def _vital(
    code: tuple[str, str, str], *, url: str, s: FhirSession, refs: tuple[str, str, str], words: str
) -> dict[str, Any]:
    patient_ref, performer_ref, procedure_ref = refs
    return {
        "resourceType": "Observation",
        "text": narrative(f"{words} (readiness screen, session of {s.session_date.isoformat()})"),
        "identifier": [uri_identifier(url)],
        "status": "final",
        "category": [codes.VITAL_SIGNS],
        "code": concept(*code),
        "subject": {"reference": patient_ref},
        "partOf": [{"reference": procedure_ref}],
        "effectiveDateTime": instant(s.recorded_at),
        "performer": [{"reference": performer_ref}],
    }


def vitals_resources(
    s: FhirSession, *, patient_ref: str, performer_ref: str, procedure_ref: str, url_of: Any
) -> list[tuple[str, dict[str, Any]]]:
    """(fullUrl, Observation) for each reading the screen recorded: blood pressure (a panel with systolic and
    diastolic components), heart rate and SpO2. A reading not taken is left out, never sent as zero."""
    refs = (patient_ref, performer_ref, procedure_ref)
    out: list[tuple[str, dict[str, Any]]] = []
    readings = ((codes.SYSTOLIC, s.systolic_mmhg), (codes.DIASTOLIC, s.diastolic_mmhg))
    pressures = [(c, v) for c, v in readings if v is not None]
    if pressures:
        url = url_of("bp", s.id)
        words = "Blood pressure: " + ", ".join(f"{c[2].split()[0].lower()} {number(v)} mmHg" for c, v in pressures)
        bp = _vital(codes.BP_PANEL, url=url, s=s, refs=refs, words=words)
        bp["component"] = [{"code": concept(*c), "valueQuantity": quantity(v, "mm[Hg]")} for c, v in pressures]
        out.append((url, bp))
    if s.heart_rate_bpm is not None:
        url = url_of("heart-rate", s.id)
        hr = _vital(codes.HEART_RATE, url=url, s=s, refs=refs, words=f"Heart rate: {number(s.heart_rate_bpm)} /min")
        hr["valueQuantity"] = quantity(s.heart_rate_bpm, "/min")
        out.append((url, hr))
    if s.spo2_percent is not None:
        url = url_of("spo2", s.id)
        ox = _vital(codes.SPO2, url=url, s=s, refs=refs, words=f"SpO2: {number(s.spo2_percent)} %")
        ox["code"]["coding"].append(coding(*codes.SPO2_PULSE_OXIMETRY))
        ox["valueQuantity"] = quantity(s.spo2_percent, "%")
        out.append((url, ox))
    return out
