"""Property tests: the engine, template and screen hold their promises for any input."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationError
from rehab.domain.planning import (
    DEFAULT_EXERCISES,
    DEFAULT_TEMPLATE,
    RULES,
    Exercise,
    ExerciseSession,
    Phase,
    PhaseTemplate,
    SetResult,
    apply_override,
    make_custom_exercise,
    next_load,
    prescription_for,
)
from rehab.domain.safety import ReadinessAnswers, ScreenThresholds, screen_readiness
from rehab.domain.text import unstorable

FAST = settings(max_examples=150, deadline=None)

set_results = st.builds(
    SetResult,
    load_kg=st.floats(0, 300, allow_nan=False),
    reps=st.integers(0, 30),
    rpe=st.none() | st.floats(0, 10, allow_nan=False),
)
sessions = st.builds(
    ExerciseSession,
    target_reps=st.integers(1, 20),
    sets=st.lists(set_results, min_size=1, max_size=4),
    pain=st.none() | st.integers(0, 10),
    screen_ok=st.booleans(),
)
histories = st.lists(sessions, max_size=5)
steps = st.sampled_from([0.5, 1.0, 1.25, 2.0, 2.5, 5.0])
rules = st.sampled_from(RULES)
garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(RULES),
    st.just(10**400),
)


def is_multiple(value: float, step: float) -> bool:
    units = value / step
    return abs(units - round(units)) < 1e-9


@FAST
@given(histories, st.integers(0, 200), steps, rules)
def test_engine_promises(history: list[ExerciseSession], units: int, step: float, rule: str) -> None:
    current = units * step
    decision = next_load(history, current_kg=current, increment_kg=step, rule=rule)
    assert decision.load_kg >= 0
    assert is_multiple(decision.load_kg, step)
    assert decision.reason
    assert decision.action in ("increase", "hold", "decrease")
    if decision.action == "increase":
        assert decision.load_kg > current
        if decision.load_kg - current > 0.10 * current + 1e-9:
            assert decision.needs_confirmation
    elif decision.action == "decrease":
        assert decision.load_kg < current
    else:
        assert decision.load_kg == current
    if history:
        latest = history[-1]
        if not latest.screen_ok:
            assert decision.action != "increase"
            assert decision.load_kg <= current
        if latest.pain is not None and latest.pain > 5:
            assert decision.action != "increase"
            assert decision.load_kg == max(0.0, current - step)
    else:
        assert decision.action == "hold"


@FAST
@given(histories, st.floats(0, 500, allow_nan=False), st.floats(0.01, 50, allow_nan=False), rules)
def test_engine_never_negative_from_any_start(
    history: list[ExerciseSession], current: float, step: float, rule: str
) -> None:
    decision = next_load(history, current_kg=current, increment_kg=step, rule=rule)
    assert decision.load_kg >= 0 and math.isfinite(decision.load_kg)


@FAST
@given(garbage, garbage, garbage, garbage)
def test_engine_garbage_raises_only_validation_error(
    history: object, current: object, step: object, rule: object
) -> None:
    try:
        next_load(history, current_kg=current, increment_kg=step, rule=rule)  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.field in {"history", "current_kg", "increment_kg", "rule"}


@FAST
@given(garbage, garbage, garbage, garbage, garbage, garbage)
def test_session_garbage_raises_only_validation_error(
    load: object, reps: object, rpe: object, target: object, pain: object, screen: object
) -> None:
    try:
        one_set = SetResult(load, reps, rpe)  # type: ignore[arg-type]
        ExerciseSession(target, [one_set], pain, screen)  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.field in {"load_kg", "reps", "rpe", "target_reps", "pain", "screen_ok"}


@FAST
@given(garbage, garbage)
def test_override_garbage_raises_only_validation_error(load: object, reason: object) -> None:
    decision = next_load([], current_kg=20.0, increment_kg=2.5)
    try:
        result = apply_override(decision, load, reason)  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.field in {"override_kg", "reason"}
    else:
        assert result.clinician_override and result.load_kg >= 0


weighted = [e for e in DEFAULT_EXERCISES.values() if not e.uses_bands]
banded = [e for e in DEFAULT_EXERCISES.values() if e.uses_bands]


@FAST
@given(st.integers(1, 104), st.floats(0.5, 500, allow_nan=False), st.sampled_from(weighted))
def test_default_template_never_above_eighty_percent(week: int, one_rm: float, exercise: Exercise) -> None:
    p = prescription_for(DEFAULT_TEMPLATE, week, one_rm, exercise)
    assert p.load_kg is not None
    assert p.percent_1rm <= 80.0
    assert 0 <= p.load_kg <= 0.80 * one_rm + 1e-9
    assert p.load_kg <= p.percent_1rm / 100 * one_rm + 1e-9
    assert exercise.load_step_kg is not None and is_multiple(p.load_kg, exercise.load_step_kg)
    assert p.sets >= 1 and p.reps_range[0] <= p.target_reps <= p.reps_range[1]


@FAST
@given(st.integers(1, 104), st.floats(0.5, 50, allow_nan=False), st.sampled_from(banded))
def test_band_prescriptions_stay_at_or_below_target(week: int, one_rm: float, exercise: Exercise) -> None:
    p = prescription_for(DEFAULT_TEMPLATE, week, one_rm, exercise)
    assert p.load_kg is None
    if p.band_level is None:
        assert p.below_smallest_step
    else:
        nominal = exercise.band_levels[p.band_level].nominal_kg
        assert nominal <= p.percent_1rm / 100 * one_rm + 1e-9
        assert p.band_colour == exercise.band_levels[p.band_level].colour


@FAST
@given(st.floats(0.1, 100, allow_nan=False), st.floats(0.1, 100, allow_nan=False), st.text(max_size=3))
def test_custom_template_above_eighty_needs_reason(start: float, end: float, reason: str) -> None:
    low, high = sorted((start, end))
    phase = Phase(
        key="only",
        name="Only",
        first_week=1,
        last_week=None,
        percent_1rm=(low, high),
        sets=(1, 2),
        reps_start=(8, 12),
        reps_end=(8, 12),
        rationale="test",
        sources=(),
        evidence=DEFAULT_TEMPLATE.phases[0].evidence,
    )
    try:
        template = PhaseTemplate(phases=(phase,), above_guideline_reason=reason or None)
    except ValidationError as error:
        assert high > 80.0 or reason.strip() == "" or unstorable(reason.strip(), multiline=True)
        assert error.field in {"percent_1rm", "above_guideline_reason"}
    else:
        assert high <= 80.0 or reason.strip()
        p = prescription_for(template, 3, 100.0, DEFAULT_EXERCISES["leg_press"])
        assert p.load_kg is not None and p.load_kg <= high + 1e-9


@FAST
@given(garbage, garbage, garbage, garbage, garbage)
def test_custom_exercise_garbage_raises_only_validation_error(
    key: object, name: object, region: object, equipment: object, step: object
) -> None:
    try:
        make_custom_exercise(
            key=key, name=name, body_region=region, equipment=equipment, unilateral=True, load_step_kg=step
        )
    except ValidationError as error:
        assert error.field in {"key", "name", "body_region", "equipment", "load_step_kg", "band_levels"}


@FAST
@given(garbage, garbage, garbage, garbage)
def test_prescription_garbage_raises_only_validation_error(
    template: object, week: object, one_rm: object, exercise: object
) -> None:
    try:
        prescription_for(template, week, one_rm, exercise)  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.field in {"template", "week", "one_rm_kg", "exercise"}


@FAST
@given(
    st.floats(60, 300),
    st.floats(30, 200),
    st.floats(20, 250),
    st.integers(0, 10),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_screen_is_monotonic_and_stops_on_any_yes(
    sbp: float, dbp: float, hr: float, pain: int, neuro: bool, chest: bool, unwell: bool
) -> None:
    try:
        answers = ReadinessAnswers(sbp, dbp, hr, pain, neuro, chest, unwell)
    except ValidationError as error:
        assert error.field == "diastolic_mmhg" and dbp >= sbp
        return
    result = screen_readiness(answers)
    limits = ScreenThresholds()
    must_stop = (
        neuro
        or chest
        or unwell
        or sbp >= limits.stop_systolic_at_or_above
        or dbp >= limits.stop_diastolic_at_or_above
        or hr > limits.stop_heart_rate_above
        or pain > limits.stop_pain_above
        or hr < limits.stop_heart_rate_below  # lower limits, clinical reference §13.10
        or sbp < limits.stop_systolic_below
    )
    assert (result.outcome == "stop") == must_stop
    assert result.reasons and all(r.text and r.source for r in result.reasons)


@FAST
@given(st.tuples(garbage, garbage, garbage, garbage, garbage, garbage, garbage))
def test_screen_garbage_raises_only_validation_error(values: tuple[object, ...]) -> None:
    try:
        screen_readiness(ReadinessAnswers(*values))  # type: ignore[arg-type]
    except ValidationError as error:
        assert error.field in {
            "systolic_mmhg",
            "diastolic_mmhg",
            "resting_heart_rate_bpm",
            "pain_now",
            "new_neuro_symptoms",
            "chest_pain",
            "unwell_or_fever",
        }
