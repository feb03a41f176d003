"""Fall-risk cut-offs are applied only to the population their source studied.

Worked by hand from the clinical reference: CDC STEADI's TUG >= 12 s and the Berg < 45 figure are for adults
aged 65 and over (§2.1–2.2); the stroke cut-offs (Berg < 50.5, TUG >= 15 s) for people after stroke, at any age.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehab.domain import trends
from rehab.domain.patients import Condition

NON_STROKE = sorted(str(c) for c in Condition if c not in trends.STROKE_CONDITIONS)


def test_a_30_year_old_after_tbi_with_tug_12_5_s_is_not_flagged_by_an_older_adult_cut_off() -> None:
    """The review's vignette: STEADI (65+) must not flag a 30-year-old; the verdict says why."""
    verdict = trends.fall_risk("tbi", {"tug": 12.5}, age_years=30)
    assert not verdict.flagged
    assert "aged 30" in verdict.reason and "65 and over" in verdict.reason


def test_the_same_tug_flags_a_70_year_old_by_cdc_steadi() -> None:
    verdict = trends.fall_risk("tbi", {"tug": 12.5}, age_years=70)  # 12.5 >= 12 s
    assert verdict.flagged and "older adults" in verdict.reason and "STEADI" in verdict.reason


def test_a_30_year_old_after_stroke_is_judged_by_the_stroke_cut_off() -> None:
    assert not trends.fall_risk("ischaemic_stroke", {"tug": 12.5}, age_years=30).flagged  # 12.5 < 15 s
    assert trends.fall_risk("ischaemic_stroke", {"tug": 15.0}, age_years=30).flagged  # 15 >= 15 s


def test_age_65_is_the_first_older_adult_year() -> None:
    assert trends.fall_risk_population("tbi", 64) is None
    assert trends.fall_risk_population("tbi", 65) == "older adults"
    assert trends.fall_risk_population("tbi", None) is None
    assert trends.fall_risk_population("haemorrhagic_stroke", 40) == "stroke"


@given(
    condition=st.sampled_from(NON_STROKE + sorted(trends.STROKE_CONDITIONS)),
    age=st.integers(min_value=18, max_value=105),
    bbs=st.floats(min_value=0, max_value=56),
    tug=st.floats(min_value=3, max_value=120),
)
def test_a_cut_off_is_never_applied_outside_its_population_unless_the_verdict_says_so(
    condition: str, age: int, bbs: float, tug: float
) -> None:
    verdict = trends.fall_risk(condition, {"bbs": bbs, "tug": tug}, age_years=age)
    population = "stroke" if condition in trends.STROKE_CONDITIONS else ("older adults" if age >= 65 else None)
    if population is None:
        assert not verdict.flagged and "No fall-risk cut-off for this patient" in verdict.reason
    elif verdict.flagged:
        # every figure named in the reason belongs to the patient's own population
        other = "older adults" if population == "stroke" else "stroke"
        assert f"({population};" in verdict.reason and f"({other};" not in verdict.reason, verdict.reason
    for cut in trends.fall_risk_cutoffs(condition, age_years=age).values():
        assert cut.population == population
