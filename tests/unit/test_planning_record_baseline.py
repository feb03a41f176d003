"""Choosing a plan's baseline from the recorded 1RMs: latest wins, per side, stale beyond the re-test interval."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.domain.planning import DEFAULT_TEMPLATE, Side, exercise_library
from rehab.domain.planning.record_baseline import RecordedOneRm, choose, match_exercise

TODAY = date(2026, 12, 2)
LIBRARY = exercise_library()
EVERY = DEFAULT_TEMPLATE.reassessment_every_weeks  # 4 weeks


def one_rm(
    aid: int,
    days_ago: int,
    text: str,
    kg: float,
    *,
    side: str | None = None,
    method: str = "tested",
    load_kg: float | None = None,
    reps: int | None = None,
    formula: str | None = None,
) -> RecordedOneRm:
    return RecordedOneRm(
        assessment_id=aid,
        taken_on=TODAY - timedelta(days=days_ago),
        exercise_text=text,
        side=side,
        one_rm_kg=kg,
        method=method,
        assessor_name="Sam Physio",
        formula=formula,
        load_kg=load_kg,
        reps=reps,
    )


def pick(records: list[RecordedOneRm], paretic_side: str = "left", every: int = EVERY):  # type: ignore[no-untyped-def]
    return choose(records, LIBRARY, paretic_side=paretic_side, today=TODAY, retest_every_weeks=every)


def test_the_latest_record_wins_whatever_the_order_given() -> None:
    chosen = pick([one_rm(2, 3, "Leg press", 60), one_rm(1, 10, "leg press", 50), one_rm(3, 20, "LEG-PRESS", 40)])
    offer = chosen.get("leg_press", None)
    assert offer is not None
    assert offer.record.one_rm_kg == 60 and offer.age_days == 3 and not offer.stale
    assert offer.caption == "From the assessment on 2026-11-29 by Sam Physio: tested 1RM 60 kg"


def test_same_day_records_fall_back_to_the_later_entry() -> None:
    chosen = pick([one_rm(7, 2, "leg press", 55), one_rm(5, 2, "leg press", 50)])
    assert chosen.get("leg_press", None).record.one_rm_kg == 55  # type: ignore[union-attr]


def test_each_side_keeps_its_own_latest_value_mapped_from_the_affected_side() -> None:
    records = [
        one_rm(1, 5, "Knee extension", 20, side="left"),
        one_rm(2, 2, "knee extension", 22, side="left"),
        one_rm(3, 4, "knee extension", 35, side="right"),
    ]
    left_paretic = pick(records, paretic_side="left")
    assert left_paretic.get("knee_extension", "paretic").record.one_rm_kg == 22  # type: ignore[union-attr]
    assert left_paretic.get("knee_extension", "non_paretic").record.one_rm_kg == 35  # type: ignore[union-attr]
    right_paretic = pick(records, paretic_side="right")
    assert right_paretic.offered[("knee_extension", Side.PARETIC)].record.one_rm_kg == 35


def test_a_side_that_does_not_fit_the_exercise_is_not_offered_and_says_why() -> None:
    chosen = pick(
        [
            one_rm(1, 1, "leg press", 60, side="left"),  # one leg is no baseline for a two-legged press
            one_rm(2, 1, "knee extension", 20),  # one-sided exercise recorded without a side
            one_rm(3, 1, "knee extension", 20, side="left"),
        ],
        paretic_side="bilateral",
    )
    assert chosen.offered == {}
    reasons = [u.reason for u in chosen.unmatched]
    assert reasons == [
        "recorded for one side, but the exercise trains both sides together",
        "recorded without a side, but the exercise is trained one side at a time",
        "the patient's affected side is not left or right, so left/right cannot be mapped",
    ]


def test_beyond_the_retest_interval_the_baseline_is_stale_with_its_age() -> None:
    days = EVERY * 7
    assert not pick([one_rm(1, days, "leg press", 50)]).get("leg_press", None).stale  # type: ignore[union-attr]
    offer = pick([one_rm(1, days + 1, "leg press", 50)]).get("leg_press", None)
    assert offer is not None and offer.stale and offer.age_days == days + 1
    assert "4 weeks old, older than the plan's re-test interval of 4 week(s)" in offer.reason
    assert "re-test it, or enter a current value" in offer.reason
    # a longer interval chosen for this plan makes the same record current
    assert not pick([one_rm(1, days + 1, "leg press", 50)], every=8).get("leg_press", None).stale  # type: ignore[union-attr]


def test_tested_and_estimated_values_are_labelled() -> None:
    est = one_rm(1, 1, "Seated row", 50.67, method="estimated", load_kg=40, reps=8, formula="epley")
    offer = pick([est]).get("seated_row", None)
    assert offer is not None and not offer.tested
    assert offer.value_text == "estimated 1RM 50.7 kg (Epley, 40 kg × 8 reps)"
    tested = pick([one_rm(2, 1, "seated row", 52)]).get("seated_row", None)
    assert tested is not None and tested.tested and tested.value_text == "tested 1RM 52 kg"


def test_exercises_match_by_name_key_or_bracketed_alias_only() -> None:
    assert match_exercise("  Knee Flexion (hamstring curl) ", LIBRARY) == "knee_flexion"
    assert match_exercise("hamstring curl", LIBRARY) == "knee_flexion"
    assert match_exercise("knee_flexion", LIBRARY) == "knee_flexion"
    assert match_exercise("biceps curl", LIBRARY) == "elbow_flexion"
    assert match_exercise("leg pres", LIBRARY) is None  # no fuzzy guesses
    assert match_exercise("", LIBRARY) is None
    chosen = pick([one_rm(1, 1, "quads", 30, side="left")])
    assert chosen.offered == {} and chosen.unmatched[0].reason.startswith("the exercise name matches no exercise")
