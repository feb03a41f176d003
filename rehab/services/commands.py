"""Typed commands from the UI, and the one parser from widget values to field errors.

A page collects widget values into a mapping; ``parse`` turns it into a frozen pydantic model or raises
``ValidationErrors`` naming each field, so the page can show every message beside its widget. Parsing is
strict: nothing is coerced (the text "12" is not a number, 12.5 is not a whole number of reps), so what a
clinician typed is never silently changed. The clinical checks (ranges, whole reps, plausibility) stay in
the domain and the use cases; this layer only fixes the shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from rehab.domain.errors import ValidationError, ValidationErrors

Model = TypeVar("Model", bound=BaseModel)

_MESSAGES = {
    "missing": "is required",
    "float_type": "must be a number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "literal_error": "must be one of the choices offered",
    "bool_type": "must be yes or no",
    "finite_number": "must be a finite number",
    "extra_forbidden": "is not a field of this form",
}


class Command(BaseModel):
    """A command from a page: frozen, strict, and no fields beyond those declared."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid", allow_inf_nan=False)


def parse(model: type[Model], values: Mapping[str, Any], *, prefix: str = "") -> Model:
    """The command, or ValidationErrors with one error per field (``prefix`` + the field's name)."""
    if not isinstance(values, Mapping):
        raise ValidationError(prefix.rstrip(".") or "form", "must be a set of fields")
    try:
        return model.model_validate(dict(values))
    except pydantic.ValidationError as exc:
        raise ValidationErrors([_field_error(prefix, e) for e in exc.errors()]) from None


def parse_all(
    model: type[Model], rows: Sequence[Mapping[str, Any]], prefix: Callable[[Mapping[str, Any]], str]
) -> list[Model]:
    """Every row parsed; the errors of all rows together. ``prefix(row)`` names a row's fields."""
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Sequence):
        raise ValidationError("rows", "must be a list")
    out: list[Model] = []
    errors: list[ValidationError] = []
    for row in rows:
        try:
            out.append(parse(model, row, prefix=prefix(row)))
        except ValidationErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationErrors(errors)
    return out


def _field_error(prefix: str, error: Any) -> ValidationError:
    name = ".".join(str(part) for part in error["loc"] if not isinstance(part, int)) or "form"
    if error["type"] == _OUT_OF_BOUNDS:  # a typed number's own message, which says what is allowed
        return ValidationError(prefix + name, str(error["msg"]))
    return ValidationError(prefix + name, _MESSAGES.get(error["type"], "is not valid"))


# --- numbers typed into text cells ------------------------------------------------------------------------

_OUT_OF_BOUNDS = "typed_number"
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)")  # plain digits: no exponent, no other scripts


def _typed_number(low: float, high: float, *, whole: bool, allowed: str) -> Callable[[Any], Any]:
    """A field's reader for one kind of typed number: blank is None; anything else is that number exactly,
    or refused.

    Text is read as written ("12", "12.5", "12,5"); nothing is rounded, clamped or coerced. A refusal's
    message says what was wrong and what is allowed.
    """

    def refuse(why: str) -> PydanticCustomError:
        return PydanticCustomError(_OUT_OF_BOUNDS, f"{why}; {allowed}")

    def read(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise refuse("not a number")
        if isinstance(value, str):
            text = value.strip()
            if not _NUMBER_TEXT.fullmatch(text):
                raise refuse(f"“{text[:20]}” is not a number")
            number = Decimal(text.replace(",", "."))
        elif isinstance(value, int | float):
            if not math.isfinite(value):
                raise refuse("not a finite number")
            number = Decimal(repr(value))
        else:
            raise refuse("not a number")
        shown = f"{number.normalize():f}"
        if whole and number != number.to_integral_value():
            raise refuse(f"{shown} is not a whole number")
        if not Decimal(repr(low)) <= number <= Decimal(repr(high)):
            raise refuse(f"{shown} is outside the range")
        return int(number) if whole else float(number)

    return read


# --- a treatment session's sets ------------------------------------------------------------------------------

MAX_REPS_ENTRY = 100  # data-entry plausibility limit, not a clinical threshold
MAX_LOAD_ENTRY_KG = 1000.0  # likewise
Reps = Annotated[
    int | None,
    BeforeValidator(
        _typed_number(0, MAX_REPS_ENTRY, whole=True, allowed=f"reps are a whole number 0–{MAX_REPS_ENTRY}")
    ),
]
Pain = Annotated[int | None, BeforeValidator(_typed_number(0, 10, whole=True, allowed="pain is 0–10, a whole number"))]
Effort = Annotated[
    float | None,
    BeforeValidator(_typed_number(0, 10, whole=False, allowed="effort is 0–10 (10 = no reps left in reserve)")),
]
Kg = Annotated[
    float | None,
    BeforeValidator(_typed_number(0, MAX_LOAD_ENTRY_KG, whole=False, allowed=f"load is 0–{MAX_LOAD_ENTRY_KG:g} kg")),
]
PauseDaysNumber = Annotated[
    int | None,
    BeforeValidator(_typed_number(1, 365, whole=True, allowed="the pause is a whole number of days from 1 to 365")),
]
# The logging table's columns, as the clinician sees them; field errors name them.
LOAD = "Load (kg)"
BAND = "Band"
REPS = "Reps done"
EFFORT = "Effort"
PAIN_DURING = "Pain during"
PAIN_AFTER = "Pain after"


class SetEntry(Command):
    """One set as logged: what was lifted, how many reps, how hard and how painful. Blank reps: not done."""

    model_config = ConfigDict(populate_by_name=True)  # the aliases are the column names above

    load_kg: Kg = Field(default=None, alias="Load (kg)")
    band: str | None = Field(default=None, alias="Band")
    reps: Reps = Field(default=None, alias="Reps done")
    effort: Effort = Field(default=None, alias="Effort")
    pain_during: Pain = Field(default=None, alias="Pain during")
    pain_after: Pain = Field(default=None, alias="Pain after")

    @pydantic.field_validator("band", mode="before")
    @classmethod
    def _blank_band(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


def set_entry(cells: Mapping[str, Any], *, prefix: str) -> SetEntry:
    """One row of the logging table as a command; errors name ``prefix`` + the column."""
    return parse(
        SetEntry, {k: cells.get(k) for k in (LOAD, BAND, REPS, EFFORT, PAIN_DURING, PAIN_AFTER)}, prefix=prefix
    )


class LoadOverride(Command):
    """A clinician's own next load: kg for a weighted exercise, or a band, always with a reason."""

    override_load: Kg = None
    band_level: int | None = None
    override_reason: str


# --- loading plans ----------------------------------------------------------------------------------------


class BaselineEntry(Command):
    """One exercise's baseline as the plan builder collects it: a tested 1RM, or a set's load and reps."""

    exercise_key: str
    side: Literal["paretic", "non_paretic"] | None = None
    method: Literal["tested_1rm", "estimated_submaximal"]
    one_rm_kg: Kg = None
    load_kg: Kg = None
    reps: Reps = None


def baseline_entries(rows: Sequence[Mapping[str, Any]]) -> list[BaselineEntry]:
    """The plan builder's baseline rows as commands; errors name ``baseline.<exercise>.<side>.<field>``."""

    def prefix(row: Mapping[str, Any]) -> str:
        key = row.get("exercise_key") if isinstance(row, Mapping) else None
        side = row.get("side") if isinstance(row, Mapping) else None
        return f"baseline.{key if isinstance(key, str) else ''}.{side if isinstance(side, str) else 'both'}."

    return parse_all(BaselineEntry, rows, prefix)


# --- goals ------------------------------------------------------------------------------------------------


class MeasureGoal(Command):
    """A SMART goal on a catalogued measure: the value to reach (in the unit the form shows) by a date."""

    statement: str
    measure_key: str
    side: Literal["left", "right"] | None = None
    target_value: float
    target_date: date


class GasGoal(Command):
    """A Goal Attainment Scale: the five levels described, the baseline, optional importance and difficulty."""

    statement: str
    levels: dict[int, str]
    baseline: int
    importance: int | None = None
    difficulty: int | None = None
    target_date: date


# --- clinic settings ---------------------------------------------------------------------------------------


class PauseDays(Command):
    """The clinic's pause length: more days than this without a workout restart a plan's count."""

    pause_days: PauseDaysNumber
