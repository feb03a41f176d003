"""The loading plan as an aggregate: each item's load in force, the workouts that count, and the guards.

The progression rules (``progression.py``) judge a run of workouts; this module decides which workouts
make up that run, and what may never happen whatever a rule says:

- A workout counts towards an increase only at the load in force: the 2-for-2 rule asks for two
  consecutive workouts *at the current load* (NSCA, Baechle & Earle [R11]). So the count restarts after
  any change: an increase, a decrease, a clinician's override (even to the same load), a lighter week,
  a session stopped or missed, an exercise left out, a workout at another load, and a pause of more than
  ``pause_days`` (14 by default: this product's choice, configurable).
- A cumulative guard: an increase that would take the load above the ceiling relative to the *latest*
  1RM (80 % unless the clinician has written a reason, AHA/ASA, Billinger 2014 [R9]) is not made: the
  plan holds and says a re-test is due. No load is ever prescribed above the latest 1RM.
- The latest 1RM is the baseline, or a later estimate from a set that supports one (near failure:
  RIR ≤ 2 or RPE ≥ 8 recorded, and 10 reps or fewer; ``supports_estimate``), never a set far from
  failure, whose estimate would only follow the plan's %1RM upwards.

``ItemProgression`` is one item; ``LoadingPlan`` owns the items and the version. Both are pure: the
service loads them from the record, calls a method, and saves what it returns with the expected version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.exercises import Exercise
from rehab.domain.planning.progression import (
    MAX_LOAD_KG,
    ExerciseSession,
    ProgressionSettings,
    SetResult,
    checked_rule,
    next_band_level,
    next_load,
)
from rehab.domain.planning.template import AHA_ASA_MAX_PERCENT_1RM, PhaseTemplate
from rehab.domain.strength import estimate_1rm

SOURCE_COUNT_AT_LOAD = "NSCA 2-for-2: two consecutive workouts at the current load, Baechle & Earle [R11] (2°)"
SOURCE_CEILING = "AHA/ASA statement, Billinger 2014 [R9]: 50–80 % 1RM for stroke survivors"
SOURCE_ESTIMATE = (
    "Epley 1985 estimate, only from sets near failure (RIR ≤ 2 or RPE ≥ 8) of 10 reps or fewer "
    "(clinical reference §1.4; Reynolds 2006: accuracy falls beyond 10 reps)"
)
ESTIMATE_MAX_REPS = 10
ESTIMATE_MIN_RPE = 8.0  # RPE 8 = 2 reps in reserve (Zourdos 2016 [R13])
DEFAULT_PAUSE_DAYS = 14  # this product's choice: no source fixes how long a break ends a run of workouts
MAX_PAUSE_DAYS = 365
PAUSE_DAYS_WHY = (
    "The 2-for-2 rule counts two consecutive workouts at the load in force (NSCA; Baechle & Earle [R11]). "
    "After a long break the workouts before it no longer show that the patient is ready for more, so the count "
    "starts again. No source fixes how long a break that is: 14 days is this product's default, and the clinic "
    "may set its own."
)


def pause_source(pause_days: int) -> str:
    """The source line a decision cites when a pause restarted its count."""
    return (
        f"Restart after a pause of more than {pause_days} days: the clinic's setting "
        f"(default {DEFAULT_PAUSE_DAYS}, this product's choice)"
    )


def checked_pause_days(value: object) -> int:
    """The clinic's pause length: a whole number of days from 1 to 365."""
    return _checks.whole_number("pause_days", value, minimum=1, maximum=MAX_PAUSE_DAYS)


class Action(StrEnum):
    """What a decision does to the load; the values are the ones stored."""

    START = "start"
    INCREASE = "increase"
    HOLD = "hold"
    DECREASE = "decrease"


class Rule(StrEnum):
    """The progression rules a plan can follow."""

    TWO_FOR_TWO = "two_for_two"
    RPE = "rpe"
    DAPRE = "dapre"


class Guard(StrEnum):
    """Why the plan held whatever the rule said."""

    CEILING = "ceiling"  # also the latest 1RM itself, which is above any ceiling
    NOT_PERFORMED = "not_performed"
    NOT_DONE = "not_done"
    LIGHTER_WEEK = "lighter_week"
    OTHER_LOAD = "other_load"


class Restart(StrEnum):
    """Why the count of workouts at the load in force starts again."""

    LOAD_CHANGED = "the load changed"
    OVERRIDE = "a clinician set the load"
    NOT_PERFORMED = "a session did not go ahead"
    NOT_DONE = "the exercise was left out of a session"
    LIGHTER_WEEK = "a lighter week"
    OTHER_LOAD = "a workout at another load"
    PAUSE = "a pause"


@dataclass(frozen=True)
class Workout:
    """One session as one item saw it: the date, whether it went ahead, the screen, the week, the sets."""

    on: date
    performed: bool = True
    screen_ok: bool = True
    lighter_week: bool = False
    session: ExerciseSession | None = None
    not_performed_reason: str = ""


@dataclass(frozen=True)
class OneRm:
    """The latest 1RM the plan is anchored to, and where it came from."""

    kg: float
    on: date | None
    how: str

    def __post_init__(self) -> None:
        _checks.number("one_rm_kg", self.kg, minimum=0.0, maximum=MAX_LOAD_KG, above_minimum=True, unit="kg")


@dataclass(frozen=True)
class Decision:
    """The load for the next session, the rule or guard behind it, and why."""

    action: Action
    load: float
    """kg, or the band level index for a band exercise."""
    previous: float
    rule: str
    reason: str
    sources: tuple[str, ...] = ()
    needs_confirmation: bool = False
    retest_due: bool = False
    guard: Guard | None = None
    override_reason: str = ""
    """A clinician's reason, when a clinician set this load."""


@dataclass(frozen=True)
class Suggested:
    """The stored decision a clinician's override replaces, as the clinician saw it."""

    load: float
    previous: float
    """The load in force before that suggestion: an override's action is judged against it."""
    action: str
    reason: str
    sources: tuple[str, ...] = ()


def supports_estimate(s: SetResult) -> bool:
    """A set an estimated 1RM may be drawn from: near failure, recorded as such, and 10 reps or fewer."""
    return 1 <= s.reps <= ESTIMATE_MAX_REPS and s.load_kg > 0 and s.rpe is not None and s.rpe >= ESTIMATE_MIN_RPE


def set_estimate_kg(s: SetResult) -> float | None:
    """Epley's estimate from a set that supports one, else None."""
    return estimate_1rm(s.load_kg, s.reps, "epley") if supports_estimate(s) else None


def ceiling_percent(template: PhaseTemplate) -> float:
    """80 % of the latest 1RM, or the template's highest %1RM when the clinician wrote a reason for it."""
    highest = max(phase.percent_1rm[1] for phase in template.phases)
    return highest if template.above_guideline_reason else AHA_ASA_MAX_PERCENT_1RM


def _same(a: float, b: float) -> bool:
    return Decimal(repr(float(a))) == Decimal(repr(float(b)))


def _kg(value: float) -> str:
    return _checks.format_kg(value)


@dataclass
class ItemProgression:
    """One plan item: the load in force, the workouts that count at it, and the latest 1RM."""

    exercise: Exercise
    rule: Rule
    load: float
    one_rm: OneRm | None = None
    ceiling_percent: float = AHA_ASA_MAX_PERCENT_1RM
    settings: ProgressionSettings = field(default_factory=ProgressionSettings)
    pause_days: int = DEFAULT_PAUSE_DAYS
    counted: list[ExerciseSession] = field(default_factory=list)
    last_performed: date | None = None
    restarted: Restart | None = None
    retests: list[OneRm] = field(default_factory=list)
    """1RMs re-tested since the plan started (oldest first): each re-anchors the plan from its date."""
    started: bool = False
    """Whether a stored decision has set the load yet (``stored``)."""

    def __post_init__(self) -> None:
        self.rule = Rule(checked_rule(self.rule))
        self.retests = sorted(self.retests, key=lambda r: r.on or date.min)
        checked_pause_days(self.pause_days)
        _checks.number("ceiling_percent", self.ceiling_percent, minimum=1.0, maximum=100.0)

    # --- what the record says happened -----------------------------------------------------------------

    def restart(self, why: Restart) -> None:
        self.counted = []
        self.restarted = why

    def stored(self, load: float, *, override: bool = False) -> None:
        """The load a stored decision left in force; the first one starts the plan at that load."""
        if not self.started:
            self.load, self.started = float(load), True
            if override:
                self.restart(Restart.OVERRIDE)
            return
        self.settle(load, override=override)

    def settle(self, load: float, *, override: bool = False) -> None:
        """The load in force after a stored decision; a change or an override restarts the count."""
        if override:
            self.restart(Restart.OVERRIDE)
        elif not _same(load, self.load):
            self.restart(Restart.LOAD_CHANGED)
        self.load = float(load)

    def observe(self, workout: Workout) -> Guard | None:
        """Take a workout into the count (or restart it); returns why it does not count, if it does not."""
        while self.retests and (self.retests[0].on or date.min) <= workout.on:
            self.one_rm = self.retests.pop(0)  # a 1RM re-tested on or before this day re-anchors the plan
        if not workout.performed:
            self.restart(Restart.NOT_PERFORMED)
            return Guard.NOT_PERFORMED
        session = workout.session
        if session is None:
            self.restart(Restart.NOT_DONE)
            return Guard.NOT_DONE
        if self.last_performed is not None and (workout.on - self.last_performed).days > self.pause_days:
            self.restart(Restart.PAUSE)
        self.last_performed = workout.on
        self._update_one_rm(workout)
        if workout.lighter_week:
            self.restart(Restart.LIGHTER_WEEK)
            return Guard.LIGHTER_WEEK
        if not _same(self._done_at(session), self.load):
            self.restart(Restart.OTHER_LOAD)
            return Guard.OTHER_LOAD
        self.counted.append(session)
        return None

    # --- deciding ---------------------------------------------------------------------------------------

    def log(self, workout: Workout) -> Decision:
        """Observe a workout, then decide the load for the next one."""
        self.restarted = None
        guard = self.observe(workout)
        pause_note = self._pause_note()
        now = self._describe(self.load)
        when = workout.on.isoformat()
        session = workout.session
        if guard is Guard.NOT_PERFORMED:
            why = workout.not_performed_reason or "the session did not go ahead"
            return self._hold(
                f"Session on {when} not performed ({why.rstrip('.')}), so nothing progresses: keep {now}. "
                "The count of sessions at this load starts again.",
                guard,
            )
        if guard is Guard.NOT_DONE or session is None:
            return self._hold(
                f"Not done in the session on {when}: keep {now}. The count of sessions at this load starts again.",
                Guard.NOT_DONE,
            )
        if guard is not None:
            # Pain still brings the load down whatever else: judge this session alone.
            pain = self._rule_decision([session], screen_ok=workout.screen_ok)
            if pain.action is Action.DECREASE and self._pain_high(session):
                return self._apply(pain)
            if guard is Guard.LIGHTER_WEEK:
                text = f"The session on {when} was in a lighter (deload) week, which does not count towards an increase"
            else:
                text = (
                    f"The last set on {when} was lifted at {self._describe(self._done_at(session))}, not at the load "
                    f"in force ({now}); only sessions at the load in force count towards an increase"
                )
            return self._hold(f"{text}: keep {now}. The count starts again.", guard, (SOURCE_COUNT_AT_LOAD,))
        decided = self._rule_decision(list(self.counted), screen_ok=workout.screen_ok)
        count = len(self.counted)
        counted = f"Session {count} at {now} since that load was set" + (
            "" if count > 1 else " (the count starts here)"
        )
        decided = replace(decided, reason=f"{counted}. {decided.reason}")
        if pause_note:
            decided = replace(
                decided,
                reason=f"{pause_note} {decided.reason}",
                sources=(*decided.sources, pause_source(self.pause_days)),
            )
        if decided.action is Action.INCREASE:
            blocked = self._ceiling_block(decided)
            if blocked is not None:
                return blocked
            if decided.needs_confirmation:
                return decided  # the load in force changes only when a clinician confirms it
        return self._apply(decided)

    def override(self, load: float, reason: str, *, suggested: Suggested | None = None) -> Decision:
        """A clinician's load (kg, or a band level), with a reason; never above the latest 1RM. The count
        starts again. With the ``suggested`` decision it replaces, the reason keeps what the rule had said
        and the action is judged against the load before that suggestion."""
        value = _checks.number("override_kg", load, minimum=0.0, maximum=MAX_LOAD_KG, unit="kg")
        why = _checks.text("reason", reason)
        if not self.exercise.uses_bands and self.one_rm is not None and value > self.one_rm.kg:
            raise ValidationError(
                "override_kg",
                f"must be at most the latest 1RM ({self._one_rm_text()}); re-test the 1RM before loading above it",
            )
        previous = self.load if suggested is None else suggested.previous
        action = Action.INCREASE if value > previous else Action.DECREASE if value < previous else Action.HOLD
        self.settle(value, override=True)
        text = f"Clinician override: {why.rstrip('.')}. Set to {self._describe(value)}."
        if suggested is not None:
            text = (
                f"Clinician override: {why.rstrip('.')}. Set to {self._plain(value)} (the rule had suggested "
                f"{self._plain(suggested.load)}, {suggested.action}: {suggested.reason})"
            )
        return Decision(
            action,
            value,
            previous,
            self.rule,
            text,
            () if suggested is None else suggested.sources,
            retest_due=self.retest_due(),
            override_reason=why,
        )

    def _plain(self, load: float) -> str:
        """'11 kg', or 'the red band (about 1.7 kg)', as an override's reason names a load."""
        if not self.exercise.uses_bands:
            return _kg(load)
        band = self.exercise.band_levels[int(load)]
        return f"the {band.colour} band (about {band.nominal_kg:g} kg)"

    def confirm(self, decision: Decision) -> None:
        """A clinician confirms an increase that needed it: it becomes the load in force."""
        if not decision.needs_confirmation:
            raise ValidationError("decision", "this decision did not need a confirmation")
        self.settle(decision.load)

    def retest_due(self) -> bool:
        """The load in force has reached the ceiling relative to the latest 1RM."""
        if self.exercise.uses_bands or self.one_rm is None:
            return False
        return Decimal(repr(self.load)) >= self._ceiling_kg()

    # --- internals --------------------------------------------------------------------------------------

    def _pause_note(self) -> str:
        if self.restarted is Restart.PAUSE:
            return f"More than {self.pause_days} days since the last session at this load, so the count started again."
        return ""

    def _pain_high(self, session: ExerciseSession) -> bool:
        return session.pain is not None and session.pain > self.settings.pain_limit

    def _rule_decision(self, sessions: list[ExerciseSession], *, screen_ok: bool) -> Decision:
        if sessions and not screen_ok:
            last = sessions[-1]
            sessions = [*sessions[:-1], replace(last, screen_ok=False)]
        if self.exercise.uses_bands:
            band = next_band_level(
                sessions, current_level=int(self.load), exercise=self.exercise, rule=self.rule, settings=self.settings
            )
            return Decision(
                Action(band.action),
                float(band.level),
                self.load,
                self.rule,
                band.reason,
                band.sources,
                band.needs_confirmation,
            )
        assert self.exercise.load_step_kg is not None
        kg = next_load(
            sessions,
            current_kg=self.load,
            increment_kg=self.exercise.load_step_kg,
            rule=self.rule,
            settings=self.settings,
        )
        return Decision(
            Action(kg.action), kg.load_kg, self.load, self.rule, kg.reason, kg.sources, kg.needs_confirmation
        )

    def _ceiling_kg(self) -> Decimal:
        assert self.one_rm is not None
        return Decimal(repr(self.one_rm.kg)) * Decimal(repr(self.ceiling_percent)) / 100

    def _ceiling_block(self, decided: Decision) -> Decision | None:
        if self.exercise.uses_bands or self.one_rm is None:
            return None
        new = Decimal(repr(decided.load))
        if new <= self._ceiling_kg() and new <= Decimal(repr(self.one_rm.kg)):
            return None
        at = float(Decimal(repr(self.load)) / Decimal(repr(self.one_rm.kg)) * 100)
        reason = (
            f"{decided.reason.split(' Increase from ')[0]} But {self._describe(decided.load)} would be above "
            f"{self.ceiling_percent:g} % of the latest 1RM ({self._one_rm_text()}); the load in force is {at:.0f} % "
            f"of it. Keep {self._describe(self.load)} and re-test the 1RM before raising the load."
        )
        return Decision(
            Action.HOLD,
            self.load,
            self.load,
            self.rule,
            reason,
            (*decided.sources, SOURCE_CEILING),
            retest_due=True,
            guard=Guard.CEILING,
        )

    def _apply(self, decided: Decision) -> Decision:
        if decided.action in (Action.INCREASE, Action.DECREASE):
            self.settle(decided.load)
        retest = self.retest_due()
        return replace(decided, retest_due=decided.retest_due or retest)

    def _hold(self, reason: str, guard: Guard, sources: tuple[str, ...] = ()) -> Decision:
        return Decision(
            Action.HOLD, self.load, self.load, self.rule, reason, sources, retest_due=self.retest_due(), guard=guard
        )

    def _done_at(self, session: ExerciseSession) -> float:
        last = session.last_set
        if self.exercise.uses_bands:
            levels = self.exercise.band_levels
            for index, band in enumerate(levels):
                if _same(band.nominal_kg, last.load_kg):
                    return float(index)
            return -1.0
        return last.load_kg

    def _update_one_rm(self, workout: Workout) -> None:
        if self.exercise.uses_bands or workout.session is None or workout.lighter_week:
            return
        estimates = [e for e in (set_estimate_kg(s) for s in workout.session.sets) if e is not None]
        if estimates:
            self.one_rm = OneRm(round(max(estimates), 1), workout.on, "estimated from a set near failure (Epley)")

    def _one_rm_text(self) -> str:
        assert self.one_rm is not None
        when = f", {self.one_rm.on.isoformat()}" if self.one_rm.on else ""
        return f"{_kg(self.one_rm.kg)}, {self.one_rm.how}{when}"

    def _describe(self, load: float) -> str:
        if self.exercise.uses_bands:
            levels = self.exercise.band_levels
            index = int(load)
            return f"the {levels[index].colour} band" if 0 <= index < len(levels) else "no band"
        return _kg(load)


class PlanStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True)
class Recorded:
    """A decision the plan made since it was read, to be stored: which item, after which session."""

    item_id: int
    decision: Decision
    session: int | None = None
    """The record's id of the session it follows; None before the first session."""
    supersedes: int | None = None
    """The record's id of the decision an override replaces."""


@dataclass
class LoadingPlan:
    """A patient's plan: its items' progressions, its status and its version (for optimistic saves).

    What changed since the plan was read (``recorded`` decisions, ``confirmed`` decision ids, the status)
    is kept for the repository to store in one save with the version it was read at.
    """

    items: dict[int, ItemProgression]
    status: PlanStatus = PlanStatus.ACTIVE
    version: int = 1
    recorded: list[Recorded] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)

    def log_session(self, workouts: Mapping[int, Workout], *, session: int | None = None) -> dict[int, Decision]:
        """One session for every item: each item's decision for the next session."""
        self._check_active()
        unknown = set(workouts) - set(self.items)
        if unknown:
            raise ValidationError("items", "a logged exercise is not part of this plan")
        decisions = {key: item.log(workouts[key]) for key, item in self.items.items() if key in workouts}
        self.recorded.extend(Recorded(key, decision, session) for key, decision in decisions.items())
        self.version += 1
        return decisions

    def override(
        self,
        item_id: int,
        load: float,
        reason: str,
        *,
        suggested: Suggested | None = None,
        session: int | None = None,
        supersedes: int | None = None,
    ) -> Decision:
        """A clinician's own load for one item (``ItemProgression.override``), kept for the next save."""
        self._check_active()
        decision = self._item(item_id).override(load, reason, suggested=suggested)
        self.recorded.append(Recorded(item_id, decision, session, supersedes))
        self.version += 1
        return decision

    def confirm(self, item_id: int, decision: Decision, *, decision_id: int | None = None) -> None:
        """A clinician confirms an increase that needed it (``decision_id``: the stored decision's id)."""
        self._check_active()
        self._item(item_id).confirm(decision)
        if decision_id is not None:
            self.confirmed.append(decision_id)
        self.version += 1

    def end(self) -> None:
        self._check_active()
        self.status = PlanStatus.ENDED
        self.version += 1

    def _item(self, item_id: int) -> ItemProgression:
        if item_id not in self.items:
            raise ValidationError("item", "that exercise is not part of this plan")
        return self.items[item_id]

    def _check_active(self) -> None:
        if self.status is not PlanStatus.ACTIVE:
            raise ValidationError("plan", "this plan has ended; loads can no longer change")
