"""The patient's context: each threshold applied only to the population its source studied (issue 13, item 1).

Vignettes worked by hand from the clinical reference (../shared/reference/clinical.md):
- Berg: MDC 6 at 90 % in inpatient stroke rehabilitation (Stevenson 2001 [R24]); MDC 2.7 in chronic stroke
  (Alghadir 2018 [R26]); MCID 5 early subacute needing a walking aid (Top Stroke Rehabil 2022 [R28]); MCID
  more than 2 in chronic stroke (J Stroke Cerebrovasc Dis 2024 [R25]) — §2.1.
- TUG: CDC STEADI ≥ 12 s in adults aged 65 and over; stroke ≥ 15 s (Matsumoto 2024 [R27]) — §2.2.
- Phases: Stroke Recovery and Rehabilitation Roundtable (Bernhardt 2017): acute < 7 days, early subacute
  7 days–3 months, late subacute 3–6 months, chronic > 6 months.
"""

from __future__ import annotations

from datetime import date, timedelta

from rehab.domain import measures, trends
from rehab.domain.assessment import interpret
from rehab.domain.context import (
    Phase,
    judge_category,
    judge_change,
    judge_screen,
    patient_context,
    phase_on,
)

ON = date(2026, 9, 10)


def _stroke(days_since: int, age: int = 70):  # type: ignore[no-untyped-def]
    return patient_context("ischaemic_stroke", date(ON.year - age, 1, 1), ON - timedelta(days=days_since), ON)


# --- phases (Bernhardt 2017) --------------------------------------------------------------------------------


def test_phase_boundaries() -> None:
    event = date(2026, 1, 15)
    assert phase_on(event, date(2026, 1, 21)) == (6, Phase.ACUTE)
    assert phase_on(event, date(2026, 1, 22)) == (7, Phase.EARLY_SUBACUTE)
    assert phase_on(event, date(2026, 4, 14))[1] == Phase.EARLY_SUBACUTE  # a day short of 3 months
    assert phase_on(event, date(2026, 4, 15))[1] == Phase.LATE_SUBACUTE  # 3 months
    assert phase_on(event, date(2026, 7, 15))[1] == Phase.LATE_SUBACUTE  # exactly 6 months: not "more than"
    assert phase_on(event, date(2026, 7, 16))[1] == Phase.CHRONIC
    assert phase_on(None, ON) == (None, None)


def test_age_is_on_the_day_of_the_result() -> None:
    ctx = patient_context("tbi", date(1961, 9, 11), None, ON)
    assert ctx.age_years == 64 and not ctx.older_adult  # 65 only from the next day
    assert patient_context("tbi", date(1961, 9, 10), None, ON).older_adult


# --- Berg change: chronic vs early subacute -----------------------------------------------------------------


def test_chronic_outpatient_two_years_after_stroke_berg_judged_with_the_chronic_figure() -> None:
    # 40 → 43 (+3): reaches the chronic MDC 2.7 (Alghadir 2018) and MCID > 2 (2024); with the inpatient
    # MDC 6 at 90 % (Stevenson 2001, the old default) it would have been "within measurement error".
    ctx = _stroke(2 * 365)
    assert ctx.phase == Phase.CHRONIC
    c = judge_change(ctx, "bbs", 40, 43)
    assert c.mdc is not None and c.mdc.id == "bbs.mdc.chronic" and c.mdc.value == 2.7
    assert c.mcid is not None and c.mcid.id == "bbs.mcid.chronic"
    assert c.verdict == measures.REAL_AND_MEANINGFUL_IMPROVEMENT
    assert "chronic (more than 6 months)" in c.reason and "Bernhardt et al. 2017" in c.reason
    assert measures.change("bbs", 40, 43).verdict == measures.WITHIN_MEASUREMENT_ERROR  # the population-free default


def test_early_subacute_inpatient_gets_the_inpatient_figure() -> None:
    # 4 weeks after the stroke: 30 → 35 (+5) does not reach Stevenson's MDC 6 (90 %), so not a real change,
    # although it would reach the chronic 2.7.
    ctx = _stroke(28)
    assert ctx.phase == Phase.EARLY_SUBACUTE
    c = judge_change(ctx, "bbs", 30, 35)
    assert c.mdc is not None and c.mdc.id == "bbs.mdc.inpatient"
    assert c.mcid is not None and c.mcid.id == "bbs.mcid.early_subacute_walking_aid"
    assert c.verdict == measures.WITHIN_MEASUREMENT_ERROR
    assert "inpatient stroke rehabilitation" in c.reason and "early subacute" in c.reason


def test_acute_stroke_berg_has_no_mdc_of_its_own_and_says_so() -> None:
    # No Berg MDC in the reference was derived in acute stroke (< 7 days); the acute MCID 12.5 (Hayashi 2022).
    c = judge_change(_stroke(3), "bbs", 20, 34)
    assert c.mdc is None and c.verdict == measures.NO_MDC
    assert c.mcid is not None and c.mcid.id == "bbs.mcid.acute"
    assert "not applied, for reference only" in c.reason and "Stevenson 2001" in c.reason


def test_young_tbi_gets_no_figure_and_the_verdict_says_so() -> None:
    ctx = patient_context("tbi", date(1996, 5, 1), date(2026, 6, 1), ON)  # 30 years old
    c = judge_change(ctx, "bbs", 40, 48)
    assert c.mdc is None and c.mcid is None and c.verdict == measures.NO_MDC
    assert "No figure in the catalogue was derived in this patient's group" in c.reason
    assert "traumatic brain injury, aged 30" in c.reason


# --- flags: older-adult cut-offs only for adults 65+ without a stroke ----------------------------------------


def test_thirty_year_old_tbi_tug_12_5_is_not_flagged_by_steadi() -> None:
    # CDC STEADI ≥ 12 s was derived in adults aged 65 and over (§2.2): not applied at 30, and the note says so.
    ctx = patient_context("tbi", date(1996, 5, 1), date(2026, 6, 1), ON)
    screened = judge_screen(ctx, "tug", 12.5)
    assert screened.flags == []
    assert any("CDC STEADI" in n and "reference only" in n for n in screened.notes)
    assert trends.fall_risk("tbi", {"tug": 12.5}, age_years=30).flagged is False


def test_seventy_year_old_deconditioned_is_flagged_by_steadi() -> None:
    ctx = patient_context("deconditioning", date(1956, 1, 1), None, ON)
    codes = {f.code for f in judge_screen(ctx, "tug", 12.5).flags}
    assert codes == {"tug_older_adult_fall_risk"}


def test_stroke_patient_does_not_get_older_adult_flags() -> None:
    # A 76-year-old 2 years after a stroke, TUG 13 s: STEADI (older adults without stroke) not applied; the stroke
    # cut-off ≥ 15 s (Matsumoto 2024) is not met. Old code raised the STEADI flag.
    ctx = _stroke(730, age=76)
    screened = judge_screen(ctx, "tug", 13)
    assert screened.flags == []
    assert any("CDC STEADI" in n for n in screened.notes)
    assert {f.code for f in measures.flags("tug", 13)} == {"tug_older_adult_fall_risk"}  # population-free


def test_gait_speed_category_after_stroke_only() -> None:
    # Perry 1995's household / limited / community bands were described after stroke (§4.1).
    tbi = patient_context("tbi", date(1996, 5, 1), date(2026, 6, 1), ON)
    cat, note = judge_category(tbi, "ten_mwt", 0.5)
    assert cat is None and "reference only" in note
    cat, note = judge_category(_stroke(400), "ten_mwt", 0.5)
    assert cat is not None and cat.key == "limited_community"


def test_interpret_names_the_population() -> None:
    meaning = interpret("bbs", 43, previous=40, context=_stroke(730))
    assert "chronic (more than 6 months)" in meaning.population
    assert meaning.since_previous is not None and meaning.since_previous.mdc is not None
    assert meaning.since_previous.mdc.id == "bbs.mdc.chronic"


# --- plateau ---------------------------------------------------------------------------------------------------


def test_plateau_uses_the_chronic_mdc_and_names_it() -> None:
    # Chronic stroke, Berg 40 → 43 over 6 weeks: +3 reaches the chronic MDC 2.7: real change, no plateau.
    # With the inpatient MDC 6 (population-free default) it was a plateau.
    pairs = {"bbs": (40.0, 43.0)}
    assert trends.plateau(pairs).flagged is True
    judged = trends.plateau(pairs, context=_stroke(730))
    assert judged.flagged is False and "chronic (more than 6 months)" in judged.reason


def test_plateau_not_judged_where_no_mdc_fits() -> None:
    tbi = patient_context("tbi", date(1996, 5, 1), date(2026, 6, 1), ON)
    judged = trends.plateau({"bbs": (40.0, 41.0)}, context=tbi)
    assert judged.flagged is False and "derived in this patient's population" in judged.reason


# The property (no threshold outside its population unless the verdict says so) covers every measure and every
# verdict-producing entry point in tests/unit/test_population_property.py.
