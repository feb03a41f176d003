"""Page runs take turns (rehab/turns.py): a turn is given back however a run ends, and a bound of one means one
run at a time. Every wait below is on an event; a timeout only keeps a broken gate from hanging the suite."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from rehab import turns
from tests.threads import HANG, in_thread, until


@pytest.fixture(autouse=True)
def _no_bound_afterwards() -> Iterator[None]:
    yield
    turns.configure(0)


def _another_run_gets_a_turn() -> bool:
    entered = threading.Event()

    def other() -> None:
        with turns.page_run():
            entered.set()

    in_thread(other).join(HANG)
    return entered.is_set()


@pytest.mark.parametrize(
    "ending",
    [RerunException(None), StopException(), ValueError("a page's bug"), KeyboardInterrupt()],
    ids=["st.rerun", "st.stop", "an error", "an interrupt"],
)
def test_a_run_gives_its_turn_back_however_it_ends(ending: BaseException) -> None:
    turns.configure(1)
    with pytest.raises(type(ending)), turns.page_run():
        assert turns.running() == 1
        raise ending
    assert turns.running() == 0
    assert _another_run_gets_a_turn()


def test_with_a_bound_of_one_two_runs_never_overlap() -> None:
    turns.configure(1)
    first_in, first_may_end, second_tried, second_in = (threading.Event() for _ in range(4))
    inside: list[str] = []
    overlaps: list[list[str]] = []

    def run(name: str, entered: threading.Event, may_end: threading.Event | None) -> None:
        with turns.page_run():
            overlaps.append(list(inside))  # who else was inside when this run began
            inside.append(name)
            entered.set()
            if may_end is not None:
                may_end.wait(HANG)
            inside.remove(name)

    first = in_thread(lambda: run("first", first_in, first_may_end))
    assert first_in.wait(HANG)

    def second_run() -> None:
        second_tried.set()
        run("second", second_in, None)

    second = in_thread(second_run)
    assert second_tried.wait(HANG)
    assert not second_in.wait(1.0)  # the first still holds the only turn: the second has not begun
    first_may_end.set()
    assert second_in.wait(HANG)  # ... and begins once the first has ended
    first.join(HANG)
    second.join(HANG)
    assert overlaps == [[], []]


def test_a_bound_of_two_lets_two_runs_go_together() -> None:
    turns.configure(2)
    both = threading.Barrier(2, timeout=HANG)  # broken (an error) unless both runs are inside at once
    errors: list[BaseException] = []

    def run() -> None:
        with turns.page_run():
            try:
                both.wait()
            except threading.BrokenBarrierError as exc:
                errors.append(exc)

    threads = [in_thread(run) for _ in range(2)]
    for thread in threads:
        thread.join(HANG)
    assert not errors


def test_a_run_waiting_on_work_elsewhere_lets_another_run_meanwhile() -> None:
    turns.configure(1)
    waiting, work_done = threading.Event(), threading.Event()
    order: list[str] = []

    def report_run() -> None:
        with turns.page_run():
            with turns.waiting():  # as a page does while a worker process makes its report
                waiting.set()
                work_done.wait(HANG)
            order.append("report run has its turn again")

    report = in_thread(report_run)
    assert waiting.wait(HANG)
    assert _another_run_gets_a_turn()
    order.append("another run done")
    work_done.set()
    report.join(HANG)
    assert order == ["another run done", "report run has its turn again"]
    assert turns.running() == 0


def test_nested_runs_share_the_turn_and_without_a_bound_nothing_waits() -> None:
    turns.configure(1)
    with turns.page_run(), turns.page_run():  # nested in one thread: no deadlock on the only turn
        assert turns.running() == 1
    turns.configure(0)
    with turns.page_run(), turns.waiting():
        assert turns.running() == 0
    assert turns.bound() == 0


def test_the_run_of_the_session_that_began_first_goes_first() -> None:
    """Ten clinicians signing in together: each one's dashboard (asked for after their caseload) goes before
    the caseloads of those who arrived later, so the first arrivals are served through first. Sessions that
    began at the same moment go in the order they asked."""
    turns.configure(1)
    holder_in, holder_may_end = threading.Event(), threading.Event()
    served: list[str] = []

    def hold() -> None:
        with turns.page_run(began=0.0):
            holder_in.set()
            holder_may_end.wait(HANG)

    holder = in_thread(hold)
    assert holder_in.wait(HANG)
    waiters = []
    now = time.monotonic()  # sessions that began in the last few seconds
    for name, began in (
        ("late", now - 0.5),
        ("first", now - 1.5),
        ("middle", now - 1),
        ("first, asked again", now - 1.5),
    ):

        def run(name: str = name, began: float = began) -> None:
            with turns.page_run(began=began):
                served.append(name)

        queued_before = turns.queued()
        waiters.append(in_thread(run))
        assert until(lambda n=queued_before + 1: turns.queued() == n)  # in the queue (the turn is held)
    holder_may_end.set()
    for thread in (holder, *waiters):
        thread.join(HANG)
    assert served == ["first", "first, asked again", "middle", "late"]
    assert turns.queued() == 0 and turns.running() == 0


def test_a_run_back_from_waiting_keeps_its_place_by_its_session() -> None:
    """A run that gave its turn back while a report was made queues again as its own session, not as new."""
    turns.configure(1)
    served: list[str] = []
    reporter_waits, report_made = threading.Event(), threading.Event()

    now = time.monotonic()

    def reporter() -> None:
        with turns.page_run(began=now - 1.5):
            with turns.waiting():
                reporter_waits.set()
                report_made.wait(HANG)  # meanwhile a newer session's run takes the turn and holds it
            served.append("reporter")

    newer_in, newer_may_end = threading.Event(), threading.Event()

    def newer() -> None:
        with turns.page_run(began=now - 1):
            newer_in.set()
            newer_may_end.wait(HANG)
            served.append("newer")

    def newest() -> None:
        with turns.page_run(began=now - 0.5):
            served.append("newest")

    first = in_thread(reporter)
    assert reporter_waits.wait(HANG)
    second = in_thread(newer)
    assert newer_in.wait(HANG)
    third = in_thread(newest)
    assert until(lambda: turns.queued() == 1)
    report_made.set()  # the reporter queues again behind the newer run's turn, ahead of the newest
    assert until(lambda: turns.queued() == 2)
    newer_may_end.set()
    for thread in (first, second, third):
        thread.join(HANG)
    assert served == ["newer", "reporter", "newest"]


def test_older_sessions_asking_again_and_again_do_not_keep_a_newer_one_waiting() -> None:
    """Sessions older than OLDEST_FIRST_S queue in the order their runs asked: a run asked for first goes first,
    whichever session is older, so two old sessions rerunning back to back cannot keep another waiting."""
    turns.configure(1)
    holder_in, holder_may_end = threading.Event(), threading.Event()
    served: list[str] = []
    now = time.monotonic()

    def hold() -> None:
        with turns.page_run(began=now):
            holder_in.set()
            holder_may_end.wait(HANG)

    def run(name: str, began: float) -> None:
        with turns.page_run(began=began):
            served.append(name)

    holder = in_thread(hold)
    assert holder_in.wait(HANG)
    waiters = [in_thread(lambda: run("signed in a minute ago, asked first", now - 60))]
    assert until(lambda: turns.queued() == 1)
    waiters.append(in_thread(lambda: run("signed in an hour ago, asked next", now - 3600)))
    assert until(lambda: turns.queued() == 2)
    holder_may_end.set()
    for thread in (holder, *waiters):
        thread.join(HANG)
    assert served == ["signed in a minute ago, asked first", "signed in an hour ago, asked next"]
