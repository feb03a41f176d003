"""Session summaries, progress reports and data exports (PDF, CSV, FHIR R4), each audited with a content hash.

Reading happens in one read transaction; the document is rendered outside any transaction (a PDF with
charts takes a moment and must not hold a write lock); then one audit entry records who exported what,
with the SHA-256 of the exact bytes handed out, so a copy found later can be matched to its export.
"""

from __future__ import annotations

import hashlib
import json
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection

from rehab import report_charts, workers
from rehab.domain import measures
from rehab.domain.assessment import clean_note
from rehab.domain.context import judge_change, patient_context
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.measures.neuro import subtotals
from rehab.domain.patients import CONDITION_LABELS, SEX_LABELS, SIDE_LABELS, Condition, Sex, Side
from rehab.domain.planning import BandLevel, Exercise, phase_bands
from rehab.domain.units import fmt
from rehab.exports import csv_out, fhir, render
from rehab.exports import summary as model
from rehab.services import audit, export_clinical, falls, prognosis, report_parts
from rehab.services import settings as clinic_settings
from rehab.services.assessments import VISIBLE, interpret_record, side_label
from rehab.services.context import AccessDenied, Actor, NotFound, now_utc
from rehab.services.dashboard import _measure_panels as dashboard_panels
from rehab.services.patients import check_access
from rehab.services.plan_context import (
    RULE_LABELS,
    PlanContext,
    describe_load,
    load_plan,
    week_of,
)
from rehab.services.plan_overview import bands_frame, chart_points
from rehab.services.prescriptions import prescribe, prescriptions_in
from rehab.services.sessions import screen_readings, stored_screen_lines
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import exports as export_store
from rehab.store import plans as plan_store
from rehab.store import users as user_store
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord
from rehab.store.plans import ScreenRepeatRecord, SessionRecord, SetRecord

Kind = Literal[
    "pdf",
    "pdf-patient",
    "progress-pdf",
    "csv",
    "csv-sessions",
    "csv-falls",
    "csv-goals",
    "fhir",
    "fhir-transaction",
    "fhir-document",
]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)
FHIR_KINDS = frozenset({"fhir", "fhir-transaction", "fhir-document"})
KIND_TEXT: dict[str, str] = {
    "pdf": "session summary PDF (clinical)",
    "pdf-patient": "session summary PDF (patient version)",
    "progress-pdf": "progress report PDF",
    "csv": "assessments CSV",
    "csv-sessions": "session logs CSV",
    "csv-falls": "falls CSV",
    "csv-goals": "goals CSV",
    "fhir": "FHIR R4 bundle",
    "fhir-transaction": "FHIR R4 transaction bundle",
    "fhir-document": "FHIR R4 session document",
}
MAX_CHARTS = 8
NOTE_MAX = 2000
ASSESSMENT_COLUMNS = (
    "mrn", "measure", "taken_at", "side", "site", "value", "unit", "items", "note", "patient", "recorded_by",
    "confirmed_outside_plausible_range", "total", "subscales",
)  # fmt: skip
SESSION_COLUMNS = (
    "mrn", "session_date", "plan_week", "status", "screen", "exercise", "set", "prescribed_load_kg",
    "prescribed_band", "target_reps", "load_kg", "band", "reps", "effort", "pain_during", "pain_after",
    "not_performed_reason", "recorded_by",
)  # fmt: skip


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mime: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class SessionChoice:
    id: int
    session_date: date
    status: str
    label: str


@dataclass(frozen=True)
class ExportOptions:
    patient: PatientRecord
    sessions: list[SessionChoice]
    first_day: date | None
    last_day: date | None


# --- small wording helpers ------------------------------------------------------------------------------------


_E = TypeVar("_E", bound=StrEnum)


def _label(labels: Mapping[_E, str], enum: type[_E], value: str) -> str:
    try:
        return str(labels[enum(value)])
    except ValueError:
        return value


def patient_line(p: PatientRecord) -> model.PatientLine:
    return model.PatientLine(
        mrn=p.mrn,
        name=f"{p.given_name} {p.family_name}",
        given_name=p.given_name,
        family_name=p.family_name,
        birth_date=p.birth_date,
        sex=_label(SEX_LABELS, Sex, p.sex),
        condition=_label(CONDITION_LABELS, Condition, p.condition),
        paretic_side=_label(SIDE_LABELS, Side, p.paretic_side),
        event_date=p.event_date,
    )


def value_text(record: AssessmentRecord) -> str:
    measure = measures.get(record.measure_key)
    if record.value_text:
        return f"grade {record.value_text}"
    return f"{fmt(record.value)} {measure.unit_label}"


def _change_line(
    change: measures.Change | None, unit_label: str, grades: tuple[str | None, str | None] = (None, None)
) -> model.ChangeLine | None:
    """The change in words; MRC grades are ordinal, so their change is shown grade to grade, not as a number."""
    if change is None:
        return None
    if grades[0] and grades[1]:
        delta = f"grade {grades[0]} → {grades[1]}"
    else:
        sign = "+" if change.delta > 0 else ""
        delta = f"{sign}{fmt(change.delta)} {unit_label}"
    return model.ChangeLine(delta, change.verdict, change.reason, change.improved)


def _grades(
    history: Sequence[AssessmentRecord], record: AssessmentRecord, first: bool = False
) -> tuple[str | None, str | None]:
    """MRC grade labels (before, now) of the earlier result compared with, for grade-to-grade wording."""
    if not record.value_text:
        return (None, None)
    same = [
        h
        for h in history
        if h.measure_key == record.measure_key
        and h.side == record.side
        and (h.site or "").lower() == (record.site or "").lower()
        and (h.taken_at, h.id) < (record.taken_at, record.id)
    ]
    if not same:
        return (None, None)
    return ((same[0] if first else same[-1]).value_text, record.value_text)


def _status_text(status: str) -> str:
    return {"completed": "performed", "not_performed": "not performed", "in_progress": "in progress"}.get(
        status, status
    )


# --- the session summary ----------------------------------------------------------------------------------------


def _performed_text(exercise: Exercise, sets: Sequence[SetRecord]) -> str:
    """'40 kg × 10, 10, 9' when the load did not change; otherwise each set's load × reps."""
    done = [s for s in sets if s.reps is not None]
    if not done:
        return "not done"
    loads = [describe_load(exercise, s.load_kg, s.band_level) for s in done]
    if len(set(loads)) == 1:
        return f"{loads[0]} × " + ", ".join(str(s.reps) for s in done)
    return "; ".join(f"{load} × {s.reps}" for load, s in zip(loads, done, strict=True))


def _range_text(values: Sequence[float | int | None], suffix: str = "") -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "—"
    low, high = min(known), max(known)
    return f"{fmt(low)}{suffix}" if low == high else f"{fmt(low)}–{fmt(high)}{suffix}"


def _screen_values(s: SessionRecord, repeat: ScreenRepeatRecord | None = None) -> str:
    """The screen's readings; when repeated after rest, the first and the repeat with their times (UTC)."""
    if s.systolic_mmhg is None:
        return ""
    if repeat is not None:
        return (
            f"First reading at {s.created_at.strftime('%H:%M UTC')} ({s.first_screen_outcome}): {_first_values(s)}. "
            f"Repeated after {repeat.rest_minutes} min rest at {repeat.created_at.strftime('%H:%M UTC')} "
            f"({repeat.screen_outcome}, decides the session): {screen_readings(repeat)}; the other answers as first."
        )
    return _first_values(s)


def _first_values(s: SessionRecord) -> str:
    yes_no = {True: "yes", False: "no", None: "—"}
    return (
        f"Blood pressure {fmt(s.systolic_mmhg or 0)}/{fmt(s.diastolic_mmhg or 0)} mmHg · resting heart rate "
        f"{fmt(s.resting_heart_rate_bpm or 0)}/min · pain now {s.pain_now}/10 · new or worse neurological "
        f"symptoms: {yes_no[s.new_neuro_symptoms]} · chest pain: {yes_no[s.chest_pain]} · feeling unwell: "
        f"{yes_no[s.unwell_or_fever]}"
        + (f" · SpO2 {fmt(s.spo2_percent)} %" if s.spo2_percent is not None else "")
        + (
            f" · standing {fmt(s.standing_systolic_mmhg)}/{fmt(s.standing_diastolic_mmhg or 0)} mmHg, symptoms on "
            f"standing: {yes_no[s.orthostatic_symptoms]}"
            if s.standing_systolic_mmhg is not None
            else ""
        )
        + (f" · capillary glucose {fmt(s.glucose_mmol_l)} mmol/L" if s.glucose_mmol_l is not None else "")
    )


def _next_lines(conn: Connection, ctx: PlanContext, session: SessionRecord) -> list[model.NextLine]:
    """After the plan's latest session: the prescription in force now (with any override or confirmation).
    After an earlier one: the decisions made at the time."""
    sessions = [s for s in plan_store.plan_sessions(conn, ctx.plan.id) if s.status != "in_progress"]
    week = week_of(ctx.plan.start_date, session.session_date + timedelta(days=1))
    if sessions and sessions[-1].id == session.id and ctx.plan.status == "active":
        prescriptions = prescriptions_in(conn, ctx, week)
    else:
        decided = export_store.decisions_after(conn, session.id)
        prescriptions = [prescribe(ctx.template, i, decided[i.id], week) for i in ctx.items if i.id in decided]
    return [
        model.NextLine(
            label=p.label,
            dose=f"{p.sets} × {p.target_reps} at {p.load_text}",
            load_text=p.load_text,
            action=p.action,
            reason=p.reason,
        )
        for p in prescriptions
    ]


def _session_summary(
    conn: Connection, actor: Actor, patient: PatientRecord, session: SessionRecord
) -> model.SessionSummary:
    plan = plan_store.get_plan(conn, session.plan_id)
    assert plan is not None
    ctx = load_plan(conn, plan)
    sets = export_store.session_sets_of(conn, session.id)
    exercises: list[model.ExerciseLine] = []
    flags: list[str] = []
    for item in ctx.items:
        mine = [s for s in sets if s.plan_item_id == item.id]
        if not mine:
            continue
        ex = item.exercise
        first = mine[0]
        load = describe_load(ex, first.prescribed_load_kg, first.prescribed_band_level)
        prescribed = f"{len(mine)} × {first.target_reps} at {load}"
        pains = [p for s in mine for p in (s.pain_during, s.pain_after) if p is not None]
        max_pain = max(pains) if pains else None
        if max_pain is not None and max_pain > model.PAIN_LIMIT:
            flags.append(f"{item.label}: pain {max_pain}/10, above {model.PAIN_LIMIT}/10 ({model.PAIN_SOURCE}).")
        exercises.append(
            model.ExerciseLine(
                label=item.label,
                prescribed=prescribed,
                performed=_performed_text(ex, mine),
                sets=[
                    model.SetLine(
                        s.set_number,
                        describe_load(ex, s.prescribed_load_kg, s.prescribed_band_level),
                        describe_load(ex, s.load_kg, s.band_level),
                        s.reps,
                        s.target_reps,
                        s.effort,
                        s.pain_during,
                        s.pain_after,
                    )
                    for s in mine
                ],
                sets_done=sum(1 for s in mine if s.reps is not None),
                effort=_range_text([s.effort for s in mine if s.reps is not None]),
                pain=_range_text(pains),
                max_pain=max_pain,
            )
        )
    findings = [model.ScreenFinding(x.outcome, x.text, x.source) for x in stored_screen_lines(session.screen_reasons)]
    flags = [f"Readiness screen {f.outcome}: {f.text}" for f in findings if f.outcome in ("caution", "stop")] + flags
    repeat = plan_store.session_repeats(conn, [session.id]).get(session.id)
    if repeat is not None:  # the first screen's findings too, named as such; the repeat's decide the session
        findings += [
            model.ScreenFinding(x.outcome, f"First reading: {x.text}", x.source)
            for x in stored_screen_lines(session.first_screen_reasons)
        ]
    history = assessment_store.for_patient(conn, patient.id, statuses=VISIBLE)
    overrides = clinic_settings.measure_settings_in(conn).overrides  # the clinic's signed-off MDC/MCID values
    today = [h for h in history if h.taken_at.date() == session.session_date]
    assessments: list[model.AssessmentLine] = []
    for record in today:
        result = interpret_record(patient, record, history, overrides)
        measure = measures.get(record.measure_key)
        meaning = result.interpretation
        for f in meaning.flags:
            flags.append(f"{measure.name}: {f.message} ({f.population}; {f.source})")
        assessments.append(
            model.AssessmentLine(
                measure_key=record.measure_key,
                measure=measure.name,
                side=result.side_label,
                site=record.site,
                value_text=value_text(record),
                taken_at=record.taken_at,
                category=meaning.category,
                since_previous=_change_line(meaning.since_previous, measure.unit_label, _grades(history, record)),
                since_baseline=_change_line(meaning.since_first, measure.unit_label, _grades(history, record, True)),
                flags=[f"{f.message} ({f.population})" for f in meaning.flags],
            )
        )
    next_lines = _next_lines(conn, ctx, session) if session.status != "in_progress" else []
    for n in next_lines:
        if n.action == "decrease":
            flags.append(f"{n.label}: load lowered for next session. {n.reason}")
    notes = export_store.notes(conn, session.id)
    bands = phase_bands(ctx.template, max(session.week, 1))
    phase = next((b.name for b in bands if b.first_week <= session.week <= b.last_week), "")
    return model.SessionSummary(
        patient=patient_line(patient),
        session_id=session.id,
        session_date=session.session_date,
        clinician=session.updated_by_name,
        plan_week=session.week,
        phase_name=phase,
        performed=session.status == "completed",
        not_performed_reason=session.not_performed_reason,
        screen_outcome=session.screen_outcome,
        screen_values=_screen_values(session, repeat),
        screen_findings=findings,
        exercises=exercises,
        assessments=assessments,
        flags=flags,
        next_session=next_lines,
        rule_text=RULE_LABELS.get(plan.rule, plan.rule),
        note=notes[-1].note if notes else "",
        note_by=notes[-1].created_by_name if notes else "",
        generated_at=now_utc(),
        generated_by=actor.display_name,
        outlook=prognosis.outlook_lines(conn, patient),
        letterhead=report_parts.letterhead_in(conn),
        sign_off=report_parts.sign_off_in(conn, actor),
        goals=report_parts.goal_lines_in(conn, patient)[0],
    )


def _pick_session(conn: Connection, patient_id: int, session_id: int | None) -> SessionRecord:
    if session_id is not None:
        session = plan_store.get_session(conn, session_id)
        if session is None or session.patient_id != patient_id:
            raise NotFound("No such session for this patient.")
        return session
    done = [s for s in export_store.patient_sessions(conn, patient_id) if s.status != "in_progress"]
    if not done:
        raise ValidationErrors([ValidationError("session", "This patient has no recorded treatment session yet.")])
    return done[-1]


def session_summary(db: Database, actor: Actor, patient_id: int, session_id: int | None = None) -> model.SessionSummary:
    """The summary of one session (the latest recorded one when ``session_id`` is None); not audited on its
    own: exporting it is."""

    def work(conn: Connection) -> model.SessionSummary:
        patient = check_access(conn, actor, patient_id)
        return _session_summary(conn, actor, patient, _pick_session(conn, patient_id, session_id))

    return db.run(work, write=False)


# --- the progress report ----------------------------------------------------------------------------------------


def _series_key(r: AssessmentRecord) -> tuple[str, str | None, str]:
    return (r.measure_key, r.side, (r.site or "").lower())


def _progress(conn: Connection, actor: Actor, patient: PatientRecord, start: date, end: date) -> model.ProgressReport:
    history = [
        h for h in assessment_store.for_patient(conn, patient.id, statuses=VISIBLE) if start <= h.taken_at.date() <= end
    ]
    overrides = clinic_settings.measure_settings_in(conn).overrides
    series: dict[tuple[str, str | None, str], list[AssessmentRecord]] = {}
    for h in history:
        series.setdefault(_series_key(h), []).append(h)
    progress: list[model.MeasureProgress] = []
    charts: list[model.ChartSpec] = []
    # the dashboard's own panels (its MDC band and cut-offs) for the measures charted without a side
    panels = {p.key: p for p in dashboard_panels(patient, sorted({k for k, _, _ in series}), series, start, end,
                                                 overrides)}  # fmt: skip
    for values in series.values():
        first, last = values[0], values[-1]
        measure = measures.get(first.measure_key)
        change = None
        if len(values) > 1:
            try:
                unit = first.unit if first.measure_key == "hhd" else None
                # the patient's context on the day of the newest result: its population's figures only
                context = patient_context(
                    patient.condition, patient.birth_date, patient.event_date, last.taken_at.date()
                )
                change = _change_line(
                    judge_change(
                        context,
                        first.measure_key,
                        first.value,
                        last.value,
                        unit=unit,
                        overrides=overrides,
                        site=first.site,
                        pace=(last.context or {}).get("pace") if first.measure_key == "ten_mwt" else None,
                    ),
                    measure.unit_label,
                    (first.value_text, last.value_text),
                )
            except ValidationError:
                change = None
        side = side_label(patient, first.side)
        progress.append(
            model.MeasureProgress(
                measure_key=first.measure_key,
                measure=measure.name,
                side=side,
                site=first.site,
                unit=measure.unit_label,
                results=len(values),
                baseline_date=first.taken_at.date(),
                baseline_text=value_text(first),
                latest_date=last.taken_at.date(),
                latest_text=value_text(last),
                change=change,
            )
        )
        if len(values) > 1 and len(charts) < MAX_CHARTS // 2 and report_parts.chartable(first.measure_key):
            charts.append(report_parts.measure_chart(patient, values, start, end, panels))

    exercises: list[model.ExerciseProgress] = []
    phases: list[model.PhaseLine] = []
    sessions_all = export_store.patient_sessions(conn, patient.id, since=start, until=end)
    plan_texts: list[str] = []
    for plan in plan_store.patient_plans(conn, patient.id):
        in_range = [s for s in sessions_all if s.plan_id == plan.id]
        if not in_range and not (plan.start_date <= end and (plan.ended_at is None or plan.ended_at.date() >= start)):
            continue
        ctx = load_plan(conn, plan)
        plan_texts.append(
            f"from {plan.start_date.isoformat()} ({plan.status}): {RULE_LABELS.get(plan.rule, plan.rule)}"
        )
        ids = {s.id for s in in_range}
        sets = [s for s in plan_store.plan_sets(conn, plan.id) if s.session_id in ids]
        points = chart_points(ctx, in_range, sets)
        last_week = max([s.week for s in in_range] or [week_of(plan.start_date, max(end, plan.start_date))])
        for item in ctx.items:
            frame = points[item.id]
            done = frame[frame["series"] == "Performed load"]
            estimates = frame[frame["series"] == "Estimated 1RM"]
            if done.empty:
                continue
            ex = item.exercise
            n_sessions = len(done)
            first_kg, last_kg = float(done.iloc[0]["value_kg"]), float(done.iloc[-1]["value_kg"])
            exercises.append(
                model.ExerciseProgress(
                    label=item.label,
                    first_load=f"{fmt(first_kg)} kg" + (" (band, nominal)" if ex.uses_bands else ""),
                    last_load=f"{fmt(last_kg)} kg" + (" (band, nominal)" if ex.uses_bands else ""),
                    first_estimate_kg=float(estimates.iloc[0]["value_kg"]) if not estimates.empty else None,
                    last_estimate_kg=float(estimates.iloc[-1]["value_kg"]) if not estimates.empty else None,
                    sessions=n_sessions,
                )
            )
            if len(charts) < MAX_CHARTS and n_sessions > 1:
                bands = bands_frame(ctx.template, plan.start_date, last_week)
                spec, alt = report_charts.load_chart(frame, bands, title=item.label, nominal=ex.uses_bands)
                charts.append(model.ChartSpec(item.label, spec, alt))
        for band in phase_bands(ctx.template, last_week):
            first_day = plan.start_date + timedelta(days=7 * (band.first_week - 1))
            last_day = plan.start_date + timedelta(days=7 * band.last_week - 1)
            if last_day < start or first_day > end:
                continue
            mine = [s for s in in_range if band.first_week <= s.week <= band.last_week]
            phases.append(
                model.PhaseLine(
                    name=band.name,
                    weeks=f"{band.first_week}–{band.last_week}",
                    dates=f"{first_day.isoformat()} to {last_day.isoformat()}",
                    performed=sum(1 for s in mine if s.status == "completed"),
                    not_performed=sum(1 for s in mine if s.status == "not_performed"),
                    patient_text=band.patient_text,
                )
            )
    goals, goal_score = report_parts.goal_lines_in(conn, patient)
    return model.ProgressReport(
        patient=patient_line(patient),
        start=start,
        end=end,
        measures=progress,
        exercises=exercises,
        phases=phases,
        sessions_performed=sum(1 for s in sessions_all if s.status == "completed"),
        sessions_not_performed=sum(1 for s in sessions_all if s.status == "not_performed"),
        plan_text="; ".join(plan_texts),
        generated_at=now_utc(),
        generated_by=actor.display_name,
        charts=charts,
        outlook=prognosis.outlook_lines(conn, patient),
        letterhead=report_parts.letterhead_in(conn),
        sign_off=report_parts.sign_off_in(conn, actor),
        goals=goals,
        goal_score=goal_score,
    )


def _check_range(start: date | None, end: date | None) -> tuple[date, date]:
    errors = []
    if start is None:
        errors.append(ValidationError("start", "Choose the first day of the report."))
    if end is None:
        errors.append(ValidationError("end", "Choose the last day of the report."))
    if start is not None and end is not None and end < start:
        errors.append(ValidationError("end", "The last day must be on or after the first day."))
    if errors:
        raise ValidationErrors(errors)
    assert start is not None and end is not None
    return start, end


def progress_report(
    db: Database, actor: Actor, patient_id: int, start: date | None, end: date | None
) -> model.ProgressReport:
    first, last = _check_range(start, end)

    def work(conn: Connection) -> model.ProgressReport:
        return _progress(conn, actor, check_access(conn, actor, patient_id), first, last)

    return db.run(work, write=False)


# --- CSV and FHIR -----------------------------------------------------------------------------------------------


def _assessment_rows(conn: Connection, patient: PatientRecord) -> list[dict[str, object]]:
    names = user_store.display_names(conn)
    rows: list[dict[str, object]] = []
    for r in assessment_store.for_patient(conn, patient.id, statuses=VISIBLE):
        measure = measures.get(r.measure_key)
        rows.append(
            {
                "mrn": patient.mrn,
                "measure": r.measure_key,
                "taken_at": r.taken_at,
                "side": r.side,
                "site": r.site,
                "value": r.value_text if r.value_text else (None if measure.is_item_scale and r.items else r.value),
                "unit": r.unit,
                "items": ";".join(fmt(v) for v in r.items) if r.items else None,
                "note": r.note,
                "patient": f"{patient.given_name} {patient.family_name}",
                "recorded_by": names.get(r.assessor_id, ""),
                "confirmed_outside_plausible_range": r.plausibility_confirmed or "",
                "total": r.value if measure.is_item_scale and r.items else None,
                "subscales": "; ".join(f"{k} {fmt(v)}" for k, v in subtotals(r.measure_key, r.items or []).items())
                or None,
            }
        )
    return rows


def _band_colour(bands: tuple[BandLevel, ...], level: int | None) -> str | None:
    return bands[level].colour if level is not None and 0 <= level < len(bands) else None


def _logged(conn: Connection, plan: Any) -> tuple[Any, dict[int, list[SetRecord]]]:
    """The plan's context and its logged sets by session."""
    by_session: dict[int, list[SetRecord]] = {}
    for s in plan_store.plan_sets(conn, plan.id):
        by_session.setdefault(s.session_id, []).append(s)
    return load_plan(conn, plan), by_session


def _session_rows(conn: Connection, patient: PatientRecord) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for plan in plan_store.patient_plans(conn, patient.id):
        ctx, by_session = _logged(conn, plan)
        for session in plan_store.plan_sessions(conn, plan.id):
            base = {
                "mrn": patient.mrn,
                "session_date": session.session_date,
                "plan_week": session.week,
                "status": _status_text(session.status),
                "screen": session.screen_outcome,
                "not_performed_reason": session.not_performed_reason,
                "recorded_by": session.updated_by_name,
            }
            logged = by_session.get(session.id, [])
            if not logged:
                rows.append(base)
                continue
            for s in logged:
                item = ctx.item(s.plan_item_id)
                bands = item.exercise.band_levels
                rows.append(
                    dict(
                        base,
                        exercise=item.label,
                        set=s.set_number,
                        prescribed_load_kg=s.prescribed_load_kg,
                        prescribed_band=_band_colour(bands, s.prescribed_band_level),
                        target_reps=s.target_reps,
                        load_kg=s.load_kg,
                        band=_band_colour(bands, s.band_level),
                        reps=s.reps,
                        effort=s.effort,
                        pain_during=s.pain_during,
                        pain_after=s.pain_after,
                    )
                )
    return rows


def _fhir_plan(conn: Connection, plan: Any) -> fhir.FhirPlan:
    ctx = load_plan(conn, plan)
    today = now_utc().date()
    week = week_of(plan.start_date, max(today, plan.start_date))
    current = {p.item_id: p for p in prescriptions_in(conn, ctx, week)} if plan.status == "active" else {}
    activities = []
    for item in ctx.items:
        p = current.get(item.id)
        how = item.record.method_detail or item.record.one_rm_method
        text = f"Baseline 1RM {fmt(item.record.one_rm_kg)} kg ({how})."
        if p is not None:
            text = f"Week {p.week} ({p.phase_name}): {p.sets} × {p.target_reps} at {p.load_text}. {p.reason} " + text
        activities.append(fhir.FhirActivity(item.label, text))
    phase_text = "; ".join(
        f"{ph.name} weeks {ph.first_week}–{ph.last_week or '…'} at "
        f"{fmt(ph.percent_1rm[0])}–{fmt(ph.percent_1rm[1])} % 1RM"
        for ph in ctx.template.phases
    )
    return fhir.FhirPlan(
        id=plan.id,
        active=plan.status == "active",
        start_date=plan.start_date,
        end_date=plan.ended_at.date() if plan.ended_at else None,
        created_at=plan.created_at,
        author_id=plan.created_by,
        title="Progressive resistance training plan",
        description=f"{RULE_LABELS.get(plan.rule, plan.rule)}. Phases: {phase_text}."
        + (f" Notes: {plan.notes}" if plan.notes else ""),
        activities=activities,
    )


def _fhir_sessions(conn: Connection, plan: Any) -> list[fhir.FhirSession]:
    """The plan's recorded sessions (not those still in progress) with their sets and readiness readings."""
    ctx, by_session = _logged(conn, plan)
    out = []
    for session in plan_store.plan_sessions(conn, plan.id):
        if session.status == "in_progress":
            continue
        sets = []
        for s in by_session.get(session.id, []):
            item = ctx.item(s.plan_item_id)
            band = _band_colour(item.exercise.band_levels, s.band_level)
            sets.append(
                fhir.FhirSet(
                    item.label,
                    s.set_number,
                    s.target_reps,
                    s.prescribed_load_kg,
                    s.load_kg,
                    band,
                    s.reps,
                    s.effort,
                    s.pain_during,
                    s.pain_after,
                )
            )
        out.append(
            fhir.FhirSession(
                session.id,
                plan.id,
                session.session_date,
                session.week,
                session.status,
                session.created_at,
                session.updated_by,
                session.not_performed_reason,
                session.systolic_mmhg,
                session.diastolic_mmhg,
                session.resting_heart_rate_bpm,
                session.spo2_percent,
                sets,
            )
        )
    return out


def _fhir_record(conn: Connection, patient: PatientRecord, *, day: date | None = None) -> fhir.Record:
    """The patient's record for FHIR; with ``day``, only that day's assessments (a session's document)."""
    records = [
        r
        for r in assessment_store.for_patient(conn, patient.id, statuses=VISIBLE)
        if day is None or r.taken_at.date() == day
    ]
    plans = plan_store.patient_plans(conn, patient.id)
    sessions = [s for plan in plans for s in _fhir_sessions(conn, plan)]
    # goals, falls and predictions belong to the whole record, not to one session's document
    parts = export_clinical.fhir_parts(conn, patient) if day is None else None
    wanted = {r.assessor_id for r in records} | {p.created_by for p in plans} | {s.performer_id for s in sessions}
    wanted |= parts.people if parts else set()
    practitioners = []
    for uid in sorted(wanted):
        user = user_store.by_id(conn, uid)
        if user is not None:
            practitioners.append(fhir.FhirPractitioner(user.id, user.display_name))
    known = {p.id for p in practitioners}
    assessments = [
        fhir.FhirAssessment(
            r.id,
            r.measure_key,
            r.taken_at,
            r.value,
            r.value_text,
            r.unit,
            r.side,
            r.site,
            r.items,
            {k: v for k, v in r.context.items() if k != "working"},
            r.note,
            r.assessor_id,
        )
        for r in records
        if r.assessor_id in known
    ]
    fp = fhir.FhirPatient(
        patient.id,
        patient.mrn,
        patient.given_name,
        patient.family_name,
        patient.birth_date,
        patient.sex,
        patient.condition,
        patient.event_date,
        patient.paretic_side,
    )
    return fhir.Record(
        fp,
        practitioners,
        assessments,
        [_fhir_plan(conn, p) for p in plans],
        [s for s in sessions if s.performer_id in known],
        mrn_system=clinic_settings.fhir_settings_in(conn).mrn_system,
        **(_clinical_parts(parts, known) if parts else {}),
    )


def _clinical_parts(parts: export_clinical.ClinicalParts, known: set[int]) -> dict[str, Any]:
    """Goals whose author and reviewers are known colleagues (as for assessments), and the rest as read."""
    goals = [g for g in parts.goals if g.set_by in known and all(r.reviewer_id in known for r in g.reviews)]
    return {
        "goals": goals,
        "t_score": parts.t_score,
        "falls": parts.falls,
        "findings": parts.findings,
        "predictions": parts.predictions,
    }


@dataclass(frozen=True)
class _FhirContent:
    bundle: dict[str, Any]
    session: SessionRecord | None = None


def _fhir_bundle(
    conn: Connection, actor: Actor, patient: PatientRecord, kind: str, session_id: int | None
) -> _FhirContent:
    if kind != "fhir-document":
        bundle_type: fhir.BundleType = "transaction" if kind == "fhir-transaction" else "collection"
        return _FhirContent(
            fhir.bundle(_fhir_record(conn, patient), timestamp=now_utc(), bundle_id=str(uuid.uuid4()), kind=bundle_type)
        )
    chosen = _pick_session(conn, patient.id, session_id)
    record = _fhir_record(conn, patient, day=chosen.session_date)
    session = next((s for s in record.sessions if s.id == chosen.id), None)
    if session is None:
        raise ValidationErrors([ValidationError("session", "This session is still in progress; finish it first.")])
    author = user_store.by_id(conn, actor.user_id)
    assert author is not None  # checked active by the caller
    people = [*record.practitioners, fhir.FhirPractitioner(author.id, author.display_name)]
    record = replace(record, practitioners=list({p.id: p for p in people}.values()))
    document = fhir.session_document(
        record, session, timestamp=now_utc(), bundle_id=str(uuid.uuid4()), author_id=actor.user_id
    )
    return _FhirContent(document, chosen)


# --- the export itself ------------------------------------------------------------------------------------------


MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "pdf-patient": "application/pdf",
    "progress-pdf": "application/pdf",
    "csv": "text/csv",
    "csv-sessions": "text/csv",
    "csv-falls": "text/csv",
    "csv-goals": "text/csv",
    "fhir": "application/fhir+json",
    "fhir-transaction": "application/fhir+json",
    "fhir-document": "application/fhir+json",
}


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:40] or "patient"


def filename(
    kind: str, mrn: str, *, session_date: date | None = None, start: date | None = None, end: date | None = None
) -> str:
    """The download's file name: MRN (made file-safe), what it is, and its date(s)."""
    stem = _safe_name(mrn)
    when = f"-{session_date.isoformat()}" if session_date else "-latest"
    names = {
        "pdf": f"{stem}-session{when}.pdf",
        "pdf-patient": f"{stem}-session{when}-patient.pdf",
        "progress-pdf": f"{stem}-progress-{start}-{end}.pdf",
        "csv": f"{stem}-assessments.csv",
        "csv-sessions": f"{stem}-sessions.csv",
        "csv-falls": f"{stem}-falls.csv",
        "csv-goals": f"{stem}-goals.csv",
        "fhir": f"{stem}-fhir-r4.json",
        "fhir-transaction": f"{stem}-fhir-r4-transaction.json",
        "fhir-document": f"{stem}-session{when}-fhir-r4-document.json",
    }
    return names[kind]


_CSV_COLUMNS = {
    "csv": ASSESSMENT_COLUMNS,
    "csv-sessions": SESSION_COLUMNS,
    "csv-falls": falls.CSV_COLUMNS,
    "csv-goals": export_clinical.GOAL_COLUMNS,
}

# What an export is built from: a PDF's content, CSV rows, or a FHIR bundle.
_Content = model.SessionSummary | model.ProgressReport | list[dict[str, object]] | _FhirContent


def export(
    db: Database,
    actor: Actor,
    patient_id: int,
    kind: str,
    *,
    session_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page_size: str = "A4",
    progress: Callable[[str], None] | None = None,
) -> ExportFile:
    """Build one export and record it in the audit log with the SHA-256 of its bytes.

    ``progress`` is told each step of a long build (the exports page shows it in a status box).
    """
    if kind not in KINDS:
        raise ValidationErrors([ValidationError("format", f"Choose one of: {', '.join(KINDS)}.")])
    if page_size not in render.PAGE_SIZES:
        raise ValidationErrors([ValidationError("page_size", "Choose A4 or Letter.")])
    if kind == "progress-pdf":
        start, end = _check_range(start, end)

    def read(conn: Connection) -> tuple[PatientRecord, _Content]:
        # An export may be asked for well after the page was drawn: the account must still be active now.
        account = user_store.by_id(conn, actor.user_id)
        if account is None or not account.active:
            raise AccessDenied("This account is no longer active.")
        patient = check_access(conn, actor, patient_id)
        if kind in ("pdf", "pdf-patient"):
            return patient, _session_summary(conn, actor, patient, _pick_session(conn, patient_id, session_id))
        if kind == "progress-pdf":
            assert start is not None and end is not None
            return patient, _progress(conn, actor, patient, start, end)
        if kind == "csv":
            return patient, _assessment_rows(conn, patient)
        if kind == "csv-sessions":
            return patient, _session_rows(conn, patient)
        if kind == "csv-falls":
            return patient, falls.csv_rows_in(conn, patient.mrn, patient.id)
        if kind == "csv-goals":
            return patient, export_clinical.goal_csv_rows(conn, patient)
        return patient, _fhir_bundle(conn, actor, patient, kind, session_id)

    if progress is not None:
        progress("Reading the records")
    patient, content = db.run(read, write=False)
    what: int = patient_id
    day: date | None = None
    if isinstance(content, model.SessionSummary | model.ProgressReport):
        if isinstance(content, model.SessionSummary):
            what, day = content.session_id, content.session_date
        if progress is not None and isinstance(content, model.ProgressReport):
            progress(f"Drawing {len(content.charts)} chart(s) and writing the PDF")
        # in a worker process on a server (rehab.workers): other clinicians' pages keep their interpreter
        data = workers.run(render.pdf_bytes, kind, content, page_size)
    elif isinstance(content, list):  # csv or csv-sessions: rows
        data = csv_out.write(_CSV_COLUMNS[kind], content)
    else:
        if content.session is not None:
            what, day = content.session.id, content.session.session_date
        data = (json.dumps(content.bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    name = filename(kind, patient.mrn, session_date=day, start=start, end=end)
    mime = MIME[kind]
    digest = hashlib.sha256(data).hexdigest()
    detail = f"{KIND_TEXT[kind]}" + (f" ({page_size})" if kind.endswith("pdf") or kind == "pdf-patient" else "")
    detail += f"; {len(data)} bytes; sha256 {digest}"
    if kind == "progress-pdf":
        detail += f"; {start} to {end}"

    def record(conn: Connection) -> None:
        check_access(conn, actor, patient_id)
        target = "session" if kind.startswith("pdf") or kind == "fhir-document" else "patient"
        audit.record(conn, actor, "export", target, what, patient_id=patient_id, detail=detail)

    db.run(record)
    return ExportFile(name, mime, data, digest)


# --- choices for the export page, and the session note ---------------------------------------------------------------


def export_options(db: Database, actor: Actor, patient_id: int, *, audit_view: bool = True) -> ExportOptions:
    """The sessions to choose from and the dates with data; opening the page is audited as a view."""

    def work(conn: Connection) -> ExportOptions:
        patient = check_access(conn, actor, patient_id)
        sessions = [s for s in export_store.patient_sessions(conn, patient_id) if s.status != "in_progress"]
        history = assessment_store.for_patient(conn, patient_id, statuses=VISIBLE)
        days = [s.session_date for s in sessions] + [h.taken_at.date() for h in history]
        if audit_view:
            audit.record(conn, actor, "view", "patient", patient_id, patient_id=patient_id, detail="reports & export")
        choices = [
            SessionChoice(
                s.id,
                s.session_date,
                s.status,
                f"{s.session_date.isoformat()} · week {s.week} · {_status_text(s.status)} · {s.updated_by_name}",
            )
            for s in reversed(sessions)
        ]
        return ExportOptions(patient, choices, min(days) if days else None, max(days) if days else None)

    return db.run(work, write=audit_view)


def session_note(db: Database, actor: Actor, session_id: int) -> str:
    def work(conn: Connection) -> str:
        session = plan_store.get_session(conn, session_id)
        if session is None:
            raise NotFound("No such session.")
        check_access(conn, actor, session.patient_id)
        notes = export_store.notes(conn, session_id)
        return notes[-1].note if notes else ""

    return db.run(work, write=False)


def save_session_note(db: Database, actor: Actor, session_id: int, note: str) -> None:
    """Add the clinician's note to a session; an earlier wording is kept, the newest is the one exported."""
    try:
        text = clean_note(note)
    except ValidationError as exc:
        raise ValidationErrors([ValidationError("note", f"Note {exc.message}.")]) from None
    if not text:
        raise ValidationErrors([ValidationError("note", "Write the note first.")])

    def work(conn: Connection) -> None:
        session = plan_store.get_session(conn, session_id)
        if session is None:
            raise NotFound("No such session.")
        check_access(conn, actor, session.patient_id)
        now = now_utc()
        export_store.add_note(
            conn, session_id=session_id, patient_id=session.patient_id, note=text, user_id=actor.user_id, now=now
        )
        audit.record(conn, actor, "update", "treatment_session", session_id, patient_id=session.patient_id,
                     detail="session note", at=now)  # fmt: skip

    db.run(work)


def patient_by_mrn(db: Database, mrn: str) -> int:
    """The patient id for an MRN (for the command line); access is checked by the export itself."""
    found = db.run(lambda conn: export_store.patient_id_by_mrn(conn, mrn), write=False)
    if found is None:
        raise NotFound(f"No patient with MRN {mrn}.")
    return found
