"""The baselines a new plan can take from the record: the latest tested or estimated 1RM per exercise and side.

Read-only: opening the plan page already writes its 'view' audit entry, so this use case writes none.
"""

from __future__ import annotations

from datetime import UTC, date, tzinfo

from sqlalchemy import Connection

from rehab.domain.planning.record_baseline import RecordBaselines, RecordedOneRm, choose
from rehab.services.context import Actor
from rehab.services.exercise_library import library_in
from rehab.services.patients import check_access
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store.assessments import AssessmentRecord

ONE_RM = "one_rm"
FINAL = ("final",)  # amended and entered-in-error values are never offered


def recorded_one_rm(row: AssessmentRecord, tz: tzinfo = UTC) -> RecordedOneRm:
    ctx = row.context
    reps = ctx.get("reps")
    taken_at = row.taken_at if row.taken_at.tzinfo else row.taken_at.replace(tzinfo=UTC)  # stored in UTC
    return RecordedOneRm(
        assessment_id=row.id,
        taken_on=taken_at.astimezone(tz).date(),
        exercise_text=row.site or "",
        side=row.side,
        one_rm_kg=row.value,
        method=str(ctx.get("method", "tested")),
        assessor_name=row.assessor_name,
        formula=ctx.get("formula"),
        load_kg=ctx.get("load_kg"),
        reps=int(reps) if reps is not None else None,
        low_accuracy=bool(ctx.get("low_accuracy", False)),
    )


def offered(
    db: Database, actor: Actor, patient_id: int, *, today: date, retest_every_weeks: int, tz: tzinfo = UTC
) -> RecordBaselines:
    """The 1RM to offer per exercise and side, each marked stale when older than the re-test interval."""

    def work(conn: Connection) -> RecordBaselines:
        patient = check_access(conn, actor, patient_id)
        rows = assessment_store.for_patient(conn, patient_id, measure_keys=[ONE_RM], statuses=FINAL)
        return choose(
            [recorded_one_rm(r, tz) for r in rows],
            library_in(conn),
            paretic_side=patient.paretic_side,
            today=today,
            retest_every_weeks=retest_every_weeks,
        )

    return db.run(work, write=False)
