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
