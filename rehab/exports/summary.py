"""What a session summary and a progress report say, as plain data: one record, rendered many ways.

The service reads the record and fills these dataclasses; the PDF, CSV and FHIR writers only render them.
Two audiences read the same record: the clinical version (notes, referrers) shows every number with its
reason and source; ``patient_text`` turns the same facts into plain language for the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rehab.domain.planning.template import NEURAL_PERIOD_CLINICIAN_TEXT, NEURAL_PERIOD_PATIENT_TEXT
from rehab.exports.printed_chart import PrintedChart

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
class Letterhead:
    """Who the document is from (Clinic settings → Reports). An empty name is printed as "not set", never
    guessed; ``logo`` is a PNG or JPEG checked when it was uploaded; every time is printed in ``time_zone``."""

    clinic_name: str = ""
    address: str = ""
    logo: bytes | None = None
    time_zone: str = "UTC"


@dataclass(frozen=True)
class SignOff:
    """The clinician who signs the document: name, professional registration (e.g. HCPC PH123456) and role."""

    name: str
    registration: str
    role: str


@dataclass(frozen=True)
class GoalLine:
    """One of the patient's goals as the reports print it: the clinician's lines and the patient's words."""

    statement: str
    status: str
    target: str
    progress: list[str]
    patient_words: str


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
    letterhead: Letterhead = field(default_factory=Letterhead)
    sign_off: SignOff | None = None
    goals: list[GoalLine] = field(default_factory=list)


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
    """A chart as the reports print it (plain data, drawn by the PDF writer) and what it shows in words."""

    title: str
    chart: PrintedChart
    alt: str = ""
    """What the chart shows in a sentence (its text summary): the figure's alternative text in the PDF."""


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
    letterhead: Letterhead = field(default_factory=Letterhead)
    sign_off: SignOff | None = None
    goals: list[GoalLine] = field(default_factory=list)
    goal_score: str = ""


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
    """The session in the patient's words: "your weaker side", never "paretic"; no clinician-only text (notes,
    override reasons, screen findings, the reason a session was not performed)."""
    if summary.performed:
        did = [
            f"{_words(e.label)}: {e.sets_done} set{'s' if e.sets_done != 1 else ''} ({e.performed})."
            for e in summary.exercises
            if e.sets_done
        ] or ["You started the session but no exercise sets were recorded."]
    else:
        did = ["We did not exercise today, to keep you safe. Your weights stay the same until next time."]
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
    improved += [f"{_words(n.label)}: the weight goes up next time, because you managed it well."
                 for n in summary.next_session if n.action == "increase"]  # fmt: skip
    steps = [f"{_words(n.label)}: {n.dose}. The weight {_ACTION_WORDS.get(n.action, 'is set')}."
             for n in summary.next_session]  # fmt: skip
    care = [
        "Tell your therapist if exercise pain goes above 5 out of 10, or if pain is worse the next morning.",
        "Stop and get help straight away if you have chest pain, new weakness, numbness, trouble speaking or "
        "feel very unwell.",
    ]
    return PatientText(did, improved, steps, _pain_words(summary) + care, WHY_STRENGTH_FIRST)


def _pain_words(summary: SessionSummary) -> list[str]:
    """What happens to each exercise that hurt above the limit: what next session's decision says, not what
    the rule would have done (a clinician may have kept the load)."""
    next_by_label = {n.label: n for n in summary.next_session}
    out = []
    for e in summary.exercises:
        if e.max_pain is None or e.max_pain <= PAIN_LIMIT:
            continue
        decision = next_by_label.get(e.label)
        said = f"{_words(e.label)} hurt more than {PAIN_LIMIT} out of 10 today"
        if decision is None:
            out.append(f"{said}. Your therapist will decide the weight for next time with you.")
        elif decision.action == "decrease":
            out.append(f"{said}, so the weight comes down a little next time ({decision.load_text}).")
        elif decision.action == "override":
            out.append(f"{said}. Your therapist has chosen the weight for next time: {decision.load_text}. "
                       "Tell them if it hurts again.")  # fmt: skip
        else:
            out.append(f"{said}. The weight for next time is {decision.load_text}. Tell your therapist if it "
                       "hurts again.")  # fmt: skip
    return out


_SIDE_WORDS = {"paretic": "your weaker side", "non-paretic": "your stronger side"}


def _side_words(side: str | None) -> str:
    if not side:
        return ""
    return f" ({_SIDE_WORDS.get(side.lower(), f'{side} side')})"


def _words(label: str) -> str:
    """An exercise label in the patient's words ("(paretic side)" → "(your weaker side)")."""
    from rehab.exports.pdf_text import patient_words

    return patient_words(label)
