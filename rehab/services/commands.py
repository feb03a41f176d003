"""Typed commands from the UI, and the one parser from widget values to field errors.

A page collects widget values into a mapping; ``parse`` turns it into a frozen pydantic model or raises
``ValidationErrors`` naming each field, so the page can show every message beside its widget. Parsing is
strict: nothing is coerced (the text "12" is not a number, 12.5 is not a whole number of reps), so what a
clinician typed is never silently changed. The clinical checks (ranges, whole reps, plausibility) stay in
the domain and the use cases; this layer only fixes the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict

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
    return ValidationError(prefix + name, _MESSAGES.get(error["type"], "is not valid"))


# --- loading plans ----------------------------------------------------------------------------------------


class BaselineEntry(Command):
    """One exercise's baseline as the plan builder collects it: a tested 1RM, or a set's load and reps."""

    exercise_key: str
    side: Literal["paretic", "non_paretic"] | None = None
    method: Literal["tested_1rm", "estimated_submaximal"]
    one_rm_kg: float | None = None
    load_kg: float | None = None
    reps: int | None = None


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
