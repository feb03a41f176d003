"""The treatment session's logging table: one row per prescribed set, pre-filled, then checked as typed.

Each row is read by the typed command ``commands.SetEntry`` (nothing coerced or clamped), then against
its prescription (a band exercise needs one of its bands; a set done needs its load). Every problem names
its row, as numbered on screen, and its column, so the page shows them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services import commands
from rehab.services.commands import BAND, EFFORT, LOAD, PAIN_AFTER, PAIN_DURING, REPS
from rehab.services.prescriptions import ItemPrescription

# Columns of the logging table, as the clinician sees them; validation messages name them. The editable
# ones are the fields of the typed command ``commands.SetEntry``.
ITEM = "item_id"
EXERCISE = "Exercise"
SET = "Set"
TARGET = "Target"
LOG_COLUMNS = (ITEM, EXERCISE, SET, LOAD, BAND, TARGET, REPS, EFFORT, PAIN_DURING, PAIN_AFTER)
EDITABLE_COLUMNS = (LOAD, BAND, REPS, EFFORT, PAIN_DURING, PAIN_AFTER)

MAX_SET_ENTRY = 50  # data-entry limit: templates prescribe at most 10 sets
SIDE_SHORT = {"paretic": "paretic", "non_paretic": "non-paretic"}


@dataclass(frozen=True)
class LoggedRow:
    """One validated row of the logging table (reps None: the set was not done)."""

    item_id: int
    set_number: int
    target_reps: int
    prescribed_load_kg: float | None
    prescribed_band_level: int | None
    load_kg: float | None
    band_level: int | None
    reps: int | None
    effort: float | None
    pain_during: int | None
    pain_after: int | None


def prefill_rows(prescriptions: Sequence[ItemPrescription]) -> list[dict[str, Any]]:
    """One row per prescribed set, with the load in force and reps done pre-filled with the target."""
    rows = []
    for p in prescriptions:
        band = p.band_colours[p.band_level] if p.uses_bands and p.band_level is not None else None
        for number in range(1, p.sets + 1):
            rows.append(
                {
                    ITEM: p.item_id,
                    EXERCISE: " · ".join([p.exercise_name, *([SIDE_SHORT[p.side]] if p.side in SIDE_SHORT else [])])
                    + f" · set {number}",
                    SET: number,
                    LOAD: None if p.uses_bands else p.load_kg,
                    BAND: band,
                    TARGET: p.target_reps,
                    REPS: p.target_reps,
                    EFFORT: None,
                    PAIN_DURING: None,
                    PAIN_AFTER: None,
                }
            )
    return rows


def _check_row(
    where: str, index: int, cells: Mapping[str, Any], presc: ItemPrescription, set_number: int
) -> tuple[LoggedRow | None, list[ValidationError]]:
    """One row as a typed command (``commands.SetEntry``), then what the prescription requires of it."""
    errors: list[ValidationError] = []

    def problem(column: str, text: str) -> None:
        errors.append(ValidationError(f"row{index}.{column}", f"{where}, {column}: {text}"))

    try:
        entry = commands.set_entry(cells, prefix=f"row{index}.")
    except ValidationErrors as exc:
        errors = [ValidationError(e.field, f"{where}, {e.field.split('.', 1)[1]}: {e.message}.") for e in exc.errors]
        # Every problem of the row at once: a missing load is said beside a cell that could not be read.
        typed = {column: str(cells.get(column) or "").strip() for column in (REPS, LOAD)}
        if not presc.uses_bands and typed[REPS] and not typed[LOAD]:
            problem(LOAD, "enter the load lifted in kg (0 for no added load).")
        return None, errors

    band_level: int | None = None
    done = entry.reps is not None
    if presc.uses_bands:
        if entry.band is not None and entry.band in presc.band_colours:
            band_level = presc.band_colours.index(entry.band)
        elif entry.band is not None or done:
            problem(BAND, f"choose one of the bands: {', '.join(presc.band_colours)}.")
    elif entry.load_kg is None and done:
        problem(LOAD, "enter the load lifted in kg (0 for no added load).")
    if errors:
        return None, errors
    row = LoggedRow(
        item_id=presc.item_id,
        set_number=set_number,
        target_reps=presc.target_reps,
        prescribed_load_kg=None if presc.uses_bands else presc.load_kg,
        prescribed_band_level=presc.band_level if presc.uses_bands else None,
        load_kg=None if presc.uses_bands else entry.load_kg,
        band_level=band_level,
        reps=entry.reps,
        effort=entry.effort,
        pain_during=entry.pain_during,
        pain_after=entry.pain_after,
    )
    return row, []


def _whole(value: object) -> TypeGuard[int]:
    """An id or set number the page itself filled in: a whole number, never a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_rows(prescriptions: Sequence[ItemPrescription], rows: Sequence[Mapping[str, Any]]) -> list[LoggedRow]:
    """Check the whole table; every problem names its row (as numbered on screen) and column.

    An empty "Reps done" means that set was not done. Nothing is saved unless every row is valid.
    """
    by_item = {p.item_id: p for p in prescriptions}
    errors: list[ValidationError] = []
    out: list[LoggedRow] = []
    seen: set[tuple[int, int]] = set()
    for index, raw in enumerate(rows, start=1):
        row: dict[str, Any] = {k: raw.get(k) for k in LOG_COLUMNS}
        presc = by_item.get(row[ITEM]) if _whole(row[ITEM]) else None
        if presc is None:
            errors.append(ValidationError(f"row{index}.{EXERCISE}", f"Row {index}: this exercise is not in the plan."))
            continue
        set_number = row[SET]
        if not _whole(set_number) or not 1 <= set_number <= MAX_SET_ENTRY or (presc.item_id, set_number) in seen:
            errors.append(
                ValidationError(
                    f"row{index}.{SET}", f"Row {index}, {SET}: must be a new set number from 1 to {MAX_SET_ENTRY}."
                )
            )
            continue
        seen.add((presc.item_id, set_number))
        logged, problems = _check_row(f"Row {index} ({presc.label}, set {set_number})", index, row, presc, set_number)
        errors.extend(problems)
        if logged is not None:
            out.append(logged)
    if not errors and not any(r.reps is not None for r in out):
        errors.append(
            ValidationError(
                "rows",
                f"No sets recorded: enter {REPS} for the sets done, or record the session as not performed.",
            )
        )
    if errors:
        raise ValidationErrors(errors)
    return out


def set_values(row: LoggedRow, session_id: int) -> dict[str, Any]:
    """A checked row as a ``session_sets`` row's values."""
    values = dict(row.__dict__)
    values["plan_item_id"] = values.pop("item_id")
    return dict(values, session_id=session_id)
