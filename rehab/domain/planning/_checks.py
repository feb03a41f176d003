"""Small input checks shared by the planning modules.

Each check raises ``ValidationError`` naming the field, so a form can show the message beside the
widget. Anything that is not the expected kind of value (text where a number belongs, ``True`` where a
count belongs, NaN, infinity) is refused the same way rather than crashing later.
"""

from __future__ import annotations

import math

from rehab.domain.errors import ValidationError
from rehab.domain.text import unstorable


def number(
    field: str,
    value: object,
    *,
    minimum: float,
    maximum: float,
    above_minimum: bool = False,
    unit: str = "",
) -> float:
    """A finite real number within [minimum, maximum] (or (minimum, maximum] when ``above_minimum``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, "must be a number")
    try:
        as_float = float(value)
    except OverflowError:
        raise ValidationError(field, "is too large") from None
    if not math.isfinite(as_float):
        raise ValidationError(field, "must be a finite number")
    suffix = f" {unit}" if unit else ""
    if above_minimum and as_float <= minimum:
        raise ValidationError(field, f"must be above {minimum:g}{suffix}")
    if as_float < minimum:
        raise ValidationError(field, f"must be at least {minimum:g}{suffix}")
    if as_float > maximum:
        raise ValidationError(field, f"must be at most {maximum:g}{suffix}")
    return as_float


def whole_number(field: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """A whole number (not a bool, not a float) within the limits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if value < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return value


def flag(field: str, value: object) -> bool:
    """A yes/no answer; anything else is refused so a missing answer is never read as 'no'."""
    if not isinstance(value, bool):
        raise ValidationError(field, "must be yes or no")
    return value


def text(field: str, value: object) -> str:
    """Non-blank text, stripped."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    stripped = value.strip()
    if not stripped:
        raise ValidationError(field, "must not be empty")
    if unstorable(stripped, multiline=True):
        raise ValidationError(field, "contains characters that cannot be stored")
    return stripped


def format_kg(value: float) -> str:
    """A load for reason text: '22.5 kg', '20 kg'."""
    return f"{round(value, 3):g} kg"
