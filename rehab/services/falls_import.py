"""Importing falls from a falls CSV (our own export, or one made to its columns): preview, then all or none.

The same rules as the assessments import (``rehab.services.imports``): every row is checked first (the file,
then the patient on the importer's care team, then the fall itself with ``parse_fall``: not after today, not
before birth, a place, injury and reporter from the lists); a fall already recorded for the patient with the
same date, place, circumstances, injury and reporter is skipped, so importing the same file again adds
nothing; one bad row means nothing is written; each patient touched gets one audit entry with the file's
SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection

from rehab.domain import falls as domain
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.text import storable
from rehab.exports import import_falls
from rehab.exports.import_csv import RowProblem
from rehab.exports.import_dates import ReadOptions
from rehab.services import audit, falls
from rehab.services.context import Actor, now_utc
from rehab.services.imports import Patients, refusal
from rehab.services.patients import today
from rehab.store import Database, versioned
from rehab.store.patients import PatientRecord
from rehab.store.tables import falls as falls_table

_Key = tuple[object, ...]


@dataclass(frozen=True)
class FallPreviewRow:
    row: int
    mrn: str
    patient: str
    fell_on: str
    place: str
    injury: str
    reported_by: str
    status: str  # "new" or "already recorded"


@dataclass(frozen=True)
class FallsPreview:
    rows: list[FallPreviewRow]
    problems: list[RowProblem]
    ignored_columns: list[str]
    new_falls: int
    duplicates: int
    earlier_versions: int
    sha256: str


@dataclass(frozen=True)
class FallsResult:
    falls_written: int
    duplicates_skipped: int
    patients: int
    sha256: str


def _key(details: domain.FallDetails) -> _Key:
    return (details.fell_on, details.place.value, details.circumstances, details.injury.value,
            details.injury_note, details.reported_by.value)  # fmt: skip


def _stored_keys(conn: Connection, patient_id: int) -> set[_Key]:
    return {
        (r["fell_on"], r["place"], r["circumstances"], r["injury"], r["injury_note"], r["reported_by"])
        for r in versioned.current(conn, falls_table, patient_id)
    }


def _check(
    conn: Connection, actor: Actor, parsed: import_falls.ParsedFalls
) -> tuple[list[FallPreviewRow], list[RowProblem], list[tuple[PatientRecord, domain.FallDetails, bool]]]:
    problems = list(parsed.problems)
    patients = Patients(conn, actor)
    stored: dict[int, set[_Key]] = {}
    planned: list[tuple[PatientRecord, domain.FallDetails, bool]] = []
    preview: list[FallPreviewRow] = []
    day = today()
    for row in parsed.rows:
        patient = patients.find(row.mrn)
        if isinstance(patient, str):
            problems.append(RowProblem(row.row, "mrn", patient))
            continue
        try:
            details = domain.parse_fall(row.fields, today=day, earliest=patient.birth_date)
        except ValidationErrors as exc:
            problems += [RowProblem(row.row, e.field, _sentence(e.message)) for e in exc.errors]
            continue
        if patient.id not in stored:
            stored[patient.id] = _stored_keys(conn, patient.id)
        is_new = _key(details) not in stored[patient.id]
        stored[patient.id].add(_key(details))  # the same fall twice in the file is written once
        planned.append((patient, details, is_new))
        preview.append(
            FallPreviewRow(
                row.row,
                patient.mrn,
                patient.display_name,
                details.fell_on.isoformat(),
                domain.PLACE_LABELS[details.place],
                domain.INJURY_LABELS[details.injury],
                domain.REPORTED_LABELS[details.reported_by],
                "new" if is_new else "already recorded",
            )
        )
    problems.sort(key=lambda p: (p.row, p.column))
    return preview, problems, planned


def _sentence(message: str) -> str:
    text = message.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _parse(data: bytes, options: ReadOptions | None) -> import_falls.ParsedFalls:
    try:
        return import_falls.parse(data, options)
    except ValidationError as exc:
        raise ValidationErrors([ValidationError("file", exc.message)]) from None


def preview(db: Database, actor: Actor, data: bytes, *, options: ReadOptions | None = None) -> FallsPreview:
    """What a falls import would do, without writing anything."""
    parsed = _parse(data, options)
    rows, problems, planned = db.run(lambda conn: _check(conn, actor, parsed), write=False)
    new = sum(1 for *_, is_new in planned if is_new)
    digest = hashlib.sha256(data).hexdigest()
    return FallsPreview(rows, problems, parsed.ignored_columns, new, len(planned) - new, parsed.earlier_versions,
                        digest)  # fmt: skip


def import_falls_file(
    db: Database, actor: Actor, data: bytes, *, options: ReadOptions | None = None, filename: str = ""
) -> FallsResult:
    """Write every new fall in one transaction, or nothing if any row has a problem."""
    parsed = _parse(data, options)
    digest = hashlib.sha256(data).hexdigest()

    def work(conn: Connection) -> FallsResult:
        _, problems, planned = _check(conn, actor, parsed)
        if problems:
            raise refusal(problems)
        written: dict[int, int] = {}
        skipped: dict[int, int] = {}
        for patient, details, is_new in planned:
            counts = written if is_new else skipped
            counts[patient.id] = counts.get(patient.id, 0) + 1
            if is_new:
                versioned.add(conn, falls_table, falls.new_fall_values(details, actor, patient.id), replaces=None)
        name = storable(filename).strip()[:80]
        now = now_utc()
        for patient_id in sorted(set(written) | set(skipped)):
            audit.record(
                conn,
                actor,
                "create",
                "fall_import",
                digest[:16],
                patient_id=patient_id,
                detail=f"Falls CSV import{f' {name}' if name else ''}: {written.get(patient_id, 0)} fall(s) "
                f"written, {skipped.get(patient_id, 0)} already recorded; sha256 {digest}",
                at=now,
            )
        return FallsResult(sum(written.values()), sum(skipped.values()), len(set(written) | set(skipped)), digest)

    return db.run(work)
