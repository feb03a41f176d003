"""Unit conversions at the edges: entry in lb, kgf, lbf, inches or feet; SI (kg, N, m, s) inside.

The factors are definitions of the units, not clinical figures:

- 1 lb (avoirdupois pound) = 0.45359237 kg exactly (international yard and pound agreement, 1959);
- 1 kgf = 9.80665 N exactly (standard gravity, 3rd CGPM 1901); 1 lbf = 1 lb x standard gravity;
- 1 in = 2.54 cm exactly; 1 ft = 0.3048 m exactly.

Every function checks its input and raises ``ValidationError`` naming the field (``value`` unless the
caller names another), so a form can show the message beside the widget. Negative loads, forces and
distances are refused: nothing the clinic records through these conversions can be below zero.
"""

from __future__ import annotations

import math
from decimal import Decimal
from numbers import Real
from typing import TypeVar

from rehab.domain.errors import ValidationError

KG_PER_LB = 0.45359237
N_PER_KGF = 9.80665
N_PER_LBF = KG_PER_LB * N_PER_KGF
CM_PER_INCH = 2.54
M_PER_FOOT = 0.3048

FORCE_UNITS = ("N", "kgf", "lbf")
MASS_UNITS = ("kg", "lb")
LENGTH_UNITS = ("cm", "m", "in", "ft")


def fmt(value: float) -> str:
    """A number for messages and reason text: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def require_number(
    value: object,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    minimum_inclusive: bool = True,
    maximum_inclusive: bool = True,
    whole: bool = False,
    unit: str = "",
) -> float:
    """A finite real number within the limits, as a float.

    Text, ``None``, lists and ``True``/``False`` are refused even when they look like numbers: a form
    must hand over a number, so nothing typed is ever guessed at. ``Decimal`` is accepted because
    databases return it for numeric columns.
    """
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValidationError(field, "must be a number")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        raise ValidationError(field, "must be a finite number") from None
    if not math.isfinite(number):
        raise ValidationError(field, "must be a finite number")
    if whole and not number.is_integer():
        raise ValidationError(field, "must be a whole number")
    suffix = f" {unit}" if unit else ""
    if minimum is not None:
        if minimum_inclusive and number < minimum:
            raise ValidationError(field, f"must be at least {fmt(minimum)}{suffix}")
        if not minimum_inclusive and number <= minimum:
            raise ValidationError(field, f"must be more than {fmt(minimum)}{suffix}")
    if maximum is not None:
        if maximum_inclusive and number > maximum:
            raise ValidationError(field, f"must be at most {fmt(maximum)}{suffix}")
        if not maximum_inclusive and number >= maximum:
            raise ValidationError(field, f"must be less than {fmt(maximum)}{suffix}")
    return number


_Choice = TypeVar("_Choice", bound=str)


def require_choice(value: object, field: str, choices: tuple[_Choice, ...]) -> _Choice:
    """One of a fixed set of words (case and surrounding spaces ignored), in its canonical spelling.

    Typed by its choices: with a ``Literal`` target the result is that ``Literal``."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be one of: {', '.join(choices)}")
    wanted = value.strip().lower()
    for choice in choices:
        if choice.lower() == wanted:
            return choice
    raise ValidationError(field, f"must be one of: {', '.join(choices)}")


def _scaled(value: object, factor: float, field: str) -> float:
    number = require_number(value, field, minimum=0.0)
    result = number * factor
    if not math.isfinite(result):
        raise ValidationError(field, "is too large to convert")
    return result


def lb_to_kg(value: object, field: str = "value") -> float:
    """Pounds (a Jamar read in lb, a weight-stack in lb) to kilograms."""
    return _scaled(value, KG_PER_LB, field)


def kg_to_lb(value: object, field: str = "value") -> float:
    """Kilograms to pounds, for a clinic that displays pounds."""
    return _scaled(value, 1.0 / KG_PER_LB, field)


def kgf_to_n(value: object, field: str = "value") -> float:
    """Kilograms-force (what most dynamometers call "kg") to newtons."""
    return _scaled(value, N_PER_KGF, field)


def n_to_kgf(value: object, field: str = "value") -> float:
    """Newtons to kilograms-force, e.g. to compare a force SRD with a grip read in "kg"."""
    return _scaled(value, 1.0 / N_PER_KGF, field)


def lbf_to_n(value: object, field: str = "value") -> float:
    """Pounds-force to newtons."""
    return _scaled(value, N_PER_LBF, field)


def n_to_lbf(value: object, field: str = "value") -> float:
    """Newtons to pounds-force (LOINC grip codes show ``[lbf_av]`` in their example unit)."""
    return _scaled(value, 1.0 / N_PER_LBF, field)


def inches_to_cm(value: object, field: str = "value") -> float:
    """Inches (a functional reach read off an imperial yardstick) to centimetres."""
    return _scaled(value, CM_PER_INCH, field)


def cm_to_inches(value: object, field: str = "value") -> float:
    """Centimetres to inches."""
    return _scaled(value, 1.0 / CM_PER_INCH, field)


def feet_to_m(value: object, field: str = "value") -> float:
    """Feet (a walkway marked in feet) to metres."""
    return _scaled(value, M_PER_FOOT, field)


def m_to_feet(value: object, field: str = "value") -> float:
    """Metres to feet."""
    return _scaled(value, 1.0 / M_PER_FOOT, field)


def force_to_n(value: object, unit: object, field: str = "value") -> float:
    """A force entered in N, kgf or lbf, in newtons."""
    chosen = require_choice(unit, "unit", FORCE_UNITS)
    factor = {"N": 1.0, "kgf": N_PER_KGF, "lbf": N_PER_LBF}[chosen]
    return _scaled(value, factor, field)


def mass_to_kg(value: object, unit: object, field: str = "value") -> float:
    """A load or grip entered in kg or lb, in kilograms."""
    chosen = require_choice(unit, "unit", MASS_UNITS)
    return _scaled(value, KG_PER_LB if chosen == "lb" else 1.0, field)


def length_to_cm(value: object, unit: object, field: str = "value") -> float:
    """A distance entered in cm, m, in or ft, in centimetres."""
    chosen = require_choice(unit, "unit", LENGTH_UNITS)
    factor = {"cm": 1.0, "m": 100.0, "in": CM_PER_INCH, "ft": M_PER_FOOT * 100.0}[chosen]
    return _scaled(value, factor, field)


def torque_nm(force_n: object, lever_arm_m: object) -> float:
    """Torque in N·m from a force in newtons and the lever arm (joint axis to pad) in metres.

    The lever arm must be above zero: a torque from a zero lever arm would silently read as no strength.
    """
    force = require_number(force_n, "force_n", minimum=0.0, unit="N")
    arm = require_number(lever_arm_m, "lever_arm_m", minimum=0.0, minimum_inclusive=False, unit="m")
    result = force * arm
    if not math.isfinite(result):
        raise ValidationError("force_n", "is too large to convert")
    return result


def speed_m_per_s(time_s: object, distance_m: object = 10.0) -> float:
    """Walking speed from the time taken over a distance (a 10 m walk by default)."""
    distance = require_number(distance_m, "distance_m", minimum=0.0, minimum_inclusive=False, unit="m")
    time = require_number(time_s, "time_s", minimum=0.0, minimum_inclusive=False, unit="s")
    result = distance / time
    if not math.isfinite(result):
        raise ValidationError("time_s", "is too small to give a walking speed")
    return result


ENTRY_UNITS: dict[str, tuple[str, ...]] = {
    "grip": ("kg", "lb"),
    "hhd": ("N", "kgf", "lbf", "N.m"),
    "one_rm": ("kg", "lb"),
    "frt": ("cm", "in"),
    "six_mwt": ("m", "ft"),
}
"""The units a result may be entered in, per measure (the Assess page offers these, and an import accepts them);
the first is the one stored. Each converts to SI exactly (the conversions above)."""
