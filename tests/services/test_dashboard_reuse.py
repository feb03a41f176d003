"""A prepared dashboard is reused only while nothing behind it changed; every kind of write shows at once.

Access and the audit entry are checked on every call, reused view or not (both engines).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehab.services import dashboard, patients, plan_overview, plans
from rehab.services import settings as clinic_settings
from rehab.services.assessments import mark_entered_in_error
from rehab.services.context import AccessDenied
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from tests.caseload_helpers import TODAY, add_results
from tests.helpers import make_admin, make_clinician, patient_data
from tests.plan_helpers import leg_press_plan, new_patient, run_session


def _view(db: Database, actor, pid: int) -> dashboard.Dashboard:  # type: ignore[no-untyped-def]
    return dashboard.dashboard(db, actor, pid, today=TODAY, audit_view=False)


def _figure(view: dashboard.Dashboard, label: str) -> dashboard.KeyFigure:
    return next(f for f in view.figures if f.label == label)


def test_every_kind_of_write_shows_on_the_next_view(db: Database) -> None:
    admin = make_admin(db)
    # chronic stroke: the 6MWT MDC (Flansbjer 2005) was derived in chronic hemiparesis (issue 13)
    pid = new_patient(db, admin, mrn="REUSE-1", event_date=TODAY - timedelta(days=730))
    add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=60)), ("six_mwt", 300, TODAY - timedelta(days=60))])
    add_results(db, admin, pid, [("six_mwt", 320, TODAY - timedelta(days=5))])
    first = _view(db, admin, pid)
    assert _figure(first, "Berg").value == "40 points"
    assert _view(db, admin, pid) is first  # nothing changed: the prepared view is reused

    # a new result (insert)
    add_results(db, admin, pid, [("bbs", 48, TODAY - timedelta(days=5))])
    assert _figure(_view(db, admin, pid), "Berg").value == "48 points"

    # the new result marked entered in error (an update only: no row is added)
    newest = [r for r in db.run(lambda c: assessment_store.for_patient(c, pid)) if r.measure_key == "bbs"][-1]
    mark_entered_in_error(db, admin, newest.id, expected_version=newest.version, reason="wrong patient")
    assert _figure(_view(db, admin, pid), "Berg").value == "40 points"

    # a demographic edit
    record = patients.open_record(db, admin, pid, audit_view=False).record
    patients.update(
        db,
        admin,
        pid,
        expected_version=record.version,
        data=patient_data(mrn="REUSE-1", family_name="Byron", event_date=TODAY - timedelta(days=730)),
    )
    assert _view(db, admin, pid).patient.display_name.startswith("BYRON")

    # a clinic setting: 6MWT 300 → 320 m has no MDC until the clinic signs one off (54.1 m: +20 m is within it)
    assert "within measurement error" not in _figure(_view(db, admin, pid), "6MWT distance").verdict
    clinic_settings.save_measure_overrides(db, admin, {"six_mwt.mdc.chronic": 54.1}, expected_version=0)
    assert "within measurement error" in _figure(_view(db, admin, pid), "6MWT distance").verdict

    # a plan, a logged session, then the plan ended
    assert _view(db, admin, pid).plan_line == "No active loading plan."
    plan_id = leg_press_plan(db, admin, pid, start=TODAY - timedelta(days=3))
    assert _view(db, admin, pid).plan_line.startswith("Plan week 1")
    load = next(s for s in _view(db, admin, pid).sections if s.key == "load")
    assert load.panels == []
    run_session(db, admin, pid, TODAY - timedelta(days=1))
    load = next(s for s in _view(db, admin, pid).sections if s.key == "load")
    assert len(load.panels) == 1 and not load.panels[0].points.empty
    version = plan_overview.overview(db, admin, pid, audit_view=False).plan.version  # type: ignore[union-attr]
    plans.end_plan(db, admin, plan_id, expected_version=version)
    assert _view(db, admin, pid).plan_line == "No active loading plan."


def test_access_and_audit_are_checked_on_a_reused_view(db: Database) -> None:
    admin = make_admin(db)
    outsider = make_clinician(db, admin, "outsider")
    pid = new_patient(db, admin, mrn="REUSE-2")
    add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=10))])
    dashboard.dashboard(db, admin, pid, today=TODAY)
    dashboard.dashboard(db, admin, pid, today=TODAY)
    with pytest.raises(AccessDenied):
        dashboard.dashboard(db, outsider, pid, today=TODAY)
    entries = db.run(lambda c: audit_store.search(c, patient_id=pid), write=False)
    assert [e.action for e in entries if e.entity == "dashboard"] == ["view", "view"]


def test_each_database_keeps_its_own_views(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two clinics in one process (patient 1 in each) never see each other's dashboard."""
    from rehab.store import open_database

    views = []
    for name in ("north", "south"):
        db = open_database(f"sqlite:///{tmp_path / name}.db")
        admin = make_admin(db)
        pid = new_patient(db, admin, mrn="SAME-1", family_name=name)
        add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=10))])
        views.append(_view(db, admin, pid))
    assert [v.patient.family_name for v in views] == ["north", "south"]


def test_a_process_keeps_the_32_dashboards_last_viewed(db: Database) -> None:
    """Each kept view holds its charts too (about 1 MB for a busy patient), so a process keeps 32, the last viewed:
    the 33rd view asked for (here 33 chart ranges of one patient) prepares the first again."""
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="REUSE-32")
    add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=60))])
    starts = [TODAY - timedelta(days=60 + n) for n in range(33)]

    def view(start):  # type: ignore[no-untyped-def]
        return dashboard.dashboard(db, admin, pid, start=start, today=TODAY, audit_view=False)

    first = [view(start) for start in starts[:32]]
    assert all(view(start) is kept for start, kept in zip(starts[:32], first, strict=True))  # all 32 reused
    view(starts[32])  # one more: the least recently viewed (the first) is let go
    assert view(starts[0]) is not first[0]
    assert view(starts[2]) is first[2]
