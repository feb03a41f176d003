"""Importing assessments from a CSV file: preview with a row-by-row report, then all rows or none.

The file is a CSV (the template or our export), a device export read through a column layout
(``rehab.exports.import_devices``) or a FHIR R4 Bundle (``rehab.exports.import_fhir``); all three become the same
checked rows. Every row is checked before anything is written: the file's own checks (``rehab.exports.import_csv``),
then the patient (the MRN must exist and be on the importer's care team), the date (not in the future,
not before birth or the event) and duplicates. A value already stored for the same patient, measure,
time, side and site is skipped rather than written twice, so importing the same file again changes
nothing. One bad row means nothing is written. Each patient touched gets one audit entry naming the file's
SHA-256. A value outside its measure's plausible range is written only when the clinician has confirmed it on
the preview, and the confirmation is stored with it, as on the Assess page.

Large files (up to ``import_csv.MAX_ROWS`` rows) are written in batches of ``BATCH_VALUES`` inside the one
transaction, so a failure in any batch, the last included, leaves nothing written; ``progress`` is told after
each batch so a page can show how far the import has come.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection

from rehab.domain import measures
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.measures import Question
from rehab.domain.text import identifier_problem, storable
from rehab.domain.units import fmt
from rehab.exports import import_csv, import_devices, import_fhir
from rehab.exports.import_csv import ImportRow, RowProblem
from rehab.exports.import_dates import ReadOptions
from rehab.services import audit, settings
from rehab.services.assessments import VISIBLE, assessment_row, check_taken_at
from rehab.services.context import AccessDenied, Actor, NotFound, now_utc
from rehab.services.patients import check_access
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import exports as export_store
from rehab.store.patients import PatientRecord

_SAME_VALUE = 5e-5
"""Values this close are the same value: half the last decimal the FHIR export writes (four; the CSV writes six),
so our own export imported back is recognised as already recorded."""
_KIND_WORDS = {"csv": "CSV", "device": "Device export", "fhir": "FHIR bundle"}
BATCH_VALUES = 5_000
"""Values inserted per statement: large enough that a 100,000-row file is 20 statements, small enough that a
batch's rows are a few megabytes."""

Progress = Callable[[int, int], None]
"""Told (values done so far, values in all) after each batch of rows checked or written."""


@dataclass(frozen=True)
class PreviewRow:
    row: int
    mrn: str
    patient: str
    measure: str
    taken_at: str
    side: str
    value: str
    status: str  # "new" or "already recorded"
    as_typed: str = ""
    check: str = ""
    """The plausibility question about a new value outside its measure's plausible range, else empty."""


@dataclass(frozen=True)
class Source:
    """What kind of file it is and how to read it (chosen on the import page)."""

    kind: Literal["csv", "device", "fhir"] = "csv"
    options: ReadOptions = field(default_factory=ReadOptions)
    layout: import_devices.Layout | None = None
    """For a device export: which of its columns hold what (a checked-in layout or one mapped by hand)."""
    mrn: str = ""
    """For a device export, which carries no MRN: the patient the readings are of."""


@dataclass(frozen=True)
class ImportPreview:
    rows: list[PreviewRow]
    problems: list[RowProblem]
    ignored_columns: list[str]
    new_values: int
    duplicates: int
    sha256: str
    questions: list[tuple[int, Question]] = field(default_factory=list)
    """New values outside their plausible range, with their row: written only once confirmed."""
    label: str = "Row"
    zone: str = "UTC"

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportResult:
    values_written: int
    duplicates_skipped: int
    patients: int
    sha256: str


_Key = tuple[str, datetime, str | None, str]


def _key(measure_key: str, taken_at: datetime, side: str | None, site: str | None) -> _Key:
    return (measure_key, taken_at.replace(microsecond=0), side, (site or "").lower())  # files carry whole seconds


def _stored_index(stored: list[tuple[str, datetime, str | None, str | None, float]]) -> dict[_Key, list[float]]:
    """A patient's stored values by measure, time, side and site: one lookup per imported value, not a scan
    of every stored value (a 1,000-row file against 9,000 stored values was 9 million comparisons)."""
    index: dict[_Key, list[float]] = {}
    for measure_key, taken_at, side, site, value in stored:
        index.setdefault(_key(measure_key, taken_at, side, site), []).append(value)
    return index


@dataclass
class _Span:
    """What a file holds for one MRN: its measures and first and last times (whole seconds)."""

    measures: set[str]
    first: datetime
    last: datetime


def _spans(parsed: import_csv.ParsedFile) -> dict[str, _Span]:
    spans: dict[str, _Span] = {}
    for row in parsed.rows:
        at = row.taken_at.replace(microsecond=0)
        span = spans.setdefault(row.mrn.lower(), _Span(set(), at, at))
        span.measures.update(m.measure_key for m in row.values)
        span.first, span.last = min(span.first, at), max(span.last, at)
    return spans


def _stored(conn: Connection, patient_id: int, span: _Span) -> dict[_Key, list[float]]:
    """The patient's stored values that the file could repeat: its measures, within its first and last second."""
    values = assessment_store.values_in_span(
        conn,
        patient_id,
        measure_keys=sorted(span.measures),
        since=span.first,
        until=span.last + timedelta(seconds=1),
        statuses=VISIBLE,
    )
    return _stored_index(values)


def _duplicate(index: dict[_Key, list[float]], row: ImportRow, value_index: int) -> bool:
    m = row.values[value_index]
    same_place = index.get(_key(m.measure_key, row.taken_at, m.side, m.site), ())
    return any(abs(v - m.value) <= _SAME_VALUE for v in same_place)


class Patients:
    """The patients a file names, each MRN looked up once: the patient, or why the file cannot reach them."""

    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn, self.actor = conn, actor
        self._found: dict[str, PatientRecord | str] = {}

    def find(self, mrn: str) -> PatientRecord | str:
        if mrn not in self._found:
            self._found[mrn] = self._look_up(mrn)
        return self._found[mrn]

    def _look_up(self, mrn: str) -> PatientRecord | str:
        look_alike = identifier_problem(mrn, "MRN", single_script=True, allow_joiners=False)
        if look_alike:
            # refused as typed (never stripped), so a file cannot reach a patient whose MRN merely looks the same
            return look_alike
        found = export_store.patient_id_by_mrn(self.conn, mrn)
        if found is not None:
            try:
                return check_access(self.conn, self.actor, found)
            except (AccessDenied, NotFound):
                pass
        # the same message whether the MRN is unknown or belongs to someone else's patient
        return f"No patient with MRN {mrn} on your care team."


def _question(row: ImportRow) -> Question | None:
    m = row.values[0]
    return measures.question(m.measure_key, measures.get(m.measure_key).name, m.value, side=m.side, site=m.site)


def _check(
    conn: Connection, actor: Actor, parsed: import_csv.ParsedFile, progress: Progress | None = None
) -> tuple[list[PreviewRow], list[RowProblem], list[tuple[PatientRecord, ImportRow, bool]]]:
    """Resolve patients and look for duplicates; returns preview rows, problems, and (patient, row, is_new)."""
    problems = list(parsed.problems)
    patients = Patients(conn, actor)
    stored: dict[int, dict[_Key, list[float]]] = {}
    planned: list[tuple[PatientRecord, ImportRow, bool]] = []
    preview: list[PreviewRow] = []
    seen: set[tuple[int, str, object, str | None, str, float]] = set()
    spans = _spans(parsed)
    for number, row in enumerate(parsed.rows, start=1):
        if progress is not None and number % BATCH_VALUES == 0:
            progress(number, len(parsed.rows))
        patient = patients.find(row.mrn)
        if isinstance(patient, str):
            problems.append(RowProblem(row.row, parsed.column("mrn"), patient))
            continue
        key = row.mrn.lower()
        try:
            check_taken_at(patient, row.taken_at)
        except ValidationError as exc:
            problems.append(RowProblem(row.row, parsed.column("taken_at"), exc.message))
            continue
        if patient.id not in stored:
            stored[patient.id] = _stored(conn, patient.id, spans[key])
        for index, m in enumerate(row.values):
            ident = (patient.id, m.measure_key, row.taken_at, m.side, (m.site or "").lower(), round(m.value, 6))
            is_new = not _duplicate(stored[patient.id], row, index) and ident not in seen
            seen.add(ident)
            one = row if len(row.values) == 1 else replace(row, values=[m])
            planned.append((patient, one, is_new))
            asked = _question(one) if is_new else None
            preview.append(
                PreviewRow(
                    row=row.row,
                    mrn=patient.mrn,
                    patient=patient.display_name,
                    measure=m.measure_key,
                    taken_at=row.taken_at.astimezone(parsed.tz).strftime("%Y-%m-%d %H:%M %Z"),
                    side=m.side or "",
                    value=m.value_text or f"{fmt(m.value)} {measures.get(m.measure_key).unit_label}",
                    status="new" if is_new else "already recorded",
                    as_typed=row.typed,
                    check=asked.text if asked else "",
                )
            )
    problems.sort(key=lambda p: (p.row, p.column))
    return preview, problems, planned


def _parse(db: Database, data: bytes, source: Source) -> import_csv.ParsedFile:
    try:
        if source.kind == "fhir":
            return import_fhir.parse(data, settings.fhir_settings(db).mrn_system, source.options)
        if source.kind == "device":
            if source.layout is None:
                raise ValidationError("file", "Choose the device's layout, or map its columns, first.")
            return import_devices.parse(data, source.layout, source.mrn, source.options)
        return import_csv.parse(data, source.options)
    except ValidationError as exc:
        raise ValidationErrors([ValidationError("file", exc.message)]) from None


def _questions(planned: list[tuple[PatientRecord, ImportRow, bool]]) -> list[tuple[int, Question]]:
    out = []
    for _, row, is_new in planned:
        asked = _question(row) if is_new else None
        if asked is not None:
            out.append((row.row, asked))
    return out


def preview(
    db: Database, actor: Actor, data: bytes, *, source: Source | None = None, progress: Progress | None = None
) -> ImportPreview:
    """What an import would do, without writing anything; ``progress`` is told (rows checked, rows)."""
    parsed = _parse(db, data, source or Source())
    rows, problems, planned = db.run(lambda conn: _check(conn, actor, parsed, progress), write=False)
    new = sum(1 for _, _, is_new in planned if is_new)
    return ImportPreview(
        rows,
        problems,
        parsed.ignored_columns,
        new,
        len(planned) - new,
        _digest(data),
        _questions(planned),
        parsed.label,
        parsed.zone,
    )


def refusal(problems: list[RowProblem], label: str = "Row") -> ValidationErrors:
    """The file's problems as one error each, field ``row<N>.<column>``, message naming the row and column."""
    return ValidationErrors(
        [
            ValidationError(f"row{p.row}.{p.column}", f"{label} {p.row}, {p.column or 'row'}: {p.message}")
            for p in problems
        ]
    )


def _confirmed(
    planned: list[tuple[PatientRecord, ImportRow, bool]], confirmed: Collection[str], parsed: import_csv.ParsedFile
) -> tuple[list[tuple[PatientRecord, ImportRow, bool]], list[ValidationError]]:
    """Each implausible new value with the confirmation it was given stored beside it, or an error for it."""
    out: list[tuple[PatientRecord, ImportRow, bool]] = []
    errors: list[ValidationError] = []
    for patient, row, is_new in planned:
        asked = _question(row) if is_new else None
        if asked is None:
            out.append((patient, row, is_new))
        elif asked.id in confirmed:
            m = replace(row.values[0], plausibility_confirmed=f"{asked.text} Confirmed as typed at import.")
            out.append((patient, replace(row, values=[m]), is_new))
        else:
            errors.append(
                ValidationError(
                    f"row{row.row}.value",
                    f"{parsed.label} {row.row}, {parsed.column('value')}: {asked.text} "
                    "Confirm it on the preview, or correct the file.",
                )
            )
    return out, errors


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_assessments(
    db: Database,
    actor: Actor,
    data: bytes,
    *,
    source: Source | None = None,
    confirmed: Collection[str] = (),
    filename: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Write every new value of the file in one transaction, or nothing if any row has a problem.

    The rows are checked again inside the transaction (the preview may be minutes old), then written in
    batches of ``BATCH_VALUES``; ``progress`` is told (values written, new values) after each batch.
    ``confirmed`` holds the ids of the plausibility questions the clinician answered "yes, these are right".
    Raises ``ValidationErrors`` with one error per problem (field ``row<N>.<column>``).
    """
    chosen = source or Source()
    parsed = _parse(db, data, chosen)
    digest = _digest(data)

    def work(conn: Connection) -> ImportResult:
        _, problems, checked = _check(conn, actor, parsed)
        if problems:
            raise refusal(problems, parsed.label)
        planned, unconfirmed = _confirmed(checked, confirmed, parsed)
        if unconfirmed:
            raise ValidationErrors(unconfirmed)
        now = now_utc()
        written, skipped = _write(conn, actor, planned, progress, now)
        name = storable(filename).strip()[:80]
        for patient_id in sorted(set(written) | set(skipped)):
            audit.record(
                conn,
                actor,
                "create",
                "assessment_import",
                digest[:16],
                patient_id=patient_id,
                detail=f"{_KIND_WORDS[chosen.kind]} import{f' {name}' if name else ''}: "
                f"{written.get(patient_id, 0)} value(s) written, {skipped.get(patient_id, 0)} already recorded; "
                f"sha256 {digest}",
                at=now,
            )
        return ImportResult(sum(written.values()), sum(skipped.values()), len(set(written) | set(skipped)), digest)

    return db.run(work)


def _write(
    conn: Connection,
    actor: Actor,
    planned: list[tuple[PatientRecord, ImportRow, bool]],
    progress: Progress | None,
    now: datetime,
) -> tuple[dict[int, int], dict[int, int]]:
    """Insert the new values in batches inside the caller's transaction; values written and skipped per patient."""
    written: dict[int, int] = {}
    skipped: dict[int, int] = {}
    groups: dict[tuple[int, object], str] = {}
    total = sum(1 for _, _, is_new in planned if is_new)
    batch: list[dict[str, Any]] = []
    done = 0
    if progress is not None:
        progress(0, total)
    for patient, row, is_new in planned:
        if not is_new:
            skipped[patient.id] = skipped.get(patient.id, 0) + 1
            continue
        group = groups.setdefault((patient.id, row.taken_at), str(uuid.uuid4()))
        values = assessment_row(
            row.values[0], patient_id=patient.id, taken_at=row.taken_at, group=group, actor=actor, note=row.note
        )
        batch.append(dict(values, created_at=now))
        written[patient.id] = written.get(patient.id, 0) + 1
        if len(batch) == BATCH_VALUES:
            done = _flush(conn, batch, done, total, progress)
    _flush(conn, batch, done, total, progress)
    return written, skipped


def _flush(conn: Connection, batch: list[dict[str, Any]], done: int, total: int, progress: Progress | None) -> int:
    if not batch:
        return done
    assessment_store.add_many(conn, batch)
    done += len(batch)
    batch.clear()
    if progress is not None:
        progress(done, total)
    return done
