"""Unit conversions at the edges: worked examples by hand, and bad input always a ValidationError."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain import units
from rehab.domain.errors import ValidationError, ValidationErrors

CONVERTERS = (
    units.lb_to_kg,
    units.kg_to_lb,
    units.kgf_to_n,
    units.n_to_kgf,
    units.lbf_to_n,
    units.n_to_lbf,
    units.inches_to_cm,
    units.cm_to_inches,
    units.feet_to_m,
    units.m_to_feet,
)

# Anything that is not a finite, non-negative number.
BAD_NUMBERS = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.just(Decimal("NaN")),
    st.just(Decimal("sNaN")),
    st.just(10**400),
    st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
    st.integers(max_value=-1),
)


def test_pound_to_kilogram_by_definition() -> None:
    # 1 lb = 0.45359237 kg exactly, so 100 lb = 45.359237 kg.
    assert units.lb_to_kg(100) == pytest.approx(45.359237)
    # Mathiowetz men 60-64 right hand 89.7 lb; the reference prints 40.7 kg.
    assert round(units.lb_to_kg(89.7), 1) == 40.7


def test_kilogram_force_to_newton() -> None:
    # 1 kgf = 9.80665 N, so 10 kgf = 98.0665 N.
    assert units.kgf_to_n(10) == pytest.approx(98.0665)
    # Reference §1.3: grip SRD 61.8-73.3 N is about 6.3-7.5 kgf.
    assert round(units.n_to_kgf(61.8), 1) == 6.3
    assert round(units.n_to_kgf(73.3), 1) == 7.5


def test_pound_force_to_newton() -> None:
    # 1 lbf = 0.45359237 kg x 9.80665 m/s² = 4.4482216 N.
    assert units.lbf_to_n(1) == pytest.approx(4.4482216, abs=1e-7)


def test_lengths() -> None:
    # 6 in = 6 x 2.54 = 15.24 cm (the FRT cut-off is quoted as 6 in / 15.2 cm).
    assert units.inches_to_cm(6) == pytest.approx(15.24)
    # 10 ft = 3.048 m (the TUG walk).
    assert units.feet_to_m(10) == pytest.approx(3.048)
    assert units.length_to_cm(1.5, "m") == pytest.approx(150)
    assert units.length_to_cm(2, "ft") == pytest.approx(60.96)


def test_torque_from_force_and_lever_arm() -> None:
    # 200 N at 0.30 m = 60 N·m.
    assert units.torque_nm(200, 0.30) == pytest.approx(60)


def test_speed_over_ten_metres() -> None:
    # 10 m in 8 s = 1.25 m/s; 10 m in 25 s = 0.4 m/s.
    assert units.speed_m_per_s(8) == pytest.approx(1.25)
    assert units.speed_m_per_s(25) == pytest.approx(0.4)
    assert units.speed_m_per_s(6, 6) == pytest.approx(1.0)


def test_unit_words() -> None:
    assert units.force_to_n(10, "kgf") == pytest.approx(98.0665)
    assert units.force_to_n(10, " n ") == 10
    assert units.mass_to_kg(10, "LB") == pytest.approx(4.5359237)
    with pytest.raises(ValidationError) as err:
        units.force_to_n(10, "stone")
    assert err.value.field == "unit"


def test_decimal_and_fraction_are_numbers() -> None:
    assert units.lb_to_kg(Decimal("100")) == pytest.approx(45.359237)
    assert units.kgf_to_n(Fraction(1, 2)) == pytest.approx(4.903325)


def test_require_number_limits() -> None:
    assert units.require_number(3, "x", minimum=3) == 3.0
    with pytest.raises(ValidationError, match="more than 3"):
        units.require_number(3, "x", minimum=3, minimum_inclusive=False)
    with pytest.raises(ValidationError, match="whole number"):
        units.require_number(2.5, "x", whole=True)
    with pytest.raises(ValidationError, match="less than 5"):
        units.require_number(5, "x", maximum=5, maximum_inclusive=False)


def test_fmt() -> None:
    assert units.fmt(66.6666) == "66.67"
    assert units.fmt(6.0) == "6"
    assert units.fmt(-0.0001) == "0"


@settings(max_examples=150, deadline=None)
@given(converter=st.sampled_from(CONVERTERS), bad=BAD_NUMBERS)
def test_converters_refuse_bad_input(converter, bad) -> None:
    with pytest.raises(ValidationError) as err:
        converter(bad)
    assert err.value.field == "value"


@settings(max_examples=100, deadline=None)
@given(converter=st.sampled_from(CONVERTERS), big=st.floats(min_value=1e306, max_value=1.79e308))
def test_converters_never_overflow(converter, big) -> None:
    try:
        result = converter(big)
    except ValidationError as err:
        assert err.field == "value"
    else:
        assert math.isfinite(result)


@settings(max_examples=100, deadline=None)
@given(value=st.floats(min_value=0, max_value=1e6))
def test_round_trips(value: float) -> None:
    assert units.kg_to_lb(units.lb_to_kg(value)) == pytest.approx(value)
    assert units.n_to_kgf(units.kgf_to_n(value)) == pytest.approx(value)
    assert units.cm_to_inches(units.inches_to_cm(value)) == pytest.approx(value)
    assert units.m_to_feet(units.feet_to_m(value)) == pytest.approx(value)


@settings(max_examples=100, deadline=None)
@given(bad=BAD_NUMBERS)
def test_torque_and_speed_name_their_fields(bad) -> None:
    with pytest.raises(ValidationError) as err:
        units.torque_nm(bad, 0.3)
    assert err.value.field == "force_n"
    with pytest.raises(ValidationError) as err:
        units.torque_nm(100, bad)
    assert err.value.field == "lever_arm_m"
    with pytest.raises(ValidationError) as err:
        units.speed_m_per_s(bad)
    assert err.value.field == "time_s"


@pytest.mark.parametrize("zero_arm", [0, 0.0, -0.1])
def test_lever_arm_must_be_above_zero(zero_arm: float) -> None:
    with pytest.raises(ValidationError) as err:
        units.torque_nm(100, zero_arm)
    assert err.value.field == "lever_arm_m"


def test_tiny_time_gives_validation_error_not_infinity() -> None:
    with pytest.raises(ValidationError) as err:
        units.speed_m_per_s(1e-320)
    assert err.value.field == "time_s"


def test_one_validation_error_type_carries_the_list_of_field_errors() -> None:
    """Callers catch ValidationErrors alone: one field's error arrives as a list of one."""
    with pytest.raises(ValidationErrors) as one:
        raise ValidationError("reps", "must be a whole number")
    assert one.value.by_field() == {"reps": "must be a whole number"} and len(one.value.errors) == 1
    both = ValidationErrors([ValidationError("load_kg", "Enter the load."), ValidationError("reps", "Enter reps.")])
    assert both.messages() == ["Enter the load.", "Enter reps."]
