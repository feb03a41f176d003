"""Page runs take turns: at most ``REHAB_PAGES_AT_ONCE`` page scripts of one server process run at once.

Streamlit runs each browser's page script on a thread of its own, and one interpreter runs one thread at a time
(the GIL), switching every 5 ms. Five clinicians whose pages start together on one process all finish together,
at about five times one page's time, although the first could have been done after one. Bounding how many run at
once makes them finish one after another (the median wait falls, and fewer switches leave more CPU for pages).
A run waits for a turn before the router (``app.py``) begins, and gives it back when the run ends however it
ends: finished, ``st.rerun``/``st.stop``/``st.switch_page`` (Streamlit's own exceptions) or an error.

A free turn goes to the waiting run whose browser session began first (then in the order they asked), counting
a session older than ``OLDEST_FIRST_S`` as if it had begun that long before the run was asked for. Ten
clinicians signing in together each open the caseload, then a dashboard: in plain order of asking, all ten
caseloads went first and every dashboard came after them; now each clinician's dashboard goes before the
caseloads of those who arrived later, so the first arrivals are served through first (two workers, ten at
once: median sign-in to dashboard 2.05-2.19 s against 2.28-2.31 s, bench/load.py). Without the limit, two
older sessions rerunning back to back kept a newer one waiting for ever: each asked again before the other
was done, and was older; with it a run waits at most ``OLDEST_FIRST_S`` and the runs ahead of it.

A run that waits on something slow that is not this interpreter's work gives its turn back while it waits
(``waiting()``): a report being made in a worker process (``rehab.workers``), a retry after a database lock. So
does long work of its own that short pages should not queue behind (checking and writing an import of thousands
of rows, making an export): it shares the interpreter with them as if unbounded. The turn is taken again only
after the block, when its transaction has ended: a run must never hold a database lock while it queues for a
turn, or runs that hold turns would wait for its lock while it waits for their turns. So a page waiting for
SQLite's write lock (``BEGIN IMMEDIATE``, up to the busy timeout) keeps its turn: giving it back there made a
run that had just got the lock queue for a turn behind pages waiting for that lock (20 clinicians at once on one
process: a median of 12–22 s to the dashboard against 2 s).
A fragment's rerun (``st.fragment``) runs without the router and takes no turn. The health endpoint and the
websockets are served by the server's event loop, never by a page's thread, and are not held up.

A sign-in takes its place in the same order: the password check and the new session are done in a turn, as
of when the form arrived (``rehab.web.routes``), and the pages of the browser that signed in keep that place
(``signed_in``, ``arrival``). Ten clinicians signing in together otherwise had every password checked before
anyone's caseload, so the third to arrive on a worker waited for the sign-ins of the fourth and fifth.

Until ``configure()`` is called (the server calls it at start with the setting) there is no bound: AppTest,
the command line and the tests run as before.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# How long a sign-in's arrival is kept for the first page run of the browser that signed in.
ARRIVALS_KEPT_S = 60.0

# A run of a session older than this queues as if its session had begun this long before the run was asked for:
# among clinicians arriving together the first served through first, and yet no session kept waiting by older
# ones that ask again and again (it waits for at most this long, and the runs ahead of it).
OLDEST_FIRST_S = 5.0


class _Turns:
    """``at_once`` turns, each given to the waiting run whose session began first (``OLDEST_FIRST_S``)."""

    def __init__(self, at_once: int) -> None:
        self._free = at_once
        self._waiting: list[tuple[float, int]] = []  # (place, ticket): a heap
        self._tickets = itertools.count()
        self._changed = threading.Condition()

    def take(self, began: float) -> None:
        with self._changed:
            mine = (max(began, time.monotonic() - OLDEST_FIRST_S), next(self._tickets))
            heapq.heappush(self._waiting, mine)
            try:
                while not (self._free > 0 and self._waiting[0] == mine):
                    self._changed.wait()
            except BaseException:  # never leave a place in the queue that nobody will take
                self._waiting.remove(mine)
                heapq.heapify(self._waiting)
                self._changed.notify_all()
                raise
            heapq.heappop(self._waiting)
            self._free -= 1
            if self._free > 0 and self._waiting:
                self._changed.notify_all()  # another turn is free: the next in line may go too

    def queued(self) -> int:
        with self._changed:
            return len(self._waiting)

    def give_back(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()


_turns: _Turns | None = None
_bound = 0
_held = threading.local()  # .turn: the turns this thread holds one of, if any; .began: its session's start
_count_lock = threading.Lock()
_running = 0  # page runs holding a turn now


def configure(at_once: int) -> None:
    """From now on at most ``at_once`` page runs at a time in this process; 0: no bound."""
    global _turns, _bound
    _turns = _Turns(at_once) if at_once > 0 else None
    _bound = max(0, at_once)


def bound() -> int:
    """The configured bound (0: none)."""
    return _bound


def running() -> int:
    """How many page runs hold a turn now."""
    return _running


def queued() -> int:
    """How many page runs wait for a turn now."""
    return _turns.queued() if _turns is not None else 0


def _count(step: int) -> None:
    global _running
    with _count_lock:
        _running += step


def _take(turns: _Turns, began: float) -> None:
    turns.take(began)
    _held.turn, _held.began = turns, began
    _count(1)


def _give_back(turns: _Turns) -> None:
    _count(-1)
    _held.turn = None
    turns.give_back()


def _holding() -> _Turns | None:
    held: _Turns | None = getattr(_held, "turn", None)
    return held


@contextmanager
def page_run(began: float = 0.0) -> Iterator[None]:
    """Hold one of the process's turns while the block (one page run) runs; nested blocks share it.

    ``began``: when this run's browser session began (``time.monotonic()``); runs of sessions that began
    earlier go first, so the clinicians who arrived first are served through (caseload, then dashboard) first.
    """
    turns = _turns
    if turns is None or _holding() is not None:
        yield
        return
    _take(turns, began)
    try:
        yield
    finally:
        _give_back(turns)


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's turn back while the block waits on something outside this interpreter (or is long
    work others should not queue behind), then queue for a turn again; a thread without a turn just runs it."""
    held = _holding()
    if held is None:
        yield
        return
    began: float = _held.began
    _give_back(held)
    try:
        yield
    finally:
        _take(held, began)


_arrivals: dict[str, float] = {}  # a new session cookie's digest -> when the sign-in that opened it arrived
_arrivals_lock = threading.Lock()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signed_in(token: str, arrived: float) -> None:
    """Keep when the sign-in that opened ``token`` arrived (``time.monotonic()``) for its browser's first page
    run (``arrival``); nothing is kept without a bound, or for longer than ``ARRIVALS_KEPT_S``."""
    if _turns is None:
        return
    now = time.monotonic()
    with _arrivals_lock:
        for stale in [key for key, at in _arrivals.items() if now - at > ARRIVALS_KEPT_S]:
            del _arrivals[stale]
        _arrivals[_digest(token)] = arrived


def arrival(token: str | None) -> float | None:
    """When the sign-in that opened ``token`` arrived at this process, once (None if unknown)."""
    if not token:
        return None
    with _arrivals_lock:
        return _arrivals.pop(_digest(token), None)
