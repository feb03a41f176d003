"""The caseload in one query: one row per visible patient with the figures its flags are judged from.

Everything is aggregated in the database (no patient's history is loaded into Python): each figure is a
correlated subquery that the indexes answer with a short seek per patient, so the cost grows with the
number of patients listed, not with how much history each one has.
Indexes used: assessments (patient_id, measure_key, status, taken_at, side, value), which answers the
value seeks without reading table rows; treatment_sessions (patient_id, session_date) and plans
(patient_id, status). The per-patient figures are a materialised CTE so that the ids of the newest
session and active plan are sought once (a flattened subquery would evaluate them again for the join).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, and_, case, cast, exists, func, select, true
from sqlalchemy.dialects.postgresql import JSONB

from rehab.domain import trends
from rehab.domain.falls import months_before
from rehab.store import versioned
from rehab.store.plan_tables import load_decisions, plans, screen_repeats, treatment_sessions
from rehab.store.tables import (
    assessments,
    care_team,
    falls,
    flag_acknowledgements,
    goal_reviews,
    goals,
    patient_changes,
    patients,
    users,
)


@dataclass(frozen=True)
class CaseloadRow:
    """One patient's figures; each dict maps a measure key to a value (or None).

    ``latest``: newest result; ``earlier``: newest at or before the comparison date; ``recent``: newest after it.
    """

    patient_id: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    condition: str
    event_date: date | None
    registered: datetime
    plan_start: date | None
    retest_every_weeks: int | None
    minimum_per_week: int | None
    last_session_date: date | None
    last_session_status: str | None
    last_screen_outcome: str | None
    sessions_recent: int
    sessions_previous: int
    sessions_recent_week_ago: int
    """The two windows as they stood a week ago: whether falling attendance is new this week."""
    sessions_previous_week_ago: int
    last_test_at: datetime | None
    load_at_ceiling: bool
    """A load decision of the newest session held at the ceiling relative to the latest 1RM: re-test it."""
    last_unheld_session: date | None
    """With ``load_at_ceiling``: the newest session performed with no load held at the ceiling (the ceiling
    was reached after it); None otherwise, or when every session was held."""
    latest: dict[str, float | None]
    earlier: dict[str, float | None]
    recent: dict[str, float | None]
    earlier_at: dict[str, datetime | None]
    """When each ``earlier`` value was taken (the plateau pair must be 6 weeks apart; its flag is dated by it)."""
    recent_at: dict[str, datetime | None]
    fall_dates: tuple[date, ...] = ()
    """Days of the patient's current recorded falls in the last 12 months (ProFaNE falls, migration 0017)."""
    retest_after_hold: bool = False
    """With ``load_at_ceiling``: a final 1RM re-test was taken after the held session (a later day, or the same
    day after the hold was decided), so the plan is no longer waiting for one."""
    goals: tuple[OpenGoal, ...] = ()
    """The patient's active goals (migration 0016), each measure target with its results since it was set."""


@dataclass(frozen=True)
class OpenGoal:
    """One active goal as the caseload judges it: a measure target's results of its measure and side (oldest
    first, each (day, value, side); the rule reads those since the goal was set) and when it was last reviewed."""

    id: int
    kind: str
    measure_key: str | None
    side: str | None
    target_value: float | None
    target_date: date
    set_on: date
    results: tuple[tuple[date, float, str | None], ...]
    last_review: datetime | None


WEEK = timedelta(weeks=1)


def _value_at(measure_key: str, *, until: datetime | None = None, after: datetime | None = None) -> Any:
    """The newest final, whole-body value of a measure for the outer patient (within ``after``, ``until``]."""
    condition = and_(
        assessments.c.patient_id == patients.c.id,
        assessments.c.measure_key == measure_key,
        assessments.c.status == "final",
        assessments.c.side.is_(None),
    )
    if until is not None:
        condition = and_(condition, assessments.c.taken_at <= until)
    if after is not None:
        condition = and_(condition, assessments.c.taken_at > after)
    return (
        select(assessments.c.value)
        .where(condition)
        .order_by(assessments.c.taken_at.desc(), assessments.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _taken_at(measure_key: str, *, until: datetime | None = None, after: datetime | None = None) -> Any:
    """When the value ``_value_at`` reads was taken: the same seek on the same index, for its ``taken_at``."""
    condition = and_(
        assessments.c.patient_id == patients.c.id,
        assessments.c.measure_key == measure_key,
        assessments.c.status == "final",
        assessments.c.side.is_(None),
    )
    if until is not None:
        condition = and_(condition, assessments.c.taken_at <= until)
    if after is not None:
        condition = and_(condition, assessments.c.taken_at > after)
    return select(func.max(assessments.c.taken_at)).where(condition).scalar_subquery()


def _sessions_between(after: date, until: date) -> Any:
    """Sessions performed (not stopped) in ``(after, until]`` for the outer patient."""
    return (
        select(func.count())
        .select_from(treatment_sessions)
        .where(
            and_(
                treatment_sessions.c.patient_id == patients.c.id,
                treatment_sessions.c.session_date > after,
                treatment_sessions.c.session_date <= until,
                treatment_sessions.c.status == "completed",
            )
        )
        .scalar_subquery()
    )


def _last_session_id() -> Any:
    """The patient's newest session that was logged or stopped (its row is then joined by primary key)."""
    return (
        select(treatment_sessions.c.id)
        .where(and_(treatment_sessions.c.patient_id == patients.c.id, treatment_sessions.c.status != "in_progress"))
        .order_by(treatment_sessions.c.session_date.desc(), treatment_sessions.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _active_plan_id() -> Any:
    return (
        select(plans.c.id)
        .where(and_(plans.c.patient_id == patients.c.id, plans.c.status == "active"))
        .order_by(plans.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _on_team(user_id: int) -> Any:
    return exists().where(and_(care_team.c.patient_id == patients.c.id, care_team.c.user_id == user_id))


def listed(conn: Connection, *, visible_to: int | None) -> list[tuple[int, int]]:
    """The active patients (all, or on ``visible_to``'s care team) in name order, each with the generation of
    their data (``patient_changes``; 0 when nothing was written since the counter began)."""
    query = (
        select(patients.c.id, func.coalesce(patient_changes.c.generation, 0))
        .select_from(patients.outerjoin(patient_changes, patient_changes.c.patient_id == patients.c.id))
        .where(patients.c.status == "active")
        .order_by(patients.c.family_name, patients.c.given_name, patients.c.id)
    )
    if visible_to is not None:
        query = query.where(_on_team(visible_to))
    return [(int(r[0]), int(r[1])) for r in conn.execute(query)]


def _template_number(dialect: str, plan: Any, key: str, index: int | None = None) -> Any:
    """A whole number from a plan's stored template (JSON text), read in the database."""
    if dialect == "postgresql":
        doc = cast(plan.c.template, JSONB)[key]
        value = doc[index].astext if index is not None else doc.astext
        return cast(value, Integer)
    path = f"$.{key}" + (f"[{index}]" if index is not None else "")
    return func.json_extract(plan.c.template, path)


def caseload(
    conn: Connection,
    *,
    visible_to: int | None,
    today: date,
    recent_from: date,
    previous_from: date,
    compare_before: datetime,
    latest_measures: Sequence[str],
    compared_measures: Sequence[str],
    only: Sequence[int] | None = None,
) -> list[CaseloadRow]:
    """Active patients (all, or those on ``visible_to``'s care team) with their caseload figures.

    Sessions are counted in ``(recent_from, today]`` and ``(previous_from, recent_from]``;
    ``compared_measures`` also get their newest value at or before ``compare_before`` and the newest after it.
    ``only`` limits the rows to those patients (the ones whose data changed since they were last read).
    """
    dialect = conn.dialect.name
    compared = list(dict.fromkeys([*compared_measures, *latest_measures]))
    # The newest result overall is the newest after the comparison date if there is one, else the newest
    # at or before it: two seeks per measure serve both the plateau pair and the latest value.
    earlier_cols = [_value_at(k, until=compare_before).label(f"earlier__{k}") for k in compared]
    recent_cols = [_value_at(k, after=compare_before).label(f"recent__{k}") for k in compared]
    dated_cols = [
        *[_taken_at(k, until=compare_before).label(f"earlier_at__{k}") for k in compared],
        *[_taken_at(k, after=compare_before).label(f"recent_at__{k}") for k in compared],
    ]
    last_test = (
        select(func.max(assessments.c.taken_at))
        .where(
            and_(
                assessments.c.patient_id == patients.c.id,
                assessments.c.measure_key.in_(list(compared_measures)),
                assessments.c.status == "final",
            )
        )
        .scalar_subquery()
    )
    # One seek each for the newest session and the active plan, then their rows by primary key.
    last = treatment_sessions.alias("last_session")
    plan = plans.alias("active_plan")
    base = select(
        patients.c.id,
        patients.c.mrn,
        patients.c.given_name,
        patients.c.family_name,
        patients.c.birth_date,
        patients.c.sex,
        patients.c.condition,
        patients.c.event_date,
        patients.c.created_at,
        _active_plan_id().label("plan_id"),
        _last_session_id().label("last_session_id"),
        _sessions_between(recent_from, today).label("sessions_recent"),
        _sessions_between(previous_from, recent_from).label("sessions_previous"),
        _sessions_between(recent_from - WEEK, today - WEEK).label("sessions_recent_week_ago"),
        _sessions_between(previous_from - WEEK, recent_from - WEEK).label("sessions_previous_week_ago"),
        last_test.label("last_test_at"),
        *earlier_cols,
        *recent_cols,
        *dated_cols,
    ).where(patients.c.status == "active")
    if visible_to is not None:
        base = base.where(_on_team(visible_to))
    if only is not None:
        base = base.where(patients.c.id.in_(list(only)))
    figures = base.cte("figures").prefix_with("MATERIALIZED")
    query = (
        select(
            figures,
            plan.c.start_date.label("plan_start"),
            _template_number(dialect, plan, "reassessment_every_weeks").label("retest_every_weeks"),
            _template_number(dialect, plan, "sessions_per_week", 0).label("minimum_per_week"),
            last.c.session_date.label("last_session_date"),
            last.c.status.label("last_session_status"),
            func.coalesce(  # the screen that decided the session: a repeat after rest (migration 0019), or the first
                select(screen_repeats.c.screen_outcome)
                .where(screen_repeats.c.session_id == last.c.id)
                .scalar_subquery(),
                last.c.screen_outcome,
            ).label("last_screen_outcome"),
            _load_at_ceiling(figures.c.last_session_id).label("load_at_ceiling"),
            case((_load_at_ceiling(figures.c.last_session_id), _last_unheld_session(figures.c.id)), else_=None).label(
                "last_unheld_session"
            ),
        )
        .select_from(
            figures.outerjoin(plan, plan.c.id == figures.c.plan_id).outerjoin(
                last, last.c.id == figures.c.last_session_id
            )
        )
        .order_by(figures.c.family_name, figures.c.given_name, figures.c.id)
    )
    rows = []
    for r in conn.execute(query):
        m = r._mapping
        rows.append(
            CaseloadRow(
                patient_id=m["id"],
                mrn=m["mrn"],
                given_name=m["given_name"],
                family_name=m["family_name"],
                birth_date=m["birth_date"],
                sex=m["sex"],
                condition=m["condition"],
                event_date=m["event_date"],
                registered=m["created_at"],
                plan_start=m["plan_start"],
                retest_every_weeks=_whole(m["retest_every_weeks"]),
                minimum_per_week=_whole(m["minimum_per_week"]),
                last_session_date=m["last_session_date"],
                last_session_status=m["last_session_status"],
                last_screen_outcome=m["last_screen_outcome"],
                sessions_recent=int(m["sessions_recent"] or 0),
                sessions_previous=int(m["sessions_previous"] or 0),
                sessions_recent_week_ago=int(m["sessions_recent_week_ago"] or 0),
                sessions_previous_week_ago=int(m["sessions_previous_week_ago"] or 0),
                last_test_at=m["last_test_at"],
                load_at_ceiling=bool(m["load_at_ceiling"]),
                last_unheld_session=_day(m["last_unheld_session"]),
                latest={k: _newest(m[f"recent__{k}"], m[f"earlier__{k}"]) for k in latest_measures},
                earlier={k: m[f"earlier__{k}"] for k in compared_measures},
                recent={k: m[f"recent__{k}"] for k in compared_measures},
                earlier_at={k: m[f"earlier_at__{k}"] for k in compared},
                recent_at={k: m[f"recent_at__{k}"] for k in compared},
            )
        )
    return _with_goals(conn, _with_retests(conn, _with_falls(conn, rows, today)), only)


def _with_falls(conn: Connection, rows: list[CaseloadRow], today: date) -> list[CaseloadRow]:
    """Each row with its falls of the last 12 months: one statement for the clinic's recent falls (few)."""
    found: dict[int, list[date]] = {}
    for pid, day in versioned.current_dates(conn, falls, "fell_on", since=months_before(today, 12)):
        found.setdefault(pid, []).append(day)
    return [replace(r, fall_dates=tuple(sorted(found[r.patient_id]))) if r.patient_id in found else r for r in rows]


def _with_goals(conn: Connection, rows: list[CaseloadRow], only: Sequence[int] | None) -> list[CaseloadRow]:
    """Each row with its active goals: one statement for the goals (few per patient), one for their reviews'
    newest dates and one for the results of each target's measure. The whole listing reads the clinic's active
    goals (no id list, however large the caseload); ``only`` those patients'."""
    if not rows:
        return rows
    active = goals.c.status == "active"
    if only is not None:
        active = and_(active, goals.c.patient_id.in_(list(only)))
    found = conn.execute(
        select(goals.c.id, goals.c.patient_id, goals.c.kind, goals.c.measure_key, goals.c.side,
               goals.c.target_value, goals.c.target_date, goals.c.set_on)
        .where(active)
        .order_by(goals.c.target_date, goals.c.id)
    ).all()  # fmt: skip
    if not found:
        return rows
    reviewed = dict(
        conn.execute(
            select(goal_reviews.c.goal_id, func.max(goal_reviews.c.reviewed_at))
            .join(goals, goals.c.id == goal_reviews.c.goal_id)
            .where(active)
            .group_by(goal_reviews.c.goal_id)
        ).all()
    )
    results: dict[int, list[tuple[date, float, str | None]]] = {}
    query = (
        select(goals.c.id, assessments.c.taken_at, assessments.c.value, assessments.c.side)
        .join(
            assessments,
            and_(
                assessments.c.patient_id == goals.c.patient_id,
                assessments.c.measure_key == goals.c.measure_key,
                assessments.c.status == "final",
            ),
        )
        .where(and_(active, goals.c.kind == "measure"))
        .order_by(assessments.c.taken_at, assessments.c.id)
    )
    for goal_id, taken_at, value, side in conn.execute(query):
        results.setdefault(goal_id, []).append((taken_at.date(), float(value), side))
    by_patient: dict[int, list[OpenGoal]] = {}
    for g in found:
        mine = tuple(
            (day, value, side) for day, value, side in results.get(g.id, []) if g.side is None or side == g.side
        )
        by_patient.setdefault(g.patient_id, []).append(
            OpenGoal(g.id, g.kind, g.measure_key, g.side, g.target_value, g.target_date, g.set_on, mine,
                     reviewed.get(g.id))
        )  # fmt: skip
    return [replace(r, goals=tuple(by_patient[r.patient_id])) if r.patient_id in by_patient else r for r in rows]


def _with_retests(conn: Connection, rows: list[CaseloadRow]) -> list[CaseloadRow]:
    """For rows whose newest session held a load at its ceiling: whether a final 1RM was re-tested after that
    session (taken on a later day, or the same day after the hold was decided). One statement for those few."""
    held = {r.patient_id: r for r in rows if r.load_at_ceiling and r.last_session_date is not None}
    if not held:
        return rows
    decided = dict(
        conn.execute(
            select(treatment_sessions.c.patient_id, func.max(load_decisions.c.created_at))
            .join(load_decisions, load_decisions.c.session_id == treatment_sessions.c.id)
            .where(and_(treatment_sessions.c.patient_id.in_(list(held)), load_decisions.c.retest_due == true()))
            .group_by(treatment_sessions.c.patient_id)
        ).all()
    )
    newest = dict(
        conn.execute(
            select(assessments.c.patient_id, func.max(assessments.c.taken_at))
            .where(
                and_(
                    assessments.c.patient_id.in_(list(held)),
                    assessments.c.measure_key == "one_rm",
                    assessments.c.status == "final",
                )
            )
            .group_by(assessments.c.patient_id)
        ).all()
    )
    cleared = {
        pid
        for pid, row in held.items()
        if trends.retested_after(row.last_session_date, decided.get(pid), newest.get(pid))
    }
    return [replace(r, retest_after_hold=True) if r.patient_id in cleared else r for r in rows]


@dataclass(frozen=True)
class Acknowledgement:
    """The newest acknowledgement of one flag of one patient."""

    patient_id: int
    flag: str
    generation: int
    note: str
    by: str
    at: datetime


def acknowledgements(conn: Connection, *, visible_to: int | None) -> list[Acknowledgement]:
    """The newest acknowledgement of each (patient, flag), for active patients (on ``visible_to``'s team).

    The newest ids come from ``ix_flag_acknowledgements_patient`` (patient, flag, id) alone; their rows are
    then read by primary key. Acknowledgements are few (one per flag a clinician chose to wait on).
    """
    newest = (
        select(func.max(flag_acknowledgements.c.id).label("id"))
        .group_by(flag_acknowledgements.c.patient_id, flag_acknowledgements.c.flag)
        .subquery()
    )
    ack = flag_acknowledgements
    query = (
        select(ack.c.patient_id, ack.c.flag, ack.c.generation, ack.c.note, users.c.username, ack.c.acknowledged_at)
        .select_from(
            newest.join(ack, ack.c.id == newest.c.id)
            .join(patients, patients.c.id == ack.c.patient_id)
            .join(users, users.c.id == ack.c.acknowledged_by)
        )
        .where(patients.c.status == "active")
    )
    if visible_to is not None:
        query = query.where(_on_team(visible_to))
    return [Acknowledgement(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5]) for r in conn.execute(query)]


def generation(conn: Connection, patient_id: int) -> int:
    """The patient's data generation now (0 before their first counted write)."""
    value = conn.execute(
        select(patient_changes.c.generation).where(patient_changes.c.patient_id == patient_id)
    ).scalar_one_or_none()
    return int(value or 0)


def add_acknowledgement(
    conn: Connection, *, patient_id: int, flag: str, generation: int, note: str, by: int, at: datetime
) -> int:
    result = conn.execute(
        flag_acknowledgements.insert().values(
            patient_id=patient_id, flag=flag, generation=generation, note=note, acknowledged_by=by, acknowledged_at=at
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _load_at_ceiling(session_id: Any) -> Any:
    """Answered by the partial index on load_decisions (session_id) WHERE retest_due."""
    return exists().where(and_(load_decisions.c.session_id == session_id, load_decisions.c.retest_due == true()))


def _last_unheld_session(patient_id: Any) -> Any:
    """The patient's newest performed session without a load held at the ceiling: a walk back from the newest
    session over (patient_id, session_date), probing the partial index for each, that stops at the first one
    found; asked only for patients whose newest session is held, so the walk is as long as the run held."""
    held = exists().where(
        and_(load_decisions.c.session_id == treatment_sessions.c.id, load_decisions.c.retest_due == true())
    )
    return (
        select(treatment_sessions.c.session_date)
        .where(
            and_(
                treatment_sessions.c.patient_id == patient_id,
                treatment_sessions.c.status == "completed",
                ~held,
            )
        )
        .order_by(treatment_sessions.c.session_date.desc(), treatment_sessions.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _day(value: Any) -> date | None:
    """A date from a CASE result (SQLite returns its ISO text there, PostgreSQL a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _newest(recent: Any, earlier: Any) -> Any:
    return recent if recent is not None else earlier


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)
