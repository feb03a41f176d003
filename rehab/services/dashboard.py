"""One patient at a glance: where they stand on each measure, whether changes are real, and the load plan.

Read in one transaction (and audited on the first opening per browser session): the patient's final
assessments and their active plan's sessions and sets. Everything a chart shows is prepared here as
small DataFrames (``charts.Panel``), already limited to what the chosen date range needs; the charts
module thins them to its point budget. A prepared view is reused while the patient's data stamp
(``rehab.store.stamps``) is unchanged, so reruns of the page (a widget, a theme switch) do not read and
prepare the whole history again; access and the audit entry are still checked on every call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection

from rehab.charts import NEURAL_NOTE, NON_PARETIC, PARETIC, POINT_COLUMNS, Panel
from rehab.domain import measures, trends
from rehab.domain.context import PatientContext, judge_change, patient_context
from rehab.domain.measures import Cutoff
from rehab.domain.measures.overrides import effective
from rehab.domain.patients import age_on
from rehab.domain.planning import PhaseTemplate, neural_period
from rehab.domain.units import fmt
from rehab.services import audit, goals, recent
from rehab.services import settings as clinic_settings
from rehab.services.assessments import VISIBLE, side_label
from rehab.services.context import Actor, now_utc
from rehab.services.goals import GoalView
from rehab.services.patients import check_access
from rehab.services.plan_context import load_plan, week_of
from rehab.services.plan_overview import bands_frame, chart_points
from rehab.store import Database, stamps
from rehab.store import assessments as assessment_store
from rehab.store import plans as plan_store
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord

CONSTRUCT_ORDER = ("strength", "tone", "motor", "balance", "posture", "gait", "transfers", "confidence")
CONSTRUCT_TITLES = {
    "strength": "Strength",
    "tone": "Tone (Modified Ashworth, per muscle group and side)",
    "motor": "Motor impairment and arm activity",
    "balance": "Balance",
    "posture": "Posture and trunk",
    "gait": "Walking",
    "transfers": "Transfers",
    "confidence": "Balance confidence",
}
STRENGTH_CHARTED = ("grip", "hhd")  # per side, in physical units; MRC grades are ordinal, shown as figures only
BALANCE_CHARTED = ("bbs", "tug", "fga", "mini_bestest")
POSTURE_CHARTED = ("pass", "tis", "tct", "wb_symmetry")
GAIT_CHARTED = ("ten_mwt", "six_mwt")
MOTOR_CHARTED = ("fma_ue", "fma_le", "mi_arm", "mi_leg", "arat")
# Ordinal grades (Modified Ashworth, FAC) are key figures only, shown as their labels: never a line of numbers.
SECTION_TEXT = {
    "strength": "Paretic and non-paretic side per muscle group or exercise, and the symmetry index "
    f"({trends.SYMMETRY_SOURCE}). {NEURAL_NOTE}",
    "balance": "Dashed rule: the fall-risk cut-off used for this patient; grey band: the measure's MDC around "
    "the first result, so a result outside it is a real change. Hover for sources.",
    "posture": "Grey band: MDC around the first result. Weight bearing: the solid line is an even 50 %, dashed "
    "rules the asymmetry limits.",
    "gait": "Tinted bands: household, limited community and community walking speeds. Hover for sources.",
    "motor": "Fugl-Meyer motor, Motricity Index and ARAT totals of the affected limb. Grey band: the MDC around the "
    "first result, where the patient's population has one. Hover for sources.",
    "load": "Prescribed versus performed load per exercise and the 1RM estimated from logged sets.",
}


# st.metric's delta colours: "normal" (higher is better), "inverse" (lower is better) or "off"
DeltaColour = Literal["normal", "inverse", "off"]


# Prepared dashboards kept per process. With its charts (``Panel.specs``) one takes about 1 MB for the busiest
# bench patients (0.46 MB the view, 0.53 MB its charts; 64 of them held at once): so 32, about as much memory as
# 64 views without their charts.
DASHBOARDS_KEPT = 32


@dataclass(frozen=True)
class KeyFigure:
    """The latest result of one measure (and side) with its change since the first result."""

    construct: str
    label: str
    value: str
    delta: str | None
    delta_color: DeltaColour
    verdict: str
    reason: str
    taken_on: date
    delta_arrow: Literal["auto", "up", "down", "off"] = "auto"  # "off" for an ordinal shift of grade


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str
    panels: list[Panel]


@dataclass(frozen=True)
class Dashboard:
    patient: PatientRecord
    facts: list[str]
    plan_line: str
    next_retest: date | None
    figures: list[KeyFigure]
    sections: list[Section]
    first_day: date | None
    last_day: date | None


SHORT_NAMES = {
    "grip": "Grip",
    "hhd": "HHD",
    "mmt": "MRC grade",
    "one_rm": "1RM",
    "five_sts": "5× sit-to-stand",
    "thirty_s_cst": "30 s chair stand",
    "bbs": "Berg",
    "tug": "TUG",
    "fga": "FGA",
    "mini_bestest": "Mini-BESTest",
    "frt": "Functional reach",
    "sls": "Single-leg stance",
    "abc": "ABC confidence",
    "pass": "PASS",
    "tis": "Trunk Impairment Scale",
    "wb_symmetry": "Weight bearing (paretic)",
    "ten_mwt": "10MWT speed",
    "six_mwt": "6MWT distance",
    "mas": "Ashworth",
    "fma_ue": "Fugl-Meyer UE",
    "fma_le": "Fugl-Meyer LE",
    "mi_arm": "Motricity arm",
    "mi_leg": "Motricity leg",
    "arat": "ARAT",
    "tct": "Trunk Control Test",
    "fac": "FAC",
}


def _pace(first: AssessmentRecord, last: AssessmentRecord) -> str | None:
    """The 10MWT pace both results were recorded at (None for other measures or a mixed pair)."""
    paces = {(r.context or {}).get("pace") for r in (first, last)} if first.measure_key == "ten_mwt" else set()
    return paces.pop() if len(paces) == 1 and paces <= set(measures.PACES) else None


def _series_key(r: AssessmentRecord) -> tuple[str, str | None, str]:
    return (r.measure_key, r.side, (r.site or "").lower())


def _shown(key: str, record: AssessmentRecord) -> str:
    if key == "mmt":
        return record.value_text or fmt(record.value)
    measure = measures.get(key)
    if measure.grades:
        return f"{measure.unit_label.capitalize()} {record.value_text or measure.grades[int(record.value)]}"
    return f"{fmt(round(record.value, 2))} {measures.get(key).unit_label}"


def _figures(
    patient: PatientRecord,
    series: dict[tuple[str, str | None, str], list[AssessmentRecord]],
    overrides: trends.Overrides,
) -> list[KeyFigure]:
    out: list[KeyFigure] = []
    for (key, side, site), rows in series.items():
        measure = measures.get(key)
        first, last = rows[0], rows[-1]
        parts = [SHORT_NAMES.get(key, measure.name)]
        if site:
            parts.append(rows[-1].site or site)
        label = side_label(patient, side)
        if label:
            parts.append(label)
        title = " · ".join(parts)
        if len(rows) < 2:
            verdict, reason, delta = "first result: no change yet", "Only one result so far.", None
        else:
            change = judge_change(
                _context(patient, last.taken_at.date()),
                key,
                first.value,
                last.value,
                unit=last.unit if key == "hhd" else None,
                overrides=overrides,
                site=last.site,
                pace=_pace(first, last),
            )
            verdict, reason = change.verdict, change.reason
            sign = "+" if change.delta > 0 else ""
            unit = "grade steps" if key == "mmt" else measure.unit_label
            delta = f"{sign}{fmt(round(change.delta, 2))} {unit} since {first.taken_at.date().isoformat()}"
            if measure.grades:  # a shift of grade (MAS 1 → 1+), never a difference of grade positions
                shift = f"{measure.grades[int(first.value)]} → {measure.grades[int(last.value)]}"
                delta = f"{shift} since {first.taken_at.date().isoformat()}"
        # coloured only when the change is real (beyond the MDC); within measurement error it stays grey
        real = len(rows) > 1 and change.improved is not None
        colour: DeltaColour = (
            "off"
            if measure.higher_is_better is None or not real
            else ("normal" if measure.higher_is_better else "inverse")
        )
        out.append(
            KeyFigure(
                measure.construct,
                title,
                _shown(key, last),
                delta,
                colour,
                verdict,
                reason,
                last.taken_at.date(),
                "off" if measure.grades else "auto",
            )
        )
    order = {c: i for i, c in enumerate(CONSTRUCT_ORDER)}
    return sorted(out, key=lambda f: (order.get(f.construct, 99), f.label))


def _points(rows: Sequence[AssessmentRecord], series: str | None, start: date | None, end: date | None) -> list[dict]:
    return [
        {
            "date": r.taken_at.date(),
            "series": series or measures.get(r.measure_key).name,
            "value": round(r.value, 2),
            "unit": measures.get(r.measure_key).unit_label,
            "assessor": r.assessor_name,
        }
        for r in rows
        if (start is None or r.taken_at.date() >= start) and (end is None or r.taken_at.date() <= end)
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def _side_series(patient: PatientRecord, side: str | None) -> str:
    label = side_label(patient, side)
    return {"paretic": PARETIC, "non-paretic": NON_PARETIC}.get(label or "", (label or "Both").capitalize())


def _context(patient: PatientRecord, on: date) -> PatientContext:
    """The patient's context on a result's day: condition, age that day, time since the event."""
    return patient_context(patient.condition, patient.birth_date, patient.event_date, on)


def _mdc_band(
    key: str, rows: Sequence[AssessmentRecord], overrides: trends.Overrides, context: PatientContext
) -> dict[str, object] | None:
    """The MDC band around the first result, with the first-to-latest change judged against it (for the chart's
    words: the same judgement as ``trends.real_change``)."""
    baseline, latest = rows[0].value, rows[-1].value
    rule = trends.mdc_rule(key, baseline, overrides, context.group)
    if rule is None:
        return None
    measure = measures.get(key)
    low = baseline - rule.value
    high = baseline + rule.value
    if measure.minimum is not None:
        low = max(low, measure.minimum)
    if measure.maximum is not None:
        high = min(high, measure.maximum)
    return {
        "low": round(low, 2),
        "high": round(high, 2),
        "label": f"First result {fmt(round(baseline, 2))} ± MDC {fmt(rule.value)} {measure.unit_label}",
        "source": rule.text,
        "mdc": rule.value,
        "first": baseline,
        "first_date": rows[0].taken_at.date().isoformat(),
        "latest": latest,
        "latest_date": rows[-1].taken_at.date().isoformat(),
        "real": trends.real_change(key, baseline, latest, overrides, context.group) if len(rows) > 1 else None,
    }


def _fall_cutoffs(key: str, condition: str, age: int, overrides: trends.Overrides) -> list[dict[str, object]]:
    if trends.fall_risk_population(condition, age) is None:
        return []  # no cut-off was derived in this patient's population; the subtitle says so
    chosen = trends.fall_risk_cutoffs(condition, overrides, age).get(key)
    if chosen is None:
        # measures without a condition-specific choice: every active fall-risk cut-off in the catalogue
        cuts = [effective(c, overrides) for c in measures.get(key).cutoffs if "fall_risk" in c.code]
        found = [c for c in cuts if isinstance(c, Cutoff)]
    else:
        found = [chosen]
    return [
        {
            "value": c.value,
            "label": f"Fall risk {c.comparison} {fmt(c.value)} {c.unit} ({c.population})",
            "source": f"{c.source}; {measures.EVIDENCE_TEXT[c.evidence]}",
        }
        for c in found
    ]


def _cutoff_marks(key: str, overrides: trends.Overrides, context: PatientContext) -> list[dict[str, object]]:
    marks = []
    for original in measures.get(key).cutoffs:
        c = effective(original, overrides)
        if isinstance(c, Cutoff) and context.cutoff_misfit(c) is None:
            marks.append(
                {
                    "value": c.value,
                    "label": f"{c.comparison} {fmt(c.value)} {c.unit}: {c.message}",
                    "source": f"{c.source}; {measures.EVIDENCE_TEXT[c.evidence]}",
                }
            )
    return marks


def _categories(key: str, top: float, context: PatientContext) -> list[dict[str, object]]:
    out = []
    for c in measures.get(key).categories:
        low = c.band.lower if c.band.lower is not None else 0.0
        high = c.band.upper if c.band.upper is not None else top
        label = c.label if c.population != "stroke" or context.stroke else f"{c.label} (stroke bands, reference only)"
        out.append({"low": low, "high": high, "label": label, "source": f"{c.source}; population: {c.population}"})
    return out


def _measure_panels(
    patient: PatientRecord,
    keys: Sequence[str],
    series: dict[tuple[str, str | None, str], list[AssessmentRecord]],
    start: date | None,
    end: date | None,
    overrides: trends.Overrides,
    open_goals: Sequence[GoalView] = (),
) -> list[Panel]:
    panels = []
    for key in keys:
        rows = [r for (k, side, _), rs in series.items() if k == key and side is None for r in rs]
        if not rows:
            continue
        measure = measures.get(key)
        points = _frame(_points(rows, None, start, end))
        panel = Panel(key=key, title=measure.name, unit=measure.unit_label, points=points)
        context = _context(patient, rows[-1].taken_at.date())  # on the day of the newest result
        extras: dict[str, Any] = {
            "mdc_band": _mdc_band(key, rows, overrides, context),
            "goals": goal_marks(open_goals, key, patient),
        }
        if key in BALANCE_CHARTED:
            age = age_on(patient.birth_date, rows[-1].taken_at.date())  # age on the day of the newest result
            cutoffs = _fall_cutoffs(key, patient.condition, age, overrides)
            extras["cutoffs"] = cutoffs
            if trends.fall_risk_population(patient.condition, age) is None:
                extras["subtitle"] = trends.no_fall_risk_population(patient.condition, age)
            elif not cutoffs:
                extras["subtitle"] = "No verified fall-risk cut-off in the catalogue."
        if key == "wb_symmetry":
            extras["target"] = {
                "value": measure.target,
                "label": "Even weight bearing (50 %)",
                "source": "Weight-bearing symmetry, clinical reference §3.3",
            }
            extras["cutoffs"] = _cutoff_marks(key, overrides, context)
            extras["y_domain"] = (0.0, 100.0)
        if key == "ten_mwt":
            top = max(1.6, float(points["value"].max()) if not points.empty else 1.6)
            extras["categories"] = _categories(key, top, context)
            extras["y_domain"] = (0.0, round(top, 1))
        if key in ("bbs", "pass", "tis", "tct", "fga", "mini_bestest", *MOTOR_CHARTED) and measure.maximum is not None:
            extras["y_domain"] = (0.0, float(measure.maximum))
        panels.append(replace(panel, **extras))
    return panels


GOAL_NOTE = "Star: an open goal, at its target on its target date; hover it for how it stands."


def with_goal_note(section: Section) -> Section:
    """The section's words, saying what the star is where one of its charts has a goal."""
    if any(p.goals for p in section.panels):
        return replace(section, text=f"{section.text} {GOAL_NOTE}")
    return section


def goal_marks(
    views: Sequence[GoalView], key: str, patient: PatientRecord, *, per_side: bool = False
) -> list[dict[str, object]]:
    """The open goals on measure ``key`` as ``Panel.goals`` marks (side-less ones, or each side's with
    ``per_side``), with each goal's verdict and the rule and MDC it used."""
    out: list[dict[str, object]] = []
    for view in views:
        goal = view.goal
        if goal.measure_key != key or goal.target_value is None or (goal.side is not None) != per_side:
            continue
        side = side_label(patient, goal.side)
        verdict = view.trend.reason if view.trend is not None else "Not judged."
        out.append(
            {
                "date": goal.target_date,
                "value": goal.target_value,
                "unit": measures.get(key).unit_label,
                "label": (f"{side.capitalize()}: " if side else "") + goal.statement,
                "set_on": goal.set_on.isoformat(),
                "verdict": verdict,
            }
        )
    return out


def _neural_marks(plan_start: date | None, template: PhaseTemplate | None) -> dict[str, object] | None:
    if plan_start is None or template is None:
        return None
    band = neural_period(template)
    if band is None:
        return None
    return {
        "start": plan_start + timedelta(days=7 * (band.first_week - 1)),
        "end": plan_start + timedelta(days=7 * band.last_week),
        "label": f"{band.name}, weeks {band.first_week}–{band.last_week}: {band.clinician_text}",
    }


def _strength_panels(
    patient: PatientRecord,
    series: dict[tuple[str, str | None, str], list[AssessmentRecord]],
    one_rm: dict[str, list[dict]],
    neural: dict[str, object] | None,
    start: date | None,
    end: date | None,
    open_goals: Sequence[GoalView] = (),
) -> list[Panel]:
    panels: list[Panel] = []
    symmetry: list[dict] = []
    groups: dict[tuple[str, str], list[tuple[str | None, list[AssessmentRecord]]]] = {}
    for (key, side, site), rows in series.items():
        if key in STRENGTH_CHARTED and side is not None:
            groups.setdefault((key, site), []).append((side, rows))
    for (key, site), sides in sorted(groups.items()):
        measure = measures.get(key)
        title = measure.name + (f" · {sides[0][1][-1].site}" if site else "")
        points: list[dict] = []
        by_day: dict[date, dict[str, float]] = {}
        for side, rows in sides:
            name = _side_series(patient, side)
            points += _points(rows, name, start, end)
            for p in _points(rows, name, start, end):
                by_day.setdefault(p["date"], {})[name] = p["value"]
        panels.append(
            Panel(
                key=f"{key}:{site}",
                title=title,
                unit=measure.unit_label,
                points=_frame(points),
                neural=neural,
                goals=goal_marks(open_goals, key, patient, per_side=True) if not site else [],
            )
        )
        short = "Grip" if key == "grip" else (sides[0][1][-1].site or measure.name)
        for day, values in sorted(by_day.items()):
            ratio = trends.symmetry_percent(values.get(PARETIC), values.get(NON_PARETIC))
            if ratio is not None:
                symmetry.append({"date": day, "series": short, "value": ratio, "unit": "%", "assessor": ""})
    for label, estimates in one_rm.items():
        panels.append(
            Panel(
                key=f"1rm:{label}", title=f"{label}: estimated 1RM", unit="kg", points=_frame(estimates), neural=neural
            )
        )
        by_day2: dict[date, dict[str, float]] = {}
        for r in estimates:
            by_day2.setdefault(r["date"], {})[r["series"]] = r["value"]
        for day, values in sorted(by_day2.items()):
            ratio = trends.symmetry_percent(values.get(PARETIC), values.get(NON_PARETIC))
            if ratio is not None:
                symmetry.append({"date": day, "series": f"{label} 1RM", "value": ratio, "unit": "%", "assessor": ""})
    if symmetry:
        panels.append(
            Panel(
                key="symmetry",
                title="Symmetry index (paretic ÷ non-paretic)",
                unit="%",
                points=_frame(symmetry),
                target={"value": 100.0, "label": "Both sides equal (100 %)", "source": trends.SYMMETRY_SOURCE},
                neural=neural,
            )
        )
    return panels


def _in_range(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _plan_parts(
    conn: Connection, patient: PatientRecord, today: date, start: date | None, end: date | None
) -> tuple[str, list[Panel], dict[str, list[dict]], dict[str, object] | None, date | None, PhaseTemplate | None]:
    """The plan line for the header, load panels, per-side 1RM series and the neural weeks."""
    plan = plan_store.active_plan(conn, patient.id)
    if plan is None:
        return "No active loading plan.", [], {}, None, None, None
    ctx = load_plan(conn, plan)
    sessions = plan_store.plan_sessions(conn, plan.id)
    sets = plan_store.plan_sets(conn, plan.id)
    week = week_of(plan.start_date, max(today, plan.start_date))
    phase = ctx.template.phase_for(week)
    plan_line = f"Plan week {week}, {phase.name.lower()} (started {plan.start_date.isoformat()})"
    points = chart_points(ctx, sessions, sets)
    last_week = max([week, *(s.week for s in sessions)])
    band_frame = bands_frame(ctx.template, plan.start_date, last_week)  # the plan page's phases, the same way
    neural = _neural_marks(plan.start_date, ctx.template)
    load_panels: list[Panel] = []
    one_rm: dict[str, list[dict]] = {}
    for item in ctx.items:
        frame = points[item.id]
        if not frame.empty:
            frame = frame[[_in_range(d, start, end) for d in frame["date"]]]
        if frame.empty:
            continue
        load_panels.append(
            Panel(key=f"load:{item.id}", title=item.label, unit="kg", points=frame, kind="load", bands=band_frame,
                  nominal=item.exercise.uses_bands)
        )  # fmt: skip
        if item.side in ("paretic", "non_paretic"):
            estimates = frame[frame["series"] == "Estimated 1RM"]
            name = PARETIC if item.side == "paretic" else NON_PARETIC
            one_rm.setdefault(item.exercise.name, []).extend(
                {"date": d, "series": name, "value": v, "unit": "kg", "assessor": "from logged sets"}
                for d, v in zip(estimates["date"], estimates["value_kg"], strict=True)
            )
    one_rm = {k: v for k, v in one_rm.items() if {r["series"] for r in v} == {PARETIC, NON_PARETIC}}
    return plan_line, load_panels, one_rm, neural, plan.start_date, ctx.template


def _prepare(conn: Connection, patient: PatientRecord, day: date, start: date | None, end: date | None) -> Dashboard:
    """Read the patient's final assessments and active plan and prepare every figure and chart panel."""
    patient_id = patient.id
    records = assessment_store.for_patient(conn, patient_id, statuses=VISIBLE)
    overrides = clinic_settings.measure_settings_in(conn).overrides
    series: dict[tuple[str, str | None, str], list[AssessmentRecord]] = {}
    for r in records:
        series.setdefault(_series_key(r), []).append(r)
    plan_line, load_panels, one_rm, neural, plan_start, template = _plan_parts(conn, patient, day, start, end)
    open_goals = goals.open_measure_goals(conn, patient, day)
    main = [r.taken_at.date() for r in records if r.measure_key in trends.PLATEAU_MEASURES]
    every = template.reassessment_every_weeks if template is not None else 4
    due = trends.retest_due(
        last_test=max(main) if main else None,
        plan_start=plan_start,
        registered=patient.created_at.date(),
        every_weeks=every,
    )
    facts = [f"{age_on(patient.birth_date, day)} years"]
    if patient.event_date:
        facts.append(f"{(day - patient.event_date).days} days since the event ({patient.event_date.isoformat()})")
    sections = [
        Section("strength", "Strength", SECTION_TEXT["strength"],
                _strength_panels(patient, series, one_rm, neural, start, end, open_goals)),
        Section("motor", "Motor impairment and arm activity", SECTION_TEXT["motor"],
                _measure_panels(patient, MOTOR_CHARTED, series, start, end, overrides, open_goals)),
        Section("balance", "Balance", SECTION_TEXT["balance"],
                _measure_panels(patient, BALANCE_CHARTED, series, start, end, overrides, open_goals)),
        Section("posture", "Posture and trunk", SECTION_TEXT["posture"],
                _measure_panels(patient, POSTURE_CHARTED, series, start, end, overrides, open_goals)),
        Section("gait", "Walking", SECTION_TEXT["gait"],
                _measure_panels(patient, GAIT_CHARTED, series, start, end, overrides, open_goals)),
        Section("load", "Load plan", SECTION_TEXT["load"], load_panels),
    ]  # fmt: skip
    sections = [with_goal_note(s) for s in sections]
    days = [r.taken_at.date() for r in records]
    if plan_start is not None:
        days.append(plan_start)
    return Dashboard(
        patient=patient,
        facts=facts,
        plan_line=plan_line,
        next_retest=due,
        figures=_figures(patient, series, overrides),
        sections=sections,
        first_day=min(days) if days else None,
        last_day=max([*days, day]) if days else None,
    )


def dashboard(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    audit_view: bool = True,
) -> Dashboard:
    """Everything the dashboard shows for one patient (charts limited to ``start``–``end``)."""
    day = today or now_utc().date()

    def work(conn: Connection) -> Dashboard:
        patient = check_access(conn, actor, patient_id)
        if audit_view:
            audit.record(conn, actor, "view", "dashboard", patient_id, patient_id=patient_id)
        # Reuse the view prepared for the same data, day and range (access and audit are checked above
        # every time); any write since gives a new stamp and the view is prepared again.
        key, stamp = (patient_id, day, start, end), stamps.patient_stamp(conn, patient_id)
        view = prepared.get(key, stamp)
        if view is None:
            view = _prepare(conn, patient, day, start, end)
            prepared.put(key, stamp, view)
        return view

    prepared = recent.store_for(db, "dashboard", max_entries=DASHBOARDS_KEPT)
    return db.run(work, write=audit_view)
