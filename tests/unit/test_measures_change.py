"""Change against MDC and MCID: direction, population, baseline band, overrides, worked by hand."""

from __future__ import annotations

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationError
from rehab.domain.measures import changes as change_module

REAL_MEANINGFUL = measures.REAL_AND_MEANINGFUL_IMPROVEMENT
REAL_BELOW = measures.REAL_IMPROVEMENT_BELOW_MCID
REAL_NO_MCID = measures.REAL_IMPROVEMENT_NO_MCID
WITHIN = measures.WITHIN_MEASUREMENT_ERROR


def test_verdict_words() -> None:
    assert REAL_MEANINGFUL == "real and meaningful improvement"
    assert REAL_BELOW == "real improvement, below the clinically important difference"
    assert WITHIN == "within measurement error"
    assert measures.REAL_DECLINE == "real decline"
    assert measures.REAL_AND_MEANINGFUL_DECLINE == "real and meaningful decline"


# --- direction ------------------------------------------------------------------------------------------


def test_faster_tug_is_a_real_improvement() -> None:
    # TUG 20 → 15 s: 5 s faster; MDC 3.2 s (chronic stroke, Alghadir 2018); 5 ≥ 3.2 → real. No MCID.
    c = measures.change("tug", 20, 15)
    assert c.delta == -5 and c.direction == "better"
    assert c.exceeds_mdc is True and c.improved is True
    assert c.exceeds_mcid is None and c.verdict == REAL_NO_MCID
    assert "3.2 s" in c.reason and "Alghadir 2018" in c.reason
    assert "No clinically important difference" in c.reason


def test_slower_tug_is_a_real_decline() -> None:
    # 15 → 20 s: 5 s slower, beyond 3.2 s.
    c = measures.change("tug", 15, 20)
    assert c.improved is False and c.verdict == measures.REAL_DECLINE and c.direction == "worse"


def test_small_tug_change_is_within_error() -> None:
    # 15 → 13 s: 2 s < 3.2 s.
    c = measures.change("tug", 15, 13)
    assert c.exceeds_mdc is False and c.improved is None and c.verdict == WITHIN
    assert c.direction == "better"


def test_reaching_the_mdc_exactly_counts() -> None:
    # 20 → 16.8 s is exactly 3.2 s (floating point gives 3.1999999…; the comparison is rounded).
    c = measures.change("tug", 20, 16.8)
    assert c.exceeds_mdc is True and c.improved is True


def test_no_change() -> None:
    c = measures.change("bbs", 40, 40)
    assert c.delta == 0 and c.direction == "no change" and c.verdict == WITHIN and c.improved is None


# --- Berg: default and population ------------------------------------------------------------------------


def test_berg_default_is_inpatient_mdc_and_early_subacute_mcid() -> None:
    # 40 → 47: +7 ≥ MDC 6 (Stevenson 2001) and ≥ MCID 5 (Top Stroke Rehabil 2022).
    c = measures.change("bbs", 40, 47)
    assert c.mdc is not None and c.mdc.id == "bbs.mdc.inpatient"
    assert c.mcid is not None and c.mcid.id == "bbs.mcid.early_subacute_walking_aid"
    assert c.verdict == REAL_MEANINGFUL and c.improved is True
    assert "Stevenson 2001" in c.reason and "MDC90" in c.reason


def test_berg_change_of_5_is_within_the_inpatient_mdc() -> None:
    # 40 → 45: +5 < 6, although it reaches the MCID of 5: measurement error governs.
    c = measures.change("bbs", 40, 45)
    assert c.exceeds_mdc is False and c.exceeds_mcid is True and c.verdict == WITHIN and c.improved is None


def test_berg_chronic_population() -> None:
    # Chronic: MDC 2.7 (Alghadir 2018), MCID more than 2 (2024). 50 → 53: +3 ≥ 2.7 and 3 > 2.
    c = measures.change("bbs", 50, 53, population="chronic")
    assert c.mdc is not None and c.mdc.value == 2.7
    assert c.mcid is not None and c.mcid.value == 2 and c.mcid.strict
    assert c.verdict == REAL_MEANINGFUL
    # 50 → 52: +2 < 2.7.
    assert measures.change("bbs", 50, 52, population="chronic").verdict == WITHIN


def test_strict_mcid_needs_more_than_the_value() -> None:
    chronic = measures.get("bbs").mcid[2]
    assert chronic.strict
    assert change_module._reaches(2.0, chronic) is False
    assert change_module._reaches(2.5, chronic) is True
    default = measures.get("bbs").mcid[0]
    assert change_module._reaches(5.0, default) is True


def test_berg_acute_falls_back_to_the_default_mdc_and_says_so() -> None:
    # No acute MDC in the reference: inpatient 6 is used; acute MCID 12.5 (Hayashi 2022 upper end).
    # 30 → 40: +10 ≥ 6 but < 12.5.
    c = measures.change("bbs", 30, 40, population="acute")
    assert c.mdc is not None and c.mdc.id == "bbs.mdc.inpatient"
    assert c.mcid is not None and c.mcid.value == 12.5
    assert c.verdict == REAL_BELOW
    assert "No MDC for population 'acute'" in c.reason


def test_berg_real_and_meaningful_decline() -> None:
    c = measures.change("bbs", 47, 40)
    assert c.delta == -7 and c.improved is False and c.verdict == measures.REAL_AND_MEANINGFUL_DECLINE


def test_berg_real_decline_below_mcid() -> None:
    # Acute: 40 → 32 is −8: beyond the (default) MDC 6, below the acute MCID 12.5.
    c = measures.change("bbs", 40, 32, population="acute")
    assert c.verdict == measures.REAL_DECLINE and c.improved is False


@pytest.mark.parametrize("bad", ["martian", "", "CHRONIC", 3, ["chronic"]])
def test_unknown_population(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        measures.change("bbs", 40, 47, population=bad)
    assert err.value.field == "population"


# --- gait speed: MDC by baseline band --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "mdc", "real"),
    [
        # JNPT 2019: < 0.4 → 0.10; 0.4–0.8 → 0.15; > 0.8 → 0.18 m/s (band of the first score).
        (0.35, 0.45, 0.10, True),
        (0.35, 0.44, 0.10, False),
        (0.40, 0.55, 0.15, True),
        (0.50, 0.60, 0.15, False),
        (0.50, 0.65, 0.15, True),
        (0.80, 0.95, 0.15, True),
        (0.81, 0.96, 0.18, False),
        (0.90, 1.08, 0.18, True),
        (0.90, 1.05, 0.18, False),
        # A decline uses the same baseline band: 0.9 → 0.7 is −0.2, beyond 0.18.
        (0.90, 0.70, 0.18, True),
    ],
)
def test_ten_mwt_mdc_by_baseline_band(before: float, after: float, mdc: float, real: bool) -> None:
    c = measures.change("ten_mwt", before, after)
    assert c.mdc is not None and c.mdc.value == mdc
    assert c.exceeds_mdc is real


def test_ten_mwt_improvement_below_mcid() -> None:
    # 0.35 → 0.45: +0.10 reaches the household MDC 0.10 but not the MCID 0.16 (Tilson 2010).
    c = measures.change("ten_mwt", 0.35, 0.45)
    assert c.verdict == REAL_BELOW and c.mcid is not None and c.mcid.value == 0.16
    assert "baseline < 0.4 m/s" in c.reason


def test_ten_mwt_real_and_meaningful() -> None:
    # 0.30 → 0.50: +0.20 ≥ 0.10 and ≥ 0.16.
    assert measures.change("ten_mwt", 0.30, 0.50).verdict == REAL_MEANINGFUL


def test_ten_mwt_hosoi_population() -> None:
    # Hosoi 2023 comfortable speed: < 0.4 m/s → 0.05. 0.30 → 0.35 is +0.05: real. MCID falls back to 0.16.
    c = measures.change("ten_mwt", 0.30, 0.35, population="hosoi_comfortable")
    assert c.mdc is not None and c.mdc.value == 0.05 and c.exceeds_mdc is True
    assert c.mcid is not None and c.mcid.id == "ten_mwt.mcid.subacute"
    assert "No MCID for population 'hosoi_comfortable'" in c.reason


def test_ten_mwt_inpatient_mcid() -> None:
    # Inpatient MCID 0.13 (J Phys Ther Sci 2013); MDC falls back to the default chronic bands.
    # 0.30 → 0.44: +0.14 ≥ 0.10 and ≥ 0.13.
    c = measures.change("ten_mwt", 0.30, 0.44, population="inpatient")
    assert c.mcid is not None and c.mcid.value == 0.13 and c.verdict == REAL_MEANINGFUL


# --- weight-bearing symmetry: better is closer to 50 % ---------------------------------------------------


def test_weight_bearing_moving_towards_50_is_improvement() -> None:
    # 35 → 45 %: distance from 50 goes 15 → 5, a gain of 10 ≥ MDC 5 (2°).
    c = measures.change("wb_symmetry", 35, 45)
    assert c.improved is True and c.direction == "better" and c.verdict == REAL_NO_MCID
    assert "secondary source" in c.reason


def test_weight_bearing_overshoot_is_judged_by_distance() -> None:
    # 60 → 52 %: delta −8 but distance 10 → 2: improvement of 8.
    c = measures.change("wb_symmetry", 60, 52)
    assert c.delta == -8 and c.improved is True
    # 45 → 55 %: distance 5 → 5: no change in symmetry.
    c = measures.change("wb_symmetry", 45, 55)
    assert c.direction == "no change" and c.verdict == WITHIN
    # 50 → 40 %: distance 0 → 10: real decline.
    assert measures.change("wb_symmetry", 50, 40).improved is False


# --- measures without an MDC ---------------------------------------------------------------------------


def test_six_mwt_has_no_verified_mdc() -> None:
    # 200 → 300 m: no MDC applied (Flansbjer 54.1 m is MEM); MCID 71 m (Fulk & He 2018) reached.
    c = measures.change("six_mwt", 200, 300)
    assert c.mdc is None and c.exceeds_mdc is None and c.improved is None
    assert c.verdict == measures.NO_MDC
    assert c.exceeds_mcid is True and c.direction == "better"
    assert "awaits clinician sign-off" in c.reason and "54.1 m" in c.reason


def test_six_mwt_with_signed_off_mdc() -> None:
    c = measures.change("six_mwt", 200, 300, overrides={"six_mwt.mdc.chronic": 54.1})
    assert c.exceeds_mdc is True and c.verdict == REAL_MEANINGFUL
    assert c.mdc is not None and c.mdc.overridden and "value set by the clinic" in c.reason


@pytest.mark.parametrize(("key", "before", "after"), [("five_sts", 14, 11), ("thirty_s_cst", 8, 12), ("sls", 3, 9)])
def test_no_mdc_measures(key: str, before: float, after: float) -> None:
    c = measures.change(key, before, after)
    assert c.verdict == measures.NO_MDC and c.exceeds_mdc is None and c.exceeds_mcid is None
    assert c.direction == "better"
    assert "No MDC is available" in c.reason


def test_mmt_is_ordinal() -> None:
    c = measures.change("mmt", "4-", "4")
    assert c.delta == 1 and c.direction == "better" and c.verdict == measures.NO_MDC
    assert "4- → 4" in c.reason and "ordinal" in c.reason


# --- the other measures, worked by hand ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "before", "after", "verdict"),
    [
        # FGA: 15 → 21 = +6 ≥ MDC 6 (van Bloemendaal) and ≥ MCID 4 (2°).
        ("fga", 15, 21, REAL_MEANINGFUL),
        ("fga", 15, 20, WITHIN),
        # Mini-BESTest: 15 → 20 = +5 ≥ MDC95 3.0 and ≥ MCID 4.5. 15 → 19 = +4: real, below 4.5.
        ("mini_bestest", 15, 20, REAL_MEANINGFUL),
        ("mini_bestest", 15, 19, REAL_BELOW),
        # ABC: 50 → 70 = +20 ≥ MDC 14 (2°) and ≥ MIC 15.6. 50 → 65 = +15: real, below 15.6.
        ("abc", 50, 70, REAL_MEANINGFUL),
        ("abc", 50, 65, REAL_BELOW),
        # PASS (subacute default): 20 → 23 = +3 ≥ 2.22 and ≥ 3.0.
        ("pass", 20, 23, REAL_MEANINGFUL),
        # TIS: 10 → 14 = +4 ≥ 3.68 and ≥ 2.5; 10 → 13 = +3 < 3.68.
        ("tis", 10, 14, REAL_MEANINGFUL),
        ("tis", 10, 13, WITHIN),
        # TIS decline uses the larger limit too: 14 → 11 = −3 is within −2.90…+3.68 → within error.
        ("tis", 14, 11, WITHIN),
        # Grip: 20 → 28 kg = +8 ≥ 7.47 kg (73.3 N). No MCID.
        ("grip", 20, 28, REAL_NO_MCID),
        ("grip", 20, 27, WITHIN),
        # HHD (N) with no muscle named: Lee 2020's MDC is for knee extension only, so none applies.
        ("hhd", 200, 230, measures.NO_MDC),
    ],
)
def test_worked_changes(key: str, before: float, after: float, verdict: str) -> None:
    assert measures.change(key, before, after).verdict == verdict


def test_pass_chronic_population() -> None:
    # Chronic MDC 3.2 (2°): 20 → 23 = +3 < 3.2.
    c = measures.change("pass", 20, 23, population="chronic")
    assert c.mdc is not None and c.mdc.value == 3.2 and c.verdict == WITHIN


@pytest.mark.parametrize(("before", "after", "verdict"), [(200, 220, WITHIN), (200, 230, REAL_NO_MCID)])
def test_hhd_knee_extension_uses_lee_2020(before: float, after: float, verdict: str) -> None:
    # Knee extension (N): same-rater MDC 29.46 N (Lee 2020). +20 < 29.46; +30 ≥ 29.46.
    assert measures.change("hhd", before, after, site="knee extension").verdict == verdict


def test_hhd_torque_uses_the_torque_srd() -> None:
    # Arm torque readings: SRD 8.4 N·m (Ekstrand 2015, upper end). 40 → 50 = +10 ≥ 8.4.
    c = measures.change("hhd", 40, 50, unit="N·m", site="elbow flexion")
    assert c.mdc is not None and c.mdc.unit == "N.m" and c.exceeds_mdc is True
    # Inter-rater knee extension: 36.73 N. 200 → 230 = +30 < 36.73.
    c = measures.change("hhd", 200, 230, population="non_ambulatory_inpatient_inter_rater", site="knee extension")
    assert c.mdc is not None and c.mdc.value == 36.73 and c.verdict == WITHIN


@pytest.mark.parametrize("bad", ["kg", "lb", None, 3])
def test_unit_must_match_a_figure(bad: object) -> None:
    if bad is None:
        measures.change("hhd", 40, 50, unit=bad)
        return
    with pytest.raises(ValidationError) as err:
        measures.change("hhd", 40, 50, unit=bad)
    assert err.value.field == "unit"


def test_population_without_a_figure_in_that_unit_falls_back() -> None:
    # Only the upper-limb SRD is in N·m, so the knee-extension population falls back to it.
    c = measures.change("hhd", 40, 50, unit="N.m", population="non_ambulatory_inpatient", site="shoulder flexion")
    assert c.mdc is not None and c.mdc.id == "hhd.mdc.chronic_upper_limb"
    assert "No MDC for population 'non_ambulatory_inpatient'" in c.reason


# --- overrides ---------------------------------------------------------------------------------------


def test_secondary_mdc_can_be_overridden() -> None:
    # Clinic sets the ABC MDC to 20 %: 50 → 65 (+15) is then within error.
    c = measures.change("abc", 50, 65, overrides={"abc.mdc.stroke": 20})
    assert c.verdict == WITHIN and c.mdc is not None and c.mdc.value == 20 and c.mdc.overridden


def test_primary_figures_cannot_be_overridden() -> None:
    with pytest.raises(ValidationError) as err:
        measures.change("bbs", 40, 47, overrides={"bbs.mdc.inpatient": 3})
    assert err.value.field == "bbs.mdc.inpatient"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bbs.mdc.nowhere": 3}, "overrides"),
        ({3: 3}, "overrides"),
        ([("abc.mdc.stroke", 20)], "overrides"),
        ("abc.mdc.stroke=20", "overrides"),
        ({"abc.mdc.stroke": 0}, "abc.mdc.stroke"),
        ({"abc.mdc.stroke": 101}, "abc.mdc.stroke"),
        ({"abc.mdc.stroke": "20"}, "abc.mdc.stroke"),
        ({"abc.mdc.stroke": float("nan")}, "abc.mdc.stroke"),
        ({"abc.cutoff.older_adults": 120}, "abc.cutoff.older_adults"),
    ],
)
def test_bad_overrides(overrides: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        measures.check_overrides(overrides)
    assert err.value.field == field


def test_thresholds_listing_for_a_settings_page() -> None:
    listed = {t.id: t for t in measures.thresholds("tug")}
    assert listed["tug.mdc.chronic_hemiparesis"].active is False
    signed = {t.id: t for t in measures.thresholds("tug", overrides={"tug.mdc.chronic_hemiparesis": 2.9})}
    assert signed["tug.mdc.chronic_hemiparesis"].active and signed["tug.mdc.chronic_hemiparesis"].overridden
    assert len(measures.thresholds()) > len(measures.thresholds("tug"))


def test_signed_off_unverified_mdc_is_selectable_by_population() -> None:
    # Flansbjer TUG SRD 2.9 s once signed off: 15 → 12 (3 s) is real with it, not with 3.2 s.
    ok = {"tug.mdc.chronic_hemiparesis": 2.9}
    assert measures.change("tug", 15, 12).verdict == WITHIN
    assert measures.change("tug", 15, 12, population="chronic_hemiparesis", overrides=ok).verdict == REAL_NO_MCID
    # Without sign-off the population falls back to the verified default.
    c = measures.change("tug", 15, 12, population="chronic_hemiparesis")
    assert c.mdc is not None and c.mdc.value == 3.2
