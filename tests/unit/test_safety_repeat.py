"""Repeating the readiness screen after rest, worked by hand from the clinical reference.

The reference's screening rules say to recheck after rest: a resting pressure at or above 180/110 mmHg stops the
session "recheck after rest" (§8.1: ≥ 180/110, [R19], [R20]); > 160/100 mmHg is a relative contraindication to
resistance training (§8.1, [R19]); a resting heart rate < 40 bpm is below AVERT III's limit (§13.10, [R22]);
the orthostatic check is measured "supine, then 1 and 3 min standing" (§13.10, [R99]). No rest duration is
given anywhere (§8.1, §13.10, and §13.15 lists none), so the minimum rest is the clinic's setting, 0 (none set)
unless the clinic chooses one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationError
from rehab.domain.safety import (
    DEFAULT_THRESHOLDS,
    REMEASURED_FIELDS,
    SETTLES_WITH_REST,
    ReadinessAnswers,
    ScreenThresholds,
    repeat_after_rest,
    repeat_offered,
    screen_readiness,
)
from tests.unit.test_safety_lower_limits import CALM

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def answers(**changes: object) -> ReadinessAnswers:
    return ReadinessAnswers(**(CALM | changes))  # type: ignore[arg-type]


def repeat(first: ReadinessAnswers, readings: dict[str, object], *, minutes: float = 10, limits=DEFAULT_THRESHOLDS):  # type: ignore[no-untyped-def]
    return repeat_after_rest(
        first,
        screen_readiness(first, limits),
        readings,
        limits,
        first_at=AT,
        repeat_at=AT + timedelta(minutes=minutes),
    )


def test_caution_165_over_95_repeated_at_150_over_88_goes() -> None:
    # 165 > 160 systolic → caution (§8.1 [R19]); after rest 150/88 is under 160/100 and under 180/110, HR 70 is
    # between 40 and 100, so the repeat says go and decides the session.
    first = answers(systolic_mmhg=165, diastolic_mmhg=95)
    assert screen_readiness(first).outcome == "caution"
    done = repeat(first, {"systolic_mmhg": 150, "diastolic_mmhg": 88, "resting_heart_rate_bpm": 70})
    assert done.result.outcome == "go" and done.result.permits_load_increase
    assert done.rest_minutes == 10
    # the first answers are untouched; the repeat keeps the first screen's questions and pain
    assert first.systolic_mmhg == 165 and done.answers.pain_now == first.pain_now


def test_stop_185_over_100_repeated_at_170_over_95_is_caution() -> None:
    # 185 ≥ 180 → stop, "recheck after rest" (§8.1 [R19], [R20]); 170 is below 180 but above 160 → caution.
    first = answers(systolic_mmhg=185, diastolic_mmhg=100)
    assert screen_readiness(first).outcome == "stop"
    assert repeat_offered(screen_readiness(first))
    done = repeat(first, {"systolic_mmhg": 170, "diastolic_mmhg": 95, "resting_heart_rate_bpm": 72})
    assert done.result.outcome == "caution"
    assert [r.check for r in done.result.reasons] == ["blood_pressure"]


def test_heart_rate_38_repeated_still_38_still_stops() -> None:
    # 38 < 40 bpm (AVERT III [R22]) → stop; the repeat measures 38 again → still stop.
    first = answers(resting_heart_rate_bpm=38)
    done = repeat(first, {"systolic_mmhg": 120, "diastolic_mmhg": 80, "resting_heart_rate_bpm": 38})
    assert done.result.outcome == "stop"
    assert [r.check for r in done.result.reasons] == ["heart_rate_low"]


def test_the_orthostatic_check_is_measured_again() -> None:
    # 130/80 lying → 108/76 standing: a fall of 22 ≥ 20 systolic → caution (§13.10 [R99]); after rest
    # 128/80 → 120/76: a fall of 8/4, below 20/10, no symptoms → go.
    first = answers(
        systolic_mmhg=130, diastolic_mmhg=80, standing_systolic_mmhg=108, standing_diastolic_mmhg=76,
        orthostatic_symptoms=False,
    )  # fmt: skip
    assert screen_readiness(first).outcome == "caution"
    readings = {
        "systolic_mmhg": 128,
        "diastolic_mmhg": 80,
        "resting_heart_rate_bpm": 70,
        "standing_systolic_mmhg": 120,
        "standing_diastolic_mmhg": 76,
        "orthostatic_symptoms": False,
    }
    assert repeat(first, readings).result.outcome == "go"


@pytest.mark.parametrize(
    "changes",
    [
        {"chest_pain": True},  # stop and escalate (§8.2 [R18])
        {"new_neuro_symptoms": True},  # stop and escalate (design choice, §8.2)
        {"unwell_or_fever": True},  # illness does not settle with rest
        {"pain_now": 7},  # > 5/10 stop (§8.3 [R17])
        {"pain_now": 4},  # caution for pain only: re-measuring the pressure cannot change it
        {"systolic_mmhg": 185, "diastolic_mmhg": 100, "unwell_or_fever": True},  # one stop cannot settle
    ],
)
def test_no_repeat_when_a_finding_cannot_settle(changes: dict[str, object]) -> None:
    first = answers(**changes)
    result = screen_readiness(first)
    assert not repeat_offered(result)
    with pytest.raises(ValidationError) as refused:
        repeat(first, {"systolic_mmhg": 120, "diastolic_mmhg": 80, "resting_heart_rate_bpm": 70})
    assert refused.value.field == "repeat"


def test_go_is_not_repeated() -> None:
    assert not repeat_offered(screen_readiness(answers()))


def test_the_clinics_minimum_rest_is_enforced_and_none_is_set_by_default() -> None:
    first = answers(systolic_mmhg=165, diastolic_mmhg=95)
    readings = {"systolic_mmhg": 150, "diastolic_mmhg": 88, "resting_heart_rate_bpm": 70}
    assert DEFAULT_THRESHOLDS.repeat_min_rest_minutes == 0  # the reference gives no figure
    assert repeat(first, readings, minutes=1).result.outcome == "go"
    clinic = ScreenThresholds(repeat_min_rest_minutes=5)
    with pytest.raises(ValidationError, match=r"at least 5 min of rest.*4 min have passed"):
        repeat(first, readings, minutes=4.9, limits=clinic)
    assert repeat(first, readings, minutes=5, limits=clinic).rest_minutes == 5


def test_a_repeat_must_come_after_the_first_and_reads_only_re_measurable_fields() -> None:
    first = answers(systolic_mmhg=165, diastolic_mmhg=95)
    readings = {"systolic_mmhg": 150, "diastolic_mmhg": 88, "resting_heart_rate_bpm": 70}
    with pytest.raises(ValidationError, match="after the first"):
        repeat(first, readings, minutes=0)
    with pytest.raises(ValidationError) as refused:
        repeat(first, readings | {"pain_now": 0}, minutes=10)
    assert refused.value.field == "pain_now"
    with pytest.raises(ValidationError) as missing:
        repeat(first, {"systolic_mmhg": 150, "diastolic_mmhg": 88}, minutes=10)
    assert missing.value.field == "resting_heart_rate_bpm"


@pytest.mark.parametrize("minutes", [-1, 61, 2.5, True])
def test_the_rest_setting_is_a_whole_number_of_minutes(minutes: object) -> None:
    with pytest.raises(ValidationError) as refused:
        ScreenThresholds(repeat_min_rest_minutes=minutes)  # type: ignore[arg-type]
    assert refused.value.field == "repeat_min_rest_minutes"


VITALS = st.fixed_dictionaries(
    {
        "systolic_mmhg": st.integers(70, 240),
        "diastolic_mmhg": st.integers(40, 69),
        "resting_heart_rate_bpm": st.integers(30, 140),
        "pain_now": st.integers(0, 10),
        "new_neuro_symptoms": st.booleans(),
        "chest_pain": st.booleans(),
        "unwell_or_fever": st.booleans(),
    }
)


@settings(max_examples=200, deadline=None)
@given(first=VITALS, again=VITALS, minutes=st.integers(0, 30))
def test_a_repeat_never_lifts_a_finding_that_cannot_settle(
    first: dict[str, object], again: dict[str, object], minutes: int
) -> None:
    """Whatever is re-measured, a finding that does not settle with rest is in the repeat's verdict too,
    and the first answers are never changed."""
    before = ReadinessAnswers(**first)  # type: ignore[arg-type]
    result = screen_readiness(before)
    readings = {k: v for k, v in again.items() if k in REMEASURED_FIELDS}
    try:
        done = repeat_after_rest(
            before, result, readings, DEFAULT_THRESHOLDS, first_at=AT, repeat_at=AT + timedelta(minutes=minutes)
        )
    except ValidationError as exc:
        assert exc.field == "repeat"
        return
    assert repeat_offered(result)
    fixed = {(r.check, r.outcome) for r in result.reasons if r.check not in SETTLES_WITH_REST}
    assert fixed <= {(r.check, r.outcome) for r in done.result.reasons}
    assert before == ReadinessAnswers(**first)  # type: ignore[arg-type]


def test_a_reading_taken_first_must_be_taken_again() -> None:
    # 130/80 → 108/76 standing is orthostatic (§13.10 [R99]); a repeat without the standing pressure would drop
    # the finding by omission, so it is refused at that field.
    first = answers(
        systolic_mmhg=130, diastolic_mmhg=80, standing_systolic_mmhg=108, standing_diastolic_mmhg=76,
        orthostatic_symptoms=False,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        repeat(first, {"systolic_mmhg": 128, "diastolic_mmhg": 80, "resting_heart_rate_bpm": 70})
    assert refused.value.field == "standing_systolic_mmhg"
