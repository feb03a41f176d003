"""Typed cells of the sets grid and the load override (issue 15: pain 15 was clamped to 10, then lowered the
next load). Any input is either read as exactly the number typed, within the allowed range, or refused at its
field with a message that says what is allowed. Nothing is rounded, clamped or coerced."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.domain.errors import ValidationErrors
from rehab.services import commands
from rehab.services.commands import EFFORT, LOAD, PAIN_AFTER, PAIN_DURING, REPS

# What the issue and the form's help allow, written out here rather than read from the code.
ALLOWED = {
    PAIN_DURING: (Decimal(0), Decimal(10), True, "pain is 0–10"),
    PAIN_AFTER: (Decimal(0), Decimal(10), True, "pain is 0–10"),
    EFFORT: (Decimal(0), Decimal(10), False, "effort is 0–10"),
    REPS: (Decimal(0), Decimal(100), True, "reps are a whole number 0–100"),
    LOAD: (Decimal(0), Decimal(1000), False, "load is 0–1000 kg"),
}

typed = st.one_of(
    st.decimals(min_value=-20, max_value=1200, places=2, allow_nan=False).map(str),
    st.decimals(min_value=0, max_value=12, places=1, allow_nan=False).map(lambda d: str(d).replace(".", ",")),
    st.integers(-30, 1200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["", "  ", "15", "10", "7.5", "abc", "1e3", "nan", "½", "٣", "--1", "5 kg", True, None]),
)


def _exact(value: Any) -> Decimal | None:
    """The number the user typed, read independently (a comma is the decimal separator too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


@pytest.mark.parametrize("column", list(ALLOWED))
@given(value=typed)
def test_a_cell_is_read_exactly_as_typed_or_refused_with_what_is_allowed(column: str, value: Any) -> None:
    low, high, whole, allowed = ALLOWED[column]
    try:
        entry = commands.set_entry({column: value}, prefix="row1.")
    except ValidationErrors as exc:
        assert list(exc.by_field()) == [f"row1.{column}"]
        assert allowed in exc.by_field()[f"row1.{column}"]
        number = _exact(value)
        if number is not None and number.is_finite() and isinstance(value, int | float):
            # a real number was refused: it must really be outside what is allowed
            assert not low <= number <= high or (whole and number != number.to_integral_value())
        return
    got = entry.model_dump(by_alias=True)[column]
    if value is None or (isinstance(value, str) and not value.strip()):
        assert got is None  # blank: nothing entered
        return
    number = _exact(value)
    assert number is not None and Decimal(repr(got)) == number  # exactly what was typed
    assert low <= number <= high
    assert not whole or isinstance(got, int)


@pytest.mark.parametrize("column", list(ALLOWED))
@given(data=st.data())
def test_every_allowed_value_is_accepted_as_typed(column: str, data: st.DataObject) -> None:
    low, high, whole, _ = ALLOWED[column]
    if whole:
        value: Any = data.draw(st.integers(int(low), int(high)))
        text = data.draw(st.sampled_from([str(value), f" {value} ", value]))
    else:
        number = data.draw(st.decimals(min_value=low, max_value=high, places=1, allow_nan=False))
        text = data.draw(st.sampled_from([str(number), str(number).replace(".", ","), float(number)]))
        value = number
    entry = commands.set_entry({column: text}, prefix="row1.")
    assert Decimal(repr(entry.model_dump(by_alias=True)[column])) == Decimal(value)


def test_the_example_from_the_issue_pain_15_is_refused_not_clamped() -> None:
    with pytest.raises(ValidationErrors) as refused:
        commands.set_entry({PAIN_DURING: "15"}, prefix="row1.")
    assert refused.value.by_field() == {"row1.Pain during": "15 is outside the range; pain is 0–10, a whole number"}
    with pytest.raises(ValidationErrors) as letters:
        commands.set_entry({REPS: "ten"}, prefix="row1.")
    assert letters.value.by_field() == {"row1.Reps done": "“ten” is not a number; reps are a whole number 0–100"}
    with pytest.raises(ValidationErrors) as half:
        commands.set_entry({PAIN_AFTER: "2.5"}, prefix="row1.")
    assert half.value.by_field() == {"row1.Pain after": "2.5 is not a whole number; pain is 0–10, a whole number"}


@given(value=typed)
def test_an_override_load_is_read_exactly_or_refused_at_its_field(value: Any) -> None:
    try:
        command = commands.parse(commands.LoadOverride, {"override_load": value, "override_reason": "why"})
    except ValidationErrors as exc:
        assert list(exc.by_field()) == ["override_load"] and "load is 0–1000 kg" in exc.by_field()["override_load"]
        return
    if command.override_load is not None:
        assert Decimal(repr(command.override_load)) == _exact(value)
        assert 0 <= command.override_load <= 1000
