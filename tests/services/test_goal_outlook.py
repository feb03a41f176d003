"""The Outlook panel's goals: what was set, what has happened and how each stands (SQLite and PostgreSQL).

Worked example (tests/services/test_goals.py): Berg 30, 33, 36 on days 0, 14 and 28 after the goal; the
least-squares line reaches 42 by the target date; target 46 is 4 short. Chronic stroke, MDC 2.7 (Alghadir
2018): at risk. Early subacute stroke, MDC 6 (Stevenson 2001): within the MDC, on track. Late subacute: the
catalogue has no Berg MDC for that phase, so the target is not judged, and the reason says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rehab.services import goals, patients
from rehab.store import Database
from tests.helpers import make_admin, patient_data
from tests.services.test_goals import _goal, _patient_with_bergs

ON = date(2026, 12, 1)


def test_each_measure_goal_is_told_as_set_happened_and_standing(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    cases = {"chronic": date(2025, 1, 1), "early": date(2026, 10, 15), "late": date(2026, 7, 1)}
    ids = {}
    for name, event in cases.items():
        ids[name] = _patient_with_bergs(db, admin, event, f"GO-{name}")
        _goal(db, admin, ids[name], 46, monkeypatch)
    monkeypatch.setattr(goals, "today", lambda: ON)
    told = {name: goals.goal_stories(db, admin, pid) for name, pid in ids.items()}
    [chronic] = told["chronic"]
    assert chronic.statement == "Walk to the shop"
    assert chronic.target == "Berg Balance Scale: 46 points by 2026-12-27, set 2026-11-01"
    assert chronic.happened == "Latest 36 points on 2026-11-29 (3 since the goal was set)."
    assert chronic.standing == "At risk" and "4.0 short of the target, more than the MDC (2.7)" in chronic.reason
    assert "Alghadir 2018" in chronic.basis
    assert [s.standing for s in told["early"]] == ["On track"]
    [late] = told["late"]
    assert late.standing == "Not judged" and "no MDC for this patient's population" in late.reason


def test_a_gas_goal_is_told_by_its_latest_rating(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="GO-GAS"))
    levels = {2: "a", 1: "b", 0: "walks 10 m with a stick", -1: "d", -2: "e"}
    target = date.today() + timedelta(days=60)
    goal_id = goals.set_gas_goal(
        db, admin, pid, {"statement": "Walk indoors", "levels": levels, "baseline": -1, "target_date": target}
    )
    [story] = goals.goal_stories(db, admin, pid)
    assert (story.happened, story.standing) == ("Not rated yet.", "Not judged")
    assert "expected level (0): walks 10 m with a stick" in story.target
    goals.review(db, admin, goal_id, rating=1, note="")
    [story] = goals.goal_stories(db, admin, pid)
    today = datetime.now(UTC).date().isoformat()
    assert story.happened == f"Rated +1 (somewhat more than expected) on {today}." and story.standing == "Rated +1"
