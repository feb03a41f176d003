"""Rehabilitation goals: a measure's target by a date (SMART), or a Goal Attainment Scale; how each is judged.

- **GAS** (Kiresuk & Sherman 1968; Turner-Stokes 2009, Clin Rehabil 23:362–370, with its erratum; clinical
  reference §13.9 [R96]): five described levels −2…+2, 0 = the expected outcome; a baseline of −1 when the
  patient has some ability related to the goal, −2 when none. The T-score over a patient's goals is
  ``50 + 10·Σwx / √((1−ρ)·Σw² + ρ·(Σw)²)`` with ρ = 0.3; 50 means goals achieved as expected. Weights
  (importance × difficulty) are marked UNVERIFIED in the reference, so they apply only when a clinic turns
  them on; otherwise every weight is 1. A goal without a follow-up rating is never imputed: the score is
  reported incomplete.
- **A measure target**: a catalogued measure, the value to reach and the date. It is *at risk* when the
  trend of at least three results since the goal was set, projected to the target date, falls short of the
  target by more than the measure's MDC for this patient's population: a shortfall within the MDC could be
  measurement error, so it is not called at risk. Where the population has no MDC the verdict is not made,
  and says so. This rule is this product's definition (the reference gives none); its reason is stated with
  every verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rehab.domain.errors import ValidationError, ValidationErrors

SOURCE_GAS = "Goal Attainment Scaling, Kiresuk & Sherman 1968; Turner-Stokes 2009 with erratum [R96]"
GAS_RHO = 0.3  # assumed inter-goal correlation (Kiresuk & Sherman, via the Turner-Stokes erratum [R96])
GAS_LEVELS: Mapping[int, str] = {
    2: "much more than expected",
    1: "somewhat more than expected",
    0: "expected level of outcome (the goal)",
    -1: "somewhat less than expected",
    -2: "much less than expected",
}
MIN_RESULTS_FOR_TREND = 3
TREND_RULE = (
    "At risk when the trend of the last results (at least 3 since the goal was set, least-squares line) "
    "reaches the target date short of the target by more than the MDC for this patient's population; a "
    "shortfall within the MDC may be measurement error (this product's rule)."
)
MAX_TEXT = 500


class GoalKind(StrEnum):
    MEASURE = "measure"
    GAS = "gas"


class GoalStatus(StrEnum):
    """Where a goal stands; the values are the ones stored."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    DISCONTINUED = "discontinued"
    AMENDED = "amended"  # replaced by a corrected version, still readable
    ENTERED_IN_ERROR = "entered_in_error"


CURRENT = frozenset({GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DISCONTINUED})


def _text(field: str, raw: object, what: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(field, f"Describe {what}.")
    if len(raw) > MAX_TEXT:
        raise ValidationError(field, f"Keep it to {MAX_TEXT} characters (this is {len(raw)}).")
    return raw


@dataclass(frozen=True)
class GasScale:
    """The five described levels of one goal, its baseline and (optional) importance and difficulty."""

    levels: Mapping[int, str]
    baseline: int
    importance: int | None = None
    difficulty: int | None = None

    @staticmethod
    def parse(levels: Mapping[int, object], baseline: object, importance: object, difficulty: object) -> GasScale:
        """Every level described, baseline −1 or −2, importance and difficulty 0–3 when given; all errors at once."""
        errors: list[ValidationError] = []
        described: dict[int, str] = {}
        for level in GAS_LEVELS:
            try:
                described[level] = _text(f"level_{level}", levels.get(level), f"what level {level:+d} looks like")
            except ValidationError as err:
                errors.append(err)
        if not (isinstance(baseline, int) and not isinstance(baseline, bool) and baseline in (-1, -2)):
            baseline = 0
            errors.append(
                ValidationError("baseline", "The baseline is −1 (some ability related to the goal) or −2 (none).")
            )
        scores: dict[str, int | None] = {}
        for name, raw in (("importance", importance), ("difficulty", difficulty)):
            if raw is None:
                scores[name] = None
            elif isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 3:
                scores[name] = raw
            else:
                errors.append(ValidationError(name, f"{name.title()} is a whole number from 0 to 3."))
        if errors:
            raise ValidationErrors(errors)
        return GasScale(described, baseline, scores["importance"], scores["difficulty"])


def check_rating(raw: object) -> int:
    """A follow-up rating is one of the five levels, as typed; nothing is rounded."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in GAS_LEVELS:
        return raw
    raise ValidationError("rating", "Rate the goal −2, −1, 0, +1 or +2.")


@dataclass(frozen=True)
class TScore:
    """The GAS T-score over a set of goals, or why there is none."""

    value: float | None
    goals: int
    unrated: int
    weighted: bool
    reason: str


def gas_t_score(rated: Sequence[tuple[int, float]], *, rho: float = GAS_RHO) -> float:
    """T = 50 + 10·Σ(w·x) / √((1−ρ)·Σw² + ρ·(Σw)²) over (rating x, weight w) pairs; zero weights drop a goal."""
    used = [(x, w) for x, w in rated if w != 0]
    if not used:
        raise ValidationError("goals", "No goal with a weight above 0 to score.")
    for x, w in used:
        if x not in GAS_LEVELS or w < 0 or not math.isfinite(w):
            raise ValidationError("goals", "Ratings are −2…+2 and weights 0 or more.")
    total_w = sum(w for _, w in used)
    spread = math.sqrt((1 - rho) * sum(w * w for _, w in used) + rho * total_w * total_w)
    return 50 + 10 * sum(w * x for x, w in used) / spread


def weight(scale: GasScale, *, weights_on: bool) -> float:
    """Importance × difficulty when the clinic has turned weights on (UNVERIFIED rule [R96]), else 1."""
    if not weights_on or scale.importance is None or scale.difficulty is None:
        return 1.0
    return float(scale.importance * scale.difficulty)


def t_score(ratings: Sequence[tuple[GasScale, int | None]], *, weights_on: bool = False) -> TScore:
    """The T-score of a review: every goal must be rated; a missing rating is reported, never imputed."""
    unrated = sum(1 for _, r in ratings if r is None)
    if not ratings:
        return TScore(None, 0, 0, weights_on, "No goal attainment scales set.")
    if unrated:
        return TScore(None, len(ratings), unrated, weights_on, f"Incomplete: {unrated} goal(s) not rated yet.")
    pairs = [(int(r), weight(scale, weights_on=weights_on)) for scale, r in ratings if r is not None]
    try:
        value = gas_t_score(pairs)
    except ValidationError as err:
        return TScore(None, len(ratings), 0, weights_on, err.message)
    basis = "importance × difficulty weights (clinic setting)" if weights_on else "unweighted"
    return TScore(round(value, 1), len(ratings), 0, weights_on, f"T = {value:.1f}, {basis}; 50 = as expected.")


@dataclass(frozen=True)
class Trend:
    """Whether a measure target is at risk (None: not judged) and why, with the projection it used."""

    at_risk: bool | None
    reason: str
    projected: float | None = None


def _fit(points: Sequence[tuple[date, float]]) -> tuple[float, float]:
    """Least-squares line (value at day 0 of the first point, change per day)."""
    start = points[0][0]
    xs = [(d - start).days for d, _ in points]
    ys = [v for _, v in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - slope * mean_x, slope


def target_trend(
    results: Sequence[tuple[date, float]],
    *,
    target: float,
    target_date: date,
    set_on: date,
    higher_is_better: bool,
    mdc: float | None,
    today: date,
) -> Trend:
    """Judge a measure target from the results taken since the goal was set (see the module's rule)."""
    since = sorted((d, v) for d, v in results if d >= set_on)
    reached = since and (since[-1][1] >= target if higher_is_better else since[-1][1] <= target)
    if reached:
        return Trend(False, "Reached: the latest result meets the target.", since[-1][1])
    if today > target_date:
        return Trend(True, f"The target date {target_date.isoformat()} has passed without reaching the target.")
    if len(since) < MIN_RESULTS_FOR_TREND:
        return Trend(None, f"Not judged: {len(since)} result(s) since the goal was set; the rule needs 3.")
    if mdc is None:
        return Trend(
            None, "Not judged: no MDC for this patient's population, so a shortfall cannot be told from error."
        )
    intercept, slope = _fit(since)
    projected = intercept + slope * (target_date - since[0][0]).days
    shortfall = (target - projected) if higher_is_better else (projected - target)
    if shortfall > mdc:
        return Trend(
            True,
            f"At risk: the trend reaches {projected:.1f} by {target_date.isoformat()}, {shortfall:.1f} short of the "
            f"target, more than the MDC ({mdc:g}).",
            projected,
        )
    return Trend(
        False,
        f"On track: the trend reaches {projected:.1f} by {target_date.isoformat()}"
        + (f", within the MDC ({mdc:g}) of the target." if shortfall > 0 else ", at or beyond the target."),
        projected,
    )
