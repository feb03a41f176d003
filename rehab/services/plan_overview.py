"""The loading-plan page: phases with their rationale, sessions, schedule and per-exercise progress charts."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from rehab.domain.planning import (
    DEFAULT_TEMPLATE,
    Exercise,
    PhaseTemplate,
    deload_week,
    neural_period,
    phase_bands,
    prescription_for,
)
from rehab.domain.planning.loading_plan import set_estimate_kg
from rehab.domain.planning.progression import SetResult
from rehab.services import audit
from rehab.services.context import Actor, now_utc
from rehab.services.exercise_library import library_in
from rehab.services.patients import check_access
from rehab.services.plan_context import (
    METHOD_TEXT,
    RULE_LABELS,
    LoadedItem,
    PlanContext,
    describe_load,
    load_plan,
    next_session_day,
    week_of,
)
from rehab.services.prescriptions import ItemPrescription, prescriptions_in
from rehab.services.sessions import history_screen
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.patients import PatientRecord
from rehab.store.plans import PlanRecord, ScreenRepeatRecord, SessionRecord, SetRecord

# --- the plan page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    name: str
    weeks: str
    percent_1rm: str
    sets: str
    reps: str
    rationale: str
    sources: str
    evidence: str
    neural: bool


@dataclass(frozen=True)
class ItemChart:
    item_id: int
    label: str
    points: pd.DataFrame
    bands: pd.DataFrame
    uses_bands: bool


@dataclass(frozen=True)
class PlanOverview:
    patient: PatientRecord
    plan: PlanRecord | None
    template: PhaseTemplate
    rule_text: str
    week_now: int | None
    next_day: date | None
    items: pd.DataFrame
    phases: list[PhaseRow]
    rhythm: list[str]
    neural_text: str
    next_session: list[ItemPrescription]
    sessions: pd.DataFrame
    charts: list[ItemChart]
    schedule: pd.DataFrame
    exercises: dict[str, Exercise]
    past_plans: list[PlanRecord]


def phase_rows(template: PhaseTemplate) -> list[PhaseRow]:
    rows = []
    for p in template.phases:
        rows.append(
            PhaseRow(
                name=p.name,
                weeks=p.weeks_label(),
                percent_1rm=f"{p.percent_1rm[0]:g}–{p.percent_1rm[1]:g} %",
                sets=f"{p.sets[0]}–{p.sets[1]}" if p.sets[0] != p.sets[1] else str(p.sets[0]),
                reps=f"{p.reps_start[0]}–{p.reps_start[1]} → {p.reps_end[0]}–{p.reps_end[1]}"
                if p.reps_start != p.reps_end
                else f"{p.reps_start[0]}–{p.reps_start[1]}",
                rationale=p.rationale,
                sources="; ".join(p.sources),
                evidence=p.evidence.label,
                neural=p.neural,
            )
        )
    return rows


def rhythm_lines(template: PhaseTemplate) -> list[str]:
    low, high = template.sessions_per_week
    lines = [f"{low}–{high} sessions a week (AHA/ASA, Billinger 2014: 2–3 days a week)."]
    if template.deload_every_weeks:
        lines.append(
            f"Every {template.deload_every_weeks}th week is lighter: one set fewer at the phase's lowest %1RM "
            "(coaching practice in strength sport, Bell 2022/2024; not rehab evidence)."
        )
    else:
        lines.append("No lighter (deload) weeks.")
    lines.append(
        f"Re-test the core measures and the repetition maximum every {template.reassessment_every_weeks} weeks "
        "(clinical reference §7.5)."
    )
    if template.above_guideline_reason:
        lines.append(f"Above 80 % 1RM by the clinician's decision: {template.above_guideline_reason}")
    return lines


def bands_frame(template: PhaseTemplate, start: date, up_to_week: int) -> pd.DataFrame:
    rows = [
        {
            "start": start + timedelta(days=7 * (b.first_week - 1)),
            "end": start + timedelta(days=7 * b.last_week),
            "label": b.name,
            "kind": "phase",
        }
        for b in phase_bands(template, up_to_week)
    ]
    neural = neural_period(template)
    if neural is not None and neural.first_week <= up_to_week:
        rows.append(
            {
                "start": start + timedelta(days=7 * (neural.first_week - 1)),
                "end": start + timedelta(days=7 * min(neural.last_week, up_to_week)),
                "label": f"{neural.name} (weeks {neural.first_week}–{neural.last_week})",
                "kind": "neural",
            }
        )
    return pd.DataFrame(rows, columns=["start", "end", "label", "kind"])


@functools.lru_cache(maxsize=4096)
def _estimate(load_kg: float, reps: int, rpe: float) -> float | None:
    """Loads and reps repeat from session to session, so a long plan's history estimates each set once."""
    return set_estimate_kg(SetResult(load_kg, reps, rpe))


def _best_estimate(exercise: Exercise, sets: Sequence[SetRecord]) -> tuple[float, str] | None:
    """The highest estimated 1RM from the session's sets that support one (near failure, 10 reps or fewer).

    A set stopped well short of failure says only that the patient could lift the load, so its Epley
    estimate would rise with the plan's %1RM rather than with the patient (``supports_estimate``).
    """
    if exercise.uses_bands:
        return None
    best: tuple[float, str] | None = None
    for load, reps, rpe in {(s.load_kg, s.reps, s.effort) for s in sets}:
        if load is None or reps is None or rpe is None:
            continue
        value = _estimate(load, reps, rpe)
        if value is not None and (best is None or value > best[0]):
            best = (value, f"Epley from {load:g} kg × {reps} at effort {rpe:g}/10 (near failure)")
    return best


def _baseline_point(ctx: PlanContext, item: LoadedItem) -> list[dict[str, Any]]:
    if item.exercise.uses_bands:
        return []
    basis = f"baseline: {item.record.method_detail}"
    return [{"date": ctx.plan.start_date, "series": "Estimated 1RM", "value_kg": round(item.record.one_rm_kg, 1),
             "recorded_by": ctx.plan.created_by_name, "basis": basis}]  # fmt: skip


CHART_COLUMNS = ["date", "series", "value_kg", "recorded_by", "basis"]


def chart_points(
    ctx: PlanContext, sessions: Sequence[SessionRecord], sets: Sequence[SetRecord]
) -> dict[int, pd.DataFrame]:
    """Per item: prescribed and performed load (heaviest set) and estimated 1RM, one row per session and series,
    with who recorded the session (the load charts' tooltips name them, as assessment charts name the assessor)."""
    by_key: dict[tuple[int, int], list[SetRecord]] = {}
    for s in sets:
        by_key.setdefault((s.session_id, s.plan_item_id), []).append(s)
    # The baseline 1RM anchors each estimate line at the plan's start, so a flat line reads as no change.
    out: dict[int, list[dict[str, Any]]] = {item.id: [] for item in ctx.items}
    # per item, how a set's load reads in kg: a band's nominal resistance, else the load itself
    nominal = {
        item.id: [b.nominal_kg for b in item.exercise.band_levels] if item.exercise.uses_bands else None
        for item in ctx.items
    }
    lighter_weeks: dict[int, bool] = {}
    for session in sessions:
        if session.status != "completed":
            continue
        week = week_of(ctx.plan.start_date, session.session_date)
        if week not in lighter_weeks:
            lighter_weeks[week] = deload_week(ctx.template, week).is_deload
        for item in ctx.items:
            logged = by_key.get((session.id, item.id))
            if not logged:
                continue
            bands = nominal[item.id]
            if bands is None:
                prescribed = [s.prescribed_load_kg for s in logged if s.prescribed_load_kg is not None]
                done = [s.load_kg for s in logged if s.reps is not None and s.load_kg is not None]
            else:
                levels = [s.prescribed_band_level for s in logged if s.prescribed_band_level is not None]
                prescribed = [bands[level] for level in levels]
                done = [bands[s.band_level] for s in logged if s.reps is not None and s.band_level is not None]
            rows = out[item.id]
            who = session.updated_by_name
            if prescribed:
                rows.append({"date": session.session_date, "series": "Prescribed load", "value_kg": max(prescribed),
                             "recorded_by": who, "basis": "the plan's load for the session"})  # fmt: skip
            if done:
                rows.append({"date": session.session_date, "series": "Performed load", "value_kg": max(done),
                             "recorded_by": who, "basis": "heaviest set lifted"})  # fmt: skip
            # A lighter week's sets stop well short of failure, so their estimate would dip for no reason.
            best = None if lighter_weeks[week] else _best_estimate(item.exercise, logged)
            if best is not None:
                rows.append({"date": session.session_date, "series": "Estimated 1RM", "value_kg": round(best[0], 1),
                             "recorded_by": who, "basis": best[1]})  # fmt: skip
    for item in ctx.items:
        if out[item.id]:  # once something is logged, the baseline anchors the estimate line
            out[item.id][:0] = _baseline_point(ctx, item)
    return {k: pd.DataFrame(v, columns=CHART_COLUMNS) for k, v in out.items()}


def _sessions_frame(
    sessions: Sequence[SessionRecord], sets: Sequence[SetRecord], repeats: Mapping[int, ScreenRepeatRecord]
) -> pd.DataFrame:
    counts: dict[int, int] = {}
    for s in sets:
        if s.reps is not None:
            counts[s.session_id] = counts.get(s.session_id, 0) + 1
    status_text = {"completed": "Performed", "not_performed": "Not performed", "in_progress": "In progress"}
    rows = []
    for x in reversed(sessions):
        screen, readings = history_screen(x, repeats.get(x.id))  # both screens when repeated after rest
        rows.append(
            {
                "Date": x.session_date,
                "Week": x.week,
                "Screen": screen,
                "Readings": readings,
                "Status": status_text.get(x.status, x.status),
                "Sets done": counts.get(x.id, 0),
                "Reason not performed": x.not_performed_reason,
                "Recorded by": x.updated_by_name,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["Date", "Week", "Screen", "Readings", "Status", "Sets done", "Reason not performed", "Recorded by"],
    )


def _items_frame(ctx: PlanContext) -> pd.DataFrame:
    """The baselines, narrow enough to stand as a table beside the sidebar on a tablet (1,024 px): the side is in
    the exercise's label, and "Low accuracy" is a column only when a baseline is of low accuracy."""
    low = any(item.record.low_accuracy for item in ctx.items)
    rows = [
        {
            "Exercise": item.label,
            "1RM (kg)": round(item.record.one_rm_kg, 1),
            "How measured": item.record.method_detail
            or METHOD_TEXT.get(item.record.one_rm_method, item.record.one_rm_method),
            **({"Low accuracy": "yes (11–12 reps)" if item.record.low_accuracy else ""} if low else {}),
            "Equipment": item.exercise.equipment.value.replace("_", " "),
            "Step": "one band" if item.exercise.uses_bands else f"{item.exercise.load_step_kg:g} kg",
        }
        for item in ctx.items
    ]
    return pd.DataFrame(rows)


def _schedule(ctx: PlanContext, weeks: int) -> pd.DataFrame:
    rows = []
    for week in range(1, weeks + 1):
        for item in ctx.items:
            p = prescription_for(ctx.template, week, item.record.one_rm_kg, item.exercise, side=item.side)
            rows.append(
                {
                    "Week": week,
                    "Phase": p.phase_name + (" (lighter week)" if p.deload else ""),
                    "Exercise": item.label,
                    "Sets × reps": f"{p.sets} × {p.reps_range[0]}–{p.reps_range[1]}",
                    "%1RM": round(p.percent_1rm, 1),
                    "Template load": describe_load(item.exercise, p.load_kg, p.band_level),
                    "Re-test": "due" if p.reassessment_due else "",
                }
            )
    return pd.DataFrame(rows)


def overview(
    db: Database, actor: Actor, patient_id: int, *, today: date | None = None, audit_view: bool = True
) -> PlanOverview:
    """Everything the plan page shows for a patient, read in one transaction; opening it is audited."""
    day = today or now_utc().date()

    def work(conn: Connection) -> PlanOverview:
        patient = check_access(conn, actor, patient_id)
        plan = plan_store.active_plan(conn, patient_id)
        exercises = library_in(conn)
        past = [p for p in plan_store.patient_plans(conn, patient_id) if p.status != "active"]
        if audit_view:
            audit.record(conn, actor, "view", "plan", plan.id if plan else None, patient_id=patient_id)
        if plan is None:
            return PlanOverview(
                patient, None, DEFAULT_TEMPLATE, "", None, None, pd.DataFrame(), phase_rows(DEFAULT_TEMPLATE),
                rhythm_lines(DEFAULT_TEMPLATE), _neural_text(DEFAULT_TEMPLATE), [], pd.DataFrame(), [],
                pd.DataFrame(), exercises, past,
            )  # fmt: skip
        ctx = load_plan(conn, plan)
        sessions = plan_store.plan_sessions(conn, plan.id)
        sets = plan_store.plan_sets(conn, plan.id)
        nxt = next_session_day(day, sessions)
        week_now = week_of(plan.start_date, max(day, plan.start_date))
        next_week = week_of(plan.start_date, max(nxt, plan.start_date))
        last_week = max([next_week, *(s.week for s in sessions)])
        points = chart_points(ctx, sessions, sets)
        bands = bands_frame(ctx.template, plan.start_date, last_week)
        charts = [ItemChart(i.id, i.label, points[i.id], bands, i.exercise.uses_bands) for i in ctx.items]
        return PlanOverview(
            patient=patient,
            plan=plan,
            template=ctx.template,
            rule_text=RULE_LABELS.get(plan.rule, plan.rule),
            week_now=week_now,
            next_day=nxt,
            items=_items_frame(ctx),
            phases=phase_rows(ctx.template),
            rhythm=rhythm_lines(ctx.template),
            neural_text=_neural_text(ctx.template),
            next_session=prescriptions_in(conn, ctx, next_week),
            sessions=_sessions_frame(sessions, sets, plan_store.session_repeats(conn, [x.id for x in sessions])),
            charts=charts,
            schedule=_schedule(ctx, max(12, last_week + 4)),
            exercises=exercises,
            past_plans=past,
        )

    return db.run(work, write=audit_view)


def _neural_text(template: PhaseTemplate) -> str:
    band = neural_period(template)
    if band is None:
        return ""
    return f"Weeks {band.first_week}–{band.last_week}: {band.clinician_text}"
