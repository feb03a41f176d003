"""Session-to-session load progression: increase, hold or decrease, always with the reason.

Three rules, each from its source (clinical reference §7.4):

- ``two_for_two`` — NSCA "2-for-2" (Baechle & Earle; Graves & Baechle) [R11] (2°): when the last
  set reaches 2 or more reps over the target in 2 consecutive sessions, increase next session. The
  mirror image (last set short of target in both sessions → decrease) is this product's choice.
- ``rpe`` — RIR-based RPE (Zourdos 2016, JSCR 30:267) [R13]: RPE 10 = 0 reps in reserve. Target
  reps done at effort 7 or less → increase (heuristic, 2°); effort 10 and reps short of target →
  decrease; otherwise hold.
- ``dapre`` — Knight 1979 adjustment table [R12], scaled to the exercise's load step (see
  ``dapre.py`` for the scaling and the source conflict about which set drives which adjustment).

Safety overrides apply to every rule the same way: pain above 5/10 in the most recent session →
decrease (pain-monitoring model, Silbernagel 2007 [R17]; validated in tendinopathy, not stroke), and
a failed pre-session screen → never increase (clinical reference §10). Any increase above 10 % of the
current load needs clinician confirmation (§10; ACSM 2009 upper bound of 2–10 % [R10]).

Loads move in whole increments, computed in decimal so 22.5 + 2.5 is exactly 25, and never go below
zero. A clinician can override any decision (``apply_override``); the next call simply continues from
the overridden load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from rehab.domain.errors import ValidationError
from rehab.domain.planning import _checks
from rehab.domain.planning.dapre import DAPRE_SOURCE, NEXT_SESSION_ROWS, DapreRow, row_for, validate_rows
from rehab.domain.planning.evidence import EvidenceLevel
from rehab.domain.planning.exercises import Exercise

Action = Literal["increase", "hold", "decrease"]
RULES: tuple[str, ...] = ("two_for_two", "rpe", "dapre")

# Data-entry plausibility limits, not clinical thresholds: no exercise in a rehab gym is loaded with
# more than this, and they keep arithmetic on typos finite.
MAX_LOAD_KG = 1000.0
MAX_INCREMENT_KG = 100.0
MAX_REPS = 1000

SOURCE_TWO_FOR_TWO = "NSCA 2-for-2 rule, Baechle & Earle [R11] (2°)"
SOURCE_RPE = "RIR-based RPE, Zourdos 2016 [R13]; 'target reps at RPE ≤ 7 → add load' heuristic (2°)"
SOURCE_PAIN = "Pain-monitoring model, Silbernagel 2007 [R17] (validated in tendinopathy, not stroke)"
SOURCE_SCREEN = "Clinical reference §10: never auto-progress when a pre-session safety rule fails"
SOURCE_CONFIRMATION = "ACSM 2009 progression models: increase by 2–10 % [R10]; clinical reference §10"


@dataclass(frozen=True)
class SetResult:
    """One performed set: load in kg, reps completed, optional effort (RPE 0–10, decimals allowed)."""

    load_kg: float
    reps: int
    rpe: float | None = None

    def __post_init__(self) -> None:
        load = _checks.number("load_kg", self.load_kg, minimum=0.0, maximum=MAX_LOAD_KG, unit="kg")
        object.__setattr__(self, "load_kg", load)
        _checks.whole_number("reps", self.reps, minimum=0, maximum=MAX_REPS)
        if self.rpe is not None:
            object.__setattr__(self, "rpe", _checks.number("rpe", self.rpe, minimum=0.0, maximum=10.0))


@dataclass(frozen=True)
class ExerciseSession:
    """One exercise in one session: the target reps, the sets done, pain (0–10 NRS) and the screen.

    ``sets`` are kept in the order performed; the final set is the one the rules read. ``pain`` is
    ``None`` when not asked. ``screen_ok`` is False when the pre-session readiness screen did not pass.
    """

    target_reps: int
    sets: Sequence[SetResult]
    pain: int | None = None
    screen_ok: bool = True

    def __post_init__(self) -> None:
        _checks.whole_number("target_reps", self.target_reps, minimum=1, maximum=MAX_REPS)
        if isinstance(self.sets, str | bytes) or not isinstance(self.sets, Sequence):
            raise ValidationError("sets", "must be a list of sets")
        if not self.sets:
            raise ValidationError("sets", "must contain at least one set")
        if not all(isinstance(item, SetResult) for item in self.sets):
            raise ValidationError("sets", "each set needs a load, reps and optional effort")
        object.__setattr__(self, "sets", tuple(self.sets))
        if self.pain is not None:
            _checks.whole_number("pain", self.pain, minimum=0, maximum=10)
        _checks.flag("screen_ok", self.screen_ok)

    @property
    def last_set(self) -> SetResult:
        """The final set, which the progression rules read."""
        return self.sets[-1]


@dataclass(frozen=True)
class ProgressionSettings:
    """The numbers the rules use, each from its source; a clinic may change them."""

    pain_limit: int = 5
    """Pain may reach but not exceed 5/10 (pain-monitoring model [R17]; tendinopathy, not stroke)."""
    reps_over_target: int = 2
    """2-for-2: reps over the goal in the last set [R11] (2°)."""
    sessions_in_a_row: int = 2
    """2-for-2: consecutive sessions needed [R11] (2°)."""
    rpe_increase_at_or_below: float = 7.0
    """Target reps at RPE ≤ 7 → add load (heuristic, 2° [R13])."""
    rpe_decrease_at_or_above: float = 10.0
    """RPE 10 = no reps in reserve (Zourdos 2016 [R13])."""
    confirm_increase_above_fraction: float = 0.10
    """Increases above 10 % need clinician confirmation (ACSM 2–10 % [R10]; §10)."""
    dapre_rows: tuple[DapreRow, ...] = field(default=NEXT_SESSION_ROWS)
    """DAPRE next-session table in load steps (Knight 1979 [R12], scaled; see dapre.py)."""

    def __post_init__(self) -> None:
        _checks.whole_number("pain_limit", self.pain_limit, minimum=0, maximum=10)
        _checks.whole_number("reps_over_target", self.reps_over_target, minimum=0, maximum=MAX_REPS)
        _checks.whole_number("sessions_in_a_row", self.sessions_in_a_row, minimum=1, maximum=10)
        low = _checks.number("rpe_increase_at_or_below", self.rpe_increase_at_or_below, minimum=0.0, maximum=10.0)
        high = _checks.number("rpe_decrease_at_or_above", self.rpe_decrease_at_or_above, minimum=0.0, maximum=10.0)
        if low >= high:
            raise ValidationError("rpe_increase_at_or_below", "must be below the effort that triggers a decrease")
        _checks.number(
            "confirm_increase_above_fraction", self.confirm_increase_above_fraction, minimum=0.0, maximum=1.0
        )
        object.__setattr__(self, "dapre_rows", validate_rows("dapre_rows", self.dapre_rows))


DEFAULT_SETTINGS = ProgressionSettings()


@dataclass(frozen=True)
class LoadDecision:
    """The load for the next session and why.

    ``needs_confirmation`` is True when an increase is above 10 % of the current load; the UI must
    ask a clinician before using it. ``clinician_override`` marks a load a clinician set by hand.
    """

    load_kg: float
    action: Action
    reason: str
    needs_confirmation: bool = False
    rule: str = "two_for_two"
    previous_kg: float = 0.0
    sources: tuple[str, ...] = ()
    evidence: EvidenceLevel = EvidenceLevel.SECONDARY
    clinician_override: bool = False


@dataclass(frozen=True)
class _Proposal:
    steps: int
    why: str
    sources: tuple[str, ...]
    evidence: EvidenceLevel


def _sessions(history: object) -> tuple[ExerciseSession, ...]:
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise ValidationError("history", "must be a list of sessions, oldest first")
    if not all(isinstance(item, ExerciseSession) for item in history):
        raise ValidationError("history", "each entry must be a logged exercise session")
    return tuple(history)


def checked_rule(rule: object) -> str:
    """The rule's name, or ValidationError naming the field."""
    if not isinstance(rule, str) or rule not in RULES:
        raise ValidationError("rule", f"must be one of: {', '.join(RULES)}")
    return rule


def _joined(values: Sequence[object]) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _session_names(first: int, last: int) -> str:
    numbers = list(range(first, last + 1))
    return ("session " if len(numbers) == 1 else "sessions ") + _joined(numbers)


def _two_for_two(sessions: tuple[ExerciseSession, ...], settings: ProgressionSettings) -> _Proposal:
    count = settings.sessions_in_a_row
    n = len(sessions)
    sources = (SOURCE_TWO_FOR_TWO,)
    if n < count:
        return _Proposal(
            0,
            f"2-for-2 rule: only {n} session(s) at this load; it needs {count} in a row to judge.",
            sources,
            EvidenceLevel.SECONDARY,
        )
    recent = sessions[-count:]
    which = _session_names(n - count + 1, n)
    reps = _joined([s.last_set.reps for s in recent])
    targets = sorted({s.target_reps for s in recent})
    target_text = f"a target of {targets[0]}" if len(targets) == 1 else f"targets of {_joined(targets)}"
    over = settings.reps_over_target
    if all(s.last_set.reps >= s.target_reps + over for s in recent):
        return _Proposal(
            1,
            f"2-for-2 rule: the last set reached {reps} reps in {which} against {target_text} "
            f"({over} or more over target needed in each).",
            sources,
            EvidenceLevel.SECONDARY,
        )
    if all(s.last_set.reps < s.target_reps for s in recent):
        return _Proposal(
            -1,
            f"2-for-2 rule: the last set fell short of {target_text} in {which} ({reps} reps).",
            sources,
            EvidenceLevel.DESIGN_CHOICE,
        )
    return _Proposal(
        0,
        f"2-for-2 rule: the last set reached {reps} reps in {which} against {target_text}; "
        f"neither {over} over target in each nor short of target in each.",
        sources,
        EvidenceLevel.SECONDARY,
    )


def _rpe(sessions: tuple[ExerciseSession, ...], settings: ProgressionSettings) -> _Proposal:
    n = len(sessions)
    latest = sessions[-1]
    last = latest.last_set
    sources = (SOURCE_RPE,)
    if last.rpe is None:
        return _Proposal(
            0,
            f"Effort rule: no effort (RPE) recorded for the last set of session {n}.",
            sources,
            EvidenceLevel.SECONDARY,
        )
    target = latest.target_reps
    reached = all(s.reps >= target for s in latest.sets)
    effort = f"{last.rpe:g}/10"
    if reached and last.rpe <= settings.rpe_increase_at_or_below:
        return _Proposal(
            1,
            f"Effort rule: all sets in session {n} reached the target of {target} reps and the last set "
            f"was rated {effort} (≤ {settings.rpe_increase_at_or_below:g}, reps to spare).",
            sources,
            EvidenceLevel.SECONDARY,
        )
    if last.rpe >= settings.rpe_decrease_at_or_above and last.reps < target:
        return _Proposal(
            -1,
            f"Effort rule: the last set in session {n} was rated {effort} (no reps in reserve) and reached "
            f"only {last.reps} of {target} reps.",
            sources,
            EvidenceLevel.SECONDARY,
        )
    return _Proposal(
        0,
        f"Effort rule: session {n} last set {last.reps} reps (target {target}) at effort {effort}: "
        "neither easy enough to increase nor a failed maximal set.",
        sources,
        EvidenceLevel.SECONDARY,
    )


def _dapre(sessions: tuple[ExerciseSession, ...], settings: ProgressionSettings) -> _Proposal:
    n = len(sessions)
    reps = sessions[-1].last_set.reps
    row = row_for(reps, settings.dapre_rows)
    return _Proposal(
        row.steps,
        f"DAPRE: the final set of session {n} reached {reps} reps (row {row.reps_label}; Knight's "
        f"next-session change for athletes' knee extensors: {row.knight_range}) → {row.steps:+d} step(s).",
        (DAPRE_SOURCE,),
        EvidenceLevel.SECONDARY,
    )


_RULE_FUNCTIONS: dict[str, Callable[[tuple[ExerciseSession, ...], ProgressionSettings], _Proposal]] = {
    "two_for_two": _two_for_two,
    "rpe": _rpe,
    "dapre": _dapre,
}


def _moved(current: float, step: float, steps: int) -> float:
    """current + steps × step in decimal arithmetic, never below zero."""
    moved = Decimal(repr(current)) + steps * Decimal(repr(step))
    return max(0.0, float(moved))


def _is_large_increase(current: float, new: float, fraction: float) -> bool:
    change = Decimal(repr(new)) - Decimal(repr(current))
    return change > Decimal(repr(fraction)) * Decimal(repr(current))


@dataclass(frozen=True)
class _Outcome:
    units: float
    action: Action
    reason: str
    sources: tuple[str, ...]
    evidence: EvidenceLevel


def _decide(
    sessions: tuple[ExerciseSession, ...],
    *,
    current: float,
    step: float,
    rule: str,
    settings: ProgressionSettings,
    describe: Callable[[float], str],
    max_units: float,
) -> _Outcome:
    """Shared decision for kg loads and band levels; ``describe`` names a load in the right unit."""
    if not sessions:
        return _Outcome(
            current,
            "hold",
            f"No sessions logged yet: keep {describe(current)}.",
            (),
            EvidenceLevel.DESIGN_CHOICE,
        )
    latest = sessions[-1]
    n = len(sessions)
    if latest.pain is not None and latest.pain > settings.pain_limit:
        proposal = _Proposal(
            -1,
            f"Pain {latest.pain}/10 in session {n} (the most recent) is above the {settings.pain_limit}/10 "
            "limit of the pain-monitoring model, so the load comes down whatever the progression rule says.",
            (SOURCE_PAIN,),
            EvidenceLevel.SECONDARY,
        )
    else:
        proposal = _RULE_FUNCTIONS[rule](sessions, settings)
        if proposal.steps > 0 and not latest.screen_ok:
            return _Outcome(
                current,
                "hold",
                f"{proposal.why} But the pre-session screen did not pass in session {n}, so no increase: "
                f"keep {describe(current)}.",
                (*proposal.sources, SOURCE_SCREEN),
                proposal.evidence,
            )
    if proposal.steps == 0:
        return _Outcome(
            current,
            "hold",
            f"{proposal.why} Keep {describe(current)}.",
            proposal.sources,
            proposal.evidence,
        )
    new = _moved(current, step, proposal.steps)
    if new > max_units:
        new = current  # past the plausible range (or the heaviest band): stay, never jump partway
    if new == current:
        limit = "already at zero" if proposal.steps < 0 else "already at the top of the range"
        return _Outcome(
            current,
            "hold",
            f"{proposal.why} The load is {limit}: keep {describe(current)}.",
            proposal.sources,
            proposal.evidence,
        )
    action: Action = "increase" if new > current else "decrease"
    verb = "Increase" if action == "increase" else "Decrease"
    reason = f"{proposal.why} {verb} from {describe(current)} to {describe(new)}."
    return _Outcome(new, action, reason, proposal.sources, proposal.evidence)


def next_load(
    history: Sequence[ExerciseSession],
    *,
    current_kg: float,
    increment_kg: float,
    rule: str = "two_for_two",
    settings: ProgressionSettings | None = None,
) -> LoadDecision:
    """The load for the next session of one exercise, from its history (oldest first).

    Raises ``ValidationError`` naming the field for any bad input (negative or non-finite loads, a
    non-positive increment, an unknown rule, sessions that are not ``ExerciseSession``).
    """
    chosen = DEFAULT_SETTINGS if settings is None else settings
    if not isinstance(chosen, ProgressionSettings):
        raise ValidationError("settings", "must be ProgressionSettings")
    rule_name = checked_rule(rule)
    current = _checks.number("current_kg", current_kg, minimum=0.0, maximum=MAX_LOAD_KG, unit="kg")
    step = _checks.number(
        "increment_kg", increment_kg, minimum=0.0, maximum=MAX_INCREMENT_KG, above_minimum=True, unit="kg"
    )
    sessions = _sessions(history)
    outcome = _decide(
        sessions,
        current=current,
        step=step,
        rule=rule_name,
        settings=chosen,
        describe=_checks.format_kg,
        max_units=MAX_LOAD_KG,
    )
    reason = outcome.reason
    sources = outcome.sources
    confirm = outcome.action == "increase" and _is_large_increase(
        current, outcome.units, chosen.confirm_increase_above_fraction
    )
    if confirm:
        reason += (
            f" This is more than {chosen.confirm_increase_above_fraction * 100:g} % of the current load, "
            "so a clinician must confirm it."
        )
        sources = (*sources, SOURCE_CONFIRMATION)
    return LoadDecision(
        load_kg=outcome.units,
        action=outcome.action,
        reason=reason,
        needs_confirmation=confirm,
        rule=rule_name,
        previous_kg=current,
        sources=sources,
        evidence=outcome.evidence,
    )


def apply_override(decision: LoadDecision, override_kg: float, reason: str) -> LoadDecision:
    """A clinician's own load in place of the engine's, kept with both reasons for the record.

    The next ``next_load`` call continues from it: pass ``current_kg=override_kg``.
    """
    if not isinstance(decision, LoadDecision):
        raise ValidationError("decision", "must be a load decision from next_load")
    load = _checks.number("override_kg", override_kg, minimum=0.0, maximum=MAX_LOAD_KG, unit="kg")
    why = _checks.text("reason", reason).rstrip(".") + "."
    previous = decision.previous_kg
    action: Action = "increase" if load > previous else "decrease" if load < previous else "hold"
    return LoadDecision(
        load_kg=load,
        action=action,
        reason=(
            f"Clinician override: {why} Set to {_checks.format_kg(load)} (the rule had suggested "
            f"{_checks.format_kg(decision.load_kg)}, {decision.action}: {decision.reason})"
        ),
        needs_confirmation=False,
        rule=decision.rule,
        previous_kg=previous,
        sources=decision.sources,
        evidence=decision.evidence,
        clinician_override=True,
    )


@dataclass(frozen=True)
class BandDecision:
    """The band for the next session of a band exercise, as a level index (0 = lightest) and colour."""

    level: int
    colour: str
    action: Action
    reason: str
    needs_confirmation: bool
    rule: str
    previous_level: int
    sources: tuple[str, ...]
    evidence: EvidenceLevel


def next_band_level(
    history: Sequence[ExerciseSession],
    *,
    current_level: int,
    exercise: Exercise,
    rule: str = "two_for_two",
    settings: ProgressionSettings | None = None,
) -> BandDecision:
    """Band exercises progress one band at a time by the same rules (one step = one band level).

    Needs-confirmation compares the bands' nominal resistances, so a jump of more than 10 % between
    two bands is flagged like any other large increase.
    """
    chosen = DEFAULT_SETTINGS if settings is None else settings
    if not isinstance(chosen, ProgressionSettings):
        raise ValidationError("settings", "must be ProgressionSettings")
    if not isinstance(exercise, Exercise) or not exercise.uses_bands:
        raise ValidationError("exercise", "must be a band exercise")
    levels = exercise.band_levels
    rule_name = checked_rule(rule)
    current = _checks.whole_number("current_level", current_level, minimum=0, maximum=len(levels) - 1)
    sessions = _sessions(history)

    def describe(units: float) -> str:
        return f"the {levels[int(units)].colour} band"

    outcome = _decide(
        sessions,
        current=float(current),
        step=1.0,
        rule=rule_name,
        settings=chosen,
        describe=describe,
        max_units=float(len(levels) - 1),
    )
    new = int(outcome.units)
    reason = outcome.reason
    sources = outcome.sources
    confirm = outcome.action == "increase" and _is_large_increase(
        levels[current].nominal_kg, levels[new].nominal_kg, chosen.confirm_increase_above_fraction
    )
    if confirm:
        reason += (
            " The next band's nominal resistance is more than "
            f"{chosen.confirm_increase_above_fraction * 100:g} % "
            "above the current one, so a clinician must confirm it."
        )
        sources = (*sources, SOURCE_CONFIRMATION)
    return BandDecision(
        level=new,
        colour=levels[new].colour,
        action=outcome.action,
        reason=reason,
        needs_confirmation=confirm,
        rule=rule_name,
        previous_level=current,
        sources=sources,
        evidence=outcome.evidence,
    )
