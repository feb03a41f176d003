"""The Outlook: PREP2 and TWIST for a patient from their recorded results, the findings PREP2 needs that are
not catalogue measures (NIHSS, MEP status), and clinicians' disagreements with a prediction.

Inputs are read from the patient's final results (MRC grades of the paretic side named "shoulder abduction",
"finger extension" and "hip extension"; Trunk Control Test totals) with the day each was taken. Findings and
disagreements are append-only versions, audited like every clinical record.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, RowMapping

from rehab.domain.errors import ValidationError
from rehab.domain.patients import STROKE, age_on
from rehab.domain.prognosis import (
    Dated,
    Prediction,
    Prep2Category,
    Prep2Inputs,
    Tool,
    TwistCategory,
    TwistInputs,
    prep2,
    twist,
)
from rehab.domain.prognosis.common import TOOL_LABELS
from rehab.domain.prognosis.findings import FINDING_LABELS, MEP, MEP_VALUES, NIHSS, parse_finding
from rehab.domain.prognosis.prep2 import ARAT_BANDS_SETTING
from rehab.domain.prognosis.prep2 import patient_text as prep2_patient_text
from rehab.domain.prognosis.twist import TOOL_WEIGHTS_SETTING
from rehab.domain.prognosis.twist import patient_text as twist_patient_text
from rehab.exports import summary as model
from rehab.services import audit, versions
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor
from rehab.services.patients import check_access, today
from rehab.store import Database, versioned
from rehab.store import assessments as assessment_store
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord
from rehab.store.tables import prediction_reviews, prognostic_findings

# MRC results are matched by the muscle action named at entry ("Muscle group or movement"), case-insensitive.
SHOULDER_ABDUCTION = "shoulder abduction"
FINGER_EXTENSION = "finger extension"
HIP_EXTENSION = "hip extension"
KNEE_EXTENSION = "knee extension"
SITES_HELP = (
    "PREP2 and TWIST read MRC grades of the paretic side recorded as manual muscle tests named "
    f'"{SHOULDER_ABDUCTION}", "{FINGER_EXTENSION}" and "{HIP_EXTENSION}", and Trunk Control Test totals.'
)
SIGN_OFFS = frozenset({ARAT_BANDS_SETTING, TOOL_WEIGHTS_SETTING})
SIGN_OFF_LABELS = {
    ARAT_BANDS_SETTING: "PREP2: show the ARAT range of each category (Excellent 51–57, Good 34–50, Limited 13–33, "
    "Poor 0–12; believed, not confirmed in the clinical reference §13.15 item 10)",
    TOOL_WEIGHTS_SETTING: "TWIST tool: compute its score with the point weights age < 80 = 1, knee extension MRC "
    "≥ 3 = 1, Berg 6–15 = 1, Berg ≥ 16 = 2 (believed, not confirmed, §13.15 item 12; no probabilities are shown, "
    "as the published table was not found)",
}
# What happened, shown beside what was predicted: the outcome each tool predicts, as recorded.
FAC_INDEPENDENT = 4  # "independent walking" = FAC ≥ 4 (TWIST tool, Smith 2022 [R94])
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class FindingRecord:
    id: int
    kind: str
    found_on: date
    value: str
    version: int
    recorded_by_name: str
    recorded_at: datetime

    @property
    def text(self) -> str:
        shown = MEP_VALUES.get(self.value, self.value) if self.kind == MEP else self.value
        return f"{FINDING_LABELS[self.kind]} {shown} on {self.found_on.isoformat()}"


@dataclass(frozen=True)
class ReviewRecord:
    """A clinician's disagreement with a prediction (current version), with the reason."""

    id: int
    tool: str
    category: str
    reason: str
    version: int
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True)
class ToolOutlook:
    """One tool's prediction, and a clinician's disagreement with it if one stands."""

    prediction: Prediction
    disagreement: ReviewRecord | None
    earlier_disagreement: ReviewRecord | None
    """A disagreement recorded against a different category than the one predicted now."""
    observed: str = ""
    """What has happened so far in the outcome the tool predicts (ARAT for PREP2, FAC for TWIST)."""


@dataclass(frozen=True)
class Outlook:
    tools: list[ToolOutlook]
    findings: list[FindingRecord]
    event_date: date | None


def _day(record: AssessmentRecord) -> date:
    return record.taken_at.date()


def _grades(records: list[AssessmentRecord], site: str, side: str) -> list[Dated[str]]:
    return [
        Dated(r.value_text or "", _day(r))
        for r in records
        if r.measure_key == "mmt" and (r.site or "").strip().casefold() == site and r.side == side and r.value_text
    ]


def predictions(
    patient: PatientRecord, records: list[AssessmentRecord], findings: list[FindingRecord], signed_off: frozenset[str]
) -> list[Prediction]:
    """PREP2 and TWIST from the patient's final results (oldest first) and entered findings."""
    side = str(patient.paretic_side)
    known_side = side in ("left", "right")
    stroke = patient.condition in STROKE
    event = patient.event_date
    nihss = [Dated(int(f.value), f.found_on) for f in findings if f.kind == NIHSS]
    mep = [Dated(f.value == "positive", f.found_on) for f in findings if f.kind == MEP]
    arm = Prep2Inputs(
        stroke=stroke,
        event_date=event,
        age_at_stroke=age_on(patient.birth_date, event) if event else None,
        shoulder_abduction=_grades(records, SHOULDER_ABDUCTION, side),
        finger_extension=_grades(records, FINGER_EXTENSION, side),
        nihss=nihss,
        mep_positive=mep,
        signed_off=signed_off,
        paretic_side_known=known_side,
    )
    walking = TwistInputs(
        stroke=stroke,
        event_date=event,
        trunk_control=[Dated(r.value, _day(r)) for r in records if r.measure_key == "tct"],
        hip_extension=_grades(records, HIP_EXTENSION, side),
        paretic_side_known=known_side,
        age_at_stroke=arm.age_at_stroke,
        knee_extension=_grades(records, KNEE_EXTENSION, side),
        berg=[Dated(r.value, _day(r)) for r in records if r.measure_key == "bbs"],
        signed_off=signed_off,
    )
    return [prep2(arm), twist(walking)]


def _finding(row: RowMapping) -> FindingRecord:
    return FindingRecord(**{k: row[k] for k in FindingRecord.__dataclass_fields__})


def _review(row: RowMapping) -> ReviewRecord:
    return ReviewRecord(**{k: row[k] for k in ReviewRecord.__dataclass_fields__})


def _outlook_in(conn: Connection, patient: PatientRecord) -> Outlook:
    keys = ["mmt", "tct", "bbs", "arat", "fac"]
    records = assessment_store.for_patient(conn, patient.id, measure_keys=keys, statuses=("final",))
    findings = [_finding(r) for r in versioned.current(conn, prognostic_findings, patient.id)]
    signed = clinic_settings.prognosis_sign_offs_in(conn, SIGN_OFFS).ids
    reviews = {r["tool"]: _review(r) for r in versioned.current(conn, prediction_reviews, patient.id)}
    tools = []
    for prediction in predictions(patient, records, findings, signed):
        review = reviews.get(prediction.tool.value)
        now = prediction.category.value if prediction.category is not None else ""
        same = review is not None and review.category == now
        seen = _observed(prediction.tool, records, patient.event_date)
        tools.append(ToolOutlook(prediction, review if same else None, None if same else review, seen))
    findings.sort(key=lambda f: (f.found_on, f.id))
    return Outlook(tools, findings, patient.event_date)


def _after(event: date | None, day: date) -> str:
    if event is None:
        return day.isoformat()
    days = (day - event).days
    weeks, rest = divmod(days, 7)
    return f"{day.isoformat()}, {_count(weeks, 'week')} {_count(rest, 'day')} after the stroke"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _observed(tool: Tool, records: list[AssessmentRecord], event: date | None) -> str:
    """The recorded outcome the tool predicts, newest first; no verdict on the prediction."""
    if tool is Tool.PREP2:
        arat = [r for r in records if r.measure_key == "arat"]
        if not arat:
            return "So far: no ARAT recorded (PREP2's categories are defined by the ARAT at 3 months)."
        return f"So far: ARAT {arat[-1].value:g} on {_after(event, _day(arat[-1]))}."
    fac = [r for r in records if r.measure_key == "fac"]
    walked = next((r for r in fac if r.value >= FAC_INDEPENDENT), None)
    if walked is not None:
        return f"So far: walking independently (FAC {walked.value:g}) first recorded on {_after(event, _day(walked))}."
    if not fac:
        return "So far: no FAC recorded (independent walking is FAC 4 or more)."
    return (
        f"So far: FAC {fac[-1].value:g} on {_after(event, _day(fac[-1]))}; not yet walking independently "
        "(FAC 4 or more)."
    )


def outlook(db: Database, actor: Actor, patient_id: int) -> Outlook:
    """The patient's predictions with any disagreement, and the entered findings."""
    return db.run(lambda conn: _outlook_in(conn, check_access(conn, actor, patient_id)), write=False)


def outlook_in(conn: Connection, patient: PatientRecord) -> Outlook:
    """For exports, inside their own transaction (access already checked)."""
    return _outlook_in(conn, patient)


def outlook_lines(conn: Connection, patient: PatientRecord) -> list[model.OutlookLine]:
    """The predictions as the PDFs print them (access already checked by the export)."""
    return [_line(t) for t in _outlook_in(conn, patient).tools]


def _line(tool: ToolOutlook) -> model.OutlookLine:
    p = tool.prediction
    d = tool.disagreement
    disagreement = (
        f"{d.recorded_by_name} disagrees with this prediction ({d.recorded_at.date().isoformat()}): {d.reason}"
        if d
        else ""
    )
    return model.OutlookLine(
        tool=TOOL_LABELS[p.tool],
        category=p.category_label,
        given=p.given,
        path=[f.text for f in p.path] + ([f"Decision tree: {p.path[0].source}."] if p.path else []),
        accuracy=[f"{f.text} ({f.source})" for f in p.accuracy],
        caveats=[f"{f.text} ({f.source})" for f in p.caveats],
        refusals=[f"{r.input}: {r.reason}" for r in p.refusals],
        disagreement=disagreement,
        patient_text=_patient_text(p),
        observed=tool.observed,
        also=[f"{f.text} ({f.source})" for f in p.also],
    )


def _patient_text(p: Prediction) -> str:
    """The published plain-language text of the category, or a neutral sentence that says it is not."""
    if isinstance(p.category, Prep2Category):
        text, _ = prep2_patient_text(p.category)
        return f"Arm (PREP2), prediction {p.category_label}: {text}"
    if isinstance(p.category, TwistCategory):
        text, _ = twist_patient_text(p.category)
        return f"Walking (TWIST): {text}"
    return ""


def record_finding(db: Database, actor: Actor, patient_id: int, raw: Mapping[str, object]) -> int:
    """Save an NIHSS total or an MEP status with its day; errors name the field and nothing is saved."""

    def work(conn: Connection) -> int:
        patient = check_access(conn, actor, patient_id)
        entry = parse_finding(raw, today=today(), event_date=patient.event_date)
        values = {"patient_id": patient_id, **dataclasses.asdict(entry), **versions.stamp(actor)}
        new_id = versioned.add(conn, prognostic_findings, values, replaces=None)
        detail = json.dumps({"kind": entry.kind, "found_on": entry.found_on.isoformat()})
        audit.record(conn, actor, "create", "prognostic_finding", new_id, patient_id=patient_id, detail=detail)
        return new_id

    return db.run(work)


def withdraw_finding(db: Database, actor: Actor, finding_id: int, *, expected_version: int, reason: object) -> int:
    """A finding entered in error: a new version with that status; the old one stays in the history."""
    why = versions.reason(reason)

    def work(conn: Connection) -> int:
        old = versions.opened(conn, actor, prognostic_findings, finding_id, expected_version)
        keep = {k: old[k] for k in ("patient_id", "kind", "found_on", "value")}
        values = {**keep, **versions.stamp(actor), "status": versioned.ENTERED_IN_ERROR, "status_reason": why}
        new_id = versions.supersede(conn, prognostic_findings, values, old)
        detail = f"#{finding_id} entered in error: {why}"
        audit.record(conn, actor, "update", "prognostic_finding", new_id, patient_id=old["patient_id"], detail=detail)
        return new_id

    return db.run(work)


def disagree(db: Database, actor: Actor, patient_id: int, tool: str, *, reason: object) -> int:
    """Record that the clinician disagrees with the tool's current prediction, with a reason (a new version if one
    stands already)."""
    why = versions.reason(reason)
    if tool not in {t.value for t in Tool}:
        raise ValidationError("tool", "choose PREP2 or TWIST")

    def work(conn: Connection) -> int:
        patient = check_access(conn, actor, patient_id)
        current = {t.prediction.tool.value: t.prediction for t in _outlook_in(conn, patient).tools}[tool]
        if current.category is None:
            raise ValidationError("tool", "there is no prediction to disagree with")
        values = {"patient_id": patient_id, "tool": tool, "category": current.category.value, "reason": why}
        standing = [r for r in versioned.current(conn, prediction_reviews, patient_id) if r["tool"] == tool]
        old = standing[0] if standing else None
        values |= versions.stamp(actor)
        new_id = (
            versions.supersede(conn, prediction_reviews, values, old)
            if old
            else versioned.add(conn, prediction_reviews, values, replaces=None)
        )
        detail = json.dumps({"tool": tool, "category": current.category.value})
        action = "update" if old else "create"
        audit.record(conn, actor, action, "prediction_review", new_id, patient_id=patient_id, detail=detail)
        return new_id

    return db.run(work)


def withdraw_disagreement(db: Database, actor: Actor, review_id: int, *, expected_version: int, reason: object) -> int:
    """The clinician no longer disagrees: a new version with status "withdrawn" and the reason."""
    why = versions.reason(reason)

    def work(conn: Connection) -> int:
        old = versions.opened(conn, actor, prediction_reviews, review_id, expected_version)
        keep = {k: old[k] for k in ("patient_id", "tool", "category", "reason")}
        values = {**keep, **versions.stamp(actor), "status": WITHDRAWN, "status_reason": why}
        new_id = versions.supersede(conn, prediction_reviews, values, old)
        detail = f"#{review_id} withdrawn: {why}"
        audit.record(conn, actor, "update", "prediction_review", new_id, patient_id=old["patient_id"], detail=detail)
        return new_id

    return db.run(work)


def save_sign_offs(db: Database, actor: Actor, ids: set[str], *, expected_version: int) -> int:
    return clinic_settings.save_prognosis_sign_offs(db, actor, ids, SIGN_OFFS, expected_version=expected_version)


def sign_offs(db: Database) -> clinic_settings.SignOffs:
    return db.run(lambda conn: clinic_settings.prognosis_sign_offs_in(conn, SIGN_OFFS), write=False)
