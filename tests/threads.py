"""Waiting on threads in tests without timing them: every wait is on an event or a condition, and ``HANG`` only
keeps a broken gate from hanging the suite."""

from __future__ import annotations

import threading
from collections.abc import Callable

HANG = 30.0  # seconds before a wait that should end at once is called a hang


def in_thread(work: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def until(condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` came true (asked every 10 ms; HANG seconds at most)."""
    tick = threading.Event()
    for _ in range(int(HANG * 100)):
        if condition():
            return True
        tick.wait(0.01)
    return condition()
