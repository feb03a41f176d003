"""Baselines from the record through the store, on SQLite and PostgreSQL: latest final 1RM per exercise and side."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from rehab.services import assessments, record_baselines
from rehab.services.context import AccessDenied
from rehab.store import Database
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

TODAY = date.today()


def _at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(10), tzinfo=UTC)


def _tested(db: Database, actor, pid: int, days_ago: int, site: str, kg: float, side: str | None = None) -> None:  # type: ignore[no-untyped-def]
    entry = {"site": site, "method": "tested", "tested_kg": kg, "side": side}
    assessments.record(db, actor, pid, taken_at=_at(days_ago), entries={"one_rm": entry})


def test_the_latest_final_1rm_per_exercise_and_side_is_offered(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)  # paretic side: left
    _tested(db, admin, pid, 40, "Knee extension", 18, "left")
    _tested(db, admin, pid, 6, "knee extension", 21, "left")
    _tested(db, admin, pid, 5, "knee extension", 34, "right")
    _tested(db, admin, pid, 60, "Leg press", 80)  # older than 4 weeks: stale
    entry = {"site": "seated row", "method": "estimated", "load_kg": 40, "reps": 8, "unit": "kg"}
    assessments.record(db, admin, pid, taken_at=_at(2), entries={"one_rm": entry})
    _tested(db, admin, pid, 1, "quads", 30, "left")  # names no exercise

    got = record_baselines.offered(db, admin, pid, today=TODAY, retest_every_weeks=4)

    paretic = got.get("knee_extension", "paretic")
    assert paretic is not None and paretic.record.one_rm_kg == 21 and not paretic.stale
    day = (TODAY - timedelta(days=6)).isoformat()
    assert paretic.caption == f"From the assessment on {day} by Ada Admin: tested 1RM 21 kg"
    assert got.get("knee_extension", "non_paretic").record.one_rm_kg == 34  # type: ignore[union-attr]
    press = got.get("leg_press", None)
    assert press is not None and press.stale and press.age_days == 60
    row = got.get("seated_row", None)
    assert row is not None and not row.tested
    assert row.value_text == "estimated 1RM 50.7 kg (Epley, 40 kg × 8 reps)"
    assert [u.record.exercise_text for u in got.unmatched] == ["quads"]


def test_an_amended_value_gives_way_to_its_correction_and_an_error_to_nothing(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    _tested(db, admin, pid, 3, "leg press", 90)
    (old,) = assessments.history(db, admin, pid, measure_key="one_rm")
    fixed = {"site": "leg press", "method": "tested", "tested_kg": 95}
    assessments.amend(db, admin, old.id, expected_version=old.version, entry=fixed, reason="misread the stack")
    got = record_baselines.offered(db, admin, pid, today=TODAY, retest_every_weeks=4)
    assert got.get("leg_press", None).record.one_rm_kg == 95  # type: ignore[union-attr]
    current = next(r for r in assessments.history(db, admin, pid, measure_key="one_rm") if r.status == "final")
    assessments.mark_entered_in_error(db, admin, current.id, expected_version=current.version, reason="wrong patient")
    assert record_baselines.offered(db, admin, pid, today=TODAY, retest_every_weeks=4).offered == {}


def test_a_clinician_off_the_care_team_gets_nothing(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin)
    _tested(db, admin, pid, 3, "leg press", 90)
    other = make_clinician(db, admin, "other")
    with pytest.raises(AccessDenied):
        record_baselines.offered(db, other, pid, today=TODAY, retest_every_weeks=4)
