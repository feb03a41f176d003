"""What each plan item asks for in a given week: the template's sets and reps, the load in force, and why.

Read-only: the prescription shown on the plan and treatment pages, the session's pre-filled sets grid and
the reports. The load comes from the plan's stored decisions; a lighter week lowers it for that week only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from rehab.domain.planning import AHA_ASA_MAX_PERCENT_1RM, PhaseTemplate, deload_week, prescription_for
from rehab.services.plan_context import LoadedItem, PlanContext, describe_load, in_force
from rehab.store import plans as plan_store
from rehab.store.plans import DecisionRecord


@dataclass(frozen=True)
class ItemPrescription:
    """What one plan item asks for in a given week: the template's sets and reps, the engine's load, and why."""

    item_id: int
    label: str
    exercise_name: str
    side: str | None
    uses_bands: bool
    band_colours: tuple[str, ...]
    week: int
    phase_name: str
    sets: int
    target_reps: int
    reps_range: tuple[int, int]
    load_kg: float | None
    band_level: int | None
    load_text: str
    deload: bool
    retest_due: bool
    action: str
    reason: str
    decision_id: int
    pending_confirmation: bool
    proposed_text: str
    clinician_override: bool
    decided_at: str
    decided_by: str
    confirmed_by: str
    percent_of_baseline: float | None
    phase_percent_1rm: tuple[float, float] = (0.0, 0.0)
    phase_load_text: str | None = None  # the template's load for this week, when the load in force is below it

    @property
    def above_baseline_guideline(self) -> bool:
        """Above 80 % of the baseline 1RM (the AHA/ASA bound): the 1RM has grown, so re-test to re-anchor."""
        return self.percent_of_baseline is not None and self.percent_of_baseline > AHA_ASA_MAX_PERCENT_1RM


def prescribe(template: PhaseTemplate, item: LoadedItem, decision: DecisionRecord, week: int) -> ItemPrescription:
    exercise = item.exercise
    p = prescription_for(template, week, item.record.one_rm_kg, exercise, side=item.side)
    load_kg, level = in_force(decision)
    pending = decision.needs_confirmation and decision.confirmed_at is None
    reason = decision.reason
    if pending:
        reason = (
            f"Awaiting a clinician's confirmation: {reason} Until it is confirmed the load stays at "
            f"{describe_load(exercise, load_kg, level)}."
        )
    if p.deload:
        if exercise.uses_bands and level is not None and p.band_level is not None and p.band_level < level:
            level = p.band_level
        if not exercise.uses_bands and load_kg is not None and p.load_kg is not None and p.load_kg < load_kg:
            load_kg = p.load_kg
        reason += " " + deload_week(template, week).changes + f" This week: {describe_load(exercise, load_kg, level)}."
    percent = None
    if not exercise.uses_bands and load_kg is not None:
        percent = load_kg / item.record.one_rm_kg * 100
    # The load follows the patient's performance, so it can lag the phase's %1RM band; say so, so the
    # clinician can override or re-test rather than read the phase label as the dose given.
    lagging = not p.deload and load_kg is not None and p.load_kg is not None and load_kg < p.load_kg
    return ItemPrescription(
        item_id=item.id,
        label=item.label,
        exercise_name=exercise.name,
        side=item.side,
        uses_bands=exercise.uses_bands,
        band_colours=tuple(b.colour for b in exercise.band_levels),
        week=week,
        phase_name=p.phase_name,
        sets=p.sets,
        target_reps=p.target_reps,
        reps_range=p.reps_range,
        load_kg=load_kg,
        band_level=level,
        load_text=describe_load(exercise, load_kg, level),
        deload=p.deload,
        retest_due=p.reassessment_due,
        action="override" if decision.clinician_override else decision.action,
        reason=reason,
        decision_id=decision.id,
        pending_confirmation=pending,
        proposed_text=describe_load(exercise, decision.load_kg, decision.band_level),
        clinician_override=decision.clinician_override,
        decided_at=decision.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        decided_by=decision.created_by_name,
        confirmed_by=decision.confirmed_by_name,
        percent_of_baseline=percent,
        phase_percent_1rm=template.phase_for(week).percent_1rm,
        phase_load_text=describe_load(exercise, p.load_kg, None) if lagging else None,
    )


def prescriptions_in(conn: Connection, ctx: PlanContext, week: int) -> list[ItemPrescription]:
    current = plan_store.current_decisions(conn, ctx.plan.id)
    return [prescribe(ctx.template, item, current[item.id], week) for item in ctx.items if item.id in current]
