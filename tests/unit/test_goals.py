"""Goals: the GAS T-score against the worked examples of the clinical reference §13.9 (Kiresuk & Sherman
1968; Turner-Stokes 2009 erratum [R96]), and the at-risk rule for measure targets worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.goals import GAS_LEVELS, GasScale, check_rating, gas_t_score, t_score, target_trend

# §13.9 "Worked examples, 3 unweighted goals": all 0 → 50.0; all −1 → 36.3; all −2 → 22.6; all +1 → 63.7;
# all +2 → 77.4; (−1, 0, 0) → 45.4; weights (3, 1, 2) with (+1, 0, −1) → 52.2.
# By hand for all −1: Σwx = −3; √(0.7·3 + 0.3·9) = √4.8 = 2.1909; 50 − 30/2.1909 = 36.31.
# Weighted: Σwx = 3 − 2 = 1; √(0.7·14 + 0.3·36) = √20.6 = 4.5387; 50 + 10/4.5387 = 52.20.
WORKED = [
    ([(0, 1), (0, 1), (0, 1)], 50.0),
    ([(-1, 1), (-1, 1), (-1, 1)], 36.3),
    ([(-2, 1), (-2, 1), (-2, 1)], 22.6),
    ([(1, 1), (1, 1), (1, 1)], 63.7),
    ([(2, 1), (2, 1), (2, 1)], 77.4),
    ([(-1, 1), (0, 1), (0, 1)], 45.4),
    ([(1, 3), (0, 1), (-1, 2)], 52.2),
]


@pytest.mark.parametrize(("rated", "expected"), WORKED)
def test_t_score_matches_the_references_worked_examples(rated, expected) -> None:  # type: ignore[no-untyped-def]
    assert round(gas_t_score(rated), 1) == expected


def test_zero_weights_drop_a_goal_and_all_zero_is_refused() -> None:
    assert round(gas_t_score([(1, 0), (0, 1), (0, 1)]), 1) == round(gas_t_score([(0, 1), (0, 1)]), 1) == 50.0
    with pytest.raises(ValidationErrors):
        gas_t_score([(1, 0), (2, 0)])


def _scale(importance: int | None = None, difficulty: int | None = None) -> GasScale:
    return GasScale({level: f"level {level}" for level in GAS_LEVELS}, -1, importance, difficulty)


def test_a_missing_rating_makes_the_score_incomplete_never_imputed() -> None:
    result = t_score([(_scale(), 0), (_scale(), None)])
    assert result.value is None and result.unrated == 1 and "Incomplete" in result.reason


def test_weights_apply_only_when_the_clinic_turns_them_on() -> None:
    # importance × difficulty: 3·1 = 3, 1·1 = 1, 2·1 = 2 → the weighted worked example, 52.2; unweighted → 50.0
    ratings = [(_scale(3, 1), 1), (_scale(1, 1), 0), (_scale(2, 1), -1)]
    assert t_score(ratings).value == 50.0
    assert t_score(ratings, weights_on=True).value == 52.2


@given(st.lists(st.sampled_from(sorted(GAS_LEVELS)), min_size=1, max_size=8))
def test_unweighted_scores_stay_within_the_scale_and_50_means_as_expected(levels: list[int]) -> None:
    value = gas_t_score([(x, 1) for x in levels])
    assert (value > 50) == (sum(levels) > 0) and (value < 50) == (sum(levels) < 0)


def test_a_scale_needs_every_level_described_and_a_baseline_of_minus_one_or_two() -> None:
    with pytest.raises(ValidationErrors) as refused:
        GasScale.parse({0: "walks to the shop", 1: " "}, 0, 4, None)
    fields = refused.value.by_field()
    assert {"level_2", "level_1", "level_-1", "level_-2", "baseline", "importance"} <= set(fields)
    assert "level_0" not in fields


@pytest.mark.parametrize("typed", [3, -3, 0.5, "1", True, None])
def test_a_rating_is_one_of_the_five_levels_as_typed(typed: object) -> None:
    with pytest.raises(ValidationErrors):
        check_rating(typed)


SET_ON = date(2026, 10, 1)


def _results(values: list[float], every_days: int = 14) -> list[tuple[date, float]]:
    return [(SET_ON + timedelta(days=every_days * i), v) for i, v in enumerate(values)]


def test_berg_trend_short_of_the_target_by_more_than_the_mdc_is_at_risk() -> None:
    # Berg 30, 33, 36 on days 0, 14, 28: +3 per 14 days; by day 56 the line reaches 42.
    # Target 50: 8 short, more than Hiengkaew 2012's chronic-stroke MDC95 of 5 → at risk.
    verdict = target_trend(
        _results([30, 33, 36]),
        target=50,
        target_date=SET_ON + timedelta(days=56),
        set_on=SET_ON,
        higher_is_better=True,
        mdc=5,
        today=SET_ON + timedelta(days=30),
    )
    assert verdict.at_risk is True and verdict.projected == pytest.approx(42.0)


def test_a_shortfall_within_the_mdc_is_not_called_at_risk() -> None:
    # The same line (42 by day 56) against a target of 45: 3 short, within an MDC of 5 → on track.
    verdict = target_trend(
        _results([30, 33, 36]),
        target=45,
        target_date=SET_ON + timedelta(days=56),
        set_on=SET_ON,
        higher_is_better=True,
        mdc=5,
        today=SET_ON + timedelta(days=30),
    )
    assert verdict.at_risk is False and "within the MDC" in verdict.reason


def test_lower_is_better_a_tug_falling_fast_enough_is_on_track() -> None:
    # TUG 20, 18, 16 s on days 0, 14, 28: −2 s per 14 days; by day 56 the line reaches 12 s; target 14 s → beyond it.
    verdict = target_trend(
        _results([20, 18, 16]),
        target=14,
        target_date=SET_ON + timedelta(days=56),
        set_on=SET_ON,
        higher_is_better=False,
        mdc=2.9,
        today=SET_ON + timedelta(days=30),
    )
    assert verdict.at_risk is False and verdict.projected == pytest.approx(12.0)


def test_no_verdict_without_three_results_or_without_an_mdc_for_the_population() -> None:
    common = {"target": 50, "target_date": SET_ON + timedelta(days=56), "set_on": SET_ON, "higher_is_better": True}
    today = SET_ON + timedelta(days=30)
    assert target_trend(_results([30, 31]), mdc=5, today=today, **common).at_risk is None
    assert target_trend(_results([30, 31, 32]), mdc=None, today=today, **common).at_risk is None
    # Results from before the goal was set do not count towards its trend.
    before = [(SET_ON - timedelta(days=7), 10.0), *_results([30, 31])]
    assert target_trend(before, mdc=5, today=today, **common).at_risk is None


def test_reached_and_overdue() -> None:
    common = {"target": 40, "target_date": SET_ON + timedelta(days=56), "set_on": SET_ON, "higher_is_better": True}
    assert target_trend(_results([30, 41]), mdc=5, today=SET_ON, **common).at_risk is False
    late = target_trend(_results([30, 31, 32]), mdc=5, today=SET_ON + timedelta(days=57), **common)
    assert late.at_risk is True and "passed" in late.reason


@given(
    start=st.floats(0, 40),
    step=st.floats(0, 5),
    target=st.floats(0, 56),
    mdc=st.floats(0.5, 8),
)
def test_a_trend_that_reaches_the_target_is_never_at_risk(start: float, step: float, target: float, mdc: float) -> None:
    values = [start + step * i for i in range(4)]
    verdict = target_trend(
        _results(values),
        target=target,
        target_date=SET_ON + timedelta(days=42),  # the 4th result's day: the line reaches values[-1] there
        set_on=SET_ON,
        higher_is_better=True,
        mdc=mdc,
        today=SET_ON + timedelta(days=42),
    )
    if values[-1] >= target - 1e-9:
        assert verdict.at_risk is False
