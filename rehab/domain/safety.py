"""Pre-session readiness screen: go, caution or stop, each with its reasons and their sources.

Thresholds come from the clinical reference §8.1–8.3 and are configurable (``ScreenThresholds``):
a clinic adopts the source it prefers. Several come from cardiac / heart-failure exercise tables, not
stroke; the reasons say so. A "stop" means no exercise session today; a "caution" means exercise may go
ahead at the clinician's judgement but loads are not increased automatically (clinical reference §10:
never auto-progress when a pre-session safety rule fails).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.evidence import EvidenceLevel

Outcome = Literal["go", "caution", "stop"]

# Plausibility limits for data entry (catching typos such as 1200 for 120), not clinical thresholds.
SYSTOLIC_ENTRY_RANGE = (60.0, 300.0)
DIASTOLIC_ENTRY_RANGE = (30.0, 200.0)
HEART_RATE_ENTRY_RANGE = (20.0, 250.0)

SOURCE_BP_TRAINING = (
    "Uncontrolled hypertension ≥ 180/110 mmHg, absolute contraindication to exercise training "
    "(heart-failure table PMC10847087 [R20]; IBPC 2024 > 180/110 [R19]) — cardiac context, not stroke"
)
SOURCE_BP_RESISTANCE = (
    "> 160/100 mmHg, relative contraindication to resistance training (IBPC 2024 table, attributed to "
    "AHA-style lists; Williams 2007 AHA statement [R19])"
)
SOURCE_HR_STOP = (
    "Uncontrolled sinus tachycardia > 120 bpm, absolute contraindication (heart failure, PMC10847087 [R20])"
)
SOURCE_HR_CAUTION = "Resting heart rate ≥ 100 bpm, relative contraindication (heart failure, PMC10847087 [R20])"
SOURCE_CHEST_PAIN = "Angina or angina-like symptoms: stop (ACSM indications for stopping [R18])"
SOURCE_NEURO = (
    "New or worsening focal neurological symptoms: stop and escalate (design choice, clinical reference §8.2)"
)
SOURCE_UNWELL = "Acute systemic illness or fever (> 38 °C): contraindication (ACSM [R18]; BMJ Open table [R20])"
SOURCE_PAIN = (
    "Pain-monitoring model (Silbernagel 2007; zones ≤ 3 safe, 4–5 acceptable, > 5 unacceptable) [R17] — "
    "validated in tendinopathy, not stroke"
)


@dataclass(frozen=True)
class ScreenThresholds:
    """Cut-offs the screen applies; defaults from the clinical reference §8.1–8.3, each with its source."""

    stop_systolic_at_or_above: float = 180.0  # [R19], [R20] training, absolute
    stop_diastolic_at_or_above: float = 110.0  # [R19], [R20] training, absolute
    caution_systolic_above: float = 160.0  # [R19] resistance training, relative
    caution_diastolic_above: float = 100.0  # [R19] resistance training, relative
    stop_heart_rate_above: float = 120.0  # [R20] absolute (heart failure)
    caution_heart_rate_at_or_above: float = 100.0  # [R20] relative (heart failure)
    stop_pain_above: int = 5  # [R17] > 5 unacceptable
    caution_pain_above: int = 3  # [R17] 4–5 acceptable, so train with caution

    def __post_init__(self) -> None:
        sbp_low, sbp_high = SYSTOLIC_ENTRY_RANGE
        dbp_low, dbp_high = DIASTOLIC_ENTRY_RANGE
        hr_low, hr_high = HEART_RATE_ENTRY_RANGE
        stop_sbp = _checks.number(
            "stop_systolic_at_or_above", self.stop_systolic_at_or_above, minimum=sbp_low, maximum=sbp_high
        )
        caution_sbp = _checks.number(
            "caution_systolic_above", self.caution_systolic_above, minimum=sbp_low, maximum=sbp_high
        )
        stop_dbp = _checks.number(
            "stop_diastolic_at_or_above", self.stop_diastolic_at_or_above, minimum=dbp_low, maximum=dbp_high
        )
        caution_dbp = _checks.number(
            "caution_diastolic_above", self.caution_diastolic_above, minimum=dbp_low, maximum=dbp_high
        )
        stop_hr = _checks.number("stop_heart_rate_above", self.stop_heart_rate_above, minimum=hr_low, maximum=hr_high)
        caution_hr = _checks.number(
            "caution_heart_rate_at_or_above",
            self.caution_heart_rate_at_or_above,
            minimum=hr_low,
            maximum=hr_high,
        )
        stop_pain = _checks.whole_number("stop_pain_above", self.stop_pain_above, minimum=0, maximum=10)
        caution_pain = _checks.whole_number("caution_pain_above", self.caution_pain_above, minimum=0, maximum=10)
        if caution_sbp >= stop_sbp:
            raise ValidationError("caution_systolic_above", "must be below the systolic stop threshold")
        if caution_dbp >= stop_dbp:
            raise ValidationError("caution_diastolic_above", "must be below the diastolic stop threshold")
        if caution_hr > stop_hr:
            raise ValidationError("caution_heart_rate_at_or_above", "must not be above the heart-rate stop threshold")
        if caution_pain > stop_pain:
            raise ValidationError("caution_pain_above", "must not be above the pain stop threshold")


DEFAULT_THRESHOLDS = ScreenThresholds()


@dataclass(frozen=True)
class ReadinessAnswers:
    """What is checked before exercising: resting BP and heart rate, pain now (0–10) and three questions."""

    systolic_mmhg: float
    diastolic_mmhg: float
    resting_heart_rate_bpm: float
    pain_now: int
    new_neuro_symptoms: bool
    chest_pain: bool
    unwell_or_fever: bool

    def __post_init__(self) -> None:
        systolic = _checks.number(
            "systolic_mmhg",
            self.systolic_mmhg,
            minimum=SYSTOLIC_ENTRY_RANGE[0],
            maximum=SYSTOLIC_ENTRY_RANGE[1],
            unit="mmHg",
        )
        diastolic = _checks.number(
            "diastolic_mmhg",
            self.diastolic_mmhg,
            minimum=DIASTOLIC_ENTRY_RANGE[0],
            maximum=DIASTOLIC_ENTRY_RANGE[1],
            unit="mmHg",
        )
        if diastolic >= systolic:
            raise ValidationError("diastolic_mmhg", "must be below the systolic pressure; check the entry")
        _checks.number(
            "resting_heart_rate_bpm",
            self.resting_heart_rate_bpm,
            minimum=HEART_RATE_ENTRY_RANGE[0],
            maximum=HEART_RATE_ENTRY_RANGE[1],
            unit="bpm",
        )
        _checks.whole_number("pain_now", self.pain_now, minimum=0, maximum=10)
        _checks.flag("new_neuro_symptoms", self.new_neuro_symptoms)
        _checks.flag("chest_pain", self.chest_pain)
        _checks.flag("unwell_or_fever", self.unwell_or_fever)


@dataclass(frozen=True)
class ScreenReason:
    """One finding: which check, what it means, the threshold's source and how firm that source is."""

    check: str
    outcome: Outcome
    text: str
    source: str
    evidence: EvidenceLevel
    escalate: bool = False


@dataclass(frozen=True)
class ScreenResult:
    """The screen's verdict and every reason behind it (stop reasons first)."""

    outcome: Outcome
    reasons: list[ScreenReason] = field(default_factory=list)

    @property
    def permits_session(self) -> bool:
        """True unless the screen says stop."""
        return self.outcome != "stop"

    @property
    def permits_load_increase(self) -> bool:
        """Only a clear 'go' lets the progression engine increase a load (pass as ``screen_ok``)."""
        return self.outcome == "go"

    @property
    def escalate(self) -> bool:
        """True when a finding needs a medical review, not just a rest day."""
        return any(reason.escalate for reason in self.reasons)


def _fmt(value: float) -> str:
    return f"{value:g}"


def screen_readiness(answers: ReadinessAnswers, thresholds: ScreenThresholds | None = None) -> ScreenResult:
    """Apply the thresholds to the answers: any stop finding → stop; else any caution → caution; else go."""
    if not isinstance(answers, ReadinessAnswers):
        raise ValidationError("answers", "must be the readiness answers")
    limits = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    if not isinstance(limits, ScreenThresholds):
        raise ValidationError("thresholds", "must be ScreenThresholds")
    found: list[ScreenReason] = []
    sbp, dbp = answers.systolic_mmhg, answers.diastolic_mmhg
    bp = f"{_fmt(sbp)}/{_fmt(dbp)} mmHg"
    if sbp >= limits.stop_systolic_at_or_above or dbp >= limits.stop_diastolic_at_or_above:
        found.append(
            ScreenReason(
                "blood_pressure",
                "stop",
                f"Resting blood pressure {bp} is at or above {_fmt(limits.stop_systolic_at_or_above)}/"
                f"{_fmt(limits.stop_diastolic_at_or_above)} mmHg: no exercise today; "
                "recheck after rest and review "
                "blood-pressure control.",
                SOURCE_BP_TRAINING,
                EvidenceLevel.GUIDELINE,
            )
        )
    elif sbp > limits.caution_systolic_above or dbp > limits.caution_diastolic_above:
        found.append(
            ScreenReason(
                "blood_pressure",
                "caution",
                f"Resting blood pressure {bp} is above {_fmt(limits.caution_systolic_above)}/"
                f"{_fmt(limits.caution_diastolic_above)} mmHg, a relative "
                "contraindication to resistance training: "
                "clinician to decide; no load increase today.",
                SOURCE_BP_RESISTANCE,
                EvidenceLevel.SECONDARY,
            )
        )
    hr = answers.resting_heart_rate_bpm
    if hr > limits.stop_heart_rate_above:
        found.append(
            ScreenReason(
                "heart_rate",
                "stop",
                f"Resting heart rate {_fmt(hr)} bpm is above "
                f"{_fmt(limits.stop_heart_rate_above)} bpm: no exercise "
                "today.",
                SOURCE_HR_STOP,
                EvidenceLevel.GUIDELINE,
            )
        )
    elif hr >= limits.caution_heart_rate_at_or_above:
        found.append(
            ScreenReason(
                "heart_rate",
                "caution",
                f"Resting heart rate {_fmt(hr)} bpm is "
                f"{_fmt(limits.caution_heart_rate_at_or_above)} bpm or more: "
                "clinician to decide; no load increase today.",
                SOURCE_HR_CAUTION,
                EvidenceLevel.GUIDELINE,
            )
        )
    if answers.chest_pain:
        found.append(
            ScreenReason(
                "chest_pain",
                "stop",
                "Chest pain now: no exercise; seek medical review.",
                SOURCE_CHEST_PAIN,
                EvidenceLevel.SECONDARY,
                escalate=True,
            )
        )
    if answers.new_neuro_symptoms:
        found.append(
            ScreenReason(
                "new_neuro_symptoms",
                "stop",
                "New or worsening neurological symptoms: no exercise; escalate now for medical review.",
                SOURCE_NEURO,
                EvidenceLevel.DESIGN_CHOICE,
                escalate=True,
            )
        )
    if answers.unwell_or_fever:
        found.append(
            ScreenReason(
                "unwell_or_fever",
                "stop",
                "Feeling unwell, acute illness or fever: no exercise today.",
                SOURCE_UNWELL,
                EvidenceLevel.GUIDELINE,
            )
        )
    pain = answers.pain_now
    if pain > limits.stop_pain_above:
        found.append(
            ScreenReason(
                "pain",
                "stop",
                f"Pain now {pain}/10 is above {limits.stop_pain_above}/10 (unacceptable "
                "zone): no exercise for the "
                "painful area today. Model from tendinopathy; post-stroke shoulder and central pain need the "
                "clinician's own rule.",
                SOURCE_PAIN,
                EvidenceLevel.SECONDARY,
            )
        )
    elif pain > limits.caution_pain_above:
        found.append(
            ScreenReason(
                "pain",
                "caution",
                f"Pain now {pain}/10 is in the acceptable zone ({limits.caution_pain_above + 1}–"
                f"{limits.stop_pain_above}/10): exercise may go ahead if pain stays at or below "
                f"{limits.stop_pain_above}/10 and settles by the next morning; no load increase today.",
                SOURCE_PAIN,
                EvidenceLevel.SECONDARY,
            )
        )
    stops = [reason for reason in found if reason.outcome == "stop"]
    cautions = [reason for reason in found if reason.outcome == "caution"]
    if stops:
        return ScreenResult("stop", stops + cautions)
    if cautions:
        return ScreenResult("caution", cautions)
    return ScreenResult(
        "go",
        [
            ScreenReason(
                "all",
                "go",
                f"All checks within limits: blood pressure {bp}, heart rate {_fmt(hr)} bpm, "
                f"pain {pain}/10, no chest "
                "pain, no new neurological symptoms, not unwell.",
                "Thresholds as configured from the clinical reference §8.1–8.3",
                EvidenceLevel.DESIGN_CHOICE,
            )
        ],
    )
