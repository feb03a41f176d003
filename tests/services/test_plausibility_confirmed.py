"""A value outside its plausible range is saved only after "yes, this is right", and the answer is kept.

The plausible range is a data-entry sanity bound from the catalogue (rehab.domain.measures.plausibility):
TUG ≤ 120 s, four times the > 30 s that Podsiadlo 1991 describes in adults dependent in daily activities
(clinical reference §2.2 [R31]). Both engines.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, exports, patients
from rehab.store import Database
from tests.helpers import make_admin, patient_data

T0 = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)


def test_an_implausible_tug_is_asked_about_then_saved_as_typed_with_the_confirmation(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    with pytest.raises(ValidationErrors) as refused:
        assessments.record(db, admin, pid, taken_at=T0, entries={"tug": {"value": 900}})
    [asked] = refused.value.errors
    assert isinstance(asked, measures.Unconfirmed) and asked.field == "tug.value"
    assert "900 s" in asked.message and "120 s" in asked.message and "Podsiadlo" in asked.message
    assert assessments.history(db, admin, pid) == []  # nothing saved while unanswered

    # A confirmation of another value does not carry over: 901 is asked about again.
    with pytest.raises(ValidationErrors):
        assessments.record(db, admin, pid, taken_at=T0, entries={"tug": {"value": 901}}, confirmed=[asked.question.id])
    [saved] = assessments.record(
        db, admin, pid, taken_at=T0, entries={"tug": {"value": 900}}, confirmed=[asked.question.id]
    )
    assert saved.record.value == 900.0  # as typed, never clamped
    assert saved.record.plausibility_confirmed and "Confirmed as typed" in saved.record.plausibility_confirmed
    [again] = assessments.history(db, admin, pid)
    assert again.plausibility_confirmed == saved.record.plausibility_confirmed

    rows = list(csv.DictReader(io.StringIO(exports.export(db, admin, pid, "csv").data.decode("utf-8-sig"))))
    assert float(rows[0]["value"]) == 900
    assert "900 s is outside the plausible range" in rows[0]["confirmed_outside_plausible_range"]


def test_a_plausible_value_needs_no_confirmation_and_stores_none(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    [saved] = assessments.record(db, admin, pid, taken_at=T0, entries={"tug": {"value": 25}})
    assert saved.record.plausibility_confirmed is None


def test_an_amendment_to_an_implausible_value_is_asked_about_too(db: Database) -> None:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    [first] = assessments.record(db, admin, pid, taken_at=T0, entries={"sls": {"sides": {"left": [12]}}})
    entry = {"sides": {"left": [45]}}  # PhenX times single-leg stance up to 30 s (LOINC 64388-2 [R62])
    with pytest.raises(ValidationErrors) as refused:
        assessments.amend(db, admin, first.record.id, expected_version=1, entry=entry, reason="misread")
    [asked] = refused.value.errors
    assert isinstance(asked, measures.Unconfirmed)
    fixed = assessments.amend(
        db, admin, first.record.id, expected_version=1, entry=entry, reason="misread", confirmed=[asked.question.id]
    )
    assert fixed.record.value == 45.0 and "30 s" in (fixed.record.plausibility_confirmed or "")
