"""Issue 18: falls recorded, corrected and withdrawn as new versions (nothing updated or deleted), audited, and
counted into the caseload's fall-risk flag after stroke (Xu 2018 [R108], clinical reference §13.13), on both
engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from rehab.domain.errors import ValidationErrors
from rehab.services import audit, caseload, falls
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_admin, make_clinician
from tests.plan_helpers import new_patient

TODAY = datetime.now(UTC).date()


def _fall(days_ago: int, **more: object) -> dict[str, object]:
    return {
        "fell_on": TODAY - timedelta(days=days_ago),
        "place": "indoor",
        "circumstances": "Reaching for a cup, lost balance backwards",
        "injury": "none",
        "injury_note": "",
        "reported_by": "interview",
        **more,
    }


def test_record_correct_and_withdraw_keep_every_version(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-1")
    first = falls.record(db, admin, pid, _fall(10))
    second = falls.record(db, admin, pid, _fall(40, place="outdoor"))
    corrected = falls.correct(db, admin, first, _fall(9, injury="minor"), expected_version=1, reason="date misheard")
    withdrawn = falls.mark_entered_in_error(db, admin, second, expected_version=1, reason="was a near-miss")
    view = falls.view(db, admin, pid)
    assert [f.id for f in view.current] == [corrected]
    assert view.current[0].version == 2 and view.current[0].injury == "minor"
    assert view.current[0].status_reason == "date misheard"
    assert {f.id for f in view.versions} == {first, second, corrected, withdrawn}
    assert next(f for f in view.versions if f.id == withdrawn).status == "entered_in_error"
    assert (view.history.last_6_months, view.history.last_12_months) == (1, 1)
    actions = [(e.action, e.entity) for e in audit.entries(db, admin, patient_id=pid) if e.entity == "fall"]
    assert actions.count(("create", "fall")) == 2 and actions.count(("update", "fall")) == 2


def test_a_stale_correction_is_refused_and_nothing_saved(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-2")
    fall_id = falls.record(db, admin, pid, _fall(3))
    falls.correct(db, admin, fall_id, _fall(4), expected_version=1, reason="first correction")
    with pytest.raises(ConflictError):
        falls.correct(db, admin, fall_id, _fall(5), expected_version=1, reason="second, on the old version")
    assert len(falls.view(db, admin, pid).versions) == 2


def test_bad_input_names_the_field_and_saves_nothing(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-3")
    with pytest.raises(ValidationErrors) as err:
        falls.record(db, admin, pid, _fall(-1, circumstances=""))
    assert set(err.value.by_field()) == {"fell_on", "circumstances"}
    fall_id = falls.record(db, admin, pid, _fall(1))
    with pytest.raises(ValidationErrors) as err:
        falls.correct(db, admin, fall_id, _fall(2), expected_version=1, reason="  ")
    assert "reason" in err.value.by_field()
    assert len(falls.view(db, admin, pid).versions) == 1


def test_falls_rows_cannot_be_updated_or_deleted(db: Database) -> None:
    admin = make_admin(db)
    pid = new_patient(db, admin, "F-4")
    falls.record(db, admin, pid, _fall(1))
    for statement in ("UPDATE falls SET injury = 'fracture'", "DELETE FROM falls"):

        def work(conn: Connection, sql: str = statement) -> None:
            conn.execute(text(sql))

        with pytest.raises(DBAPIError):
            db.run(work)


def test_only_the_care_team_sees_or_records_falls(db: Database) -> None:
    admin = make_admin(db)
    outsider = make_clinician(db, admin, "outsider")
    pid = new_patient(db, admin, "F-5")
    with pytest.raises(AccessDenied):
        falls.record(db, outsider, pid, _fall(1))
    with pytest.raises(AccessDenied):
        falls.view(db, outsider, pid)


def test_a_recorded_fall_raises_the_fall_risk_flag_after_stroke_only(db: Database) -> None:
    admin = make_admin(db)
    stroke = new_patient(db, admin, "F-6", family_name="Stroke")
    ortho = new_patient(db, admin, "F-7", family_name="Ortho", condition="orthopaedic", event_date=None)
    before = caseload.caseload(db, admin, today=TODAY, audit_view=False).table
    assert not before[before["patient_id"] == stroke].iloc[0]["Fall risk"]
    for pid in (stroke, ortho):
        falls.record(db, admin, pid, _fall(20))
        falls.record(db, admin, pid, _fall(200))
    table = caseload.caseload(db, admin, today=TODAY, audit_view=False).table
    row = table[table["patient_id"] == stroke].iloc[0]
    assert row["Fall risk"]
    # 20 and 200 days ago: 1 in the last 6 months, 2 in the last 12 → recurrent (≥ 2, §13.13), Xu 2018 OR 4.19
    assert "1 in the last 6 months, 2 in the last 12 months (recurrent falls)" in row["Why"]
    assert f"since {(TODAY - timedelta(days=20)).isoformat()}" in row["Why"]
    assert not table[table["patient_id"] == ortho].iloc[0]["Fall risk"]
