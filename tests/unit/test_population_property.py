"""Property: no MDC, MCID, cut-off or category is applied to a patient outside its source population unless the
verdict says so — for every measure in the catalogue and every domain entry point that produces a verdict:
``assessment.interpret`` (category, screening flags, change since the previous and the first result, through
``context.judge_category``, ``judge_screen`` and ``judge_change``), ``trends.mdc_rule`` (the dashboard's MDC band
and the plateau rule), ``trends.plateau`` / ``plateau_in_treatment`` (the caseload's plateau, each measure in
its newer result's context) and ``trends.fall_risk`` (the caseload's fall risk, each result at its own age).

Populations: the phases of the Stroke Recovery and Rehabilitation Roundtable (Bernhardt 2017); older adults from
65 (CDC STEADI, clinical reference §2.1–2.2); each threshold's population as catalogued from the reference.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rehab.domain import measures, trends
from rehab.domain.assessment import interpret
from rehab.domain.context import PatientContext, Phase, patient_context
from rehab.domain.errors import ValidationError
from rehab.domain.measures import Cutoff

CONDITIONS = (
    "ischaemic_stroke",
    "haemorrhagic_stroke",
    "tbi",
    "spinal_cord_injury",
    "other_neurological",
    "orthopaedic",
    "deconditioning",
)
KEYS = tuple(m.key for m in measures.all_measures())
TCT_TOTALS = sorted({a + b + c + d for a in (0, 12, 25) for b in (0, 12, 25) for c in (0, 12, 25) for d in (0, 12, 25)})
SITES = (None, "knee extensors", "elbow flexion", "hip abductors", "ankle dorsiflexors")


SUBACUTE = (Phase.EARLY_SUBACUTE, Phase.LATE_SUBACUTE)
_SUBACUTE_WORDS = ("subacute", "inpatient", "convalescent", "post stroke", "post onset", "within 2 weeks", "2–6 months")


def studied(who: str, ctx: PatientContext, *, age_banded: bool = False) -> bool:
    """The oracle, from the populations as the catalogue words them (clinical reference §1–4, §13): whether a
    figure derived in ``who`` may be applied to this patient. Deliberately independent of ``rehab.domain.context``
    (it is wider where the wording is: "inpatient" allows both subacute phases) so that it can catch a figure
    applied to another group, e.g. a chronic-stroke MDC in the first weeks or an older-adult cut-off at 30."""
    t = who.lower()
    if t in ("general", "population not stated") or t.startswith("adults"):
        return True
    if "older adults" in t:
        if "stroke" in t:  # Perera 2006: older adults including subacute stroke
            return (ctx.stroke and ctx.phase in SUBACUTE) or (not ctx.stroke and ctx.older_adult)
        return not ctx.stroke and (age_banded or ctx.older_adult)
    if not ctx.stroke:  # every other figure was derived after a stroke
        return False
    if "chronic" in t:
        return ctx.phase == Phase.CHRONIC
    if t.startswith("acute"):
        return ctx.phase == Phase.ACUTE
    if any(word in t for word in _SUBACUTE_WORDS) or "acute → 3 months" in t:
        return ctx.phase in SUBACUTE
    return True  # stroke, phase not stated


def test_the_oracle_on_hand_worked_cases() -> None:
    on = date(2026, 9, 10)
    chronic = patient_context("ischaemic_stroke", date(1950, 1, 1), on - timedelta(days=400), on)
    early = patient_context("ischaemic_stroke", date(1950, 1, 1), on - timedelta(days=20), on)
    young_tbi = patient_context("tbi", date(1996, 1, 1), on - timedelta(days=400), on)
    assert studied("chronic stroke", chronic) and not studied("chronic stroke", early)
    assert studied("inpatient stroke rehabilitation, n = 48", early) and not studied("inpatient stroke", chronic)
    assert not studied("older adults", young_tbi) and not studied("older adults", chronic)
    assert not studied("stroke", young_tbi) and studied("adults (sarcopenia)", young_tbi)


def test_every_catalogued_measure_is_drawn() -> None:
    assert len(KEYS) >= 26 and {"bbs", "tug", "hhd", "grip", "ten_mwt", "fma_ue", "mas", "tct"} <= set(KEYS)


@st.composite
def contexts(draw: st.DrawFn, on: date | None = None) -> PatientContext:
    day = on or draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    birth = day - timedelta(days=draw(st.integers(18 * 365, 100 * 365)))
    event = draw(st.one_of(st.none(), st.integers(0, 5 * 365).map(lambda d: day - timedelta(days=d))))
    return patient_context(draw(st.sampled_from(CONDITIONS)), birth, event, day)


def values(draw: st.DrawFn, key: str) -> float:
    if key == "tct":
        return float(draw(st.sampled_from(TCT_TOTALS)))
    m = measures.get(key)
    top = m.maximum if m.maximum is not None else m.minimum + 60
    x = draw(st.floats(m.minimum, top, allow_nan=False))
    return float(round(x)) if m.whole else round(x, 2)


@st.composite
def results(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    key = draw(st.sampled_from(KEYS))
    how: dict[str, object] = {
        "sex": draw(st.sampled_from(("female", "male"))),
        "side": draw(st.sampled_from((None, "paretic", "non_paretic"))),
        "site": draw(st.sampled_from(SITES)),
    }
    if key == "ten_mwt":
        how["pace"] = draw(st.sampled_from(("comfortable", "fast")))
    if key == "hhd":
        how["unit"] = draw(st.sampled_from(("N", "N.m")))
    first, previous, value = (values(draw, key) for _ in range(3))
    return draw(contexts()), key, first, previous, value, how


def _cutoff(key: str, threshold_id: str) -> Cutoff:
    (cut,) = [c for c in measures.get(key).cutoffs if c.id == threshold_id]
    assert isinstance(cut, Cutoff)
    return cut


@settings(max_examples=600, deadline=None)
@given(results())
def test_interpret_applies_only_the_patients_figures_or_says_so(case) -> None:  # type: ignore[no-untyped-def]
    ctx, key, first, previous, value, how = case
    try:
        meaning = interpret(key, value, previous=previous, first=first, context=ctx, **how)  # type: ignore[arg-type]
        default = interpret(key, value, previous=previous, first=first, age=ctx.age_years, **how)  # type: ignore[arg-type]
    except ValidationError:
        assume(False)
        return
    assert meaning.population.startswith("Judged for: ")  # every verdict names the population it used
    for flag in meaning.flags:  # a flag is raised only by a cut-off of the patient's own population
        cut = _cutoff(key, flag.threshold_id)
        assert studied(cut.population, ctx, age_banded=cut.age is not None), (flag, ctx.describe())
    for ident in {f.threshold_id for f in default.flags} - {f.threshold_id for f in meaning.flags}:
        cut = _cutoff(key, ident)  # a cut-off of another group is named, for reference only
        if not studied(cut.population, ctx, age_banded=cut.age is not None):
            assert any(cut.message in note and "reference only" in note for note in meaning.notes), (cut, ctx)
    for judged, unjudged in (
        (meaning.since_previous, default.since_previous),
        (meaning.since_first, default.since_first),
    ):
        assert judged is not None and unjudged is not None
        for t in (judged.mdc, judged.mcid):
            assert t is None or studied(t.population_text, ctx), (t, ctx.describe())
        assert "Population:" in judged.reason
        for chosen, fallback in ((judged.mdc, unjudged.mdc), (judged.mcid, unjudged.mcid)):
            if chosen is None and fallback is not None:
                assert "reference only" in judged.reason, (key, judged.reason)
    category = measures.category(key, value)
    if category is not None and category.population == "stroke" and not ctx.stroke:
        assert meaning.category is None
        assert any("category not applied to this patient" in n and "reference only" in n for n in meaning.notes)


@settings(max_examples=400, deadline=None)
@given(results())
def test_mdc_rules_and_plateau_use_only_the_patients_mdc_or_say_so(case) -> None:  # type: ignore[no-untyped-def]
    ctx, key, before, _, after, _ = case
    rule = trends.mdc_rule(key, before, group=ctx.group)
    fitting = {t.describe() for t in measures.get(key).mdc if studied(t.population_text, ctx)}
    if rule is not None:
        assert rule.text in fitting, (rule, ctx.describe())
    if key not in trends.PLATEAU_MEASURES:
        return
    verdict = trends.plateau({key: (before, after)}, context=ctx)
    if verdict.flagged:
        assert rule is not None and "Population:" in verdict.reason
    elif rule is None and trends.mdc_rule(key, before) is not None:
        assert "derived in this patient's population" in verdict.reason, verdict.reason


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_caseload_judges_each_result_in_its_own_days_context(data: st.DataObject) -> None:
    """Plateau and fall risk with each result in the context of its own day: a pair is judged only with an MDC of
    the patient's population on the newer result's day, a fall-risk cut-off only at the age on the result's day."""
    today = data.draw(st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)))
    base = data.draw(contexts(on=today))
    birth = today - timedelta(days=base.age_years * 365 + 200) if base.age_years is not None else None
    event = today - timedelta(days=base.days_since_event) if base.days_since_event is not None else None

    def context_on(day: date) -> PatientContext:
        return patient_context(base.condition, birth, event, day)

    key = data.draw(st.sampled_from(trends.PLATEAU_MEASURES))
    newer_day = today - timedelta(days=data.draw(st.integers(0, 41)))
    older_day = newer_day - timedelta(days=data.draw(st.integers(42, 400)))
    before, after = values(data.draw, key), values(data.draw, key)
    verdict = trends.plateau_in_treatment(
        {key: ((before, older_day), (after, newer_day))},
        today=today,
        active_plan=True,
        last_session=None,
        context_on=context_on,
    )
    on_the_day = context_on(newer_day)
    if verdict.flagged:
        assert trends.mdc_rule(key, before, group=on_the_day.group) is not None
        assert on_the_day.describe() in verdict.reason
    latest = {k: values(data.draw, k) for k in trends.FALL_RISK_MEASURES}
    days = {k: today - timedelta(days=data.draw(st.integers(0, 800))) for k in latest}
    ages = {k: context_on(d).age_years for k, d in days.items()}
    risk = trends.fall_risk(base.condition, latest, ages=ages)
    if risk.flagged:
        for k in latest:
            if measures.get(k).name in risk.reason:
                assert trends.fall_risk_population(base.condition, ages[k]) is not None
    else:
        for k in latest:
            if trends.fall_risk_population(base.condition, ages[k]) is None:
                assert f"aged {ages[k]}" in risk.reason
