"""The demo clinic dates nothing in the future, so its own export imports again (future results are refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from rehab.services import patients
from rehab.services.demo_assessments import generate_assessments
from rehab.store import Database
from rehab.store.tables import assessments
from tests.helpers import make_admin, patient_data


def test_results_generated_early_in_the_day_are_not_dated_later_that_day(sqlite_db: Database) -> None:
    admin = make_admin(sqlite_db)
    patient_id = patients.register(sqlite_db, admin, patient_data(mrn="DEMO-DATES"))
    today = date(2026, 12, 2)
    early = datetime(2026, 12, 2, 7, 5, tzinfo=UTC)  # before the generator's 08:00–16:45 session times
    event = today - timedelta(days=190)

    def work(conn):  # type: ignore[no-untyped-def]
        made = generate_assessments(
            conn, patients=[(patient_id, event, "left")], assessor_id=admin.user_id, seed=3, today=today, now=early
        )
        newest = conn.execute(select(func.max(assessments.c.taken_at))).scalar_one()
        return made, newest

    made, newest = sqlite_db.run(work)
    assert made > 0
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    assert newest <= early
