"""Open goals on the dashboard's charts, through the services on SQLite and PostgreSQL.

The Berg target of the worked example in tests/services/test_goals.py: Berg 30, 33, 36 on days 0, 14, 28 after
the goal; the least-squares line reaches 42 on the target date (day 56); target 46 is 4 points short, beyond the
chronic-stroke MDC of 2.7 (Alghadir 2018): at risk. A prepared dashboard is reused only until a goal changes.
"""

from __future__ import annotations

from datetime import date

from rehab.services import dashboard, goals
from rehab.store import Database
from tests.helpers import make_admin
from tests.services.test_goals import TARGET_DATE, _goal, _patient_with_bergs

ON = date(2026, 12, 1)


def _balance(db: Database, actor, pid: int) -> dashboard.Section:  # type: ignore[no-untyped-def]
    view = dashboard.dashboard(db, actor, pid, today=ON, audit_view=False)
    [balance] = [s for s in view.sections if s.key == "balance"]
    return balance


def _berg_panel(db: Database, actor, pid: int):  # type: ignore[no-untyped-def]
    return next(p for p in _balance(db, actor, pid).panels if p.key == "bbs")


def test_an_open_goal_is_marked_on_its_chart_and_a_closed_one_is_not(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    pid = _patient_with_bergs(db, admin, date(2025, 1, 1), "DG-1")
    assert _berg_panel(db, admin, pid).goals == []
    goal_id = _goal(db, admin, pid, 46, monkeypatch)

    [mark] = _berg_panel(db, admin, pid).goals  # the prepared view was not reused: a goal was set
    assert (mark["date"], mark["value"], mark["unit"]) == (TARGET_DATE, 46, "points")
    assert mark["label"] == "Walk to the shop" and mark["set_on"] == "2026-11-01"
    assert "reaches 42.0 by 2026-12-27, 4.0 short of the target, more than the MDC (2.7)" in mark["verdict"]
    assert dashboard.GOAL_NOTE in _balance(db, admin, pid).text  # the section says what the star is

    version = goals.patient_goals(db, admin, pid).goals[0].goal.version
    goals.close(db, admin, goal_id, version, "achieved", "")
    assert _berg_panel(db, admin, pid).goals == []  # closed goals are history, read on the Goals page
    assert dashboard.GOAL_NOTE not in _balance(db, admin, pid).text
