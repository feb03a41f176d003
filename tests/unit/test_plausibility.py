"""Plausible ranges: data-entry sanity bounds derived from the reference, asked about, never applied as judgements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.domain import measures


def test_every_plausible_range_belongs_to_a_catalogued_measure_in_its_unit_and_says_how_it_was_derived() -> None:
    for key, rng in measures.PLAUSIBLE.items():
        measure = measures.get(key)
        assert rng.unit == measure.unit, key
        assert "[R" in rng.reason or "reference §" in rng.reason, key  # a source, not a bare number


@pytest.mark.parametrize(
    ("key", "upper"),
    [
        # Podsiadlo 1991 (reference §2.2 [R31]): > 30 s in ADL-dependent adults; asked beyond 4 × 30 s
        ("tug", 120.0),
        # PhenX one-leg stand times up to 30 s (reference §2.7 [R62])
        ("sls", 30.0),
        # Mathiowetz 1985 men 30-34 right: 121.8 lb + 3 × 22.4 lb = 189.0 lb; × 0.45359237 = 85.729 kg → 85.73
        ("grip", 85.73),
        # 2 × 1.33 m/s (healthy older adults, reference §4.1) = 2.66 m/s; × 360 s = 957.6 m
        ("ten_mwt", 2.66),
        ("six_mwt", 957.6),
    ],
)
def test_bounds_worked_by_hand(key: str, upper: float) -> None:
    rng = measures.plausible_range(key)
    assert rng is not None and rng.band.lower is None
    assert rng.band.upper == pytest.approx(upper, abs=1e-9)
    assert measures.question(key, key, upper) is None  # the bound itself is plausible
    asked = measures.question(key, key, upper + 0.01)
    assert asked is not None and f"{key}|||" in asked.id


def test_a_question_is_tied_to_the_value_side_and_site() -> None:
    a = measures.question("grip", "Grip", 90, side="left")
    b = measures.question("grip", "Grip", 90, side="right")
    c = measures.question("grip", "Grip", 91, side="left")
    assert a and b and c and len({a.id, b.id, c.id}) == 3
    assert "Mathiowetz" in a.text and "Grip (left) 90 kg" in a.text


@given(key=st.sampled_from(sorted(m.key for m in measures.all_measures())), value=st.floats(0, 1e6))
def test_measures_without_a_published_range_never_ask(key: str, value: float) -> None:
    if measures.plausible_range(key) is None:
        assert measures.question(key, key, value) is None
