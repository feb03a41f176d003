"""Importing assessments on both engines: good, bad and duplicate files, checked in the database afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import exports, imports
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

GOOD = (
    b"mrn,measure,taken_at,side,site,value,unit,items,note\r\n"
    b"IMP-1,tug,2026-10-01 09:30,,,14.2,s,,from the ward\r\n"
    b"imp-1,grip,2026-10-01T09:40:00+01:00,left,,18.5,,,\r\n"
    b"IMP-1,bbs,2026-10-01 10:00,,,40,,3;3;3;3;3;3;3;3;3;3;3;3;2;2,'=not a formula\r\n"
    b"IMP-1,mmt,2026-10-01 10:05,right,knee extension,4+,,,\r\n"
)


@pytest.fixture
def clinic(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    ana = make_clinician(db, admin, "ana")
    ben = make_clinician(db, admin, "ben")
    pid = new_patient(db, ana, "IMP-1")
    return db, ana, ben, pid


def _stored(db: Database, pid: int) -> list[assessment_store.AssessmentRecord]:
    return db.run(lambda c: assessment_store.for_patient(c, pid), write=False)


def test_good_file_is_written_whole_and_audited(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    result = imports.import_assessments(db, ana, GOOD, filename="ward.csv")
    assert (result.values_written, result.duplicates_skipped, result.patients) == (4, 0, 1)
    rows = {r.measure_key: r for r in _stored(db, pid)}
    assert rows["tug"].value == 14.2 and rows["tug"].taken_at == datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    assert rows["grip"].side == "left" and rows["grip"].taken_at == datetime(2026, 10, 1, 8, 40, tzinfo=UTC)
    assert rows["bbs"].value == 40 and rows["bbs"].items == [3] * 12 + [2, 2]  # 12 × 3 + 2 × 2 = 40
    assert rows["bbs"].note == "=not a formula"  # our export's apostrophe prefix is undone
    assert rows["mmt"].value_text == "4+" and rows["mmt"].site == "knee extension"
    assert rows["tug"].assessor_id == ana.user_id
    (entry,) = db.run(lambda c: audit_store.search(c, patient_id=pid, action="create"), write=False)[:1]
    assert entry.entity == "assessment_import" and "4 value(s) written" in entry.detail and "sha256 " in entry.detail


def test_reimporting_the_same_file_adds_nothing(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    imports.import_assessments(db, ana, GOOD)
    again = imports.import_assessments(db, ana, GOOD)
    assert (again.values_written, again.duplicates_skipped) == (0, 4)
    assert len(_stored(db, pid)) == 4
    # our own export of those values imports back as duplicates too (round trip)
    exported = exports.export(db, ana, pid, "csv").data
    preview = imports.preview(db, ana, exported)
    assert (preview.new_values, preview.duplicates, preview.problems) == (0, 4, [])


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_reported(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    bad = GOOD + (
        b"IMP-1,tug,2026-10-02 09:30,,,fast,s,,\r\n"
        b"IMP-1,bbs,2026-10-02 09:30,,,,,4;4,\r\n"
        b"NOBODY,tug,2026-10-02 09:30,,,12,,,\r\n"
        b"IMP-1,tug,2999-01-01 09:30,,,12,,,\r\n"
        b"IMP-1,grip,2026-10-02 09:30,,,20,,,\r\n"
    )
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, ana, bad)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["row6.value", "row7.items", "row8.mrn", "row9.taken_at", "row10.side"]
    assert _stored(db, pid) == []
    preview = imports.preview(db, ana, bad)
    assert [(p.row, p.column) for p in preview.problems] == [
        (6, "value"), (7, "items"), (8, "mrn"), (9, "taken_at"), (10, "side"),
    ]  # fmt: skip


def test_patients_outside_the_care_team_are_refused_like_unknown_ones(clinic) -> None:  # type: ignore[no-untyped-def]
    db, _, ben, pid = clinic
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, ben, GOOD)
    expected = {f"Row {n}, mrn: No patient with MRN {mrn} on your care team." for n, mrn in
                ((2, "IMP-1"), (3, "imp-1"), (4, "IMP-1"), (5, "IMP-1"))}  # fmt: skip
    assert {e.message for e in caught.value.errors} == expected
    assert _stored(db, pid) == []


# Issue 14, row 16: a cell over the csv module's field limit raised an uncaught `_csv.Error` (the generic
# crash message), and an unterminated quote silently read the following rows into one cell.
HEADER = b"mrn,measure,taken_at,side,site,value,unit,items,note\r\n"
ROW = b"IMP-1,tug,2026-10-01 09:30,,,14.2,s,,"


def _refusal(db: Database, ana, data: bytes) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationErrors) as caught:
        imports.preview(db, ana, data)
    with pytest.raises(ValidationErrors) as again:
        imports.import_assessments(db, ana, data)
    assert [e.message for e in caught.value.errors] == [e.message for e in again.value.errors]
    (error,) = again.value.errors
    assert error.field == "file"
    return error.message


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_over_the_field_limit_is_refused_by_row_and_column(clinic, quoted: bool) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    huge = b"x" * 131_073
    data = HEADER + ROW + b"ok\r\n" + ROW + (b'"' + huge + b'"' if quoted else huge) + b"\r\n" + ROW + b"\r\n"
    message = _refusal(db, ana, data)
    assert message == "Row 3, note: the cell is longer than 131,072 characters, which no cell may be."
    assert _stored(db, pid) == []


def test_an_unterminated_quote_is_refused_instead_of_swallowing_the_next_rows(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    data = HEADER + ROW + b"ok\r\n" + ROW + b'"from the ward\r\n' + b"IMP-1,grip,2026-10-01 09:40,left,,18.5,,,\r\n"
    message = _refusal(db, ana, data)
    assert message.startswith('Row 3, note: a quote (") opens this cell but never closes')
    assert _stored(db, pid) == []


def test_text_after_a_closing_quote_is_refused(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    data = HEADER + b'IMP-1,tug,2026-10-01 09:30,,,"14.2"5,s,,\r\n'
    assert _refusal(db, ana, data).startswith("Row 2, value: there is text (“5”) after the quote that closes")
    assert _stored(db, pid) == []


def test_a_quoted_note_over_several_lines_still_imports(clinic) -> None:  # type: ignore[no-untyped-def]
    db, ana, _, pid = clinic
    data = HEADER + ROW + b'"first line\r\nsecond, with ""quotes"""\r\n' + ROW.replace(b"09:30", b"09:45") + b"\r\n"
    assert imports.import_assessments(db, ana, data).values_written == 2
    notes = sorted(r.note for r in _stored(db, pid))
    assert notes == ["", 'first line\r\nsecond, with "quotes"'] or notes == ["", 'first line\nsecond, with "quotes"']
