"""The exercise library: what can be loaded, on which equipment, in what smallest step.

Load steps and band levels here are equipment facts (the lightest plate, dumbbell pair or band a
gym has), not clinical thresholds. They are defaults that a clinic changes to match its own kit:
pass other steps to ``exercise_library`` or build exercises with ``make_custom_exercise``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks


class BodyRegion(StrEnum):
    """Where the exercise loads, as grouped on a plan."""

    LOWER_LIMB = "lower_limb"
    UPPER_LIMB = "upper_limb"
    TRUNK = "trunk"


class Equipment(StrEnum):
    """What provides the load; decides the smallest step a load can change by."""

    MACHINE = "machine"
    FREE_WEIGHT = "free_weight"
    CABLE = "cable"
    BAND = "band"
    BODY_WEIGHT = "body_weight"


# Equipment defaults, not clinical thresholds: a clinic with 1 kg machine add-on plates or 0.5 kg
# dumbbells changes these. Body-weight exercises are loaded with a vest or a held weight, so their step
# is the added load.
DEFAULT_LOAD_STEPS_KG: Mapping[Equipment, float] = MappingProxyType(
    {
        Equipment.MACHINE: 2.5,
        Equipment.FREE_WEIGHT: 1.0,
        Equipment.CABLE: 2.5,
        Equipment.BODY_WEIGHT: 1.0,
    }
)

# Longest load step accepted when a clinic enters its own (a data-entry plausibility limit).
MAX_LOAD_STEP_KG = 50.0
MAX_BAND_NOMINAL_KG = 100.0


@dataclass(frozen=True)
class BandLevel:
    """One band in a clinic's set, lightest first.

    ``nominal_kg`` is the band's approximate resistance, used only to pick the band closest below a
    prescribed load. Bands pull harder the further they stretch and differ by maker, so the figure is
    a rough equivalence the clinic should check against its own bands.
    """

    colour: str
    nominal_kg: float


# Equipment default: the common THERABAND colour order with the tubing's force at 100 % elongation
# (lb converted to kg, 1 lb = 0.45359 kg, rounded to 0.1 kg) as listed in a secondary product summary:
# tan 2.4, yellow 3.0, red 3.7, green 4.6, blue 5.8, black 7.3, silver 10.2, gold 14.2 lb. Colours and
# forces vary by manufacturer; replace with the clinic's own chart.
DEFAULT_BAND_LEVELS: tuple[BandLevel, ...] = (
    BandLevel("tan", 1.1),
    BandLevel("yellow", 1.4),
    BandLevel("red", 1.7),
    BandLevel("green", 2.1),
    BandLevel("blue", 2.6),
    BandLevel("black", 3.3),
    BandLevel("silver", 4.6),
    BandLevel("gold", 6.4),
)


_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Exercise:
    """An exercise a plan can prescribe.

    ``load_step_kg`` is the smallest change in load the equipment allows; prescriptions and
    progressions move in whole steps of it. Band exercises have no kg step: they move one band level
    at a time through ``band_levels`` (lightest first), and ``load_step_kg`` is ``None``.
    ``unilateral`` exercises are prescribed per side (paretic / non-paretic).
    """

    key: str
    name: str
    body_region: BodyRegion
    unilateral: bool
    equipment: Equipment
    load_step_kg: float | None
    band_levels: tuple[BandLevel, ...] = field(default=())

    def __post_init__(self) -> None:
        # Built directly (not through make_custom_exercise): still refuse an exercise that would break
        # load rounding later, naming the field.
        if not isinstance(self.key, str) or not _KEY_PATTERN.match(self.key):
            raise ValidationError("key", "must start with a letter and use only a-z, 0-9 and _")
        _checks.text("name", self.name)
        if not isinstance(self.body_region, BodyRegion):
            raise ValidationError("body_region", "must be a BodyRegion")
        if not isinstance(self.equipment, Equipment):
            raise ValidationError("equipment", "must be an Equipment")
        _checks.flag("unilateral", self.unilateral)
        if self.equipment is Equipment.BAND:
            if self.load_step_kg is not None:
                raise ValidationError("load_step_kg", "band exercises progress by band level, not by kg")
            object.__setattr__(self, "band_levels", _band_levels(self.band_levels))
        else:
            if self.band_levels:
                raise ValidationError("band_levels", "only band exercises have band levels")
            object.__setattr__(
                self,
                "load_step_kg",
                _checks.number(
                    "load_step_kg",
                    self.load_step_kg,
                    minimum=0.0,
                    maximum=MAX_LOAD_STEP_KG,
                    above_minimum=True,
                    unit="kg",
                ),
            )

    @property
    def uses_bands(self) -> bool:
        """True when the load is a band level rather than kilograms."""
        return self.equipment is Equipment.BAND


_E = TypeVar("_E", BodyRegion, Equipment)


def _choice(field_name: str, value: object, kind: type[_E]) -> _E:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value.strip().lower())
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in kind)
    raise ValidationError(field_name, f"must be one of: {allowed}")


def _band_levels(value: object) -> tuple[BandLevel, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValidationError("band_levels", "must be a list of bands, lightest first")
    if len(value) < 2:
        raise ValidationError("band_levels", "needs at least two bands so a load can progress")
    levels: list[BandLevel] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, BandLevel):
            raise ValidationError("band_levels", "each band needs a colour and a nominal resistance in kg")
        colour = _checks.text("band_levels", item.colour)
        if colour.lower() in seen:
            raise ValidationError("band_levels", f"colour '{colour}' appears twice")
        seen.add(colour.lower())
        nominal = _checks.number(
            "band_levels",
            item.nominal_kg,
            minimum=0.0,
            maximum=MAX_BAND_NOMINAL_KG,
            above_minimum=True,
            unit="kg",
        )
        if levels and nominal <= levels[-1].nominal_kg:
            raise ValidationError("band_levels", "bands must be listed lightest first, each heavier than the last")
        levels.append(BandLevel(colour, nominal))
    return tuple(levels)


def make_custom_exercise(
    *,
    key: object,
    name: object,
    body_region: object,
    equipment: object,
    unilateral: object,
    load_step_kg: object = None,
    band_levels: object = None,
) -> Exercise:
    """Check a clinic's own exercise and build it, so a typo never reaches a plan.

    ``load_step_kg`` defaults to the equipment's default step; band exercises take ``band_levels``
    (default: ``DEFAULT_BAND_LEVELS``) and no kg step.
    """
    if not isinstance(key, str) or not _KEY_PATTERN.match(key.strip()):
        raise ValidationError(
            "key", "must start with a letter and use only lower-case letters, digits and _ (at most 64)"
        )
    clean_name = _checks.text("name", name)
    if len(clean_name) > 120:
        raise ValidationError("name", "must be at most 120 characters")
    region = _choice("body_region", body_region, BodyRegion)
    kit = _choice("equipment", equipment, Equipment)
    one_side = _checks.flag("unilateral", unilateral)
    if kit is Equipment.BAND:
        if load_step_kg is not None:
            raise ValidationError("load_step_kg", "band exercises progress by band level, not by kg")
        levels = _band_levels(DEFAULT_BAND_LEVELS if band_levels is None else band_levels)
        return Exercise(key.strip(), clean_name, region, one_side, kit, None, levels)
    if band_levels is not None:
        raise ValidationError("band_levels", "only band exercises have band levels")
    step = DEFAULT_LOAD_STEPS_KG[kit] if load_step_kg is None else load_step_kg
    step_kg = _checks.number("load_step_kg", step, minimum=0.0, maximum=MAX_LOAD_STEP_KG, above_minimum=True, unit="kg")
    return Exercise(key.strip(), clean_name, region, one_side, kit, step_kg)


# (key, name, region, unilateral, equipment) for the default library.
_DEFAULT_ROWS: tuple[tuple[str, str, BodyRegion, bool, Equipment], ...] = (
    # Lower limb
    ("leg_press", "Leg press", BodyRegion.LOWER_LIMB, False, Equipment.MACHINE),
    ("leg_press_single", "Single-leg press", BodyRegion.LOWER_LIMB, True, Equipment.MACHINE),
    ("knee_extension", "Knee extension", BodyRegion.LOWER_LIMB, True, Equipment.MACHINE),
    ("knee_flexion", "Knee flexion (hamstring curl)", BodyRegion.LOWER_LIMB, True, Equipment.MACHINE),
    ("hip_abduction", "Standing hip abduction", BodyRegion.LOWER_LIMB, True, Equipment.BAND),
    ("hip_extension", "Standing hip extension", BodyRegion.LOWER_LIMB, True, Equipment.CABLE),
    ("calf_raise", "Standing calf raise", BodyRegion.LOWER_LIMB, False, Equipment.BODY_WEIGHT),
    ("ankle_dorsiflexion", "Ankle dorsiflexion", BodyRegion.LOWER_LIMB, True, Equipment.BAND),
    ("sit_to_stand_loaded", "Sit-to-stand with load", BodyRegion.LOWER_LIMB, False, Equipment.BODY_WEIGHT),
    ("step_up", "Step-up", BodyRegion.LOWER_LIMB, True, Equipment.BODY_WEIGHT),
    # Upper limb
    ("seated_row", "Seated row", BodyRegion.UPPER_LIMB, False, Equipment.MACHINE),
    ("chest_press", "Chest press", BodyRegion.UPPER_LIMB, False, Equipment.MACHINE),
    (
        "shoulder_press",
        "Seated shoulder press (dumbbell)",
        BodyRegion.UPPER_LIMB,
        True,
        Equipment.FREE_WEIGHT,
    ),
    ("elbow_flexion", "Elbow flexion (biceps curl)", BodyRegion.UPPER_LIMB, True, Equipment.FREE_WEIGHT),
    ("lat_pulldown", "Lat pulldown", BodyRegion.UPPER_LIMB, False, Equipment.CABLE),
    ("shoulder_external_rotation", "Shoulder external rotation", BodyRegion.UPPER_LIMB, True, Equipment.BAND),
    # Trunk
    ("trunk_flexion", "Abdominal crunch (trunk flexion)", BodyRegion.TRUNK, False, Equipment.MACHINE),
    ("back_extension", "Back extension", BodyRegion.TRUNK, False, Equipment.MACHINE),
    ("trunk_rotation", "Cable trunk rotation", BodyRegion.TRUNK, False, Equipment.CABLE),
)


def exercise_library(
    load_steps_kg: Mapping[Equipment, float] | None = None,
    band_levels: Sequence[BandLevel] | None = None,
    extra: Iterable[Exercise] = (),
) -> dict[str, Exercise]:
    """The default exercises keyed by ``key``, with the clinic's own load steps and extra exercises.

    ``load_steps_kg`` overrides the default step per equipment; ``extra`` adds custom exercises
    (built with ``make_custom_exercise``); a duplicate key is refused.
    """
    steps = dict(DEFAULT_LOAD_STEPS_KG)
    if load_steps_kg is not None:
        for kit, step in load_steps_kg.items():
            kit = _choice("equipment", kit, Equipment)
            if kit is Equipment.BAND:
                raise ValidationError("load_steps_kg", "band exercises progress by band level, not by kg")
            steps[kit] = _checks.number(
                "load_steps_kg", step, minimum=0.0, maximum=MAX_LOAD_STEP_KG, above_minimum=True, unit="kg"
            )
    levels = _band_levels(DEFAULT_BAND_LEVELS if band_levels is None else band_levels)
    library: dict[str, Exercise] = {}
    for key, name, region, unilateral, kit in _DEFAULT_ROWS:
        if kit is Equipment.BAND:
            library[key] = Exercise(key, name, region, unilateral, kit, None, levels)
        else:
            library[key] = Exercise(key, name, region, unilateral, kit, steps[kit])
    for exercise in extra:
        if not isinstance(exercise, Exercise):
            raise ValidationError("extra", "must be exercises built with make_custom_exercise")
        if exercise.key in library:
            raise ValidationError("key", f"an exercise with key '{exercise.key}' already exists")
        library[exercise.key] = exercise
    return library


DEFAULT_EXERCISES: Mapping[str, Exercise] = MappingProxyType(exercise_library())
"""The library with equipment-default steps."""
