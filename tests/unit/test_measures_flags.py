"""Screening flags and normative tables, worked by hand from the reference."""

from __future__ import annotations

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationError


def codes(key: str, value: object, **context: object) -> list[str]:
    return [f.code for f in measures.flags(key, value, **context)]


# --- balance -------------------------------------------------------------------------------------------


def test_berg_flags() -> None:
    # 44 < 50.5 (upper end of stroke cut-offs 46.5–50.5) and 44 < 45 (older adults, 2°).
    flags = measures.flags("bbs", 44)
    assert [f.code for f in flags] == ["bbs_stroke_fall_risk", "bbs_older_adult_fall_risk"]
    stroke, older = flags
    assert "Matsumoto 2024" in stroke.source and stroke.evidence == "primary"
    assert "46.5–50.5" in stroke.message and "44 points < 50.5 points" in stroke.message
    assert older.evidence == "secondary" and "secondary source" in older.message
    # 50 < 50.5 but not < 45; 51 clears both.
    assert codes("bbs", 50) == ["bbs_stroke_fall_risk"]
    assert codes("bbs", 51) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (11.9, []),
        # ≥ 12 s CDC STEADI older adults
        (12, ["tug_older_adult_fall_risk"]),
        (14, ["tug_older_adult_fall_risk"]),  # Andersson 14 s is MEM: not applied
        # ≥ 15 s lowest stroke cut-off (Matsumoto 2024: 15–19 s)
        (15, ["tug_older_adult_fall_risk", "tug_stroke_fall_risk"]),
        # ≥ 20 s EWGSOP2 severe sarcopenia marker
        (20, ["tug_older_adult_fall_risk", "tug_stroke_fall_risk", "tug_ewgsop2_severe"]),
    ],
)
def test_tug_flags(value: float, expected: list[str]) -> None:
    assert codes("tug", value) == expected


def test_unverified_cutoff_applies_once_signed_off() -> None:
    ok = {"tug.cutoff.stroke_andersson": 14}
    assert codes("tug", 14, overrides=ok) == ["tug_older_adult_fall_risk", "tug_stroke_fall_risk_14"]
    flag = measures.flags("tug", 14, overrides=ok)[1]
    assert "set by the clinic" in flag.message and flag.evidence == "unverified"


def test_fga_flag_at_or_below_22() -> None:
    # Wrisley & Kumar 2010: ≤ 22/30.
    assert codes("fga", 22) == ["fga_fall_risk"]
    assert codes("fga", 23) == []


def test_mini_bestest_cutoff_is_unverified() -> None:
    assert codes("mini_bestest", 17) == []
    assert codes("mini_bestest", 17, overrides={"mini_bestest.cutoff.stroke_fall_risk": 17.5}) == [
        "mini_bestest_fall_risk"
    ]


def test_frt_flag_at_or_below_6_in() -> None:
    # Duncan: 6 in or less = 15.24 cm or less
    assert codes("frt", 15.1) == ["frt_fall_risk"]
    assert codes("frt", 15.24) == ["frt_fall_risk"]
    assert codes("frt", 15.25) == []


def test_sls_flag_below_5_s_names_the_side() -> None:
    flags = measures.flags("sls", 4.9, side="paretic")
    assert [f.code for f in flags] == ["sls_below_5_s"]
    assert "(paretic side)" in flags[0].message and "Vellas 1997" in flags[0].source
    assert codes("sls", 5, side="non_paretic") == []


def test_abc_flags() -> None:
    # < 67 % older adults (2°); the stroke 81.1 % cut-off is MEM and not applied until signed off.
    assert codes("abc", 60) == ["abc_low_confidence"]
    assert codes("abc", 75) == []
    assert codes("abc", 75, overrides={"abc.cutoff.stroke_fallers": 81.1}) == ["abc_stroke_faller"]
    # A clinic may move the 2° threshold.
    assert codes("abc", 68, overrides={"abc.cutoff.older_adults": 70}) == ["abc_low_confidence"]


# --- strength and transfers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "age", "expected"),
    [
        (12, None, []),  # > 12 s is strict (Mong 2010)
        (12.1, None, ["five_sts_above_stroke_cutoff"]),
        (13.6, None, ["five_sts_above_stroke_cutoff", "five_sts_mobility_disability"]),
        # 15 s: Buatois ≥ 15 s flags; EWGSOP2 needs > 15 s.
        (
            15,
            None,
            ["five_sts_above_stroke_cutoff", "five_sts_mobility_disability", "five_sts_recurrent_falls"],
        ),
        (
            15.1,
            None,
            [
                "five_sts_above_stroke_cutoff",
                "five_sts_mobility_disability",
                "five_sts_recurrent_falls",
                "five_sts_above_ewgsop2",
            ],
        ),
        # Bohannon 2006: > 11.4 s at 60–69, > 12.6 s at 70–79, > 14.8 s at 80–89.
        (11.5, 65, ["five_sts_slower_than_age_average"]),
        (11.5, 75, []),
        (12.6, 75, ["five_sts_above_stroke_cutoff"]),
        (12.7, 75, ["five_sts_above_stroke_cutoff", "five_sts_slower_than_age_average"]),
        (11.5, 55, []),
    ],
)
def test_five_sts_flags(value: float, age: float | None, expected: list[str]) -> None:
    assert codes("five_sts", value, age=age) == expected


@pytest.mark.parametrize(
    ("value", "age", "sex", "expected"),
    [
        # CDC STEADI: men 60–64 below 14; women 60–64 below 12.
        (13, 62, "male", ["thirty_s_cst_below_average"]),
        (14, 62, "male", []),
        (12, 62, "female", []),
        (11, 62, "female", ["thirty_s_cst_below_average"]),
        # Women 70–74 below 10; men 70–74 below 12.
        (9, 72, "female", ["thirty_s_cst_below_average"]),
        (11, 74.9, "male", ["thirty_s_cst_below_average"]),
        # Women 90–94 below 4 — and fewer than 8 stands (Rikli & Jones).
        (3, 92, "female", ["thirty_s_cst_below_average", "thirty_s_cst_low_function"]),
        # Outside the table's ages, or without age/sex, only the < 8 rule applies.
        (7, 50, "male", ["thirty_s_cst_low_function"]),
        (9, None, "female", []),
        (13, 62, None, []),
        (13, 62, "other", []),
        (13, 62, "M", ["thirty_s_cst_below_average"]),
    ],
)
def test_thirty_second_chair_stand_flags(value: int, age: float | None, sex: str | None, expected: list[str]) -> None:
    assert codes("thirty_s_cst", value, age=age, sex=sex) == expected


# CDC STEADI "below average" table typed from reference §1.5: age band, men <, women <.
CDC_TABLE = [
    (60, 64, 14, 12),
    (65, 69, 12, 11),
    (70, 74, 12, 10),
    (75, 79, 11, 10),
    (80, 84, 10, 9),
    (85, 89, 8, 8),
    (90, 94, 7, 4),
]


@pytest.mark.parametrize(("low", "high", "men", "women"), CDC_TABLE)
def test_every_cdc_cell(low: int, high: int, men: int, women: int) -> None:
    for age in (low, high, high + 0.99):
        for sex, below in (("male", men), ("female", women)):
            assert "thirty_s_cst_below_average" in codes("thirty_s_cst", below - 1, age=age, sex=sex)
            assert "thirty_s_cst_below_average" not in codes("thirty_s_cst", below, age=age, sex=sex)


def test_cdc_flag_names_the_age_band() -> None:
    (flag,) = measures.flags("thirty_s_cst", 9, age=72, sex="female")
    assert flag.threshold == 10 and flag.population == "older adults aged 70-74" and "CDC STEADI" in flag.source


@pytest.mark.parametrize(
    ("value", "sex", "expected"),
    [
        # EWGSOP2: < 27 kg men, < 16 kg women, on the maximum grip (Dodds 2014 [R54]).
        (26.9, "male", ["grip_below_ewgsop2"]),
        (27, "male", []),
        (15.9, "female", ["grip_below_ewgsop2"]),
        (16, "female", []),
        (10, None, []),
        (10, "unknown", []),
    ],
)
def test_grip_ewgsop2(value: float, sex: str | None, expected: list[str]) -> None:
    assert codes("grip", value, sex=sex, rule="max") == expected


def test_gait_speed_ewgsop2() -> None:
    # ≤ 0.8 m/s
    assert codes("ten_mwt", 0.8) == ["gait_speed_ewgsop2"]
    assert codes("ten_mwt", 0.81) == []


def test_weight_bearing_asymmetry() -> None:
    # < 41 % or > 59 % on the paretic leg (2°).
    assert codes("wb_symmetry", 40) == ["wb_asymmetric"]
    assert codes("wb_symmetry", 60) == ["wb_asymmetric"]
    assert codes("wb_symmetry", 41) == [] and codes("wb_symmetry", 59) == [] and codes("wb_symmetry", 50) == []


@pytest.mark.parametrize("key", ["mmt", "hhd", "one_rm", "pass", "tis", "six_mwt"])
def test_measures_without_cutoffs_raise_no_flags(key: str) -> None:
    assert measures.flags(key, 1) == []


def test_needs() -> None:
    assert measures.needs("thirty_s_cst") == {"age", "sex"}
    assert measures.needs("grip") == {"sex"}
    assert measures.needs("five_sts") == {"age"}
    assert measures.needs("bbs") == set()


@pytest.mark.parametrize(
    ("context", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": 126}, "age"),
        ({"age": "70"}, "age"),
        ({"age": float("nan")}, "age"),
        ({"sex": "x"}, "sex"),
        ({"sex": 1}, "sex"),
        ({"side": "middle"}, "side"),
        ({"side": 0}, "side"),
        ({"overrides": {"grip.cutoff.ewgsop2.male": 20}}, "grip.cutoff.ewgsop2.male"),
    ],
)
def test_flags_refuse_bad_context(context: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        measures.flags("grip", 20, **context)  # type: ignore[arg-type]
    assert err.value.field == field


# --- norms -------------------------------------------------------------------------------------------


def test_mathiowetz_grip_norms() -> None:
    # Men 60–64 right 89.7 lb × 0.45359237 = 40.69 kg (reference prints 40.7); SD 20.4 lb = 9.25 kg.
    norm = measures.grip_norm(62, "male", "right")
    assert norm is not None and norm.mean == pytest.approx(40.687, abs=1e-3)
    assert norm.sd == pytest.approx(9.253, abs=1e-3) and norm.age_band == "60-64"
    # Women 75+ left 37.6 lb = 17.06 kg (reference: 17.1); no SD in the source for women.
    norm = measures.grip_norm(80, "female", "left")
    assert norm is not None and norm.mean == pytest.approx(17.055, abs=1e-3) and norm.sd is None
    assert norm.age_band == "75+"
    assert measures.grip_norm(19, "male", "right") is None


# Mathiowetz 1985 table typed from reference §1.3: (age in band, men R, men L, women R, women L) in lb.
MATHIOWETZ_TABLE = [
    (22, 121.0, 104.5, 70.4, 61.0),
    (27, 120.8, 110.5, 74.5, 63.5),
    (32, 121.8, 110.4, 78.7, 68.0),
    (37, 119.7, 112.9, 74.1, 66.3),
    (42, 116.8, 112.8, 70.4, 62.3),
    (47, 109.9, 100.8, 62.2, 56.0),
    (52, 113.6, 101.9, 65.8, 57.3),
    (57, 101.1, 83.2, 57.3, 47.3),
    (62, 89.7, 76.8, 55.1, 45.7),
    (67, 91.1, 76.8, 49.6, 41.0),
    (72, 75.3, 64.8, 49.6, 41.5),
    (80, 65.7, 55.0, 42.6, 37.6),
]


@pytest.mark.parametrize(("age", "men_r", "men_l", "women_r", "women_l"), MATHIOWETZ_TABLE)
def test_every_mathiowetz_cell(age: int, men_r: float, men_l: float, women_r: float, women_l: float) -> None:
    for sex, hand, lb in (
        ("male", "right", men_r),
        ("male", "left", men_l),
        ("female", "right", women_r),
        ("female", "left", women_l),
    ):
        norm = measures.grip_norm(age, sex, hand)
        # The reference converts with ×0.45359; to 0.1 kg that agrees with the exact pound.
        assert norm is not None and norm.mean == pytest.approx(lb * 0.45359, abs=0.01)


# Massy-Westropp 2011 table typed from reference §1.3: (age in band, [(mean, SD) M dom, M non, W dom, W non]).
MASSY_TABLE = [
    (25, [(47, 9.5), (45, 9.7), (30, 7.0), (28, 6.1)]),
    (35, [(47, 9.7), (47, 9.8), (31, 6.4), (29, 6.0)]),
    (45, [(47, 9.5), (45, 9.3), (29, 5.7), (28, 5.7)]),
    (55, [(45, 8.4), (43, 8.3), (28, 6.3), (26, 5.7)]),
    (65, [(40, 8.3), (38, 8.0), (24, 5.3), (23, 5.0)]),
    (85, [(33, 7.8), (32, 7.5), (20, 5.8), (19, 5.5)]),
]


@pytest.mark.parametrize(("age", "cells"), MASSY_TABLE)
def test_every_massy_westropp_cell(age: int, cells: list[tuple[float, float]]) -> None:
    combos = [
        ("male", "dominant"),
        ("male", "non_dominant"),
        ("female", "dominant"),
        ("female", "non_dominant"),
    ]
    for (sex, hand), (mean, sd) in zip(combos, cells, strict=True):
        norm = measures.grip_norm(age, sex, hand, table="massy_westropp")
        assert norm is not None and (norm.mean, norm.sd) == (mean, sd)


def test_massy_westropp_grip_norms() -> None:
    norm = measures.grip_norm(45, "female", "dominant", table="massy_westropp")
    assert norm is not None and (norm.mean, norm.sd) == (29, 5.7)
    norm = measures.grip_norm(72, "male", "non_dominant", table="massy_westropp")
    assert norm is not None and (norm.mean, norm.sd) == (32, 7.5)
    assert "Massy-Westropp" in norm.describe()


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((62, "male", "dominant"), {}, "hand"),
        ((62, "male", "right"), {"table": "massy_westropp"}, "hand"),
        ((62, "male", "right"), {"table": "bohannon"}, "table"),
        ((62, None, "right"), {}, "sex"),
        ((62, "other", "right"), {}, "sex"),
        ((None, "male", "right"), {}, "age"),
        (("62", "male", "right"), {}, "age"),
    ],
)
def test_grip_norm_refuses_bad_input(args: tuple, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        measures.grip_norm(*args, **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("age", "men", "women"),
    # Rikli & Jones 1999 25th–75th percentiles (reference §1.5).
    [
        (60, (14, 19), (12, 17)),
        (65, (12, 18), (11, 16)),
        (70, (12, 17), (10, 15)),
        (75, (11, 17), (10, 15)),
        (80, (10, 15), (9, 14)),
        (85, (8, 14), (8, 13)),
        (90, (7, 12), (4, 11)),
    ],
)
def test_every_rikli_jones_range(age: int, men: tuple[int, int], women: tuple[int, int]) -> None:
    for sex, expected in (("male", men), ("female", women)):
        norm = measures.thirty_s_cst_norm(age + 2, sex)
        assert norm is not None and (norm.low, norm.high) == expected


def test_rikli_jones_range() -> None:
    # Women 65–69: 11–16 stands; men 90–94: 7–12.
    norm = measures.thirty_s_cst_norm(67, "female")
    assert norm is not None and (norm.low, norm.high) == (11, 16)
    norm = measures.thirty_s_cst_norm(94.5, "male")
    assert norm is not None and (norm.low, norm.high) == (7, 12)
    assert measures.thirty_s_cst_norm(59, "male") is None
    assert measures.thirty_s_cst_norm(95, "male") is None


def test_percent_of_norm() -> None:
    # 30 kg against a 40 kg mean = 75 %.
    norm = measures.Norm("grip", "kg", "60-69", "male", "dominant", "test", mean=40)
    assert measures.percent_of_norm(30, norm) == pytest.approx(75)
    with pytest.raises(ValidationError):
        measures.percent_of_norm(30, measures.Norm("grip", "kg", "x", "male", None, "t", low=1, high=2))
