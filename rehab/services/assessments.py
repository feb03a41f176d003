"""Recording assessments, reading a patient's history, and correcting entries without losing any."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from rehab.domain import measures
from rehab.domain.assessment import Interpretation, Measured, clean_note, interpret, prepare
from rehab.domain.context import PatientContext, patient_context
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.patients import age_on
from rehab.services import audit, motricity
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.patients import check_access
from rehab.store import Database
from rehab.store import assessments as store
from rehab.store.assessments import AssessmentRecord
from rehab.store.patients import PatientRecord

CLOCK_SKEW = timedelta(minutes=5)
VISIBLE = ("final",)


@dataclass(frozen=True)
class Result:
    """A saved value and what it means."""

    record: AssessmentRecord
    working: str
    interpretation: Interpretation
    side_label: str | None


def side_label(patient: PatientRecord, side: str | None) -> str | None:
    """Left/right as the clinic says it for this patient: paretic or non-paretic where that applies."""
    if side is None:
        return None
    if patient.paretic_side in ("left", "right"):
        return "paretic" if side == patient.paretic_side else "non-paretic"
    return side


def _flag_side(patient: PatientRecord, side: str | None) -> str | None:
    label = side_label(patient, side)
    return {"paretic": "paretic", "non-paretic": "non_paretic"}.get(label or "", side)


def _check_taken_at(patient: PatientRecord, taken_at: object) -> datetime:
    try:
        return check_taken_at(patient, taken_at)
    except ValidationError as err:
        raise ValidationErrors([err]) from None


def check_taken_at(patient: PatientRecord, taken_at: object) -> datetime:
    if not isinstance(taken_at, datetime) or taken_at.tzinfo is None:
        raise ValidationError("taken_at", "Enter the date and time of the assessment.")
    if taken_at > now_utc() + CLOCK_SKEW:
        raise ValidationError("taken_at", "The assessment date and time cannot be in the future.")
    if taken_at.date() < patient.birth_date:
        raise ValidationError("taken_at", "The assessment cannot be before the patient's date of birth.")
    if patient.event_date and taken_at.date() < patient.event_date:
        raise ValidationError(
            "taken_at", f"The assessment cannot be before the event date ({patient.event_date.isoformat()})."
        )
    return taken_at


def validate_entries(
    entries: Mapping[str, Mapping[str, Any]], *, mi_zero_plus_one: bool = False
) -> dict[str, list[Measured]]:
    """Every measure's entry checked together; errors are keyed "<measure>.<field>". ``mi_zero_plus_one``: the
    clinic's Motricity Index zero-sum convention (``rehab.services.motricity``)."""
    if not entries:
        raise ValidationErrors([ValidationError("measure", "Choose at least one measure to record.")])
    prepared: dict[str, list[Measured]] = {}
    errors: list[ValidationError] = []
    for key, raw in entries.items():
        try:
            prepared[key] = prepare(key, raw, mi_zero_plus_one=mi_zero_plus_one)
        except ValidationError as err:
            errors.append(ValidationError(f"{key}.{err.field}", err.message))
    if errors:
        raise ValidationErrors(errors)
    return prepared


def confirm_plausible(
    prepared: dict[str, list[Measured]], confirmed: Collection[str] = ()
) -> dict[str, list[Measured]]:
    """Values outside their plausible range keep the confirmation they were given, or nothing is saved.

    ``confirmed`` holds the ids of the questions the clinician answered "yes, this is right"; an id names the
    measure, side, site and value, so a value changed after confirming is asked about again.
    """
    out: dict[str, list[Measured]] = {}
    errors: list[ValidationError] = []
    for key, values in prepared.items():
        name = measures.get(key).name
        out[key] = []
        for m in values:
            asked = measures.question(key, name, m.value, side=m.side, site=m.site)
            if asked is None:
                out[key].append(m)
            elif asked.id in confirmed:
                out[key].append(replace(m, plausibility_confirmed=f"{asked.text} Confirmed as typed."))
            else:
                errors.append(measures.Unconfirmed(f"{key}.{m.side or 'value'}", asked))
    if errors:
        raise ValidationErrors(errors)
    return out


def assessment_row(
    m: Measured,
    *,
    patient_id: int,
    taken_at: datetime,
    group: str,
    actor: Actor,
    note: str,
    supersedes: int | None = None,
) -> dict[str, Any]:
    return {
        "patient_id": patient_id,
        "measure_key": m.measure_key,
        "taken_at": taken_at,
        "side": m.side,
        "site": m.site,
        "value": m.value,
        "value_text": m.value_text,
        "unit": m.unit,
        "items": list(m.items) if m.items is not None else None,
        "trials": list(m.trials) if m.trials is not None else None,
        "context": dict(m.context, working=m.working),
        "note": note,
        "entry_group": group,
        "status": "final",
        "status_reason": "",
        "supersedes_id": supersedes,
        "assessor_id": actor.user_id,
        "created_at": now_utc(),
        "version": 1,
        "plausibility_confirmed": m.plausibility_confirmed,
    }


def _pace(r: AssessmentRecord) -> str:
    return str((r.context or {}).get("pace") or "comfortable") if r.measure_key == "ten_mwt" else ""


def _same_series(a: AssessmentRecord, b: AssessmentRecord) -> bool:
    """Same measure, side and muscle; for the 10MWT the same pace too (a fast walk is not compared with a
    comfortable one, and each pace has its own MDC)."""
    return (
        a.measure_key == b.measure_key
        and a.side == b.side
        and (a.site or "").lower() == (b.site or "").lower()
        and _pace(a) == _pace(b)
    )


def context_for(patient: PatientRecord, record: AssessmentRecord) -> PatientContext:
    """The patient's context on the day of the result: condition, age that day, time since the event."""
    return patient_context(patient.condition, patient.birth_date, patient.event_date, record.taken_at.date())


def interpret_record(
    patient: PatientRecord, record: AssessmentRecord, history: list[AssessmentRecord], overrides: dict[str, float]
) -> Result:
    series = [h for h in history if h.status in VISIBLE and _same_series(h, record) and h.id != record.id]
    earlier = [h for h in series if (h.taken_at, h.id) < (record.taken_at, record.id)]
    previous = earlier[-1].value if earlier else None
    first = earlier[0].value if len(earlier) > 1 else None
    sex = patient.sex if patient.sex in ("male", "female") else None
    meaning = interpret(
        record.measure_key,
        record.value,
        previous=previous,
        first=first,
        age=age_on(patient.birth_date, record.taken_at.date()),
        sex=sex,
        side=_flag_side(patient, record.side),
        overrides=overrides,
        site=record.site,
        pace=record.context.get("pace") if isinstance(record.context, dict) else None,
        unit=record.unit,
        trials=record.trials,
        rule=record.context.get("rule") if isinstance(record.context, dict) else None,
        context=context_for(patient, record),
    )
    return Result(record, str(record.context.get("working", "")), meaning, side_label(patient, record.side))


MOTRICITY = ("mi_arm", "mi_leg")


def _mi_convention(db: Database, entries: Mapping[str, object]) -> bool:
    """The clinic's Motricity Index zero-sum convention, read only when a Motricity Index is entered."""
    return motricity.zero_plus_one(db)[0] if any(k in MOTRICITY for k in entries) else False


def record(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    taken_at: datetime | None,  # None (date or time left empty) is refused as a "taken_at" field error
    entries: Mapping[str, Mapping[str, Any]],
    note: str = "",
    confirmed: Collection[str] = (),
) -> list[Result]:
    """Save one sitting's measures together: all of them or, if any entry is invalid, none.

    A value outside its measure's plausible range is saved only when its question's id is in ``confirmed``
    (the clinician's "yes, this is right"), and the confirmation is stored with it.
    """
    prepared = confirm_plausible(validate_entries(entries, mi_zero_plus_one=_mi_convention(db, entries)), confirmed)
    clean = clean_note(note)

    def work(conn: Connection) -> list[Result]:
        patient = check_access(conn, actor, patient_id)
        when = _check_taken_at(patient, taken_at)
        group = str(uuid.uuid4())
        ids = [
            store.add(
                conn, assessment_row(m, patient_id=patient_id, taken_at=when, group=group, actor=actor, note=clean)
            )
            for values in prepared.values()
            for m in values
        ]
        audit.record(
            conn,
            actor,
            "create",
            "assessment",
            group,
            patient_id=patient_id,
            detail=", ".join(sorted(prepared)) + f" ({len(ids)} values)",
        )
        history = store.for_patient(conn, patient_id, measure_keys=list(prepared), statuses=VISIBLE)
        by_id = {h.id: h for h in history}
        overrides = clinic_settings.measure_settings_in(conn).overrides
        return [interpret_record(patient, by_id[i], history, overrides) for i in ids]

    return db.run(work)


def history(
    db: Database, actor: Actor, patient_id: int, *, construct: str | None = None, measure_key: str | None = None
) -> list[AssessmentRecord]:
    """All of a patient's assessments, newest first, including amended and entered-in-error ones."""
    keys = [m.key for m in measures.all_measures() if construct is None or m.construct == construct]
    if measure_key:
        keys = [k for k in keys if k == measure_key]

    def work(conn: Connection) -> list[AssessmentRecord]:
        check_access(conn, actor, patient_id)
        return list(reversed(store.for_patient(conn, patient_id, measure_keys=keys or ["-"])))

    return db.run(work, write=False)


def results(db: Database, actor: Actor, patient_id: int, assessment_ids: list[int]) -> list[Result]:
    """Interpretations of saved values (for showing a result again after a page rerun)."""

    def work(conn: Connection) -> list[Result]:
        patient = check_access(conn, actor, patient_id)
        history = store.for_patient(conn, patient_id, statuses=VISIBLE)
        by_id = {h.id: h for h in history}
        overrides = clinic_settings.measure_settings_in(conn).overrides
        return [interpret_record(patient, by_id[i], history, overrides) for i in assessment_ids if i in by_id]

    return db.run(work, write=False)


def _load_final(conn: Connection, actor: Actor, assessment_id: int, expected_version: int) -> AssessmentRecord:
    current = store.get(conn, assessment_id)
    if current is None:
        raise NotFound("No such assessment.")
    check_access(conn, actor, current.patient_id)
    if current.status != "final" or current.version != expected_version:
        raise ConflictError(
            f"This assessment was changed (now {current.status.replace('_', ' ')}, version {current.version}) "
            "after you opened it. Nothing was saved; reload the history to see the latest."
        )
    return current


def _reason(raw: object) -> str:
    reason = clean_note(raw)
    if not reason:
        raise ValidationErrors([ValidationError("reason", "Say why, for the record.")])
    return reason


def amend(
    db: Database,
    actor: Actor,
    assessment_id: int,
    *,
    expected_version: int,
    entry: Mapping[str, Any],
    reason: str,
    taken_at: datetime | None = None,
    confirmed: Collection[str] = (),
) -> Result:
    """Correct a value: a new version replaces the old one, which stays readable as "amended"."""
    why = _reason(reason)

    def work(conn: Connection) -> Result:
        current = _load_final(conn, actor, assessment_id, expected_version)
        patient = check_access(conn, actor, current.patient_id)
        when = _check_taken_at(patient, taken_at or current.taken_at)
        mi = motricity.zero_plus_one_in(conn)[0] if current.measure_key in MOTRICITY else False
        prepared = confirm_plausible(validate_entries({current.measure_key: entry}, mi_zero_plus_one=mi), confirmed)[
            current.measure_key
        ]
        matching = [m for m in prepared if m.side == current.side] or prepared[:1]
        if len(prepared) > 1 and current.side is None:
            raise ValidationErrors([ValidationError(f"{current.measure_key}.sides", "Amend one value at a time.")])
        new = matching[0]
        kept = {k: v for k, v in current.context.items() if k != "working"}
        new = replace(new, context={**kept, **new.context})
        if new.side != current.side:
            raise ValidationErrors(
                [ValidationError(f"{current.measure_key}.sides", "Enter the same side as the value being corrected.")]
            )
        if not store.set_status_if_version(
            conn, current.id, expected_version=expected_version, status="amended", reason=why
        ):
            raise ConflictError("This assessment was changed by someone else just now. Nothing was saved.")
        new_id = store.add(
            conn,
            assessment_row(
                new,
                patient_id=current.patient_id,
                taken_at=when,
                group=current.entry_group,
                actor=actor,
                note=current.note,
                supersedes=current.id,
            ),
        )
        audit.record(
            conn,
            actor,
            "update",
            "assessment",
            new_id,
            patient_id=current.patient_id,
            detail=f"amends #{current.id}: {why}",
        )
        history = store.for_patient(conn, current.patient_id, measure_keys=[current.measure_key], statuses=VISIBLE)
        saved = next(h for h in history if h.id == new_id)
        return interpret_record(patient, saved, history, clinic_settings.measure_settings_in(conn).overrides)

    return db.run(work)


def mark_entered_in_error(
    db: Database, actor: Actor, assessment_id: int, *, expected_version: int, reason: str
) -> None:
    """Hide a value from charts and comparisons; it stays in the history with the reason."""
    why = _reason(reason)

    def work(conn: Connection) -> None:
        current = _load_final(conn, actor, assessment_id, expected_version)
        if not store.set_status_if_version(
            conn, current.id, expected_version=expected_version, status="entered_in_error", reason=why
        ):
            raise ConflictError("This assessment was changed by someone else just now. Nothing was saved.")
        audit.record(
            conn,
            actor,
            "update",
            "assessment",
            current.id,
            patient_id=current.patient_id,
            detail=f"entered in error: {why}",
        )

    db.run(work)
