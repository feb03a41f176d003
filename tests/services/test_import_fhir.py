"""FHIR bundle import on both engines: our own export round-trips; every bad entry is named and nothing is saved."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, exports, falls, goals, imports, patients, settings
from rehab.services.imports import Source
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import audit as audit_store
from rehab.store.db import make_engine
from rehab.store.migrate import upgrade
from tests.conftest import sqlite_url
from tests.helpers import make_admin, patient_data

T0 = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)
FHIR = Source(kind="fhir")
ARAT_SHORTCUT = [3, None, None, None, None, None, 2, 0, None, None, 1, 1, 1, 1, 1, 1, 3, None, None]
ENTRIES: dict[str, dict[str, Any]] = {
    "grip": {"sides": {"left": [40.0, 42.0]}, "unit": "lb", "rule": "max"},
    "hhd": {"site": "knee extension", "sides": {"right": [180.0]}, "unit": "N"},
    "mmt": {"site": "hip flexion", "sides": {"left": "3-", "right": "4+"}},
    "mas": {"muscles": [{"site": "Elbow flexors", "sides": {"left": "1+", "right": "0"}}]},
    "fac": {"value": 3},
    "tct": {"items": [12, 25, 25, 0]},
    "arat": {"items": ARAT_SHORTCUT},
    "bbs": {"items": [4] * 10 + [3] * 4},
    "tug": {"value": 14.2, "assistive_device": "four-point stick", "assistance": "supervision"},
    "ten_mwt": {"trials": [12.5], "pace": "fast"},
    "six_mwt": {"value": 820, "unit": "ft"},
}


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    """A second, empty database (SQLite) to import into."""
    engine = make_engine(sqlite_url(tmp_path / "other"))
    upgrade(engine)
    database = Database(engine)
    yield database
    database.dispose()


def _exported(db: Database, kind: str = "fhir") -> tuple[bytes, Any, int]:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())
    assessments.record(db, admin, pid, taken_at=T0, entries=ENTRIES)
    torque = {"site": "elbow flexion", "sides": {"left": [150.0]}, "unit": "N", "lever_arm_m": 0.25}  # 37.5 N·m
    assessments.record(db, admin, pid, taken_at=T0 + timedelta(hours=1), entries={"hhd": torque})
    # other records the bundle carries: listed as not imported, never a problem
    fall = {"fell_on": date(2026, 9, 20), "place": "indoor", "circumstances": "Turning", "injury": "none",
            "injury_note": "", "reported_by": "interview"}  # fmt: skip
    falls.record(db, admin, pid, fall)
    levels = {2: "a", 1: "b", 0: "walks 10 m with a stick", -1: "d", -2: "e"}
    target = date.today() + timedelta(days=60)
    goal = goals.set_gas_goal(
        db, admin, pid, {"statement": "walk", "levels": levels, "baseline": -1, "target_date": target}
    )
    goals.review(db, admin, goal, rating=0, note="")
    return exports.export(db, admin, pid, kind).data, admin, pid


def _shape(db: Database, pid: int) -> list[tuple[object, ...]]:
    """What a clinician sees of each value; to four decimals, the precision the FHIR export writes."""
    rows = db.run(lambda c: assessment_store.for_patient(c, pid), write=False)
    return sorted(
        (r.measure_key, r.taken_at, r.side, r.site, round(r.value, 4), r.value_text, r.unit, tuple(r.items or ()),
         (r.context or {}).get("assistive_device"), (r.context or {}).get("assistance"), (r.context or {}).get("pace"))
        for r in rows
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["fhir", "fhir-transaction"])
def test_our_own_bundle_round_trips_into_an_empty_database(db: Database, empty_db: Database, kind: str) -> None:
    data, owner, pid = _exported(db, kind)
    admin = make_admin(empty_db)
    other = patients.register(empty_db, admin, patient_data())  # the same patient, registered at the other site
    seen = imports.preview(empty_db, admin, data, source=FHIR)
    assert seen.problems == [] and seen.label == "Entry"
    assert seen.new_values == 14  # grip 1, hhd 2 (one a torque), mmt 2, mas 2, fac, tct, arat, bbs, tug, 10MWT, 6MWT
    assert any("Condition" in w for w in seen.ignored_columns)
    listed = " ".join(seen.ignored_columns)
    assert "Observation (fall: import the falls CSV) ×1" in listed and "Observation (goal rating)" in listed
    assert "Goal ×1" in listed
    result = imports.import_assessments(empty_db, admin, data, source=FHIR, filename="export.json")
    assert (result.values_written, result.duplicates_skipped) == (14, 0)
    assert _shape(empty_db, other) == _shape(db, pid)
    again = imports.import_assessments(empty_db, admin, data, source=FHIR)
    assert (again.values_written, again.duplicates_skipped) == (0, 14)
    entries = empty_db.run(lambda c: audit_store.search(c, patient_id=other, action="create"), write=False)
    assert any(e.entity == "assessment_import" and "FHIR bundle import" in e.detail for e in entries)
    # and back into the database it came from: every value is already there
    home = imports.preview(db, owner, data, source=FHIR)
    assert (home.new_values, home.duplicates, home.problems) == (0, 14, [])


def test_grip_typed_in_pounds_keeps_its_kilograms(db: Database, empty_db: Database) -> None:
    data, _, _ = _exported(db)
    admin = make_admin(empty_db)
    other = patients.register(empty_db, admin, patient_data())
    imports.import_assessments(empty_db, admin, data, source=FHIR)
    (grip,) = [r for r in _shape(empty_db, other) if r[0] == "grip"]
    assert grip[4] == round(42 * 0.45359237, 4)  # the max of 40 and 42 lb; 1 lb = 0.45359237 kg exactly


def _bundle(db: Database) -> tuple[dict[str, Any], Any]:
    data, admin, _ = _exported(db)
    return json.loads(data), admin


def _entry(bundle: dict[str, Any], measure_code: str) -> tuple[int, dict[str, Any]]:
    for number, e in enumerate(bundle["entry"], start=1):
        r = e["resource"]
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == measure_code:
            return number, r
    raise AssertionError(measure_code)


def test_every_bad_entry_is_named_and_nothing_is_saved(db: Database) -> None:
    bundle, admin = _bundle(db)
    bad = copy.deepcopy(bundle)
    tug_n, tug = _entry(bad, "89423-8")
    tug["code"]["coding"] = [{"system": "http://loinc.org", "code": "00000-0"}]
    six_n, six = _entry(bad, "six-mwt-distance")
    six["valueQuantity"]["code"] = "[mi_i]"
    fac_n, fac = _entry(bad, "fac")
    fac["effectiveDateTime"] = (datetime.now(UTC) + timedelta(days=3)).isoformat(timespec="seconds")
    bbs_n, bbs = _entry(bad, "bbs-total")
    del bbs["effectiveDateTime"]
    data = json.dumps(bad).encode()
    before = len(db.run(lambda c: assessment_store.for_patient(c, 1), write=False))
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, admin, data, source=FHIR)
    fields = sorted(e.field for e in caught.value.errors)
    assert fields == sorted([
        f"row{tug_n}.code", f"row{six_n}.valueQuantity.code", f"row{fac_n}.effectiveDateTime",
        f"row{bbs_n}.effectiveDateTime",
    ])  # fmt: skip
    assert all(m.startswith("Entry ") for m in caught.value.messages())
    assert "00000-0" in " ".join(caught.value.messages()) and "[mi_i]" in " ".join(caught.value.messages())
    assert len(db.run(lambda c: assessment_store.for_patient(c, 1), write=False)) == before


def test_a_patient_without_the_clinics_mrn_identifier_is_refused(db: Database) -> None:
    bundle, admin = _bundle(db)
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "Patient":
            e["resource"]["identifier"][0]["system"] = "urn:other-hospital:mrn"
    seen = imports.preview(db, admin, json.dumps(bundle).encode(), source=FHIR)
    assert seen.problems and seen.problems[0].column == "identifier"
    assert "urn:rehab-dashboard:mrn" in seen.problems[0].message  # the clinic's system, named
    assert {p.column for p in seen.problems[1:]} == {"subject"}  # each Observation then has no patient


def test_the_clinics_configured_mrn_system_is_the_one_matched(db: Database) -> None:
    bundle, admin = _bundle(db)
    settings.save_mrn_system(db, admin, "https://hospital.example/mrn", expected_version=0)
    seen = imports.preview(db, admin, json.dumps(bundle).encode(), source=FHIR)  # exported before the change
    assert seen.problems and "https://hospital.example/mrn" in seen.problems[0].message


def test_an_mrn_with_no_registered_patient_is_refused_not_created(db: Database) -> None:
    bundle, admin = _bundle(db)
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "Patient":
            e["resource"]["identifier"][0]["value"] = "NEW-9"
    with pytest.raises(ValidationErrors) as caught:
        imports.import_assessments(db, admin, json.dumps(bundle).encode(), source=FHIR)
    assert "No patient with MRN NEW-9" in caught.value.messages()[0]
    assert db.run(lambda c: patients_count(c), write=False) == 1


def patients_count(conn: Any) -> int:
    from sqlalchemy import func, select

    from rehab.store.tables import patients as table

    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not json", "not FHIR JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (b'{"resourceType": "Bundle", "type": "searchset", "entry": [{}]}', "searchset"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "no entries"),
    ],
)
def test_a_file_that_is_not_an_importable_bundle_is_refused_whole(db: Database, data: bytes, words: str) -> None:
    admin = make_admin(db)
    with pytest.raises(ValidationErrors) as caught:
        imports.preview(db, admin, data, source=FHIR)
    assert words in caught.value.messages()[0]


def test_our_own_csv_export_of_the_newer_measures_round_trips_too(db: Database, empty_db: Database) -> None:
    """Modified Ashworth, FAC, TCT, ARAT (with Lyle's shortcut completed) and the converted units, via the CSV."""
    data, _, pid = _exported(db, "csv")
    admin = make_admin(empty_db)
    other = patients.register(empty_db, admin, patient_data())
    result = imports.import_assessments(empty_db, admin, data)
    assert (result.values_written, result.duplicates_skipped) == (14, 0)
    # the context columns carry the TUG's four-point stick and supervision and the 10 m walk's fast pace
    assert _shape(empty_db, other) == _shape(db, pid)
    tug = [r for r in _shape(empty_db, other) if r[0] == "tug"]
    walk = [r for r in _shape(empty_db, other) if r[0] == "ten_mwt"]
    assert [r[-3:] for r in tug] == [("four-point stick", "supervision", None)]
    assert [r[-1] for r in walk] == ["fast"]
