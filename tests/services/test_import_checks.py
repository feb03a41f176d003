"""Implausible values, device exports and the newer measures through the import service, on both engines."""

from __future__ import annotations

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.exports import import_devices
from rehab.exports.import_dates import ReadOptions
from rehab.services import imports
from rehab.services.imports import Source
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

# The catalogue questions a TUG beyond 120 s (four times the 30 s of the slowest group, Podsiadlo 1991 [R31]) and
# a grip beyond 189.0 lb (Mathiowetz 1985 [R58], men 30–34 right hand 121.8 + 3 × 22.4 lb) = 85.73 kg: 90 kg is
# questioned and 80 kg is not.
IMPLAUSIBLE = (
    b"mrn,measure,taken_at,side,site,value,unit\n"
    b"IMP-1,tug,2026-10-01 09:30,,,900,s\n"
    b"IMP-1,grip,2026-10-01 09:40,right,,90,kg\n"
    b"IMP-1,grip,2026-10-01 09:40,left,,80,kg\n"
)


@pytest.fixture
def clinic(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    return db, ana, new_patient(db, ana, "IMP-1")


def _stored(db: Database, pid: int) -> list[assessment_store.AssessmentRecord]:
    return db.run(lambda c: assessment_store.for_patient(c, pid), write=False)


def test_implausible_values_are_listed_and_written_only_once_confirmed(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, pid = clinic
    seen = imports.preview(db, ana, IMPLAUSIBLE)
    assert [row for row, _ in seen.questions] == [2, 3]
    assert [r.check != "" for r in seen.rows] == [True, True, False]
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, ana, IMPLAUSIBLE, confirmed=[seen.questions[0][1].id])  # one of two
    assert [e.field for e in caught.value.errors] == ["row3.value"]
    assert _stored(db, pid) == []
    result = imports.import_assessments(db, ana, IMPLAUSIBLE, confirmed=[q.id for _, q in seen.questions])
    assert result.values_written == 3
    confirmed = {(r.measure_key, r.side): r.plausibility_confirmed for r in _stored(db, pid)}
    assert confirmed[("grip", "left")] is None
    assert "900 s is outside the plausible range" in (confirmed[("tug", None)] or "")
    assert "Confirmed as typed at import" in (confirmed[("grip", "right")] or "")


def test_a_device_export_is_all_or_nothing_and_audited_as_such(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, pid = clinic
    layout = import_devices.layouts()["generic_force"]
    source = Source(kind="device", layout=layout, mrn="IMP-1")
    good = (
        b"date,side,muscle,force N\n"
        b"2026-10-01 09:30,right,knee extension,180\n"
        b"2026-10-01 09:31,left,knee extension,150\n"
    )
    bad = good + b"2026-10-01 09:32,left,,150\n"
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, ana, bad, source=source)
    assert [e.field for e in caught.value.errors] == ["row4.muscle"]
    assert _stored(db, pid) == []
    assert imports.import_assessments(db, ana, good, source=source, filename="dyn.csv").values_written == 2
    assert imports.import_assessments(db, ana, good, source=source).duplicates_skipped == 2
    entries = db.run(lambda c: audit_store.search(c, patient_id=pid, action="create"), write=False)
    assert any("Device export import dyn.csv: 2 value(s) written" in e.detail for e in entries)
    stored = _stored(db, pid)
    assert {r.context["source"] for r in stored} == {f"Device import: {layout.name}"}


def test_the_newer_measures_and_units_are_stored_in_si_with_the_unit_typed(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, pid = clinic
    data = (
        b"mrn,measure,taken_at,side,site,value,unit,items\n"
        b"IMP-1,mas,01/10/2026 09:30,left,elbow flexors,1+,,\n"
        b"IMP-1,mas,01/10/2026 09:30,right,elbow flexors,0,,\n"
        b"IMP-1,fac,01/10/2026 09:30,,,4,,\n"
        b"IMP-1,grip,01/10/2026 09:30,left,,40,lb,\n"
    )
    imports.import_assessments(db, ana, data, source=Source(options=ReadOptions("dmy")))
    rows = {(r.measure_key, r.side): r for r in _stored(db, pid)}
    assert rows[("mas", "left")].value_text == "1+" and rows[("mas", "right")].value_text == "0"
    assert rows[("fac", None)].value_text == "4"
    assert rows[("grip", "left")].value == pytest.approx(40 * 0.45359237)  # 1 lb = 0.45359237 kg exactly
    assert rows[("grip", "left")].context["entry_unit"] == "lb"
    assert all(r.taken_at.month == 10 and r.taken_at.day == 1 for r in rows.values())  # 1 October, day first
