"""Progressive loading plans: building a plan, replaying its sessions, overrides and confirmations.

The clinical decisions come from ``rehab.domain.planning`` (template, prescriptions, the ``ItemProgression``
aggregate and ``plan_record.replay``, which rebuilds it from the record) and ``rehab.domain.strength``
(1RM estimates). This module maps the stored rows to those domain types, stores the decisions and says why.

How the two halves of the plan fit together: the phase template sets each week's sets and target reps
(and lighter deload weeks); the load itself starts at week 1's prescription and then moves session by
session with the progression rule, so the reason for every load is the engine's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning import (
    DEFAULT_TEMPLATE,
    Baseline,
    Exercise,
    OneRmMethod,
    PhaseTemplate,
    PlanItem,
    Side,
)
from rehab.domain.planning.loading_plan import (
    DEFAULT_PAUSE_DAYS,
    Decision,
    ItemProgression,
    LoadingPlan,
    OneRm,
    PlanStatus,
    Rule,
    Suggested,
)
from rehab.domain.planning.loading_plan import Action as DecisionAction
from rehab.domain.planning.new_plan import first_load, plan_terms, start_plan
from rehab.domain.planning.plan_record import LoggedSet, SessionFacts, new_item, workout
from rehab.domain.planning.progression import Action
from rehab.domain.planning.record_baseline import retests
from rehab.domain.text import free_text
from rehab.services import audit, commands
from rehab.services import settings as clinic_settings
from rehab.services.commands import BaselineEntry
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.exercise_library import library_in
from rehab.services.patients import check_access
from rehab.services.plan_inputs import baseline_prefix, build_template, preview_baseline
from rehab.services.record_baselines import recorded_one_rm
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import patients as patient_store
from rehab.store import plans as plan_store
from rehab.store.patients import PatientRecord
from rehab.store.plan_json import exercise_from_json, template_from_json
from rehab.store.plans import DecisionRecord, ItemRecord, PlanRecord, SessionRecord, units

RULE_LABELS: dict[str, str] = {
    "two_for_two": "2-for-2 rule (NSCA): increase after two sessions with 2 or more reps over target",
    "rpe": "Effort rule (reps in reserve): increase when target reps feel easy (effort 7/10 or less)",
    "dapre": "DAPRE (Knight): the final set's reps set the next load",
}
RULE_NAMES: dict[str, str] = {
    "two_for_two": "2-for-2 rule (NSCA)",
    "rpe": "Effort rule (reps in reserve)",
    "dapre": "DAPRE (Knight)",
}
SIDE_TEXT: dict[str | None, str] = {"paretic": "Paretic side", "non_paretic": "Non-paretic side", None: "Both sides"}
METHOD_TEXT: dict[str, str] = {
    OneRmMethod.TESTED.value: "Tested 1RM",
    OneRmMethod.ESTIMATED.value: "Estimated from a submaximal set",
}
ANY_PLAN = object()  # create_plan without a check of which plan the caller saw


# --- the engine, replayed over a plan's sessions --------------------------------------------------------


_ACTIONS: tuple[Action, ...] = ("increase", "hold", "decrease")


@dataclass(frozen=True)
class LoadedItem:
    """A plan item with its exercise rebuilt from the stored snapshot."""

    record: ItemRecord
    exercise: Exercise

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def side(self) -> str | None:
        return self.record.side

    @property
    def label(self) -> str:
        side = SIDE_TEXT.get(self.side, "")
        return self.exercise.name if self.side is None else f"{self.exercise.name} ({side.lower()})"


def describe_load(exercise: Exercise, load_kg: float | None, band_level: int | None) -> str:
    """'17.5 kg', 'no added load', 'red band (about 1.7 kg)'."""
    if exercise.uses_bands:
        if band_level is None or not 0 <= band_level < len(exercise.band_levels):
            return "no band"
        band = exercise.band_levels[band_level]
        return f"{band.colour} band (about {band.nominal_kg:g} kg)"
    if load_kg is None:
        return "—"
    return "no added load" if load_kg == 0 else f"{load_kg:g} kg"


def in_force(decision: DecisionRecord) -> tuple[float | None, int | None]:
    """The load to use now: an increase awaiting confirmation is not used until a clinician confirms it."""
    return decision.in_force()


def item_progression(
    item: LoadedItem,
    rule: str,
    template: PhaseTemplate = DEFAULT_TEMPLATE,
    retests: Sequence[OneRm] = (),
    pause_days: int = DEFAULT_PAUSE_DAYS,
) -> ItemProgression:
    """A plan item's progression before any stored decision (``plan_record.new_item``)."""
    record = item.record
    return new_item(
        item.exercise,
        rule,
        baseline_kg=record.one_rm_kg,
        method=record.one_rm_method,
        template=template,
        retests=retests,
        pause_days=pause_days,
    )


def decision_row(item: LoadedItem, decision: Decision, kg: float | None, level: int | None) -> dict[str, Any]:
    """The aggregate's decision as a ``load_decisions`` row (no ids), after a load in force of ``kg``/``level``."""
    values = plan_store.decision_values(decision, uses_bands=item.exercise.uses_bands)
    return dict(values, previous_load_kg=kg, previous_band_level=level)


def decide(
    item: LoadedItem,
    progression: ItemProgression,
    facts: SessionFacts,
    sets: Sequence[LoggedSet],
    *,
    current_kg: float | None,
    current_level: int | None,
) -> dict[str, Any]:
    """Log a session on an item's progression, at the load in force now; its decision as a row."""
    progression.stored(units(item.exercise.uses_bands, current_kg, current_level))
    decision = progression.log(workout(item.exercise, facts, sets))
    return decision_row(item, decision, current_kg, current_level)


def week_of(start: date, day: date) -> int:
    """Plan week of a date: days 0–6 after the start are week 1."""
    return max(1, (day - start).days // 7 + 1)


def initial_decision(template: PhaseTemplate, item: LoadedItem, rule: str) -> dict[str, Any]:
    """A stored item's first load (``new_plan.first_load``) as a ``load_decisions`` row (no ids)."""
    record = item.record
    side = Side(record.side) if record.side else None
    baseline = Baseline(record.exercise_key, record.one_rm_kg, OneRmMethod(record.one_rm_method), side)
    decision = first_load(template, PlanItem(item.exercise, baseline), Rule(rule))
    return plan_store.first_load_values(decision, uses_bands=item.exercise.uses_bands)


# --- loading a plan -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanContext:
    plan: PlanRecord
    template: PhaseTemplate
    items: list[LoadedItem]
    pause_days: int = DEFAULT_PAUSE_DAYS

    def item(self, item_id: int) -> LoadedItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound("That exercise is not part of this plan.")


def load_plan(conn: Connection, plan: PlanRecord) -> PlanContext:
    loaded = [LoadedItem(r, exercise_from_json(r.exercise)) for r in plan_store.items(conn, plan.id)]
    pause = clinic_settings.progression_in(conn).pause_days  # the clinic's setting, read in this transaction
    return PlanContext(plan, template_from_json(plan.template), loaded, pause)


def plan_for(conn: Connection, actor: Actor, plan_id: int) -> tuple[PlanRecord, PatientRecord]:
    plan = plan_store.get_plan(conn, plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    return plan, check_access(conn, actor, plan.patient_id)


def conflict_message(plan: PlanRecord | None) -> str:
    if plan is None:
        return "This plan no longer exists."
    when = plan.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{plan.updated_by_name} changed this plan at {when} after you opened it. "
        "Nothing was saved; the page now shows the latest loads, so check them and try again."
    )


def next_session_day(today: date, sessions: Sequence[SessionRecord]) -> date:
    """The earliest day the next session can be: today, or the day after the last recorded session."""
    if not sessions:
        return today
    return max(today, max(s.session_date for s in sessions) + timedelta(days=1))


# --- creating and ending plans ---------------------------------------------------------------------------


def create_plan(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    baselines: Sequence[BaselineEntry],
    template: Mapping[str, Any] | PhaseTemplate | None = None,
    rule: str = "two_for_two",
    start_date: date | None = None,
    notes: str = "",
    replaces_plan_id: int | object | None = ANY_PLAN,
) -> int:
    """Create a patient's plan from per-exercise baselines; an active plan is ended (kept) first.

    Each baseline is a typed command (``commands.BaselineEntry``, parsed from the builder's widgets by
    ``commands.baseline_entries``): a tested 1RM, or a set's load and reps. A page passes
    ``replaces_plan_id`` (the active plan it showed, or None), so a plan someone else created meanwhile
    is never ended unseen.
    """
    today = now_utc().date()

    def work(conn: Connection) -> int:
        patient = check_access(conn, actor, patient_id)
        exercises = library_in(conn)
        errors: list[ValidationError] = []
        if patient.status != "active":
            errors.append(ValidationError("plan", "This patient's record is archived; restore it first."))
        terms = None
        try:
            start = today if start_date is None else start_date
            terms = plan_terms(rule=rule, start_date=start, notes=notes, today=today)
        except ValidationErrors as exc:
            errors.extend(exc.errors)
        chosen = _template(template, errors)
        if not baselines:
            errors.append(ValidationError("baselines", "Choose at least one exercise and enter its baseline."))
        found = _baselines(baselines, exercises, errors)
        if errors or terms is None:
            raise ValidationErrors(errors)
        new = start_plan(found, exercises=exercises, template=chosen, terms=terms)
        now = now_utc()
        replaced = _end_replaced(conn, actor, patient_id, replaces_plan_id, now=now)
        plan_id = plan_store.add(conn, patient_id, new, user_id=actor.user_id, now=now)
        detail = f"{len(new.items)} exercise(s), rule {new.rule.value}, start {new.start_date.isoformat()}"
        if replaced is not None:
            detail += f"; ends plan {replaced}"
        audit.record(conn, actor, "create", "plan", plan_id, patient_id=patient_id, detail=detail, at=now)
        return plan_id

    return db.run(work)


def _template(given: Mapping[str, Any] | PhaseTemplate | None, errors: list[ValidationError]) -> PhaseTemplate:
    """The builder's template (the default with the clinician's edits); its errors added to ``errors``."""
    try:
        return given if isinstance(given, PhaseTemplate) else build_template(given)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
        return DEFAULT_TEMPLATE


def _baselines(
    entries: Sequence[BaselineEntry], exercises: Mapping[str, Exercise], errors: list[ValidationError]
) -> list[Baseline]:
    """Each entry's 1RM (tested, or estimated from its set) as the plan's baseline; errors name its fields."""
    found: list[Baseline] = []
    for entry in entries:
        if not isinstance(entry, BaselineEntry):
            errors.append(ValidationError("baselines", "Each baseline must come from the plan builder's form."))
            continue
        if entry.exercise_key not in exercises:
            errors.append(ValidationError("baselines", f"Unknown exercise '{entry.exercise_key}'."))
            continue
        try:
            preview = preview_baseline(
                entry.method,
                one_rm_kg=entry.one_rm_kg,
                load_kg=entry.load_kg,
                reps=entry.reps,
                prefix=baseline_prefix(entry.exercise_key, entry.side),
            )
        except ValidationErrors as exc:
            errors.extend(exc.errors)
            continue
        found.append(preview.baseline(entry.exercise_key, entry.side))
    return found


def _end_replaced(
    conn: Connection, actor: Actor, patient_id: int, seen: int | object | None, *, now: datetime
) -> int | None:
    """End the patient's active plan (its aggregate, saved as a new version); refused if it is not the one
    the page showed. Returns the ended plan's id."""
    active = plan_store.active_plan(conn, patient_id)
    if seen is not ANY_PLAN and (active.id if active else None) != seen:
        raise ConflictError(
            "The active plan changed after you opened this page"
            + (f": {active.created_by_name} created plan {active.id}." if active else ".")
            + " Nothing was saved; the page now shows the current plan."
        )
    if active is None:
        return None
    plan = plan_store.get(conn, active.id)
    assert plan is not None
    plan.end()
    if not plan_store.save(conn, active.id, plan, expected_version=active.version, user_id=actor.user_id, now=now):
        raise ConflictError(conflict_message(plan_store.get_plan(conn, active.id)))
    return active.id


def end_plan(db: Database, actor: Actor, plan_id: int, *, expected_version: int) -> None:
    """End a plan (it stays readable); refused if someone changed it since it was opened."""

    def work(conn: Connection) -> None:
        record, patient = plan_for(conn, actor, plan_id)
        plan = plan_store.get(conn, plan_id)
        now = now_utc()
        if plan is None or plan.status is not PlanStatus.ACTIVE:
            raise ConflictError(conflict_message(record))
        plan.end()
        if not plan_store.save(conn, plan_id, plan, expected_version=expected_version, user_id=actor.user_id, now=now):
            raise ConflictError(conflict_message(plan_store.get_plan(conn, plan_id)))
        audit.record(conn, actor, "update", "plan", plan_id, patient_id=patient.id, detail="ended", at=now)

    db.run(work)


# --- overrides and confirmations ------------------------------------------------------------------------


def override_load(
    db: Database,
    actor: Actor,
    plan_id: int,
    item_id: int,
    *,
    expected_version: int,
    reason: str,
    load_kg: float | str | None = None,
    band_level: int | None = None,
) -> int:
    """A clinician's own next load (kg, or band level for band exercises) with a reason; the engine then
    continues from it. Stored as a new decision that points at the one it replaces. Returns the plan version.

    The load may come as typed text; it is read once (``commands.LoadOverride``) and refused at its field,
    with what is allowed, if it is not a number of kg from 0 to 1000.
    """
    command = commands.parse(
        commands.LoadOverride, {"override_load": load_kg, "band_level": band_level, "override_reason": reason}
    )

    def work(conn: Connection) -> int:
        record, patient = plan_for(conn, actor, plan_id)
        if record.status != "active":
            raise ValidationErrors([ValidationError("override", "This plan has ended; loads can no longer change.")])
        ctx = load_plan(conn, record)
        item = ctx.item(item_id)
        current = plan_store.current_decisions(conn, plan_id).get(item_id)
        if current is None:
            raise NotFound("No load has been set for this exercise yet.")
        if record.version != expected_version:
            raise ConflictError(conflict_message(record))
        why = _typed(command.override_reason, "override_reason")
        if not why:
            raise ValidationErrors([ValidationError("override_reason", "Give a reason for the override.")])
        plan = plan_store.get(conn, plan_id, pause_days=ctx.pause_days, retests=plan_retests(conn, ctx))
        assert plan is not None
        decided = _override(plan, item, current, command, why)
        now = now_utc()
        if not plan_store.save(conn, plan_id, plan, expected_version=expected_version, user_id=actor.user_id, now=now):
            raise ConflictError(conflict_message(plan_store.get_plan(conn, plan_id)))
        bands = item.exercise.uses_bands
        was = describe_load(item.exercise, current.load_kg, current.band_level)
        to = describe_load(item.exercise, None if bands else decided.load, int(decided.load) if bands else None)
        audit.record(
            conn,
            actor,
            "update",
            "plan_load",
            item_id,
            patient_id=patient.id,
            detail=f"override {item.label}: {was} → {to}; reason: {why}",
            at=now,
        )
        return expected_version + 1

    return db.run(work)


def _override(
    plan: LoadingPlan, item: LoadedItem, current: DecisionRecord, command: commands.LoadOverride, why: str
) -> Decision:
    """The aggregate takes the clinician's load in place of the current suggestion; errors name the fields."""
    exercise = item.exercise
    if exercise.uses_bands:
        level = command.band_level
        if level is None or not 0 <= level < len(exercise.band_levels):
            raise ValidationErrors([ValidationError("override_load", "Choose one of the bands.")])
        load: float = level
    elif command.override_load is None:
        raise ValidationErrors([ValidationError("override_load", "Enter the load in kg.")])
    else:
        load = command.override_load
    try:
        return plan.override(
            item.id, load, why, suggested=_replaced(item, current), session=current.session_id, supersedes=current.id
        )
    except ValidationError as exc:
        field = "override_load" if exc.field == "override_kg" else "override_reason"
        label = "Load" if field == "override_load" else "Reason"
        raise ValidationErrors([ValidationError(field, f"{label} {exc.message}.")]) from None


def _replaced(item: LoadedItem, current: DecisionRecord) -> Suggested:
    """The current decision as the override replaces it: its load, the load before it, and what it said."""
    bands = item.exercise.uses_bands
    before_kg, before_level = (
        (current.previous_load_kg, current.previous_band_level)
        if current.previous_load_kg is not None or current.previous_band_level is not None
        else (current.load_kg, current.band_level)
    )
    load = units(bands, current.load_kg, current.band_level)
    previous = load if bands and before_level is None else units(bands, before_kg, before_level)
    action = current.action if bands or current.action in _ACTIONS else "hold"
    return Suggested(load, previous, action, current.reason, tuple(json.loads(current.sources or "[]")))


def current_progression(conn: Connection, ctx: PlanContext, item: LoadedItem) -> ItemProgression:
    """The item's progression after every session the plan has recorded (the store's aggregate)."""
    plan = plan_store.get(conn, ctx.plan.id, pause_days=ctx.pause_days, retests=plan_retests(conn, ctx))
    if plan is None:
        raise NotFound("No such plan.")
    return plan.items[item.id]


def plan_retests(conn: Connection, ctx: PlanContext) -> dict[int, list[OneRm]]:
    """Per plan item, the 1RMs recorded on the assessment page since the plan started, oldest first."""
    patient = patient_store.get(conn, ctx.plan.patient_id)
    if patient is None:
        return {}
    rows = assessment_store.for_patient(conn, patient.id, measure_keys=["one_rm"], statuses=("final",))
    found = retests(
        [recorded_one_rm(r) for r in rows],
        library_in(conn),
        paretic_side=patient.paretic_side,
        since=ctx.plan.start_date,
    )
    out: dict[int, list[OneRm]] = {}
    for item in ctx.items:
        for r in found.get((item.record.exercise_key, Side(item.side) if item.side else None), []):
            how = f"{r.method} 1RM recorded on the assessment page by {r.assessor_name}"
            out.setdefault(item.id, []).append(OneRm(r.one_rm_kg, r.taken_on, how))
    return out


def _typed(raw: object, field: str) -> str:
    try:
        return free_text(raw, field)
    except ValidationError as exc:
        raise ValidationErrors([exc]) from None


def confirm_increase(db: Database, actor: Actor, plan_id: int, decision_id: int, *, expected_version: int) -> int:
    """A clinician confirms an increase above 10 %; it is used from the next session. Returns the plan version."""

    def work(conn: Connection) -> int:
        record, patient = plan_for(conn, actor, plan_id)
        if record.version != expected_version:
            raise ConflictError(conflict_message(record))
        current = {d.id: d for d in plan_store.current_decisions(conn, plan_id).values()}
        decision = current.get(decision_id)
        if decision is None or not decision.needs_confirmation:
            raise ConflictError("This suggestion is no longer the current one; the page now shows the latest loads.")
        if decision.confirmed_at is not None:
            raise ConflictError(f"{decision.confirmed_by_name} already confirmed this increase.")
        ctx = load_plan(conn, record)
        plan = plan_store.get(conn, plan_id, pause_days=ctx.pause_days, retests=plan_retests(conn, ctx))
        assert plan is not None
        item = ctx.item(decision.plan_item_id)
        plan.confirm(item.id, _suggested(item, decision), decision_id=decision.id)
        now = now_utc()
        if not plan_store.save(conn, plan_id, plan, expected_version=expected_version, user_id=actor.user_id, now=now):
            raise ConflictError(conflict_message(plan_store.get_plan(conn, plan_id)))
        was = describe_load(item.exercise, decision.previous_load_kg, decision.previous_band_level)
        to = describe_load(item.exercise, decision.load_kg, decision.band_level)
        audit.record(
            conn,
            actor,
            "update",
            "plan_load",
            decision.plan_item_id,
            patient_id=patient.id,
            detail=f"confirmed increase {item.label}: {was} → {to}",
            at=now,
        )
        return expected_version + 1

    return db.run(work)


def _suggested(item: LoadedItem, decision: DecisionRecord) -> Decision:
    """A stored increase awaiting confirmation, as the aggregate's decision."""
    bands = item.exercise.uses_bands
    return Decision(
        action=DecisionAction(decision.action),
        load=units(bands, decision.load_kg, decision.band_level),
        previous=units(bands, decision.previous_load_kg, decision.previous_band_level),
        rule=decision.rule,
        reason=decision.reason,
        needs_confirmation=True,
    )
