"""The demo clinic dates nothing in the future, so its own export imports again (future results are refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from rehab.services import auth, demo, exports, imports, patients
from rehab.services.demo_assessments import generate_assessments
from rehab.store import Database
from rehab.store.tables import assessments
from rehab.store.tables import patients as patients_table
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


def test_the_demo_clinics_own_export_imports_again_as_already_recorded(sqlite_db: Database) -> None:
    """Issue 16: some demo results were dated later the same day, so the clinic's own export was refused on
    import ("cannot be in the future"). Every patient's export now previews as already recorded, with no problem."""
    made = demo.generate(sqlite_db, patients=6, seed=7, plan_history_days=60)
    assert made.password is not None
    actor = auth.sign_in(sqlite_db, demo.DEMO_USERNAME, made.password).actor
    assert actor is not None
    ids = sqlite_db.run(lambda c: [r[0] for r in c.execute(select(patients_table.c.id))], write=False)
    checked = 0
    for patient_id in ids:
        exported = exports.export(sqlite_db, actor, patient_id, "csv").data
        again = imports.preview(sqlite_db, actor, exported)
        assert again.problems == []
        assert again.new_values == 0
        checked += again.duplicates
    assert checked > 100
