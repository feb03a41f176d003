"""Issue 13, "Catalogue entries that are wrong or mislabelled": worked examples by hand from the sources.

Each test below fails on the catalogue as it was before the correction. Sources are the clinical reference
(../shared/reference/clinical.md) sections named in each test.
"""

from __future__ import annotations

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationError


def _ids(key: str) -> dict[str, measures.ChangeThreshold]:
    m = measures.get(key)
    return {t.id: t for t in (*m.mdc, *m.mcid)}


# 1. FGA 4.2 (Lin 2010) is a minimal detectable change, not an MCID (reference §2.5, §11 item 9).
def test_fga_lin_2010_is_an_mdc_not_an_mcid() -> None:
    fga = measures.get("fga")
    assert all(t.value != 4.2 for t in fga.mcid)
    lin = [t for t in fga.mdc if "Lin 2010" in t.source]
    assert len(lin) == 1 and lin[0].value == 4.2 and lin[0].kind == "mdc"
    # still from memory in the reference: off until the clinic signs it off
    assert lin[0].evidence == "unverified" and not lin[0].active


# 2. Berg 41–56 describes independence, from secondary sources (mdapp; cliot R package [R23], §2.1).
def test_berg_45_is_not_called_low_fall_risk() -> None:
    cat = measures.category("bbs", 45)
    assert cat is not None
    assert "fall risk" not in cat.label.replace("not a fall-risk judgement", "")
    assert "low fall risk" not in cat.label
    assert "independent" in cat.label
    assert cat.evidence == "secondary"
    # and the stroke fall-risk flag still applies to Berg 45 (< 50.5, Matsumoto 2024 [R27])
    assert "bbs_stroke_fall_risk" in [f.code for f in measures.flags("bbs", 45)]


@pytest.mark.parametrize("score", [0, 20, 21, 40])
def test_no_berg_band_is_a_primary_fall_risk_band(score: int) -> None:
    cat = measures.category("bbs", score)
    assert cat is not None and cat.evidence == "secondary" and "fall risk" not in cat.label


# 5. Functional reach: Duncan's cut-off is 6 in or less; 6 x 2.54 = 15.24 cm (reference §2.3, [R41]).
def test_functional_reach_of_15_2_cm_is_at_or_below_6_in() -> None:
    # 15.2 cm is 5.98 in, at or below 6 in: flagged (the old "< 15.2" missed it)
    assert [f.code for f in measures.flags("frt", 15.2)] == ["frt_fall_risk"]
    # exactly 6 in is flagged ("<= 6 in")
    assert [f.code for f in measures.flags("frt", 15.24)] == ["frt_fall_risk"]
    assert measures.flags("frt", 15.3) == []


# 6. TIS: item 1 scores 0 or 2 and 0 ends the test, so a static subtotal of 1 cannot happen
# (Verheyden 2004 score sheet; MDCalc "if the patient scores 0 on the first item, the total score is 0" [R44]).
def test_tis_static_subtotal_of_1_is_refused_with_a_field_message() -> None:
    with pytest.raises(ValidationError) as err:
        measures.score("tis", [1, 4, 2])
    assert err.value.field == "item 1"
    assert "0 or 2" in err.value.message


@pytest.mark.parametrize(("items", "total"), [([0, 0, 0], 0), ([2, 0, 0], 2), ([7, 10, 6], 23), ([2, 3, 1], 6)])
def test_tis_valid_static_subtotals_still_score(items: list[int], total: int) -> None:
    assert measures.score("tis", items) == total


# 8. Hiengkaew 2012 (reference §13.11, [R102]): MDC95 in 61 chronic ambulatory stroke outpatients.
@pytest.mark.parametrize(
    ("key", "ident", "value", "unit"),
    [
        ("bbs", "bbs.mdc.chronic_ambulatory", 5, "points"),
        ("tug", "tug.mdc.chronic_ambulatory", 8, "s"),
    ],
)
def test_hiengkaew_mdc95_catalogued_for_chronic_ambulatory_stroke(
    key: str, ident: str, value: float, unit: str
) -> None:
    t = _ids(key)[ident]
    assert t.value == value and t.unit == unit and t.evidence == "primary" and t.active
    assert "Hiengkaew" in t.source and "[R102]" in t.source
    assert "chronic stroke" in t.population_text and "61" in t.population_text


def test_berg_change_of_4_in_chronic_ambulatory_is_within_hiengkaew_mdc() -> None:
    # Berg 40 -> 44 (+4): below Hiengkaew's MDC95 5, so within measurement error for this population
    c = measures.change("bbs", 40, 44, population="chronic_ambulatory")
    assert c.mdc is not None and c.mdc.value == 5
    assert c.verdict == measures.WITHIN_MEASUREMENT_ERROR
    assert "Hiengkaew" in c.reason
    # +5 reaches it
    assert measures.change("bbs", 40, 45, population="chronic_ambulatory").exceeds_mdc is True


def test_tug_change_of_5_s_in_chronic_ambulatory_is_within_hiengkaew_mdc() -> None:
    # TUG 30 -> 25 s (5 s faster) < 8 s: within error for Hiengkaew's population (Alghadir's 3.2 s would call it real)
    assert measures.change("tug", 30, 25, population="chronic_ambulatory").exceeds_mdc is False
    assert measures.change("tug", 30, 22, population="chronic_ambulatory").exceeds_mdc is True


def test_berg_mdc_6_9_has_no_primary_source_and_is_off_by_default() -> None:
    six_nine = [t for t in measures.get("bbs").mdc if t.value == 6.9]
    assert len(six_nine) == 1 and six_nine[0].evidence == "unverified" and not six_nine[0].active
    # a change of 6 with default figures is judged by Stevenson's MDC90 6, not by 6.9
    c = measures.change("bbs", 30, 36)
    assert c.mdc is not None and c.mdc.value == 6


# 4. Hand-held dynamometry: Lee 2020's MDC (29.46 N same rater, 36.73 N between raters) was measured on
# anchored supine knee extension in non-ambulatory inpatients (reference §1.2, [R59]).
def test_hhd_knee_extension_change_is_judged_by_lee_2020_and_names_the_population() -> None:
    # 150 -> 180 N (+30) on the knee extensors: 30 >= 29.46, real
    c = measures.change("hhd", 150, 180, site="Knee extensors")
    assert c.mdc is not None and c.mdc.value == 29.46 and c.exceeds_mdc is True
    assert "non-ambulatory inpatients" in c.reason and "knee extension" in c.reason


@pytest.mark.parametrize("site", ["hip abduction", "ankle dorsiflexion", "knee flexion", None])
def test_hhd_other_muscles_get_no_mdc_and_say_why(site: str | None) -> None:
    # 150 -> 180 N (+30) on the hip abductors: the old code called it real with the knee-extension MDC
    c = measures.change("hhd", 150, 180, site=site)
    assert c.mdc is None and c.verdict == measures.NO_MDC and c.improved is None
    assert "Lee 2020" in c.reason and "not borrowed" in c.reason


# 7. Gait speed MDC by the recorded pace (reference §4.1; Lewek & Sykes 2019 abstract [R50] gives
# 0.10 / 0.15 / 0.18 m/s for comfortable speed; Hosoi 2023 [R49] fast speed 0.04 / 0.12 / 0.19 m/s).
def test_fast_pace_uses_a_fast_speed_mdc() -> None:
    # Fast pace 0.5 -> 0.62 m/s (+0.12), baseline band 0.4–0.8: Hosoi fast MDC 0.12 -> real.
    # The old code used Lewek & Sykes' comfortable-speed 0.15 and called it measurement error.
    c = measures.change("ten_mwt", 0.5, 0.62, pace="fast")
    assert c.mdc is not None and c.mdc.value == 0.12 and c.mdc.pace == "fast"
    assert c.exceeds_mdc is True and "Hosoi" in c.reason


def test_comfortable_pace_uses_lewek_and_sykes() -> None:
    # Comfortable 0.3 -> 0.4 m/s (+0.10), baseline < 0.4: Lewek & Sykes 0.10 -> real
    c = measures.change("ten_mwt", 0.3, 0.4, pace="comfortable")
    assert c.mdc is not None and c.mdc.value == 0.10 and c.exceeds_mdc is True
    assert "comfortable pace" in c.reason


def test_fast_pace_ignores_a_comfortable_only_population_and_says_so() -> None:
    # Hosoi's comfortable figures are not borrowed for a fast walk: the default fast figure is used, said in words
    c = measures.change("ten_mwt", 0.9, 1.05, pace="fast", population="hosoi_comfortable")
    assert c.mdc is not None and c.mdc.pace == "fast" and c.mdc.value == 0.19
    assert "No MDC for population 'hosoi_comfortable' at fast pace" in c.reason


def test_unrecorded_pace_is_assumed_comfortable_in_words() -> None:
    c = measures.change("ten_mwt", 0.5, 0.62)
    assert c.mdc is not None and c.mdc.pace == "comfortable"
    assert "Pace not recorded: comfortable assumed" in c.reason


def test_pace_must_be_comfortable_or_fast() -> None:
    with pytest.raises(ValidationError) as err:
        measures.change("ten_mwt", 0.5, 0.62, pace="brisk")
    assert err.value.field == "pace"


# 8 (gait). Hiengkaew 2012 [R102]: comfortable 0.2 m/s, fast 0.1 m/s, reproduced as published (§13.11).
@pytest.mark.parametrize(("pace", "mdc_value", "real"), [("comfortable", 0.2, False), ("fast", 0.1, True)])
def test_hiengkaew_gait_speed_mdc_by_pace(pace: str, mdc_value: float, real: bool) -> None:
    # 0.6 -> 0.75 m/s (+0.15): below 0.2 at comfortable pace, beyond 0.1 at fast pace
    c = measures.change("ten_mwt", 0.6, 0.75, pace=pace, population="chronic_ambulatory")
    assert c.mdc is not None and c.mdc.value == mdc_value and c.exceeds_mdc is real
    assert "Hiengkaew" in c.reason


def test_interpretation_passes_muscle_and_pace_to_the_change() -> None:
    from rehab.domain.assessment import interpret

    hip = interpret("hhd", 180, previous=150, site="hip abduction", unit="N")
    assert hip.since_previous is not None and hip.since_previous.mdc is None
    knee = interpret("hhd", 180, previous=150, site="knee extension", unit="N")
    assert knee.since_previous is not None and knee.since_previous.exceeds_mdc is True
    fast = interpret("ten_mwt", 0.62, previous=0.5, pace="fast")
    assert fast.since_previous is not None and fast.since_previous.mdc is not None
    assert fast.since_previous.mdc.pace == "fast"


# 3. EWGSOP2 grip cut-offs (< 27 kg men, < 16 kg women [R55]) were derived on MAXIMUM grip (Dodds 2014
# [R54]) and judge sarcopenia, so they are not applied to the paretic hand (issue 13's clinical review).
def test_grip_ewgsop2_uses_the_maximum_trial_not_the_mean() -> None:
    # Woman, non-paretic hand, trials 14 / 15 / 17 kg: mean 15.33 < 16, but maximum 17 >= 16: no flag.
    # The old code flagged the mean.
    mean = (14 + 15 + 17) / 3
    assert measures.flags("grip", mean, sex="female", side="non_paretic", trials=[14, 15, 17]) == []
    # Trials 13 / 14 / 15.5: maximum 15.5 < 16: flagged, and the message shows the maximum.
    raised = measures.flags("grip", (13 + 14 + 15.5) / 3, sex="female", trials=[13, 14, 15.5])
    assert [f.code for f in raised] == ["grip_below_ewgsop2"]
    assert "15.5 kg (maximum trial)" in raised[0].message and "Dodds 2014" in raised[0].source


def test_grip_mean_without_trials_is_not_judged_and_says_why() -> None:
    s = measures.screen("grip", 15, sex="female")
    assert s.flags == []
    assert any("maximum trial" in n for n in s.notes)


@pytest.mark.parametrize("trials", [[10, 11, 12], [20, 21, 22]])
def test_grip_ewgsop2_is_never_applied_to_the_paretic_hand(trials: list[float]) -> None:
    # Man, paretic hand, maximum 12 kg (< 27): the old code raised the sarcopenia flag; now a note says why not.
    s = measures.screen("grip", sum(trials) / 3, sex="male", side="paretic", trials=trials)
    assert s.flags == []
    assert len(s.notes) == 1 and "neurological" in s.notes[0] and "paretic" in s.notes[0]


def test_interpretation_of_a_paretic_grip_carries_the_note() -> None:
    from rehab.domain.assessment import interpret

    meaning = interpret("grip", 11, sex="male", side="paretic", trials=[10, 11, 12], rule="mean")
    assert meaning.flags == [] and meaning.notes and "neurological" in meaning.notes[0]
    other = interpret("grip", 11, sex="male", side="non_paretic", trials=[10, 11, 12], rule="mean")
    assert [f.code for f in other.flags] == ["grip_below_ewgsop2"]


# Functional reach MCID "3–5 cm" is quoted only by a calculator site: the reference marks it "(2°, unverified)"
# (§2.3) and lists it among the facts not verified (§11 item 11). So it is off until a clinic signs it off.
def test_functional_reach_mcid_is_unverified_and_off_by_default() -> None:
    frt = measures.get("frt")
    (mcid,) = frt.mcid
    assert mcid.value == 5 and mcid.evidence == "unverified" and not mcid.active
