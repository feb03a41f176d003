"""What the exports read of goals, falls and predictions (inside the export's read transaction, access checked).

The FHIR parts are shaped for ``rehab.exports.fhir``; the goals CSV has one row per goal version and one per
review (``record`` says which), so a spreadsheet filters either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from rehab.domain import measures
from rehab.domain.goals import CURRENT, GAS_LEVELS
from rehab.domain.prognosis import Prediction, Prep2Category, Tool, TwistCategory
from rehab.domain.prognosis.common import TOOL_LABELS, day_after
from rehab.domain.prognosis.findings import MEP, NIHSS
from rehab.domain.prognosis.prep2 import MEP_DAYS, NIHSS_DAY, SAFE_DAYS
from rehab.domain.prognosis.twist import WINDOW_DAYS
from rehab.exports import fhir
from rehab.services import falls, goals, prognosis
from rehab.store import assessments as assessment_store
from rehab.store import goals as goal_store
from rehab.store import users as user_store
from rehab.store.goals import GoalRecord, ReviewRecord
from rehab.store.patients import PatientRecord

GOAL_COLUMNS = (
    "mrn", "record", "goal_id", "version", "kind", "statement", "measure", "side", "target_value", "unit",
    "target_date", "set_on", "set_by", "status", "status_reason", "supersedes_id", "baseline", "importance",
    "difficulty", "level_minus_2", "level_minus_1", "level_0", "level_plus_1", "level_plus_2", "review_id",
    "reviewed_at", "reviewed_by", "rating", "rating_meaning", "note",
)  # fmt: skip
_LEVEL_COLUMNS = {-2: "level_minus_2", -1: "level_minus_1", 0: "level_0", 1: "level_plus_1", 2: "level_plus_2"}


@dataclass(frozen=True)
class ClinicalParts:
    """Goals, falls, findings and predictions for the FHIR record, and the colleagues they name."""

    goals: list[fhir.FhirGoal]
    t_score: fhir.FhirTScore | None
    falls: list[fhir.FhirFall]
    findings: list[fhir.FhirFinding]
    predictions: list[fhir.FhirPrediction]
    people: set[int]


def _reviews(conn: Connection, records: Sequence[GoalRecord]) -> dict[int, list[ReviewRecord]]:
    out: dict[int, list[ReviewRecord]] = {}
    for r in goal_store.reviews_for(conn, [g.id for g in records]):
        out.setdefault(r.goal_id, []).append(r)
    return out


def _fhir_goal(g: GoalRecord, reviews: Sequence[ReviewRecord]) -> fhir.FhirGoal:
    return fhir.FhirGoal(
        id=g.id,
        kind=g.kind,
        statement=g.statement,
        status=g.status,
        status_reason=g.status_reason,
        set_on=g.set_on,
        target_date=g.target_date,
        set_by=g.set_by,
        measure_key=g.measure_key,
        side=g.side,
        target_value=g.target_value,
        levels=g.gas_levels or {},
        baseline=g.baseline,
        importance=g.importance,
        difficulty=g.difficulty,
        reviews=[fhir.FhirGoalReview(r.id, r.reviewed_at, r.reviewed_by, r.rating, r.note) for r in reviews],
    )


def _goals(conn: Connection, patient: PatientRecord) -> tuple[list[fhir.FhirGoal], fhir.FhirTScore | None]:
    """The current goals (corrected and withdrawn versions stay in the CSV) and the T-score the Goals page shows."""
    records = [g for g in goal_store.for_patient(conn, patient.id) if g.status in CURRENT]
    reviews = _reviews(conn, records)
    weights_on, _ = goals.gas_weights_in(conn)
    latest = [
        (g, next((r.rating for r in reversed(reviews.get(g.id, [])) if r.rating is not None), None)) for g in records
    ]
    score = goals.t_score_of(latest, weights_on=weights_on)
    counted = tuple(g.id for g, _ in latest if goals.counts_in_t_score(g))
    t = fhir.FhirTScore(score.value, counted, score.weighted, score.reason) if score.value is not None else None
    return [_fhir_goal(g, reviews.get(g.id, [])) for g in records], t


def _falls(conn: Connection, patient_id: int) -> list[fhir.FhirFall]:
    return [
        fhir.FhirFall(
            f.id,
            f.fell_on,
            f.place,
            f.circumstances,
            f.injury,
            f.injury_note,
            f.reported_by,
            f.recorded_by_name,
            f.supersedes_id is not None,
        )
        for f in sorted(falls.current_in(conn, patient_id), key=lambda f: (f.fell_on, f.id))
    ]


def _within(day: date, event: date, first: int, last: int) -> bool:
    return first <= day_after(event, day) <= last


Basis = list[tuple[str, int, date]]


def _basis(conn: Connection, p: Prediction, patient: PatientRecord, findings: Sequence[fhir.FhirFinding]) -> Basis:
    """The results in the tool's windows on the steps its category went through, as ("assessment"|"finding", id,
    day). PREP2: SAFE grades days 0–3; the MEP of days 3–7 unless the category is Excellent (step one only); the
    NIHSS of day 3 for Limited and Poor. TWIST: the Trunk Control Test of days 7–14, and hip extension of days
    7–14 unless walking by 6 weeks (decided by the trunk alone)."""
    event = patient.event_date
    if event is None:
        return []
    side = str(patient.paretic_side)
    rows = assessment_store.for_patient(conn, patient.id, measure_keys=["mmt", "tct"], statuses=("final",))
    if p.tool is Tool.PREP2:
        sites = {prognosis.SHOULDER_ABDUCTION, prognosis.FINGER_EXTENSION}
        used = [r for r in rows if _grade_site(r) in sites and r.side == side]
        windows = {MEP: MEP_DAYS, NIHSS: (NIHSS_DAY, NIHSS_DAY)}
        steps = {MEP: p.category is not Prep2Category.EXCELLENT,
                 NIHSS: p.category in (Prep2Category.LIMITED, Prep2Category.POOR)}  # fmt: skip
        found = [
            ("finding", f.id, f.found_on)
            for f in findings
            if steps[f.kind] and _within(f.found_on, event, *windows[f.kind])
        ]
        return [
            ("assessment", r.id, r.taken_at.date()) for r in used if _within(r.taken_at.date(), event, *SAFE_DAYS)
        ] + found
    hip = p.category is not TwistCategory.BY_6_WEEKS
    used = [
        r
        for r in rows
        if r.measure_key == "tct" or (hip and _grade_site(r) == prognosis.HIP_EXTENSION and r.side == side)
    ]
    return [("assessment", r.id, r.taken_at.date()) for r in used if _within(r.taken_at.date(), event, *WINDOW_DAYS)]


def _grade_site(record: assessment_store.AssessmentRecord) -> str:
    return (record.site or "").strip().casefold() if record.measure_key == "mmt" else ""


def _predictions(conn: Connection, patient: PatientRecord) -> tuple[list[fhir.FhirPrediction], list[fhir.FhirFinding]]:
    outlook = prognosis.outlook_in(conn, patient)
    findings = [fhir.FhirFinding(f.id, f.kind, f.found_on, f.value, f.recorded_by_name) for f in outlook.findings]
    out = []
    for t in outlook.tools:
        p = t.prediction
        if p.category is None:  # refused: an input missing or out of window
            continue
        basis = _basis(conn, p, patient, findings)
        d = t.disagreement
        out.append(
            fhir.FhirPrediction(
                tool=p.tool.value,
                tool_label=TOOL_LABELS[p.tool],
                category=p.category.value,
                category_label=p.category_label,
                path=[f"{f.text} ({f.source})" for f in p.path],
                population=p.population,
                caveats=[f"{f.text} ({f.source})" for f in (*p.caveats, *p.also)],
                basis=[(kind, ident) for kind, ident, _ in basis],
                occurred=max((day for _, _, day in basis), default=patient.event_date or date.today()),
                disagreement=fhir.FhirDisagreement(d.recorded_by_name, d.recorded_at, d.reason) if d else None,
            )
        )
    return out, findings


def fhir_parts(conn: Connection, patient: PatientRecord) -> ClinicalParts:
    goal_list, score = _goals(conn, patient)
    predictions, findings = _predictions(conn, patient)
    people = {g.set_by for g in goal_list} | {r.reviewer_id for g in goal_list for r in g.reviews}
    return ClinicalParts(goal_list, score, _falls(conn, patient.id), findings, predictions, people)


def goal_csv_rows(conn: Connection, patient: PatientRecord) -> list[dict[str, object]]:
    """Every version of every goal (corrected and withdrawn ones with their status), each followed by its
    reviews, in the order they were set."""
    names = user_store.display_names(conn)
    records = sorted(goal_store.for_patient(conn, patient.id), key=lambda g: g.id)
    reviews = _reviews(conn, records)
    rows: list[dict[str, object]] = []
    for g in records:
        base = {"mrn": patient.mrn, "goal_id": g.id, "kind": g.kind, "statement": g.statement}
        levels = {_LEVEL_COLUMNS[k]: v for k, v in (g.gas_levels or {}).items() if k in _LEVEL_COLUMNS}
        rows.append(
            {
                **base,
                "record": "goal",
                "version": g.version,
                "measure": g.measure_key,
                "side": g.side,
                "target_value": g.target_value,
                "unit": _unit(g),
                "target_date": g.target_date,
                "set_on": g.set_on,
                "set_by": names.get(g.set_by, ""),
                "status": g.status,
                "status_reason": g.status_reason,
                "supersedes_id": g.supersedes_id,
                "baseline": g.baseline,
                "importance": g.importance,
                "difficulty": g.difficulty,
                **levels,
            }
        )
        for r in reviews.get(g.id, []):
            rows.append(
                {
                    **base,
                    "record": "review",
                    "review_id": r.id,
                    "reviewed_at": r.reviewed_at,
                    "reviewed_by": names.get(r.reviewed_by, ""),
                    "rating": r.rating,
                    "rating_meaning": GAS_LEVELS[r.rating] if r.rating is not None else None,
                    "note": r.note,
                }
            )
    return rows


def _unit(goal: GoalRecord) -> str | None:
    return measures.get(goal.measure_key).unit if goal.measure_key else None
