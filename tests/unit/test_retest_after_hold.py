"""When a 1RM re-test answers a load held at its ceiling (the caseload's re-test flag)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rehab.domain.trends import retested_after

SESSION = date(2026, 12, 1)
HELD_AT = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # the session was logged, and the load held, at 11:00


def test_a_re_test_the_next_day_answers_the_hold() -> None:
    assert retested_after(SESSION, HELD_AT, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))


def test_a_re_test_the_same_day_counts_only_after_the_hold_was_decided() -> None:
    assert retested_after(SESSION, HELD_AT, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    # taken at 09:00, before the session: the session itself read it and still held the load
    assert not retested_after(SESSION, HELD_AT, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def test_no_re_test_or_an_earlier_one_leaves_the_hold() -> None:
    assert not retested_after(SESSION, HELD_AT, None)
    assert not retested_after(SESSION, HELD_AT, datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


def test_a_stored_time_without_its_zone_is_read_as_utc() -> None:
    assert retested_after(SESSION, HELD_AT.replace(tzinfo=None), datetime(2026, 12, 1, 12, 0, tzinfo=UTC))


@given(st.integers(min_value=-30, max_value=30), st.integers(min_value=0, max_value=23))
def test_only_a_re_test_taken_after_the_hold_answers_it(days: int, hour: int) -> None:
    taken = datetime(2026, 12, 1, hour, 30, tzinfo=UTC) + timedelta(days=days)
    assert retested_after(SESSION, HELD_AT, taken) == (taken >= HELD_AT)
