"""What a session summary and a progress report say, as plain data: one record, rendered many ways.

The service reads the record and fills these dataclasses; the PDF, CSV and FHIR writers only render them.
Two audiences read the same record: the clinical version (notes, referrers) shows every number with its
reason and source; ``patient_text`` turns the same facts into plain language for the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rehab.domain.planning.template import NEURAL_PERIOD_CLINICIAN_TEXT, NEURAL_PERIOD_PATIENT_TEXT

PAIN_LIMIT = 5
"""Pain above 5/10 is flagged (pain-monitoring model, Silbernagel 2007 [R17]; the engine's own limit)."""
PAIN_SOURCE = "Pain-monitoring model, Silbernagel 2007 [R17] (validated in tendinopathy, not stroke)"

WHY_STRENGTH_FIRST = NEURAL_PERIOD_PATIENT_TEXT + (
    " So your strength can rise in the first weeks even though your muscles look the same. Your therapist "
    "checks each change against how much a measurement can vary from one day to the next before calling "
    "it a real change. Muscle growth follows later with steady training."
)
WHY_STRENGTH_FIRST_CLINICAL = NEURAL_PERIOD_CLINICIAN_TEXT


@dataclass(frozen=True)
class PatientLine:
    """Who the document is about; every field is as stored (user text, escaped by each renderer)."""

    mrn: str
    name: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    condition: str
    paretic_side: str
    event_date: date | None


@dataclass(frozen=True)
class ScreenFinding:
    outcome: str
    text: str
    source: str


@dataclass(frozen=True)
class SetLine:
    set_number: int
    prescribed: str
    performed: str
    reps: int | None
    target_reps: int
    effort: float | None
    pain_during: int | None
    pain_after: int | None


@dataclass(frozen=True)
class ExerciseLine:
    """One exercise of the session: what was prescribed and what was done, set by set."""

    label: str
    prescribed: str
    performed: str
    sets: list[SetLine]
    sets_done: int
    effort: str
    pain: str
    max_pain: int | None


@dataclass(frozen=True)
class ChangeLine:
    """A change between two results with its MDC/MCID verdict and the reason naming the figures used."""

    delta_text: str
    verdict: str
    reason: str
    improved: bool | None


@dataclass(frozen=True)
class AssessmentLine:
    measure_key: str
    measure: str
    side: str | None
    site: str | None
    value_text: str
    taken_at: datetime
    category: str | None
    since_previous: ChangeLine | None
    since_baseline: ChangeLine | None
    flags: list[str]


@dataclass(frozen=True)
class NextLine:
    """Next session's prescription for one exercise, with the engine's (or clinician's) reason."""

    label: str
    dose: str
    load_text: str
    action: str
    reason: str


@dataclass(frozen=True)
class OutlookLine:
    """One recovery prediction (PREP2, TWIST) as the PDFs print it: a prediction, never a guarantee."""

    tool: str
    category: str
    given: bool
    path: list[str]
    accuracy: list[str]
    caveats: list[str]
    refusals: list[str]
    disagreement: str
    patient_text: str
    observed: str = ""
    also: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SessionSummary:
    patient: PatientLine
    session_id: int
    session_date: date
    clinician: str
    plan_week: int
    phase_name: str
    performed: bool
    not_performed_reason: str
    screen_outcome: str | None
    screen_values: str
    screen_findings: list[ScreenFinding]
    exercises: list[ExerciseLine]
    assessments: list[AssessmentLine]
    flags: list[str]
    next_session: list[NextLine]
    rule_text: str
    note: str
    note_by: str
    generated_at: datetime
    generated_by: str
    outlook: list[OutlookLine] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureProgress:
    """Baseline (first result in the period) versus the latest, for one measure and side."""

    measure_key: str
    measure: str
    side: str | None
    site: str | None
    unit: str
    results: int
    baseline_date: date
    baseline_text: str
    latest_date: date
    latest_text: str
    change: ChangeLine | None


@dataclass(frozen=True)
class ExerciseProgress:
    label: str
    first_load: str
    last_load: str
    first_estimate_kg: float | None
    last_estimate_kg: float | None
    sessions: int


@dataclass(frozen=True)
class PhaseLine:
    name: str
    weeks: str
    dates: str
    performed: int
    not_performed: int
    patient_text: str


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite chart (a dict), rendered to PNG offline by the PDF writer."""

    title: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class ProgressReport:
    patient: PatientLine
    start: date
    end: date
    measures: list[MeasureProgress]
    exercises: list[ExerciseProgress]
    phases: list[PhaseLine]
    sessions_performed: int
    sessions_not_performed: int
    plan_text: str
    generated_at: datetime
    generated_by: str
    charts: list[ChartSpec] = field(default_factory=list)
    outlook: list[OutlookLine] = field(default_factory=list)


# --- plain language for the patient -------------------------------------------------------------------------

_ACTION_WORDS = {
    "increase": "goes up",
    "hold": "stays the same",
    "decrease": "comes down a little",
    "start": "is your starting weight",
    "override": "was set by your therapist",
}


@dataclass(frozen=True)
class PatientText:
    """The patient-friendly version: short sentences, no abbreviations, no statistics."""

    did_today: list[str]
    improved: list[str]
    next_steps: list[str]
    take_care: list[str]
    why_strength_first: str


def patient_text(summary: SessionSummary) -> PatientText:
    if summary.performed:
        did = [
            f"{e.label}: {e.sets_done} set{'s' if e.sets_done != 1 else ''} ({e.performed})."
            for e in summary.exercises
            if e.sets_done
        ] or ["You started the session but no exercise sets were recorded."]
    else:
        did = [
            "We did not exercise today, to keep you safe. Your weights stay the same until next time."
            + (f" Reason: {summary.not_performed_reason}" if summary.not_performed_reason else "")
        ]
    improved = [
        f"{a.measure}{_side_words(a.side)}: {a.value_text}, better than at the start."
        for a in summary.assessments
        if a.since_baseline is not None and a.since_baseline.improved
    ]
    improved += [
        f"{a.measure}{_side_words(a.side)}: {a.value_text}, better than last time."
        for a in summary.assessments
        if a.since_previous is not None
        and a.since_previous.improved
        and not (a.since_baseline is not None and a.since_baseline.improved)
    ]
    improved += [f"{n.label}: the weight goes up next time, because you managed it well." for n in summary.next_session
                 if n.action == "increase"]  # fmt: skip
    steps = [f"{n.label}: {n.dose}. The weight {_ACTION_WORDS.get(n.action, 'is set')}." for n in summary.next_session]
    care = [
        "Tell your therapist if exercise pain goes above 5 out of 10, or if pain is worse the next morning.",
        "Stop and get help straight away if you have chest pain, new weakness, numbness, trouble speaking or "
        "feel very unwell.",
    ]
    if any(e.max_pain is not None and e.max_pain > PAIN_LIMIT for e in summary.exercises):
        care.insert(0, "Today some exercises hurt more than 5 out of 10, so those weights come down a little.")
    return PatientText(did, improved, steps, care, WHY_STRENGTH_FIRST)


def _side_words(side: str | None) -> str:
    return f" ({side} side)" if side else ""
