"""The caseload's goals on SQLite and PostgreSQL: "goal at risk" judged for the patient's own population,
"no goals set", and a kept (cached) caseload that changes when a goal is set, reviewed or closed, because
goals and goal reviews move the patient's data generation (migration 0022).

Worked example (as in tests/services/test_goals.py): Berg 30, 33, 36 on days 0, 14 and 28 after the goal was
set; the least-squares line rises 3 points a fortnight and reaches 30 + 12 = 42 on day 56, the target date.
Target 46: 4 points short. Chronic stroke: Berg MDC 2.7 (Alghadir 2018, clinical reference §2.1) → 4 > 2.7,
at risk. Early subacute stroke: MDC 6 (Stevenson 2001) → 4 ≤ 6, within measurement error, not at risk.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from rehab.domain.goals import TREND_RULE
from rehab.services import assessments, caseload, goals, patients, plan_overview, plans
from rehab.store import Database
from rehab.store import caseload as caseload_store
from tests.helpers import make_admin, patient_data
from tests.plan_helpers import leg_press_plan, new_patient, run_session
from tests.services.test_goals import _goal, _patient_with_bergs

ON = date(2026, 12, 1)  # the caseload's day: after the three Bergs, before the target date (27 December)
GOAL_FLAG = caseload.FLAG_LABELS[caseload.GOAL_AT_RISK]


def _row(db: Database, actor, pid: int) -> pd.Series:  # type: ignore[no-untyped-def]
    table = caseload.caseload(db, actor, today=ON, audit_view=False).table
    return table[table["patient_id"] == pid].iloc[0]


def _generation(db: Database, pid: int) -> int:
    return dict(db.run(lambda c: caseload_store.listed(c, visible_to=None), write=False))[pid]


def test_goal_at_risk_is_judged_with_the_mdc_of_the_patients_population(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    chronic = _patient_with_bergs(db, admin, date(2025, 1, 1), "CG-CHRONIC")
    early = _patient_with_bergs(db, admin, date(2026, 10, 15), "CG-EARLY")
    none = patients.register(db, admin, patient_data(mrn="CG-NONE"))
    for pid in (chronic, early):
        _goal(db, admin, pid, 46, monkeypatch)

    table = caseload.caseload(db, admin, today=ON, audit_view=False).table
    by_id = table.set_index("patient_id")
    assert bool(by_id.loc[chronic, GOAL_FLAG]) is True
    assert bool(by_id.loc[early, GOAL_FLAG]) is False
    why = by_id.loc[chronic, "Why"]
    # the detail names the rule, the projection, the MDC with its source, and the population
    assert TREND_RULE in why
    assert "reaches 42.0 by 2026-12-27, 4.0 short" in why and "MDC (2.7)" in why
    assert "Alghadir 2018" in why and "chronic" in why
    assert "Goal at risk" in " ".join(by_id.loc[chronic, "Flags"])
    assert by_id.loc[none, "Goals"] == caseload.NO_GOALS and by_id.loc[chronic, "Goals"] == "1 active"

    at_risk = caseload.filtered(table, flags=[caseload.GOAL_AT_RISK])
    assert at_risk["patient_id"].tolist() == [chronic]
    assert caseload.filtered(table, no_goals=True)["patient_id"].tolist() == [none]


def test_a_kept_caseload_shows_goals_set_reviewed_and_closed(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    pid = _patient_with_bergs(db, admin, date(2025, 1, 1), "CG-KEPT")
    first = _row(db, admin, pid)  # kept for the day under the patient's generation
    assert first["Goals"] == caseload.NO_GOALS and not first[GOAL_FLAG]
    assert _row(db, admin, pid)["Why"] == first["Why"]  # read from what was kept

    before = _generation(db, pid)
    goal_id = _goal(db, admin, pid, 46, monkeypatch)
    assert _generation(db, pid) > before
    after_set = _row(db, admin, pid)
    assert after_set["Goals"] == "1 active" and after_set[GOAL_FLAG]
    assert "not reviewed yet" in after_set["Why"]

    before = _generation(db, pid)
    goals.review(db, admin, goal_id, rating=None, note="Discussed the shortfall with the patient")
    assert _generation(db, pid) > before
    reviewed = _row(db, admin, pid)
    assert f"last reviewed {datetime.now(UTC).date().isoformat()}" in reviewed["Why"]

    version = goals.patient_goals(db, admin, pid).goals[0].goal.version
    before = _generation(db, pid)
    goals.close(db, admin, goal_id, version, "discontinued", "Moved to a walking goal")
    assert _generation(db, pid) > before
    closed = _row(db, admin, pid)
    assert not closed[GOAL_FLAG] and closed["Goals"] == caseload.NO_GOALS


def test_a_1rm_re_test_after_the_held_session_clears_the_re_test_flag(db: Database) -> None:
    """Leg press held at 40 kg, 80 % of a 50 kg 1RM (AHA/ASA upper bound, Billinger 2014): the caseload asks for
    a re-test. A 1RM recorded on the assessment page the day after the held session answers it; the flag read
    only the newest session's decisions, so it stayed raised until the next session."""
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="CG-RETEST")
    today = date.today()
    start = today - timedelta(days=13)
    plan_id = leg_press_plan(db, admin, pid, start=start, one_rm_kg=50.0)
    view = plan_overview.overview(db, admin, pid, audit_view=False)
    assert view.plan is not None
    plans.override_load(
        db, admin, plan_id, view.next_session[0].item_id, expected_version=view.plan.version,
        reason="Moves well at 80 %", load_kg=40.0,
    )  # fmt: skip
    for day in (0, 2):
        run_session(db, admin, pid, start + timedelta(days=day), reps=12)
    flag = caseload.FLAG_LABELS[caseload.RETEST_OVERDUE]

    def row() -> pd.Series:
        table = caseload.caseload(db, admin, today=today, audit_view=False).table
        return table[table["patient_id"] == pid].iloc[0]

    held = row()
    assert held[flag] and "reached the ceiling relative to the latest 1RM" in held["Why"]
    retest_at = datetime.combine(start + timedelta(days=3), time(9), tzinfo=UTC)
    entry = {"site": "Leg press", "method": "tested", "tested_kg": 60, "side": None}
    assessments.record(db, admin, pid, taken_at=retest_at, entries={"one_rm": entry})
    assert not row()[flag]
    # the next session reads the new 1RM (60 kg: ceiling 48 kg), so 40 kg is no longer held
    run_session(db, admin, pid, start + timedelta(days=4), reps=12)
    assert not row()[flag]
