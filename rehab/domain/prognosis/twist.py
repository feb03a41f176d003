"""TWIST (Smith, Barber & Stinear 2017, NNR 31(10–11):955–964): when a patient will walk independently.

The algorithm as the clinical reference gives it (§13.8, [R93]), at 1 week after the stroke:

- Trunk Control Test > 40 (that is, 48 or more: the only totals are sums of 0/12/25) → independent walking
  by 6 weeks;
- otherwise hip extension of the paretic leg MRC ≥ 3 → independent walking by 12 weeks;
- otherwise → not independent by 12 weeks.

"At 1 week": the development study assessed at 1–2 weeks [R93], so results of days 7–14 after the stroke are
used and others refused. The TWIST tool (Smith 2022 [R94]) is not computed: its point weights and its
probability table are not confirmed in the reference (§13.15 item 12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from rehab.domain.strength import MMT_GRADES

R93 = "Smith, Barber & Stinear 2017, NNR 31(10–11):955–964 (TWIST) [R93]"
R94 = "Smith et al. 2022, NNR 36(7):461–471 (TWIST tool) [R94]"
R95 = "TWIST external validation: Harte et al. 2024, Age Ageing; Japan, NNR 2026 [R95]"

WINDOW_DAYS = (7, 14)
TCT_ABOVE = 40
HIP_EXTENSION_AT_LEAST = "3"


class TwistCategory(StrEnum):
    BY_6_WEEKS = "by_6_weeks"
    BY_12_WEEKS = "by_12_weeks"
    NOT_BY_12_WEEKS = "not_by_12_weeks"


LABELS = {
    TwistCategory.BY_6_WEEKS: "Walking independently by 6 weeks",
    TwistCategory.BY_12_WEEKS: "Walking independently by 12 weeks",
    TwistCategory.NOT_BY_12_WEEKS: "Not walking independently by 12 weeks",
}

# The reference gives no published plain-language text for TWIST's categories: a neutral sentence, marked so.
_YOURS = "The prediction for your results is "
NEUTRAL_PATIENT_TEXT = {
    TwistCategory.BY_6_WEEKS: _YOURS + "walking on your own by about 6 weeks after the stroke.",
    TwistCategory.BY_12_WEEKS: _YOURS + "walking on your own by about 12 weeks after the stroke.",
    TwistCategory.NOT_BY_12_WEEKS: _YOURS + "needing help to walk beyond 12 weeks after the stroke.",
}
NEUTRAL_NOTE = "(There is no published plain-language wording for TWIST; this is a neutral summary.)"

ACCURACY = (
    Finding("Correct for 95 % in the development study (41 adults with new leg weakness, median age 72).", R93),
    Finding(
        "External validation (Ireland, 61 patients, assessed within 3 days): 88.5 % correct at 6 weeks, 87.0 % at "
        "12 weeks, 83.6 % overall (95 % CI 71.9–91.9); AUC 0.88 and 0.70.",
        R95,
    ),
)
CAVEATS = (
    Finding(
        "Independent walking means FAC 4 or more; that the 2017 study used FAC ≥ 4 is believed but not confirmed "
        "in the reference (§13.15 item 11).",
        R94,
    ),
    Finding(
        "The development study was small (41 patients); TMS and MRI did not add to the prediction.",
        R93,
    ),
    Finding(
        "The later TWIST tool (age, knee extension, Berg Balance Scale; probabilities at 4–26 weeks) is not "
        "computed here: its point weights and probability table are not confirmed in the reference (§13.15 "
        "item 12). In a Japanese validation it over-predicted walking at all time points.",
        R94 + "; " + R95,
    ),
)
_POPULATION = "adults with new leg weakness after stroke, assessed at 1–2 weeks (Smith 2017 [R93])"


@dataclass(frozen=True)
class TwistInputs:
    """Trunk Control Test totals and paretic hip-extension MRC grades (labels), with their dates; for the TWIST
    tool (only once signed off) the age at the stroke, paretic knee-extension grades and Berg totals."""

    stroke: bool
    event_date: date | None
    trunk_control: Sequence[Dated[float]] = ()
    hip_extension: Sequence[Dated[str]] = ()
    paretic_side_known: bool = True
    age_at_stroke: int | None = None
    knee_extension: Sequence[Dated[str]] = ()
    berg: Sequence[Dated[float]] = ()
    signed_off: frozenset[str] = field(default_factory=frozenset)


# Sign-off id: the TWIST tool's point weights are believed, not confirmed (§13.15 item 12).
TOOL_WEIGHTS_SETTING = "twist_tool.weights"
# UNVERIFIED weights (the compiler's belief; they sum to the verified maximum of 4 [R95]): age < 80 = 1, knee
# extension MRC >= 3 = 1, Berg 6-15 = 1, Berg >= 16 = 2. Used only once a clinic signs them off.
TOOL_AGE_UNDER = 80
TOOL_KNEE_AT_LEAST = "3"
TOOL_BERG_BANDS = ((16, 2), (6, 1), (0, 0))  # (lowest Berg of the band, points), highest band first


def twist(inputs: TwistInputs) -> Prediction:
    """TWIST's category with its path, or the refusals naming what is missing or out of window; with the TWIST
    tool's score when the clinic has signed its weights off."""
    prediction = _twist_2017(inputs)
    if TOOL_WEIGHTS_SETTING not in inputs.signed_off or inputs.event_date is None or not inputs.stroke:
        return prediction
    return replace(prediction, also=(tool_score(inputs, inputs.event_date),))


def tool_score(inputs: TwistInputs, event: date) -> Finding:
    """The TWIST tool score (0–4) at 1 week with its parts, or which part is missing; never a probability."""
    knee = in_window(inputs.knee_extension, event, *WINDOW_DAYS)
    berg = in_window(inputs.berg, event, *WINDOW_DAYS)
    missing = [
        name
        for name, found in (
            ("age at the stroke", inputs.age_at_stroke is not None),
            ("knee extension MRC of the paretic leg (days 7–14)", bool(knee)),
            ("Berg Balance Scale (days 7–14)", bool(berg)),
        )
        if not found
    ]
    if missing:
        return Finding(f"TWIST tool score not computed: {', '.join(missing)} missing.", R94)
    assert inputs.age_at_stroke is not None
    age_points = int(inputs.age_at_stroke < TOOL_AGE_UNDER)
    knee_points = int(MMT_GRADES.index(knee[-1].value) >= MMT_GRADES.index(TOOL_KNEE_AT_LEAST))
    berg_points = next(points for lowest, points in TOOL_BERG_BANDS if berg[-1].value >= lowest)
    total = age_points + knee_points + berg_points
    return Finding(
        f"TWIST tool score {total} of 4: age {inputs.age_at_stroke} ({age_points}), knee extension MRC "
        f"{knee[-1].value} on day {day_after(event, knee[-1].on)} ({knee_points}), Berg {berg[-1].value:g} on day "
        f"{day_after(event, berg[-1].on)} ({berg_points}). Point weights signed off by the clinic, not confirmed in "
        "the reference (§13.15 item 12); the probability of walking by 4–26 weeks for each score was not found, "
        "so none is shown. Accuracy 83 % or more at every time point in the development study.",
        R94,
    )


def _twist_2017(inputs: TwistInputs) -> Prediction:
    refusals: list[Refusal] = []
    if not inputs.stroke:
        refusals.append(Refusal("condition", "TWIST was developed after stroke only; not applied to this condition."))
    if inputs.event_date is None:
        refusals.append(Refusal("date of stroke", "the date of the stroke is not recorded, so no week can be counted."))
    if not inputs.paretic_side_known:
        refusals.append(Refusal("paretic side", "the patient record names no single paretic side (left or right)."))
    if refusals or inputs.event_date is None:
        return _refused(refusals)
    event = inputs.event_date
    tct = in_window(inputs.trunk_control, event, *WINDOW_DAYS)
    if not tct:
        reason = _missing("Trunk Control Test", inputs.trunk_control, event)
        return _refused([Refusal("Trunk Control Test (days 7–14)", reason)])
    total = tct[-1]
    day = day_after(event, total.on)
    if total.value > TCT_ABOVE:
        path = [_f(f"Trunk Control Test {total.value:g} on day {day}: over 40.")]
        return _given(TwistCategory.BY_6_WEEKS, path)
    path = [_f(f"Trunk Control Test {total.value:g} on day {day}: 40 or under, so hip extension decides.")]
    hips = in_window(inputs.hip_extension, event, *WINDOW_DAYS)
    if not hips:
        reason = _missing("Hip extension MRC grade of the paretic leg", inputs.hip_extension, event)
        return _refused([Refusal("Hip extension MRC (days 7–14)", reason)])
    hip = hips[-1]
    hip_day = day_after(event, hip.on)
    if MMT_GRADES.index(hip.value) >= MMT_GRADES.index(HIP_EXTENSION_AT_LEAST):
        path.append(_f(f"Hip extension MRC {hip.value} on day {hip_day}: 3 or more."))
        return _given(TwistCategory.BY_12_WEEKS, path)
    path.append(_f(f"Hip extension MRC {hip.value} on day {hip_day}: under 3."))
    return _given(TwistCategory.NOT_BY_12_WEEKS, path)


def _missing(what: str, results: Sequence[Dated[object]], event: date) -> str:
    text = f"{what} is needed from days 7–14 after the stroke (TWIST is applied at 1 week [R93])."
    late = outside(results, event, *WINDOW_DAYS)
    if late:
        text += f" Results on {days_text(late, event)} are outside that window and are not used."
    return text


def _f(text: str) -> Finding:
    return Finding(text, R93)


def _given(category: TwistCategory, path: list[Finding]) -> Prediction:
    return Prediction(Tool.TWIST, category, LABELS[category], tuple(path), ACCURACY, CAVEATS, population=_POPULATION)


def _refused(refusals: list[Refusal]) -> Prediction:
    return Prediction(Tool.TWIST, None, "No prediction", (), ACCURACY, CAVEATS, tuple(refusals), population=_POPULATION)


def patient_text(category: TwistCategory) -> tuple[str, bool]:
    """The plain-language sentence for a patient; never the published wording (the reference has none)."""
    return f"{NEUTRAL_PATIENT_TEXT[category]} {NEUTRAL_NOTE}", False
