"""Builders for plan and session tests: baselines, readiness answers and pre-filled logging tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from rehab.services import patients, plans, sessions, set_rows
from rehab.services.commands import BaselineEntry
from rehab.services.context import Actor
from rehab.store import Database
from tests.helpers import patient_data


def measured_1rm(exercise_key: str, one_rm_kg: float, side: str | None = None) -> BaselineEntry:
    return BaselineEntry(exercise_key=exercise_key, side=side, method="tested_1rm", one_rm_kg=one_rm_kg)


def estimated_1rm(exercise_key: str, load_kg: float, reps: int, side: str | None = None) -> BaselineEntry:
    return BaselineEntry(
        exercise_key=exercise_key,
        side=side,
        method="estimated_submaximal",
        load_kg=load_kg,
        reps=reps,
    )


def go_answers(**overrides: Any) -> dict[str, Any]:
    """Resting values well inside every default threshold."""
    answers: dict[str, Any] = {
        "systolic_mmhg": 128,
        "diastolic_mmhg": 78,
        "resting_heart_rate_bpm": 72,
        "pain_now": 1,
        "new_neuro_symptoms": False,
        "chest_pain": False,
        "unwell_or_fever": False,
    }
    answers.update(overrides)
    return answers


def new_patient(
    db: Database, actor: Actor, mrn: str = "P-100", *, care_team: list[int] | None = None, **overrides: Any
) -> int:
    return patients.register(db, actor, patient_data(mrn=mrn, **overrides), care_team=care_team)


def leg_press_plan(db: Database, actor: Actor, patient_id: int, *, start: date, one_rm_kg: float = 100.0) -> int:
    """A one-exercise plan: leg press (machine, 2.5 kg step), tested 1RM, default template and 2-for-2 rule."""
    return plans.create_plan(db, actor, patient_id, baselines=[measured_1rm("leg_press", one_rm_kg)], start_date=start)


def prefilled(db: Database, actor: Actor, patient_id: int, *, today: date) -> tuple[int, int, list[dict[str, Any]]]:
    """The open session's id, version and pre-filled table rows, as the treatment page shows them."""
    view = sessions.treatment_view(db, actor, patient_id, today=today, audit_view=False)
    assert view.open_session is not None
    record = view.open_session.record
    return record.id, record.version, [dict(r) for r in view.open_session.rows]


def run_session(
    db: Database,
    actor: Actor,
    patient_id: int,
    day: date,
    *,
    reps: int | None = None,
    pain: int | None = None,
    effort: float | None = None,
    answers: dict[str, Any] | None = None,
) -> sessions.LogResult | sessions.ScreenOutcome:
    """Screen, then log every pre-filled set (optionally with other reps, effort or pain after)."""
    outcome = sessions.start_session(db, actor, patient_id, answers=answers or go_answers(), session_date=day)
    if outcome.outcome == "stop":
        return outcome
    session_id, version, rows = prefilled(db, actor, patient_id, today=day)
    for row in rows:
        if reps is not None:
            row[set_rows.REPS] = reps
        if pain is not None:
            row[set_rows.PAIN_AFTER] = pain
        if effort is not None:
            row[set_rows.EFFORT] = effort
    return sessions.save_log(db, actor, session_id, expected_version=version, rows=rows)
