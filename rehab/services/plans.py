"""Progressive loading plans: the use cases that change one (create, end, override a load, confirm an
increase). Each is load → call the ``LoadingPlan`` aggregate (``rehab.domain.planning``) → save with the
version the clinician saw → audit.

How the two halves of a plan fit together: the phase template sets each week's sets and target reps
(and lighter deload weeks); the load itself starts at week 1's prescription and then moves session by
session with the progression rule, so the reason for every load is the engine's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning import (
    DEFAULT_TEMPLATE,
    Baseline,
    Exercise,
    PhaseTemplate,
)
from rehab.domain.planning.loading_plan import Action as DecisionAction
from rehab.domain.planning.loading_plan import (
    Decision,
    LoadingPlan,
    PlanStatus,
    Suggested,
)
from rehab.domain.planning.new_plan import plan_terms, start_plan
from rehab.domain.planning.progression import Action
from rehab.domain.text import free_text
from rehab.services import audit, commands
from rehab.services.commands import BaselineEntry
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.exercise_library import library_in
from rehab.services.patients import check_access
from rehab.services.plan_context import (
    LoadedItem,
    conflict_message,
    describe_load,
    load_plan,
    plan_for,
    plan_retests,
)
from rehab.services.plan_inputs import baseline_prefix, build_template, preview_baseline
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.plans import DecisionRecord, units

ANY_PLAN = object()  # create_plan without a check of which plan the caller saw


_ACTIONS: tuple[Action, ...] = ("increase", "hold", "decrease")


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
