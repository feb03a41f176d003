"""The audit trail: one entry per change of patient data, naming who and which patient; and it cannot be
rewritten, whatever SQL reaches the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from rehab.services import assessments, patients, plan_overview, plans, sessions, set_rows
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store import audit as audit_store
from rehab.store.tables import audit_log
from tests.helpers import make_admin, make_clinician, patient_data
from tests.plan_helpers import go_answers, leg_press_plan, measured_1rm, prefilled, run_session

TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
TODAY = date.today()


def _entries_since(db: Database, last_id: int) -> list[audit_store.AuditEntry]:
    rows = db.run(lambda c: c.execute(select(audit_log).where(audit_log.c.id > last_id)).all(), write=False)
    return [audit_store.AuditEntry(**r._mapping) for r in rows]


def _last_id(db: Database) -> int:
    return int(db.run(lambda c: c.execute(select(func.coalesce(func.max(audit_log.c.id), 0))).scalar_one()))


def _one_entry(db: Database, actor: Actor, patient_id: int, call: Callable[[], Any], action: str, entity: str) -> Any:
    before = _last_id(db)
    result = call()
    entries = _entries_since(db, before)
    assert [(e.action, e.entity, e.user_id, e.username, e.patient_id) for e in entries] == [
        (action, entity, actor.user_id, actor.username, patient_id)
    ], entries
    return result


@pytest.fixture
def clinic(db: Database) -> tuple[Database, Actor, int]:
    """A clinician's patient; registering it wrote exactly one entry (the id is only known afterwards)."""
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    before = _last_id(db)
    pid = patients.register(db, cara, patient_data())
    entries = _entries_since(db, before)
    assert [(e.action, e.entity, e.user_id, e.patient_id, e.entity_id) for e in entries] == [
        ("create", "patient", cara.user_id, pid, str(pid))
    ]
    return db, cara, pid


def test_patient_changes_are_audited_once_each(clinic: tuple[Database, Actor, int]) -> None:
    db, cara, pid = clinic
    _one_entry(
        db, cara, pid, lambda: patients.update(db, cara, pid, expected_version=1, data=patient_data(notes="x")),
        "update", "patient",
    )  # fmt: skip
    _one_entry(
        db, cara, pid, lambda: patients.set_archived(db, cara, pid, expected_version=2, archived=True),
        "archive", "patient",
    )  # fmt: skip
    _one_entry(
        db, cara, pid, lambda: patients.set_archived(db, cara, pid, expected_version=3, archived=False),
        "restore", "patient",
    )  # fmt: skip
    _one_entry(db, cara, pid, lambda: patients.open_record(db, cara, pid), "view", "patient")


def test_assessment_changes_are_audited_once_each(clinic: tuple[Database, Actor, int]) -> None:
    db, cara, pid = clinic
    battery = {"bbs": {"items": [3] * 14}, "grip": {"sides": {"left": [10], "right": [20]}}, "tug": {"value": 15}}
    results = _one_entry(
        db, cara, pid, lambda: assessments.record(db, cara, pid, taken_at=TAKEN_AT, entries=battery),
        "create", "assessment",
    )  # fmt: skip
    assert len(results) == 4  # four values, one sitting, one entry
    tug = next(r.record for r in results if r.record.measure_key == "tug")
    grip = next(r.record for r in results if r.record.measure_key == "grip")
    _one_entry(
        db, cara, pid,
        lambda: assessments.amend(db, cara, tug.id, expected_version=1, entry={"value": 14}, reason="re-timed"),
        "update", "assessment",
    )  # fmt: skip
    _one_entry(
        db, cara, pid,
        lambda: assessments.mark_entered_in_error(db, cara, grip.id, expected_version=1, reason="wrong hand"),
        "update", "assessment",
    )  # fmt: skip


def test_plan_and_session_changes_are_audited_once_each(clinic: tuple[Database, Actor, int]) -> None:
    db, cara, pid = clinic
    start = TODAY - timedelta(days=10)
    plan_id = _one_entry(
        db, cara, pid,
        lambda: plans.create_plan(
            db, cara, pid, baselines=[measured_1rm("knee_extension", 25, "paretic")], start_date=start
        ),
        "create", "plan",
    )  # fmt: skip
    _one_entry(
        db, cara, pid,
        lambda: sessions.start_session(db, cara, pid, answers=go_answers(), session_date=start + timedelta(days=1)),
        "create", "treatment_session",
    )  # fmt: skip
    session_id, version, rows = prefilled(db, cara, pid, today=start + timedelta(days=1))
    for row in rows:
        row[set_rows.REPS] = 12
    _one_entry(
        db, cara, pid, lambda: sessions.save_log(db, cara, session_id, expected_version=version, rows=rows),
        "update", "treatment_session",
    )  # fmt: skip
    result = run_session(db, cara, pid, start + timedelta(days=3), reps=12)
    pending = result.next_session[0]  # type: ignore[union-attr]
    assert pending.pending_confirmation
    version = _plan_version(db, cara, pid)
    _one_entry(
        db, cara, pid,
        lambda: plans.confirm_increase(db, cara, plan_id, pending.decision_id, expected_version=version),
        "update", "plan_load",
    )  # fmt: skip
    item_id = plan_overview.overview(db, cara, pid, audit_view=False).next_session[0].item_id
    _one_entry(
        db, cara, pid,
        lambda: plans.override_load(
            db, cara, plan_id, item_id, expected_version=_plan_version(db, cara, pid), reason="sore", load_kg=10
        ),
        "update", "plan_load",
    )  # fmt: skip
    _one_entry(
        db,
        cara,
        pid,
        lambda: sessions.start_session(db, cara, pid, answers=go_answers(chest_pain=True), session_date=TODAY),
        "create",
        "treatment_session",
    )  # fmt: skip  (the screen says stop: recorded as not performed, loads held, still one entry)
    sessions.start_session(db, cara, pid, answers=go_answers(), session_date=TODAY)
    session_id, version, _ = prefilled(db, cara, pid, today=TODAY)
    _one_entry(
        db, cara, pid,
        lambda: sessions.mark_not_performed(db, cara, session_id, expected_version=version, reason="dizzy"),
        "update", "treatment_session",
    )  # fmt: skip
    _one_entry(db, cara, pid, lambda: plan_overview.overview(db, cara, pid), "view", "plan")
    _one_entry(db, cara, pid, lambda: sessions.treatment_view(db, cara, pid), "view", "plan")
    _one_entry(
        db, cara, pid, lambda: plans.end_plan(db, cara, plan_id, expected_version=_plan_version(db, cara, pid)),
        "update", "plan",
    )  # fmt: skip


def _plan_version(db: Database, actor: Actor, pid: int) -> int:
    view = plan_overview.overview(db, actor, pid, audit_view=False)
    assert view.plan is not None
    return view.plan.version


def test_a_refused_change_writes_no_entry(clinic: tuple[Database, Actor, int]) -> None:
    db, cara, pid = clinic
    before = _last_id(db)
    with pytest.raises(Exception):  # noqa: B017 - a conflict and a validation error, both refused
        patients.update(db, cara, pid, expected_version=7, data=patient_data())
    with pytest.raises(Exception):  # noqa: B017
        assessments.record(db, cara, pid, taken_at=TAKEN_AT, entries={"tug": {"value": -5}})
    assert _entries_since(db, before) == []


# --- append-only, whatever SQL reaches the database -------------------------------------------------------

TAMPERING = [
    "UPDATE audit_log SET detail = 'forged'",
    "UPDATE audit_log SET username = 'someone else' WHERE id = 1",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = 1",
]


def _raw(db: Database, sql: str) -> None:
    """Run SQL on a plain driver connection, outside the app's code, as a database tool would."""
    url = make_url(db.engine.url)
    if db.dialect == "sqlite":
        conn = sqlite3.connect(str(url.database), isolation_level=None)
        try:
            conn.execute(sql)
        finally:
            conn.close()
    else:
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


@pytest.mark.parametrize("sql", [*TAMPERING, "TRUNCATE audit_log"])
def test_audit_rows_cannot_be_rewritten_by_raw_sql(db: Database, sql: str) -> None:
    admin = make_admin(db)
    patients.register(db, admin, patient_data())
    before = db.run(lambda c: c.execute(select(audit_log).order_by(audit_log.c.id)).all(), write=False)
    if sql.startswith("TRUNCATE") and db.dialect == "sqlite":
        sql = "DELETE FROM audit_log"  # SQLite has no TRUNCATE; its whole-table delete shortcut is covered here
    # On PostgreSQL, row triggers do not fire for TRUNCATE: it needs a statement trigger of its own.
    with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
        _raw(db, sql)
    after = db.run(lambda c: c.execute(select(audit_log).order_by(audit_log.c.id)).all(), write=False)
    assert after == before and len(after) >= 3


def test_dashboard_views_and_exports_are_audited_once_each(clinic: tuple[Database, Actor, int]) -> None:
    """Reading the dashboard and every export format writes exactly one entry, by the right user and patient."""
    from rehab.services import dashboard, exports

    db, cara, pid = clinic
    assessments.record(db, cara, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 14.0}})
    leg_press_plan(db, cara, pid, start=TODAY - timedelta(days=7))
    run_session(db, cara, pid, TODAY)
    _one_entry(db, cara, pid, lambda: dashboard.dashboard(db, cara, pid), "view", "dashboard")
    # a session summary is about that session; the files of the whole record are about the patient
    for kind, entity in (("pdf", "session"), ("pdf-patient", "session"), ("csv", "patient"),
                         ("csv-sessions", "patient"), ("fhir", "patient")):  # fmt: skip
        done = _one_entry(db, cara, pid, lambda kind=kind: exports.export(db, cara, pid, kind), "export", entity)
        assert done.sha256 in _entries_since(db, _last_id(db) - 1)[0].detail, kind  # the file's hash is kept
