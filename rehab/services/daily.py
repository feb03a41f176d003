"""Work a server does for the day ahead, in the background: today's caseload rows, read before anyone asks.

The caseload's figures depend on the date (the 6-week comparison, the 4-week attendance windows), so
the first view of each day would read every listed patient; a clinic of 10,000 patients takes over a
second for that. One daemon thread per server process prepares the rows when the server starts and again
just after each midnight (UTC, the caseload's day); views then read only what changed. Failures are
logged and retried the next day: a view always works without it. ``REHAB_PREPARE_CASELOAD=0`` turns it off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta

from rehab.services import caseload
from rehab.services.context import now_utc
from rehab.store import Database

log = logging.getLogger(__name__)

AFTER_MIDNIGHT = time(0, 0, 30)  # a little after the day changes, so "today" is already the new day


def seconds_to_next_run(now: datetime) -> float:
    """Seconds from ``now`` (UTC) to the next preparation, just after the coming midnight."""
    upcoming = datetime.combine(now.date() + timedelta(days=1), AFTER_MIDNIGHT, tzinfo=now.tzinfo)
    return max(1.0, (upcoming - now).total_seconds())


def start(
    db: Database,
    *,
    prepare: Callable[[Database], int] = caseload.prepare,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Start the process's preparation thread (it runs at once, then after each midnight until ``stop``)."""
    halt = stop or threading.Event()

    def loop() -> None:
        while not halt.is_set():
            try:
                started = now_utc()
                count = prepare(db)
                log.info("caseload prepared for %s patients in %.1f s", count, (now_utc() - started).total_seconds())
            except Exception:  # a failed preparation only means the first view reads everything itself
                log.exception("preparing today's caseload failed; views will read it themselves")
            halt.wait(seconds_to_next_run(now_utc()))

    thread = threading.Thread(target=loop, name="rehab-daily-preparation", daemon=True)
    thread.start()
    return thread
