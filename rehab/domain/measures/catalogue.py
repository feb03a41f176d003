"""The catalogue: every measure by key, and the preset batteries for entry."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rehab.domain.errors import ValidationError
from rehab.domain.measures import balance, confidence, gait, neuro, posture, strength_tests
from rehab.domain.measures.model import Battery, Measure

_ALL: tuple[Measure, ...] = (
    *strength_tests.MEASURES,
    *neuro.MEASURES,
    *balance.MEASURES,
    *confidence.MEASURES,
    *posture.MEASURES,
    *gait.MEASURES,
)
CATALOGUE: Mapping[str, Measure] = MappingProxyType({m.key: m for m in _ALL})

BATTERIES: tuple[Battery, ...] = (
    Battery(
        "neuro_core",
        "Neurological core set",
        ("bbs", "fga", "abc", "ten_mwt", "six_mwt", "five_sts"),
        "APTA core set for adults with neurologic conditions (Moore 2018, J Neurol Phys Ther 42:174 [R1])",
    ),
    Battery(
        "strength",
        "Strength",
        ("mmt", "hhd", "grip", "one_rm", "five_sts", "thirty_s_cst"),
        "Strength and sit-to-stand measures (reference §1)",
    ),
    Battery("posture", "Posture", ("pass", "tis", "wb_symmetry"), "Posture and trunk after stroke (reference §3)"),
    Battery(
        "stroke_motor",
        "Stroke motor and tone",
        ("fma_ue", "fma_le", "mas", "mi_arm", "mi_leg", "arat", "tct", "fac"),
        "Motor impairment, tone, arm activity, trunk control and walking category after stroke (reference §13)",
    ),
)


def get(key: object) -> Measure:
    """The measure for a catalogue key such as "bbs" or "ten_mwt"."""
    if not isinstance(key, str) or key not in CATALOGUE:
        raise ValidationError("measure", f"is not in the catalogue; choose one of: {', '.join(CATALOGUE)}")
    return CATALOGUE[key]


def all_measures() -> tuple[Measure, ...]:
    """Every measure, grouped by construct in catalogue order."""
    return _ALL


def batteries() -> tuple[Battery, ...]:
    """The preset batteries, in the order the entry page offers them."""
    return BATTERIES


def battery(key: object) -> Battery:
    """One preset battery by key ("neuro_core", "strength", "posture")."""
    for b in BATTERIES:
        if b.key == key:
            return b
    raise ValidationError("battery", f"must be one of: {', '.join(b.key for b in BATTERIES)}")
