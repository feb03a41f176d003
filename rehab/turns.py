"""Page runs take turns: at most ``REHAB_PAGES_AT_ONCE`` page scripts of one server process run at once.

Streamlit runs each browser's page script on a thread of its own, and one interpreter runs one thread at a time
(the GIL), switching every 5 ms. Five clinicians whose pages start together on one process all finish together,
at about five times one page's time, although the first could have been done after one. Bounding how many run at
once makes them finish one after another (the median wait falls, and fewer switches leave more CPU for pages).
A run waits for a turn before the router (``app.py``) begins, and gives it back when the run ends however it
ends: finished, ``st.rerun``/``st.stop``/``st.switch_page`` (Streamlit's own exceptions) or an error.

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

Until ``configure()`` is called (the server calls it at start with the setting) there is no bound: AppTest,
the command line and the tests run as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_slots: threading.BoundedSemaphore | None = None
_bound = 0
_held = threading.local()  # .turn: the semaphore this thread holds a turn of, if any
_count_lock = threading.Lock()
_running = 0  # page runs holding a turn now


def configure(at_once: int) -> None:
    """From now on at most ``at_once`` page runs at a time in this process; 0: no bound."""
    global _slots, _bound
    _slots = threading.BoundedSemaphore(at_once) if at_once > 0 else None
    _bound = max(0, at_once)


def bound() -> int:
    """The configured bound (0: none)."""
    return _bound


def running() -> int:
    """How many page runs hold a turn now."""
    return _running


def _count(step: int) -> None:
    global _running
    with _count_lock:
        _running += step


def _take(slots: threading.BoundedSemaphore) -> None:
    slots.acquire()
    _held.turn = slots
    _count(1)


def _give_back(slots: threading.BoundedSemaphore) -> None:
    _count(-1)
    _held.turn = None
    slots.release()


def _holding() -> threading.BoundedSemaphore | None:
    held: threading.BoundedSemaphore | None = getattr(_held, "turn", None)
    return held


@contextmanager
def page_run() -> Iterator[None]:
    """Hold one of the process's turns while the block (one page run) runs; nested blocks share it."""
    slots = _slots
    if slots is None or _holding() is not None:
        yield
        return
    _take(slots)
    try:
        yield
    finally:
        _give_back(slots)


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's turn back while the block waits on something outside this interpreter (or is long
    work others should not queue behind), then queue for a turn again; a thread without a turn just runs it."""
    held = _holding()
    if held is None:
        yield
        return
    _give_back(held)
    try:
        yield
    finally:
        _take(held)
