"""Strength maths: MRC grades, 1RM estimation, trials, hand-held dynamometry and side-to-side symmetry.

Everything here is pure and checks its input: bad input raises ``ValidationError`` naming the field,
never another exception. Formulas and protocols are from the clinical reference, §1.1-§1.4.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehab.domain.errors import ValidationError
from rehab.domain.units import fmt, force_to_n, mass_to_kg, require_choice, require_number, torque_nm

# --- MRC / Oxford manual muscle testing -------------------------------------------------------------

MMT_GRADES: tuple[str, ...] = ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5-", "5")
"""MRC grades in order, weakest first (reference §1.1). Stored as an ordinal, never averaged."""

# Whole grades: Medical Research Council definitions (BMC Res Notes 2014 Table 1; World J Orthop 2017
# Table 10 [R60]). The +/- wording is the commonly taught modified scale, which the reference marks MEM
# (unverified; wording varies between Kendall and Daniels & Worthingham), so it is labelled as such.
_PLUS_MINUS = "more or less power than the whole grade, not enough to change the number (Action Duchenne [R60])"
MMT_DEFINITIONS: dict[str, tuple[str, str]] = {
    "0": ("No contraction / no movement observed", "primary"),
    "1": ("Flicker or trace of contraction (visible or palpable, no movement)", "primary"),
    "2-": (_PLUS_MINUS, "primary"),
    "2": ("Active movement with gravity eliminated", "primary"),
    "2+": (_PLUS_MINUS, "primary"),
    "3-": ("More than half but not full range against gravity (textbook wording varies)", "unverified"),
    "3": ("Active movement against gravity, not against examiner resistance", "primary"),
    "3+": ("Against gravity with minimal resistance / full range (textbook wording varies)", "unverified"),
    "4-": ("Against gravity with slight resistance (textbook wording varies)", "unverified"),
    "4": ("Active movement against gravity and (some) resistance", "primary"),
    "4+": ("Strong but less than normal resistance (textbook wording varies)", "unverified"),
    "5-": (_PLUS_MINUS, "primary"),
    "5": ("Normal power / contracts normally against full resistance", "primary"),
}

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\uff0b": "+"})


@dataclass(frozen=True, order=True)
class MmtGrade:
    """One MRC grade: its place in ``MMT_GRADES`` (what sorts and is stored) and its label."""

    ordinal: int
    label: str

    @property
    def definition(self) -> str:
        return MMT_DEFINITIONS[self.label][0]

    def __str__(self) -> str:
        return self.label


def parse_mmt_grade(value: object, field: str = "grade") -> MmtGrade:
    """An MRC grade from its label ("4+", "3 -", "4−") or a whole grade 0-5.

    Decimals such as 4.5 are refused: grades are ordinal, and a decimal would suggest an average.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        label = str(value)
    elif isinstance(value, str):
        label = value.translate(_DASHES).replace(" ", "").strip()
    else:
        raise ValidationError(field, f"must be an MRC grade: {', '.join(MMT_GRADES)}")
    if label not in MMT_GRADES:
        raise ValidationError(field, f"must be an MRC grade: {', '.join(MMT_GRADES)}")
    return MmtGrade(MMT_GRADES.index(label), label)


def mmt_grade(ordinal: object, field: str = "grade") -> MmtGrade:
    """The grade stored at an ordinal (0 = "0" ... 12 = "5")."""
    index = require_number(ordinal, field, minimum=0, maximum=len(MMT_GRADES) - 1, whole=True)
    return MmtGrade(int(index), MMT_GRADES[int(index)])


def compare_mmt(first: object, second: object) -> int:
    """-1 if the first grade is weaker, 0 if equal, 1 if stronger (labels or whole grades)."""
    a = parse_mmt_grade(first, "first")
    b = parse_mmt_grade(second, "second")
    return (a.ordinal > b.ordinal) - (a.ordinal < b.ordinal)


# --- 1RM estimation (reference §1.4, formulas as compiled in [R61]) -----------------------------------

MAX_REPS = 12
"""Reference §1.4 app rule: compute for 1-10 reps, warn for 11-12, refuse more than 12 (Reynolds 2006)."""
LOW_ACCURACY_REPS = (11, 12)


@dataclass(frozen=True)
class OneRmFormula:
    """A submaximal-set 1RM prediction equation and how the reference writes it."""

    key: str
    name: str
    expression: str
    compute: Callable[[float, int], float]
    source: str = "Starting Strength forum compilation, cross-checked with medicalalgorithms.com and RPubs [R61]"


FORMULAS: dict[str, OneRmFormula] = {
    f.key: f
    for f in (
        OneRmFormula("epley", "Epley", "w × (1 + r/30)", lambda w, r: w * (1 + r / 30)),
        OneRmFormula("brzycki", "Brzycki", "w × 36 / (37 − r)", lambda w, r: w * 36 / (37 - r)),
        OneRmFormula("lombardi", "Lombardi", "w × r^0.10", lambda w, r: w * r**0.10),
        OneRmFormula("oconner", "O'Conner et al.", "w × (1 + 0.025 × r)", lambda w, r: w * (1 + 0.025 * r)),
        OneRmFormula(
            "mayhew",
            "Mayhew et al.",
            "100 × w / (52.2 + 41.9 × e^(−0.055 × r))",
            lambda w, r: 100 * w / (52.2 + 41.9 * math.exp(-0.055 * r)),
        ),
        OneRmFormula(
            "wathan",
            "Wathan",
            "100 × w / (48.8 + 53.8 × e^(−0.075 × r))",
            lambda w, r: 100 * w / (48.8 + 53.8 * math.exp(-0.075 * r)),
        ),
        OneRmFormula(
            "lander",
            "Lander",
            "100 × w / (101.3 − 2.67123 × r)",
            lambda w, r: 100 * w / (101.3 - 2.67123 * r),
        ),
    )
}


def _formula(formula: object) -> OneRmFormula:
    if isinstance(formula, str):
        key = formula.strip().lower().replace("'", "").replace("’", "").replace(" ", "")
        if key in FORMULAS:
            return FORMULAS[key]
    raise ValidationError("formula", f"must be one of: {', '.join(FORMULAS)}")


def _reps(reps: object) -> int:
    count = require_number(reps, "reps", minimum=1, whole=True)
    if count > MAX_REPS:
        raise ValidationError(
            "reps",
            f"must be at most {MAX_REPS}: 1RM prediction is unreliable beyond that (Reynolds 2006 [R61]); "
            "use a heavier load for fewer repetitions",
        )
    return int(count)


def is_low_accuracy(reps: object) -> bool:
    """True for 11-12 repetitions, which the UI marks as a less accurate estimate (reference §1.4)."""
    return _reps(reps) in LOW_ACCURACY_REPS


@dataclass(frozen=True)
class OneRmEstimate:
    """An estimated 1RM with the formula used and why it can be trusted (or not)."""

    estimated_1rm_kg: float
    load_kg: float
    reps: int
    formula: str
    low_accuracy: bool
    reason: str


def estimate_1rm_with_reason(load_kg: object, reps: object, formula: object = "epley") -> OneRmEstimate:
    """Estimate a one-repetition maximum from a set taken to (near) failure, and say how.

    One repetition is the 1RM itself (Epley would otherwise predict more than the load, [R61]).
    """
    chosen = _formula(formula)
    load = require_number(load_kg, "load_kg", minimum=0.0, minimum_inclusive=False, unit="kg")
    count = _reps(reps)
    if count == 1:
        value = load
        how = f"1 repetition at {fmt(load)} kg is the 1RM itself"
    else:
        try:
            value = chosen.compute(load, count)
        except (OverflowError, ArithmeticError):
            raise ValidationError("load_kg", "is too large") from None
        how = f"{chosen.name}: {chosen.expression} with w = {fmt(load)} kg, r = {count} gives {fmt(value)} kg"
    if not math.isfinite(value):
        raise ValidationError("load_kg", "is too large")
    low = count in LOW_ACCURACY_REPS
    warning = (
        "; 11-12 repetitions: less accurate, prefer 10 or fewer (Reynolds 2006: at most 10 in linear "
        "equations; 5RM predicted best [R61])"
        if low
        else ""
    )
    return OneRmEstimate(value, load, count, chosen.key, low, how + warning)


def estimate_1rm(load_kg: object, reps: object, formula: object = "epley") -> float:
    """Estimated 1RM in kg from ``reps`` completed at ``load_kg`` (see ``estimate_1rm_with_reason``)."""
    return estimate_1rm_with_reason(load_kg, reps, formula).estimated_1rm_kg


@dataclass(frozen=True)
class OneRmResult:
    """A 1RM as recorded: tested directly, or estimated from a submaximal set (store which)."""

    value_kg: float
    method: Literal["tested", "estimated"]
    low_accuracy: bool
    reason: str
    formula: str | None = None
    load_kg: float | None = None
    reps: int | None = None


def one_rm_result(
    method: object,
    *,
    tested_kg: object = None,
    load_kg: object = None,
    reps: object = None,
    formula: object = "epley",
) -> OneRmResult:
    """Record a 1RM: ``method="tested"`` takes ``tested_kg``; ``"estimated"`` takes ``load_kg`` and ``reps``.

    Direct 1RM testing was used safely as the training anchor in chronic stroke trials (Lee 2010 [R6]).
    """
    chosen = require_choice(method, "method", ("tested", "estimated"))
    if chosen == "tested":
        for name, given in (("load_kg", load_kg), ("reps", reps)):
            if given is not None:
                raise ValidationError(name, "must be empty for a tested 1RM")
        value = require_number(tested_kg, "tested_kg", minimum=0.0, minimum_inclusive=False, unit="kg")
        return OneRmResult(value, "tested", False, f"1RM tested directly: {fmt(value)} kg")
    if tested_kg is not None:
        raise ValidationError("tested_kg", "must be empty for an estimated 1RM")
    est = estimate_1rm_with_reason(load_kg, reps, formula)
    return OneRmResult(
        est.estimated_1rm_kg, "estimated", est.low_accuracy, est.reason, est.formula, est.load_kg, est.reps
    )


# --- trials and symmetry ------------------------------------------------------------------------------

TrialRule = Literal["max", "mean"]


def aggregate_trials(values: object, rule: object = "max", *, minimum: float = 0.0, field: str = "trials") -> float:
    """One result from repeated trials: the best ("max") or the "mean", as the protocol says.

    HHD analyses the maximum (Kim 2014 [R59]); Mathiowetz grip norms use the mean of 3 trials [R58];
    functional reach averages the last 3 trials [R41]. Store which rule was used.
    """
    chosen = require_choice(rule, "rule", ("max", "mean"))
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ValidationError(field, "must be a list of trial values")
    if not values:
        raise ValidationError(field, "needs at least one trial")
    numbers = [require_number(v, f"trial {i}", minimum=minimum) for i, v in enumerate(values, start=1)]
    if chosen == "max":
        return max(numbers)
    # Divide first so the mean of very large readings cannot overflow (the mean is never above the max).
    return math.fsum(v / len(numbers) for v in numbers)


def symmetry_index(paretic: object, non_paretic: object) -> float:
    """The paretic side as a percentage of the non-paretic side (100 = equal; reference §1.2, §1.3)."""
    weak = require_number(paretic, "paretic", minimum=0.0)
    strong = require_number(non_paretic, "non_paretic", minimum=0.0, minimum_inclusive=False)
    result = weak / strong * 100.0
    if not math.isfinite(result):
        raise ValidationError("non_paretic", "is too small to compare with")
    return result


# --- hand-held dynamometry (reference §1.2) ------------------------------------------------------------

HHD_UNITS = ("N", "kgf", "lbf", "N.m")


@dataclass(frozen=True)
class HhdReading:
    """A dynamometer reading in SI: a force in N, or a torque in N·m when a lever arm was recorded."""

    value: float
    unit: Literal["N", "N.m"]
    reason: str


def hhd_to_si(value: object, unit: object = "N", lever_arm_m: object = None) -> HhdReading:
    """Convert a force entry (N, kgf or lbf) to newtons, or to N·m if the lever arm (m) is given.

    A reading already in N·m takes no lever arm: the device did the multiplication.
    """
    typed = unit.replace("·", ".") if isinstance(unit, str) else unit  # "N·m" as typed is "N.m"
    chosen = require_choice(typed, "unit", HHD_UNITS)
    if chosen == "N.m":
        if lever_arm_m is not None:
            raise ValidationError("lever_arm_m", "must be empty for a reading already in N·m")
        torque = require_number(value, "value", minimum=0.0, unit="N·m")
        return HhdReading(torque, "N.m", f"{fmt(torque)} N·m as read")
    force = force_to_n(value, chosen, "value")
    shown = f"{fmt(require_number(value, 'value'))} {chosen}"
    if lever_arm_m is None:
        return HhdReading(force, "N", f"{shown} = {fmt(force)} N")
    torque = torque_nm(force, lever_arm_m)
    arm = require_number(lever_arm_m, "lever_arm_m")  # torque_nm has already refused a bad lever arm
    return HhdReading(torque, "N.m", f"{shown} = {fmt(force)} N × lever arm {fmt(arm)} m = {fmt(torque)} N·m")


@dataclass(frozen=True)
class HhdResult:
    """A hand-held dynamometry test: trials aggregated by the stated rule, in SI, with its method."""

    value: float
    unit: Literal["N", "N.m"]
    method: Literal["make", "break"]
    rule: TrialRule
    trials_si: tuple[float, ...]
    reason: str


def hhd_result(
    trials: object,
    unit: object = "N",
    *,
    lever_arm_m: object = None,
    rule: object = "max",
    method: object = "make",
) -> HhdResult:
    """Aggregate HHD trials after converting each to SI; "make" tests are the usual protocol (MEM, §1.2)."""
    chosen_method: Literal["make", "break"] = require_choice(method, "method", ("make", "break"))
    chosen_rule: TrialRule = require_choice(rule, "rule", ("max", "mean"))
    if isinstance(trials, str | bytes) or not isinstance(trials, Sequence):
        raise ValidationError("trials", "must be a list of trial values")
    if not trials:
        raise ValidationError("trials", "needs at least one trial")
    readings = []
    for i, v in enumerate(trials, start=1):
        try:
            readings.append(hhd_to_si(v, unit, lever_arm_m))
        except ValidationError as err:
            if err.field == "value":
                raise ValidationError(f"trial {i}", err.message) from None
            raise
    si = tuple(r.value for r in readings)
    value = aggregate_trials(list(si), chosen_rule)
    out_unit = readings[0].unit
    shown = "N·m" if out_unit == "N.m" else "N"
    reason = (
        f"{chosen_method} test, {len(si)} trial(s) {', '.join(fmt(v) for v in si)} {shown}; "
        f"{chosen_rule} = {fmt(value)} {shown}"
    )
    return HhdResult(value, out_unit, chosen_method, chosen_rule, si, reason)


def grip_kg(trials: object, unit: object = "kg", rule: object = "mean") -> float:
    """Grip strength in kg from trials read in kg or lb; Mathiowetz norms use the mean of 3 trials [R58]."""
    if isinstance(trials, str | bytes) or not isinstance(trials, Sequence):
        raise ValidationError("trials", "must be a list of trial values")
    converted = [mass_to_kg(v, unit, f"trial {i}") for i, v in enumerate(trials, start=1)]
    return aggregate_trials(converted, rule)
