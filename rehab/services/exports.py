"""Session summaries, progress reports and data exports (PDF, CSV, FHIR R4), each audited with a content hash.

Reading happens in one read transaction; the document is rendered outside any transaction (a PDF with
charts takes a moment and must not hold a write lock); then one audit entry records who exported what,
with the SHA-256 of the exact bytes handed out, so a copy found later can be matched to its export.
"""

from __future__ import annotations

import hashlib
import json
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection

from rehab import workers
from rehab.domain import measures
from rehab.domain.assessment import clean_note
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.measures.neuro import subtotals
from rehab.domain.planning import BandLevel
from rehab.domain.units import fmt
from rehab.exports import csv_out, fhir, import_csv, render
from rehab.exports import summary as model
from rehab.services import audit, export_clinical, falls
from rehab.services import settings as clinic_settings
from rehab.services.assessments import VISIBLE
from rehab.services.context import AccessDenied, Actor, NotFound, now_utc
from rehab.services.export_summaries import (
    check_range,
    pick_session,
    progress_in,
    session_summary_in,
    status_text,
)
from rehab.services.patients import check_access
from rehab.services.plan_context import (
    RULE_LABELS,
    load_plan,
    week_of,
)
from rehab.services.prescriptions import prescriptions_in
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import exports as export_store
from rehab.store import plans as plan_store
from rehab.store import users as user_store
from rehab.store.patients import PatientRecord
from rehab.store.plans import SessionRecord, SetRecord

Kind = Literal[
    "pdf",
    "pdf-patient",
    "progress-pdf",
    "csv",
    "csv-sessions",
    "csv-falls",
    "csv-goals",
    "fhir",
    "fhir-transaction",
    "fhir-document",
]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)
FHIR_KINDS = frozenset({"fhir", "fhir-transaction", "fhir-document"})
KIND_TEXT: dict[str, str] = {
    "pdf": "session summary PDF (clinical)",
    "pdf-patient": "session summary PDF (patient version)",
    "progress-pdf": "progress report PDF",
    "csv": "assessments CSV",
    "csv-sessions": "session logs CSV",
    "csv-falls": "falls CSV",
    "csv-goals": "goals CSV",
    "fhir": "FHIR R4 bundle",
    "fhir-transaction": "FHIR R4 transaction bundle",
    "fhir-document": "FHIR R4 session document",
}
NOTE_MAX = 2000
ASSESSMENT_COLUMNS = (
    *import_csv.COLUMNS, "patient", "recorded_by", "confirmed_outside_plausible_range", "total", "subscales",
)  # fmt: skip
SESSION_COLUMNS = (
    "mrn", "session_date", "plan_week", "status", "screen", "exercise", "set", "prescribed_load_kg",
    "prescribed_band", "target_reps", "load_kg", "band", "reps", "effort", "pain_during", "pain_after",
    "not_performed_reason", "recorded_by",
)  # fmt: skip


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mime: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class SessionChoice:
    id: int
    session_date: date
    status: str
    label: str


@dataclass(frozen=True)
class ExportOptions:
    patient: PatientRecord
    sessions: list[SessionChoice]
    first_day: date | None
    last_day: date | None


# --- CSV and FHIR -----------------------------------------------------------------------------------------------


def _assessment_rows(conn: Connection, patient: PatientRecord) -> list[dict[str, object]]:
    names = user_store.display_names(conn)
    rows: list[dict[str, object]] = []
    for r in assessment_store.for_patient(conn, patient.id, statuses=VISIBLE):
        measure = measures.get(r.measure_key)
        rows.append(
            {
                "mrn": patient.mrn,
                "measure": r.measure_key,
                "taken_at": r.taken_at,
                "side": r.side,
                "site": r.site,
                "value": r.value_text if r.value_text else (None if measure.is_item_scale and r.items else r.value),
                "unit": r.unit,
                "items": ";".join(fmt(v) for v in r.items) if r.items else None,
                "note": r.note,
                **{k: r.context.get(k) for k in ("pace", *import_csv.CONTEXT)},
                "patient": f"{patient.given_name} {patient.family_name}",
                "recorded_by": names.get(r.assessor_id, ""),
                "confirmed_outside_plausible_range": r.plausibility_confirmed or "",
                "total": r.value if measure.is_item_scale and r.items else None,
                "subscales": "; ".join(f"{k} {fmt(v)}" for k, v in subtotals(r.measure_key, r.items or []).items())
                or None,
            }
        )
    return rows


def _band_colour(bands: tuple[BandLevel, ...], level: int | None) -> str | None:
    return bands[level].colour if level is not None and 0 <= level < len(bands) else None


def _logged(conn: Connection, plan: Any) -> tuple[Any, dict[int, list[SetRecord]]]:
    """The plan's context and its logged sets by session."""
    by_session: dict[int, list[SetRecord]] = {}
    for s in plan_store.plan_sets(conn, plan.id):
        by_session.setdefault(s.session_id, []).append(s)
    return load_plan(conn, plan), by_session


def _session_rows(conn: Connection, patient: PatientRecord) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for plan in plan_store.patient_plans(conn, patient.id):
        ctx, by_session = _logged(conn, plan)
        for session in plan_store.plan_sessions(conn, plan.id):
            base = {
                "mrn": patient.mrn,
                "session_date": session.session_date,
                "plan_week": session.week,
                "status": status_text(session.status),
                "screen": session.screen_outcome,
                "not_performed_reason": session.not_performed_reason,
                "recorded_by": session.updated_by_name,
            }
            logged = by_session.get(session.id, [])
            if not logged:
                rows.append(base)
                continue
            for s in logged:
                item = ctx.item(s.plan_item_id)
                bands = item.exercise.band_levels
                rows.append(
                    dict(
                        base,
                        exercise=item.label,
                        set=s.set_number,
                        prescribed_load_kg=s.prescribed_load_kg,
                        prescribed_band=_band_colour(bands, s.prescribed_band_level),
                        target_reps=s.target_reps,
                        load_kg=s.load_kg,
                        band=_band_colour(bands, s.band_level),
                        reps=s.reps,
                        effort=s.effort,
                        pain_during=s.pain_during,
                        pain_after=s.pain_after,
                    )
                )
    return rows


def _fhir_plan(conn: Connection, plan: Any) -> fhir.FhirPlan:
    ctx = load_plan(conn, plan)
    today = now_utc().date()
    week = week_of(plan.start_date, max(today, plan.start_date))
    current = {p.item_id: p for p in prescriptions_in(conn, ctx, week)} if plan.status == "active" else {}
    activities = []
    for item in ctx.items:
        p = current.get(item.id)
        how = item.record.method_detail or item.record.one_rm_method
        text = f"Baseline 1RM {fmt(item.record.one_rm_kg)} kg ({how})."
        if p is not None:
            text = f"Week {p.week} ({p.phase_name}): {p.sets} × {p.target_reps} at {p.load_text}. {p.reason} " + text
        activities.append(fhir.FhirActivity(item.label, text))
    phase_text = "; ".join(
        f"{ph.name} weeks {ph.first_week}–{ph.last_week or '…'} at "
        f"{fmt(ph.percent_1rm[0])}–{fmt(ph.percent_1rm[1])} % 1RM"
        for ph in ctx.template.phases
    )
    return fhir.FhirPlan(
        id=plan.id,
        active=plan.status == "active",
        start_date=plan.start_date,
        end_date=plan.ended_at.date() if plan.ended_at else None,
        created_at=plan.created_at,
        author_id=plan.created_by,
        title="Progressive resistance training plan",
        description=f"{RULE_LABELS.get(plan.rule, plan.rule)}. Phases: {phase_text}."
        + (f" Notes: {plan.notes}" if plan.notes else ""),
        activities=activities,
    )


def _fhir_sessions(conn: Connection, plan: Any) -> list[fhir.FhirSession]:
    """The plan's recorded sessions (not those still in progress) with their sets and readiness readings."""
    ctx, by_session = _logged(conn, plan)
    out = []
    for session in plan_store.plan_sessions(conn, plan.id):
        if session.status == "in_progress":
            continue
        sets = []
        for s in by_session.get(session.id, []):
            item = ctx.item(s.plan_item_id)
            band = _band_colour(item.exercise.band_levels, s.band_level)
            sets.append(
                fhir.FhirSet(
                    item.label,
                    s.set_number,
                    s.target_reps,
                    s.prescribed_load_kg,
                    s.load_kg,
                    band,
                    s.reps,
                    s.effort,
                    s.pain_during,
                    s.pain_after,
                )
            )
        out.append(
            fhir.FhirSession(
                session.id,
                plan.id,
                session.session_date,
                session.week,
                session.status,
                session.created_at,
                session.updated_by,
                session.not_performed_reason,
                session.systolic_mmhg,
                session.diastolic_mmhg,
                session.resting_heart_rate_bpm,
                session.spo2_percent,
                sets,
            )
        )
    return out


def _fhir_record(conn: Connection, patient: PatientRecord, *, day: date | None = None) -> fhir.Record:
    """The patient's record for FHIR; with ``day``, only that day's assessments (a session's document)."""
    records = [
        r
        for r in assessment_store.for_patient(conn, patient.id, statuses=VISIBLE)
        if day is None or r.taken_at.date() == day
    ]
    plans = plan_store.patient_plans(conn, patient.id)
    sessions = [s for plan in plans for s in _fhir_sessions(conn, plan)]
    # goals, falls and predictions belong to the whole record, not to one session's document
    parts = export_clinical.fhir_parts(conn, patient) if day is None else None
    wanted = {r.assessor_id for r in records} | {p.created_by for p in plans} | {s.performer_id for s in sessions}
    wanted |= parts.people if parts else set()
    practitioners = []
    for uid in sorted(wanted):
        user = user_store.by_id(conn, uid)
        if user is not None:
            practitioners.append(fhir.FhirPractitioner(user.id, user.display_name))
    known = {p.id for p in practitioners}
    assessments = [
        fhir.FhirAssessment(
            r.id,
            r.measure_key,
            r.taken_at,
            r.value,
            r.value_text,
            r.unit,
            r.side,
            r.site,
            r.items,
            {k: v for k, v in r.context.items() if k != "working"},
            r.note,
            r.assessor_id,
        )
        for r in records
        if r.assessor_id in known
    ]
    fp = fhir.FhirPatient(
        patient.id,
        patient.mrn,
        patient.given_name,
        patient.family_name,
        patient.birth_date,
        patient.sex,
        patient.condition,
        patient.event_date,
        patient.paretic_side,
    )
    return fhir.Record(
        fp,
        practitioners,
        assessments,
        [_fhir_plan(conn, p) for p in plans],
        [s for s in sessions if s.performer_id in known],
        mrn_system=clinic_settings.fhir_settings_in(conn).mrn_system,
        **(_clinical_parts(parts, known) if parts else {}),
    )


def _clinical_parts(parts: export_clinical.ClinicalParts, known: set[int]) -> dict[str, Any]:
    """Goals whose author and reviewers are known colleagues (as for assessments), and the rest as read."""
    goals = [g for g in parts.goals if g.set_by in known and all(r.reviewer_id in known for r in g.reviews)]
    return {
        "goals": goals,
        "t_score": parts.t_score,
        "falls": parts.falls,
        "findings": parts.findings,
        "predictions": parts.predictions,
    }


@dataclass(frozen=True)
class _FhirContent:
    bundle: dict[str, Any]
    session: SessionRecord | None = None


def _fhir_bundle(
    conn: Connection, actor: Actor, patient: PatientRecord, kind: str, session_id: int | None
) -> _FhirContent:
    if kind != "fhir-document":
        bundle_type: fhir.BundleType = "transaction" if kind == "fhir-transaction" else "collection"
        return _FhirContent(
            fhir.bundle(_fhir_record(conn, patient), timestamp=now_utc(), bundle_id=str(uuid.uuid4()), kind=bundle_type)
        )
    chosen = pick_session(conn, patient.id, session_id)
    record = _fhir_record(conn, patient, day=chosen.session_date)
    session = next((s for s in record.sessions if s.id == chosen.id), None)
    if session is None:
        raise ValidationErrors([ValidationError("session", "This session is still in progress; finish it first.")])
    author = user_store.by_id(conn, actor.user_id)
    assert author is not None  # checked active by the caller
    people = [*record.practitioners, fhir.FhirPractitioner(author.id, author.display_name)]
    record = replace(record, practitioners=list({p.id: p for p in people}.values()))
    document = fhir.session_document(
        record, session, timestamp=now_utc(), bundle_id=str(uuid.uuid4()), author_id=actor.user_id
    )
    return _FhirContent(document, chosen)


# --- the export itself ------------------------------------------------------------------------------------------


MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "pdf-patient": "application/pdf",
    "progress-pdf": "application/pdf",
    "csv": "text/csv",
    "csv-sessions": "text/csv",
    "csv-falls": "text/csv",
    "csv-goals": "text/csv",
    "fhir": "application/fhir+json",
    "fhir-transaction": "application/fhir+json",
    "fhir-document": "application/fhir+json",
}


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:40] or "patient"


def filename(
    kind: str, mrn: str, *, session_date: date | None = None, start: date | None = None, end: date | None = None
) -> str:
    """The download's file name: MRN (made file-safe), what it is, and its date(s)."""
    stem = _safe_name(mrn)
    when = f"-{session_date.isoformat()}" if session_date else "-latest"
    names = {
        "pdf": f"{stem}-session{when}.pdf",
        "pdf-patient": f"{stem}-session{when}-patient.pdf",
        "progress-pdf": f"{stem}-progress-{start}-{end}.pdf",
        "csv": f"{stem}-assessments.csv",
        "csv-sessions": f"{stem}-sessions.csv",
        "csv-falls": f"{stem}-falls.csv",
        "csv-goals": f"{stem}-goals.csv",
        "fhir": f"{stem}-fhir-r4.json",
        "fhir-transaction": f"{stem}-fhir-r4-transaction.json",
        "fhir-document": f"{stem}-session{when}-fhir-r4-document.json",
    }
    return names[kind]


_CSV_COLUMNS = {
    "csv": ASSESSMENT_COLUMNS,
    "csv-sessions": SESSION_COLUMNS,
    "csv-falls": falls.CSV_COLUMNS,
    "csv-goals": export_clinical.GOAL_COLUMNS,
}

# What an export is built from: a PDF's content, CSV rows, or a FHIR bundle.
_Content = model.SessionSummary | model.ProgressReport | list[dict[str, object]] | _FhirContent


def export(
    db: Database,
    actor: Actor,
    patient_id: int,
    kind: str,
    *,
    session_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page_size: str = "A4",
    progress: Callable[[str], None] | None = None,
) -> ExportFile:
    """Build one export and record it in the audit log with the SHA-256 of its bytes.

    ``progress`` is told each step of a long build (the exports page shows it in a status box).
    """
    if kind not in KINDS:
        raise ValidationErrors([ValidationError("format", f"Choose one of: {', '.join(KINDS)}.")])
    if page_size not in render.PAGE_SIZES:
        raise ValidationErrors([ValidationError("page_size", "Choose A4 or Letter.")])
    if kind == "progress-pdf":
        start, end = check_range(start, end)

    def read(conn: Connection) -> tuple[PatientRecord, _Content]:
        # An export may be asked for well after the page was drawn: the account must still be active now.
        account = user_store.by_id(conn, actor.user_id)
        if account is None or not account.active:
            raise AccessDenied("This account is no longer active.")
        patient = check_access(conn, actor, patient_id)
        if kind in ("pdf", "pdf-patient"):
            return patient, session_summary_in(conn, actor, patient, pick_session(conn, patient_id, session_id))
        if kind == "progress-pdf":
            assert start is not None and end is not None
            return patient, progress_in(conn, actor, patient, start, end)
        if kind == "csv":
            return patient, _assessment_rows(conn, patient)
        if kind == "csv-sessions":
            return patient, _session_rows(conn, patient)
        if kind == "csv-falls":
            return patient, falls.csv_rows_in(conn, patient.mrn, patient.id)
        if kind == "csv-goals":
            return patient, export_clinical.goal_csv_rows(conn, patient)
        return patient, _fhir_bundle(conn, actor, patient, kind, session_id)

    if progress is not None:
        progress("Reading the records")
    patient, content = db.run(read, write=False)
    what: int = patient_id
    day: date | None = None
    if isinstance(content, model.SessionSummary | model.ProgressReport):
        if isinstance(content, model.SessionSummary):
            what, day = content.session_id, content.session_date
        if progress is not None and isinstance(content, model.ProgressReport):
            progress(f"Drawing {len(content.charts)} chart(s) and writing the PDF")
        # in a worker process on a server (rehab.workers): other clinicians' pages keep their interpreter
        data = workers.run(render.pdf_bytes, kind, content, page_size)
    elif isinstance(content, list):  # csv or csv-sessions: rows
        data = csv_out.write(_CSV_COLUMNS[kind], content)
    else:
        if content.session is not None:
            what, day = content.session.id, content.session.session_date
        data = (json.dumps(content.bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    name = filename(kind, patient.mrn, session_date=day, start=start, end=end)
    mime = MIME[kind]
    digest = hashlib.sha256(data).hexdigest()
    detail = f"{KIND_TEXT[kind]}" + (f" ({page_size})" if kind.endswith("pdf") or kind == "pdf-patient" else "")
    detail += f"; {len(data)} bytes; sha256 {digest}"
    if kind == "progress-pdf":
        detail += f"; {start} to {end}"

    def record(conn: Connection) -> None:
        check_access(conn, actor, patient_id)
        target = "session" if kind.startswith("pdf") or kind == "fhir-document" else "patient"
        audit.record(conn, actor, "export", target, what, patient_id=patient_id, detail=detail)

    db.run(record)
    return ExportFile(name, mime, data, digest)


# --- choices for the export page, and the session note ---------------------------------------------------------------


def export_options(db: Database, actor: Actor, patient_id: int, *, audit_view: bool = True) -> ExportOptions:
    """The sessions to choose from and the dates with data; opening the page is audited as a view."""

    def work(conn: Connection) -> ExportOptions:
        patient = check_access(conn, actor, patient_id)
        sessions = [s for s in export_store.patient_sessions(conn, patient_id) if s.status != "in_progress"]
        history = assessment_store.for_patient(conn, patient_id, statuses=VISIBLE)
        days = [s.session_date for s in sessions] + [h.taken_at.date() for h in history]
        if audit_view:
            audit.record(conn, actor, "view", "patient", patient_id, patient_id=patient_id, detail="reports & export")
        choices = [
            SessionChoice(
                s.id,
                s.session_date,
                s.status,
                f"{s.session_date.isoformat()} · week {s.week} · {status_text(s.status)} · {s.updated_by_name}",
            )
            for s in reversed(sessions)
        ]
        return ExportOptions(patient, choices, min(days) if days else None, max(days) if days else None)

    return db.run(work, write=audit_view)


def session_note(db: Database, actor: Actor, session_id: int) -> str:
    def work(conn: Connection) -> str:
        session = plan_store.get_session(conn, session_id)
        if session is None:
            raise NotFound("No such session.")
        check_access(conn, actor, session.patient_id)
        notes = export_store.notes(conn, session_id)
        return notes[-1].note if notes else ""

    return db.run(work, write=False)


def save_session_note(db: Database, actor: Actor, session_id: int, note: str) -> None:
    """Add the clinician's note to a session; an earlier wording is kept, the newest is the one exported."""
    try:
        text = clean_note(note)
    except ValidationError as exc:
        raise ValidationErrors([ValidationError("note", f"Note {exc.message}.")]) from None
    if not text:
        raise ValidationErrors([ValidationError("note", "Write the note first.")])

    def work(conn: Connection) -> None:
        session = plan_store.get_session(conn, session_id)
        if session is None:
            raise NotFound("No such session.")
        check_access(conn, actor, session.patient_id)
        now = now_utc()
        export_store.add_note(
            conn, session_id=session_id, patient_id=session.patient_id, note=text, user_id=actor.user_id, now=now
        )
        audit.record(conn, actor, "update", "treatment_session", session_id, patient_id=session.patient_id,
                     detail="session note", at=now)  # fmt: skip

    db.run(work)


def patient_by_mrn(db: Database, mrn: str) -> int:
    """The patient id for an MRN (for the command line); access is checked by the export itself."""
    found = db.run(lambda conn: export_store.patient_id_by_mrn(conn, mrn), write=False)
    if found is None:
        raise NotFound(f"No patient with MRN {mrn}.")
    return found
