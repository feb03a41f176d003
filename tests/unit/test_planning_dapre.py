"""DAPRE session structure and adjustment tables (Knight 1979 [R12])."""

from __future__ import annotations

import pytest

from rehab.domain.errors import ValidationError
from rehab.domain.planning import (
    NEXT_SESSION_ROWS,
    DapreRow,
    ProgressionSettings,
    session_sets,
    set_four_change,
    working_weight_from_one_rm,
)
from rehab.domain.planning.dapre import row_for, validate_rows


def test_working_weight_is_six_rm_from_one_rm() -> None:
    # 6RM ≈ 1RM / 1.20 (Foust): 60 kg → 50 kg.
    assert working_weight_from_one_rm(60.0) == pytest.approx(50.0)


def test_session_sets() -> None:
    # working weight 40 kg: 10 × 20 kg, 6 × 30 kg, max × 40 kg, set 4 adjusted.
    sets = session_sets(40.0)
    assert [(s.target_reps, s.load_kg) for s in sets] == [(10, 20.0), (6, 30.0), (None, 40.0), (None, None)]


@pytest.mark.parametrize(
    ("set_three_reps", "change"),
    [(0, -2.5), (2, -2.5), (3, 0.0), (4, 0.0), (5, 0.0), (6, 0.0), (7, 2.5), (10, 2.5), (11, 5.0)],
)
def test_set_four_change(set_three_reps: int, change: float) -> None:
    value, reason = set_four_change(set_three_reps, 2.5)
    assert value == change
    assert "[R12]" in reason


def test_row_lookup_covers_every_rep_count() -> None:
    assert [row_for(r).steps for r in (0, 2, 3, 4, 5, 6, 7, 10, 11, 50)] == [-1, -1, 0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    "rows",
    [
        (),
        (DapreRow(1, None, 0, "x"),),  # does not start at 0
        (DapreRow(0, 2, -1, "x"), DapreRow(4, None, 1, "x")),  # gap at 3
        (DapreRow(0, 2, 1, "x"), DapreRow(3, None, -1, "x")),  # more reps, smaller change
        (DapreRow(0, 2, 1, "x"), DapreRow(3, 5, 2, "x")),  # last row not open-ended
    ],
)
def test_custom_rows_validated(rows: tuple[DapreRow, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        ProgressionSettings(dapre_rows=rows)
    assert caught.value.field == "dapre_rows"


def test_default_rows_are_valid() -> None:
    assert validate_rows("dapre_rows", NEXT_SESSION_ROWS) == NEXT_SESSION_ROWS
