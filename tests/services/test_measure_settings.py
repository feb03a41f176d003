"""Clinic values for secondary and unverified measure thresholds: who may set them, versioning, and that
saved results are interpreted with them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, audit, patients
from rehab.services import settings as clinic_settings
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician, patient_data

T0 = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)
ANDERSSON = "tug.cutoff.stroke_andersson"  # 14 s, marked unverified in the reference: off until signed off


def _codes(db: Database, actor, pid: int, tug_s: float) -> set[str]:  # type: ignore[no-untyped-def]
    [result] = assessments.record(db, actor, pid, taken_at=T0, entries={"tug": {"value": tug_s}})
    return {f.code for f in result.interpretation.flags}


def test_an_unverified_cut_off_applies_only_after_the_clinic_signs_it_off(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    # 14.5 s: under the primary stroke cut-off (15 s) but over the unverified 14 s figure
    assert "tug_stroke_fall_risk_14" not in _codes(db, admin, pid, 14.5)
    version = clinic_settings.save_measure_overrides(db, admin, {ANDERSSON: 14}, expected_version=0)
    assert version == 1
    assert "tug_stroke_fall_risk_14" in _codes(db, admin, pid, 14.5)
    # a blank value withdraws the sign-off; the earlier version stays on record
    clinic_settings.save_measure_overrides(db, admin, {ANDERSSON: ""}, expected_version=1)
    assert "tug_stroke_fall_risk_14" not in _codes(db, admin, pid, 14.5)
    entries = [e for e in audit.entries(db, admin) if e.entity == "clinic_settings"]
    assert len(entries) == 2 and ANDERSSON in entries[0].detail


def test_primary_figures_and_impossible_values_are_refused_by_id(db: Database) -> None:
    admin = make_admin(db)
    with pytest.raises(ValidationErrors) as refused:
        clinic_settings.save_measure_overrides(
            db, admin, {"tug.cutoff.stroke_fall_risk": 16, "bbs.cutoff.older_adults": 99}, expected_version=0
        )
    fields = refused.value.by_field()
    assert "primary source" in fields["tug.cutoff.stroke_fall_risk"]
    assert "bbs.cutoff.older_adults" in fields  # Berg is scored 0-56
    assert clinic_settings.measure_settings(db).version == 0


def test_only_administrators_change_them_and_a_stale_save_is_refused(db: Database) -> None:
    admin = make_admin(db)
    clinician = make_clinician(db, admin, "cara")
    with pytest.raises(AccessDenied):
        clinic_settings.save_measure_overrides(db, clinician, {ANDERSSON: 14}, expected_version=0)
    clinic_settings.save_measure_overrides(db, admin, {ANDERSSON: 14}, expected_version=0)
    with pytest.raises(ConflictError, match="changed the measure thresholds"):
        clinic_settings.save_measure_overrides(db, admin, {ANDERSSON: 13}, expected_version=0)
    assert clinic_settings.measure_settings(db).overrides == {ANDERSSON: 14.0}
