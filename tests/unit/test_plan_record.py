"""Rebuilding an item's progression from its record (``plan_record.replay``), worked by hand from the NSCA
2-for-2 rule (two consecutive workouts at the current load; Baechle & Earle, clinical reference §7.4 [R11]).
Leg press, 2.5 kg step, target 10 reps."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.domain.planning import DEFAULT_EXERCISES, ExerciseSession, SetResult
from rehab.domain.planning.loading_plan import Action, ItemProgression, OneRm, Rule, Workout
from rehab.domain.planning.plan_record import SessionFacts, Settled, replay

LEG_PRESS = DEFAULT_EXERCISES["leg_press"]
DAY = date(2026, 3, 2)


def _fresh(retests: list[OneRm] | None = None) -> ItemProgression:
    return ItemProgression(
        exercise=LEG_PRESS, rule=Rule.TWO_FOR_TWO, load=0.0, one_rm=OneRm(100.0, None, "tested"), retests=retests or []
    )


def _twelve_at(load: float, day: int) -> Workout:
    return Workout(on=DAY + timedelta(days=day), session=ExerciseSession(10, [SetResult(load, 12)]))


def test_one_stored_workout_then_a_new_one_make_two_in_a_row() -> None:
    item = _fresh()
    replay(item, Settled(40.0), [(_twelve_at(40.0, 0), Settled(40.0))])
    assert item.load == 40.0 and item.started
    assert item.log(_twelve_at(40.0, 2)).load == 42.5  # 12 ≥ 10 + 2 in two sessions at 40 kg


def test_a_stored_override_to_the_same_load_restarts_the_count() -> None:
    item = _fresh()
    replay(item, Settled(40.0), [(_twelve_at(40.0, 0), Settled(40.0, override=True))])
    decided = item.log(_twelve_at(40.0, 2))
    assert decided.action is Action.HOLD and decided.load == 40.0  # only one session since the override


def test_a_retest_re_anchors_the_plan_from_its_date() -> None:
    # Re-tested 1RM 45 kg on day 3: 80 % is 36 kg, so 40 kg is already at the ceiling and no increase follows.
    item = _fresh([OneRm(45.0, DAY + timedelta(days=3), "re-test")])
    replay(item, Settled(40.0), [(_twelve_at(40.0, 0), None)])
    assert item.one_rm is not None and item.one_rm.kg == 100.0  # not before its date
    decided = item.log(_twelve_at(40.0, 4))
    assert item.one_rm.kg == 45.0 and decided.action is Action.HOLD and decided.retest_due


def test_only_a_clear_go_lets_a_load_rise() -> None:
    facts = [SessionFacts(DAY, 1, True, outcome, False).screen_ok for outcome in ("go", "caution", "stop", None, "x")]
    assert facts == [True, False, False, False, False]
