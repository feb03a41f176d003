"""Care-team access, service by service: a clinician outside the team is refused by every call that takes a
patient, assessment, plan or session id, even when the id is passed straight to the service; an
administrator is let through. A last test fails when a new public service with such an id is not listed here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import func, select

from rehab.domain.errors import ValidationErrors
from rehab.services import (
    assessments,
    dashboard,
    export_summaries,
    exports,
    patients,
    plan_overview,
    plans,
    record_baselines,
    sessions,
)
from rehab.services.context import AccessDenied, Actor, ConflictError
from rehab.store import Database
from rehab.store.schema import metadata
from tests.helpers import make_admin, make_clinician, patient_data
from tests.plan_helpers import go_answers, leg_press_plan, measured_1rm, prefilled

TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
ID_PARAMETERS = {"patient_id", "assessment_id", "plan_id", "session_id", "item_id", "decision_id"}
MODULES: tuple[ModuleType, ...] = (
    patients,
    assessments,
    plans,
    plan_overview,
    record_baselines,
    sessions,
    dashboard,
    export_summaries,
    exports,
)


@dataclass
class Clinic:
    """One patient on Cara's care team, with an assessment, an active plan and (when asked for) an open session."""

    db: Database
    admin: Actor
    cara: Actor
    outsider: Actor
    patient_id: int
    assessment_id: int
    plan_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mrn(self) -> str:
        return patients.open_record(self.db, self.cara, self.patient_id, audit_view=False).record.mrn

    def plan_version(self) -> int:
        view = plan_overview.overview(self.db, self.cara, self.patient_id, audit_view=False)
        assert view.plan is not None
        return view.plan.version

    def item_id(self) -> int:
        return plan_overview.overview(self.db, self.cara, self.patient_id, audit_view=False).next_session[0].item_id

    def decision_id(self) -> int:
        return plan_overview.overview(self.db, self.cara, self.patient_id, audit_view=False).next_session[0].decision_id

    def open_session(self) -> tuple[int, int, list[dict[str, Any]]]:
        if "session" not in self.extra:
            sessions.start_session(self.db, self.cara, self.patient_id, answers=go_answers(), session_date=date.today())
            self.extra["session"] = prefilled(self.db, self.cara, self.patient_id, today=date.today())
        return self.extra["session"]


def _clinic(db: Database, admin: Actor, n: int) -> Clinic:
    cara = make_clinician(db, admin, f"cara{n}")
    outsider = make_clinician(db, admin, f"dev{n}")
    pid = patients.register(db, cara, patient_data(mrn=f"TEAM-{n}", family_name="Confidential"))
    [result] = assessments.record(db, cara, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 20.0}})
    plan_id = leg_press_plan(db, cara, pid, start=date.today() - timedelta(days=3))
    return Clinic(db, admin, cara, outsider, pid, result.record.id, plan_id)


def _session_id(c: Clinic) -> int:
    return c.open_session()[0]


# Each call: (module, function name) -> how to call it as ``actor`` on the clinic's records, and what an
# administrator gets (a normal return, or a refusal that comes after the access check).
CALLS: dict[tuple[ModuleType, str], tuple[Callable[[Clinic, Actor], Any], type[Exception] | None]] = {
    (patients, "open_record"): (lambda c, a: patients.open_record(c.db, a, c.patient_id), None),
    (patients, "update"): (
        lambda c, a: patients.update(
            c.db, a, c.patient_id, expected_version=1, data=patient_data(mrn=c.mrn, notes="changed")
        ),
        None,
    ),
    (patients, "set_archived"): (
        lambda c, a: patients.set_archived(c.db, a, c.patient_id, expected_version=1, archived=True),
        None,
    ),
    (patients, "revisions"): (lambda c, a: patients.revisions(c.db, a, c.patient_id), None),
    (assessments, "record"): (
        lambda c, a: assessments.record(c.db, a, c.patient_id, taken_at=TAKEN_AT, entries={"tug": {"value": 18.0}}),
        None,
    ),
    (assessments, "history"): (lambda c, a: assessments.history(c.db, a, c.patient_id), None),
    (assessments, "results"): (lambda c, a: assessments.results(c.db, a, c.patient_id, [c.assessment_id]), None),
    (assessments, "amend"): (
        lambda c, a: assessments.amend(
            c.db, a, c.assessment_id, expected_version=1, entry={"value": 19.0}, reason="re-timed"
        ),
        None,
    ),
    (assessments, "mark_entered_in_error"): (
        lambda c, a: assessments.mark_entered_in_error(c.db, a, c.assessment_id, expected_version=1, reason="x"),
        None,
    ),
    (plans, "create_plan"): (
        lambda c, a: plans.create_plan(c.db, a, c.patient_id, baselines=[measured_1rm("leg_press", 80.0)]),
        None,
    ),
    (plans, "end_plan"): (
        lambda c, a: plans.end_plan(c.db, a, c.plan_id, expected_version=c.plan_version()),
        None,
    ),
    (plans, "override_load"): (
        lambda c, a: plans.override_load(
            c.db, a, c.plan_id, c.item_id(), expected_version=c.plan_version(), reason="sore knee", load_kg=35.0
        ),
        None,
    ),
    # No increase is waiting for confirmation, so an administrator passes the access check and is then told so.
    (plans, "confirm_increase"): (
        lambda c, a: plans.confirm_increase(c.db, a, c.plan_id, c.decision_id(), expected_version=c.plan_version()),
        ConflictError,
    ),
    (plan_overview, "overview"): (lambda c, a: plan_overview.overview(c.db, a, c.patient_id), None),
    (dashboard, "dashboard"): (lambda c, a: dashboard.dashboard(c.db, a, c.patient_id), None),
    (exports, "export_options"): (lambda c, a: exports.export_options(c.db, a, c.patient_id), None),
    (exports, "export"): (lambda c, a: exports.export(c.db, a, c.patient_id, "csv"), None),
    (export_summaries, "progress_report"): (
        lambda c, a: export_summaries.progress_report(
            c.db, a, c.patient_id, date.today() - timedelta(days=30), date.today()
        ),
        None,
    ),
    (export_summaries, "session_summary"): (
        lambda c, a: export_summaries.session_summary(c.db, a, c.patient_id, _session_id(c)),
        None,
    ),
    (exports, "session_note"): (lambda c, a: exports.session_note(c.db, a, _session_id(c)), None),
    (exports, "save_session_note"): (
        lambda c, a: exports.save_session_note(c.db, a, _session_id(c), "Tolerated well."),
        None,
    ),
    (sessions, "start_session"): (
        lambda c, a: sessions.start_session(c.db, a, c.patient_id, answers=go_answers(), session_date=date.today()),
        None,
    ),
    (sessions, "save_log"): (
        lambda c, a: sessions.save_log(
            c.db, a, _session_id(c), expected_version=c.open_session()[1], rows=c.open_session()[2]
        ),
        None,
    ),
    (sessions, "mark_not_performed"): (
        lambda c, a: sessions.mark_not_performed(
            c.db, a, _session_id(c), expected_version=c.open_session()[1], reason="felt dizzy"
        ),
        None,
    ),
    (sessions, "treatment_view"): (lambda c, a: sessions.treatment_view(c.db, a, c.patient_id), None),
    (sessions, "repeat_screen"): (  # a 'go' screen is not repeated: refused after the access check
        lambda c, a: sessions.repeat_screen(
            c.db,
            a,
            _session_id(c),
            expected_version=c.open_session()[1],
            readings={"systolic_mmhg": 120, "diastolic_mmhg": 80, "resting_heart_rate_bpm": 70},
        ),
        ValidationErrors,
    ),
    (record_baselines, "offered"): (
        lambda c, a: record_baselines.offered(c.db, a, c.patient_id, today=date.today(), retest_every_weeks=4),
        None,
    ),
}


# Calls about one session: the session is opened before the row counts are taken.
NEEDS_A_SESSION = {
    "save_log",
    "mark_not_performed",
    "session_summary",
    "session_note",
    "save_session_note",
    "repeat_screen",
}


def _rows(db: Database) -> dict[str, int]:
    return db.run(
        lambda conn: {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in metadata.sorted_tables
        },
        write=False,
    )


def _name(key: tuple[ModuleType, str]) -> str:
    return f"{key[0].__name__.rsplit('.', 1)[-1]}.{key[1]}"


def test_outsider_is_refused_everywhere_and_nothing_changes(db: Database) -> None:
    admin = make_admin(db)
    for n, (key, (call, _)) in enumerate(CALLS.items()):
        clinic = _clinic(db, admin, n)
        if key[1] in NEEDS_A_SESSION:
            clinic.open_session()
        before = _rows(db)
        with pytest.raises(AccessDenied) as info:
            call(clinic, clinic.outsider)
        assert "Confidential" not in str(info.value) and f"TEAM-{n}" not in str(info.value), _name(key)
        assert _rows(db) == before, _name(key)


def test_administrator_is_let_through_everywhere(db: Database) -> None:
    admin = make_admin(db)
    for n, (key, (call, refusal)) in enumerate(CALLS.items()):
        clinic = _clinic(db, admin, n)
        try:
            call(clinic, admin)
        except Exception as exc:
            if refusal is None or not isinstance(exc, refusal):
                raise AssertionError(f"{_name(key)} refused an administrator: {exc!r}") from exc


def test_every_public_service_that_takes_a_record_id_is_in_the_matrix() -> None:
    """A new use case taking a patient, assessment, plan or session id must be added above (and so be tested)."""
    found = set()
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:2] == ["db", "actor"] and ID_PARAMETERS & set(params):
                found.add((module, name))
    assert found - set(CALLS) == set(), sorted(_name(k) for k in found - set(CALLS))
