"""Phase template, prescriptions, deloads, re-tests and plans, with worked numbers."""

from __future__ import annotations

import dataclasses

import pytest

from rehab.domain.errors import ValidationError
from rehab.domain.planning import (
    DEFAULT_EXERCISES,
    DEFAULT_TEMPLATE,
    EARLY_NEURAL,
    FAMILIARISATION,
    STRENGTH,
    Baseline,
    EvidenceLevel,
    OneRmMethod,
    PhaseTemplate,
    Side,
    create_plan,
    deload_week,
    neural_period,
    phase_bands,
    plan_prescriptions,
    prescription_for,
    reassessment_due,
)

KNEE = DEFAULT_EXERCISES["knee_extension"]  # machine, 2.5 kg step, unilateral
CURL = DEFAULT_EXERCISES["elbow_flexion"]  # free weight, 1 kg step
HIP_BAND = DEFAULT_EXERCISES["hip_abduction"]  # band


@pytest.mark.parametrize(
    ("week", "phase_key"),
    [
        (1, "familiarisation"),
        (2, "familiarisation"),
        (3, "early_neural"),
        (8, "early_neural"),
        (9, "strength"),
        (52, "strength"),
    ],
)
def test_phase_lookup(week: int, phase_key: str) -> None:
    assert DEFAULT_TEMPLATE.phase_for(week).key == phase_key


@pytest.mark.parametrize(
    ("week", "sets", "reps", "percent", "load_kg"),
    [
        # 1RM 40 kg, 2.5 kg machine step; load = floor(40 × % / 2.5) × 2.5
        (1, 1, (10, 15), 40.0, 15.0),  # 16 kg → 15 kg
        (2, 2, (10, 15), 50.0, 20.0),  # 20 kg
        (3, 2, (10, 15), 50.0, 20.0),  # neural phase starts at 50 %
        (4, 2, (10, 15), 54.0, 20.0),  # 50 + 20 × 1/5 = 54 % → 21.6 → 20 kg
        (6, 3, (8, 12), 62.0, 22.5),  # 62 % → 24.8 → 22.5 kg; second half: 3 sets of 8–12
        (8, 3, (8, 12), 70.0, 27.5),  # 70 % → 28 → 27.5 kg
        (9, 2, (6, 10), 70.0, 27.5),  # strength phase starts at 70 %
        (12, 3, (6, 10), 80.0, 30.0),  # ramp done: 80 % → 32 → 30 kg
        (41, 3, (6, 10), 80.0, 30.0),  # holds at 80 % (week 40 is a deload week)
    ],
)
def test_default_prescriptions(week: int, sets: int, reps: tuple[int, int], percent: float, load_kg: float) -> None:
    p = prescription_for(DEFAULT_TEMPLATE, week, 40.0, KNEE, side=Side.PARETIC)
    assert (p.sets, p.reps_range, p.target_reps) == (sets, reps, reps[0])
    assert p.percent_1rm == pytest.approx(percent)
    assert p.load_kg == load_kg
    assert p.actual_percent_1rm <= p.percent_1rm + 1e-9
    assert p.side is Side.PARETIC
    assert p.sessions_per_week == (2, 3)
    assert p.phase_name.lower() in p.reason.lower()
    assert "Why:" in p.reason


def test_prescription_reason_names_rounding() -> None:
    p = prescription_for(DEFAULT_TEMPLATE, 6, 40.0, KNEE)
    assert "24.8 kg" in p.reason and "rounded down to 22.5 kg" in p.reason
    assert any("[R9]" in s for s in p.sources)
    assert p.evidence is EvidenceLevel.GUIDELINE


def test_free_weight_rounds_to_whole_kilograms() -> None:
    # 1RM 7 kg curl, week 3: 50 % = 3.5 kg → 3 kg (1 kg dumbbell step).
    assert prescription_for(DEFAULT_TEMPLATE, 3, 7.0, CURL).load_kg == 3.0


def test_target_below_smallest_step_prescribes_no_added_load() -> None:
    # 1RM 4 kg on a machine, week 1: 40 % = 1.6 kg < 2.5 kg step → 0 kg, flagged.
    p = prescription_for(DEFAULT_TEMPLATE, 1, 4.0, KNEE)
    assert p.load_kg == 0.0
    assert p.below_smallest_step is True
    assert "below the smallest" in p.reason


def test_band_prescription_is_the_heaviest_band_not_above_target() -> None:
    # 1RM 8 kg, week 6: 62 % = 4.96 kg → silver (~4.6 kg); gold (~6.4 kg) would exceed.
    p = prescription_for(DEFAULT_TEMPLATE, 6, 8.0, HIP_BAND)
    assert (p.band_colour, p.band_level, p.load_kg) == ("silver", 6, None)
    # 1RM 2 kg, week 1: 40 % = 0.8 kg, below the lightest band → no band, flagged.
    light = prescription_for(DEFAULT_TEMPLATE, 1, 2.0, HIP_BAND)
    assert (light.band_colour, light.band_level, light.below_smallest_step) == (None, None, True)


def test_deload_every_fifth_week_by_default() -> None:
    # week 5: planned 2 sets at 58 % → 1 set at 50 % (the neural phase's lowest).
    p = prescription_for(DEFAULT_TEMPLATE, 5, 40.0, KNEE)
    assert p.deload is True
    assert (p.sets, p.percent_1rm) == (1, 50.0)
    assert "Bell" in " ".join(p.sources)
    assert "not rehab" in p.reason
    info = deload_week(DEFAULT_TEMPLATE, 10)
    assert info.is_deload and "instead of 2" in info.changes
    assert [w for w in range(1, 21) if deload_week(DEFAULT_TEMPLATE, w).is_deload] == [5, 10, 15, 20]


def test_deload_is_configurable() -> None:
    every_four = dataclasses.replace(DEFAULT_TEMPLATE, deload_every_weeks=4)
    assert deload_week(every_four, 4).is_deload
    assert not deload_week(every_four, 5).is_deload
    none = dataclasses.replace(DEFAULT_TEMPLATE, deload_every_weeks=None)
    assert not any(deload_week(none, w).is_deload for w in range(1, 30))
    with pytest.raises(ValidationError) as caught:
        dataclasses.replace(DEFAULT_TEMPLATE, deload_every_weeks=1)
    assert caught.value.field == "deload_every_weeks"


def test_reassessment_every_four_weeks() -> None:
    due = [w for w in range(1, 17) if reassessment_due(DEFAULT_TEMPLATE, w)[0]]
    assert due == [4, 8, 12, 16]
    assert "[R1]" in reassessment_due(DEFAULT_TEMPLATE, 4)[1]
    assert prescription_for(DEFAULT_TEMPLATE, 8, 40.0, KNEE).reassessment_due is True


def test_confirmation_flag_on_large_week_to_week_rise() -> None:
    # week 1 → 2: 15 kg → 20 kg is +33 % → confirm; week 2 → 3: 20 → 20 kg → no.
    assert prescription_for(DEFAULT_TEMPLATE, 2, 40.0, KNEE).needs_confirmation is True
    assert prescription_for(DEFAULT_TEMPLATE, 3, 40.0, KNEE).needs_confirmation is False
    # week 6 compares with week 4 (week 5 is a deload): 20 → 22.5 kg is +12.5 % → confirm.
    assert prescription_for(DEFAULT_TEMPLATE, 6, 40.0, KNEE).needs_confirmation is True
    assert prescription_for(DEFAULT_TEMPLATE, 1, 40.0, KNEE).needs_confirmation is False


def test_neural_period_and_bands_for_charts() -> None:
    neural = neural_period(DEFAULT_TEMPLATE)
    assert neural is not None
    assert (neural.first_week, neural.last_week) == (1, 8)
    assert "Moritani" in neural.clinician_text and "Lee 2010" in neural.clinician_text
    assert neural.patient_text and "[R" not in neural.patient_text
    bands = phase_bands(DEFAULT_TEMPLATE, 12)
    assert [(b.key, b.first_week, b.last_week) for b in bands] == [
        ("familiarisation", 1, 2),
        ("early_neural", 3, 8),
        ("strength", 9, 12),
    ]
    assert [b.key for b in phase_bands(DEFAULT_TEMPLATE, 5)] == ["familiarisation", "early_neural"]
    assert phase_bands(DEFAULT_TEMPLATE, 5)[-1].last_week == 5


def test_default_template_never_exceeds_eighty_percent() -> None:
    assert max(p.percent_1rm[1] for p in DEFAULT_TEMPLATE.phases) <= 80.0
    for phase in DEFAULT_TEMPLATE.phases:
        assert phase.rationale and phase.sources


def test_template_above_eighty_percent_needs_a_reason() -> None:
    heavy = dataclasses.replace(STRENGTH, percent_1rm=(75.0, 84.0))
    with pytest.raises(ValidationError) as caught:
        PhaseTemplate(phases=(FAMILIARISATION, EARLY_NEURAL, heavy))
    assert caught.value.field == "percent_1rm"
    with pytest.raises(ValidationError) as caught:
        PhaseTemplate(phases=(FAMILIARISATION, EARLY_NEURAL, heavy), above_guideline_reason="  ")
    assert caught.value.field == "above_guideline_reason"
    allowed = PhaseTemplate(
        phases=(FAMILIARISATION, EARLY_NEURAL, heavy),
        above_guideline_reason="Chronic stroke, cardiology cleared; matches Lee 2010 trial loads",
    )
    assert prescription_for(allowed, 12, 100.0, KNEE).load_kg == 82.5  # 84 kg → 82.5 kg


@pytest.mark.parametrize(
    ("phases", "field"),
    [
        ((), "phases"),
        ((FAMILIARISATION, STRENGTH), "phases"),  # gap: weeks 3–8 missing
        ((FAMILIARISATION, EARLY_NEURAL), "phases"),  # last phase not open-ended
        ((STRENGTH,), "phases"),  # does not start at week 1
        (("familiarisation",), "phases"),
    ],
)
def test_template_structure_validation(phases: tuple[object, ...], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PhaseTemplate(phases=phases)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent_1rm": (60.0, 50.0)}, "percent_1rm"),
        ({"percent_1rm": (0.0, 50.0)}, "percent_1rm"),
        ({"percent_1rm": (50.0, 120.0)}, "percent_1rm"),
        ({"sets": (0, 2)}, "sets"),
        ({"sets": (3, 2)}, "sets"),
        ({"reps_start": (10,)}, "reps_start"),
        ({"last_week": 0}, "last_week"),
        ({"name": " "}, "name"),
        ({"rationale": ""}, "rationale"),
    ],
)
def test_phase_validation(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        dataclasses.replace(FAMILIARISATION, **changes)
    assert caught.value.field == field


def test_sessions_per_week_validation() -> None:
    with pytest.raises(ValidationError) as caught:
        dataclasses.replace(DEFAULT_TEMPLATE, sessions_per_week=(3, 2))
    assert caught.value.field == "sessions_per_week"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((0, 40.0, KNEE), "week"),
        ((1.5, 40.0, KNEE), "week"),
        ((1, 0.0, KNEE), "one_rm_kg"),
        ((1, -5.0, KNEE), "one_rm_kg"),
        ((1, float("nan"), KNEE), "one_rm_kg"),
        ((1, 40.0, "knee_extension"), "exercise"),
    ],
)
def test_prescription_validation(args: tuple[object, object, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        prescription_for(DEFAULT_TEMPLATE, *args)  # type: ignore[arg-type]
    assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        prescription_for("template", 1, 40.0, KNEE)  # type: ignore[arg-type]
    assert caught.value.field == "template"


def test_plan_per_side_and_bilateral() -> None:
    plan = create_plan(
        [
            Baseline("knee_extension", 30.0, OneRmMethod.TESTED, Side.PARETIC),
            Baseline("knee_extension", 45.0, OneRmMethod.ESTIMATED, Side.NON_PARETIC, "Epley, 8 reps at 36 kg"),
            Baseline("leg_press", 90.0, OneRmMethod.TESTED),
        ]
    )
    week_3 = plan_prescriptions(plan, 3)
    assert [(p.exercise_key, p.side, p.load_kg) for p in week_3] == [
        ("knee_extension", Side.PARETIC, 15.0),  # 50 % of 30 = 15 kg
        ("knee_extension", Side.NON_PARETIC, 22.5),  # 50 % of 45 = 22.5 kg
        ("leg_press", None, 45.0),  # 50 % of 90 = 45 kg
    ]
    assert prescription_for(plan, 3, 30.0, KNEE).load_kg == 15.0


@pytest.mark.parametrize(
    ("baselines", "field"),
    [
        ([], "baselines"),
        ([Baseline("knee_extension", 30.0, OneRmMethod.TESTED)], "side"),
        ([Baseline("leg_press", 90.0, OneRmMethod.TESTED, Side.PARETIC)], "side"),
        ([Baseline("moon_walk", 10.0, OneRmMethod.TESTED)], "exercise_key"),
        (
            [
                Baseline("leg_press", 90.0, OneRmMethod.TESTED),
                Baseline("leg_press", 80.0, OneRmMethod.TESTED),
            ],
            "baselines",
        ),
        (["leg_press"], "baselines"),
    ],
)
def test_plan_validation(baselines: list[object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_plan(baselines)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Baseline("leg_press", 0.0, OneRmMethod.TESTED), "one_rm_kg"),
        (lambda: Baseline("leg_press", 50.0, "guessed"), "method"),
        (lambda: Baseline("leg_press", 50.0, "tested_1rm", "left"), "side"),
        (lambda: Baseline("", 50.0, OneRmMethod.TESTED), "exercise_key"),
    ],
)
def test_baseline_validation(build: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


def test_baseline_accepts_plain_strings() -> None:
    baseline = Baseline("knee_extension", 30.0, "estimated_submaximal", "paretic")  # type: ignore[arg-type]
    assert baseline.method is OneRmMethod.ESTIMATED and baseline.side is Side.PARETIC
