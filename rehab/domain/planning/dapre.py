"""DAPRE: Daily Adjustable Progressive Resistive Exercise (Knight 1979, Am J Sports Med [R12]).

The working weight is an estimated 6RM. A session is four sets: 10 reps at 50 % of the working
weight, 6 reps at 75 %, as many reps as possible at 100 %, then as many as possible at a weight
adjusted from the third set's reps. The fourth set's reps set the next session's working weight.

Source conflict (clinical reference §7.4): the Millar/Human Kinetics summary applies the
"next session" column to the Set-3 reps, and vcalc applies the "Set 4" column to the next session.
This module follows the two-column reading of physio-pedia/Knight (Set 3 → Set 4 weight;
Set 4 → next session); the exact 1979 wording is unverified (MEM).

Scaling: Knight's kg ranges were written for athletes' knee extensors. Here each row becomes a
whole number of the exercise's load steps, chosen so that with a 2.5 kg step the change falls inside
the row's kg range (e.g. "+2.5 to +7.5 kg" → +2 steps = +5 kg). With a smaller step (1 kg
dumbbells, a paretic arm) the change shrinks in proportion. No stroke validation of DAPRE was found;
the scaling is a design choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.evidence import EvidenceLevel

DAPRE_SOURCE = "Knight 1979 DAPRE, as reproduced by physio-pedia / NSCA 2008 [R12]"

# 6RM ≈ 1RM / 1.20 (Foust, "The DAPRE technique" [R12]).
SIX_RM_FROM_ONE_RM_DIVISOR = 1.20


@dataclass(frozen=True)
class DapreRow:
    """One row of the adjustment table, scaled to load steps."""

    min_reps: int
    max_reps: int | None  # None: no upper end (the "11 or more" row)
    steps: int
    knight_range: str  # the original table's range, for help text

    def covers(self, reps: int) -> bool:
        """True when ``reps`` falls in this row."""
        return reps >= self.min_reps and (self.max_reps is None or reps <= self.max_reps)

    @property
    def reps_label(self) -> str:
        """'0–2', '≥ 11'."""
        if self.max_reps is None:
            return f"≥ {self.min_reps}"
        return f"{self.min_reps}–{self.max_reps}"


# Next session's working weight, from the reps of the final (fourth) set [R12].
NEXT_SESSION_ROWS: tuple[DapreRow, ...] = (
    DapreRow(0, 2, -1, "−2.5 to −5 kg"),
    DapreRow(3, 4, 0, "keep the same"),
    DapreRow(5, 6, 1, "+2.5 to +5 kg"),
    DapreRow(7, 10, 2, "+2.5 to +7.5 kg"),
    DapreRow(11, None, 3, "+5 to +10 kg"),
)

# Fourth-set weight, from the reps of the third set [R12]; the 3–4 row is from vcalc (2°).
SET_FOUR_ROWS: tuple[DapreRow, ...] = (
    DapreRow(0, 2, -1, "−2.5 to −5 kg"),
    DapreRow(3, 4, 0, "−0 to −2.5 kg"),
    DapreRow(5, 6, 0, "keep the same"),
    DapreRow(7, 10, 1, "+2.5 to +5 kg"),
    DapreRow(11, None, 2, "+5 to +7.5 kg"),
)

EVIDENCE = EvidenceLevel.SECONDARY
"""The table is known only through secondary reproductions; the step scaling is a design choice."""


def validate_rows(field: str, rows: object) -> tuple[DapreRow, ...]:
    """Rows must start at 0 reps, follow on without gaps and end open; steps must not fall as reps rise."""
    if not isinstance(rows, tuple | list) or not rows:
        raise ValidationError(field, "needs at least one row")
    expected = 0
    previous_steps: int | None = None
    for position, row in enumerate(rows):
        if not isinstance(row, DapreRow):
            raise ValidationError(field, "each row must be a DapreRow")
        _checks.whole_number(field, row.min_reps, minimum=0)
        _checks.whole_number(field, row.steps, minimum=-10, maximum=10)
        if row.min_reps != expected:
            raise ValidationError(field, f"rows must cover reps from 0 upwards without gaps (expected {expected})")
        last = position == len(rows) - 1
        if last != (row.max_reps is None):
            raise ValidationError(field, "only the last row is open-ended")
        if row.max_reps is not None:
            _checks.whole_number(field, row.max_reps, minimum=row.min_reps)
            expected = row.max_reps + 1
        if previous_steps is not None and row.steps < previous_steps:
            raise ValidationError(field, "more reps must never mean a smaller change")
        previous_steps = row.steps
    return tuple(rows)


def row_for(reps: int, rows: tuple[DapreRow, ...] = NEXT_SESSION_ROWS) -> DapreRow:
    """The table row for the reps achieved."""
    _checks.whole_number("reps", reps, minimum=0)
    for row in rows:
        if row.covers(reps):
            return row
    raise ValidationError("reps", "no DAPRE row covers this number of reps")  # unreachable with validated rows


def working_weight_from_one_rm(one_rm_kg: float) -> float:
    """Estimated 6RM to start DAPRE from a 1RM: 1RM / 1.20 (Foust [R12])."""
    one_rm = _checks.number("one_rm_kg", one_rm_kg, minimum=0.0, maximum=1000.0, above_minimum=True, unit="kg")
    return one_rm / SIX_RM_FROM_ONE_RM_DIVISOR


@dataclass(frozen=True)
class DapreSet:
    """One planned DAPRE set. ``target_reps`` is None for 'as many as possible'."""

    number: int
    percent_of_working_weight: float
    target_reps: int | None
    load_kg: float | None  # None for set 4, which depends on set 3


def session_sets(working_weight_kg: float) -> tuple[DapreSet, ...]:
    """The four DAPRE sets for a working weight (Knight 1979 [R12]); loads are not rounded here."""
    weight = _checks.number(
        "working_weight_kg", working_weight_kg, minimum=0.0, maximum=1000.0, above_minimum=True, unit="kg"
    )
    return (
        DapreSet(1, 50.0, 10, weight * 0.50),
        DapreSet(2, 75.0, 6, weight * 0.75),
        DapreSet(3, 100.0, None, weight),
        DapreSet(4, 100.0, None, None),
    )


def set_four_change(set_three_reps: int, step_kg: float) -> tuple[float, str]:
    """Change to the working weight for the fourth set, from the third set's reps, with the reason."""
    step = _checks.number("step_kg", step_kg, minimum=0.0, maximum=100.0, above_minimum=True, unit="kg")
    row = row_for(set_three_reps, SET_FOUR_ROWS)
    change = row.steps * step
    return change, (
        f"DAPRE set 4: set 3 reached {set_three_reps} reps (row {row.reps_label}, "
        f"Knight: {row.knight_range}) → {row.steps:+d} step(s) of {_checks.format_kg(step)} "
        f"= {change:+g} kg. Source: {DAPRE_SOURCE}."
    )
