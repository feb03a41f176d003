"""The progress report on Reports & export: built on request, its steps shown in a status box, then offered.

Building is the audited export (one entry with the file's SHA-256); a build that fails says so in the box, with a
reference number and no traceback; nothing is recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from rehab.exports import render
from rehab.store import Database
from rehab.store import audit as audit_store
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import leg_press_plan, new_patient, run_session

START = date.today() - timedelta(days=6)


def _open(user_id: int, patient_id: int) -> AppTest:
    at = signed_in_app(user_id)
    at.session_state["_rehab_patient_id"] = patient_id
    return goto(at.run(), "exports")


def _exports(db: Database, pid: int) -> list[str]:
    return [
        e.detail for e in db.run(lambda c: audit_store.search(c, patient_id=pid), write=False) if e.action == "export"
    ]


def test_progress_report_is_built_with_its_steps_shown_then_offered_for_download(app_db: Database) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "REP-1")
    leg_press_plan(app_db, ana, pid, start=START)
    run_session(app_db, ana, pid, START)
    at = _open(ana.user_id, pid)
    assert "Download progress report (PDF)" not in [b.proto.label for b in at.get("download_button")]
    assert _exports(app_db, pid) == []

    at = at.button(key="build_progress").click().run(timeout=60)
    assert_no_crash(at)
    [box] = at.status
    assert box.state == "complete" and box.label.startswith("Progress report ready (")
    steps = [m.value for m in box.markdown]
    assert steps[0] == "Reading the records" and steps[1].startswith("Drawing ")
    assert "Download progress report (PDF)" in [b.proto.label for b in at.get("download_button")]
    [entry] = _exports(app_db, pid)
    assert entry.startswith("progress report PDF (A4)") and "sha256 " in entry

    # Another period: the built file no longer matches the choices, so it is not offered.
    at = at.date_input(key="export_period").set_value((START - timedelta(days=1), START)).run()
    assert "Download progress report (PDF)" not in [b.proto.label for b in at.get("download_button")]


def test_a_failed_build_is_reported_in_the_box_without_a_traceback_and_nothing_is_recorded(
    app_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin(app_db)
    ana = make_clinician(app_db, admin, "ana")
    pid = new_patient(app_db, ana, "REP-2")
    leg_press_plan(app_db, ana, pid, start=START)
    run_session(app_db, ana, pid, START)

    def broken(*args: object) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render, "pdf_bytes", broken)
    at = _open(ana.user_id, pid).button(key="build_progress").click().run(timeout=60)
    assert_no_crash(at)
    [box] = at.status
    assert box.state == "error" and box.label == "The report was not made"
    [message] = [e.value for e in at.error]
    assert message.startswith("The report could not be made (reference ") and "renderer crashed" not in message
    assert _exports(app_db, pid) == []
    assert "Download progress report (PDF)" not in [b.proto.label for b in at.get("download_button")]
