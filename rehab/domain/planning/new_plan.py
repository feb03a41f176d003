"""A plan as it is first written: its rule, start, notes, items with their baselines, and week 1's loads.

Starting a plan is a decision like any other the engine makes: each item's first load is week 1's
prescription from its baseline 1RM (``prescription_for``), with the template's reason. A band exercise
whose week-1 target falls below the lightest band starts on that band, and says so. The checks here are
the ones that need no record: the rule, how far ahead the plan may start, the notes, and the baselines
against the exercise library (``create_plan``). The use case adds what needs the record: the patient's
status and which plan the clinician saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning.exercises import Exercise
from rehab.domain.planning.loading_plan import Action, Decision, Rule
from rehab.domain.planning.template import Baseline, PhaseTemplate, Plan, PlanItem, create_plan, prescription_for
from rehab.domain.text import free_text

T = TypeVar("T")
MAX_START_AHEAD_DAYS = 28
"""How far ahead a plan may start: a month is as far as a clinic books a block of sessions (this product's
choice; a later start is a new plan built nearer the time, from a fresher 1RM)."""


@dataclass(frozen=True)
class NewPlan:
    """A plan ready to store: ``first_loads`` holds one ``Action.START`` decision per item, in item order."""

    plan: Plan
    rule: Rule
    start_date: date
    notes: str
    first_loads: tuple[Decision, ...]

    @property
    def template(self) -> PhaseTemplate:
        return self.plan.template

    @property
    def items(self) -> tuple[PlanItem, ...]:
        return self.plan.items


def first_load(template: PhaseTemplate, item: PlanItem, rule: Rule) -> Decision:
    """Week 1's prescription from the item's baseline 1RM, as the plan's first decision (kg, or a band level)."""
    exercise = item.exercise
    p = prescription_for(template, 1, item.baseline.one_rm_kg, exercise, side=item.side)
    reason = p.reason
    if not exercise.uses_bands:
        return Decision(Action.START, float(p.load_kg or 0.0), 0.0, rule, reason, p.sources)
    level = p.band_level
    if level is None:
        level = 0
        reason += (
            f" The plan starts with the lightest band ({exercise.band_levels[0].colour}) because band "
            "progression needs a band; if it is too heavy, use an assisted version and override the load."
        )
    return Decision(Action.START, float(level), 0.0, rule, reason, p.sources)


def _rule(value: object) -> Rule:
    for rule in Rule:
        if value == rule.value:
            return rule
    raise ValidationError("rule", "Choose a progression rule.")


def _start(value: object, today: date) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("start_date", "Enter the start date as a date.")
    if value > today + timedelta(days=MAX_START_AHEAD_DAYS):
        raise ValidationError("start_date", f"The start date can be at most {MAX_START_AHEAD_DAYS} days ahead.")
    return value


def _checked(errors: list[ValidationError], check: Callable[[object], T], value: object) -> T | None:
    """``check(value)``, or None with its error added to ``errors``."""
    try:
        return check(value)
    except ValidationError as exc:
        errors.append(exc)
        return None


@dataclass(frozen=True)
class PlanTerms:
    """What a plan is built under besides its exercises: the rule, the first day and the clinician's notes."""

    rule: Rule
    start_date: date
    notes: str


def plan_terms(*, rule: object, start_date: object, notes: object, today: date) -> PlanTerms:
    """The terms checked; every problem at once, each naming its field (``ValidationErrors``)."""
    errors: list[ValidationError] = []
    chosen = _checked(errors, _rule, rule)
    start = _checked(errors, lambda value: _start(value, today), start_date)
    text = _checked(errors, lambda value: free_text(value, "notes"), notes)
    if errors or chosen is None or start is None or text is None:
        raise ValidationErrors(errors)
    return PlanTerms(chosen, start, text)


def start_plan(
    baselines: Sequence[Baseline], *, exercises: Mapping[str, Exercise], template: PhaseTemplate, terms: PlanTerms
) -> NewPlan:
    """A new plan with week 1's loads; a baseline the library cannot take is refused as a "baselines" error."""
    try:
        plan = create_plan(baselines, exercises=exercises, template=template)
    except ValidationError as exc:
        raise ValidationErrors([ValidationError("baselines", exc.message)]) from None
    return NewPlan(
        plan=plan,
        rule=terms.rule,
        start_date=terms.start_date,
        notes=terms.notes,
        first_loads=tuple(first_load(template, item, terms.rule) for item in plan.items),
    )
