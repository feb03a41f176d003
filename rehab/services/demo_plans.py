"""Fictional loading plans and months of logged sessions for demo patients, run through the real engine.

Deterministic for a seed. Each patient gets a plan from baselines (tested or estimated), then 2–3 sessions
a week until ``today`` with missed sessions, readiness-screen cautions and stops, pain flags, confirmed
(and occasionally unconfirmed) large increases and the odd clinician override. Performance is simulated
from a "true" 1RM that rises quickly in the neural weeks and slowly after. Everything is inserted in bulk
inside the caller's transaction; the caller writes the audit entry.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from rehab.domain.planning import (
    DEFAULT_EXERCISES,
    DEFAULT_TEMPLATE,
    Baseline,
    Exercise,
    OneRmMethod,
    PhaseTemplate,
    PlanItem,
    Side,
    deload_week,
    prescription_for,
)
from rehab.domain.planning.loading_plan import DEFAULT_PAUSE_DAYS, Decision, ItemProgression, OneRm, Rule
from rehab.domain.planning.new_plan import first_load
from rehab.domain.planning.plan_record import LoggedSet, SessionFacts, new_item, workout
from rehab.domain.safety import ReadinessAnswers, screen_readiness
from rehab.domain.strength import estimate_1rm
from rehab.services.exercise_library import library_in
from rehab.services.plan_context import LoadedItem, describe_load, week_of
from rehab.store import assessments as assessment_store
from rehab.store import bulk
from rehab.store import plans as plan_store
from rehab.store.plan_json import exercise_to_json, template_to_json
from rehab.store.plan_tables import load_decisions, plans, session_sets, treatment_sessions
from rehab.store.plans import ItemRecord, units
from rehab.store.tables import patients as patient_table

CHUNK = 100  # patients simulated and inserted together, to bound memory

# (exercise key, sides, typical non-paretic 1RM in kg) — sides None means bilateral.
_ROUTINES: tuple[tuple[tuple[str, tuple[str | None, ...], float], ...], ...] = (
    (("leg_press", (None,), 90.0), ("knee_extension", ("paretic", "non_paretic"), 30.0), ("seated_row", (None,), 35.0)),
    (("leg_press", (None,), 80.0), ("knee_flexion", ("paretic",), 22.0), ("hip_abduction", ("paretic",), 6.0)),
    (("sit_to_stand_loaded", (None,), 12.0), ("knee_extension", ("paretic",), 25.0), ("chest_press", (None,), 30.0)),
    (
        ("leg_press", (None,), 100.0),
        ("elbow_flexion", ("paretic", "non_paretic"), 10.0),
        ("lat_pulldown", (None,), 35.0),
    ),
    (("leg_press_single", ("paretic", "non_paretic"), 55.0), ("ankle_dorsiflexion", ("paretic",), 5.0)),
)
_RULES = (("two_for_two", 7), ("rpe", 2), ("dapre", 1))


@dataclass
class _Item:
    loaded: LoadedItem
    progression: ItemProgression
    true_1rm: float
    growth: float
    decision: dict[str, Any]
    decision_index: int


@dataclass
class _Patient:
    patient_id: int
    plan_index: int
    start: date
    rule: str
    per_week: int
    paretic_side: str = ""
    items: list[_Item] = field(default_factory=list)


@dataclass(frozen=True)
class _LoggedSet:
    target_reps: int
    load_kg: float | None
    band_level: int | None
    reps: int | None
    effort: float | None
    pain_during: int | None
    pain_after: int | None


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _session_days(rng: random.Random, start: date, today: date, per_week: int) -> list[date]:
    weekdays = sorted(rng.sample([0, 1, 2, 3, 4], per_week))
    days = []
    day = start
    while day < today:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _answers(rng: random.Random) -> ReadinessAnswers:
    roll = rng.random()
    sbp, dbp, hr, pain = rng.randint(118, 150), rng.randint(70, 88), rng.randint(60, 88), rng.choice([0, 0, 1, 2])
    neuro = chest = unwell = False
    if roll < 0.012:
        sbp, dbp = rng.randint(182, 196), rng.randint(95, 108)
    elif roll < 0.020:
        unwell = True
    elif roll < 0.024:
        neuro = True
    elif roll < 0.070:
        sbp, dbp = rng.randint(162, 175), rng.randint(88, 99)
    elif roll < 0.085:
        pain = rng.randint(4, 5)
    return ReadinessAnswers(sbp, dbp, hr, pain, neuro, chest, unwell)


def _true_1rm(item: _Item, week: int) -> float:
    """Neural weeks bring most of the gain (Lee 2010: nearly all within 6–8 weeks), later weeks little."""
    early = min(week, 8) / 8 * item.growth
    late = max(0, week - 8) * 0.004
    return item.true_1rm * (1 + early + late)


def _reps(rng: random.Random, one_rm: float, load: float, reps_high: int) -> tuple[int, float]:
    """Reps done and effort at a load: Epley's inverse gives the reps to failure, patients stop near the top."""
    if load <= 0:
        return reps_high, 4.0
    to_failure = max(0.0, 30 * (one_rm / load - 1)) + rng.uniform(-1.5, 1.5)
    reps = int(max(0, min(reps_high + rng.choice([0, 0, 1, 2]), to_failure)))
    in_reserve = max(0.0, to_failure - reps)
    return reps, round(max(3.0, min(10.0, 10 - in_reserve)) * 2) / 2


def generate_plans(
    conn: Connection,
    *,
    patient_ids: list[int],
    clinician_id: int,
    seed: int,
    today: date,
    starts: Mapping[int, date] | None = None,
    rng: random.Random | None = None,
) -> int:
    """Create a plan and its sessions for each patient (inside the caller's transaction); returns plans made.

    ``starts`` gives a patient's plan start date; patients without one start 8 to 26 weeks before ``today``.
    """
    rng = rng or random.Random(seed)
    exercises = library_in(conn)
    template = DEFAULT_TEMPLATE
    template_text = template_to_json(template)
    made = 0
    for start in range(0, len(patient_ids), CHUNK):
        made += _chunk(
            conn,
            rng,
            patient_ids[start : start + CHUNK],
            exercises,
            template,
            template_text,
            clinician_id,
            today,
            starts or {},
        )
    return made


def _chunk(
    conn: Connection,
    rng: random.Random,
    patient_ids: Sequence[int],
    exercises: dict[str, Exercise],
    template: PhaseTemplate,
    template_text: str,
    clinician_id: int,
    today: date,
    starts: Mapping[int, date],
) -> int:
    patients: list[_Patient] = []
    plan_rows: list[dict[str, Any]] = []  # as plan_store.add_plans takes them
    paretic_sides = dict(conn.execute(select(patient_table.c.id, patient_table.c.paretic_side).where(
        patient_table.c.id.in_(list(patient_ids)))).all())  # fmt: skip
    for pid in patient_ids:
        start = starts[pid] if pid in starts else today - timedelta(days=rng.randint(56, 185))
        rule = rng.choices([r for r, _ in _RULES], weights=[w for _, w in _RULES])[0]
        patients.append(
            _Patient(pid, len(plan_rows), start, rule, rng.choice([2, 2, 3]), str(paretic_sides.get(pid, "")))
        )
        created = _at(start, 9)
        plan_rows.append(
            {
                "patient_id": pid,
                "status": "active",
                "start_date": start,
                "rule": rule,
                "template": template_text,
                "notes": "Fictional demo plan.",
                "ended_at": None,
                "version": 1,
                "created_at": created,
                "created_by": clinician_id,
                "updated_at": created,
                "updated_by": clinician_id,
            }
        )
    plan_ids = plan_store.add_plans(conn, plan_rows)
    item_rows: list[dict[str, Any]] = []
    owners: list[tuple[_Patient, float, float]] = []
    for patient, plan_id in zip(patients, plan_ids, strict=True):
        routine = rng.choice(_ROUTINES)
        position = 0
        for key, sides, typical in routine:
            exercise = exercises[key]
            strong = typical * rng.uniform(0.6, 1.3)
            for side in sides:
                true = strong * (rng.uniform(0.55, 0.85) if side == "paretic" else 1.0)
                position += 1
                if rng.random() < 0.3:
                    one_rm, method, load, reps, detail = (
                        round(true, 1),
                        "tested_1rm",
                        None,
                        None,
                        f"Tested 1RM {true:.1f} kg",
                    )
                else:
                    reps = rng.choice([5, 6, 8, 8, 10, 10, 11, 12])
                    load = max(exercise.load_step_kg or 1.0, round(true / (1 + reps / 30)))
                    one_rm = estimate_1rm(load, reps)
                    method = "estimated_submaximal"
                    detail = f"Epley: {load:g} kg × (1 + {reps}/30) = {one_rm:.1f} kg"
                item_rows.append(
                    {
                        "plan_id": plan_id,
                        "position": position,
                        "exercise_key": key,
                        "exercise": exercise_to_json(exercise),
                        "side": side,
                        "one_rm_kg": one_rm,
                        "one_rm_method": method,
                        "test_load_kg": load,
                        "test_reps": reps,
                        "low_accuracy": reps in (11, 12),
                        "method_detail": detail,
                    }
                )
                owners.append((patient, true, rng.uniform(0.15, 0.35)))
    item_ids = plan_store.add_items(conn, item_rows)
    decisions: list[dict[str, Any]] = []
    for item_id, row, (patient, true, growth) in zip(item_ids, item_rows, owners, strict=True):
        loaded = LoadedItem(ItemRecord(id=item_id, **row), exercises[row["exercise_key"]])
        first = dict(initial_decision(template, loaded, patient.rule), plan_id=row["plan_id"], plan_item_id=item_id)
        first.update(session_id=None, created_at=_at(patient.start, 9), created_by=clinician_id)
        decisions.append(first)
        patient.items.append(
            _Item(loaded, item_progression(loaded, patient.rule, template), true, growth, first, len(decisions) - 1)
        )
    sessions: list[dict[str, Any]] = []
    sets: list[tuple[int, tuple[Any, ...]]] = []
    session_of_decision: dict[int, int] = {}
    overrides: list[tuple[int, int]] = []
    retests: list[dict[str, Any]] = []
    for patient, plan_id in zip(patients, plan_ids, strict=True):
        _simulate(
            rng,
            patient,
            plan_id,
            template,
            clinician_id,
            today,
            sessions,
            sets,
            decisions,
            session_of_decision,
            overrides,
            retests,
        )
    if retests:
        assessment_store.add_many(conn, retests)
    # Ids are reserved up front so sets and decisions can point at their session without INSERT ... RETURNING.
    session_ids = bulk.reserve_ids(conn, treatment_sessions, len(sessions))
    bulk.insert_rows(
        conn, treatment_sessions, [dict(row, id=sid) for row, sid in zip(sessions, session_ids, strict=True)]
    )
    bulk.insert_plain(
        conn,
        session_sets,
        ("session_id", *_SET_COLUMNS),
        [(session_ids[index], *row) for index, row in sets],
    )
    for index, session_index in session_of_decision.items():
        decisions[index]["session_id"] = session_ids[session_index]
    decision_ids = bulk.reserve_ids(conn, load_decisions, len(decisions))
    for row, decision_id in zip(decisions, decision_ids, strict=True):
        row["id"] = decision_id
    for i, j in overrides:
        decisions[i]["supersedes_id"] = decision_ids[j]
    bulk.insert_rows(conn, load_decisions, [dict(_DECISION_DEFAULTS, **row) for row in decisions])
    _stamp_plans(conn, sessions, decisions)
    return len(plan_ids)


def _stamp_plans(conn: Connection, sessions: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> None:
    """Each logged session, override and confirmation raised the plan's version, as the services do."""
    changes: dict[int, int] = {}
    last: dict[int, datetime] = {}
    for row in sessions:
        changes[row["plan_id"]] = changes.get(row["plan_id"], 0) + 1
    for row in decisions:
        plan_id = row["plan_id"]
        changes[plan_id] = changes.get(plan_id, 0) + int(row["clinician_override"]) + int(bool(row.get("confirmed_at")))
        stamp = row.get("confirmed_at") or row["created_at"]
        last[plan_id] = max(last.get(plan_id, stamp), stamp)
    if changes:
        conn.execute(
            update(plans)
            .where(plans.c.id == bindparam("b_id"))
            .values(version=bindparam("b_version"), updated_at=bindparam("b_at")),
            [{"b_id": pid, "b_version": 1 + n, "b_at": last[pid]} for pid, n in changes.items()],
        )


def _simulate(
    rng: random.Random,
    patient: _Patient,
    plan_id: int,
    template: PhaseTemplate,
    clinician_id: int,
    today: date,
    sessions: list[dict[str, Any]],
    sets: list[tuple[int, tuple[Any, ...]]],
    decisions: list[dict[str, Any]],
    session_of_decision: dict[int, int],
    overrides: list[tuple[int, int]],
    retests: list[dict[str, Any]],
) -> None:
    for day in _session_days(rng, patient.start, today, patient.per_week):
        if rng.random() < 0.08:
            continue  # did not attend: no record
        week = week_of(patient.start, day)
        deload = deload_week(template, week).is_deload
        answers = _answers(rng)
        result = screen_readiness(answers)
        at = _at(day, 10)
        stop = not result.permits_session
        lines = [
            {
                "outcome": r.outcome,
                "text": r.text,
                "source": r.source,
                "evidence": r.evidence.label,
                "escalate": r.escalate,
            }
            for r in result.reasons
        ]
        reason = "Readiness screen said stop: " + " ".join(r.text for r in result.reasons if r.outcome == "stop")
        session_index = len(sessions)
        sessions.append(
            {
                "plan_id": plan_id,
                "patient_id": patient.patient_id,
                "session_date": day,
                "week": week,
                "status": "not_performed" if stop else "completed",
                "screen_outcome": result.outcome,
                "systolic_mmhg": answers.systolic_mmhg,
                "diastolic_mmhg": answers.diastolic_mmhg,
                "resting_heart_rate_bpm": answers.resting_heart_rate_bpm,
                "pain_now": answers.pain_now,
                "new_neuro_symptoms": answers.new_neuro_symptoms,
                "chest_pain": answers.chest_pain,
                "unwell_or_fever": answers.unwell_or_fever,
                "screen_reasons": json.dumps(lines),
                "screen_thresholds": "{}",
                "not_performed_reason": reason if stop else "",
                "version": 2 if not stop else 1,
                "created_at": at,
                "created_by": clinician_id,
                "updated_at": at + timedelta(minutes=45),
                "updated_by": clinician_id,
            }
        )
        facts = SessionFacts(day, week, not stop, result.outcome, deload, reason if stop else "")
        pain_flag = rng.random() < 0.04
        for item in patient.items:
            if not stop and item.decision.get("retest_due"):
                _retest(rng, patient, item, day, week, clinician_id, retests)
            logged = [] if stop else _perform(rng, item, template, week, deload, pain_flag)
            for number, s in enumerate(logged, start=1):
                sets.append((session_index, _set_row(item, number, s)))
            _decide(
                rng, item, facts, logged, at, clinician_id, decisions, session_index, session_of_decision, overrides
            )


def _retest(
    rng: random.Random,
    patient: _Patient,
    item: _Item,
    day: date,
    week: int,
    clinician_id: int,
    retests: list[dict[str, Any]],
) -> None:
    """The plan held a load at its ceiling: the clinician re-tests the 1RM before the session and records it
    on the assessment page (a one_rm result naming the exercise and side), where the engine reads it from."""
    exercise, side = item.loaded.exercise, item.loaded.side
    body_side: str | None = None
    if side is not None:
        if patient.paretic_side not in ("left", "right"):
            return  # left/right cannot be told for this patient: no re-test recorded
        other = "right" if patient.paretic_side == "left" else "left"
        body_side = patient.paretic_side if side == "paretic" else other
    tested = round(_true_1rm(item, week) * rng.gauss(1, 0.02) * 2) / 2
    taken = _at(day, 9) + timedelta(minutes=30)
    retests.append(
        {
            "patient_id": patient.patient_id, "measure_key": "one_rm", "taken_at": taken, "side": body_side,
            "site": exercise.name, "value": tested, "value_text": None, "unit": "kg", "items": None, "trials": None,
            "context": {"demo": True, "method": "tested"}, "note": "Re-test: the load had reached 80 % of the 1RM.",
            "entry_group": str(uuid.uuid4()), "status": "final", "status_reason": "", "supersedes_id": None,
            "assessor_id": clinician_id, "created_at": taken, "version": 1,
        }
    )  # fmt: skip
    item.progression.one_rm = OneRm(tested, day, "tested 1RM recorded on the assessment page")


@functools.lru_cache(maxsize=1024)
def _week_dose(template: PhaseTemplate, week: int) -> tuple[int, int, int]:
    """Sets, target reps and top of the rep range for a week; the same for every exercise."""
    dose = prescription_for(template, week, 100.0, DEFAULT_EXERCISES["leg_press"])
    return dose.sets, dose.target_reps, dose.reps_range[1]


def _perform(
    rng: random.Random, item: _Item, template: PhaseTemplate, week: int, deload: bool, pain_flag: bool
) -> list[_LoggedSet]:
    exercise = item.loaded.exercise
    sets, target, reps_high = _week_dose(template, week)
    load, level = _in_force(item.decision)
    if deload:
        light = prescription_for(template, week, item.loaded.record.one_rm_kg, exercise, side=item.loaded.side)
        if exercise.uses_bands and level is not None and light.band_level is not None:
            level = min(level, light.band_level)
        elif load is not None and light.load_kg is not None:
            load = min(load, light.load_kg)
    kg = exercise.band_levels[level].nominal_kg if exercise.uses_bands and level is not None else (load or 0.0)
    true = _true_1rm(item, week)
    out = []
    for number in range(1, sets + 1):
        reps, effort = _reps(rng, true * (1 - 0.04 * (number - 1)), kg, reps_high)
        pain_after = rng.randint(6, 7) if pain_flag and number == sets else rng.choice([None, 0, 1, 2])
        out.append(_LoggedSet(target, None if exercise.uses_bands else load, level, reps, effort, None, pain_after))
    return out


def _in_force(decision: dict[str, Any]) -> tuple[float | None, int | None]:
    if decision["needs_confirmation"] and decision.get("confirmed_at") is None:
        return decision["previous_load_kg"], decision["previous_band_level"]
    return decision["load_kg"], decision["band_level"]


_SET_COLUMNS = (
    "plan_item_id",
    "set_number",
    "prescribed_load_kg",
    "prescribed_band_level",
    "target_reps",
    "load_kg",
    "band_level",
    "reps",
    "effort",
    "pain_during",
    "pain_after",
)
_DECISION_DEFAULTS: dict[str, Any] = {
    "retest_due": False,
    "session_id": None,
    "confirmed_at": None,
    "confirmed_by": None,
    "supersedes_id": None,
}


def _set_row(item: _Item, number: int, s: _LoggedSet) -> tuple[Any, ...]:
    """Demo patients lift what was prescribed (in a lighter week, the lighter load); in ``_SET_COLUMNS`` order."""
    return (
        item.loaded.id,
        number,
        s.load_kg,
        s.band_level,
        s.target_reps,
        s.load_kg,
        s.band_level,
        s.reps,
        s.effort,
        s.pain_during,
        s.pain_after,
    )


def _decide(
    rng: random.Random,
    item: _Item,
    facts: SessionFacts,
    logged: list[_LoggedSet],
    at: datetime,
    clinician_id: int,
    decisions: list[dict[str, Any]],
    session_index: int,
    session_of_decision: dict[int, int],
    overrides: list[tuple[int, int]],
) -> None:
    kg, level = _in_force(item.decision)
    row = decide(item.loaded, item.progression, facts, logged, current_kg=kg, current_level=level)
    row.update(
        plan_id=item.loaded.record.plan_id,
        plan_item_id=item.loaded.id,
        session_id=None,
        created_at=at + timedelta(minutes=45),
        created_by=clinician_id,
        confirmed_at=None,
        confirmed_by=None,
    )
    if row["needs_confirmation"] and rng.random() < 0.85:
        row.update(confirmed_at=at + timedelta(minutes=50), confirmed_by=clinician_id)
    decisions.append(row)
    session_of_decision[len(decisions) - 1] = session_index
    item.decision, item.decision_index = row, len(decisions) - 1
    if facts.performed and not item.loaded.exercise.uses_bands and row["action"] == "increase" and rng.random() < 0.03:
        _override(item, row, at, clinician_id, decisions, session_index, session_of_decision, overrides)


def _override(
    item: _Item,
    suggested: dict[str, Any],
    at: datetime,
    clinician_id: int,
    decisions: list[dict[str, Any]],
    session_index: int,
    session_of_decision: dict[int, int],
    overrides: list[tuple[int, int]],
) -> None:
    """The clinician keeps the previous load for a week: the patient reported fatigue."""
    exercise = item.loaded.exercise
    keep = suggested["previous_load_kg"]
    why = "Patient reported fatigue after the last session; keep the load for now"
    row = dict(
        suggested,
        load_kg=keep,
        action="hold",
        needs_confirmation=False,
        confirmed_at=None,
        confirmed_by=None,
        clinician_override=True,
        override_reason=why,
        reason=(
            f"Clinician override: {why}. Set to {describe_load(exercise, keep, None)} (the rule had suggested "
            f"{describe_load(exercise, suggested['load_kg'], None)}, increase: {suggested['reason']})"
        ),
        created_at=at + timedelta(minutes=55),
    )
    decisions.append(row)
    index = len(decisions) - 1
    session_of_decision[index] = session_index
    overrides.append((index, item.decision_index))
    item.decision, item.decision_index = row, index
    item.progression.stored(float(keep or 0.0), override=True)


# --- the engine on an item held in memory (the demo writes its rows in bulk) ---------------------------


def item_progression(
    item: LoadedItem,
    rule: str,
    template: PhaseTemplate = DEFAULT_TEMPLATE,
    retests: Sequence[OneRm] = (),
    pause_days: int = DEFAULT_PAUSE_DAYS,
) -> ItemProgression:
    """A plan item's progression before any stored decision (``plan_record.new_item``)."""
    record = item.record
    return new_item(
        item.exercise,
        rule,
        baseline_kg=record.one_rm_kg,
        method=record.one_rm_method,
        template=template,
        retests=retests,
        pause_days=pause_days,
    )


def decision_row(item: LoadedItem, decision: Decision, kg: float | None, level: int | None) -> dict[str, Any]:
    """The aggregate's decision as a ``load_decisions`` row (no ids), after a load in force of ``kg``/``level``."""
    values = plan_store.decision_values(decision, uses_bands=item.exercise.uses_bands)
    return dict(values, previous_load_kg=kg, previous_band_level=level)


def decide(
    item: LoadedItem,
    progression: ItemProgression,
    facts: SessionFacts,
    sets: Sequence[LoggedSet],
    *,
    current_kg: float | None,
    current_level: int | None,
) -> dict[str, Any]:
    """Log a session on an item's progression, at the load in force now; its decision as a row."""
    progression.stored(units(item.exercise.uses_bands, current_kg, current_level))
    decision = progression.log(workout(item.exercise, facts, sets))
    return decision_row(item, decision, current_kg, current_level)


def initial_decision(template: PhaseTemplate, item: LoadedItem, rule: str) -> dict[str, Any]:
    """A stored item's first load (``new_plan.first_load``) as a ``load_decisions`` row (no ids)."""
    record = item.record
    side = Side(record.side) if record.side else None
    baseline = Baseline(record.exercise_key, record.one_rm_kg, OneRmMethod(record.one_rm_method), side)
    decision = first_load(template, PlanItem(item.exercise, baseline), Rule(rule))
    return plan_store.first_load_values(decision, uses_bands=item.exercise.uses_bands)
