"""Exercise library and custom exercises."""

from __future__ import annotations

import pytest

from rehab.domain.errors import ValidationError
from rehab.domain.planning import (
    DEFAULT_BAND_LEVELS,
    DEFAULT_EXERCISES,
    BandLevel,
    BodyRegion,
    Equipment,
    Exercise,
    exercise_library,
    make_custom_exercise,
)

REQUIRED = {
    "leg_press",
    "knee_extension",
    "hip_abduction",
    "hip_extension",
    "calf_raise",
    "sit_to_stand_loaded",
    "step_up",
    "seated_row",
    "chest_press",
    "shoulder_press",
    "elbow_flexion",
    "trunk_flexion",
    "back_extension",
}


def test_library_covers_regions_equipment_and_required_exercises() -> None:
    assert len(DEFAULT_EXERCISES) >= 14
    assert set(DEFAULT_EXERCISES) >= REQUIRED
    assert {e.body_region for e in DEFAULT_EXERCISES.values()} == set(BodyRegion)
    assert {e.equipment for e in DEFAULT_EXERCISES.values()} == set(Equipment)
    assert any(e.unilateral for e in DEFAULT_EXERCISES.values())
    assert any(not e.unilateral for e in DEFAULT_EXERCISES.values())
    for key, exercise in DEFAULT_EXERCISES.items():
        assert exercise.key == key and exercise.name


def test_default_steps_per_equipment() -> None:
    assert DEFAULT_EXERCISES["leg_press"].load_step_kg == 2.5  # machine
    assert DEFAULT_EXERCISES["elbow_flexion"].load_step_kg == 1.0  # dumbbells
    assert DEFAULT_EXERCISES["hip_extension"].load_step_kg == 2.5  # cable
    assert DEFAULT_EXERCISES["step_up"].load_step_kg == 1.0  # body weight + added load
    band = DEFAULT_EXERCISES["hip_abduction"]
    assert band.uses_bands and band.load_step_kg is None and band.band_levels == DEFAULT_BAND_LEVELS
    nominal = [level.nominal_kg for level in band.band_levels]
    assert nominal == sorted(nominal)


def test_clinic_can_change_steps_and_add_exercises() -> None:
    wall_push = make_custom_exercise(
        key="wall_push_up",
        name="Wall push-up",
        body_region="upper_limb",
        equipment="body_weight",
        unilateral=False,
    )
    library = exercise_library(load_steps_kg={Equipment.MACHINE: 1.0}, extra=[wall_push])
    assert library["leg_press"].load_step_kg == 1.0
    assert library["wall_push_up"].load_step_kg == 1.0  # equipment default
    with pytest.raises(ValidationError) as caught:
        exercise_library(extra=[DEFAULT_EXERCISES["leg_press"]])
    assert caught.value.field == "key"
    with pytest.raises(ValidationError) as caught:
        exercise_library(load_steps_kg={Equipment.MACHINE: 0.0})
    assert caught.value.field == "load_steps_kg"


def test_custom_band_exercise() -> None:
    levels = [BandLevel("light", 1.0), BandLevel("medium", 2.0), BandLevel("heavy", 3.5)]
    ex = make_custom_exercise(
        key="band_row",
        name="  Band row ",
        body_region=BodyRegion.UPPER_LIMB,
        equipment=Equipment.BAND,
        unilateral=True,
        band_levels=levels,
    )
    assert ex.name == "Band row" and [b.colour for b in ex.band_levels] == ["light", "medium", "heavy"]


GOOD: dict[str, object] = {
    "key": "ankle_pf",
    "name": "Ankle plantarflexion",
    "body_region": "lower_limb",
    "equipment": "machine",
    "unilateral": True,
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"key": ""}, "key"),
        ({"key": "Ankle PF"}, "key"),
        ({"key": 7}, "key"),
        ({"body_region": "neck"}, "body_region"),
        ({"equipment": "kettlebell"}, "equipment"),
        ({"equipment": None}, "equipment"),
        ({"unilateral": "yes"}, "unilateral"),
        ({"load_step_kg": 0.0}, "load_step_kg"),
        ({"load_step_kg": -1.0}, "load_step_kg"),
        ({"load_step_kg": float("nan")}, "load_step_kg"),
        ({"load_step_kg": "2.5"}, "load_step_kg"),
        ({"band_levels": [BandLevel("a", 1.0), BandLevel("b", 2.0)]}, "band_levels"),
        ({"equipment": "band", "load_step_kg": 1.0}, "load_step_kg"),
        ({"equipment": "band", "band_levels": [BandLevel("a", 1.0)]}, "band_levels"),
        ({"equipment": "band", "band_levels": [BandLevel("a", 2.0), BandLevel("b", 1.0)]}, "band_levels"),
        ({"equipment": "band", "band_levels": [BandLevel("a", 1.0), BandLevel("A", 2.0)]}, "band_levels"),
        ({"equipment": "band", "band_levels": "red,green"}, "band_levels"),
        ({"equipment": "band", "band_levels": [("red", 1.0), ("green", 2.0)]}, "band_levels"),
    ],
)
def test_custom_exercise_validation(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_custom_exercise(**(GOOD | changes))
    assert caught.value.field == field


def test_exercise_built_directly_is_checked_too() -> None:
    with pytest.raises(ValidationError) as caught:
        Exercise("x", "X", BodyRegion.TRUNK, False, Equipment.MACHINE, 0.0)
    assert caught.value.field == "load_step_kg"
