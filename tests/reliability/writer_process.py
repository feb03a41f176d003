"""A stand-in for the app process, writing through the service layer until it is killed.

Usage: python -m tests.reliability.writer_process DATABASE_URL USER_ID PREFIX

Each loop registers a patient and records one sitting of several values for them. A line is printed
(and flushed) only after the service call has returned, i.e. after the transaction committed:
    patient <id> <mrn>
    sitting <entry_group> <number of values> <patient id>
The parent kills this process with SIGKILL at an arbitrary moment and checks what is on disk.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from rehab.services import assessments, auth, patients
from rehab.store import open_database
from tests.helpers import patient_data

MAX_LOOPS = 5_000
MAX_SECONDS = 60.0
TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
SITTING = {
    "bbs": {"items": [3] * 14},
    "grip": {"sides": {"left": [10.0, 11.0, 12.0], "right": [20.0, 21.0, 22.0]}},
    "tug": {"value": 14.5},
    "five_sts": {"value": 16.0},
}
VALUES_PER_SITTING = 5  # bbs 1 + grip 2 sides + tug 1 + five_sts 1


def main(argv: list[str]) -> int:
    url, user_id, prefix = argv[0], int(argv[1]), argv[2]
    db = open_database(url)
    actor = auth.current_actor(db, user_id)
    if actor is None:
        print("error: no such active account", flush=True)
        return 2
    print("ready", flush=True)
    stop_at = time.monotonic() + MAX_SECONDS
    for loop in range(MAX_LOOPS):
        if time.monotonic() > stop_at:
            break
        mrn = f"{prefix}-{loop:05d}"
        patient_id = patients.register(db, actor, patient_data(mrn=mrn, given_name="Killtest"))
        print(f"patient {patient_id} {mrn}", flush=True)
        results = assessments.record(db, actor, patient_id, taken_at=TAKEN_AT, entries=SITTING, note=mrn)
        print(f"sitting {results[0].record.entry_group} {len(results)} {patient_id}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
