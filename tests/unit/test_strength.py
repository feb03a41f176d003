"""Strength maths: 1RM formulas worked by hand from reference §1.4, MRC grades, trials, HHD, symmetry."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain import strength
from rehab.domain.errors import ValidationError

NOT_A_NUMBER = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
)


# --- 1RM, worked by hand ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "load", "reps", "expected"),
    [
        # Epley: 50 × (1 + 10/30) = 50 × 1.3333 = 66.67
        ("epley", 50, 10, 66.667),
        # Brzycki: 100 × 36 / (37 − 5) = 3600 / 32 = 112.5
        ("brzycki", 100, 5, 112.5),
        # O'Conner: 100 × (1 + 0.025 × 5) = 112.5 (equals Brzycki at r = 5, as the reference notes)
        ("oconner", 100, 5, 112.5),
        # Epley and Brzycki agree at r = 10: 100 × 4/3 = 133.33 and 100 × 36/27 = 133.33
        ("epley", 100, 10, 133.333),
        ("brzycki", 100, 10, 133.333),
        # Lombardi: 100 × 10^0.10 = 100 × 1.2589 = 125.89
        ("lombardi", 100, 10, 125.893),
        # Mayhew: e^(−0.55) = 0.57695; 41.9 × 0.57695 = 24.174; 100 × 100 / (52.2 + 24.174) = 130.93
        ("mayhew", 100, 10, 130.934),
        # Wathan: e^(−0.75) = 0.47237; 53.8 × 0.47237 = 25.413; 100 × 100 / (48.8 + 25.413) = 134.75
        ("wathan", 100, 10, 134.747),
        # Lander: 101.3 − 2.67123 × 10 = 74.5877; 100 × 100 / 74.5877 = 134.07
        ("lander", 100, 10, 134.070),
        # Epley at 12 reps (accepted, low accuracy): 40 × (1 + 12/30) = 40 × 1.4 = 56
        ("epley", 40, 12, 56.0),
    ],
)
def test_one_rm_formulas(formula: str, load: float, reps: int, expected: float) -> None:
    assert strength.estimate_1rm(load, reps, formula) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("formula", sorted(strength.FORMULAS))
def test_one_rep_is_the_load(formula: str) -> None:
    # Reference §1.4: special-case r = 1 (Epley would predict 1RM > w).
    assert strength.estimate_1rm(62.5, 1, formula) == 62.5


def test_formula_names_are_forgiving() -> None:
    assert strength.estimate_1rm(100, 5, "O'Conner") == pytest.approx(112.5)
    assert strength.estimate_1rm(100, 5, " Brzycki ") == pytest.approx(112.5)


def test_estimate_with_reason_says_how() -> None:
    est = strength.estimate_1rm_with_reason(50, 10)
    assert est.estimated_1rm_kg == pytest.approx(66.667, abs=1e-3)
    assert est.formula == "epley" and not est.low_accuracy
    assert "Epley" in est.reason and "r = 10" in est.reason
    low = strength.estimate_1rm_with_reason(40, 11, "brzycki")
    # Brzycki: 40 × 36 / (37 − 11) = 1440 / 26 = 55.38
    assert low.estimated_1rm_kg == pytest.approx(55.385, abs=1e-3)
    assert low.low_accuracy and "less accurate" in low.reason


@pytest.mark.parametrize(("reps", "low"), [(1, False), (10, False), (11, True), (12, True)])
def test_low_accuracy_marks_11_and_12(reps: int, low: bool) -> None:
    assert strength.is_low_accuracy(reps) is low


@pytest.mark.parametrize("reps", [13, 20, 0, -1, 2.5, True, "5", None])
def test_reps_out_of_rule_are_refused(reps: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.estimate_1rm(50, reps)
    assert err.value.field == "reps"
    with pytest.raises(ValidationError) as err:
        strength.is_low_accuracy(reps)
    assert err.value.field == "reps"


@pytest.mark.parametrize("load", [0, -5, math.nan, math.inf, "50", None, [50]])
def test_load_must_be_a_positive_number(load: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.estimate_1rm(load, 5)
    assert err.value.field == "load_kg"


@pytest.mark.parametrize("formula", ["mcglothin", "", None, 3, ["epley"]])
def test_unknown_formula(formula: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.estimate_1rm(50, 5, formula)
    assert err.value.field == "formula"


@settings(max_examples=200, deadline=None)
@given(
    load=st.floats(min_value=0.5, max_value=500),
    reps=st.integers(min_value=1, max_value=11),
    formula=st.sampled_from(sorted(strength.FORMULAS)),
)
def test_more_reps_never_lower_the_estimate(load: float, reps: int, formula: str) -> None:
    fewer = strength.estimate_1rm(load, reps, formula)
    more = strength.estimate_1rm(load, reps + 1, formula)
    assert load <= fewer <= more


@settings(max_examples=150, deadline=None)
@given(
    load=st.one_of(NOT_A_NUMBER, st.floats(max_value=0, allow_nan=False), st.floats(min_value=1e306)),
    reps=st.integers(min_value=1, max_value=12),
    formula=st.sampled_from(sorted(strength.FORMULAS)),
)
def test_bad_or_huge_loads_raise_validation_error(load: object, reps: int, formula: str) -> None:
    try:
        value = strength.estimate_1rm(load, reps, formula)
    except ValidationError as err:
        assert err.field == "load_kg"
    else:
        assert math.isfinite(value)


@settings(max_examples=150, deadline=None)
@given(reps=st.one_of(NOT_A_NUMBER, st.integers(min_value=13), st.integers(max_value=0), st.floats(0.1, 0.9)))
def test_bad_reps_raise_validation_error(reps: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.estimate_1rm(60, reps, "brzycki")
    assert err.value.field == "reps"


def test_one_rm_tested_or_estimated() -> None:
    tested = strength.one_rm_result("tested", tested_kg=42.5)
    assert (tested.value_kg, tested.method, tested.low_accuracy) == (42.5, "tested", False)
    # Estimated with Brzycki: 40 × 36 / (37 − 6) = 1440 / 31 = 46.45 kg
    est = strength.one_rm_result("estimated", load_kg=40, reps=6, formula="brzycki")
    assert est.value_kg == pytest.approx(46.452, abs=1e-3)
    assert (est.method, est.formula, est.load_kg, est.reps) == ("estimated", "brzycki", 40, 6)


@pytest.mark.parametrize(
    ("method", "kwargs", "field"),
    [
        ("guessed", {"tested_kg": 40}, "method"),
        (None, {"tested_kg": 40}, "method"),
        ("tested", {}, "tested_kg"),
        ("tested", {"tested_kg": 0}, "tested_kg"),
        ("tested", {"tested_kg": 40, "reps": 5}, "reps"),
        ("tested", {"tested_kg": 40, "load_kg": 30}, "load_kg"),
        ("estimated", {"load_kg": 30}, "reps"),
        ("estimated", {"reps": 5}, "load_kg"),
        ("estimated", {"load_kg": 30, "reps": 5, "tested_kg": 40}, "tested_kg"),
        ("estimated", {"load_kg": 30, "reps": 15}, "reps"),
    ],
)
def test_one_rm_result_refuses_bad_input(method: object, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        strength.one_rm_result(method, **kwargs)
    assert err.value.field == field


# --- MRC grades --------------------------------------------------------------------------------------


def test_grade_order() -> None:
    assert strength.MMT_GRADES == ("0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5-", "5")


@pytest.mark.parametrize(
    ("text", "ordinal", "label"),
    [
        ("0", 0, "0"),
        ("2-", 2, "2-"),
        ("3", 6, "3"),
        ("4+", 10, "4+"),
        ("4 −", 8, "4-"),
        (5, 12, "5"),
        (" 3+ ", 7, "3+"),
    ],
)
def test_parse_grades(text: object, ordinal: int, label: str) -> None:
    grade = strength.parse_mmt_grade(text)
    assert (grade.ordinal, grade.label) == (ordinal, label)
    assert strength.mmt_grade(ordinal) == grade


@pytest.mark.parametrize("bad", ["6", "5+", "0+", "1-", "4.5", 4.5, "", None, True, [4], -1, 6])
def test_bad_grades(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.parse_mmt_grade(bad)
    assert err.value.field == "grade"


def test_compare_grades_is_ordinal() -> None:
    assert strength.compare_mmt("4-", "4") == -1
    assert strength.compare_mmt("4+", "4") == 1
    assert strength.compare_mmt("3", 3) == 0
    assert strength.parse_mmt_grade("2+") < strength.parse_mmt_grade("3-")
    assert strength.parse_mmt_grade("5").definition.startswith("Normal power")
    with pytest.raises(ValidationError) as err:
        strength.compare_mmt("4", "x")
    assert err.value.field == "second"


@pytest.mark.parametrize("bad", [13, -1, 2.5, "3", None, math.nan])
def test_mmt_grade_by_ordinal_refuses_bad_input(bad: object) -> None:
    with pytest.raises(ValidationError):
        strength.mmt_grade(bad)


# --- trials, symmetry, HHD ---------------------------------------------------------------------------


def test_aggregate_trials() -> None:
    # max of 180, 195, 190 = 195; mean = 565 / 3 = 188.33
    assert strength.aggregate_trials([180, 195, 190], "max") == 195
    assert strength.aggregate_trials([180, 195, 190], "mean") == pytest.approx(188.333, abs=1e-3)
    assert strength.aggregate_trials((7.5,), "mean") == 7.5


@pytest.mark.parametrize(
    ("values", "rule", "field"),
    [
        ([], "max", "trials"),
        ("123", "max", "trials"),
        (None, "max", "trials"),
        ({1: 2}, "max", "trials"),
        ([1, "2"], "max", "trial 2"),
        ([1, math.nan], "mean", "trial 2"),
        ([-1], "max", "trial 1"),
        ([1, 2], "median", "rule"),
        ([1, 2], None, "rule"),
    ],
)
def test_aggregate_trials_refuses_bad_input(values: object, rule: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        strength.aggregate_trials(values, rule)
    assert err.value.field == field


def test_mean_of_huge_trials_does_not_overflow() -> None:
    assert strength.aggregate_trials([1.7e308, 1.7e308], "mean") == pytest.approx(1.7e308)


def test_symmetry_index() -> None:
    # paretic 30 / non-paretic 40 × 100 = 75 %; Watanabe 2015 knee extension 0.90 / 1.24 = 72.6 %
    assert strength.symmetry_index(30, 40) == pytest.approx(75)
    assert strength.symmetry_index(0.90, 1.24) == pytest.approx(72.58, abs=0.01)
    assert strength.symmetry_index(0, 40) == 0


@settings(max_examples=150, deadline=None)
@given(bad=st.one_of(NOT_A_NUMBER, st.floats(max_value=0, allow_nan=False), st.just(1e-320)))
def test_symmetry_index_refuses_non_positive_non_paretic(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.symmetry_index(30, bad)
    assert err.value.field == "non_paretic"


@settings(max_examples=100, deadline=None)
@given(bad=st.one_of(NOT_A_NUMBER, st.floats(max_value=-1e-9, allow_nan=False)))
def test_symmetry_index_refuses_bad_paretic(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        strength.symmetry_index(bad, 40)
    assert err.value.field == "paretic"


def test_hhd_conversions() -> None:
    # 20 kgf = 20 × 9.80665 = 196.133 N
    force = strength.hhd_to_si(20, "kgf")
    assert (force.unit, force.value) == ("N", pytest.approx(196.133))
    # 196.133 N × 0.25 m = 49.033 N·m
    torque = strength.hhd_to_si(20, "kgf", 0.25)
    assert (torque.unit, torque.value) == ("N.m", pytest.approx(49.03325))
    assert "0.25 m" in torque.reason
    as_read = strength.hhd_to_si(55, "N·m")
    assert (as_read.unit, as_read.value) == ("N.m", 55)


@pytest.mark.parametrize(
    ("value", "unit", "arm", "field"),
    [
        ("20", "N", None, "value"),
        (-1, "N", None, "value"),
        (math.nan, "kgf", None, "value"),
        (20, "psi", None, "unit"),
        (20, None, None, "unit"),
        (20, "N", 0, "lever_arm_m"),
        (20, "N", "0.3", "lever_arm_m"),
        (20, "N.m", 0.3, "lever_arm_m"),
    ],
)
def test_hhd_refuses_bad_input(value: object, unit: object, arm: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        strength.hhd_to_si(value, unit, arm)
    assert err.value.field == field


def test_hhd_result_takes_max_of_trials_in_si() -> None:
    # 18, 20, 19 kgf → max 20 kgf = 196.133 N
    result = strength.hhd_result([18, 20, 19], "kgf")
    assert result.value == pytest.approx(196.133)
    assert result.method == "make" and result.rule == "max" and result.unit == "N"
    mean = strength.hhd_result([100, 110, 120], "N", lever_arm_m=0.3, rule="mean", method="break")
    # mean of 30, 33, 36 N·m = 33 N·m
    assert mean.value == pytest.approx(33) and mean.unit == "N.m" and mean.method == "break"
    with pytest.raises(ValidationError) as err:
        strength.hhd_result([100, "x"], "N")
    assert err.value.field == "trial 2"
    with pytest.raises(ValidationError) as err:
        strength.hhd_result([100], "N", method="squeeze")
    assert err.value.field == "method"
    with pytest.raises(ValidationError) as err:
        strength.hhd_result([], "N")
    assert err.value.field == "trials"


def test_grip_from_pounds() -> None:
    # mean of 60, 62, 64 lb = 62 lb × 0.45359237 = 28.12 kg
    assert strength.grip_kg([60, 62, 64], "lb") == pytest.approx(28.1227, abs=1e-4)
    assert strength.grip_kg([30, 32], "kg", "max") == 32
    with pytest.raises(ValidationError) as err:
        strength.grip_kg([30, None], "kg")
    assert err.value.field == "trial 2"
