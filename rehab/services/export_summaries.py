"""The documents a clinician reads: a session summary (clinical and patient versions) and a progress report
over a period, gathered in one read from the record with every change judged for the patient's population.
``rehab.services.exports`` renders them (PDF) and audits the export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import Connection

from rehab import report_charts
from rehab.domain import measures
from rehab.domain.context import judge_change, patient_context
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.patients import CONDITION_LABELS, SEX_LABELS, SIDE_LABELS, Condition, Sex, Side
from rehab.domain.planning import Exercise, phase_bands
from rehab.domain.units import fmt
from rehab.exports import summary as model
from rehab.services import prognosis, report_parts
from rehab.services import settings as clinic_settings
from rehab.services.assessments import VISIBLE, interpret_record, side_label
from rehab.services.context import Actor, NotFound, now_utc
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
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord
from rehab.store.plans import ScreenRepeatRecord, SessionRecord, SetRecord

MAX_CHARTS = 8

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


def status_text(status: str) -> str:
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


def session_summary_in(
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


def pick_session(conn: Connection, patient_id: int, session_id: int | None) -> SessionRecord:
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
        return session_summary_in(conn, actor, patient, pick_session(conn, patient_id, session_id))

    return db.run(work, write=False)


# --- the progress report ----------------------------------------------------------------------------------------


def _series_key(r: AssessmentRecord) -> tuple[str, str | None, str]:
    return (r.measure_key, r.side, (r.site or "").lower())


def progress_in(conn: Connection, actor: Actor, patient: PatientRecord, start: date, end: date) -> model.ProgressReport:
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
                chart, alt = report_charts.load_chart(frame, bands, title=item.label, nominal=ex.uses_bands)
                charts.append(model.ChartSpec(item.label, chart, alt))
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


def check_range(start: date | None, end: date | None) -> tuple[date, date]:
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
    first, last = check_range(start, end)

    def work(conn: Connection) -> model.ProgressReport:
        return progress_in(conn, actor, check_access(conn, actor, patient_id), first, last)

    return db.run(work, write=False)
