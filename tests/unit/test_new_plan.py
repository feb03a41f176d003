"""Starting a plan in the domain: week 1's loads from the baselines, and the terms refused by field.

Worked by hand from the default phase template (clinical reference §7.5: familiarisation weeks 1–2 at
40–50 % 1RM, starting at 40 %; ACSM 2009 older-adult start 40–50 % 1RM [R10]) and the exercise library's
equipment steps (machine 2.5 kg) and band set (tan 1.1 kg, yellow 1.4 kg, … nominal).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.planning import DEFAULT_EXERCISES, DEFAULT_TEMPLATE, Baseline, OneRmMethod, Side
from rehab.domain.planning.loading_plan import Action, Rule
from rehab.domain.planning.new_plan import MAX_START_AHEAD_DAYS, NewPlan, PlanTerms, plan_terms, start_plan

TODAY = date(2026, 3, 2)


def _terms(**changes: Any) -> PlanTerms:
    values: dict[str, Any] = {"rule": "two_for_two", "start_date": TODAY, "notes": "", "today": TODAY}
    values.update(changes)
    return plan_terms(**values)


def _start(*baselines: Baseline) -> NewPlan:
    return start_plan(baselines, exercises=DEFAULT_EXERCISES, template=DEFAULT_TEMPLATE, terms=_terms())


def test_week_one_load_is_40_percent_of_the_baseline_rounded_down_to_the_machine_step() -> None:
    # Leg press 1RM 47 kg: 40 % = 18.8 kg, rounded down to the 2.5 kg step = 17.5 kg (never rounded up).
    new = _start(Baseline("leg_press", 47.0, OneRmMethod.TESTED))
    (first,) = new.first_loads
    assert first.action is Action.START
    assert first.load == 17.5
    assert first.rule is Rule.TWO_FOR_TWO
    assert "40 % 1RM" in first.reason


def test_each_item_gets_its_own_first_load_in_order() -> None:
    # Knee extension paretic 30 kg → 12 kg (40 %, on the 2.5 step: 10 kg); non-paretic 50 kg → 20 kg.
    new = _start(
        Baseline("knee_extension", 30.0, OneRmMethod.TESTED, Side.PARETIC),
        Baseline("knee_extension", 50.0, OneRmMethod.TESTED, Side.NON_PARETIC),
    )
    assert [d.load for d in new.first_loads] == [10.0, 20.0]
    assert [i.side for i in new.items] == [Side.PARETIC, Side.NON_PARETIC]


def test_a_band_exercise_below_the_lightest_band_starts_on_it_and_says_so() -> None:
    # Hip abduction "1RM" 2 kg: 40 % = 0.8 kg, below the tan band's nominal 1.1 kg → level 0 (tan), explained.
    new = _start(Baseline("hip_abduction", 2.0, OneRmMethod.TESTED, Side.PARETIC))
    (first,) = new.first_loads
    assert first.load == 0.0
    assert "lightest band (tan)" in first.reason


def test_every_term_problem_is_named_at_once() -> None:
    late = date.fromordinal(TODAY.toordinal() + MAX_START_AHEAD_DAYS + 1)
    with pytest.raises(ValidationErrors) as refused:
        _terms(rule="fastest", start_date=late, notes="\x00")
    assert set(refused.value.by_field()) == {"rule", "start_date", "notes"}


def test_a_start_date_must_be_a_date_not_a_time() -> None:
    with pytest.raises(ValidationErrors) as refused:
        _terms(start_date=datetime(2026, 3, 2, 9, 0))
    assert set(refused.value.by_field()) == {"start_date"}


@given(kg=st.floats(min_value=0.5, max_value=1000, allow_nan=False), week_one=st.just(40.0))
def test_a_first_load_is_never_above_the_template_percentage_of_the_baseline(kg: float, week_one: float) -> None:
    new = _start(Baseline("leg_press", kg, OneRmMethod.TESTED))
    (first,) = new.first_loads
    assert 0 <= first.load <= kg * week_one / 100 + 1e-9
