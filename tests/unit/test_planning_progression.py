"""Worked progression scenarios, each worked out by hand in the comment above it."""

from __future__ import annotations

import math

import pytest

from rehab.domain.errors import ValidationError
from rehab.domain.planning import (
    DEFAULT_EXERCISES,
    ExerciseSession,
    LoadDecision,
    ProgressionSettings,
    SetResult,
    apply_override,
    next_band_level,
    next_load,
)


def session(
    *last_reps: int, target: int = 10, load: float = 20.0, pain: int | None = 2, screen_ok: bool = True
) -> ExerciseSession:
    """A session whose sets reached ``last_reps`` (the final one is the 'last set')."""
    return ExerciseSession(
        target_reps=target, sets=[SetResult(load, r) for r in last_reps], pain=pain, screen_ok=screen_ok
    )


def rated(reps: list[int], rpe: list[float | None], *, target: int = 10, pain: int | None = 1) -> ExerciseSession:
    return ExerciseSession(
        target_reps=target, sets=[SetResult(30.0, r, e) for r, e in zip(reps, rpe, strict=True)], pain=pain
    )


# --- 2-for-2 -----------------------------------------------------------------------------------------


def test_two_for_two_increase_worked_example() -> None:
    # target 10; last sets 12 and 13 reps, pain 2, screen ok → 20 kg + 2.5 = 22.5 kg, increase.
    # 2.5 / 20 = 12.5 % > 10 % → a clinician must confirm.
    decision = next_load([session(12), session(13)], current_kg=20.0, increment_kg=2.5)
    assert decision.load_kg == 22.5
    assert decision.action == "increase"
    assert decision.needs_confirmation is True
    assert "2-for-2" in decision.reason
    assert "sessions 1 and 2" in decision.reason
    assert "12 and 13" in decision.reason
    assert decision.previous_kg == 20.0
    assert any("[R11]" in s for s in decision.sources)


def test_two_for_two_ten_percent_exactly_needs_no_confirmation() -> None:
    # 25 kg + 2.5 = 27.5 kg; 2.5 / 25 = 10 % exactly, not above 10 % → no confirmation.
    decision = next_load([session(12), session(12)], current_kg=25.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action, decision.needs_confirmation) == (27.5, "increase", False)


def test_two_for_two_reads_only_the_two_most_recent_sessions() -> None:
    # sessions: 8 (short), 12, 12 → the two most recent (2 and 3) both ≥ 12 → 40 + 2.5 = 42.5.
    decision = next_load([session(8), session(12), session(12)], current_kg=40.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (42.5, "increase")
    assert "sessions 2 and 3" in decision.reason


def test_two_for_two_one_session_over_target_holds() -> None:
    # last sets 12 then 11: only one of the two reached target + 2 = 12 → hold 20 kg.
    decision = next_load([session(12), session(11)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (20.0, "hold")


def test_two_for_two_uses_the_last_set_not_the_best_set() -> None:
    # sets 12, 12, 9 in both sessions: last sets 9 and 9 < target 10 → 20 − 2.5 = 17.5, decrease.
    decision = next_load([session(12, 12, 9), session(12, 12, 9)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (17.5, "decrease")


def test_two_for_two_short_twice_decreases() -> None:
    # last sets 8 and 9 against target 10 → 20 − 2.5 = 17.5, decrease.
    decision = next_load([session(8), session(9)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (17.5, "decrease")
    assert decision.needs_confirmation is False


def test_two_for_two_short_once_holds() -> None:
    # last sets 9 (short) then 10 (on target) → hold.
    decision = next_load([session(9), session(10)], current_kg=20.0, increment_kg=2.5)
    assert decision.action == "hold"


def test_two_for_two_needs_two_sessions() -> None:
    # one session at 14 reps: not yet 2 in a row → hold.
    decision = next_load([session(14)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (20.0, "hold")
    assert "only 1 session" in decision.reason


def test_empty_history_holds() -> None:
    decision = next_load([], current_kg=12.5, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (12.5, "hold")


def test_pain_above_five_decreases_even_when_reps_say_increase() -> None:
    # last sets 12 and 13 (would increase) but pain 6/10 in the latest session → 20 − 2.5 = 17.5.
    decision = next_load([session(12), session(13, pain=6)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (17.5, "decrease")
    assert "Pain 6/10" in decision.reason
    assert any("[R17]" in s for s in decision.sources)


def test_pain_of_five_still_allows_increase() -> None:
    # pain 5 is the top of the acceptable zone: 12 and 12 → 20 + 2.5 = 22.5.
    decision = next_load([session(12), session(12, pain=5)], current_kg=20.0, increment_kg=2.5)
    assert decision.action == "increase"


def test_pain_in_an_older_session_does_not_decide() -> None:
    # pain 8 two sessions ago, 2 now; last sets 12 and 12 → increase.
    decision = next_load([session(12, pain=8), session(12, pain=2)], current_kg=20.0, increment_kg=2.5)
    assert decision.action == "increase"


def test_failed_screen_blocks_the_increase() -> None:
    # last sets 12 and 13 but the latest screen failed → hold at 20 kg.
    decision = next_load([session(12), session(13, screen_ok=False)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (20.0, "hold")
    assert "screen did not pass" in decision.reason


def test_failed_screen_does_not_block_a_decrease() -> None:
    # last sets 8 and 8 (short), screen failed → still 20 − 2.5 = 17.5.
    decision = next_load([session(8), session(8, screen_ok=False)], current_kg=20.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (17.5, "decrease")


def test_decrease_never_goes_below_zero() -> None:
    # 1 kg − 2.5 kg would be −1.5 → 0 kg.
    decision = next_load([session(5), session(5)], current_kg=1.0, increment_kg=2.5)
    assert (decision.load_kg, decision.action) == (0.0, "decrease")
    # already at 0 kg: nothing to take off → hold at 0.
    at_zero = next_load([session(5), session(5)], current_kg=0.0, increment_kg=2.5)
    assert (at_zero.load_kg, at_zero.action) == (0.0, "hold")


def test_increase_from_zero_needs_confirmation() -> None:
    # 0 kg added load + 1 kg: any rise from nothing is more than 10 % → confirm.
    decision = next_load([session(12), session(12)], current_kg=0.0, increment_kg=1.0)
    assert (decision.load_kg, decision.needs_confirmation) == (1.0, True)


def test_decimal_arithmetic_keeps_clean_multiples() -> None:
    # 0.1 kg steps: 0.2 + 0.1 = 0.3 exactly, not the 0.30000000000000004 of float arithmetic.
    decision = next_load([session(12), session(12)], current_kg=0.2, increment_kg=0.1)
    assert decision.load_kg == 0.3


# --- RPE ---------------------------------------------------------------------------------------------


def test_rpe_increase_worked_example() -> None:
    # target 10; sets 10 @ RPE 6 and 10 @ RPE 7 → reached at effort ≤ 7 → 30 + 2.5 = 32.5 (8.3 %, no confirm).
    decision = next_load([rated([10, 10], [6, 7])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert (decision.load_kg, decision.action, decision.needs_confirmation) == (32.5, "increase", False)
    assert "[R13]" in decision.sources[0]


def test_rpe_eight_holds() -> None:
    # target met but the last set at RPE 8 → hold.
    decision = next_load([rated([10, 10], [7, 8])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert decision.action == "hold"


def test_rpe_ten_and_short_decreases() -> None:
    # last set 8 of 10 reps at RPE 10 (no reps in reserve) → 30 − 2.5 = 27.5.
    decision = next_load([rated([10, 8], [9, 10])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert (decision.load_kg, decision.action) == (27.5, "decrease")


def test_rpe_ten_on_target_holds() -> None:
    decision = next_load([rated([10, 10], [9, 10])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert decision.action == "hold"


def test_rpe_missing_rating_holds() -> None:
    decision = next_load([rated([12], [None])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert decision.action == "hold"
    assert "no effort" in decision.reason


def test_rpe_needs_every_set_on_target() -> None:
    # first set 9 of 10 reps although the last set was 10 @ RPE 6 → hold.
    decision = next_load([rated([9, 10], [6, 6])], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert decision.action == "hold"


def test_rpe_pain_above_five_decreases() -> None:
    decision = next_load([rated([12], [5], pain=7)], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert (decision.load_kg, decision.action) == (27.5, "decrease")


def test_rpe_failed_screen_holds() -> None:
    sess = ExerciseSession(10, [SetResult(30.0, 12, 5.0)], pain=0, screen_ok=False)
    decision = next_load([sess], current_kg=30.0, increment_kg=2.5, rule="rpe")
    assert (decision.load_kg, decision.action) == (30.0, "hold")


# --- DAPRE -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("final_reps", "expected_kg", "action"),
    [
        # 20 kg working weight, 2.5 kg step; Knight's next-session row → steps:
        (0, 17.5, "decrease"),  # 0–2 → −1 step
        (2, 17.5, "decrease"),
        (3, 20.0, "hold"),  # 3–4 → keep
        (4, 20.0, "hold"),
        (5, 22.5, "increase"),  # 5–6 → +1 step
        (6, 22.5, "increase"),
        (7, 25.0, "increase"),  # 7–10 → +2 steps
        (10, 25.0, "increase"),
        (11, 27.5, "increase"),  # ≥ 11 → +3 steps
        (20, 27.5, "increase"),
    ],
)
def test_dapre_table(final_reps: int, expected_kg: float, action: str) -> None:
    history = [session(10, 6, 7, final_reps, target=6)]
    decision = next_load(history, current_kg=20.0, increment_kg=2.5, rule="dapre")
    assert (decision.load_kg, decision.action) == (expected_kg, action)
    assert "DAPRE" in decision.reason


def test_dapre_scales_to_a_small_step() -> None:
    # 1 kg dumbbell step, final set 8 reps → +2 steps = 6 + 2 = 8 kg (33 % → confirm).
    decision = next_load([session(8, target=6)], current_kg=6.0, increment_kg=1.0, rule="dapre")
    assert (decision.load_kg, decision.needs_confirmation) == (8.0, True)


def test_dapre_pain_and_screen_override() -> None:
    # 12 reps would be +3 steps, but pain 6 → −1 step: 20 − 2.5 = 17.5.
    painful = next_load([session(12, target=6, pain=6)], current_kg=20.0, increment_kg=2.5, rule="dapre")
    assert (painful.load_kg, painful.action) == (17.5, "decrease")
    # 12 reps with a failed screen → hold.
    unscreened = next_load([session(12, target=6, screen_ok=False)], current_kg=20.0, increment_kg=2.5, rule="dapre")
    assert (unscreened.load_kg, unscreened.action) == (20.0, "hold")
    # 1 rep with a failed screen → still −1 step.
    weak = next_load([session(1, target=6, screen_ok=False)], current_kg=20.0, increment_kg=2.5, rule="dapre")
    assert weak.action == "decrease"


# --- overrides ---------------------------------------------------------------------------------------


def test_override_marks_the_decision_and_the_engine_continues_from_it() -> None:
    history = [session(12), session(13)]
    suggested = next_load(history, current_kg=20.0, increment_kg=2.5)
    overridden = apply_override(suggested, 21.0, "Knee sore after last session")
    assert overridden.clinician_override is True
    assert overridden.load_kg == 21.0
    assert overridden.action == "increase"  # 21 kg against the previous 20 kg
    assert overridden.needs_confirmation is False
    assert "Clinician override: Knee sore after last session." in overridden.reason
    assert "22.5 kg" in overridden.reason  # what the rule had suggested is kept
    # next session continues from 21 kg: two more sessions at 12 reps → 21 + 2.5 = 23.5.
    following = next_load([session(12), session(12)], current_kg=overridden.load_kg, increment_kg=2.5)
    assert following.load_kg == 23.5


def test_override_to_lower_and_same_load() -> None:
    suggested = next_load([session(12), session(13)], current_kg=20.0, increment_kg=2.5)
    assert apply_override(suggested, 15.0, "Fatigue").action == "decrease"
    assert apply_override(suggested, 20.0, "Keep it steady").action == "hold"


@pytest.mark.parametrize(
    ("override_kg", "reason", "field"),
    [
        (21.0, "", "reason"),
        (21.0, "   ", "reason"),
        (21.0, None, "reason"),
        (-1.0, "x", "override_kg"),
        (math.nan, "x", "override_kg"),
        ("21", "x", "override_kg"),
    ],
)
def test_override_validation(override_kg: object, reason: object, field: str) -> None:
    suggested = next_load([], current_kg=20.0, increment_kg=2.5)
    with pytest.raises(ValidationError) as caught:
        apply_override(suggested, override_kg, reason)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_override_needs_a_decision() -> None:
    with pytest.raises(ValidationError) as caught:
        apply_override("increase", 20.0, "x")  # type: ignore[arg-type]
    assert caught.value.field == "decision"


# --- band exercises ----------------------------------------------------------------------------------


def test_band_moves_one_level_and_stops_at_the_ends() -> None:
    band = DEFAULT_EXERCISES["hip_abduction"]
    up = next_band_level([session(12), session(12)], current_level=2, exercise=band)
    assert (up.level, up.colour, up.action) == (3, "green", "increase")
    assert up.needs_confirmation is True  # red ~1.7 kg → green ~2.1 kg is more than 10 %
    top = len(band.band_levels) - 1
    stay = next_band_level([session(12), session(12)], current_level=top, exercise=band)
    assert (stay.level, stay.action) == (top, "hold")
    bottom = next_band_level([session(5), session(5)], current_level=0, exercise=band)
    assert (bottom.level, bottom.action) == (0, "hold")
    down = next_band_level([session(5), session(5)], current_level=4, exercise=band)
    assert (down.level, down.colour, down.action) == (3, "green", "decrease")


def test_band_validation() -> None:
    with pytest.raises(ValidationError) as caught:
        next_band_level([], current_level=0, exercise=DEFAULT_EXERCISES["leg_press"])
    assert caught.value.field == "exercise"
    with pytest.raises(ValidationError) as caught:
        next_band_level([], current_level=99, exercise=DEFAULT_EXERCISES["hip_abduction"])
    assert caught.value.field == "current_level"


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"current_kg": -2.5}, "current_kg"),
        ({"current_kg": math.nan}, "current_kg"),
        ({"current_kg": math.inf}, "current_kg"),
        ({"current_kg": "20"}, "current_kg"),
        ({"current_kg": True}, "current_kg"),
        ({"increment_kg": 0.0}, "increment_kg"),
        ({"increment_kg": -2.5}, "increment_kg"),
        ({"increment_kg": math.nan}, "increment_kg"),
        ({"increment_kg": None}, "increment_kg"),
        ({"rule": "five_by_five"}, "rule"),
        ({"rule": None}, "rule"),
        ({"settings": "strict"}, "settings"),
    ],
)
def test_next_load_validation(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"current_kg": 20.0, "increment_kg": 2.5} | kwargs
    with pytest.raises(ValidationError) as caught:
        next_load([session(10)], **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("history", ["sessions", None, 3, [1, 2], [None]])
def test_history_must_be_sessions(history: object) -> None:
    with pytest.raises(ValidationError) as caught:
        next_load(history, current_kg=20.0, increment_kg=2.5)  # type: ignore[arg-type]
    assert caught.value.field == "history"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: SetResult(-1.0, 10), "load_kg"),
        (lambda: SetResult(math.nan, 10), "load_kg"),
        (lambda: SetResult(20.0, -1), "reps"),
        (lambda: SetResult(20.0, 10.5), "reps"),
        (lambda: SetResult(20.0, True), "reps"),
        (lambda: SetResult(20.0, 10, 11.0), "rpe"),
        (lambda: SetResult(20.0, 10, -0.5), "rpe"),
        (lambda: SetResult(20.0, 10, math.nan), "rpe"),
        (lambda: ExerciseSession(10, []), "sets"),
        (lambda: ExerciseSession(10, "12"), "sets"),
        (lambda: ExerciseSession(10, [12]), "sets"),
        (lambda: ExerciseSession(0, [SetResult(20.0, 10)]), "target_reps"),
        (lambda: ExerciseSession(10, [SetResult(20.0, 10)], pain=11), "pain"),
        (lambda: ExerciseSession(10, [SetResult(20.0, 10)], pain=-1), "pain"),
        (lambda: ExerciseSession(10, [SetResult(20.0, 10)], pain=4.5), "pain"),
        (lambda: ExerciseSession(10, [SetResult(20.0, 10)], screen_ok="yes"), "screen_ok"),
    ],
)
def test_session_validation(build: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


def test_settings_are_configurable_and_validated() -> None:
    # A stricter clinic: pain must stay at or below 3 → pain 4 now means decrease.
    strict = ProgressionSettings(pain_limit=3)
    decision = next_load([session(12), session(12, pain=4)], current_kg=20.0, increment_kg=2.5, settings=strict)
    assert decision.action == "decrease"
    with pytest.raises(ValidationError) as caught:
        ProgressionSettings(rpe_increase_at_or_below=10.0)
    assert caught.value.field == "rpe_increase_at_or_below"
    with pytest.raises(ValidationError):
        ProgressionSettings(pain_limit=11)


def test_sets_are_frozen_as_a_tuple() -> None:
    sets = [SetResult(20.0, 12)]
    logged = ExerciseSession(10, sets)
    sets.append(SetResult(20.0, 0))
    assert len(logged.sets) == 1
    assert isinstance(next_load([logged], current_kg=20.0, increment_kg=2.5), LoadDecision)
