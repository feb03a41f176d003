"""Scoring, value checks and categories, worked by hand from the reference."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("key", "items", "expected"),
    [
        # Berg: 4×7 + 3×3 + 2×2 + 1 + 0 = 28 + 9 + 4 + 1 = 42
        ("bbs", [4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1, 0], 42),
        ("bbs", [4] * 14, 56),
        ("bbs", [0] * 14, 0),
        # FGA: 3+3 + 2+2+2+2 + 1+1+1 + 2 = 6 + 8 + 3 + 2 = 19
        ("fga", [3, 3, 2, 2, 2, 2, 1, 1, 1, 2], 19),
        # Mini-BESTest: 2×10 + 1×4 = 24
        ("mini_bestest", [2] * 10 + [1] * 4, 24),
        # ABC is the mean: (8 × 100 + 8 × 50) / 16 = 1200 / 16 = 75
        ("abc", [100] * 8 + [50] * 8, 75),
        # ABC with decimals: (15 × 80 + 92.5) / 16 = 1292.5 / 16 = 80.78125
        ("abc", [80] * 15 + [92.5], 80.78125),
        # PASS: 3+3+2+1+0 = 9; 3+3+3+3 = 12; 2+2+1 = 5; 9 + 12 + 5 = 26
        ("pass", [3, 3, 2, 1, 0, 3, 3, 3, 3, 2, 2, 1], 26),
        # TIS by subscale totals: 5 + 6 + 3 = 14
        ("tis", [5, 6, 3], 14),
        ("tis", [7, 10, 6], 23),
        ("tis", [0, 0, 0], 0),
    ],
)
def test_score(key: str, items: list[float], expected: float) -> None:
    assert measures.score(key, items) == pytest.approx(expected)


def test_score_accepts_tuples() -> None:
    assert measures.score("fga", (3,) * 10) == 30


def test_tis_static_zero_means_total_zero() -> None:
    # Reference §3.2: if item 1 scores 0 the total is 0 — so dynamic/coordination cannot be above 0.
    with pytest.raises(ValidationError) as err:
        measures.score("tis", [0, 3, 0])
    assert err.value.field == "item 2"
    with pytest.raises(ValidationError) as err:
        measures.score("tis", [0, 0, 2])
    assert err.value.field == "item 3"


@pytest.mark.parametrize(
    ("key", "items", "field"),
    [
        ("bbs", [4] * 13, "items"),
        ("bbs", [4] * 15, "items"),
        ("bbs", [], "items"),
        ("bbs", "44444444444444", "items"),
        ("bbs", None, "items"),
        ("bbs", {1: 4}, "items"),
        ("bbs", [4, 4, 5] + [4] * 11, "item 3"),
        ("bbs", [4, -1] + [4] * 12, "item 2"),
        ("bbs", [4] * 13 + [3.5], "item 14"),
        ("bbs", [4] * 13 + ["4"], "item 14"),
        ("bbs", [4] * 13 + [None], "items"),  # "score each item 0–4; item 14 is not scored yet"
        ("bbs", [True] + [4] * 13, "item 1"),
        ("fga", [3] * 9 + [4], "item 10"),
        ("mini_bestest", [3] + [2] * 13, "item 1"),
        ("abc", [101] + [50] * 15, "item 1"),
        ("abc", [50] * 15 + [math.nan], "item 16"),
        ("pass", [3] * 11 + [math.inf], "item 12"),
        ("tis", [8, 0, 0], "item 1"),
        ("tis", [7, 11, 0], "item 2"),
        ("tis", [7, 10, 7], "item 3"),
        ("tug", [10], "measure"),
        ("nope", [1], "measure"),
    ],
)
def test_score_refuses_bad_items(key: str, items: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        measures.score(key, items)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("bbs", 42, 42.0),
        ("bbs", 0, 0.0),
        ("bbs", 56, 56.0),
        ("tug", 14.2, 14.2),
        ("ten_mwt", 0, 0.0),
        ("ten_mwt", 1.2, 1.2),
        ("six_mwt", 0, 0.0),
        ("thirty_s_cst", 12, 12.0),
        ("abc", 72.5, 72.5),
        ("wb_symmetry", 41, 41.0),
        ("grip", Decimal("28.5"), 28.5),
        ("mmt", 10, 10.0),
        # A grade label is accepted for MMT and stored as its ordinal: "4+" is 10th of 0..12.
        ("mmt", "4+", 10.0),
        ("mmt", "0", 0.0),
        ("sls", 0, 0.0),
        ("frt", 25.4, 25.4),
    ],
)
def test_validate_value(key: str, value: object, expected: float) -> None:
    assert measures.validate_value(key, value) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("bbs", 57),
        ("bbs", -1),
        ("bbs", 41.5),
        ("bbs", "41"),
        ("bbs", None),
        ("bbs", True),
        ("bbs", [41]),
        ("tug", 0),
        ("tug", -3),
        ("five_sts", 0),
        ("one_rm", 0),
        ("ten_mwt", -0.1),
        ("ten_mwt", math.nan),
        ("six_mwt", math.inf),
        ("thirty_s_cst", 12.5),
        ("abc", 100.1),
        ("wb_symmetry", 101),
        ("mmt", 13),
        ("mmt", 4.5),
        ("mmt", "6"),
        ("tis", 24),
        ("pass", 37),
        ("fga", 31),
        ("mini_bestest", 29),
    ],
)
def test_validate_value_refuses(key: str, value: object) -> None:
    with pytest.raises(ValidationError) as err:
        measures.validate_value(key, value)
    assert err.value.field == "value"


def test_validate_value_message_is_in_clinic_words() -> None:
    with pytest.raises(ValidationError) as err:
        measures.validate_value("tug", 0)
    assert err.value.message == "must be more than 0 s"
    with pytest.raises(ValidationError) as err:
        measures.validate_value("bbs", 60)
    assert err.value.message == "must be at most 56"


@pytest.mark.parametrize(
    ("key", "value", "category"),
    [
        # Berg bands 0–20 / 21–40 / 41–56 (cliot; mdapp [R23])
        ("bbs", 0, "wheelchair"),
        ("bbs", 20, "wheelchair"),
        ("bbs", 21, "walking_with_assistance"),
        ("bbs", 40, "walking_with_assistance"),
        ("bbs", 41, "independent"),
        ("bbs", 56, "independent"),
        # Gait speed: < 0.4 household; 0.4–0.8 limited community; > 0.8 community (Perry 1995 [R46])
        ("ten_mwt", 0, "household"),
        ("ten_mwt", 0.39, "household"),
        ("ten_mwt", 0.4, "limited_community"),
        ("ten_mwt", 0.8, "limited_community"),
        ("ten_mwt", 0.81, "community"),
        ("ten_mwt", 1.33, "community"),
    ],
)
def test_category(key: str, value: float, category: str) -> None:
    found = measures.category(key, value)
    assert found is not None and found.key == category
    assert found.source and found.population


def test_ten_mwt_category_from_a_timed_walk() -> None:
    # 10 m in 12.5 s = 0.8 m/s: the top of "limited community".
    speed = measures.ten_mwt_speed(12.5)
    assert speed == pytest.approx(0.8)
    cat = measures.category("ten_mwt", speed)
    assert cat is not None and cat.label == "limited community ambulation"


@pytest.mark.parametrize("key", ["tug", "grip", "pass", "mmt"])
def test_no_category_where_the_reference_has_none(key: str) -> None:
    assert measures.category(key, 3) is None


def test_category_refuses_bad_values() -> None:
    with pytest.raises(ValidationError) as err:
        measures.category("bbs", 57)
    assert err.value.field == "value"


def test_paretic_load_percent() -> None:
    # 30 kg on the paretic leg, 45 kg on the other: 30 / 75 × 100 = 40 %
    assert measures.paretic_load_percent(30, 45) == pytest.approx(40)
    assert measures.paretic_load_percent(35, 35) == pytest.approx(50)
    with pytest.raises(ValidationError) as err:
        measures.paretic_load_percent(0, 0)
    assert err.value.field == "non_paretic_load"
    with pytest.raises(ValidationError) as err:
        measures.paretic_load_percent("30", 45)
    assert err.value.field == "paretic_load"
