"""The app process killed (SIGKILL) in the middle of writing: the SQLite file stays sound and whole.

Every record the writer reported as committed must be there afterwards, and nothing may be half
there: no sitting with fewer values than were saved together, no patient without their care team or
their audit entry. The file must pass ``PRAGMA integrity_check`` and keep working for the next process.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rehab.services import patients
from rehab.store import open_database
from tests.helpers import make_admin, make_clinician, patient_data
from tests.reliability.writer_process import VALUES_PER_SITTING

ROOT = Path(__file__).resolve().parents[2]
KILLS = 6
LINE_TIMEOUT_S = 30.0


def _start_writer(url: str, user_id: int, prefix: str) -> tuple[subprocess.Popen[str], queue.Queue[str | None]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.writer_process", url, str(user_id), prefix],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def _next(lines: queue.Queue[str | None]) -> str:
    line = lines.get(timeout=LINE_TIMEOUT_S)
    assert line is not None, "the writer exited before it was killed"
    assert not line.startswith(("error", "Traceback")), line
    return line


def _rest(lines: queue.Queue[str | None]) -> list[str]:
    """Lines the writer had already flushed when it died (committed before the kill as well)."""
    out = []
    while True:
        line = lines.get(timeout=LINE_TIMEOUT_S)
        if line is None:
            return out
        out.append(line)


def _check_file(path: Path) -> dict[str, object]:
    """What is on disk, read the way the next process would: a fresh connection that replays the WAL."""
    conn = sqlite3.connect(path)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        patient_ids = {r[0]: r[1] for r in conn.execute("SELECT id, mrn FROM patients")}
        groups = dict(conn.execute("SELECT entry_group, count(*) FROM assessments GROUP BY entry_group").fetchall())
        no_team = [
            r[0] for r in conn.execute("SELECT id FROM patients WHERE id NOT IN (SELECT patient_id FROM care_team)")
        ]
        created = [
            int(r[0])
            for r in conn.execute("SELECT entity_id FROM audit_log WHERE entity = 'patient' AND action = 'create'")
        ]
        sittings = [
            r[0]
            for r in conn.execute("SELECT entity_id FROM audit_log WHERE entity = 'assessment' AND action = 'create'")
        ]
    finally:
        conn.close()
    return {
        "integrity": integrity,
        "patients": patient_ids,
        "groups": groups,
        "no_team": no_team,
        "audited_patients": created,
        "audited_sittings": sittings,
    }


def test_sigkill_during_writes_loses_nothing_committed_and_leaves_nothing_half_saved(
    tmp_path: Path, report: Callable[[str], None]
) -> None:
    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    db = open_database(url)
    admin = make_admin(db)
    clinician = make_clinician(db, admin, "writer")
    db.dispose()
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    committed_patients: dict[int, str] = {}
    committed_sittings: dict[str, int] = {}
    unreported = 0  # saves that committed but were killed before they could say so
    for round_number in range(KILLS):
        process, lines = _start_writer(url, clinician.user_id, f"K{round_number}")
        assert _next(lines) == "ready"
        target = rng.randint(6, 40)
        for _ in range(target):
            _record(_next(lines), committed_patients, committed_sittings)
        time.sleep(rng.uniform(0, 0.03))  # land anywhere in the next transaction
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        for line in _rest(lines):
            _record(line, committed_patients, committed_sittings)

        disk = _check_file(path)
        assert disk["integrity"] == ["ok"], disk["integrity"]
        stored: dict[int, str] = disk["patients"]  # type: ignore[assignment]
        groups: dict[str, int] = disk["groups"]  # type: ignore[assignment]
        missing_patients = {pid for pid, mrn in committed_patients.items() if stored.get(pid) != mrn}
        missing_sittings = {g for g in committed_sittings if groups.get(g) != VALUES_PER_SITTING}
        assert missing_patients == set() and missing_sittings == set()
        # Nothing half there: whole sittings only, every patient with a care team and one audit entry each.
        assert {g: n for g, n in groups.items() if n != VALUES_PER_SITTING} == {}
        assert disk["no_team"] == []
        assert sorted(disk["audited_patients"]) == sorted(stored)  # type: ignore[type-var]
        assert sorted(disk["audited_sittings"]) == sorted(groups)  # type: ignore[type-var]
        # At most the one save in flight may have committed without being reported.
        extra = (len(stored) - len(committed_patients)) + (len(groups) - len(committed_sittings))
        assert 0 <= extra - unreported <= 1, (extra, unreported)
        unreported = extra

    # The next process opens the file and carries on.
    db = open_database(url)
    pid = patients.register(db, admin, patient_data(mrn="AFTER-KILLS"))
    assert patients.open_record(db, admin, pid, audit_view=False).record.mrn == "AFTER-KILLS"
    db.dispose()
    report(
        f"kill test sqlite: {KILLS} SIGKILLs mid-write (seed {seed}); {len(committed_patients)} patients and "
        f"{len(committed_sittings)} sittings ({VALUES_PER_SITTING * len(committed_sittings)} values) reported "
        f"committed, all present; {unreported} in-flight save(s) committed unreported; lost 0, half-saved 0, "
        "integrity_check ok after every kill"
    )


def _record(line: str, committed_patients: dict[int, str], committed_sittings: dict[str, int]) -> None:
    kind, *fields = line.split()
    if kind == "patient":
        committed_patients[int(fields[0])] = fields[1]
    elif kind == "sitting":
        assert int(fields[1]) == VALUES_PER_SITTING
        committed_sittings[fields[0]] = int(fields[2])
    else:
        raise AssertionError(f"unexpected writer output: {line}")
