"""PDFs made in worker processes (rehab.workers), as on a server: same document, steps reported, pool recovers.

The page-serving interpreter must not spend a report's second of CPU itself (issue 16, item 3): the renderer
and the report's plain data go to a spawned process; the bytes come back and are audited as before.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab import workers
from rehab.services import exports
from tests.services.test_exports import DAY2, START, clinic  # noqa: F401 (the fixture)


@pytest.fixture
def pool() -> Iterator[None]:
    workers.enable()
    try:
        yield
    finally:
        workers.shutdown()


def test_work_runs_in_another_process_at_a_lower_priority_and_a_killed_worker_is_replaced(pool: None) -> None:
    first = workers.run(os.getpid)
    assert first != os.getpid()
    assert workers.run(os.nice, 0) == os.nice(0) + workers.NICENESS  # pages go first when the cores are busy
    os.kill(first, signal.SIGKILL)
    # The pool notices the dead worker; the next piece of work is done by a new one.
    for _ in range(3):
        try:
            second = workers.run(os.getpid)
            break
        except Exception:  # the call that was in flight when the worker died may fail; later ones must not
            continue
    assert second not in (first, os.getpid())


def test_progress_report_made_in_a_worker_reads_the_same_and_reports_its_steps(clinic, pool: None) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    db, ana, _, pid = clinic
    steps: list[str] = []
    report = exports.export(db, ana, pid, "progress-pdf", start=START, end=DAY2, page_size="A4", progress=steps.append)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.data)).pages).split())
    assert "Progress report" in text and "20 s" in text and "14 s" in text
    assert steps[0] == "Reading the records" and steps[1].startswith("Drawing ")
    summary = exports.export(db, ana, pid, "pdf", session_id=None)
    assert b"%PDF-" in summary.data[:8]


SERVER_THEN_GONE = """
import os, pathlib, sys
from rehab import workers
workers.enable()
pathlib.Path(sys.argv[1]).write_text(str(workers.run(os.getpid)))
os._exit(0)  # the server goes without shutting its pool down (a signal, a kill)
"""


def test_a_report_worker_ends_when_its_server_process_is_gone(tmp_path: Path) -> None:
    """A worker left behind would keep about 200 MB for good; it notices its server has gone and ends."""
    told = tmp_path / "worker-pid"
    subprocess.run(
        [sys.executable, "-c", SERVER_THEN_GONE, str(told)], stdout=subprocess.DEVNULL, timeout=120, check=True
    )
    worker = int(told.read_text())
    for _ in range(600):  # a hang guard only: the worker looks every WATCH_SECONDS
        if not _alive(worker):
            break
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting for its new parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
