"""The parts of a report read beside the record: the letterhead, who signs, the patient's goals and the
printed charts. Read inside the export's one read transaction; plain data out (the PDF runs in a worker)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import Connection

from rehab import report_charts
from rehab.charts import POINT_COLUMNS, Panel
from rehab.domain import measures
from rehab.domain.accounts import ROLE_LABELS, Role
from rehab.domain.goals import GAS_LEVELS, GasScale, GoalKind, GoalStatus, t_score
from rehab.domain.units import fmt
from rehab.exports import summary as model
from rehab.services import goals as goal_service
from rehab.services.assessments import side_label
from rehab.services.context import Actor
from rehab.services.patients import today
from rehab.services.report_settings import report_settings_in
from rehab.store import goals as goal_store
from rehab.store import users as user_store
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord

_STATUS = {
    GoalStatus.ACTIVE: "active",
    GoalStatus.ACHIEVED: "achieved",
    GoalStatus.NOT_ACHIEVED: "not achieved",
    GoalStatus.DISCONTINUED: "discontinued",
}
# A GAS rating in the patient's words: how the goal went against what was agreed.
_RATING_WORDS = {
    2: "you did much better than we aimed for",
    1: "you did a little better than we aimed for",
    0: "you reached it",
    -1: "you are a little short of it so far",
    -2: "you are well short of it so far",
}


def letterhead_in(conn: Connection) -> model.Letterhead:
    return report_settings_in(conn).letterhead


def sign_off_in(conn: Connection, actor: Actor) -> model.SignOff:
    """The account making the report signs it: its name, registration and job title (else its role)."""
    user = user_store.by_id(conn, actor.user_id)
    if user is None:
        return model.SignOff(actor.display_name, "", "")
    role = user.job_title or ROLE_LABELS.get(Role(user.role), user.role)
    return model.SignOff(user.display_name, user.registration, role)


def goal_lines_in(conn: Connection, patient: PatientRecord) -> tuple[list[model.GoalLine], str]:
    """The patient's current goals (amended and erroneous versions left out) and the GAS T-score's sentence."""
    weights_on, _ = goal_service.gas_weights_in(conn)
    records = [g for g in goal_store.for_patient(conn, patient.id) if g.status in _STATUS]
    reviews = goal_store.reviews_for(conn, [g.id for g in records])
    names = user_store.display_names(conn)
    lines: list[model.GoalLine] = []
    scales: list[tuple[GasScale, int | None]] = []
    for goal in records:
        mine = [r for r in reviews if r.goal_id == goal.id]
        rated = [r.rating for r in mine if r.rating is not None]
        status = _STATUS[GoalStatus(goal.status)]
        progress = [
            f"Review {r.reviewed_at.date().isoformat()} by {names.get(r.reviewed_by, 'unknown')}: "
            + (f"rated {r.rating:+d} ({GAS_LEVELS[r.rating]})" if r.rating is not None else "not rated")
            + (f". {r.note}" if r.note else "")
            for r in mine
        ]
        by = goal.target_date.strftime("%d %B %Y")
        if goal.kind == GoalKind.MEASURE and goal.measure_key and goal.target_value is not None:
            measure = measures.get(goal.measure_key)
            side = side_label(patient, goal.side)
            target = (
                f"Target: {measure.name}{f' ({side})' if side else ''} {fmt(goal.target_value)} "
                f"{measure.unit_label} by {goal.target_date.isoformat()} (set {goal.set_on.isoformat()})."
            )
            trend, basis = goal_service._trend(conn, patient, goal, today())
            if trend is not None:
                progress.append(trend.reason + (f" {basis}" if basis else ""))
            words = f"{goal.statement} (by {by})." + (" You have reached it." if status == "achieved" else "")
        else:
            baseline = goal.baseline if goal.baseline is not None else -1
            target = (
                f"Goal attainment scale, set {goal.set_on.isoformat()}, review by "
                f"{goal.target_date.isoformat()}; baseline {baseline:+d} ({GAS_LEVELS.get(baseline, '')})."
            )
            latest = rated[-1] if rated else None
            words = f"{goal.statement} (by {by})." + (
                f" At the last review {_RATING_WORDS[latest]}." if latest is not None else ""
            )
            if goal.status != GoalStatus.DISCONTINUED:
                scales.append((GasScale(goal.gas_levels or {}, baseline, goal.importance, goal.difficulty), latest))
        lines.append(model.GoalLine(goal.statement, status, target, progress, words))
    score = t_score(scales, weights_on=weights_on).reason if scales else ""
    return lines, score


def chartable(key: str) -> bool:
    """MRC grades are ordinal: like the dashboard, the reports give them as figures, never as a line."""
    return key != "mmt" and not measures.get(key).grades


def measure_chart(
    patient: PatientRecord,
    records: Sequence[AssessmentRecord],
    start: date,
    end: date,
    panels: dict[str, Panel],
) -> model.ChartSpec:
    """One measure's results in the report's range, as the dashboard draws it (its MDC band and cut-offs when
    ``panels`` has the dashboard's panel for it) with the printed axes; the alt text is the chart's summary."""
    first = records[0]
    measure = measures.get(first.measure_key)
    side = side_label(patient, first.side)
    title = measure.name + (f" ({side})" if side else "") + (f", {first.site}" if first.site else "")
    points = pd.DataFrame(
        [
            {"date": r.taken_at.date(), "series": title, "value": round(r.value, 2), "unit": measure.unit_label,
             "assessor": r.assessor_name}
            for r in records if start <= r.taken_at.date() <= end
        ],
        columns=POINT_COLUMNS,
    )  # fmt: skip
    base = panels.get(first.measure_key) if first.side is None and not first.site else None
    panel = (
        dataclasses.replace(base, title=title, points=points)
        if base
        else Panel(key=first.measure_key, title=title, unit=measure.unit_label, points=points)
    )
    chart, alt = report_charts.measure_chart(panel)
    return model.ChartSpec(title, chart, alt)
