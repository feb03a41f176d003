"""SQL for loading plans, their items and load decisions, treatment sessions, sets and clinic settings.

Bulk inserts use SQLAlchemy's batched INSERT ... RETURNING (sorted by parameter order), so demo data and
large sessions cost a handful of statements, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select, update
from sqlalchemy.sql.functions import coalesce

from rehab.domain.planning.loading_plan import (
    DEFAULT_PAUSE_DAYS,
    Decision,
    ItemProgression,
    LoadingPlan,
    OneRm,
    PlanStatus,
)
from rehab.domain.planning.new_plan import NewPlan
from rehab.domain.planning.plan_record import SessionFacts, Settled, facts, new_item, replay, workout
from rehab.domain.planning.template import PhaseTemplate
from rehab.store.plan_json import exercise_from_json, exercise_to_json, template_from_json, template_to_json
from rehab.store.plan_tables import (
    clinic_settings,
    custom_exercises,
    load_decisions,
    plan_items,
    plans,
    screen_repeats,
    session_sets,
    treatment_sessions,
)
from rehab.store.records import inserted_id, records
from rehab.store.tables import users

BATCH = 2000


@dataclass(frozen=True)
class PlanRecord:
    id: int
    patient_id: int
    status: str
    start_date: date
    rule: str
    template: str
    notes: str
    ended_at: datetime | None
    version: int
    created_at: datetime
    created_by: int
    updated_at: datetime
    updated_by: int
    created_by_name: str = ""
    updated_by_name: str = ""


@dataclass(frozen=True)
class ItemRecord:
    id: int
    plan_id: int
    position: int
    exercise_key: str
    exercise: str
    side: str | None
    one_rm_kg: float
    one_rm_method: str
    test_load_kg: float | None
    test_reps: int | None
    low_accuracy: bool
    method_detail: str


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    plan_id: int
    plan_item_id: int
    session_id: int | None
    load_kg: float | None
    band_level: int | None
    previous_load_kg: float | None
    previous_band_level: int | None
    action: str
    rule: str
    reason: str
    sources: str
    needs_confirmation: bool
    confirmed_at: datetime | None
    confirmed_by: int | None
    clinician_override: bool
    override_reason: str
    supersedes_id: int | None
    created_at: datetime
    created_by: int
    retest_due: bool = False
    created_by_name: str = ""
    confirmed_by_name: str = ""

    def in_force(self) -> tuple[float | None, int | None]:
        """The load to use now: an increase awaiting confirmation is not used until a clinician confirms it."""
        if self.needs_confirmation and self.confirmed_at is None:
            return self.previous_load_kg, self.previous_band_level
        return self.load_kg, self.band_level


@dataclass(frozen=True)
class SessionRecord:
    """A treatment session. ``screen_outcome`` and ``screen_reasons`` are the screen that decides the session: the
    repeat after rest when there is one (``screen_repeats``), else the first; ``first_screen_outcome`` and
    ``first_screen_reasons`` are the first screen as recorded, and the reading columns are always the first's."""

    id: int
    plan_id: int
    patient_id: int
    session_date: date
    week: int
    status: str
    screen_outcome: str | None
    systolic_mmhg: float | None
    diastolic_mmhg: float | None
    resting_heart_rate_bpm: float | None
    pain_now: int | None
    new_neuro_symptoms: bool | None
    chest_pain: bool | None
    unwell_or_fever: bool | None
    spo2_percent: float | None
    standing_systolic_mmhg: float | None
    standing_diastolic_mmhg: float | None
    orthostatic_symptoms: bool | None
    glucose_mmol_l: float | None
    screen_reasons: str
    screen_thresholds: str
    not_performed_reason: str
    version: int
    created_at: datetime
    created_by: int
    updated_at: datetime
    updated_by: int
    updated_by_name: str = ""
    pain_unsettled_next_morning: bool | None = None
    first_screen_outcome: str | None = None
    first_screen_reasons: str = "[]"
    repeat_id: int | None = None


@dataclass(frozen=True)
class ScreenRepeatRecord:
    """The readiness screen measured again after rest (migration 0019); the first stays on the session."""

    id: int
    session_id: int
    screen_outcome: str
    systolic_mmhg: float
    diastolic_mmhg: float
    resting_heart_rate_bpm: float
    spo2_percent: float | None
    standing_systolic_mmhg: float | None
    standing_diastolic_mmhg: float | None
    orthostatic_symptoms: bool | None
    rest_minutes: int
    screen_reasons: str
    screen_thresholds: str
    created_at: datetime
    created_by: int
    created_by_name: str = ""


@dataclass(frozen=True)
class SetRecord:
    id: int
    session_id: int
    plan_item_id: int
    set_number: int
    prescribed_load_kg: float | None
    prescribed_band_level: int | None
    target_reps: int
    load_kg: float | None
    band_level: int | None
    reps: int | None
    effort: float | None
    pain_during: int | None
    pain_after: int | None


@dataclass(frozen=True)
class SettingRecord:
    name: str
    version: int
    value: str
    created_at: datetime
    created_by: int
    created_by_name: str


def _insert_returning_ids(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), BATCH):
        ids.extend(int(i) for i in conn.execute(statement, list(rows[start : start + BATCH])).scalars())
    return ids


def _insert_many(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), list(rows[start : start + BATCH]))


# --- custom exercises ---------------------------------------------------------------------------------


def add_custom_exercise(conn: Connection, values: dict[str, Any]) -> int:
    result = conn.execute(insert(custom_exercises).values(**values))
    return inserted_id(result)


def custom_exercise_rows(conn: Connection) -> list[dict[str, Any]]:
    query = select(custom_exercises).order_by(custom_exercises.c.name, custom_exercises.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


# --- clinic settings ----------------------------------------------------------------------------------


def latest_setting(conn: Connection, name: str) -> SettingRecord | None:
    query = (
        select(
            clinic_settings.c.name,
            clinic_settings.c.version,
            clinic_settings.c.value,
            clinic_settings.c.created_at,
            clinic_settings.c.created_by,
            users.c.display_name.label("created_by_name"),
        )
        .join(users, users.c.id == clinic_settings.c.created_by)
        .where(clinic_settings.c.name == name)
        .order_by(clinic_settings.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return SettingRecord(**row._mapping) if row else None


def add_setting(conn: Connection, *, name: str, version: int, value: str, user_id: int, now: datetime) -> None:
    conn.execute(
        insert(clinic_settings).values(name=name, version=version, value=value, created_at=now, created_by=user_id)
    )


# --- plans --------------------------------------------------------------------------------------------

_created_by = users.alias()
_updated_by = users.alias()


def _plan_query() -> Select[Any]:
    return (
        select(
            plans,
            _created_by.c.display_name.label("created_by_name"),
            _updated_by.c.display_name.label("updated_by_name"),
        )
        .join(_created_by, _created_by.c.id == plans.c.created_by)
        .join(_updated_by, _updated_by.c.id == plans.c.updated_by)
    )


def add_plans(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    return _insert_returning_ids(conn, plans, rows)


def get_plan(conn: Connection, plan_id: int) -> PlanRecord | None:
    row = conn.execute(_plan_query().where(plans.c.id == plan_id)).first()
    return PlanRecord(**row._mapping) if row else None


def active_plan(conn: Connection, patient_id: int) -> PlanRecord | None:
    query = _plan_query().where(and_(plans.c.patient_id == patient_id, plans.c.status == "active"))
    row = conn.execute(query.order_by(plans.c.id.desc()).limit(1)).first()
    return PlanRecord(**row._mapping) if row else None


def lock_plan(conn: Connection, plan_id: int) -> None:
    """Hold the plan row until the transaction ends (PostgreSQL; SQLite writers are already serialised)."""
    conn.execute(select(plans.c.id).where(plans.c.id == plan_id).with_for_update())


def patient_plans(conn: Connection, patient_id: int) -> list[PlanRecord]:
    query = _plan_query().where(plans.c.patient_id == patient_id).order_by(plans.c.id.desc())
    return [PlanRecord(**r._mapping) for r in conn.execute(query)]


def bump_plan(
    conn: Connection,
    plan_id: int,
    *,
    user_id: int,
    now: datetime,
    expected_version: int | None = None,
    values: dict[str, Any] | None = None,
) -> bool:
    """Raise the plan's version (and apply ``values``); with ``expected_version``, only if nobody saved since."""
    condition = plans.c.id == plan_id
    if expected_version is not None:
        condition = and_(condition, plans.c.version == expected_version)
    result = conn.execute(
        update(plans)
        .where(condition)
        .values(**(values or {}), version=plans.c.version + 1, updated_at=now, updated_by=user_id)
    )
    return result.rowcount == 1


# --- plan items ---------------------------------------------------------------------------------------


def add_items(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    return _insert_returning_ids(conn, plan_items, rows)


def items(conn: Connection, plan_id: int) -> list[ItemRecord]:
    query = select(plan_items).where(plan_items.c.plan_id == plan_id).order_by(plan_items.c.position)
    return [ItemRecord(**r._mapping) for r in conn.execute(query)]


# --- load decisions -----------------------------------------------------------------------------------

_decided_by = users.alias()
_confirmed_by = users.alias()


def _decision_query() -> Select[Any]:
    return (
        select(
            load_decisions,
            _decided_by.c.display_name.label("created_by_name"),
            func.coalesce(_confirmed_by.c.display_name, "").label("confirmed_by_name"),
        )
        .join(_decided_by, _decided_by.c.id == load_decisions.c.created_by)
        .outerjoin(_confirmed_by, _confirmed_by.c.id == load_decisions.c.confirmed_by)
    )


def add_decisions(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    return _insert_returning_ids(conn, load_decisions, rows)


def add_decisions_fast(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert without returning ids (demo data)."""
    _insert_many(conn, load_decisions, rows)


def current_decisions(conn: Connection, plan_id: int) -> dict[int, DecisionRecord]:
    """The decision in force for each item of a plan: the newest row per item."""
    newest = (
        select(func.max(load_decisions.c.id))
        .where(load_decisions.c.plan_id == plan_id)
        .group_by(load_decisions.c.plan_item_id)
    )
    query = _decision_query().where(load_decisions.c.id.in_(newest))
    return {int(r.plan_item_id): DecisionRecord(**r._mapping) for r in conn.execute(query)}


def decision_history(conn: Connection, plan_id: int) -> list[DecisionRecord]:
    query = _decision_query().where(load_decisions.c.plan_id == plan_id).order_by(load_decisions.c.id)
    return [DecisionRecord(**r._mapping) for r in conn.execute(query)]


def confirm_decision(conn: Connection, decision_id: int, *, user_id: int, now: datetime) -> bool:
    result = conn.execute(
        update(load_decisions)
        .where(and_(load_decisions.c.id == decision_id, load_decisions.c.confirmed_at.is_(None)))
        .values(confirmed_at=now, confirmed_by=user_id)
    )
    return result.rowcount == 1


# --- treatment sessions and sets ----------------------------------------------------------------------


_DECIDING = ("screen_outcome", "screen_reasons")


def _session_query() -> Select[Any]:
    """Sessions with the screen that decides each: the repeat after rest if any, else the first."""
    t, r = treatment_sessions, screen_repeats
    return (
        select(
            *(c for c in t.c if c.name not in _DECIDING),
            users.c.display_name.label("updated_by_name"),
            coalesce(r.c.screen_outcome, t.c.screen_outcome).label("screen_outcome"),
            coalesce(r.c.screen_reasons, t.c.screen_reasons).label("screen_reasons"),
            t.c.screen_outcome.label("first_screen_outcome"),
            t.c.screen_reasons.label("first_screen_reasons"),
            r.c.id.label("repeat_id"),
        )
        .join(users, users.c.id == t.c.updated_by)
        .outerjoin(r, r.c.session_id == t.c.id)
    )


def add_sessions(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    return _insert_returning_ids(conn, treatment_sessions, rows)


def get_session(conn: Connection, session_id: int) -> SessionRecord | None:
    row = conn.execute(_session_query().where(treatment_sessions.c.id == session_id)).first()
    return SessionRecord(**row._mapping) if row else None


def open_session(conn: Connection, plan_id: int) -> SessionRecord | None:
    """The session of this plan that was screened but not yet logged, if any."""
    query = _session_query().where(
        and_(treatment_sessions.c.plan_id == plan_id, treatment_sessions.c.status == "in_progress")
    )
    row = conn.execute(query.order_by(treatment_sessions.c.id.desc()).limit(1)).first()
    return SessionRecord(**row._mapping) if row else None


def plan_sessions(conn: Connection, plan_id: int) -> list[SessionRecord]:
    """All sessions of a plan, oldest first."""
    query = _session_query().where(treatment_sessions.c.plan_id == plan_id)
    query = query.order_by(treatment_sessions.c.session_date, treatment_sessions.c.id)
    return records(conn.execute(query), SessionRecord)


def update_session_if_version(
    conn: Connection, session_id: int, *, expected_version: int, values: dict[str, Any], user_id: int, now: datetime
) -> bool:
    result = conn.execute(
        update(treatment_sessions)
        .where(and_(treatment_sessions.c.id == session_id, treatment_sessions.c.version == expected_version))
        .values(**values, version=expected_version + 1, updated_at=now, updated_by=user_id)
    )
    return result.rowcount == 1


def add_screen_repeat(conn: Connection, values: dict[str, Any]) -> int:
    return inserted_id(conn.execute(insert(screen_repeats).values(**values)))


def session_repeats(conn: Connection, session_ids: Sequence[int]) -> dict[int, ScreenRepeatRecord]:
    """The repeat after rest of each of these sessions that has one, by session id."""
    if not session_ids:
        return {}
    query = (
        select(screen_repeats, users.c.display_name.label("created_by_name"))
        .join(users, users.c.id == screen_repeats.c.created_by)
        .where(screen_repeats.c.session_id.in_(list(session_ids)))
    )
    return {r.session_id: r for r in records(conn.execute(query), ScreenRepeatRecord)}


def add_sets(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    _insert_many(conn, session_sets, rows)


def plan_sets(conn: Connection, plan_id: int) -> list[SetRecord]:
    """Every logged set of a plan, in session order then item and set number."""
    query = (
        select(session_sets)
        .join(treatment_sessions, treatment_sessions.c.id == session_sets.c.session_id)
        .where(treatment_sessions.c.plan_id == plan_id)
        .order_by(
            treatment_sessions.c.session_date,
            treatment_sessions.c.id,
            session_sets.c.plan_item_id,
            session_sets.c.set_number,
        )
    )
    return records(conn.execute(query), SetRecord)


# --- the loading plan aggregate -----------------------------------------------------------------------


def session_facts(template: PhaseTemplate, session: SessionRecord) -> SessionFacts:
    """A stored session as the engine reads it."""
    return facts(
        template,
        on=session.session_date,
        week=session.week,
        status=session.status,
        screen_outcome=session.screen_outcome,
        not_performed_reason=session.not_performed_reason,
    )


def units(uses_bands: bool, kg: float | None, level: int | None) -> float:
    """A stored load in the engine's units: kg, or the band level for a band exercise."""
    return float(level or 0) if uses_bands else float(kg or 0.0)


def get(
    conn: Connection,
    plan_id: int,
    *,
    pause_days: int = DEFAULT_PAUSE_DAYS,
    retests: Mapping[int, Sequence[OneRm]] | None = None,
    before: tuple[date, int] | None = None,
) -> LoadingPlan | None:
    """The plan as its aggregate: each item rebuilt from the record (``plan_record.replay``) with its version.

    ``retests`` are 1RMs recorded on the assessment page since the plan started, per item; ``before`` (a
    session's date and id) leaves out sessions logged after that one. Sessions still open are left out.
    """
    plan = get_plan(conn, plan_id)
    if plan is None:
        return None
    template = template_from_json(plan.template)
    sessions = [
        s
        for s in plan_sessions(conn, plan_id)
        if s.status != "in_progress" and (before is None or (s.session_date, s.id) < before)
    ]
    sets_by: dict[tuple[int, int], list[SetRecord]] = {}
    for logged in plan_sets(conn, plan_id):
        sets_by.setdefault((logged.session_id, logged.plan_item_id), []).append(logged)
    after: dict[tuple[int, int | None], list[DecisionRecord]] = {}
    after_all: dict[int, DecisionRecord] = {}
    for d in decision_history(conn, plan_id):
        after.setdefault((d.plan_item_id, d.session_id), []).append(d)
        after_all[d.plan_item_id] = d
    found: dict[int, ItemProgression] = {}
    for record in items(conn, plan_id):
        exercise = exercise_from_json(record.exercise)
        progression = new_item(
            exercise,
            plan.rule,
            baseline_kg=record.one_rm_kg,
            method=record.one_rm_method,
            template=template,
            retests=(retests or {}).get(record.id, ()),
            pause_days=pause_days,
        )

        def settled(
            session_id: int | None, item_id: int = record.id, bands: bool = exercise.uses_bands
        ) -> Settled | None:
            rows = after.get((item_id, session_id))
            if not rows:
                return None
            return Settled(units(bands, *rows[-1].in_force()), any(r.clinician_override for r in rows))

        past = [
            (workout(exercise, session_facts(template, s), sets_by.get((s.id, record.id), [])), settled(s.id))
            for s in sessions
        ]
        replay(progression, settled(None), past)
        newest = after_all.get(record.id)
        if newest is not None:  # the load in force now, should a later session's decision be left out above
            progression.stored(units(exercise.uses_bands, *newest.in_force()))
        found[record.id] = progression
    return LoadingPlan(found, PlanStatus(plan.status), plan.version)


def decision_values(decision: Decision, *, uses_bands: bool) -> dict[str, Any]:
    """A decision as a ``load_decisions`` row's values (kg, or a band level), without ids or who and when."""
    return {
        "load_kg": None if uses_bands else decision.load,
        "band_level": int(decision.load) if uses_bands else None,
        "previous_load_kg": None if uses_bands else decision.previous,
        "previous_band_level": int(decision.previous) if uses_bands else None,
        "action": decision.action.value,
        "rule": str(decision.rule),
        "reason": decision.reason,
        "sources": json.dumps(list(decision.sources)),
        "needs_confirmation": decision.needs_confirmation,
        "clinician_override": bool(decision.override_reason),
        "override_reason": decision.override_reason,
        "retest_due": decision.retest_due,
    }


def add(conn: Connection, patient_id: int, new: NewPlan, *, user_id: int, now: datetime) -> int:
    """Store a new plan as version 1: its row, its items with their baselines, and each item's first load."""
    (plan_id,) = add_plans(
        conn,
        [
            {
                "patient_id": patient_id,
                "status": PlanStatus.ACTIVE.value,
                "start_date": new.start_date,
                "rule": new.rule.value,
                "template": template_to_json(new.template),
                "notes": new.notes,
                "ended_at": None,
                "version": 1,
                "created_at": now,
                "created_by": user_id,
                "updated_at": now,
                "updated_by": user_id,
            }
        ],
    )
    item_ids = add_items(
        conn,
        [
            {
                "plan_id": plan_id,
                "position": position,
                "exercise_key": item.exercise.key,
                "exercise": exercise_to_json(item.exercise),
                "side": item.side.value if item.side else None,
                "one_rm_kg": item.baseline.one_rm_kg,
                "one_rm_method": item.baseline.method.value,
                "test_load_kg": item.baseline.test_load_kg,
                "test_reps": item.baseline.test_reps,
                "low_accuracy": item.baseline.low_accuracy,
                "method_detail": item.baseline.method_detail,
            }
            for position, item in enumerate(new.items, start=1)
        ],
    )
    first = [
        dict(
            first_load_values(decision, uses_bands=item.exercise.uses_bands),
            plan_id=plan_id,
            plan_item_id=item_id,
            session_id=None,
            created_at=now,
            created_by=user_id,
        )
        for item_id, item, decision in zip(item_ids, new.items, new.first_loads, strict=True)
    ]
    add_decisions(conn, first)
    return plan_id


def first_load_values(decision: Decision, *, uses_bands: bool) -> dict[str, Any]:
    """A plan's first load as a ``load_decisions`` row's values: nothing was in force before it."""
    return dict(decision_values(decision, uses_bands=uses_bands), previous_load_kg=None, previous_band_level=None)


def save(
    conn: Connection,
    plan_id: int,
    plan: LoadingPlan,
    *,
    expected_version: int | None,
    user_id: int,
    now: datetime,
) -> bool:
    """Store what changed in the aggregate (its new decisions, confirmations and status) as one new version.

    False, and nothing written, when someone saved the plan after ``expected_version`` (None: no check, for
    a session whose own version is the guard).
    """
    values: dict[str, Any] = {"status": plan.status.value}
    if plan.status is PlanStatus.ENDED:
        values["ended_at"] = func.coalesce(plans.c.ended_at, now)
    if not bump_plan(conn, plan_id, user_id=user_id, now=now, expected_version=expected_version, values=values):
        return False
    rows = [
        dict(
            decision_values(r.decision, uses_bands=plan.items[r.item_id].exercise.uses_bands),
            plan_id=plan_id,
            plan_item_id=r.item_id,
            session_id=r.session,
            supersedes_id=r.supersedes,
            created_at=now,
            created_by=user_id,
        )
        for r in plan.recorded
    ]
    add_decisions(conn, rows)
    for decision_id in plan.confirmed:
        confirm_decision(conn, decision_id, user_id=user_id, now=now)
    plan.recorded, plan.confirmed = [], []
    return True
