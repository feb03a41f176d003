"""Issue 18: PREP2 and TWIST, every branch worked by hand from the decision trees in clinical reference §13.7–13.8.

The reference gives the trees, not patient vignettes from the papers, so each vignette below is a patient built
to walk one branch, with the numbers checked by hand against the tree: PREP2 as the developers' training site
gives it [R88] (Stinear 2017 [R89]); TWIST as Smith, Barber & Stinear 2017 give it [R93]. Day 0 is the day of
the stroke [R88].
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.prognosis import Dated, Prep2Category, Prep2Inputs, TwistCategory, TwistInputs, prep2, twist
from rehab.domain.prognosis.findings import parse_finding
from rehab.domain.prognosis.prep2 import ARAT_BANDS_SETTING, WHOLE_GRADES
from rehab.domain.prognosis.prep2 import patient_text as prep2_patient_text
from rehab.domain.prognosis.twist import TOOL_WEIGHTS_SETTING
from rehab.domain.prognosis.twist import patient_text as twist_patient_text
from rehab.domain.strength import MMT_GRADES

STROKE = date(2026, 3, 2)


def day(n: int) -> date:
    return STROKE + timedelta(days=n)


def _prep2(age: int, safe: list[tuple[int, str, str]], **more: object) -> Prep2Inputs:
    """``safe``: (day, shoulder abduction grade, finger extension grade)."""
    return Prep2Inputs(
        stroke=True,
        event_date=STROKE,
        age_at_stroke=age,
        shoulder_abduction=[Dated(sa, day(d)) for d, sa, _ in safe],
        finger_extension=[Dated(fe, day(d)) for d, _, fe in safe],
        **more,  # type: ignore[arg-type]
    )


# --- PREP2 step 1: SAFE ≥ 5 within days 0–3 [R88] ----------------------------------------------------------


def test_prep2_under_80_with_safe_5_on_day_1_is_excellent() -> None:
    # 72-year-old (the cohort's median age [R89]); shoulder abduction 3 + finger extension 2 = SAFE 5 on day 1
    result = prep2(_prep2(72, [(1, "3", "2")]))
    assert result.category is Prep2Category.EXCELLENT
    assert [f.text for f in result.path] == ["SAFE 5 on day 1: 5 or more within days 0–3.", "Age 72: under 80."]
    assert result.refusals == ()


def test_prep2_80_or_over_with_safe_8_is_excellent() -> None:
    # 84 years; 4 + 4 = SAFE 8 on day 2 → age ≥ 80 and SAFE ≥ 8 → Excellent
    result = prep2(_prep2(84, [(2, "4", "4")]))
    assert result.category is Prep2Category.EXCELLENT
    assert "Age 84: 80 or over." in [f.text for f in result.path]


def test_prep2_exactly_80_with_safe_7_is_good() -> None:
    # 80 is "80 or over" (the tree's "age < 80" fails); 4 + 3 = SAFE 7 < 8 → Good
    result = prep2(_prep2(80, [(3, "4", "3")]))
    assert result.category is Prep2Category.GOOD
    assert result.path[-1].text == "SAFE 7 on day 3: under 8."


def test_prep2_80_or_over_uses_the_newest_safe_of_days_0_to_3() -> None:
    # 86 years: SAFE 5 on day 0, then 5 + 4 = 9 on day 3 → the day-3 SAFE (≥ 8) decides: Excellent
    result = prep2(_prep2(86, [(0, "3", "2"), (3, "5", "4")]))
    assert result.category is Prep2Category.EXCELLENT


# --- PREP2 step 2: SAFE < 5 on day 3, TMS and NIHSS [R88] -----------------------------------------------------


def test_prep2_safe_under_5_and_mep_present_is_good() -> None:
    # 2 + 1 = SAFE 3 on day 3; MEP+ on day 5 → Good
    result = prep2(_prep2(65, [(3, "2", "1")], mep_positive=[Dated(True, day(5))]))
    assert result.category is Prep2Category.GOOD
    assert result.path[-1].text == "MEP present (MEP+) on day 5."


def test_prep2_no_mep_and_nihss_under_7_is_limited() -> None:
    # 1 + 0 = SAFE 1 on day 3; MEP− on day 4; NIHSS 6 on day 3 → Limited
    inputs = _prep2(70, [(3, "1", "0")], mep_positive=[Dated(False, day(4))], nihss=[Dated(6, day(3))])
    result = prep2(inputs)
    assert result.category is Prep2Category.LIMITED
    assert result.path[-1].text == "NIHSS 6 on day 3: under 7."


def test_prep2_no_mep_and_nihss_7_is_poor() -> None:
    # SAFE 0 on day 3; MEP− on day 7 (the window's last day); NIHSS 7 → "≥ 7" → Poor
    inputs = _prep2(58, [(3, "0", "0")], mep_positive=[Dated(False, day(7))], nihss=[Dated(7, day(3))])
    assert prep2(inputs).category is Prep2Category.POOR


def test_prep2_safe_under_5_without_tms_gives_no_prediction() -> None:
    # "If TMS is unavailable and SAFE < 5, the algorithm gives no valid prediction" (§13.7)
    result = prep2(_prep2(70, [(3, "2", "2")], nihss=[Dated(4, day(3))]))
    assert result.category is None
    assert [r.input for r in result.refusals] == ["MEP status (TMS, days 3–7)"]


def test_prep2_no_mep_without_a_day_3_nihss_says_nihss_is_missing() -> None:
    inputs = _prep2(70, [(3, "1", "1")], mep_positive=[Dated(False, day(4))], nihss=[Dated(5, day(1))])
    result = prep2(inputs)
    assert result.category is None
    assert result.refusals[0].input == "NIHSS on day 3"
    assert "day 1" in result.refusals[0].reason


def test_prep2_mep_after_day_7_is_refused_as_out_of_window() -> None:
    result = prep2(_prep2(70, [(3, "1", "1")], mep_positive=[Dated(True, day(14))]))
    assert result.category is None
    assert "day 14" in result.refusals[0].reason


def test_prep2_safe_under_5_before_day_3_waits_for_day_3() -> None:
    # SAFE 4 on day 1: the protocol measures again each day up to day 3 [R88]
    result = prep2(_prep2(70, [(1, "2", "2")], mep_positive=[Dated(True, day(4))]))
    assert result.category is None
    assert result.refusals[0].input == "SAFE on day 3"


# --- PREP2 inputs refused --------------------------------------------------------------------------------------


def test_prep2_safe_at_two_weeks_is_refused_with_lundquist() -> None:
    # Lundquist 2021 [R91]: 60 % correct when applied at 2 weeks; grades on day 14 are not used
    result = prep2(_prep2(70, [(14, "5", "5")]))
    assert result.category is None
    assert result.refusals[0].input == "SAFE (days 0–3)"
    assert "day 14" in result.refusals[0].reason
    assert any("60 %" in c.text and "[R91]" in c.source for c in result.caveats)


def test_prep2_plus_minus_grades_are_refused() -> None:
    # "do not use +/− grades" [R88]
    result = prep2(_prep2(70, [(2, "3+", "2")]))
    assert result.category is None
    assert result.refusals[0].input == "SAFE on day 2"
    assert "3+" in result.refusals[0].reason


def test_prep2_needs_both_grades_on_the_same_day() -> None:
    inputs = Prep2Inputs(
        stroke=True,
        event_date=STROKE,
        age_at_stroke=70,
        shoulder_abduction=[Dated("4", day(1))],
        finger_extension=[Dated("4", day(2))],
    )
    assert prep2(inputs).category is None


def test_prep2_is_not_applied_outside_stroke_or_without_a_stroke_date() -> None:
    result = prep2(Prep2Inputs(stroke=False, event_date=None, age_at_stroke=70))
    assert {r.input for r in result.refusals} == {"condition", "date of stroke"}


def test_prep2_accuracy_is_the_published_75_percent_and_arat_bands_wait_for_sign_off() -> None:
    result = prep2(_prep2(72, [(1, "3", "2")]))
    assert result.accuracy[0].text.startswith("Correct for 75 %")  # Stinear 2017 development [R89]
    assert not any("51–57" in c.text for c in result.caveats)  # UNVERIFIED (§13.15 item 10): off by default
    signed = prep2(_prep2(72, [(1, "3", "2")], signed_off=frozenset({ARAT_BANDS_SETTING})))
    assert any("Excellent ARAT 51–57" in c.text for c in signed.caveats)


def test_prep2_patient_text_is_the_developers_wording_or_says_it_is_not() -> None:
    assert prep2_patient_text(Prep2Category.EXCELLENT) == (
        'The PREP2 developers\' aim for this category: "promote normal function".',
        True,
    )
    text, published = prep2_patient_text(Prep2Category.POOR)
    assert not published and "no published plain-language wording" in text


@given(
    st.sampled_from(WHOLE_GRADES),
    st.sampled_from(WHOLE_GRADES),
    st.integers(18, 110),
    st.booleans(),
    st.integers(0, 40),
)
def test_prep2_always_gives_a_category_with_complete_day_3_inputs(
    sa: str, fe: str, age: int, mep: bool, nihss: int
) -> None:
    inputs = _prep2(age, [(3, sa, fe)], mep_positive=[Dated(mep, day(3))], nihss=[Dated(nihss, day(3))])
    result = prep2(inputs)
    assert result.category is not None and result.refusals == ()
    assert all(f.source for f in (*result.path, *result.accuracy, *result.caveats))


# --- TWIST (Smith 2017 [R93]) -----------------------------------------------------------------------------


def _twist(tct: list[tuple[int, float]], hip: list[tuple[int, str]]) -> TwistInputs:
    return TwistInputs(
        stroke=True,
        event_date=STROKE,
        trunk_control=[Dated(v, day(d)) for d, v in tct],
        hip_extension=[Dated(g, day(d)) for d, g in hip],
    )


def test_twist_tct_48_at_one_week_walks_by_6_weeks() -> None:
    # 25 + 12 + 0 + ... : TCT 48 on day 7 is > 40 (§13.4: > 40 is ≥ 48) → independent by 6 weeks; hip not needed
    result = twist(_twist([(7, 48)], []))
    assert result.category is TwistCategory.BY_6_WEEKS
    assert result.path[0].text == "Trunk Control Test 48 on day 7: over 40."


def test_twist_tct_37_with_hip_extension_3_walks_by_12_weeks() -> None:
    # TCT 37 (12 + 25 + 0 + 0) ≤ 40; hip extension MRC 3 ≥ 3 → by 12 weeks
    result = twist(_twist([(8, 37)], [(8, "3")]))
    assert result.category is TwistCategory.BY_12_WEEKS


def test_twist_tct_37_with_hip_extension_3_minus_is_not_by_12_weeks() -> None:
    # 3− ranks below 3 on the MRC scale (§1.1), so "MRC ≥ 3" fails → not independent by 12 weeks
    result = twist(_twist([(7, 37)], [(7, "3-")]))
    assert result.category is TwistCategory.NOT_BY_12_WEEKS
    assert result.path[-1].text == "Hip extension MRC 3- on day 7: under 3."


def test_twist_low_tct_without_hip_extension_names_the_missing_input() -> None:
    result = twist(_twist([(7, 24)], [(2, "4")]))
    assert result.category is None
    assert result.refusals[0].input == "Hip extension MRC (days 7–14)"
    assert "day 2" in result.refusals[0].reason


def test_twist_tct_outside_days_7_to_14_is_refused() -> None:
    result = twist(_twist([(3, 100), (21, 100)], []))
    assert result.category is None
    assert "day 3, day 21" in result.refusals[0].reason


def test_twist_accuracy_and_the_unconfirmed_tool_caveat() -> None:
    result = twist(_twist([(7, 48)], []))
    assert result.accuracy[0].text.startswith("Correct for 95 %")  # Smith 2017 [R93]
    assert any("not computed" in c.text for c in result.caveats)  # TWIST tool weights UNVERIFIED (§13.15 item 12)
    text, published = twist_patient_text(TwistCategory.BY_6_WEEKS)
    assert not published and "neutral summary" in text


@given(st.sampled_from([0, 12, 24, 25, 36, 37, 48, 49, 50, 61, 62, 74, 75, 87, 100]), st.sampled_from(MMT_GRADES))
def test_twist_branch_follows_the_cut_offs(tct: int, hip: str) -> None:
    result = twist(_twist([(10, tct)], [(10, hip)]))
    if tct >= 48:
        assert result.category is TwistCategory.BY_6_WEEKS
    elif hip in ("3", "3+", "4-", "4", "4+", "5-", "5"):
        assert result.category is TwistCategory.BY_12_WEEKS
    else:
        assert result.category is TwistCategory.NOT_BY_12_WEEKS


# --- TWIST tool (Smith 2022 [R94]): weights UNVERIFIED (§13.15 item 12), applied only once signed off -------------


def _tool(age: int | None, knee: str | None, berg: float | None, *, signed: bool = True) -> TwistInputs:
    return TwistInputs(
        stroke=True,
        event_date=STROKE,
        trunk_control=[Dated(48, day(7))],
        age_at_stroke=age,
        knee_extension=[Dated(knee, day(7))] if knee else [],
        berg=[Dated(berg, day(7))] if berg is not None else [],
        signed_off=frozenset({TOOL_WEIGHTS_SETTING}) if signed else frozenset(),
    )


def test_twist_tool_is_not_scored_until_signed_off() -> None:
    assert twist(_tool(72, "3", 12, signed=False)).also == ()


def test_twist_tool_score_with_the_signed_off_weights() -> None:
    # age 72 < 80 → 1; knee extension 3 ≥ 3 → 1; Berg 12 in 6–15 → 1: 3 of 4 (maximum 4 [R95])
    (found,) = twist(_tool(72, "3", 12)).also
    assert found.text.startswith("TWIST tool score 3 of 4")
    assert "none is shown" in found.text  # the probability table was not found: no probability is shown
    # age 80 → 0; knee 3− < 3 → 0; Berg 16 ≥ 16 → 2: 2 of 4
    assert twist(_tool(80, "3-", 16)).also[0].text.startswith("TWIST tool score 2 of 4")
    # Berg 5 < 6 → 0, age 79 → 1, knee 5 → 1: 2 of 4
    assert twist(_tool(79, "5", 5)).also[0].text.startswith("TWIST tool score 2 of 4")


def test_twist_tool_names_its_missing_inputs() -> None:
    (found,) = twist(_tool(72, None, None)).also
    assert "not computed" in found.text and "knee extension" in found.text and "Berg" in found.text


# --- findings entered for PREP2 (NIHSS, MEP) -------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["nihss", "mep", "other", None]),
    st.one_of(st.none(), st.dates(), st.text(max_size=5)),
    st.one_of(st.none(), st.integers(-5, 50), st.floats(allow_nan=True), st.text(max_size=9), st.booleans()),
)
def test_a_finding_is_stored_as_typed_or_refused_by_field(kind: object, found_on: object, value: object) -> None:
    try:
        entry = parse_finding({"kind": kind, "found_on": found_on, "value": value}, today=day(30), event_date=STROKE)
    except ValidationErrors as exc:
        assert exc.errors and {e.field for e in exc.errors} <= {"kind", "found_on", "value"}
        return
    assert STROKE <= entry.found_on <= day(30)
    if entry.kind == "nihss":  # a whole number from 0 to 42 (the sum of the items' highest scores), kept as typed
        assert isinstance(value, int) and not isinstance(value, bool) and entry.value == str(value) and 0 <= value <= 42
    else:
        assert entry.value == value and value in ("positive", "negative")
