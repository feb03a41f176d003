"""The patient's context for every judgement: condition, age on the day of the result, time since the event.

Every MDC, MCID, cut-off and category in the catalogue was derived in one population (inpatient stroke
rehabilitation, chronic stroke, adults aged 65 and over...). A threshold is applied only to a patient of
the population its source studied; where none fits, the verdict says so and shows the other figures for
reference only, never judged with them.

Phase after the event: the Stroke Recovery and Rehabilitation Roundtable's time points (Bernhardt et al.
2017, Int J Stroke 12(5):444–450): acute 1–7 days, early subacute 7 days–3 months, late subacute 3–6 months,
chronic more than 6 months. The project's clinical reference (§10) names the same boundaries
(acute < 7 d / subacute / chronic > 6 months) and marks them as not verified there; the Roundtable paper
is the source used. Months are counted as calendar months from the event date.

Older adults: the older-adult cut-offs and figures (CDC STEADI's TUG ≥ 12 s, Berg < 45, FGA ≤ 22,
Perera 2006's gait-speed and 6MWT changes) were derived in adults aged 65 and over without a stroke
(clinical reference §2.1–2.5, §4); they are not applied after a stroke, which has its own figures, nor
below 65.

Pure Python: derive once with ``patient_context`` and pass it to ``change``, ``screen`` and ``category``
through the helpers here, or its ``populations`` to ``trends``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from rehab.domain.measures import Category, Change, Cutoff, change, get, screen
from rehab.domain.measures.screening import Screening
from rehab.domain.patients import CONDITION_LABELS, age_on

PHASE_SOURCE = (
    "Stroke Recovery and Rehabilitation Roundtable (Bernhardt et al. 2017, Int J Stroke 12:444–450): acute "
    "< 7 days, early subacute 7 days–3 months, late subacute 3–6 months, chronic > 6 months"
)
OLDER_ADULT_MIN_AGE = 65
STROKE_CONDITIONS = frozenset({"ischaemic_stroke", "haemorrhagic_stroke"})


class Phase(StrEnum):
    """Time since the event, after the Roundtable's definitions (Bernhardt 2017)."""

    ACUTE = "acute"
    EARLY_SUBACUTE = "early_subacute"
    LATE_SUBACUTE = "late_subacute"
    CHRONIC = "chronic"


PHASE_LABELS = {
    Phase.ACUTE: "acute (under 7 days)",
    Phase.EARLY_SUBACUTE: "early subacute (7 days to 3 months)",
    Phase.LATE_SUBACUTE: "late subacute (3 to 6 months)",
    Phase.CHRONIC: "chronic (more than 6 months)",
}

# Catalogue population keys (of MDCs and MCIDs) whose source studied stroke at each phase. Keys not listed
# for a phase are not applied in it. 'stroke' (phase not stated) and Hosoi 2023's gait-speed figures
# (stroke, n = 84, phase not stated in the reference) fit every phase; 'general' (no population stated)
# fits everyone, and its description says "general".
_ANY_STROKE = frozenset({"stroke", "hosoi_comfortable", "hosoi_fast", "general"})
_STROKE_KEYS: dict[Phase, frozenset[str]] = {
    Phase.ACUTE: frozenset({"acute"}),
    Phase.EARLY_SUBACUTE: frozenset(
        {
            "inpatient",  # Stevenson 2001 (Berg MDC 6 at 90 %), inpatient stroke rehabilitation
            "early_subacute",
            "early_subacute_walking_aid",
            "subacute",
            "subacute_assisted",
            "subacute_slow",  # Fulk & He 2018: stroke 2–6 months
            "non_ambulatory_inpatient",  # Lee 2020, non-ambulatory inpatients
            "non_ambulatory_inpatient_inter_rater",
            "older_adults",  # Perera 2006: older adults including subacute stroke
        }
    ),
    Phase.LATE_SUBACUTE: frozenset({"subacute", "subacute_assisted", "subacute_slow", "older_adults"}),
    Phase.CHRONIC: frozenset({"chronic", "chronic_ambulatory", "chronic_upper_limb", "chronic_hemiparesis"}),
}
# Figures whose source studied a narrower window than their key says.
_ONLY_IN: dict[str, frozenset[Phase]] = {
    "ten_mwt.mcid.subacute": frozenset({Phase.EARLY_SUBACUTE}),  # LEAPS: 20 to 60 days (Tilson 2010)
    "fga.mdc.subacute": frozenset({Phase.EARLY_SUBACUTE}),  # median 6 weeks post-stroke (van Bloemendaal)
}
_OLDER_ADULT_KEYS = frozenset({"older_adults", "general"})
_ANYONE_KEYS = frozenset({"general"})


@dataclass(frozen=True)
class Group:
    """The part of a context that chooses figures: stroke or not, the phase after a stroke, 65 and over."""

    stroke: bool
    phase: Phase | None
    older_adult: bool

    @property
    def populations(self) -> tuple[str, ...]:
        if self.stroke:
            keys = _ANY_STROKE | (_STROKE_KEYS[self.phase] if self.phase else frozenset())
        elif self.older_adult:
            keys = _OLDER_ADULT_KEYS
        else:
            keys = _ANYONE_KEYS
        return tuple(sorted(keys))

    def fits(self, threshold_id: str, population: str) -> bool:
        """Whether an MDC/MCID of this population key (and id) was derived in this group."""
        if population not in self.populations:
            return False
        only = _ONLY_IN.get(threshold_id)
        return only is None or self.phase in only


@dataclass(frozen=True)
class PatientContext:
    """Who a result belongs to, on the day it was taken: what decides which population's figures apply."""

    condition: str
    age_years: int | None
    days_since_event: int | None
    phase: Phase | None
    on: date

    @property
    def stroke(self) -> bool:
        return self.condition in STROKE_CONDITIONS

    @property
    def older_adult(self) -> bool:
        return self.age_years is not None and self.age_years >= OLDER_ADULT_MIN_AGE

    @property
    def group(self) -> Group:
        """What decides which figures fit (hashable, a handful of values): for caches such as the caseload's."""
        return Group(self.stroke, self.phase if self.stroke else None, self.older_adult and not self.stroke)

    @property
    def populations(self) -> tuple[str, ...]:
        """The catalogue population keys whose source studied this patient's group (sorted)."""
        return self.group.populations

    def describe(self) -> str:
        """The patient's group in words, e.g. "ischaemic stroke, chronic (more than 6 months), aged 71"."""
        label = next((text for c, text in CONDITION_LABELS.items() if c == self.condition), self.condition).lower()
        parts = [label]
        if self.stroke:
            parts.append(PHASE_LABELS[self.phase] if self.phase else "time since the stroke not recorded")
        parts.append(f"aged {self.age_years}" if self.age_years is not None else "age not known")
        return ", ".join(parts)

    def threshold_fits(self, threshold_id: str, population: str) -> bool:
        """Whether an MDC/MCID of this population key (and id) was derived in this patient's group."""
        return self.group.fits(threshold_id, population)

    def cutoff_misfit(self, cut: Cutoff) -> str | None:
        """None when the cut-off's population is this patient's; otherwise why it is not applied."""
        who = cut.population.lower()
        if who.startswith("adults"):  # EWGSOP2 (adults, sarcopenia): any adult
            return None
        if "stroke" in who:
            fits = self.stroke and (
                ("chronic" not in who or self.phase == Phase.CHRONIC)
                and ("subacute" not in who or self.phase in (Phase.EARLY_SUBACUTE, Phase.LATE_SUBACUTE))
            )
        elif "older adults" in who:
            # an age-banded table (CDC 30 s chair stand from 60) is judged by its own band
            fits = not self.stroke and (cut.age is not None or self.older_adult)
        else:
            fits = True
        if fits:
            return None
        return f"Not applied to this patient ({self.describe()}): {cut.describe()}; shown for reference only."


def phase_on(event_date: date | None, on: date) -> tuple[int | None, Phase | None]:
    """Days since the event and the phase (Bernhardt 2017) on a day; (None, None) without an event date."""
    if event_date is None or on < event_date:
        return None, None
    days = (on - event_date).days
    if days < 7:
        return days, Phase.ACUTE
    months = (on.year - event_date.year) * 12 + on.month - event_date.month - (on.day < event_date.day)
    if months < 3:
        return days, Phase.EARLY_SUBACUTE
    if months < 6:
        return days, Phase.LATE_SUBACUTE
    # exactly 6 months is still late subacute: chronic is "more than 6 months"
    if months == 6 and on.day == event_date.day:
        return days, Phase.LATE_SUBACUTE
    return days, Phase.CHRONIC


def patient_context(condition: str, birth_date: date | None, event_date: date | None, on: date) -> PatientContext:
    """The context of a result taken on ``on``: age that day and time since the event (Bernhardt 2017)."""
    age = age_on(birth_date, on) if birth_date is not None else None
    days, phase = phase_on(event_date, on)
    return PatientContext(str(condition), age, days, phase, on)


def population_sentence(ctx: PatientContext, used: list[str], *, what: str = "figures") -> str:
    """A plain sentence naming the population used, or saying none fits."""
    if used:
        return f"Population: {ctx.describe()}; {what} used: {'; '.join(used)}. Phase: {PHASE_SOURCE}."
    if ctx.stroke:
        return (
            f"Population: {ctx.describe()}. No stroke-specific figure in the catalogue was derived in this phase, "
            f"so none is applied. Phase: {PHASE_SOURCE}."
        )
    older = "aged 65 and over" if not ctx.older_adult else "without a stroke aged 65 and over"
    return (
        f"Population: {ctx.describe()}. No figure in the catalogue was derived in this patient's group (the "
        f"catalogue's figures come from stroke or from older adults {older}), so none is applied."
    )


def judge_change(ctx: PatientContext, key: str, before: object, after: object, **how: object) -> Change:
    """``measures.change`` with only the figures derived in the patient's population; the reason names it."""
    measure = get(key)
    keys = tuple(
        sorted({t.population for t in (*measure.mdc, *measure.mcid) if ctx.threshold_fits(t.id, t.population)})
    )
    result = change(key, before, after, population=keys, **how)
    used = [t.population_text for t in (result.mdc, result.mcid) if t is not None]
    used = list(dict.fromkeys(used))
    return replace(result, reason=f"{result.reason} {population_sentence(ctx, used)}")


def judge_screen(ctx: PatientContext, key: str, value: object, **how: object) -> Screening:
    """``measures.screen`` applying only the cut-offs derived in the patient's population.

    Age is the patient's age on the day of the result; a cut-off of another group is named in a note for
    reference only, never raised as a flag.
    """
    how.setdefault("age", ctx.age_years)
    return screen(key, value, fits=ctx.cutoff_misfit, **how)


def judge_category(ctx: PatientContext, key: str, value: float) -> tuple[Category | None, str]:
    """The named band the value falls in, if its source studied this patient's group, with a note if not."""
    from rehab.domain.measures import category

    cat = category(key, value)
    if cat is None:
        return None, ""
    if cat.population == "stroke" and not ctx.stroke:
        return None, (
            f"{get(key).name} category not applied to this patient ({ctx.describe()}): the bands were described "
            f"after stroke ({cat.source}); for reference only: {cat.label}."
        )
    who = "stroke" if cat.population == "stroke" else "population not stated by the source"
    return cat, f"Category population: {who} ({cat.source})."
