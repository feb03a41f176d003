"""PREP2 (Stinear et al. 2017, Ann Clin Transl Neurol 4(11):811–820): upper-limb function at 3 months.

The decision tree as the developers' training site gives it (clinical reference §13.7, [R88]):

- SAFE = MRC shoulder abduction + MRC finger extension of the paretic arm (whole grades 0–5, no +/−), 0–10,
  measured each day from day 0 (the day of the stroke) until a prediction can be given or day 3.
- SAFE ≥ 5 within days 0–3: age < 80 → Excellent; age ≥ 80 → Excellent if SAFE ≥ 8 (the newest SAFE of
  days 0–3; the reference writes "SAFE_day3"), else Good.
- SAFE < 5 on day 3: upper-limb MEP by TMS on days 3–7. MEP+ → Good; MEP− → NIHSS on day 3: < 7 → Limited,
  ≥ 7 → Poor. Without TMS there is no valid prediction (design rule: do not guess).

Results outside these windows are refused, not used: PREP2 applied at 2 weeks was correct for only 60 %
(Lundquist 2021 [R91]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from rehab.domain.prognosis.common import (
    Dated,
    Finding,
    Prediction,
    Refusal,
    Tool,
    day_after,
    days_text,
    in_window,
    outside,
)

R88 = "PREP2 developers' training site and FAQ [R88]"
R89 = "Stinear et al. 2017, Ann Clin Transl Neurol 4(11):811–820 [R89]"
R90 = "NNR 2019;33(8):635–642 (PREP2 at 2 years) [R90]"
R91 = "Lundquist, Nielsen, Arguissain & Brunner 2021, NNR 35(1):68–78 [R91]"
R92 = "Millot et al. 2024, NNR 38(10):764–774 [R92]"

PARETIC_SIDE_NEEDED = "the patient record names no single paretic side (left or right), so no arm can be graded."
SAFE_DAYS = (0, 3)
NIHSS_DAY = 3
MEP_DAYS = (3, 7)
SAFE_STEP_ONE = 5
SAFE_EXCELLENT_OVER_80 = 8
AGE_LIMIT = 80
NIHSS_LIMIT = 7
WHOLE_GRADES = ("0", "1", "2", "3", "4", "5")

# Sign-off id: the ARAT range of each category is believed but not confirmed (§13.15 item 10).
ARAT_BANDS_SETTING = "prep2.arat_bands"


class Prep2Category(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    LIMITED = "limited"
    POOR = "poor"


LABELS = {
    Prep2Category.EXCELLENT: "Excellent",
    Prep2Category.GOOD: "Good",
    Prep2Category.LIMITED: "Limited",
    Prep2Category.POOR: "Poor",
}

# The compiler's believed 3-month ARAT ranges (UNVERIFIED, §13.7 and §13.15 item 10): shown only once a
# clinic signs them off.
UNVERIFIED_ARAT_BANDS = {
    Prep2Category.EXCELLENT: (51, 57),
    Prep2Category.GOOD: (34, 50),
    Prep2Category.LIMITED: (13, 33),
    Prep2Category.POOR: (0, 12),
}

# The developers' wording for patients, as the reference gives it [R88]. None for Poor: the reference has
# no published plain-language text for it, so a neutral sentence is used and says so.
PATIENT_WORDING: dict[Prep2Category, str | None] = {
    Prep2Category.EXCELLENT: 'The PREP2 developers\' aim for this category: "promote normal function".',
    Prep2Category.GOOD: 'The PREP2 developers\' aim for this category: "promote function".',
    Prep2Category.LIMITED: (
        "The PREP2 developers describe this category as some movement and possibly grasp; fine hand "
        "skills are unlikely."
    ),
    Prep2Category.POOR: None,
}
NEUTRAL_PATIENT_TEXT = (
    "Your therapist will talk with you about what this means for your arm and your therapy. (There is no "
    "published plain-language wording for this category; this is a neutral summary.)"
)

ACCURACY = (
    Finding("Correct for 75 % in the development study (207 patients recruited within 3 days).", R89),
    Finding(
        "Correct for 75 % at 3 months in the validation cohort; for 80 % (69/86) at 2 years, and the category "
        "stayed the same from 3 months to 2 years for 83 %.",
        R90,
    ),
    Finding("Correct for 78 % (95 % CI 71.2–86.1) in 143 non-selected patients; best for the extreme categories.", R92),
)
CAVEATS = (
    Finding(
        "Applied at 2 weeks instead of within days 3–7, PREP2 was correct for only 60 % (95 % CI 50–71); the "
        "authors judged it unsuited to use at 2 weeks. This tool refuses results taken outside its windows.",
        R91,
    ),
    Finding("Developed in adults after stroke (median age 72, range 18–98); not validated for other conditions.", R89),
)


@dataclass(frozen=True)
class Prep2Inputs:
    """Recorded results with their dates. MRC grades are labels (``"3"``, ``"4+"``) on the paretic arm."""

    stroke: bool
    event_date: date | None
    age_at_stroke: int | None
    shoulder_abduction: Sequence[Dated[str]] = ()
    finger_extension: Sequence[Dated[str]] = ()
    nihss: Sequence[Dated[int]] = ()
    mep_positive: Sequence[Dated[bool]] = ()
    signed_off: frozenset[str] = field(default_factory=frozenset)
    paretic_side_known: bool = True


def prep2(inputs: Prep2Inputs) -> Prediction:
    """PREP2's category with its path, or the refusals naming what is missing or out of window."""
    refusals = _preconditions(inputs)
    if refusals:
        return _refused(refusals, inputs)
    assert inputs.event_date is not None and inputs.age_at_stroke is not None  # checked above
    event, age = inputs.event_date, inputs.age_at_stroke
    safes, refusals = _safe_scores(inputs, event)
    if not safes:
        return _refused(refusals, inputs)
    path: list[Finding] = []
    first_five = next((s for s in safes if s.value >= SAFE_STEP_ONE), None)
    if first_five is not None:
        path.append(_f(f"SAFE {first_five.value} on day {day_after(event, first_five.on)}: 5 or more within days 0–3."))
        if age < AGE_LIMIT:
            path.append(_f(f"Age {age}: under 80."))
            return _given(Prep2Category.EXCELLENT, path, inputs)
        newest = safes[-1]
        path.append(_f(f"Age {age}: 80 or over."))
        if newest.value >= SAFE_EXCELLENT_OVER_80:
            path.append(_f(f"SAFE {newest.value} on day {day_after(event, newest.on)}: 8 or more."))
            return _given(Prep2Category.EXCELLENT, path, inputs)
        path.append(_f(f"SAFE {newest.value} on day {day_after(event, newest.on)}: under 8."))
        return _given(Prep2Category.GOOD, path, inputs)
    newest = safes[-1]
    if day_after(event, newest.on) != SAFE_DAYS[1]:
        reason = (
            f"SAFE is {newest.value} (under 5) on day {day_after(event, newest.on)}; SAFE must be measured again "
            "on day 3 before the second step [R88]."
        )
        return _refused([*refusals, Refusal("SAFE on day 3", reason)], inputs)
    path.append(_f(f"SAFE {newest.value} on day 3: under 5, so the second step (TMS) is needed."))
    return _second_step(inputs, event, path, refusals)


def _second_step(inputs: Prep2Inputs, event: date, path: list[Finding], refusals: list[Refusal]) -> Prediction:
    meps = in_window(inputs.mep_positive, event, *MEP_DAYS)
    if not meps:
        late = outside(inputs.mep_positive, event, *MEP_DAYS)
        where = f" (recorded on {days_text(late, event)}, outside days 3–7)" if late else ""
        reason = (
            f"MEP status by TMS on days 3–7 is not recorded{where}. With SAFE under 5 and no TMS, PREP2 gives no "
            "valid prediction [R88]."
        )
        return _refused([*refusals, Refusal("MEP status (TMS, days 3–7)", reason)], inputs)
    mep = meps[-1]
    if mep.value:
        path.append(_f(f"MEP present (MEP+) on day {day_after(event, mep.on)}."))
        return _given(Prep2Category.GOOD, path, inputs)
    path.append(_f(f"No MEP (MEP−) on day {day_after(event, mep.on)}."))
    nihss = in_window(inputs.nihss, event, NIHSS_DAY, NIHSS_DAY)
    if not nihss:
        other = outside(inputs.nihss, event, NIHSS_DAY, NIHSS_DAY)
        where = f" (recorded on {days_text(other, event)}, not day 3)" if other else ""
        reason = f"NIHSS on day 3 is not recorded{where}; with no MEP, PREP2 needs it [R88]."
        return _refused([*refusals, Refusal("NIHSS on day 3", reason)], inputs)
    score = nihss[-1].value
    if score < NIHSS_LIMIT:
        path.append(_f(f"NIHSS {score} on day 3: under 7."))
        return _given(Prep2Category.LIMITED, path, inputs)
    path.append(_f(f"NIHSS {score} on day 3: 7 or more."))
    return _given(Prep2Category.POOR, path, inputs)


def _preconditions(inputs: Prep2Inputs) -> list[Refusal]:
    out: list[Refusal] = []
    if not inputs.stroke:
        out.append(Refusal("condition", "PREP2 was developed after stroke only; it is not applied to this condition."))
    if inputs.event_date is None:
        out.append(Refusal("date of stroke", "the date of the stroke is not recorded, so no day can be counted."))
    if inputs.age_at_stroke is None:
        out.append(Refusal("age", "the age at the stroke is not known."))
    if not inputs.paretic_side_known:
        out.append(Refusal("paretic side", PARETIC_SIDE_NEEDED))
    return out


def _safe_scores(inputs: Prep2Inputs, event: date) -> tuple[list[Dated[int]], list[Refusal]]:
    """SAFE per day of days 0–3 on which both grades were recorded, oldest first, and what was refused."""
    refusals: list[Refusal] = []
    shoulder = {r.on: r.value for r in in_window(inputs.shoulder_abduction, event, *SAFE_DAYS)}
    fingers = {r.on: r.value for r in in_window(inputs.finger_extension, event, *SAFE_DAYS)}
    safes: list[Dated[int]] = []
    for day in sorted(shoulder.keys() & fingers.keys()):
        grades = (shoulder[day], fingers[day])
        if any(g not in WHOLE_GRADES for g in grades):
            refusals.append(
                Refusal(
                    f"SAFE on day {day_after(event, day)}",
                    f"graded {grades[0]} and {grades[1]}: SAFE uses whole MRC grades, without + or − [R88].",
                )
            )
            continue
        safes.append(Dated(int(grades[0]) + int(grades[1]), day))
    if not safes:
        refusals.append(Refusal("SAFE (days 0–3)", _missing_safe(inputs, event)))
    return safes, refusals


def _missing_safe(inputs: Prep2Inputs, event: date) -> str:
    late = outside([*inputs.shoulder_abduction, *inputs.finger_extension], event, *SAFE_DAYS)
    text = (
        "needs MRC shoulder abduction and finger extension of the paretic arm graded on the same day, days 0–3 "
        "after the stroke [R88]."
    )
    if late:
        text += f" Grades recorded on {days_text(late, event)} are outside that window and are not used [R91]."
    return text


def _f(text: str) -> Finding:
    return Finding(text, R88)


def _caveats(inputs: Prep2Inputs) -> tuple[Finding, ...]:
    if ARAT_BANDS_SETTING in inputs.signed_off:
        bands = "; ".join(f"{LABELS[c]} ARAT {lo}–{hi}" for c, (lo, hi) in UNVERIFIED_ARAT_BANDS.items())
        arat = Finding(
            f"Categories are defined by the ARAT at 3 months [R90]: {bands} (ranges signed off by the clinic; "
            "not confirmed in the reference, §13.15 item 10).",
            R90,
        )
    else:
        arat = Finding(
            "Categories are defined by the ARAT at 3 months; the ARAT range of each category is not confirmed in "
            "the reference (§13.15 item 10), so none is shown until the clinic signs it off.",
            R90,
        )
    return (*CAVEATS, arat)


def _given(category: Prep2Category, path: list[Finding], inputs: Prep2Inputs) -> Prediction:
    return Prediction(
        Tool.PREP2, category, LABELS[category], tuple(path), ACCURACY, _caveats(inputs), population=_POPULATION
    )


def _refused(refusals: list[Refusal], inputs: Prep2Inputs) -> Prediction:
    return Prediction(
        Tool.PREP2, None, "No prediction", (), ACCURACY, _caveats(inputs), tuple(refusals), population=_POPULATION
    )


def patient_text(category: Prep2Category) -> tuple[str, bool]:
    """The plain-language sentence for a patient, and whether it is the developers' published wording."""
    wording = PATIENT_WORDING[category]
    return (wording, True) if wording is not None else (NEUTRAL_PATIENT_TEXT, False)


_POPULATION = "adults after stroke, first assessed within 3 days (Stinear 2017 [R89])"
