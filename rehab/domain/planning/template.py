"""Phase template and weekly prescriptions for a progressive resistance training plan.

The phase split (familiarisation → early neural phase → strength phase, with lighter weeks and
re-tests) is a design synthesis from the clinical reference §7.5, not a guideline; each phase carries
its rationale and sources so the UI can show why. Every default stays at or below 80 % 1RM, the upper
bound of the AHA/ASA recommendation for stroke survivors (Billinger 2014 [R9]). A clinic may build a
template above it (stroke trials trained at 80–84 % 1RM: Lee 2010 [R6], Flansbjer 2012 [R8]) only by
writing down why in ``above_guideline_reason``.

Loads are rounded *down* to the exercise's load step, so a prescription never exceeds the phase's
%1RM; a target below the smallest step becomes "no added load" (or no band) and says so. Band
exercises are prescribed as the heaviest band whose nominal resistance is at or below the target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.evidence import EvidenceLevel
from rehab.domain.planning.exercises import DEFAULT_EXERCISES, Exercise

# AHA/ASA: strength training for stroke survivors at 50–80 % 1RM (Billinger 2014, Stroke 45:2532 [R9]).
AHA_ASA_MAX_PERCENT_1RM = 80.0
SOURCE_AHA_ASA = "AHA/ASA statement, Billinger 2014 [R9]: 1–3 × 10–15 reps at 50–80 % 1RM, 2–3 d/wk"
SOURCE_TEMPLATE = "Phase template, clinical reference §7.5 (design synthesis, not a guideline)"
SOURCE_DELOAD = (
    "Bell 2022 (coaches) and Bell 2024 (athletes, 6.4 ± 1.7 days every 5.6 ± 2.3 weeks) [R16]: "
    "strength-sport coaching practice, not rehab evidence"
)
SOURCE_RETEST = "Re-test every 4–6 weeks, clinical reference §7.5; track change vs MDC/MCID (Moore 2018 CPG [R1])"
SOURCE_CONFIRMATION = "Increases above 10 % need clinician confirmation: ACSM 2009 2–10 % [R10]; §10"

# Data-entry plausibility limits, not clinical thresholds.
MAX_ONE_RM_KG = 1000.0
MAX_WEEK = 520

CONFIRM_INCREASE_ABOVE_FRACTION = Decimal("0.10")  # ACSM 2009 upper bound of 2–10 % [R10]; §10

SOURCE_NEURAL_EVIDENCE = (
    "Moritani & deVries 1979 [R5] (healthy young adults, 8 weeks); Škarabot 2021 [R105] (review: locus "
    "unresolved, human reticulospinal data lacking); Glover & Baker 2020 [R3] (two macaque monkeys)"
)
NEURAL_PERIOD_CLINICIAN_TEXT = (
    "Early strength gains are largely attributed to neural adaptation (Moritani & deVries 1979 [R5], healthy "
    "adults; Škarabot 2021 [R105]). Reticulospinal changes were shown in two macaques (Glover & Baker 2020 "
    "[R3]), not yet in people after stroke. In chronic-stroke PRT most strength came in weeks 1–8 (Lee 2010 "
    "[R6]); balance and gait need not change in step. Judge each change against its MDC."
)
NEURAL_PERIOD_PATIENT_TEXT = (
    "In the first weeks of training, strength often rises quickly. This early rise is thought to come mostly "
    "from your nervous system learning to use your muscles better, before the muscles themselves grow."
)


class Side(StrEnum):
    """Which side a unilateral exercise loads, in the clinic's words."""

    PARETIC = "paretic"
    NON_PARETIC = "non_paretic"


class OneRmMethod(StrEnum):
    """How the baseline 1RM was found."""

    TESTED = "tested_1rm"
    """A direct 1RM test (used safely in chronic-stroke PRT trials [R6]–[R8])."""
    ESTIMATED = "estimated_submaximal"
    """Estimated from a submaximal set (e.g. Epley/Brzycki, 1–10 reps; clinical reference §1.4)."""


def _pair(field_name: str, value: object, *, minimum: int, maximum: int) -> tuple[int, int]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValidationError(field_name, "must be a range of two whole numbers (fewest, most)")
    low = _checks.whole_number(field_name, value[0], minimum=minimum, maximum=maximum)
    high = _checks.whole_number(field_name, value[1], minimum=minimum, maximum=maximum)
    if low > high:
        raise ValidationError(field_name, "the first number must not be above the second")
    return (low, high)


@dataclass(frozen=True)
class Phase:
    """One block of weeks with its dose.

    Within a phase the load rises evenly from the first to the second ``percent_1rm`` figure; sets and
    rep range move from the lower set count and ``reps_start`` in the first half to the higher set count
    and ``reps_end`` in the second half. An open-ended last phase (``last_week`` None) ramps over
    ``ramp_weeks`` and then holds. The target reps for the progression rules is the bottom of the
    week's rep range, so "2 over target" means the middle of the range.
    """

    key: str
    name: str
    first_week: int
    last_week: int | None
    percent_1rm: tuple[float, float]
    sets: tuple[int, int]
    reps_start: tuple[int, int]
    reps_end: tuple[int, int]
    rationale: str
    sources: tuple[str, ...]
    evidence: EvidenceLevel
    neural: bool = False
    ramp_weeks: int = 4
    clinician_text: str = ""
    patient_text: str = ""

    def __post_init__(self) -> None:
        _checks.text("key", self.key)
        _checks.text("name", self.name)
        _checks.whole_number("first_week", self.first_week, minimum=1, maximum=MAX_WEEK)
        if self.last_week is not None:
            _checks.whole_number("last_week", self.last_week, minimum=self.first_week, maximum=MAX_WEEK)
        if not isinstance(self.percent_1rm, tuple | list) or len(self.percent_1rm) != 2:
            raise ValidationError("percent_1rm", "must be a range of two percentages (start, end)")
        start = _checks.number("percent_1rm", self.percent_1rm[0], minimum=0.0, maximum=100.0, above_minimum=True)
        end = _checks.number("percent_1rm", self.percent_1rm[1], minimum=0.0, maximum=100.0, above_minimum=True)
        if start > end:
            raise ValidationError("percent_1rm", "the load must not fall within a phase")
        object.__setattr__(self, "percent_1rm", (start, end))
        object.__setattr__(self, "sets", _pair("sets", self.sets, minimum=1, maximum=10))
        object.__setattr__(self, "reps_start", _pair("reps_start", self.reps_start, minimum=1, maximum=100))
        object.__setattr__(self, "reps_end", _pair("reps_end", self.reps_end, minimum=1, maximum=100))
        _checks.text("rationale", self.rationale)
        if not isinstance(self.sources, tuple) or not all(isinstance(s, str) for s in self.sources):
            raise ValidationError("sources", "must be a tuple of citations")
        if not isinstance(self.evidence, EvidenceLevel):
            raise ValidationError("evidence", "must be an EvidenceLevel")
        _checks.flag("neural", self.neural)
        _checks.whole_number("ramp_weeks", self.ramp_weeks, minimum=1, maximum=52)

    def covers(self, week: int) -> bool:
        """True when ``week`` falls in this phase."""
        return week >= self.first_week and (self.last_week is None or week <= self.last_week)

    def weeks_label(self) -> str:
        """'3–8', '9 onwards'."""
        if self.last_week is None:
            return f"{self.first_week} onwards"
        if self.last_week == self.first_week:
            return str(self.first_week)
        return f"{self.first_week}–{self.last_week}"

    def progress(self, week: int) -> float:
        """How far through the phase ``week`` is, 0 at the start to 1 at the end (or after the ramp)."""
        span = (self.last_week - self.first_week) if self.last_week is not None else self.ramp_weeks - 1
        if span <= 0:
            return 0.0
        return min(1.0, max(0.0, (week - self.first_week) / span))


FAMILIARISATION = Phase(
    key="familiarisation",
    name="Familiarisation",
    first_week=1,
    last_week=2,
    percent_1rm=(40.0, 50.0),
    sets=(1, 2),
    reps_start=(10, 15),
    reps_end=(10, 15),
    rationale=(
        "Light loads while technique is learnt and repetition maximums are tested safely; ACSM suggests "
        "older adults start at 40–50 % 1RM for 10–20 reps before progressing."
    ),
    sources=(
        "ACSM 2009 table, older-adult start 40–50 % 1RM × 10–20 reps [R10] (attribution inferred)",
        SOURCE_TEMPLATE,
    ),
    evidence=EvidenceLevel.SECONDARY,
    neural=True,
    clinician_text="Technique, confidence and safe RM testing at 40–50 % 1RM.",
    patient_text="Getting used to the machines and movements with light weights.",
)

EARLY_NEURAL = Phase(
    key="early_neural",
    name="Early (neural) phase",
    first_week=3,
    last_week=8,
    percent_1rm=(50.0, 70.0),
    sets=(2, 3),
    reps_start=(10, 15),
    reps_end=(8, 12),
    rationale=(
        "AHA/ASA dose for stroke survivors: 1–3 sets of 10–15 reps at 50–80 % 1RM, 2–3 days a week. "
        "Most of the strength gained after stroke comes in the first 6–8 weeks, and early gains are "
        "mainly neural."
    ),
    sources=(
        SOURCE_AHA_ASA,
        "Lee 2010 [R6]: 98–100 % of strength gain in weeks 1–8",
        "Moritani & deVries 1979 [R5]: neural factors dominate the first 3–5 weeks",
        SOURCE_TEMPLATE,
    ),
    evidence=EvidenceLevel.GUIDELINE,
    neural=True,
    clinician_text=NEURAL_PERIOD_CLINICIAN_TEXT,
    patient_text=NEURAL_PERIOD_PATIENT_TEXT,
)

STRENGTH = Phase(
    key="strength",
    name="Strength phase",
    first_week=9,
    last_week=None,
    percent_1rm=(70.0, 80.0),
    sets=(2, 3),
    reps_start=(6, 10),
    reps_end=(6, 10),
    rationale=(
        "The clinic's choice, beyond the stroke guideline: the AHA/ASA statement gives 10–15 reps at 50–80 % "
        "1RM (Billinger 2014), and this phase asks for 6–10. It rests on chronic-stroke PRT trials that trained "
        "at 80–84 % 1RM (Lee 2010; Flansbjer 2012) and on ACSM 2009 for healthy adults; the load stays capped "
        "at 80 % 1RM, the AHA/ASA upper bound."
    ),
    sources=(
        "Lee 2010 [R6]: mean load 84 ± 4 % 1RM",
        "Flansbjer 2012 [R8]: 80 % of maximum",
        "ACSM 2009 strength 60–80 % 1RM [R10]",
        SOURCE_AHA_ASA,
        SOURCE_TEMPLATE,
    ),
    evidence=EvidenceLevel.BEYOND_GUIDELINE,
    ramp_weeks=4,
    clinician_text="Load rises from 70 % to 80 % 1RM over four weeks, then holds; re-test to re-anchor 1RM.",
    patient_text="Heavier weights, fewer repetitions, to keep building strength.",
)


@dataclass(frozen=True)
class PhaseTemplate:
    """The phases and rhythms of a plan; copy with ``dataclasses.replace`` to edit per plan.

    ``deload_every_weeks``: every Nth week is lighter (default 5, inside the 4–6 weeks coaches report;
    Bell 2022/2024 [R16], sport not rehab; None turns deloads off). ``reassessment_every_weeks``:
    re-test due every N weeks (default 4, the short end of §7.5's 4–6). Phases must follow on from
    week 1 without gaps, the last one open-ended. Any load above 80 % 1RM (the AHA/ASA bound [R9])
    needs ``above_guideline_reason``.
    """

    phases: tuple[Phase, ...] = (FAMILIARISATION, EARLY_NEURAL, STRENGTH)
    sessions_per_week: tuple[int, int] = (2, 3)  # Billinger 2014 [R9]: 2–3 d/wk; ACSM novice 2–3 [R10]
    deload_every_weeks: int | None = 5
    reassessment_every_weeks: int = 4
    above_guideline_reason: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.phases, tuple | list) or not self.phases:
            raise ValidationError("phases", "needs at least one phase")
        if not all(isinstance(phase, Phase) for phase in self.phases):
            raise ValidationError("phases", "each phase must be a Phase")
        phases = tuple(self.phases)
        object.__setattr__(self, "phases", phases)
        expected = 1
        keys: set[str] = set()
        for position, phase in enumerate(phases):
            if phase.key in keys:
                raise ValidationError("phases", f"phase key '{phase.key}' appears twice")
            keys.add(phase.key)
            if phase.first_week != expected:
                raise ValidationError(
                    "phases",
                    f"'{phase.name}' must start in week {expected} so the weeks follow on without gaps",
                )
            is_last = position == len(phases) - 1
            if is_last != (phase.last_week is None):
                raise ValidationError("phases", "only the last phase is open-ended, and it must be")
            if phase.last_week is not None:
                expected = phase.last_week + 1
        object.__setattr__(
            self,
            "sessions_per_week",
            _pair("sessions_per_week", self.sessions_per_week, minimum=1, maximum=7),
        )
        if self.deload_every_weeks is not None:
            _checks.whole_number("deload_every_weeks", self.deload_every_weeks, minimum=2, maximum=52)
        _checks.whole_number("reassessment_every_weeks", self.reassessment_every_weeks, minimum=1, maximum=52)
        if self.above_guideline_reason is not None:
            object.__setattr__(
                self,
                "above_guideline_reason",
                _checks.text("above_guideline_reason", self.above_guideline_reason),
            )
        highest = max(phase.percent_1rm[1] for phase in phases)
        if highest > AHA_ASA_MAX_PERCENT_1RM and self.above_guideline_reason is None:
            raise ValidationError(
                "percent_1rm",
                f"{highest:g} % 1RM is above the {AHA_ASA_MAX_PERCENT_1RM:g} % upper bound recommended for "
                "stroke survivors (AHA/ASA, Billinger 2014); give a reason to allow it",
            )

    def phase_for(self, week: int) -> Phase:
        """The phase a week belongs to."""
        checked = _week(week)
        for phase in self.phases:
            if phase.covers(checked):
                return phase
        raise ValidationError("week", "no phase covers this week")  # unreachable: last phase is open-ended


DEFAULT_TEMPLATE = PhaseTemplate()


def _week(week: object) -> int:
    return _checks.whole_number("week", week, minimum=1, maximum=MAX_WEEK)


def _template(plan_or_template: object) -> PhaseTemplate:
    if isinstance(plan_or_template, PhaseTemplate):
        return plan_or_template
    if isinstance(plan_or_template, Plan):
        return plan_or_template.template
    raise ValidationError("template", "must be a plan or a phase template")


@dataclass(frozen=True)
class DeloadWeek:
    """Whether a week is lighter, and what changes."""

    is_deload: bool
    changes: str
    sources: tuple[str, ...]
    evidence: EvidenceLevel


def _planned(phase: Phase, week: int) -> tuple[int, tuple[int, int], float]:
    """Sets, rep range and %1RM of an ordinary (not deload) week."""
    progress = phase.progress(week)
    low, high = phase.percent_1rm
    first_half = progress < 0.5
    return (
        phase.sets[0] if first_half else phase.sets[1],
        phase.reps_start if first_half else phase.reps_end,
        low + (high - low) * progress,
    )


def deload_week(template: PhaseTemplate, week: int) -> DeloadWeek:
    """Every Nth week is lighter: one set fewer (at least one) at the phase's lowest %1RM.

    Coaches lower volume and effort or load for 5–7 days every 4–6 weeks, keeping the number of
    sessions (Bell 2022/2024 [R16]); how far to lower them is not given, so one set and the phase's
    own lowest load are this product's choice.
    """
    chosen = _template(template)
    checked = _week(week)
    every = chosen.deload_every_weeks
    if every is None or checked % every != 0:
        return DeloadWeek(False, "", (), EvidenceLevel.DESIGN_CHOICE)
    phase = chosen.phase_for(checked)
    sets, _reps, percent = _planned(phase, checked)
    lighter_sets = max(1, sets - 1)
    low_percent = phase.percent_1rm[0]
    return DeloadWeek(
        True,
        f"Lighter (deload) week, every {every}th week: {lighter_sets} set(s) instead of {sets}, at "
        f"{low_percent:g} % 1RM instead of {percent:.3g} % (the {phase.name.lower()}'s lowest); sessions per "
        "week unchanged. Deload weeks come from strength-sport coaching practice, not rehab evidence; "
        "the size of the reduction is this product's default.",
        (SOURCE_DELOAD,),
        EvidenceLevel.SECONDARY,
    )


def reassessment_due(template: PhaseTemplate, week: int) -> tuple[bool, str]:
    """Whether the core measures and RM are due for re-testing at the end of this week, and why."""
    chosen = _template(template)
    checked = _week(week)
    every = chosen.reassessment_every_weeks
    if checked % every != 0:
        return False, ""
    return True, (
        f"Re-test due (every {every} weeks): repeat the core measures and the repetition maximum so "
        f"loads are re-anchored and change is judged against MDC/MCID. Source: {SOURCE_RETEST}."
    )


@dataclass(frozen=True)
class PhaseBand:
    """A shaded band for charts: a phase (or the neural period) with its weeks and plain-language text."""

    key: str
    name: str
    first_week: int
    last_week: int
    neural: bool
    clinician_text: str
    patient_text: str


def phase_bands(template: PhaseTemplate, up_to_week: int) -> list[PhaseBand]:
    """Phases as week ranges for chart shading, the open-ended last phase cut at ``up_to_week``."""
    chosen = _template(template)
    end = _checks.whole_number("up_to_week", up_to_week, minimum=1, maximum=MAX_WEEK)
    bands: list[PhaseBand] = []
    for phase in chosen.phases:
        if phase.first_week > end:
            break
        last = end if phase.last_week is None else min(phase.last_week, end)
        bands.append(
            PhaseBand(
                phase.key,
                phase.name,
                phase.first_week,
                last,
                phase.neural,
                phase.clinician_text or phase.rationale,
                phase.patient_text or phase.rationale,
            )
        )
    return bands


def neural_period(template: PhaseTemplate = DEFAULT_TEMPLATE) -> PhaseBand | None:
    """The weeks where strength gains are mainly neural (default weeks 1–8), for charts to shade.

    It spans the phases marked ``neural``; None if a template marks none. An open-ended neural phase is
    cut at week 8, the end of the 6–8 weeks in which Lee 2010 [R6] saw the stroke strength gains.
    """
    chosen = _template(template)
    marked = [phase for phase in chosen.phases if phase.neural]
    if not marked:
        return None
    last = marked[-1].last_week if marked[-1].last_week is not None else max(8, marked[-1].first_week)
    return PhaseBand(
        "neural_period",
        "Neural phase",
        marked[0].first_week,
        last,
        True,
        NEURAL_PERIOD_CLINICIAN_TEXT,
        NEURAL_PERIOD_PATIENT_TEXT,
    )


@dataclass(frozen=True)
class Baseline:
    """The starting 1RM for one exercise (and side, for unilateral exercises).

    ``method`` records whether it was tested or estimated from a submaximal set; ``method_detail`` can
    say how (e.g. "Epley, 8 reps at 30 kg"). Body-weight exercises use the added load. An estimate keeps the
    set it came from (``test_load_kg`` × ``test_reps``) and whether that many reps make it less accurate.
    """

    exercise_key: str
    one_rm_kg: float
    method: OneRmMethod
    side: Side | None = None
    method_detail: str = ""
    test_load_kg: float | None = None
    test_reps: int | None = None
    low_accuracy: bool = False

    def __post_init__(self) -> None:
        _checks.text("exercise_key", self.exercise_key)
        object.__setattr__(self, "one_rm_kg", _one_rm(self.one_rm_kg))
        try:
            object.__setattr__(self, "method", OneRmMethod(self.method))
        except (ValueError, TypeError):
            raise ValidationError("method", f"must be one of: {', '.join(m.value for m in OneRmMethod)}") from None
        if self.side is not None:
            try:
                object.__setattr__(self, "side", Side(self.side))
            except (ValueError, TypeError):
                raise ValidationError("side", "must be paretic or non_paretic") from None
        if not isinstance(self.method_detail, str):
            raise ValidationError("method_detail", "must be text")


def _one_rm(value: object) -> float:
    return _checks.number("one_rm_kg", value, minimum=0.0, maximum=MAX_ONE_RM_KG, above_minimum=True, unit="kg")


@dataclass(frozen=True)
class PlanItem:
    """One exercise (and side) in a plan with its baseline."""

    exercise: Exercise
    baseline: Baseline

    @property
    def side(self) -> Side | None:
        """The side trained, None for bilateral exercises."""
        return self.baseline.side


@dataclass(frozen=True)
class Plan:
    """A patient's plan: the template and the exercises with their baselines."""

    template: PhaseTemplate
    items: tuple[PlanItem, ...]


def create_plan(
    baselines: Sequence[Baseline],
    *,
    exercises: Mapping[str, Exercise] = DEFAULT_EXERCISES,
    template: PhaseTemplate = DEFAULT_TEMPLATE,
) -> Plan:
    """Build a plan from baselines; unilateral exercises need a side, bilateral ones must not have one."""
    if not isinstance(template, PhaseTemplate):
        raise ValidationError("template", "must be a phase template")
    if not isinstance(exercises, Mapping):
        raise ValidationError("exercises", "must be the exercise library keyed by exercise key")
    if isinstance(baselines, str | bytes) or not isinstance(baselines, Sequence) or not baselines:
        raise ValidationError("baselines", "needs at least one exercise with a baseline 1RM")
    items: list[PlanItem] = []
    seen: set[tuple[str, Side | None]] = set()
    for baseline in baselines:
        if not isinstance(baseline, Baseline):
            raise ValidationError("baselines", "each entry must be a Baseline")
        exercise = exercises.get(baseline.exercise_key)
        if exercise is None:
            raise ValidationError("exercise_key", f"unknown exercise '{baseline.exercise_key}'")
        if exercise.unilateral and baseline.side is None:
            raise ValidationError("side", f"{exercise.name} is one-sided: choose paretic or non-paretic")
        if not exercise.unilateral and baseline.side is not None:
            raise ValidationError("side", f"{exercise.name} uses both sides: leave the side empty")
        slot = (exercise.key, baseline.side)
        if slot in seen:
            raise ValidationError("baselines", f"{exercise.name} has two baselines for the same side")
        seen.add(slot)
        items.append(PlanItem(exercise, baseline))
    return Plan(template, tuple(items))


@dataclass(frozen=True)
class Prescription:
    """What to do in a given week for one exercise, and why.

    ``load_kg`` is rounded down to the exercise's step (None for band exercises, which get
    ``band_colour``/``band_level`` instead; both None when the target is below the lightest band).
    ``percent_1rm`` is the template's target; ``actual_percent_1rm`` is what the rounded load is.
    ``needs_confirmation`` is True when the load is more than 10 % above the previous full week's.
    """

    week: int
    exercise_key: str
    side: Side | None
    phase_key: str
    phase_name: str
    sets: int
    reps_range: tuple[int, int]
    target_reps: int
    percent_1rm: float
    load_kg: float | None
    band_colour: str | None
    band_level: int | None
    actual_percent_1rm: float
    below_smallest_step: bool
    deload: bool
    reassessment_due: bool
    sessions_per_week: tuple[int, int]
    needs_confirmation: bool
    reason: str
    sources: tuple[str, ...]
    evidence: EvidenceLevel = field(default=EvidenceLevel.DESIGN_CHOICE)


@dataclass(frozen=True)
class _Load:
    kg: Decimal  # what is actually lifted (band: nominal)
    load_kg: float | None
    band_level: int | None
    band_colour: str | None
    text: str
    below_smallest_step: bool


def _round_down(target: Decimal, exercise: Exercise) -> _Load:
    if exercise.uses_bands:
        fitting = [i for i, band in enumerate(exercise.band_levels) if Decimal(repr(band.nominal_kg)) <= target]
        if not fitting:
            lightest = exercise.band_levels[0]
            return _Load(
                Decimal(0),
                None,
                None,
                None,
                f"below the lightest band ({lightest.colour}, about "
                f"{_checks.format_kg(lightest.nominal_kg)}): "
                "no band; use an unloaded or assisted version",
                True,
            )
        level = fitting[-1]
        band = exercise.band_levels[level]
        return _Load(
            Decimal(repr(band.nominal_kg)),
            None,
            level,
            band.colour,
            f"the {band.colour} band (about {_checks.format_kg(band.nominal_kg)}, "
            "the heaviest band not above "
            "the target; band resistance is nominal and varies with stretch)",
            False,
        )
    assert exercise.load_step_kg is not None  # guaranteed by Exercise for non-band equipment
    step = Decimal(repr(exercise.load_step_kg))
    steps = (target / step).to_integral_value(rounding=ROUND_FLOOR)
    kg = steps * step
    kit = exercise.equipment.value.replace("_", " ")
    if steps == 0:
        return _Load(
            kg,
            0.0,
            None,
            None,
            f"below the smallest {kit} step of {_checks.format_kg(exercise.load_step_kg)}: no added load; "
            "use the lightest setting the clinician judges safe",
            True,
        )
    return _Load(
        kg,
        float(kg),
        None,
        None,
        f"rounded down to {_checks.format_kg(float(kg))} ({kit} step "
        f"{_checks.format_kg(exercise.load_step_kg)}) "
        "so the load never exceeds the phase's %1RM",
        False,
    )


@dataclass(frozen=True)
class _Dose:
    phase: Phase
    sets: int
    reps: tuple[int, int]
    percent: float
    deload: DeloadWeek


def _dose(template: PhaseTemplate, week: int) -> _Dose:
    phase = template.phase_for(week)
    deload = deload_week(template, week)
    sets, reps, percent = _planned(phase, week)
    if deload.is_deload:
        return _Dose(phase, max(1, sets - 1), reps, phase.percent_1rm[0], deload)
    return _Dose(phase, sets, reps, percent, deload)


def _target_kg(one_rm: float, percent: float) -> Decimal:
    return Decimal(repr(one_rm)) * Decimal(repr(percent)) / Decimal(100)


def _previous_full_week_kg(template: PhaseTemplate, week: int, one_rm: float, exercise: Exercise) -> Decimal | None:
    for earlier in range(week - 1, 0, -1):
        dose = _dose(template, earlier)
        if not dose.deload.is_deload:
            return _round_down(_target_kg(one_rm, dose.percent), exercise).kg
    return None


def prescription_for(
    plan: Plan | PhaseTemplate,
    week: int,
    one_rm_kg: float,
    exercise: Exercise,
    *,
    side: Side | str | None = None,
) -> Prescription:
    """The week's sets, reps and load for one exercise from its 1RM, with the phase and its rationale.

    ``side`` may be the stored text ("paretic", "non_paretic"); anything else is a "side" field error.
    """
    template = _template(plan)
    checked_week = _week(week)
    one_rm = _one_rm(one_rm_kg)
    if not isinstance(exercise, Exercise):
        raise ValidationError("exercise", "must be an exercise from the library")
    if side is not None:
        try:
            side = Side(side)
        except (ValueError, TypeError):
            raise ValidationError("side", "must be paretic or non_paretic") from None
    dose = _dose(template, checked_week)
    phase = dose.phase
    target = _target_kg(one_rm, dose.percent)
    load = _round_down(target, exercise)
    actual = float(load.kg / Decimal(repr(one_rm)) * 100)
    previous = _previous_full_week_kg(template, checked_week, one_rm, exercise)
    confirm = (
        previous is not None
        and not dose.deload.is_deload
        and load.kg - previous > CONFIRM_INCREASE_ABOVE_FRACTION * previous
    )
    retest, retest_text = reassessment_due(template, checked_week)
    low_sessions, high_sessions = template.sessions_per_week
    parts = [
        f"Week {checked_week}, {phase.name.lower()} (weeks {phase.weeks_label()}): "
        f"{dose.percent:.3g} % 1RM (1RM {_checks.format_kg(one_rm)}) = {_checks.format_kg(float(target))}, "
        f"{load.text}; {dose.sets} set(s) of {dose.reps[0]}–{dose.reps[1]} reps (target {dose.reps[0]}), "
        f"{low_sessions}–{high_sessions} sessions a week.",
        f"Why: {phase.rationale}",
    ]
    sources = list(phase.sources)
    if dose.deload.is_deload:
        parts.append(dose.deload.changes)
        sources.extend(dose.deload.sources)
    if confirm:
        parts.append(
            "This is more than 10 % above the previous full week's "
            f"{_checks.format_kg(float(previous or 0))}, "
            "so a clinician must confirm it."
        )
        sources.append(SOURCE_CONFIRMATION)
    if retest:
        parts.append(retest_text)
    return Prescription(
        week=checked_week,
        exercise_key=exercise.key,
        side=side,
        phase_key=phase.key,
        phase_name=phase.name,
        sets=dose.sets,
        reps_range=dose.reps,
        target_reps=dose.reps[0],
        percent_1rm=dose.percent,
        load_kg=load.load_kg,
        band_colour=load.band_colour,
        band_level=load.band_level,
        actual_percent_1rm=actual,
        below_smallest_step=load.below_smallest_step,
        deload=dose.deload.is_deload,
        reassessment_due=retest,
        sessions_per_week=template.sessions_per_week,
        needs_confirmation=confirm,
        reason=" ".join(parts),
        sources=tuple(dict.fromkeys(sources)),
        evidence=phase.evidence,
    )


def plan_prescriptions(plan: Plan, week: int) -> list[Prescription]:
    """Every exercise (and side) of a plan for one week, from the plan's baselines."""
    if not isinstance(plan, Plan):
        raise ValidationError("plan", "must be a plan")
    return [prescription_for(plan, week, item.baseline.one_rm_kg, item.exercise, side=item.side) for item in plan.items]
