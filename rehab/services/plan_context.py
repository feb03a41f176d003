"""A stored plan read for a page or a use case: its items with their exercises, the clinic's pause, the
re-tests recorded since it started, and the words the pages use for rules, sides and baselines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from rehab.domain.planning import (
    Exercise,
    OneRmMethod,
    PhaseTemplate,
    Side,
)
from rehab.domain.planning.loading_plan import (
    DEFAULT_PAUSE_DAYS,
    OneRm,
)
from rehab.domain.planning.record_baseline import retests
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor, NotFound
from rehab.services.exercise_library import library_in
from rehab.services.patients import check_access
from rehab.services.record_baselines import recorded_one_rm
from rehab.store import assessments as assessment_store
from rehab.store import patients as patient_store
from rehab.store import plans as plan_store
from rehab.store.patients import PatientRecord
from rehab.store.plan_json import exercise_from_json, template_from_json
from rehab.store.plans import DecisionRecord, ItemRecord, PlanRecord, SessionRecord

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


def week_of(start: date, day: date) -> int:
    """Plan week of a date: days 0–6 after the start are week 1."""
    return max(1, (day - start).days // 7 + 1)


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
