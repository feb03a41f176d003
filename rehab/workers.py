"""Long work off the interpreter that serves pages: PDFs (with their charts) are made in worker processes.

A year's progress report costs most of a second of CPU (laying out the PDF and drawing its charts, with fpdf2).
Inside the server's interpreter that second holds the GIL, and every other clinician's page run
waits for it. A server calls ``enable()`` once at start-up; from then on ``submit`` sends the renderer and its
plain data (the report's dataclasses, never a database handle) to a process pool and the page waits for the
bytes without holding the interpreter. The workers run at a lower priority (``NICENESS``), so when the
cores are busy the processes serving pages go first. The pool's processes are started on first use (so a server that
makes no PDF carries none) and stopped after ``IDLE_SECONDS`` without work, giving their memory back.
Without ``enable()`` (command line, tests, AppTest) the work runs in the calling process, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ParamSpec, TypeVar

from rehab import turns

P = ParamSpec("P")
R = TypeVar("R")

IDLE_SECONDS = 600.0
WATCH_SECONDS = 1.0  # how often a worker looks whether its server process is still there
# Reports are batch work: when the cores are busy, the processes serving pages go first (CFS weights a nice-10
# process at about a tenth of a nice-0 one), so a report slows other clinicians' pages as little as possible.
NICENESS = 10

_lock = threading.Lock()
_enabled = False
_processes = 1  # one report at a time per app process (one app process per core); the next waits its turn
_pool: ProcessPoolExecutor | None = None
_busy = 0
_idle_timer: threading.Timer | None = None


def enable(processes: int = 1) -> None:
    """Render PDFs in up to ``processes`` worker processes from now on (called once by the server; 0: here)."""
    global _enabled, _processes
    _enabled = processes > 0
    _processes = max(1, processes)


def _stop_if_idle() -> None:
    global _pool
    with _lock:
        if _busy or _pool is None:
            return
        pool, _pool = _pool, None
    pool.shutdown(wait=False)


def _done(_: Future[Any]) -> None:
    global _busy, _idle_timer
    with _lock:
        _busy -= 1
        if _busy == 0:
            _idle_timer = threading.Timer(IDLE_SECONDS, _stop_if_idle)
            _idle_timer.daemon = True
            _idle_timer.start()


def _start_worker(server_pid: int) -> None:
    """In each worker process: a lower priority, and an end when the server process is gone.

    A server stopped by a signal (or killed) does not always shut its pool down, and a worker left waiting for
    work it will never get would keep its memory (about 200 MB) for good. The parent's death is noticed by
    polling (a worker whose parent died is adopted by another process), not by the kernel's parent-death
    signal, which fires when the *thread* that started the worker ends (a page run's thread)."""
    os.nice(NICENESS)
    watcher = threading.Thread(target=_end_with, args=(server_pid,), name="server-watch", daemon=True)
    watcher.start()


def _end_with(server_pid: int) -> None:
    while os.getppid() == server_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def _new_pool() -> ProcessPoolExecutor:
    # spawn, not fork: the server has threads (a forked copy could inherit a held lock)
    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(_processes, mp_context=spawn, initializer=_start_worker, initargs=(os.getpid(),))


def submit(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
    """``fn(*args, **kwargs)`` in a worker process when enabled, else here; its arguments must pickle."""
    global _pool, _busy
    if not _enabled:
        done: Future[R] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            done.set_exception(exc)
        return done
    with _lock:
        if _idle_timer is not None:
            _idle_timer.cancel()
        if _pool is None:
            _pool = _new_pool()
        try:
            future = _pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
            _pool = _new_pool()
            future = _pool.submit(fn, *args, **kwargs)
        _busy += 1
    future.add_done_callback(_done)
    return future


def run(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn``'s result; a page run waiting for a worker process gives its turn to other pages meanwhile."""
    future = submit(fn, *args, **kwargs)
    if not _enabled:
        return future.result()  # done here, in this thread's turn
    with turns.waiting():
        return future.result()


def shutdown() -> None:
    """Stop the pool now (tests; a server's processes also end with it)."""
    global _pool, _enabled
    with _lock:
        pool, _pool = _pool, None
        _enabled = False
        if _idle_timer is not None:
            _idle_timer.cancel()
    if pool is not None:
        pool.shutdown(wait=True)
