"""When each caseload flag counts as raised (what "new" is measured from), on figures built by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from rehab.services import caseload
from rehab.store.caseload import CaseloadRow

TODAY = date(2026, 12, 2)
DAY = timedelta(days=1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


ROW = CaseloadRow(
    patient_id=1,
    mrn="D-1",
    given_name="Ada",
    family_name="Date",
    birth_date=date(1950, 1, 1),
    sex="female",
    condition="ischaemic_stroke",
    event_date=TODAY - 400 * DAY,
    registered=_at(TODAY - 300 * DAY),
    plan_start=TODAY - 120 * DAY,
    retest_every_weeks=4,
    minimum_per_week=2,
    last_session_date=TODAY - DAY,
    last_session_status="completed",
    last_screen_outcome="go",
    sessions_recent=8,
    sessions_previous=8,
    sessions_recent_week_ago=8,
    sessions_previous_week_ago=8,
    last_test_at=_at(TODAY - 10 * DAY),
    load_at_ceiling=False,
    last_unheld_session=None,
    latest={"bbs": 40.0, "tug": 12.0},
    earlier={"bbs": 41.0},
    recent={"bbs": 40.0},
    earlier_at={"bbs": _at(TODAY - 60 * DAY), "tug": _at(TODAY - 60 * DAY)},
    recent_at={"bbs": _at(TODAY - 10 * DAY), "tug": _at(TODAY - 12 * DAY)},
)


def test_fall_risk_is_dated_by_the_newest_berg_or_tug() -> None:
    assert caseload.raised_on(ROW, TODAY, caseload.FALL_RISK) == TODAY - 10 * DAY


def test_a_load_held_at_its_ceiling_is_dated_from_the_session_after_the_last_one_not_held() -> None:
    """Not from the newest session: every session at the ceiling would otherwise make the flag new again."""
    held = replace(ROW, load_at_ceiling=True, last_unheld_session=TODAY - 20 * DAY)
    assert caseload.judge(held, TODAY)[caseload.RETEST_OVERDUE].flagged
    assert caseload.raised_on(held, TODAY, caseload.RETEST_OVERDUE) == TODAY - 19 * DAY
    overdue = replace(ROW, last_test_at=_at(TODAY - 40 * DAY))  # due 28 days after the test: 12 days ago
    assert caseload.raised_on(overdue, TODAY, caseload.RETEST_OVERDUE) == TODAY - 11 * DAY


def test_falling_attendance_is_new_only_when_it_was_not_raised_a_week_ago() -> None:
    falling = replace(ROW, sessions_recent=3, sessions_previous=8)  # 0.75 a week after 8: below 2 a week
    assert caseload.judge(falling, TODAY)[caseload.FALLING_ATTENDANCE].flagged
    assert caseload.raised_on(falling, TODAY, caseload.FALLING_ATTENDANCE) == TODAY  # a week ago: 8 after 8
    still = replace(falling, sessions_recent_week_ago=4, sessions_previous_week_ago=8)  # raised then too
    assert caseload.raised_on(still, TODAY, caseload.FALLING_ATTENDANCE) == TODAY - 7 * DAY
