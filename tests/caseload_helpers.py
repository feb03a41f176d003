"""A small seeded clinic for the caseload and dashboard tests: one patient per flag, one fine, one not ours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rehab.services.context import Actor
from rehab.store import Database
from rehab.store import assessments as assessment_store
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import go_answers, leg_press_plan, new_patient, run_session

TODAY = datetime.now(UTC).date()
STOP_ANSWERS = go_answers(systolic_mmhg=205, diastolic_mmhg=112)  # above every default stop threshold


def add_results(db: Database, actor: Actor, patient_id: int, results: list[tuple[str, float, date]]) -> None:
    """Store final results directly (measure key, SI value, day), as a clinician's earlier entries."""
    rows: list[dict[str, Any]] = []
    for key, value, day in results:
        rows.append(
            {
                "patient_id": patient_id,
                "measure_key": key,
                "taken_at": datetime.combine(day, time(10), tzinfo=UTC),
                "side": None,
                "site": None,
                "value": value,
                "value_text": None,
                "unit": {"bbs": "{score}", "tug": "s", "ten_mwt": "m/s", "fga": "{score}", "six_mwt": "m"}[key],
                "items": None,
                "trials": None,
                "context": {},
                "note": "",
                "entry_group": str(uuid.uuid4()),
                "status": "final",
                "status_reason": "",
                "supersedes_id": None,
                "assessor_id": actor.user_id,
                "created_at": datetime.now(UTC),
                "version": 1,
            }
        )
    db.run(lambda conn: assessment_store.add_many(conn, rows))


@dataclass
class Clinic:
    admin: Actor
    clinician: Actor
    other: Actor
    ids: dict[str, int]


def seeded_clinic(db: Database) -> Clinic:
    """Five patients on the clinician's team (fall risk, overdue, plateau, safety stop, fine) and one elsewhere.

    Stroke patients throughout, so the stroke cut-offs apply (Berg < 50.5, TUG ≥ 15 s; Matsumoto 2024).
    """
    admin = make_admin(db)
    clinician = make_clinician(db, admin, "casey")
    other = make_clinician(db, admin, "olive")
    ids: dict[str, int] = {}
    week = timedelta(weeks=1)
    event = {"event_date": TODAY - timedelta(days=200)}

    def patient(name: str, who: Actor) -> int:
        ids[name] = new_patient(db, who, mrn=f"CL-{name.upper()}", family_name=name.title(), **event)
        return ids[name]

    # Fall risk: Berg 40 < 50.5 (one recent result: nothing to judge a plateau with).
    add_results(db, clinician, patient("fallrisk", clinician), [("bbs", 40, TODAY - week), ("tug", 12, TODAY - week)])
    # Overdue: last tested 6 weeks ago, no plan, so the 4-week re-test was due 2 weeks ago.
    add_results(
        db, clinician, patient("overdue", clinician), [("bbs", 55, TODAY - 6 * week), ("tug", 8, TODAY - 6 * week)]
    )
    # Plateau: Berg 52 → 53 (< MDC 6) and TUG 9.0 → 8.5 s (< MDC 3.2) over 7 weeks, in active treatment (a
    # plan): plateau is judged only then (issue 13).
    plateau = patient("plateau", clinician)
    leg_press_plan(db, clinician, plateau, start=TODAY - 2 * week)
    add_results(
        db,
        clinician,
        plateau,
        [
            ("bbs", 52, TODAY - 8 * week),
            ("tug", 9.0, TODAY - 8 * week),
            ("bbs", 53, TODAY - week),
            ("tug", 8.5, TODAY - week),
        ],
    )
    # Safety stop: plan, one session done, then a readiness screen that said stop.
    stop = patient("stop", clinician)
    add_results(db, clinician, stop, [("bbs", 55, TODAY - week), ("tug", 8, TODAY - week)])
    leg_press_plan(db, clinician, stop, start=TODAY - 2 * week)
    run_session(db, clinician, stop, TODAY - 10 * timedelta(days=1))
    run_session(db, clinician, stop, TODAY - timedelta(days=2), answers=STOP_ANSWERS)
    # Fine: Berg 44 → 54 (+10 ≥ MDC 6: real change), TUG 9 s, tested last week, sessions going ahead.
    fine = patient("fine", clinician)
    add_results(
        db, clinician, fine, [("bbs", 44, TODAY - 8 * week), ("bbs", 54, TODAY - week), ("tug", 9, TODAY - week)]
    )
    leg_press_plan(db, clinician, fine, start=TODAY - 2 * week)
    run_session(db, clinician, fine, TODAY - timedelta(days=9))
    run_session(db, clinician, fine, TODAY - timedelta(days=2))
    # Not on the clinician's team: fall risk too, so a leak would show.
    add_results(db, other, patient("elsewhere", other), [("bbs", 30, TODAY - week)])
    return Clinic(admin, clinician, other, ids)
