"""What a run of results says: real change, plateau, side-to-side symmetry, attendance, re-test and fall risk.

Pure Python. Every judgement returns its reason in words with the source of the number behind it, so the
dashboard, the caseload and exports can show why a patient is flagged. The caseload judges thousands of
patients per page view, so ``real_change`` reads the catalogue's MDC rules once per measure (cached) and
applies them exactly as ``measures.change`` does (a test holds the two together).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rehab.domain.context import Group, PatientContext
from rehab.domain.measures import Band, Cutoff, get
from rehab.domain.measures.overrides import effective
from rehab.domain.patients import CONDITION_LABELS
from rehab.domain.units import fmt

# Plateau: no real change over 6 weeks. Six weeks is the long end of the 4–6-week re-test interval
# (clinical reference §7.5), so at least one re-test falls inside the window; "real" is the catalogue's
# MDC for each measure (§5). The main measures are the walking and balance measures of the APTA core set
# (Moore 2018 [R1]) plus TUG; measures without an MDC in the catalogue (6MWT) cannot be judged and are
# left out of the verdict, which says so.
PLATEAU_WEEKS = 6
PLATEAU_MEASURES = ("bbs", "tug", "ten_mwt", "fga", "six_mwt")
PLATEAU_SOURCE = (
    "6 weeks: the long end of the 4–6-week re-test interval (clinical reference §7.5); real change = the "
    "measure's MDC from the catalogue (§5)"
)

# Fall risk: the catalogue's fall-risk cut-offs for Berg and TUG. Stroke patients are judged against the
# stroke cut-offs (Matsumoto 2024 [R27]); other patients against the older-adult ones (CDC STEADI,
# mdapp [R23], [R31]). Flags are prompts, not diagnoses (reference, "How to read this file").
FALL_RISK_MEASURES = ("bbs", "tug")
STROKE_CONDITIONS = frozenset({"ischaemic_stroke", "haemorrhagic_stroke"})

# Attendance. The reference gives a frequency (2–3 sessions a week, AHA/ASA Billinger 2014 [R9], the plan
# template's sessions_per_week) but no rule for "falling" attendance, so the rule is a stated design choice
# with its window and drop configurable: at least 2 fewer sessions performed in the last 4 weeks than in
# the 4 weeks before (one missed session is ordinary), and below the plan's minimum per week.
ATTENDANCE_WINDOW_WEEKS = 4
ATTENDANCE_MIN_DROP = 2
ATTENDANCE_SOURCE = (
    "Minimum sessions a week from the plan (AHA/ASA, Billinger 2014: 2–3 d/wk); the 4-week windows and the "
    "drop of 2 or more sessions are design choices (the reference has no rule for falling attendance)"
)
RETEST_SOURCE = "Re-test every 4–6 weeks, clinical reference §7.5; the plan's template sets the interval"

# Symmetry index: paretic ÷ non-paretic × 100 % (clinical reference §1.2: "compute paretic/non-paretic
# ratio as a derived field"); 100 % means both sides equal.
SYMMETRY_SOURCE = "Paretic ÷ non-paretic × 100 % (clinical reference §1.2); 100 % = both sides equal"

# Decimal places before comparing a change with its MDC, as measures.change does.
_DECIMALS = 9

# The clinic's values for secondary and unverified thresholds (``measures.check_overrides``), passed as a
# sorted tuple of items so the per-measure rules can be cached for each configuration.
Overrides = Mapping[str, float]


def _frozen(overrides: Overrides | None) -> tuple[tuple[str, float], ...]:
    if not overrides:  # the usual case, and the caseload asks once per judged measure per patient
        return ()
    return tuple(sorted(overrides.items()))


@dataclass(frozen=True)
class _MdcRule:
    band: Band | None
    value: float
    strict: bool
    text: str


@functools.cache
def _mdc_rules(
    key: str, frozen: tuple[tuple[str, float], ...] = (), group: Group | None = None
) -> tuple[_MdcRule, ...]:
    """The MDCs in the measure's own unit, in catalogue order: the defaults, or with ``group`` (the patient's
    ``PatientContext.group``) only those derived in the patient's population, as ``context.judge_change``."""
    measure = get(key)
    rules = []
    for threshold in measure.mdc:
        applied = effective(threshold, dict(frozen))
        if applied is None or applied.unit != measure.unit_label:
            continue
        if group is not None and not group.fits(applied.id, applied.population):
            continue
        # as measures.change without pace or site: comfortable pace, no muscle-specific figure
        if (applied.pace not in (None, "comfortable")) or applied.sites:
            continue
        rules.append(_MdcRule(applied.baseline, applied.value, applied.strict, applied.describe()))
    return tuple(rules)


def mdc_rule(
    key: str, baseline: float, overrides: Overrides | None = None, group: Group | None = None
) -> _MdcRule | None:
    """The MDC that ``measures.change`` (``context.judge_change`` with ``group``) would use from ``baseline``."""
    for rule in _mdc_rules(key, _frozen(overrides), group):
        if rule.band is None or rule.band.contains(baseline):
            return rule
    return None


def judgeable(keys: tuple[str, ...], overrides: Overrides | None = None, group: Group | None = None) -> tuple[str, ...]:
    """The measures among ``keys`` that have an MDC to judge change by (6MWT only once a clinic signs one off)."""
    frozen = _frozen(overrides)
    return tuple(k for k in keys if _mdc_rules(k, frozen, group))


def real_change(
    key: str, before: float, after: float, overrides: Overrides | None = None, group: Group | None = None
) -> bool | None:
    """Whether a change reaches the measure's MDC (either direction); None when no MDC applies."""
    rule = mdc_rule(key, before, overrides, group)
    if rule is None:
        return None
    measure = get(key)
    if measure.higher_is_better is None:
        target = measure.target or 0.0
        size = abs(round(abs(before - target) - abs(after - target), _DECIMALS))
    else:
        size = abs(round(after - before, _DECIMALS))
    return size > rule.value if rule.strict else size >= rule.value


@dataclass(frozen=True)
class Judgement:
    """A flag (or not) and why, in words a clinician reads in a tooltip or help text."""

    flagged: bool
    reason: str


def plateau(
    pairs: Mapping[str, tuple[float | None, float | None]],
    overrides: Overrides | None = None,
    context: PatientContext | None = None,
    *,
    contexts: Mapping[str, PatientContext] | None = None,
) -> Judgement:
    """Plateau when at least one main measure can be judged and none changed by its MDC in ``PLATEAU_WEEKS``.

    ``pairs`` maps a measure key to (result from at least 6 weeks ago, newest result); either may be None.
    With ``context`` only the MDCs derived in the patient's population are used, and the reason names it;
    ``contexts`` gives each measure its own (the patient on the day of its newest result), over ``context``.
    """
    judged: list[str] = []
    moved: list[str] = []
    unfit: list[str] = []
    used: list[str] = []
    for key, (before, after) in pairs.items():
        if before is None or after is None:
            continue
        ctx = (contexts or {}).get(key, context)
        group = ctx.group if ctx is not None else None
        name = get(key).name
        label = name if contexts is None or ctx is None else f"{name} of {ctx.on.isoformat()} ({ctx.describe()})"
        verdict = real_change(key, before, after, overrides, group)
        if verdict is None:
            if group is not None and real_change(key, before, after, overrides) is not None:
                unfit.append(label)
            continue
        if group is not None:
            rule = mdc_rule(key, before, overrides, group)
            used.append(f"{label}: {rule.text}" if rule else label)
        judged.append(name)
        if verdict:
            moved.append(f"{name} {fmt(before)} → {fmt(after)} {get(key).unit_label}")
    who = ""
    if contexts is not None:
        who = f" MDCs used, each for the patient on the day of the newer result: {' | '.join(used)}." if used else ""
    elif context is not None:
        who = f" Population: {context.describe()}" + (f"; MDCs used: {' | '.join(used)}." if used else ".")
    if not judged:
        if unfit and contexts is not None:
            return Judgement(
                False,
                f"Not judged: no MDC in the catalogue for {', '.join(unfit)} was derived in the patient's "
                "population on the day of the result.",
            )
        if unfit and context is not None:
            return Judgement(
                False,
                f"Not judged: no MDC in the catalogue for {', '.join(unfit)} was derived in this patient's "
                f"population ({context.describe()}).",
            )
        return Judgement(False, f"Not judged: no main measure has results {PLATEAU_WEEKS} or more weeks apart.")
    if moved:
        return Judgement(False, "Real change in the last 6 weeks: " + "; ".join(moved) + "." + who)
    return Judgement(
        True,
        f"No real change in {', '.join(judged)} over the last {PLATEAU_WEEKS} weeks ({PLATEAU_SOURCE}).{who}",
    )


# Plateau in the caseload is judged only where it can mean "treatment has stopped helping" (issue 13):
# - the patient is in active treatment: an active plan, or a session (performed or stopped at the screen)
#   in the last PLATEAU_WEEKS weeks;
# - a main measure has at least two results to compare: the newest, taken in the last PLATEAU_WEEKS weeks,
#   and the newest one taken at least PLATEAU_WEEKS weeks before it (a result from just before the window
#   and one just after it are days apart, not 6 weeks, and are not compared).
Dated = tuple[float, date]


def in_treatment(*, active_plan: bool, last_session: date | None, today: date) -> bool:
    """An active plan, or a session in the last ``PLATEAU_WEEKS`` weeks."""
    return active_plan or (last_session is not None and last_session > today - timedelta(weeks=PLATEAU_WEEKS))


def plateau_pairs(
    dated: Mapping[str, tuple[Dated | None, Dated | None]],
) -> dict[str, tuple[float | None, float | None]]:
    """The (older, newer) values of each measure whose two results are at least ``PLATEAU_WEEKS`` apart.

    ``dated`` maps a measure to (newest result from before the window, newest in the window), each
    (value, day taken) or None; ``plateau`` is then judged on the pairs kept.
    """
    pairs: dict[str, tuple[float | None, float | None]] = {}
    for key, (before, after) in dated.items():
        if before is None or after is None or after[1] - before[1] < timedelta(weeks=PLATEAU_WEEKS):
            continue
        pairs[key] = (before[0], after[0])
    return pairs


def plateau_in_treatment(
    dated: Mapping[str, tuple[Dated | None, Dated | None]],
    *,
    today: date,
    active_plan: bool,
    last_session: date | None,
    overrides: Overrides | None = None,
    context: PatientContext | None = None,
    context_on: Callable[[date], PatientContext] | None = None,
) -> Judgement:
    """``plateau`` for a patient in active treatment, on results at least ``PLATEAU_WEEKS`` weeks apart.

    With ``context_on`` each measure is judged for the patient on the day of its newer result (age that day,
    time since the event that day), not today's context."""
    if not in_treatment(active_plan=active_plan, last_session=last_session, today=today):
        return Judgement(
            False,
            f"Not judged: not in active treatment (no active plan and no session in the last {PLATEAU_WEEKS} weeks).",
        )
    pairs = plateau_pairs(dated)
    if not pairs:
        return Judgement(
            False,
            f"Not judged: no main measure has a result in the last {PLATEAU_WEEKS} weeks and one "
            f"{PLATEAU_WEEKS} or more weeks before it.",
        )
    if context_on is not None:
        contexts = {k: context_on(after[1]) for k, (_, after) in dated.items() if k in pairs and after is not None}
        return plateau(pairs, overrides, context, contexts=contexts)
    return plateau(pairs, overrides, context)


# The older-adult fall-risk cut-offs (CDC STEADI's TUG >= 12 s, Berg < 45) were derived in adults aged 65 and
# over (clinical reference §2.1–2.2); below that age, and outside stroke, the catalogue has no cut-off to apply.
OLDER_ADULT_MIN_AGE = 65


def fall_risk_population(condition: str, age_years: int | None) -> str | None:
    """Which population's fall-risk cut-offs fit this patient: stroke, older adults (65+), or none."""
    if condition in STROKE_CONDITIONS:
        return "stroke"
    if age_years is not None and age_years >= OLDER_ADULT_MIN_AGE:
        return "older adults"
    return None


def no_fall_risk_population(condition: str, age_years: int | None) -> str:
    """Why no fall-risk cut-off is applied to a patient outside every cut-off's population."""
    aged = f"aged {age_years}" if age_years is not None else "of unknown age"
    label = next((text for c, text in CONDITION_LABELS.items() if c == condition), condition).lower()
    return (
        f"No fall-risk cut-off for this patient ({label}, {aged}): the catalogue's cut-offs "
        f"were derived after stroke or in adults aged {OLDER_ADULT_MIN_AGE} and over (CDC STEADI)."
    )


def fall_risk_cutoffs(
    condition: str, overrides: Overrides | None = None, age_years: int | None = None
) -> dict[str, Cutoff]:
    """The catalogue cut-off used to flag fall risk per measure, chosen by the patient's condition and age."""
    population = fall_risk_population(condition, age_years)
    if population is None:
        return {}
    return dict(_fall_risk_cutoffs(population, _frozen(overrides)))


@functools.cache
def _fall_risk_cutoffs(population: str, frozen: tuple[tuple[str, float], ...] = ()) -> tuple[tuple[str, Cutoff], ...]:
    chosen: list[tuple[str, Cutoff]] = []
    for key in FALL_RISK_MEASURES:
        for cut in get(key).cutoffs:
            applied = effective(cut, dict(frozen))
            if isinstance(applied, Cutoff) and "fall_risk" in applied.code and applied.population == population:
                chosen.append((key, applied))
                break
    return tuple(chosen)


def fall_risk(
    condition: str,
    latest: Mapping[str, float | None],
    overrides: Overrides | None = None,
    age_years: int | None = None,
    *,
    ages: Mapping[str, int | None] | None = None,
) -> Judgement:
    """Fall-risk flag from the newest Berg and TUG against the cut-offs of the patient's own population.

    ``ages`` gives the age on the day each result was taken (a result is judged in its own day's context); a
    measure missing from it, or no ``ages``, uses ``age_years``.
    """

    def age_of(key: str) -> int | None:
        return ages.get(key, age_years) if ages is not None else age_years

    hits = []
    outside: list[str] = []
    keys = [k for k in FALL_RISK_MEASURES if latest.get(k) is not None] if ages is not None else [None]
    for measure in keys:
        age = age_years if measure is None else age_of(measure)
        if fall_risk_population(condition, age) is None:
            outside.append(no_fall_risk_population(condition, age))
            continue
        for key, cut in fall_risk_cutoffs(condition, overrides, age).items():
            value = latest.get(key)
            if (measure is None or key == measure) and value is not None and cut.is_met(value):
                hits.append(
                    f"{get(key).name} {fmt(value)} {cut.unit} {cut.comparison} {fmt(cut.value)} {cut.unit} "
                    f"({cut.population}; {cut.source})"
                    + ("" if ages is None else f", aged {age} on the day of the result")
                )
    if hits:
        return Judgement(True, "; ".join(hits) + ".")
    return Judgement(False, " ".join(dict.fromkeys(outside)))


def retest_due(*, last_test: date | None, plan_start: date | None, registered: date, every_weeks: int) -> date:
    """When the main measures are next due: ``every_weeks`` after the later of the last test and plan start."""
    anchors = [d for d in (last_test, plan_start) if d is not None] or [registered]
    return max(anchors) + timedelta(weeks=every_weeks)


def retest_overdue(due: date, today: date, every_weeks: int) -> Judgement:
    if today <= due:
        return Judgement(False, f"Next re-test due {due.isoformat()}.")
    return Judgement(
        True,
        f"Re-test was due {due.isoformat()} ({(today - due).days} days ago): every {every_weeks} weeks "
        f"({RETEST_SOURCE}).",
    )


LOAD_CEILING_TEXT = (
    "A load has reached the ceiling relative to the latest 1RM (80 % unless the clinician wrote a reason; "
    "AHA/ASA, Billinger 2014), so the plan holds it until the 1RM is re-tested."
)


def retested_after(session_day: date | None, held_at: datetime | None, retest_at: datetime | None) -> bool:
    """Whether a 1RM re-test answers a load held at its ceiling: taken on a later day than the held session,
    or on that day at or after the hold was decided (a re-test taken before the session was already read by it)."""
    if session_day is None or retest_at is None:
        return False
    if retest_at.date() > session_day:
        return True
    if retest_at.date() < session_day or held_at is None:
        return False
    if (held_at.tzinfo is None) != (retest_at.tzinfo is None):  # stored times are UTC, some engines drop the zone
        held_at = held_at.replace(tzinfo=retest_at.tzinfo)
    return retest_at >= held_at


def retest_flag(overdue: Judgement, *, load_at_ceiling: bool) -> Judgement:
    """Re-test when the measures are overdue or when a load waits at its ceiling for a new 1RM."""
    if not load_at_ceiling:
        return overdue
    return Judgement(True, f"{overdue.reason} {LOAD_CEILING_TEXT}" if overdue.flagged else LOAD_CEILING_TEXT)


def falling_attendance(
    *,
    recent: int,
    previous: int,
    minimum_per_week: int,
    plan_days: int,
    weeks: int = ATTENDANCE_WINDOW_WEEKS,
    min_drop: int = ATTENDANCE_MIN_DROP,
) -> Judgement:
    """At least ``min_drop`` fewer sessions in the last ``weeks`` weeks than the weeks before, below the minimum.

    Not judged until the plan is two windows old (there is nothing to compare with before that).
    """
    if plan_days < 2 * 7 * weeks:
        return Judgement(False, "")
    per_week = recent / weeks
    if previous - recent >= min_drop and per_week < minimum_per_week:
        return Judgement(
            True,
            f"{recent} sessions in the last {weeks} weeks ({fmt(round(per_week, 1))} a week) after {previous} in "
            f"the {weeks} weeks before; the plan asks for at least {minimum_per_week} a week ({ATTENDANCE_SOURCE}).",
        )
    return Judgement(False, "")


def symmetry_percent(paretic: float | None, non_paretic: float | None) -> float | None:
    """Paretic as a percentage of non-paretic (100 % = equal); None when it cannot be computed."""
    if paretic is None or non_paretic is None or non_paretic <= 0:
        return None
    return round(paretic / non_paretic * 100, 1)
