"""How a plan's stored record rebuilds each item's progression, and what a session means to one item.

The record holds, per plan item, the loads its decisions left in force and, per session, the sets logged.
Rebuilding an item is the same walk every time (``replay``): the starting load, then each past session
in order (a ``Workout``) followed by the load its stored decisions left in force (``Settled``). So the
count of workouts at the load in force, the pause, the lighter weeks and the latest 1RM come out the same
whether the plan is read for a page, a new session or an override. Pure: no storage, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from rehab.domain.planning.exercises import Exercise
from rehab.domain.planning.loading_plan import (
    DEFAULT_PAUSE_DAYS,
    ItemProgression,
    OneRm,
    Rule,
    Workout,
    ceiling_percent,
)
from rehab.domain.planning.progression import ExerciseSession, SetResult
from rehab.domain.planning.template import DEFAULT_TEMPLATE, OneRmMethod, PhaseTemplate, deload_week
from rehab.domain.safety import Outcome, ScreenResult

_OUTCOMES: dict[str | None, Outcome] = {"go": "go", "caution": "caution", "stop": "stop"}  # a stored outcome, typed


class LoggedSet(Protocol):
    """What the engine reads of a logged set (a stored set, or demo data in memory). Read-only members,
    so the frozen dataclasses that carry sets satisfy it."""

    @property
    def target_reps(self) -> int: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def band_level(self) -> int | None: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def effort(self) -> float | None: ...
    @property
    def pain_during(self) -> int | None: ...
    @property
    def pain_after(self) -> int | None: ...


@dataclass(frozen=True)
class SessionFacts:
    """What the engine needs to know about a session besides its sets."""

    session_date: date
    week: int
    performed: bool
    screen_outcome: str | None
    deload: bool
    not_performed_reason: str = ""

    @property
    def screen_ok(self) -> bool:
        """Only a clear 'go' lets a load rise (``ScreenResult.permits_load_increase``)."""
        outcome = _OUTCOMES.get(self.screen_outcome)
        return outcome is not None and ScreenResult(outcome).permits_load_increase


@dataclass(frozen=True)
class Settled:
    """The load a session's stored decisions left in force for one item (kg, or a band level), and whether
    a clinician set it (an override restarts the count even at the same load)."""

    load: float
    override: bool = False


_BASELINE_HOW = {
    OneRmMethod.TESTED.value: "tested 1RM at the start of the plan",
    OneRmMethod.ESTIMATED.value: "estimated from a submaximal set at the start of the plan",
}


def new_item(
    exercise: Exercise,
    rule: str,
    *,
    baseline_kg: float,
    method: str,
    template: PhaseTemplate = DEFAULT_TEMPLATE,
    retests: Sequence[OneRm] = (),
    pause_days: int = DEFAULT_PAUSE_DAYS,
) -> ItemProgression:
    """A plan item before any stored decision: anchored to its baseline 1RM, capped by the template's ceiling."""
    how = _BASELINE_HOW.get(method, "baseline at the start of the plan")
    return ItemProgression(
        exercise=exercise,
        rule=Rule(rule),
        load=0.0,
        one_rm=None if exercise.uses_bands else OneRm(baseline_kg, None, how),
        ceiling_percent=ceiling_percent(template),
        pause_days=pause_days,
        retests=list(retests),
    )


def facts(
    template: PhaseTemplate, *, on: date, week: int, status: str, screen_outcome: str | None, not_performed_reason: str
) -> SessionFacts:
    """A stored session as the engine reads it: performed only when completed; lighter by the template's week."""
    return SessionFacts(
        session_date=on,
        week=week,
        performed=status == "completed",
        screen_outcome=screen_outcome,
        deload=deload_week(template, week).is_deload,
        not_performed_reason=not_performed_reason,
    )


def _set_load(exercise: Exercise, logged: LoggedSet) -> float:
    if exercise.uses_bands:
        level = logged.band_level
        return exercise.band_levels[level].nominal_kg if level is not None else 0.0
    return float(logged.load_kg or 0.0)


def exercise_session(exercise: Exercise, sets: Sequence[LoggedSet], *, screen_ok: bool) -> ExerciseSession | None:
    """One exercise in one session for the rules; None when none of its sets was done.

    Pain is the highest pain during or after any set of the exercise.
    """
    done = [s for s in sets if s.reps is not None]
    if not done:
        return None
    pains = [p for s in done for p in (s.pain_during, s.pain_after) if p is not None]
    return ExerciseSession(
        target_reps=done[-1].target_reps,
        sets=[SetResult(load_kg=_set_load(exercise, s), reps=int(s.reps or 0), rpe=s.effort) for s in done],
        pain=max(pains) if pains else None,
        screen_ok=screen_ok,
    )


def workout(exercise: Exercise, facts: SessionFacts, sets: Sequence[LoggedSet]) -> Workout:
    """A session as one item saw it."""
    session = exercise_session(exercise, sets, screen_ok=facts.screen_ok) if facts.performed else None
    return Workout(
        on=facts.session_date,
        performed=facts.performed,
        screen_ok=facts.screen_ok,
        lighter_week=facts.deload,
        session=session,
        not_performed_reason=facts.not_performed_reason,
    )


def replay(item: ItemProgression, start: Settled | None, past: Sequence[tuple[Workout, Settled | None]]) -> None:
    """Rebuild an item from its record: the starting load, then each past session and what it left in force.

    A session after which nothing was stored for this item leaves the load as it was.
    """
    if start is not None:
        item.stored(start.load, override=start.override)
    for done, after in past:
        item.observe(done)
        if after is not None:
            item.stored(after.load, override=after.override)
