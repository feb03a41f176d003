"""A stand-in for the app process, writing through the service layer until it is killed.

Usage: python -m tests.reliability.writer_process DATABASE_URL USER_ID PREFIX PLAN_START

Each loop registers a patient, creates their two-exercise loading plan (starting on PLAN_START, an ISO
date some weeks ago), records one sitting of several values, and runs two treatment sessions: the
readiness screen (the session is saved open), then the whole pre-filled logging table saved at once.
A line is printed (and flushed) only after the service call has returned, i.e. after its transaction
committed:
    patient <id> <mrn>
    plan <id> <patient id>
    sitting <entry_group> <number of values> <patient id>
    screened <session id> <plan id>
    logged <session id> <sets saved>
The parent kills this process with SIGKILL at an arbitrary moment and checks what is on disk.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta

from rehab.services import assessments, auth, patients, plans, sessions
from rehab.store import open_database
from tests.helpers import patient_data
from tests.plan_helpers import go_answers, measured_1rm, prefilled

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
BASELINES = [measured_1rm("leg_press", 100.0), measured_1rm("knee_extension", 30.0, "paretic")]
ITEMS_PER_PLAN = len(BASELINES)
# Session days after the plan start (plan weeks 1 and 3) and the sets of each exercise the default template
# prescribes in that week: 1 in the first half of familiarisation (weeks 1-2, 1-2 sets), 2 in the first half of
# the early neural phase (weeks 3-8, 2-3 sets); clinical.md "Familiarisation & testing", AHA/ASA 1-3 sets [R9].
SESSION_DAYS = (0, 14)
SETS_PER_ITEM_BY_WEEK = {1: 1, 3: 2}


def main(argv: list[str]) -> int:
    url, user_id, prefix, plan_start = argv[0], int(argv[1]), argv[2], date.fromisoformat(argv[3])
    # The test server's superuser: the role check would warn on stdout, which the parent reads line by line
    # (the check has its own tests in test_app_role.py).
    db = open_database(url, check_role=False)
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
        plan_id = plans.create_plan(db, actor, patient_id, baselines=BASELINES, start_date=plan_start)
        print(f"plan {plan_id} {patient_id}", flush=True)
        results = assessments.record(db, actor, patient_id, taken_at=TAKEN_AT, entries=SITTING, note=mrn)
        print(f"sitting {results[0].record.entry_group} {len(results)} {patient_id}", flush=True)
        for offset in SESSION_DAYS:
            day = plan_start + timedelta(days=offset)
            screened = sessions.start_session(db, actor, patient_id, answers=go_answers(), session_date=day)
            print(f"screened {screened.session_id} {plan_id}", flush=True)
            session_id, version, rows = prefilled(db, actor, patient_id, today=day)
            logged = sessions.save_log(db, actor, session_id, expected_version=version, rows=rows)
            print(f"logged {logged.session_id} {logged.sets_saved}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
