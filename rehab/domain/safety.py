"""Pre-session readiness screen: go, caution or stop, each with its reasons and their sources.

Thresholds come from the clinical reference §8.1–8.3 (upper limits) and §13.10 (lower limits: resting
heart rate, systolic pressure, SpO2, the orthostatic check and capillary glucose) and are configurable
(``ScreenThresholds``): a clinic adopts the source it prefers. A number §13.10/§13.15 marks UNVERIFIED
(the glucose range) is off until the clinic signs it off. Several come from cardiac / heart-failure exercise tables, not
stroke; the reasons say so. A "stop" means no exercise session today; a "caution" means exercise may go
ahead at the clinician's judgement but loads are not increased automatically (clinical reference §10:
never auto-progress when a pre-session safety rule fails).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.evidence import EvidenceLevel

Outcome = Literal["go", "caution", "stop"]

# Plausibility limits for data entry (catching typos such as 1200 for 120), not clinical thresholds.
SYSTOLIC_ENTRY_RANGE = (60.0, 300.0)
DIASTOLIC_ENTRY_RANGE = (30.0, 200.0)
HEART_RATE_ENTRY_RANGE = (20.0, 250.0)
SPO2_ENTRY_RANGE = (50.0, 100.0)
GLUCOSE_ENTRY_RANGE = (1.0, 40.0)  # mmol/L

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
SOURCE_HR_LOW_AVERT = (
    "Resting heart rate < 40 bpm excluded from mobilisation (AVERT phase III eligibility, very early "
    "mobilisation ≤ 24 h after stroke [R22]; clinical reference §13.10) — trial eligibility, whether re-checked "
    "before every session is unverified"
)
SOURCE_SBP_LOW_90 = (
    "Systolic pressure < 90 mmHg, absolute hypotension (clinical summaries, secondary [R99]; clinical "
    "reference §13.10) — a resting lower limit outside the acute window is not verified (§13.15)"
)
SOURCE_SBP_LOW_AVERT = (
    "Systolic pressure < 110 mmHg excluded from mobilisation (AVERT phase III eligibility, ≤ 24 h after stroke "
    "[R22]; clinical reference §13.10) — outside the acute window UNVERIFIED, adopted by the clinic"
)
SOURCE_SPO2_90 = (
    "SpO2 to be kept > 90 % during mobilisation (ICU teaching material and consensus, secondary, not stroke "
    "[R101]; clinical reference §13.10)"
)
SOURCE_SPO2_AVERT = (
    "SpO2 < 92 % (with supplementation) excluded from mobilisation (AVERT phase III eligibility, ≤ 24 h after "
    "stroke [R22]; clinical reference §13.10)"
)
SOURCE_ORTHOSTATIC = (
    "Orthostatic hypotension: a sustained fall of ≥ 20 mmHg systolic or ≥ 10 mmHg diastolic within 3 min of "
    "standing (consensus definition, Freeman 2011, as quoted [R99]; clinical reference §13.10)"
)
SOURCE_ORTHOSTATIC_STOP = (
    "Orthostatic drop > 20 mmHg with symptoms: absolute contraindication (heart-failure table PMC10847087; "
    "BMJ Open table [R20]; clinical reference §8.1)"
)
SOURCE_ORTHOSTATIC_SYMPTOMS = (
    "Symptoms on standing without a measured drop: caution (design choice; re-measure, clinical reference §13.10)"
)
SOURCE_GLUCOSE = (
    "Capillary glucose 3.5–20 mmol/L 'favourable' for mobilisation (ICU-physiotherapy teaching cards, secondary, "
    "not stroke [R101]; no AVERT value found — UNVERIFIED, clinical reference §13.10, §13.15 item 14); applied "
    "only because the clinic signed it off"
)
SOURCE_REPEAT = (
    "Repeat after rest: the reference's rules say to recheck a reading after rest (clinical reference §8.1; §13.10: "
    "measure lying or sitting after rest, then within 3 min of standing) but give no rest duration, and §13.15 lists "
    "none either. The minimum rest is the clinic's own setting (0: none set); both readings are kept with their times "
    "and the session is decided by the repeat"
)
MAX_REST_SETTING_MINUTES = 60  # a plausibility limit for the setting, not a clinical figure
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
    # Lower limits (clinical reference §13.10). A reading below the limit stops the session.
    stop_heart_rate_below: float = 40.0  # AVERT III eligibility [R22]
    stop_systolic_below: float = 90.0  # absolute hypotension, 2° [R99]; AVERT's 110 is the clinic's alternative
    stop_spo2_below: float = 90.0  # 2°, not stroke [R101]; AVERT III uses 92 % [R22]
    orthostatic_systolic_drop: float = 20.0  # consensus definition [R99]
    orthostatic_diastolic_drop: float = 10.0  # consensus definition [R99]
    glucose_check_on: bool = False  # UNVERIFIED [R101]: off until the clinic signs it off
    stop_glucose_below: float = 3.5  # mmol/L, 2° ICU teaching cards [R101]
    stop_glucose_above: float = 20.0  # mmol/L, 2° ICU teaching cards [R101]
    # Repeat after rest: the reference gives no rest duration, so 0 means the clinic has set no minimum.
    repeat_min_rest_minutes: int = 0

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
        low_hr = _checks.number(
            "stop_heart_rate_below", self.stop_heart_rate_below, minimum=hr_low, maximum=hr_high, unit="bpm"
        )
        if low_hr >= caution_hr:
            raise ValidationError(
                "stop_heart_rate_below",
                f"must be below the resting heart-rate caution threshold ({caution_hr:g} bpm)",
            )
        low_sbp = _checks.number(
            "stop_systolic_below", self.stop_systolic_below, minimum=sbp_low, maximum=sbp_high, unit="mmHg"
        )
        if low_sbp >= caution_sbp:
            raise ValidationError(
                "stop_systolic_below", f"must be below the systolic caution threshold ({caution_sbp:g} mmHg)"
            )
        _checks.number(
            "stop_spo2_below", self.stop_spo2_below, minimum=SPO2_ENTRY_RANGE[0], maximum=SPO2_ENTRY_RANGE[1], unit="%"
        )
        _checks.number(
            "orthostatic_systolic_drop",
            self.orthostatic_systolic_drop,
            minimum=0.0,
            maximum=100.0,
            above_minimum=True,
            unit="mmHg",
        )
        _checks.number(
            "orthostatic_diastolic_drop",
            self.orthostatic_diastolic_drop,
            minimum=0.0,
            maximum=60.0,
            above_minimum=True,
            unit="mmHg",
        )
        _checks.flag("glucose_check_on", self.glucose_check_on)
        glucose_low = _checks.number(
            "stop_glucose_below",
            self.stop_glucose_below,
            minimum=GLUCOSE_ENTRY_RANGE[0],
            maximum=GLUCOSE_ENTRY_RANGE[1],
            unit="mmol/L",
        )
        glucose_high = _checks.number(
            "stop_glucose_above",
            self.stop_glucose_above,
            minimum=GLUCOSE_ENTRY_RANGE[0],
            maximum=GLUCOSE_ENTRY_RANGE[1],
            unit="mmol/L",
        )
        if glucose_low >= glucose_high:
            raise ValidationError(
                "stop_glucose_below", f"must be below the upper glucose limit ({glucose_high:g} mmol/L)"
            )
        _checks.whole_number(
            "repeat_min_rest_minutes", self.repeat_min_rest_minutes, minimum=0, maximum=MAX_REST_SETTING_MINUTES
        )


DEFAULT_THRESHOLDS = ScreenThresholds()

# Where each threshold's default comes from, for the settings page (the reasons name the source in force).
THRESHOLD_SOURCES: dict[str, str] = {
    "stop_systolic_at_or_above": SOURCE_BP_TRAINING,
    "stop_diastolic_at_or_above": SOURCE_BP_TRAINING,
    "caution_systolic_above": SOURCE_BP_RESISTANCE,
    "caution_diastolic_above": SOURCE_BP_RESISTANCE,
    "stop_heart_rate_above": SOURCE_HR_STOP,
    "caution_heart_rate_at_or_above": SOURCE_HR_CAUTION,
    "stop_pain_above": SOURCE_PAIN,
    "caution_pain_above": SOURCE_PAIN,
    "stop_heart_rate_below": SOURCE_HR_LOW_AVERT,
    "stop_systolic_below": SOURCE_SBP_LOW_90 + ". Alternative: 110 mmHg, " + SOURCE_SBP_LOW_AVERT,
    "stop_spo2_below": SOURCE_SPO2_90 + ". Alternative: 92 %, " + SOURCE_SPO2_AVERT,
    "orthostatic_systolic_drop": SOURCE_ORTHOSTATIC
    + "; a 30 mmHg fall is more appropriate with supine hypertension [R99]. With symptoms, a systolic fall above "
    "this value stops: " + SOURCE_ORTHOSTATIC_STOP,
    "orthostatic_diastolic_drop": SOURCE_ORTHOSTATIC,
    "glucose_check_on": SOURCE_GLUCOSE.replace("; applied only because the clinic signed it off", "")
    + ". Off until the clinic signs it off.",
    "stop_glucose_below": SOURCE_GLUCOSE.replace("; applied only because the clinic signed it off", ""),
    "stop_glucose_above": SOURCE_GLUCOSE.replace("; applied only because the clinic signed it off", ""),
    "repeat_min_rest_minutes": SOURCE_REPEAT + ". 0 is not a figure from any source: it means no minimum is set.",
}


_READINGS: dict[str, tuple[tuple[float, float], str]] = {
    "systolic_mmhg": (SYSTOLIC_ENTRY_RANGE, "mmHg"),
    "diastolic_mmhg": (DIASTOLIC_ENTRY_RANGE, "mmHg"),
    "resting_heart_rate_bpm": (HEART_RATE_ENTRY_RANGE, "bpm"),
    "spo2_percent": (SPO2_ENTRY_RANGE, "%"),
    "standing_systolic_mmhg": (SYSTOLIC_ENTRY_RANGE, "mmHg"),
    "standing_diastolic_mmhg": (DIASTOLIC_ENTRY_RANGE, "mmHg"),
    "glucose_mmol_l": (GLUCOSE_ENTRY_RANGE, "mmol/L"),
}
_ANSWERS = (
    "new_neuro_symptoms",
    "chest_pain",
    "unwell_or_fever",
    "orthostatic_symptoms",
    "pain_unsettled_next_morning",
)


def reading(field: str, value: object) -> float:
    """One screen reading checked on its own: a number within the range an entry can plausibly hold."""
    (low, high), unit = _READINGS[field]
    return _checks.number(field, value, minimum=low, maximum=high, unit=unit)


def reading_errors(values: Mapping[str, object]) -> list[ValidationError]:
    """Every reading and answer given (None: not given) checked on its own, all problems at once, so a form can
    show each beside its field before the checks across fields (diastolic below systolic) are made."""
    errors: list[ValidationError] = []
    for name, value in values.items():
        if value is None:
            continue
        try:
            if name in _READINGS:
                reading(name, value)
            elif name == "pain_now":
                _checks.whole_number(name, value, minimum=0, maximum=10)
            elif name in _ANSWERS:
                _checks.flag(name, value)
        except ValidationError as exc:
            errors.append(exc)
    return errors


@dataclass(frozen=True)
class ReadinessAnswers:
    """What is checked before exercising: resting BP and heart rate, pain now (0–10) and three questions;
    optionally SpO2, the standing pressure within 3 min of standing with any symptoms, and capillary glucose."""

    systolic_mmhg: float
    diastolic_mmhg: float
    resting_heart_rate_bpm: float
    pain_now: int
    new_neuro_symptoms: bool
    chest_pain: bool
    unwell_or_fever: bool
    spo2_percent: float | None = None
    standing_systolic_mmhg: float | None = None
    standing_diastolic_mmhg: float | None = None
    orthostatic_symptoms: bool | None = None
    glucose_mmol_l: float | None = None
    pain_unsettled_next_morning: bool | None = None
    """Pain that rose after the last session had not settled by the next morning (None: not asked)."""

    def __post_init__(self) -> None:
        systolic = reading("systolic_mmhg", self.systolic_mmhg)
        diastolic = reading("diastolic_mmhg", self.diastolic_mmhg)
        if diastolic >= systolic:
            raise ValidationError("diastolic_mmhg", "must be below the systolic pressure; check the entry")
        reading("resting_heart_rate_bpm", self.resting_heart_rate_bpm)
        _checks.whole_number("pain_now", self.pain_now, minimum=0, maximum=10)
        _checks.flag("new_neuro_symptoms", self.new_neuro_symptoms)
        _checks.flag("chest_pain", self.chest_pain)
        _checks.flag("unwell_or_fever", self.unwell_or_fever)
        if self.pain_unsettled_next_morning is not None:
            _checks.flag("pain_unsettled_next_morning", self.pain_unsettled_next_morning)
        if self.spo2_percent is not None:
            reading("spo2_percent", self.spo2_percent)
        standing = (self.standing_systolic_mmhg, self.standing_diastolic_mmhg)
        if standing[0] is None and standing[1] is not None:
            raise ValidationError("standing_systolic_mmhg", "is needed with the standing diastolic pressure")
        if standing[1] is None and standing[0] is not None:
            raise ValidationError("standing_diastolic_mmhg", "is needed with the standing systolic pressure")
        if standing[0] is not None:
            up_sbp = reading("standing_systolic_mmhg", standing[0])
            up_dbp = reading("standing_diastolic_mmhg", standing[1])
            if up_dbp >= up_sbp:
                raise ValidationError("standing_diastolic_mmhg", "must be below the standing systolic pressure")
            if self.orthostatic_symptoms is None:
                raise ValidationError("orthostatic_symptoms", "must be answered when the standing pressure is taken")
        if self.orthostatic_symptoms is not None:
            _checks.flag("orthostatic_symptoms", self.orthostatic_symptoms)
        if self.glucose_mmol_l is not None:
            reading("glucose_mmol_l", self.glucose_mmol_l)


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


def _clinic_value(what: str, value: float, unit: str, reference: str) -> tuple[str, EvidenceLevel]:
    return (
        f"Clinic's own {what} of {_fmt(value)} {unit} (Clinic settings); the reference gives {reference}",
        EvidenceLevel.DESIGN_CHOICE,
    )


def heart_rate_low_source(limit: float) -> tuple[str, EvidenceLevel]:
    """The source of the resting heart-rate lower limit in force, by its value."""
    if limit == 40.0:
        return SOURCE_HR_LOW_AVERT, EvidenceLevel.GUIDELINE
    return _clinic_value("heart-rate lower limit", limit, "bpm", "< 40 bpm (AVERT III [R22], §13.10)")


def systolic_low_source(limit: float) -> tuple[str, EvidenceLevel]:
    """The source of the systolic lower limit in force: < 90 (2°) by default, AVERT's < 110 as the alternative."""
    if limit == 90.0:
        return SOURCE_SBP_LOW_90, EvidenceLevel.SECONDARY
    if limit == 110.0:
        return SOURCE_SBP_LOW_AVERT, EvidenceLevel.GUIDELINE
    return _clinic_value(
        "systolic lower limit", limit, "mmHg", "< 90 mmHg (2° [R99]) or AVERT's < 110 mmHg (≤ 24 h [R22]), §13.10"
    )


def spo2_low_source(limit: float) -> tuple[str, EvidenceLevel]:
    """The source of the SpO2 lower limit in force."""
    if limit == 90.0:
        return SOURCE_SPO2_90, EvidenceLevel.SECONDARY
    if limit == 92.0:
        return SOURCE_SPO2_AVERT, EvidenceLevel.GUIDELINE
    return _clinic_value("SpO2 lower limit", limit, "%", "< 90 % (2° [R101]) or AVERT's < 92 % ([R22]), §13.10")


def _lower_limits(answers: ReadinessAnswers, limits: ScreenThresholds) -> list[ScreenReason]:
    """Lower limits before exercise (clinical reference §13.10): heart rate, systolic pressure, SpO2,
    the orthostatic check and, when the clinic has signed it off, capillary glucose."""
    found: list[ScreenReason] = []
    hr = answers.resting_heart_rate_bpm
    if hr < limits.stop_heart_rate_below:
        source, level = heart_rate_low_source(limits.stop_heart_rate_below)
        found.append(
            ScreenReason(
                "heart_rate_low",
                "stop",
                f"Resting heart rate lower limit: {_fmt(hr)} bpm is below {_fmt(limits.stop_heart_rate_below)} bpm: "
                "no exercise today; recheck after rest and review (rhythm, medication).",
                source,
                level,
            )
        )
    sbp = answers.systolic_mmhg
    if sbp < limits.stop_systolic_below:
        source, level = systolic_low_source(limits.stop_systolic_below)
        found.append(
            ScreenReason(
                "systolic_low",
                "stop",
                f"Systolic lower limit: resting systolic {_fmt(sbp)} mmHg is below "
                f"{_fmt(limits.stop_systolic_below)} mmHg: no exercise today; recheck lying down after rest "
                "and review.",
                source,
                level,
            )
        )
    spo2 = answers.spo2_percent
    if spo2 is not None and spo2 < limits.stop_spo2_below:
        source, level = spo2_low_source(limits.stop_spo2_below)
        found.append(
            ScreenReason(
                "spo2_low",
                "stop",
                f"SpO2 lower limit: {_fmt(spo2)} % is below {_fmt(limits.stop_spo2_below)} %: no exercise today; "
                "recheck the probe and review.",
                source,
                level,
            )
        )
    if answers.standing_systolic_mmhg is not None and answers.standing_diastolic_mmhg is not None:
        sbp_drop = sbp - answers.standing_systolic_mmhg
        dbp_drop = answers.diastolic_mmhg - answers.standing_diastolic_mmhg
        drop = (
            f"resting {_fmt(sbp)}/{_fmt(answers.diastolic_mmhg)} → standing "
            f"{_fmt(answers.standing_systolic_mmhg)}/{_fmt(answers.standing_diastolic_mmhg)} mmHg "
            f"(a fall of {_fmt(sbp_drop)}/{_fmt(dbp_drop)} mmHg)"
        )
        orthostatic = sbp_drop >= limits.orthostatic_systolic_drop or dbp_drop >= limits.orthostatic_diastolic_drop
        if answers.orthostatic_symptoms and sbp_drop > limits.orthostatic_systolic_drop:
            found.append(
                ScreenReason(
                    "orthostatic",
                    "stop",
                    f"Orthostatic drop with symptoms: {drop}, more than "
                    f"{_fmt(limits.orthostatic_systolic_drop)} mmHg systolic: no exercise today; lie the patient "
                    "down and review.",
                    SOURCE_ORTHOSTATIC_STOP,
                    EvidenceLevel.GUIDELINE,
                )
            )
        elif orthostatic:
            found.append(
                ScreenReason(
                    "orthostatic",
                    "caution",
                    f"Orthostatic hypotension: {drop}, at least {_fmt(limits.orthostatic_systolic_drop)} systolic or "
                    f"{_fmt(limits.orthostatic_diastolic_drop)} diastolic: exercise seated or supported at the "
                    "clinician's judgement; no load increase today.",
                    SOURCE_ORTHOSTATIC,
                    EvidenceLevel.SECONDARY,
                )
            )
        elif answers.orthostatic_symptoms:
            found.append(
                ScreenReason(
                    "orthostatic",
                    "caution",
                    f"Symptoms on standing: {drop}, below the orthostatic limits: re-measure after rest; "
                    "no load increase today.",
                    SOURCE_ORTHOSTATIC_SYMPTOMS,
                    EvidenceLevel.DESIGN_CHOICE,
                )
            )
    elif answers.orthostatic_symptoms:
        found.append(
            ScreenReason(
                "orthostatic",
                "caution",
                "Symptoms on standing, standing pressure not taken: measure lying or sitting, then within 3 min of "
                "standing; no load increase today.",
                SOURCE_ORTHOSTATIC_SYMPTOMS,
                EvidenceLevel.DESIGN_CHOICE,
            )
        )
    glucose = answers.glucose_mmol_l
    out_of_range = glucose is not None and not (limits.stop_glucose_below <= glucose <= limits.stop_glucose_above)
    if glucose is not None and limits.glucose_check_on and out_of_range:
        side = "below" if glucose < limits.stop_glucose_below else "above"
        bound = limits.stop_glucose_below if side == "below" else limits.stop_glucose_above
        found.append(
            ScreenReason(
                "glucose",
                "stop",
                f"Capillary glucose limits: {_fmt(glucose)} mmol/L is {side} {_fmt(bound)} mmol/L: no exercise "
                "today; treat and recheck per the diabetes plan.",
                SOURCE_GLUCOSE,
                EvidenceLevel.UNVERIFIED,
            )
        )
    return found


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
    found.extend(_lower_limits(answers, limits))
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
    if answers.pain_unsettled_next_morning:
        found.append(
            ScreenReason(
                "pain_next_morning",
                "caution",
                "Pain that rose after the last session had not settled by the next morning: the session may go "
                "ahead within the pain limits, but the load is held (no increase today).",
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
    extra = ""
    if answers.spo2_percent is not None:
        extra += f", SpO2 {_fmt(answers.spo2_percent)} %"
    if answers.standing_systolic_mmhg is not None and answers.standing_diastolic_mmhg is not None:
        extra += (
            f", standing {_fmt(answers.standing_systolic_mmhg)}/{_fmt(answers.standing_diastolic_mmhg)} mmHg"
            " without orthostatic hypotension"
        )
    if answers.glucose_mmol_l is not None:
        extra += f", glucose {_fmt(answers.glucose_mmol_l)} mmol/L" + (
            "" if limits.glucose_check_on else " (recorded; no glucose limit applied until the clinic signs one off)"
        )
    return ScreenResult(
        "go",
        [
            ScreenReason(
                "all",
                "go",
                f"All checks within limits: blood pressure {bp}, heart rate {_fmt(hr)} bpm{extra}, "
                f"pain {pain}/10, no chest "
                "pain, no new neurological symptoms, not unwell.",
                "Thresholds as configured from the clinical reference §8.1–8.3 and §13.10",
                EvidenceLevel.DESIGN_CHOICE,
            )
        ],
    )


# --- repeat after rest ----------------------------------------------------------------------------------------

# Findings on a reading that can settle with rest and be measured again: resting blood pressure and heart rate
# (upper and lower limits), SpO2 (also a probe that slipped) and the orthostatic check. Chest pain, new
# neurological symptoms, feeling unwell, pain, next-morning pain and glucose do not settle with a few minutes'
# rest: a screen stopped by one of them is not repeated.
SETTLES_WITH_REST = frozenset(
    {"blood_pressure", "heart_rate", "heart_rate_low", "systolic_low", "spo2_low", "orthostatic"}
)
# The readings a repeat measures again; the other answers (pain, the questions, glucose) are the first screen's.
REMEASURED_FIELDS = (
    "systolic_mmhg",
    "diastolic_mmhg",
    "resting_heart_rate_bpm",
    "spo2_percent",
    "standing_systolic_mmhg",
    "standing_diastolic_mmhg",
    "orthostatic_symptoms",
)


def repeat_offered(result: ScreenResult) -> bool:
    """Whether the screen may be repeated after rest: a caution or a stop found on a reading that can settle.

    Never when a finding asks for escalation, when any stop finding cannot settle with rest, or when no finding
    is on a re-measurable reading (re-measuring the blood pressure cannot change a caution for pain).
    """
    if result.outcome == "go" or result.escalate:
        return False
    if any(r.check not in SETTLES_WITH_REST for r in result.reasons if r.outcome == "stop"):
        return False
    return any(r.check in SETTLES_WITH_REST for r in result.reasons)


@dataclass(frozen=True)
class RepeatResult:
    """The repeat's answers (re-measured readings, the first screen's other answers), its verdict, and the rest
    between the two readings in whole minutes. The session is decided by ``result``; the first screen is kept."""

    answers: ReadinessAnswers
    result: ScreenResult
    rest_minutes: int


def repeat_after_rest(
    first: ReadinessAnswers,
    first_result: ScreenResult,
    readings: Mapping[str, object],
    thresholds: ScreenThresholds,
    *,
    first_at: datetime,
    repeat_at: datetime,
) -> RepeatResult:
    """Screen again with the readings measured after rest (``REMEASURED_FIELDS``); the first stays as it was.

    Refused when the first screen offers no repeat (``repeat_offered``), when the repeat is not later than the
    first, or when less time has passed than the clinic's minimum rest (``repeat_min_rest_minutes``; the
    reference gives no figure, so 0, no minimum, unless the clinic sets one).
    """
    if not repeat_offered(first_result):
        raise ValidationError(
            "repeat",
            "this screen cannot be repeated: only a caution, or a stop on a reading that can settle with rest "
            "(blood pressure, heart rate, SpO2, the standing pressure), is re-measured",
        )
    unknown = sorted(set(readings) - set(REMEASURED_FIELDS))
    if unknown:
        raise ValidationError(unknown[0], "is not re-measured after rest; it is kept from the first screen")
    for name in REMEASURED_FIELDS:
        if getattr(first, name) is not None and readings.get(name) is None:
            # a finding must not be lifted by leaving its reading blank
            raise ValidationError(name, "was measured at the first screen: measure it again after rest")
    if repeat_at <= first_at:
        raise ValidationError("repeat", "must be taken after the first reading")
    rest = int((repeat_at - first_at).total_seconds() // 60)
    minimum = thresholds.repeat_min_rest_minutes
    if rest < minimum:
        raise ValidationError(
            "repeat",
            f"the clinic asks for at least {minimum} min of rest before re-measuring; {rest} min have passed since "
            "the first reading",
        )
    measured: dict[str, Any] = {name: readings.get(name) for name in REMEASURED_FIELDS}  # checked by the class
    answers = replace(first, **measured)
    return RepeatResult(answers, screen_readiness(answers, thresholds), rest)
