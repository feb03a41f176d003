"""Goals use cases: set a goal, review it, close or correct it, and read each goal with its verdict.

Every goal is judged for the patient's own population: a measure target's at-risk verdict uses the MDC the
catalogue has for this patient's condition, age and phase on the day of the newest result, or says none fits.
Goals are clinical records: a correction is a new version (the old one stays readable, marked amended or
entered in error), reviews are append-only, and every write is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Connection

from rehab.domain import measures
from rehab.domain.context import judge_change, patient_context
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.goals import (
    CURRENT,
    GAS_LEVELS,
    SOURCE_GAS,
    TREND_RULE,
    GasScale,
    GoalKind,
    GoalStatus,
    Trend,
    TScore,
    check_rating,
    t_score,
    target_trend,
)
from rehab.domain.measures import plausibility
from rehab.services import audit
from rehab.services import settings as clinic_settings
from rehab.services.commands import GasGoal, MeasureGoal, parse
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.patients import check_access, today
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import goals as store
from rehab.store.goals import GoalRecord, ReviewRecord

CLOSING = {GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DISCONTINUED, GoalStatus.ENTERED_IN_ERROR}


@dataclass(frozen=True)
class GoalView:
    """A goal as a page shows it: the record, its reviews (oldest first) and the verdict for today."""

    goal: GoalRecord
    reviews: list[ReviewRecord]
    trend: Trend | None
    latest_rating: int | None
    basis: str = ""  # the rule and the population's MDC the verdict used


@dataclass(frozen=True)
class Goals:
    patient_id: int
    patient_name: str
    goals: list[GoalView]
    t_score: TScore


def _statement(raw: str) -> str:
    if not raw.strip():
        raise ValidationError("statement", "Write the goal as agreed with the patient (what, how well, by when).")
    return raw


def _check_date(target_date: date, today: date) -> None:
    if target_date <= today:
        raise ValidationError("target_date", f"The target date must be after today ({today.isoformat()}).")


def _collect(errors: list[ValidationError], *checks: Callable[[], object]) -> None:
    for check in checks:
        try:
            check()
        except ValidationErrors as exc:
            errors.extend(exc.errors)


def set_measure_goal(db: Database, actor: Actor, patient_id: int, values: Mapping[str, Any]) -> int:
    """A target on a catalogued measure; the value is checked against the measure's range, never changed."""
    command = parse(MeasureGoal, values)
    on = today()
    errors: list[ValidationError] = []
    found: list[measures.Measure] = []
    _collect(
        errors,
        lambda: found.append(measures.get(command.measure_key)),
        lambda: _statement(command.statement),
        lambda: _check_date(command.target_date, on),
        lambda: measures.validate_value(command.measure_key, command.target_value, field="target_value"),
    )
    outside = plausibility.question(command.measure_key, found[0].name, command.target_value) if found else None
    if outside is not None:  # a goal is agreed to be reached: a target no result could plausibly show is refused
        errors.append(ValidationError("target_value", f"{outside.text} Set a target a patient could reach."))
    if found and found[0].higher_is_better is None:
        errors.append(ValidationError("measure_key", f"{found[0].name} has no better direction to aim for."))
    if errors:
        raise ValidationErrors(errors)
    fields = command.model_dump(exclude={"statement"})
    return _save(db, actor, patient_id, kind=GoalKind.MEASURE, statement=command.statement, set_on=on, **fields)


def set_gas_goal(db: Database, actor: Actor, patient_id: int, values: Mapping[str, Any]) -> int:
    """A Goal Attainment Scale with its five levels described and its baseline (−1 or −2)."""
    command = parse(GasGoal, values)
    on = today()
    errors: list[ValidationError] = []
    scales: list[GasScale] = []
    _collect(
        errors,
        lambda: scales.append(GasScale.parse(command.levels, command.baseline, command.importance, command.difficulty)),
        lambda: _statement(command.statement),
        lambda: _check_date(command.target_date, on),
    )
    if errors:
        raise ValidationErrors(errors)
    [scale] = scales
    return _save(
        db,
        actor,
        patient_id,
        kind=GoalKind.GAS,
        statement=command.statement,
        levels=dict(scale.levels),
        baseline=scale.baseline,
        importance=scale.importance,
        difficulty=scale.difficulty,
        target_date=command.target_date,
        set_on=on,
    )


def _save(db: Database, actor: Actor, patient_id: int, **values: Any) -> int:
    def work(conn: Connection) -> int:
        check_access(conn, actor, patient_id)
        return _add(conn, actor, patient_id, **values)

    return db.run(work)


def _add(conn: Connection, actor: Actor, patient_id: int, **values: Any) -> int:
    now = now_utc()
    goal_id = store.add(
        conn,
        patient_id=patient_id,
        status=GoalStatus.ACTIVE,
        status_reason="",
        set_by=actor.user_id,
        created_at=now,
        **values,
    )
    audit.record(conn, actor, "create", "goal", goal_id, patient_id=patient_id, detail=str(values["kind"]), at=now)
    return goal_id


def _load(conn: Connection, actor: Actor, goal_id: int) -> GoalRecord:
    goal = store.get(conn, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    check_access(conn, actor, goal.patient_id)
    return goal


def review(db: Database, actor: Actor, goal_id: int, *, rating: object, note: str) -> None:
    """A follow-up: a GAS goal takes its rating −2…+2 as typed; a measure target takes a note."""
    if len(note) > 2000:
        raise ValidationError("note", "Keep the note to 2,000 characters.")

    def work(conn: Connection) -> None:
        goal = _load(conn, actor, goal_id)
        if goal.status not in CURRENT:
            raise ValidationError("goal", "This goal was corrected or entered in error; review its current version.")
        checked = check_rating(rating) if goal.kind == GoalKind.GAS else None
        if checked is None and not note.strip():
            raise ValidationError("note", "Write what the review found.")
        now = now_utc()
        store.add_review(conn, goal_id=goal.id, rating=checked, note=note, reviewed_by=actor.user_id, now=now)
        shown = f"rating {checked:+d}" if checked is not None else "note"
        audit.record(conn, actor, "update", "goal", goal.id, patient_id=goal.patient_id, detail=f"review: {shown}")

    db.run(work)


def close(db: Database, actor: Actor, goal_id: int, version: int, status: str, reason: str) -> None:
    """Achieved, not achieved, discontinued, or entered in error: the goal stays on record with its status."""
    try:
        chosen = GoalStatus(status)
    except ValueError:
        raise ValidationError("status", "Choose achieved, not achieved, discontinued or entered in error.") from None
    if chosen not in CLOSING:
        raise ValidationError("status", "Choose achieved, not achieved, discontinued or entered in error.")
    if chosen == GoalStatus.ENTERED_IN_ERROR and not reason.strip():
        raise ValidationError("reason", "Say why the goal was entered in error.")

    def work(conn: Connection) -> None:
        goal = _load(conn, actor, goal_id)
        if not store.set_status_if_version(
            conn, goal.id, expected_version=version, status=chosen, reason=reason, from_statuses=(GoalStatus.ACTIVE,)
        ):
            raise ConflictError("This goal changed since you opened it; reload to see its current state.")
        audit.record(conn, actor, "update", "goal", goal.id, patient_id=goal.patient_id, detail=f"status={chosen}")

    db.run(work)


def patient_goals(db: Database, actor: Actor, patient_id: int) -> Goals:
    """Every goal of the patient (current ones first), each with its reviews and verdict, and the GAS T-score."""
    on = today()

    def work(conn: Connection) -> Goals:
        patient = check_access(conn, actor, patient_id)
        weights_on, _ = gas_weights_in(conn)
        records = store.for_patient(conn, patient_id)
        reviews = store.reviews_for(conn, [g.id for g in records])
        by_goal: dict[int, list[ReviewRecord]] = {}
        for r in reviews:
            by_goal.setdefault(r.goal_id, []).append(r)
        views = []
        for goal in records:
            mine = by_goal.get(goal.id, [])
            rated = [r.rating for r in mine if r.rating is not None]
            trend, basis = _trend(conn, patient, goal, on) if goal.kind == GoalKind.MEASURE else (None, "")
            views.append(GoalView(goal, mine, trend, rated[-1] if rated else None, basis))
        views.sort(key=lambda v: (v.goal.status not in CURRENT, v.goal.status != GoalStatus.ACTIVE))
        score = t_score_of([(v.goal, v.latest_rating) for v in views], weights_on=weights_on)
        return Goals(patient_id, patient.display_name, views, score)

    return db.run(work, write=False)


def counts_in_t_score(goal: GoalRecord) -> bool:
    """A current scale that was not discontinued (the Goals page's T-score and the exports use the same set)."""
    return goal.kind == GoalKind.GAS and goal.status in CURRENT and goal.status != GoalStatus.DISCONTINUED


def t_score_of(rated: list[tuple[GoalRecord, int | None]], *, weights_on: bool) -> TScore:
    """The T-score over the goals that count, each with its latest rating (None: not rated yet)."""
    return t_score([(_scale(g), r) for g, r in rated if counts_in_t_score(g)], weights_on=weights_on)


@dataclass(frozen=True)
class GoalStory:
    """One active goal as the Outlook panel tells it: what was set, what has happened, and how it stands."""

    goal_id: int
    statement: str
    target: str
    """What was set: the measure and value by the date (or the GAS goal level), and when it was set."""
    happened: str
    """The latest result since the goal was set (or the latest GAS rating), or that there is none yet."""
    standing: str
    """"At risk", "On track", "Reached", "Not judged" or, for GAS, the latest rating's level."""
    reason: str
    basis: str


def goal_stories(db: Database, actor: Actor, patient_id: int) -> list[GoalStory]:
    """The patient's active goals, each told as set → happened → standing, with the rule and MDC it used."""
    on = today()

    def work(conn: Connection) -> list[GoalStory]:
        patient = check_access(conn, actor, patient_id)
        records = [g for g in store.for_patient(conn, patient_id) if g.status == GoalStatus.ACTIVE]
        reviews = store.reviews_for(conn, [g.id for g in records])
        return [_story(conn, patient, g, [r for r in reviews if r.goal_id == g.id], on) for g in records]

    return db.run(work, write=False)


def _story(conn: Connection, patient: Any, goal: GoalRecord, reviews: list[ReviewRecord], on: date) -> GoalStory:
    set_on = f"set {goal.set_on.isoformat()}"
    if goal.kind != GoalKind.MEASURE or goal.measure_key is None or goal.target_value is None:
        rated = [r for r in reviews if r.rating is not None]
        level = (goal.gas_levels or {}).get(0, "")
        target = f"Goal Attainment Scale, expected level (0): {level}; by {goal.target_date.isoformat()}, {set_on}"
        if not rated:
            why = "A Goal Attainment Scale is rated at review, not projected from results."
            return GoalStory(goal.id, goal.statement, target, "Not rated yet.", "Not judged", why, SOURCE_GAS)
        last = rated[-1]
        assert last.rating is not None
        happened = f"Rated {last.rating:+d} ({GAS_LEVELS[last.rating]}) on {last.reviewed_at.date().isoformat()}."
        why = "The latest rating at review; 0 is the goal as agreed."
        return GoalStory(goal.id, goal.statement, target, happened, f"Rated {last.rating:+d}", why, SOURCE_GAS)
    measure = measures.get(goal.measure_key)
    side = f" ({goal.side})" if goal.side else ""
    target = (
        f"{measure.name}{side}: {goal.target_value:g} {measure.unit_label} by {goal.target_date.isoformat()}, {set_on}"
    )
    since = [(d, v) for d, v in _results(conn, patient, goal) if d >= goal.set_on]
    happened = (
        f"Latest {since[-1][1]:g} {measure.unit_label} on {since[-1][0].isoformat()} ({len(since)} since the goal "
        "was set)."
        if since
        else "No result since the goal was set."
    )
    trend, basis = _trend(conn, patient, goal, on)
    assert trend is not None  # an active measure target is always judged (or says why not)
    return GoalStory(goal.id, goal.statement, target, happened, standing(trend), trend.reason, basis)


def standing(trend: Trend) -> str:
    """The verdict in a word or two, as the Outlook panel and the Goals page say it."""
    if trend.at_risk is None:
        return "Not judged"
    if trend.at_risk:
        return "At risk"
    return "Reached" if trend.reason.startswith("Reached") else "On track"


def open_measure_goals(conn: Connection, patient: Any, on: date) -> list[GoalView]:
    """The patient's active measure targets, each with its verdict for today (for the dashboard's charts)."""
    out = []
    for goal in store.for_patient(conn, patient.id):
        if goal.kind == GoalKind.MEASURE and goal.status == GoalStatus.ACTIVE:
            trend, basis = _trend(conn, patient, goal, on)
            out.append(GoalView(goal, [], trend, None, basis))
    return out


def _scale(goal: GoalRecord) -> GasScale:
    return GasScale(goal.gas_levels or {}, goal.baseline or -1, goal.importance, goal.difficulty)


def _trend(conn: Connection, patient: Any, goal: GoalRecord, on: date) -> tuple[Trend | None, str]:
    """The verdict, and the rule with the MDC (and population) it used."""
    if goal.status != GoalStatus.ACTIVE or goal.measure_key is None or goal.target_value is None:
        return None, ""
    return target_verdict(patient, goal, _results(conn, patient, goal), on)


def _results(conn: Connection, patient: Any, goal: GoalRecord) -> list[tuple[date, float]]:
    """Every final result of the goal's measure (and side), oldest first."""
    keys = [goal.measure_key] if goal.measure_key else []
    rows = assessment_store.for_patient(conn, patient.id, measure_keys=keys, statuses=("final",))
    return [(r.taken_at.date(), r.value) for r in rows if goal.side is None or r.side == goal.side]


class Person(Protocol):
    """What a verdict needs of the patient: their population on a day (a patient record or a caseload row)."""

    @property
    def condition(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def event_date(self) -> date | None: ...


class Target(Protocol):
    """What a verdict needs of a measure goal (a goal record or a caseload's open goal)."""

    @property
    def measure_key(self) -> str | None: ...
    @property
    def target_value(self) -> float | None: ...
    @property
    def target_date(self) -> date: ...
    @property
    def set_on(self) -> date: ...


def target_verdict(
    patient: Person, goal: Target, results: Sequence[tuple[date, float]], on: date
) -> tuple[Trend | None, str]:
    """A measure target judged by the domain's trend rule with the MDC of the patient's own population (on the
    day of the newest result), and the rule with that MDC and population in words; (None, "") for a goal that
    is not a measure target. ``results``: every final result of the measure (and side), oldest first; the rule
    reads those since the goal was set."""
    measure_key, target = goal.measure_key, goal.target_value
    if measure_key is None or target is None:
        return None, ""
    mdc: float | None = None
    population = ""
    if len(results) >= 2:
        newest = max(d for d, _ in results)
        ctx = patient_context(patient.condition, patient.birth_date, patient.event_date, newest)
        judged = judge_change(ctx, measure_key, results[0][1], results[-1][1])
        mdc = judged.mdc.value if judged.mdc is not None else None
        population = f" Population: {ctx.describe()}; " + (
            f"{judged.mdc.describe()}." if judged.mdc is not None else "no MDC in the catalogue fits."
        )
    verdict = target_trend(
        results,
        target=target,
        target_date=goal.target_date,
        set_on=goal.set_on,
        higher_is_better=bool(measures.get(measure_key).higher_is_better),
        mdc=mdc,
        today=on,
    )
    return verdict, f"{TREND_RULE}{population}"


GAS_WEIGHTS = "gas_weights"


def gas_weights_in(conn: Connection) -> tuple[bool, int]:
    """Whether the clinic has signed off importance × difficulty weights (UNVERIFIED in the reference: off by
    default), and the setting's version (0: never set)."""
    return clinic_settings.switch_in(conn, GAS_WEIGHTS)


def gas_weights(db: Database) -> tuple[bool, int]:
    return db.run(gas_weights_in, write=False)


def save_gas_weights(db: Database, actor: Actor, on: bool, *, expected_version: int) -> int:
    """Turn GAS weights on or off for the clinic (administrators), as a new version of the setting."""
    return clinic_settings.save_switch(
        db, actor, name=GAS_WEIGHTS, name_of="goal attainment scaling weights", on=on, expected_version=expected_version
    )
