"""Reading a FHIR R4 Bundle (collection, transaction or document) of a patient's assessments.

The Patient is recognised by its identifier in the clinic's MRN system (Clinic settings, the same one the FHIR
export writes); each Observation coded with a LOINC code or the product's own measure code (the codes
``fhir_resources.observation_resource`` writes, read back from the catalogue and ``fhir_codes``) becomes one
row of the CSV template and goes through the same checks (``import_csv.check_row``). A problem names the
Bundle entry (1 = the first), the FHIR element and what is wrong. Resources the importer does not read
(Condition, Practitioner, Device, CarePlan, Procedure, Composition, Goal, RiskAssessment, and the Observations the
export writes for the readiness screen's vital signs, falls, goal ratings and prognostic findings) are listed,
never silently dropped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from rehab.domain import measures
from rehab.domain.errors import ValidationError
from rehab.domain.units import ENTRY_UNITS, fmt
from rehab.exports import fhir_codes as codes
from rehab.exports import import_csv
from rehab.exports.import_csv import RowProblem
from rehab.exports.import_dates import ReadOptions

MAX_BYTES = import_csv.MAX_BYTES
BUNDLE_TYPES = ("collection", "transaction", "document")
_SOURCE = "FHIR import"
_FINAL = ("final", "amended", "corrected")
_VITALS = {c[1] for c in (codes.BP_PANEL, codes.SYSTOLIC, codes.DIASTOLIC, codes.HEART_RATE, codes.SPO2,
                          codes.SPO2_PULSE_OXIMETRY)}  # fmt: skip
_UCUM_TO_ENTRY = {"[lb_av]": "lb", "[lbf_av]": "lbf", "[in_i]": "in", "[ft_i]": "ft"}
"""UCUM codes of the units the Assess page offers under their other spelling; the rest are written alike."""
_SIDE_BY_SNOMED = {code: side for side, (code, _) in codes.LATERALITY.items()}
ELEMENTS = {
    "mrn": "subject",
    "measure": "code",
    "taken_at": "effectiveDateTime",
    "side": "bodySite",
    "site": "bodySite.text",
    "value": "value[x]",
    "unit": "valueQuantity.code",
    "items": "component",
    "note": "note",
}
"""Where each template column comes from in an Observation, to name it in a problem."""


class _Skip(Exception):
    """A problem with one entry: the entry is reported and not read further."""

    def __init__(self, element: str, message: str) -> None:
        super().__init__(message)
        self.element = element
        self.message = message


@cache
def measure_codes() -> dict[tuple[str, str], tuple[str, str | None]]:
    """(system, code) → (measure, side) for every code the export writes: LOINC, per hand where it has one,
    and the product's own code system."""
    out: dict[tuple[str, str], tuple[str, str | None]] = {}
    for m in measures.all_measures():
        for c in m.codes:
            system = codes.MEASURES_SYSTEM if c.system == measures.LOCAL_SYSTEM else c.system
            out[(system, c.code)] = (m.key, c.side)
    return out


def _load(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise ValidationError("file", f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it.")
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("file", f"The file is not FHIR JSON ({exc}).") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ValidationError("file", "The file is not a FHIR Bundle (resourceType must be Bundle).")
    if bundle.get("type") not in BUNDLE_TYPES:
        raise ValidationError(
            "file", f"A Bundle of type “{bundle.get('type')}” is not imported: only {', '.join(BUNDLE_TYPES)}."
        )
    if not isinstance(bundle.get("entry"), list) or not bundle["entry"]:
        raise ValidationError("file", "The Bundle has no entries.")
    return bundle


def _mrn(patient: Mapping[str, Any], mrn_system: str) -> str:
    for ident in patient.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("system") == mrn_system and isinstance(ident.get("value"), str):
            return str(ident["value"])
    raise _Skip(
        "identifier",
        f"The Patient has no identifier in the clinic's MRN system ({mrn_system}, Clinic settings), so it cannot "
        "be matched to a registered patient.",
    )


def _refs(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> list[str]:
    out = [str(entry["fullUrl"])] if isinstance(entry.get("fullUrl"), str) else []
    if isinstance(resource.get("id"), str):
        out.append(f"Patient/{resource['id']}")
    return out


def _measure(obs: Mapping[str, Any]) -> tuple[str, str | None]:
    found = measure_codes()
    codings = (obs.get("code") or {}).get("coding") or []
    for c in codings:
        if isinstance(c, dict) and (c.get("system"), c.get("code")) in found:
            return found[(c["system"], c["code"])]
    words = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings if isinstance(c, dict)) or "no coding"
    raise _Skip("code", f"{words} is not a code of a measure this app records (LOINC or {codes.MEASURES_SYSTEM}).")


def _other_record(obs: Mapping[str, Any]) -> str | None:
    """What an Observation the export writes for another kind of record is (a treatment session's vital signs, a
    fall, a goal's rating, a prognostic finding), to list it as not imported; None for anything else."""
    for c in (obs.get("code") or {}).get("coding") or []:
        if not isinstance(c, dict):
            continue
        system, code = c.get("system"), c.get("code")
        if system == codes.LOINC and code in _VITALS:
            return "Observation (vital signs of a treatment session)"
        if (system, code) == codes.FALL[:2]:
            return "Observation (fall: import the falls CSV)"
        if system == codes.GOAL_SYSTEM:
            return "Observation (goal rating)"
        if system == codes.FINDING_SYSTEM:
            return "Observation (prognostic finding)"
    return None


def _side_site(obs: Mapping[str, Any], coded_side: str | None) -> tuple[str, str]:
    body = obs.get("bodySite") or {}
    side = coded_side or ""
    for ext in body.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == codes.EXT_LATERALITY:
            for c in (ext.get("valueCodeableConcept") or {}).get("coding") or []:
                named = _SIDE_BY_SNOMED.get(str(c.get("code"))) if isinstance(c, dict) else None
                if named in ("left", "right"):
                    side = named
    text = str(body.get("text") or "").strip()
    if side and text.lower().startswith(side):
        text = text[len(side) :].strip()
    return side, text


def _value(obs: Mapping[str, Any], key: str) -> tuple[str, str]:
    """The value and its unit as template cells."""
    measure = measures.get(key)
    if isinstance(obs.get("valueCodeableConcept"), dict):
        for c in obs["valueCodeableConcept"].get("coding") or []:
            if isinstance(c, dict) and str(c.get("system", "")).startswith(codes.GRADE_SYSTEM):
                return str(c.get("code", "")), ""
        raise _Skip("valueCodeableConcept", f"has no grade of {measure.name} in {codes.GRADE_SYSTEM}….")
    q = obs.get("valueQuantity")
    if not isinstance(q, dict):
        if measure.is_item_scale:
            return "", ""
        raise _Skip("value[x]", f"{measure.name} needs a valueQuantity (or a grade); the Observation has none.")
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Skip("valueQuantity.value", "must be a number.")
    ucum = str(q.get("code") or q.get("unit") or "")
    if key == "grip" and ucum == "kgf":  # the export's grip "kg" is a dynamometer's kilogram-force
        unit = "kg"
    elif ucum in (measure.unit, measure.unit_label, ""):
        unit = ""
    else:
        unit = _UCUM_TO_ENTRY.get(ucum, ucum)
        if unit not in ENTRY_UNITS.get(key, ()):
            accepted = ", ".join(dict.fromkeys((measure.unit, *ENTRY_UNITS.get(key, ()))))
            raise _Skip("valueQuantity.code", f"“{ucum}” cannot be converted to {measure.name}'s units ({accepted}).")
    return fmt(float(value)) if float(value).is_integer() else repr(float(value)), unit


def _items(obs: Mapping[str, Any]) -> str:
    numbered: dict[int, float] = {}
    for comp in obs.get("component") or []:
        for c in ((comp or {}).get("code") or {}).get("coding") or []:
            if isinstance(c, dict) and c.get("system") == codes.ITEMS_SYSTEM and "-item-" in str(c.get("code")):
                number = str(c["code"]).rsplit("-item-", 1)[1]
                value = (comp.get("valueQuantity") or {}).get("value")
                if not number.isdigit() or isinstance(value, bool) or not isinstance(value, int | float):
                    raise _Skip("component", f"item {number} has no numeric score.")
                numbered[int(number)] = float(value)
    if numbered and sorted(numbered) != list(range(1, len(numbered) + 1)):
        raise _Skip("component", "the item scores are not numbered 1, 2, 3… without gaps.")
    return ";".join(fmt(numbered[n]) for n in sorted(numbered))


def _context(obs: Mapping[str, Any], name: str) -> str:
    for comp in obs.get("component") or []:
        for c in ((comp or {}).get("code") or {}).get("coding") or []:
            if isinstance(c, dict) and c.get("system") == codes.CONTEXT_SYSTEM and c.get("code") == name:
                return str(comp.get("valueString") or "")
    return ""


def _cells(obs: Mapping[str, Any], mrn: str) -> dict[str, str]:
    status = obs.get("status")
    if status not in _FINAL:
        raise _Skip("status", f"is “{status}”; only final (or amended, corrected) results are imported.")
    key, coded_side = _measure(obs)
    when = obs.get("effectiveDateTime")
    if not isinstance(when, str):
        raise _Skip("effectiveDateTime", "the date and time of the assessment is missing.")
    side, site = _side_site(obs, coded_side)
    value, unit = _value(obs, key)
    notes = [str(n.get("text", "")) for n in obs.get("note") or [] if isinstance(n, dict)]
    return {
        "mrn": mrn,
        "measure": key,
        "taken_at": when,
        "side": side,
        "site": site,
        "value": value,
        "unit": unit,
        "items": _items(obs),
        "note": "\n".join(n for n in notes if n),
        "pace": _context(obs, "pace"),
        **{name: _context(obs, name) for name in import_csv.CONTEXT},
    }


def parse(data: bytes, mrn_system: str, options: ReadOptions | None = None) -> import_csv.ParsedFile:
    """Every entry checked; the caller saves nothing unless ``problems`` is empty."""
    chosen = options or ReadOptions()
    bundle = _load(data)
    entries: list[Any] = bundle["entry"]
    patients: dict[str, str] = {}
    problems: list[RowProblem] = []
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            try:
                mrn = _mrn(resource, mrn_system)
            except _Skip as skip:
                problems.append(RowProblem(number, skip.element, skip.message))
                continue
            for ref in _refs(entry, resource):
                patients[ref] = mrn
    ignored: Counter[str] = Counter()

    def observations() -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
        for number, entry in enumerate(entries, start=1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                yield number, RowProblem(number, "resource", "The entry has no resource.")
                continue
            kind = str(resource.get("resourceType"))
            other = _other_record(resource) if kind == "Observation" else kind
            if other is not None:
                if kind != "Patient":
                    ignored[other] += 1
                continue
            subject = str((resource.get("subject") or {}).get("reference") or "")
            if subject not in patients:
                yield number, RowProblem(number, "subject", "does not refer to a Patient in this Bundle with an MRN.")
                continue
            try:
                yield number, _cells(resource, patients[subject])
            except _Skip as skip:
                yield number, RowProblem(number, skip.element, skip.message)

    try:
        rows, found = import_csv.check_all(observations(), chosen, _SOURCE)
    except ValidationError as exc:
        if "no rows" not in exc.message:
            raise
        raise ValidationError("file", "The Bundle holds no Observation of a measure this app records.") from None
    problems += [RowProblem(p.row, ELEMENTS.get(p.column, p.column), p.message) for p in found]
    problems.sort(key=lambda p: p.row)
    words = [f"{kind} ×{count}" for kind, count in sorted(ignored.items())]
    return import_csv.ParsedFile(
        rows, problems, words, label="Entry", zone=chosen.zone_name, tz=chosen.tz, names=ELEMENTS
    )
