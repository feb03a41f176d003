"""Caseload triage rules (issue 13 item 4), worked by hand: new vs standing vs acknowledged, and when a
plateau may be judged at all."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.domain import trends, triage

TODAY = date(2026, 12, 2)
DAY = timedelta(days=1)


def _status(raised: date | None, reviewed: date | None = None, acknowledged: bool = False) -> str:
    return triage.status(raised_on=raised, today=TODAY, reviewed_on=reviewed, acknowledged=acknowledged)


def test_a_flag_from_the_last_seven_days_is_new_and_an_older_one_standing() -> None:
    assert _status(TODAY) == triage.NEW
    assert _status(TODAY - 6 * DAY) == triage.NEW  # 6 days ago: inside the week
    assert _status(TODAY - 7 * DAY) == triage.STANDING  # a week ago: outside it
    assert _status(None) == triage.STANDING  # undated: never claimed as new


def test_a_flag_raised_after_the_last_review_is_new_however_old() -> None:
    raised = TODAY - 20 * DAY
    assert _status(raised, reviewed=TODAY - 30 * DAY) == triage.NEW  # nobody has reviewed since it was raised
    assert _status(raised, reviewed=TODAY - 10 * DAY) == triage.STANDING  # reviewed after it was raised
    assert _status(raised, reviewed=None) == triage.STANDING  # never reviewed: only the last 7 days count


def test_an_acknowledged_flag_is_acknowledged_even_when_new() -> None:
    assert _status(TODAY, acknowledged=True) == triage.ACKNOWLEDGED
    assert triage.priority([triage.NEW, triage.ACKNOWLEDGED, triage.STANDING, triage.NEW]) == (2, 1, 1)
    # new first: one new flag outranks two standing ones, which outrank acknowledged ones
    assert triage.priority([triage.NEW]) > triage.priority([triage.STANDING, triage.STANDING])
    assert triage.priority([triage.STANDING]) > triage.priority([triage.ACKNOWLEDGED] * 3)


def test_plateau_needs_active_treatment() -> None:
    assert trends.in_treatment(active_plan=True, last_session=None, today=TODAY)
    assert trends.in_treatment(active_plan=False, last_session=TODAY - 41 * DAY, today=TODAY)  # 5 wk 6 d ago
    assert not trends.in_treatment(active_plan=False, last_session=TODAY - 42 * DAY, today=TODAY)  # 6 weeks ago
    assert not trends.in_treatment(active_plan=False, last_session=None, today=TODAY)
    dated = {"bbs": ((52.0, TODAY - 56 * DAY), (53.0, TODAY - 7 * DAY))}  # Berg 52 → 53 over 7 weeks (< MDC)
    judged = trends.plateau_in_treatment(dated, today=TODAY, active_plan=True, last_session=None)
    assert judged.flagged
    idle = trends.plateau_in_treatment(dated, today=TODAY, active_plan=False, last_session=None)
    assert not idle.flagged and "not in active treatment" in idle.reason


def test_plateau_compares_only_results_six_weeks_apart() -> None:
    # newest before the window 43 days ago, newest in it 41 days ago: 2 days apart, not 6 weeks
    close = {"bbs": ((52.0, TODAY - 43 * DAY), (53.0, TODAY - 41 * DAY))}
    assert trends.plateau_pairs(close) == {}
    verdict = trends.plateau_in_treatment(close, today=TODAY, active_plan=True, last_session=None)
    assert not verdict.flagged and "6 or more weeks before it" in verdict.reason
    apart = {"bbs": ((52.0, TODAY - 49 * DAY), (53.0, TODAY - 7 * DAY))}  # exactly 6 weeks apart
    assert trends.plateau_pairs(apart) == {"bbs": (52.0, 53.0)}
    assert trends.plateau_pairs({"bbs": (None, (53.0, TODAY))}) == {}  # one result is not enough
