"""Falls CSV import on both engines: the clinic's own falls export re-imports (current versions only), a bad row
means nothing is written, a second import adds nothing, and every patient touched is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.exports.import_dates import ReadOptions
from rehab.services import exports, falls, falls_import
from rehab.store import Database
from rehab.store import audit as audit_store
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient
from tests.services.test_falls import TODAY, _fall


def _current(db: Database, actor, pid: int) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    view = falls.view(db, actor, pid)
    return sorted((f.fell_on, f.place, f.circumstances, f.injury, f.injury_note, f.reported_by) for f in view.current)


def test_our_falls_export_re_imports_with_only_each_falls_current_version(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-1")
    first = falls.record(db, admin, pid, _fall(10))
    falls.record(db, admin, pid, _fall(40, place="outdoor", circumstances='Kerb, "tripped"; =odd'))
    falls.correct(db, admin, first, _fall(9, injury="minor"), expected_version=1, reason="date misheard")
    withdrawn = falls.record(db, admin, pid, _fall(3))
    falls.mark_entered_in_error(db, admin, withdrawn, expected_version=1, reason="another patient")
    data = exports.export(db, admin, pid, "csv-falls").data
    expected = _current(db, admin, pid)
    assert len(expected) == 2
    # into the same database: both current falls are already recorded
    again = falls_import.preview(db, admin, data)
    assert (again.new_falls, again.duplicates, again.earlier_versions, again.problems) == (0, 2, 3, [])
    # into a patient with no falls yet (the same MRN at another site is the same rows): exactly the current ones
    other = make_clinician(db, admin, "ana")
    pid2 = new_patient(db, other, "F-2")
    moved = data.replace(b"F-1", b"F-2")
    result = falls_import.import_falls_file(db, other, moved, filename="falls.csv")
    assert (result.falls_written, result.duplicates_skipped, result.patients) == (2, 0, 1)
    assert _current(db, other, pid2) == expected
    (entry,) = [e for e in db.run(lambda c: audit_store.search(c, patient_id=pid2), write=False)
                if e.entity == "fall_import"]  # fmt: skip
    assert "2 fall(s) written" in entry.detail and "sha256 " in entry.detail
    assert falls_import.import_falls_file(db, other, moved).falls_written == 0  # a second import adds nothing


HEADER = b"mrn,fell_on,place,circumstances,injury,injury_note,reported_by\r\n"


def test_one_bad_row_means_no_fall_is_written(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-1")
    future = (TODAY + timedelta(days=2)).isoformat()
    data = HEADER + (
        b"F-1,2026-10-01,indoor,Turned too fast,none,,interview\r\n"
        + f"F-1,{future},indoor,Slipped,none,,interview\r\n".encode()
        + b"F-1,2026-10-02,garden,Slipped,none,,interview\r\n"
        b"F-1,2026-10-03,indoor,,none,,interview\r\n"
        b"NOBODY,2026-10-03,indoor,Slipped,none,,interview\r\n"
    )
    with pytest.raises(ValidationErrors) as caught:
        falls_import.import_falls_file(db, admin, data)
    assert [e.field for e in caught.value.errors] == [
        "row3.fell_on", "row4.place", "row5.circumstances", "row6.mrn",
    ]  # fmt: skip
    assert falls.view(db, admin, pid).current == []


def test_day_first_fall_dates_need_the_date_order_chosen(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-1")
    data = HEADER + b"F-1,03/04/2026,indoor,Turned too fast,none,,interview\r\n"
    with pytest.raises(ValidationErrors) as caught:
        falls_import.preview(db, admin, data)
    assert "03/04/2026" in caught.value.messages()[0] and "date order" in caught.value.messages()[0]
    falls_import.import_falls_file(db, admin, data, options=ReadOptions(date_order="dmy"))
    (fall,) = falls.view(db, admin, pid).current
    assert fall.fell_on.isoformat() == "2026-04-03"  # 3 April: day first, as chosen
