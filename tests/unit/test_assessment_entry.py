"""Turning entries into stored SI values: worked examples by hand, and garbage that must be refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain import measures
from rehab.domain.assessment import interpret, prepare
from rehab.domain.errors import ValidationError


def test_berg_total_from_items() -> None:
    # 10 items at 4 (40) + 3 + 2 + 1 + 0 = 46
    [m] = prepare("bbs", {"items": [4] * 10 + [3, 2, 1, 0]})
    assert m.value == 46 and m.items == tuple([4.0] * 10 + [3.0, 2.0, 1.0, 0.0])


def test_berg_wrong_item_count_names_items() -> None:
    with pytest.raises(ValidationError) as info:
        prepare("bbs", {"items": [4] * 13})
    assert info.value.field == "items"


def test_abc_is_the_mean() -> None:
    # 8 items at 100 % and 8 at 50 %: mean 75 %
    [m] = prepare("abc", {"items": [100] * 8 + [50] * 8})
    assert m.value == 75


def test_mmt_stores_ordinal_and_label_per_side() -> None:
    left, right = prepare("mmt", {"site": "Knee extension", "sides": {"left": "4+", "right": "2"}})
    # ordered grades 0,1,2-,2,2+,3-,3,3+,4-,4,4+,5-,5 -> "4+" is index 10, "2" is index 3
    assert (left.side, left.value, left.value_text) == ("left", 10.0, "4+")
    assert (right.side, right.value, right.value_text) == ("right", 3.0, "2")


def test_mmt_needs_a_site() -> None:
    with pytest.raises(ValidationError) as info:
        prepare("mmt", {"sides": {"left": "4"}})
    assert info.value.field == "site"


def test_hhd_kgf_to_newtons_max_rule() -> None:
    # 20, 22, 21 kgf; max 22 kgf x 9.80665 = 215.7463 N
    [m] = prepare("hhd", {"site": "Knee extension", "unit": "kgf", "sides": {"left": [20, 22, 21]}})
    assert m.unit == "N" and m.value == pytest.approx(215.7463)


def test_hhd_torque_with_lever_arm() -> None:
    # 200 N x 0.3 m = 60 N·m
    [m] = prepare("hhd", {"site": "Knee extension", "unit": "N", "lever_arm_m": 0.3, "sides": {"right": [200]}})
    assert m.unit == "N.m" and m.value == pytest.approx(60.0)


def test_grip_in_pounds_mean_of_three() -> None:
    # 50, 55, 60 lb: mean 55 lb x 0.45359237 = 24.9476 kg
    [m] = prepare("grip", {"unit": "lb", "sides": {"left": [50, 55, 60]}})
    assert m.value == pytest.approx(24.9476, abs=1e-4)


def test_one_rm_estimated_epley() -> None:
    # 50 kg x (1 + 10/30) = 66.67 kg
    [m] = prepare("one_rm", {"site": "Leg press", "method": "estimated", "load_kg": 50, "reps": 10})
    assert m.value == pytest.approx(66.667, abs=1e-3)
    assert m.context["method"] == "estimated" and m.context["formula"] == "epley"


def test_ten_metre_walk_speed_from_mean_time() -> None:
    # trials 12 s and 13 s: mean 12.5 s; 10 m / 12.5 s = 0.8 m/s
    [m] = prepare("ten_mwt", {"trials": [12, 13]})
    assert m.value == pytest.approx(0.8) and m.trials == (12.0, 13.0)


def test_functional_reach_inches_to_cm() -> None:
    # 6, 7, 8 in: mean 7 in x 2.54 = 17.78 cm
    [m] = prepare("frt", {"unit": "in", "trials": [6, 7, 8]})
    assert m.value == pytest.approx(17.78)


def test_weight_bearing_from_two_scales() -> None:
    # 30 kg paretic of 75 kg total = 40 %
    [m] = prepare("wb_symmetry", {"paretic_kg": 30, "non_paretic_kg": 45})
    assert m.value == pytest.approx(40.0)


def test_six_minute_walk_in_feet() -> None:
    # 1000 ft x 0.3048 = 304.8 m
    [m] = prepare("six_mwt", {"value": 1000, "unit": "ft"})
    assert m.value == pytest.approx(304.8)


def test_context_is_kept() -> None:
    [m] = prepare("tug", {"value": 14.2, "assistive_device": "single-point cane", "assistance": "supervision"})
    assert m.context == {"assistive_device": "single-point cane", "assistance": "supervision"}


def test_interpretation_tug_faster_is_improvement() -> None:
    # TUG 20 -> 15 s: 5 s faster, beyond the 3.2 s MDC (Alghadir 2018)
    meaning = interpret("tug", 15, previous=20)
    assert meaning.since_previous is not None
    assert meaning.since_previous.improved is True
    assert "real" in meaning.since_previous.verdict


def test_interpretation_berg_within_error() -> None:
    # Berg 40 -> 43: +3 < MDC 6 (Stevenson 2001): within measurement error
    meaning = interpret("bbs", 43, previous=40)
    assert meaning.since_previous is not None
    assert meaning.since_previous.improved is None
    assert meaning.since_previous.verdict == measures.WITHIN_MEASUREMENT_ERROR


KEYS = [m.key for m in measures.all_measures()]
junk = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.one_of(st.none(), st.integers(-5, 200), st.floats(), st.text(max_size=3)), max_size=20),
    st.dictionaries(
        st.sampled_from(["left", "right", "middle"]), st.one_of(st.text(max_size=3), st.lists(st.floats(), max_size=4))
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    key=st.sampled_from(KEYS),
    raw=st.dictionaries(
        st.sampled_from(
            [
                "items",
                "value",
                "sides",
                "trials",
                "unit",
                "site",
                "method",
                "load_kg",
                "reps",
                "tested_kg",
                "lever_arm_m",
                "rule",
                "paretic_kg",
                "non_paretic_kg",
                "assistance",
                "assistive_device",
            ]
        ),
        junk,
        max_size=6,
    ),
)
def test_any_entry_is_valid_or_a_validation_error(key: str, raw: dict) -> None:  # type: ignore[type-arg]
    try:
        out = prepare(key, raw)
    except ValidationError as err:
        assert err.field and err.message
        return
    for m in out:
        measures.validate_value(key, m.value)  # whatever is accepted is in range
