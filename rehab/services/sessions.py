"""Treatment sessions: the readiness screen, logging the sets, and the next session's loads with reasons.

A session starts with the readiness screen. A stop records the session as not performed with its reasons
and holds every load. Otherwise the session stays open until its sets are saved, all in one transaction:
every set or none, then the engine's decision for each exercise. A caution on the screen is passed to the
engine as ``screen_ok = result.permits_load_increase`` (False), so no load rises after that session.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.planning.loading_plan import PlanStatus
from rehab.domain.planning.plan_record import workout
from rehab.domain.safety import (
    REMEASURED_FIELDS,
    ReadinessAnswers,
    ScreenResult,
    ScreenThresholds,
    reading_errors,
    repeat_after_rest,
    repeat_offered,
    screen_readiness,
)
from rehab.domain.text import free_text
from rehab.services import audit
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor, ConflictError, NotFound, now_utc
from rehab.services.patients import check_access
from rehab.services.plan_context import (
    RULE_LABELS,
    PlanContext,
    load_plan,
    next_session_day,
    plan_retests,
    week_of,
)
from rehab.services.prescriptions import ItemPrescription, prescriptions_in
from rehab.services.set_rows import LoggedRow, check_rows, prefill_rows, set_values
from rehab.store import Database
from rehab.store import plans as plan_store
from rehab.store.patients import PatientRecord
from rehab.store.plans import ScreenRepeatRecord, SessionRecord, session_facts

ANSWER_FIELDS = (
    "systolic_mmhg",
    "diastolic_mmhg",
    "resting_heart_rate_bpm",
    "pain_now",
    "new_neuro_symptoms",
    "chest_pain",
    "unwell_or_fever",
)
# Optional readings for the lower limits (clinical reference §13.10): blank means not measured.
OPTIONAL_ANSWER_FIELDS = (
    "spo2_percent",
    "standing_systolic_mmhg",
    "standing_diastolic_mmhg",
    "orthostatic_symptoms",
    "glucose_mmol_l",
    "pain_unsettled_next_morning",
)
_ANSWER_LABELS = {
    "systolic_mmhg": "Systolic pressure",
    "diastolic_mmhg": "Diastolic pressure",
    "resting_heart_rate_bpm": "Resting heart rate",
    "pain_now": "Pain now",
    "new_neuro_symptoms": "New or worsening neurological symptoms",
    "chest_pain": "Chest pain",
    "unwell_or_fever": "Feeling unwell",
    "spo2_percent": "SpO2",
    "standing_systolic_mmhg": "Standing systolic pressure",
    "standing_diastolic_mmhg": "Standing diastolic pressure",
    "orthostatic_symptoms": "Symptoms on standing",
    "glucose_mmol_l": "Capillary glucose",
    "pain_unsettled_next_morning": "Pain not settled by the next morning",
    "repeat": "Repeat after rest:",
}


@dataclass(frozen=True)
class ScreenLine:
    """One finding of the readiness screen, ready to show."""

    outcome: str
    text: str
    source: str
    evidence: str
    escalate: bool


@dataclass(frozen=True)
class ScreenOutcome:
    session_id: int
    outcome: str
    lines: list[ScreenLine]

    @property
    def escalate(self) -> bool:
        return any(line.escalate for line in self.lines)


@dataclass(frozen=True)
class RepeatOffer:
    """A screen that may be measured again after rest: the session, its version and the first reading."""

    session_id: int
    version: int
    first_outcome: str
    first_at: datetime
    first_readings: str
    min_rest_minutes: int
    measured: tuple[str, ...]
    """The optional readings taken at the first screen, to be taken again (``REMEASURED_FIELDS``)."""
    first_lines: tuple[ScreenLine, ...] = ()
    """What the first screen found, to show beside the offer."""


@dataclass(frozen=True)
class OpenSession:
    """A screened session waiting for its sets."""

    record: SessionRecord
    lines: list[ScreenLine]
    prescriptions: list[ItemPrescription]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class ScreenTaken:
    """One readiness screen of a session, with when it was taken, what it read and its verdict."""

    label: str
    at: datetime
    outcome: str
    readings: str
    lines: list[ScreenLine]


@dataclass(frozen=True)
class TreatmentView:
    patient: PatientRecord
    plan_id: int | None
    plan_version: int
    plan_start: date | None
    rule_text: str
    open_session: OpenSession | None
    next_day: date | None
    next_session: list[ItemPrescription]
    recent: pd.DataFrame
    repeat_offer: RepeatOffer | None = None
    screens: list[ScreenTaken] = dataclasses.field(default_factory=list)
    """The latest session's screens when it was repeated after rest: the first, then the repeat."""


@dataclass(frozen=True)
class LogResult:
    session_id: int
    sets_saved: int
    next_session: list[ItemPrescription]


# --- the readiness screen ------------------------------------------------------------------------------


def _lines(result: ScreenResult) -> list[ScreenLine]:
    return [ScreenLine(r.outcome, r.text, r.source, r.evidence.label, r.escalate) for r in result.reasons]


def stored_screen_lines(text: str) -> list[ScreenLine]:
    return [ScreenLine(**item) for item in json.loads(text or "[]")]


def _whole_if_integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def readiness_answers(values: Mapping[str, Any]) -> ReadinessAnswers:
    """The screen's answers checked together: every missing answer at once, then the first out-of-range one."""
    missing = [
        ValidationError(name, f"{_ANSWER_LABELS[name]}: answer this before exercising.")
        for name in ANSWER_FIELDS
        if values.get(name) is None
    ]
    given = {name: values.get(name) for name in (*ANSWER_FIELDS, *OPTIONAL_ANSWER_FIELDS)}
    given["pain_now"] = _whole_if_integral(given["pain_now"])
    wrong = [_labelled(exc).errors[0] for exc in reading_errors(given)]
    if missing or wrong:
        raise ValidationErrors(missing + wrong)  # every problem at once, each at its field
    clean = {name: values[name] for name in ANSWER_FIELDS}
    clean.update({name: values.get(name) for name in OPTIONAL_ANSWER_FIELDS})
    clean["pain_now"] = _whole_if_integral(clean["pain_now"])
    try:
        return ReadinessAnswers(**clean)
    except ValidationError as exc:
        raise _labelled(exc) from None


def _labelled(exc: ValidationError) -> ValidationErrors:
    label = _ANSWER_LABELS.get(exc.field, exc.field)
    return ValidationErrors([ValidationError(exc.field, f"{label} {exc.message}.")])


def _active_context(conn: Connection, actor: Actor, patient_id: int) -> tuple[PatientRecord, PlanContext]:
    patient = check_access(conn, actor, patient_id)
    plan = plan_store.active_plan(conn, patient_id)
    if plan is None:
        raise ValidationErrors([ValidationError("plan", "This patient has no active plan; create one first.")])
    return patient, load_plan(conn, plan)


def _log_on_plan(
    conn: Connection,
    ctx: PlanContext,
    session: SessionRecord,
    actor: Actor,
    *,
    now: Any,
    logged: Sequence[LoggedRow] = (),
) -> list[str]:
    """The plan's aggregate as the earlier sessions left it takes this session (its sets, or that it did not go
    ahead) and decides each item's next load; the plan is saved with them. Returns the actions decided.

    An ended plan's loads no longer change: its open session is recorded without new decisions.
    """
    plan = plan_store.get(
        conn,
        ctx.plan.id,
        pause_days=ctx.pause_days,
        retests=plan_retests(conn, ctx),
        before=(session.session_date, session.id),
    )
    assert plan is not None
    facts = session_facts(ctx.template, session)
    if logged:
        facts = dataclasses.replace(facts, performed=True)
    workouts = {
        item.id: workout(item.exercise, facts, [r for r in logged if r.item_id == item.id]) for item in ctx.items
    }
    decided = plan.log_session(workouts, session=session.id) if plan.status is PlanStatus.ACTIVE else {}
    plan_store.save(conn, ctx.plan.id, plan, expected_version=None, user_id=actor.user_id, now=now)
    return sorted({d.action.value for d in decided.values()})


def _hold_after(conn: Connection, session: SessionRecord, actor: Actor, *, now: datetime) -> None:
    """Hold every load after a session that has just been recorded as not performed."""
    plan = plan_store.get_plan(conn, session.plan_id)
    updated = plan_store.get_session(conn, session.id)
    assert plan is not None and updated is not None
    _log_on_plan(conn, load_plan(conn, plan), updated, actor, now=now)


def start_session(
    db: Database, actor: Actor, patient_id: int, *, answers: Mapping[str, Any], session_date: date | None = None
) -> ScreenOutcome:
    """Run the readiness screen and record the session: not performed on a stop, otherwise open for logging."""
    checked = readiness_answers(answers)
    today = now_utc().date()
    day = session_date or today
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValidationErrors([ValidationError("session_date", "Enter the session date as a date.")])

    def work(conn: Connection) -> ScreenOutcome:
        patient, ctx = _active_context(conn, actor, patient_id)
        plan_store.lock_plan(conn, ctx.plan.id)  # two tablets cannot both open a session for this plan
        open_one = plan_store.open_session(conn, ctx.plan.id)
        if open_one is not None:
            raise ConflictError(
                f"{open_one.updated_by_name} started a session on {open_one.session_date.isoformat()} that has not "
                "been logged yet: log it, or record it as not performed, before starting another."
            )
        if day > today + timedelta(days=1):  # a day's slack: the clinic's date may be ahead of UTC
            raise ValidationErrors([ValidationError("session_date", "The session date cannot be in the future.")])
        if day < ctx.plan.start_date:
            raise ValidationErrors(
                [
                    ValidationError(
                        "session_date",
                        f"The session date cannot be before the plan started ({ctx.plan.start_date.isoformat()}).",
                    )
                ]
            )
        thresholds = clinic_settings.thresholds_in(conn)
        result = screen_readiness(checked, thresholds.thresholds)
        lines = _lines(result)
        stop = not result.permits_session
        now = now_utc()
        not_performed = ""
        if stop:
            not_performed = "Readiness screen said stop: " + " ".join(
                line.text for line in lines if line.outcome == "stop"
            )
        values = {
            "plan_id": ctx.plan.id,
            "patient_id": patient.id,
            "session_date": day,
            "week": week_of(ctx.plan.start_date, day),
            "status": "not_performed" if stop else "in_progress",
            "screen_outcome": result.outcome,
            "systolic_mmhg": checked.systolic_mmhg,
            "diastolic_mmhg": checked.diastolic_mmhg,
            "resting_heart_rate_bpm": checked.resting_heart_rate_bpm,
            "pain_now": checked.pain_now,
            "new_neuro_symptoms": checked.new_neuro_symptoms,
            "chest_pain": checked.chest_pain,
            "unwell_or_fever": checked.unwell_or_fever,
            **{name: getattr(checked, name) for name in OPTIONAL_ANSWER_FIELDS},
            "screen_reasons": json.dumps([line.__dict__ for line in lines]),
            "screen_thresholds": json.dumps(thresholds.thresholds.__dict__, sort_keys=True),
            "not_performed_reason": not_performed,
            "version": 1,
            "created_at": now,
            "created_by": actor.user_id,
            "updated_at": now,
            "updated_by": actor.user_id,
        }
        (session_id,) = plan_store.add_sessions(conn, [values])
        if stop:
            session = plan_store.get_session(conn, session_id)
            assert session is not None
            _log_on_plan(conn, ctx, session, actor, now=now)
        detail = f"readiness screen: {result.outcome}" + ("; not performed, loads held" if stop else "")
        audit.record(
            conn, actor, "create", "treatment_session", session_id, patient_id=patient.id, detail=detail, at=now
        )
        return ScreenOutcome(session_id, result.outcome, lines)

    return db.run(work)


# --- repeat after rest ------------------------------------------------------------------------------------


def first_answers(session: SessionRecord) -> ReadinessAnswers:
    """The first screen's answers as recorded on the session."""
    return ReadinessAnswers(**{name: getattr(session, name) for name in (*ANSWER_FIELDS, *OPTIONAL_ANSWER_FIELDS)})


def _first_result(session: SessionRecord) -> ScreenResult:
    """The first screen's verdict again, from its readings and the thresholds stored with it."""
    stored = json.loads(session.screen_thresholds or "{}")
    names = {f.name for f in dataclasses.fields(ScreenThresholds)}
    return screen_readiness(first_answers(session), ScreenThresholds(**{k: v for k, v in stored.items() if k in names}))


def _repeatable(conn: Connection, session: SessionRecord, *, day: date | None = None) -> bool:
    """A screen not yet repeated, whose first verdict offers a repeat (``safety.repeat_offered``), on a session
    still open, or stopped at the screen as the plan's latest session (on ``day``, when given)."""
    if session.repeat_id is not None or session.systolic_mmhg is None:
        return False
    if session.status == "not_performed":
        if session.first_screen_outcome != "stop" or (day is not None and session.session_date != day):
            return False
        latest = plan_store.plan_sessions(conn, session.plan_id)[-1]
        if latest.id != session.id or plan_store.open_session(conn, session.plan_id) is not None:
            return False
    elif session.status != "in_progress":
        return False
    return repeat_offered(_first_result(session))


def _offer(conn: Connection, session: SessionRecord, min_rest: int, *, day: date) -> RepeatOffer | None:
    if not _repeatable(conn, session, day=day):
        return None
    measured = tuple(n for n in REMEASURED_FIELDS if getattr(session, n) is not None)
    return RepeatOffer(
        session.id,
        session.version,
        session.first_screen_outcome or "",
        session.created_at,
        screen_readings(session),
        min_rest,
        measured,
        tuple(stored_screen_lines(session.first_screen_reasons)),
    )


def _readings(values: Mapping[str, Any]) -> dict[str, Any]:
    missing = [
        ValidationError(name, f"{_ANSWER_LABELS[name]}: measure this again after rest.")
        for name in REMEASURED_FIELDS[:3]
        if values.get(name) is None
    ]
    if missing:
        raise ValidationErrors(missing)
    return {name: values.get(name) for name in REMEASURED_FIELDS}


def repeat_screen(
    db: Database, actor: Actor, session_id: int, *, expected_version: int, readings: Mapping[str, Any]
) -> ScreenOutcome:
    """Measure again after rest: the repeat is kept beside the first screen and decides the session.

    After a caution the session stays open (or stops, if the repeat says stop); after a stop on a reading that
    can settle, a repeat that passes opens the session for logging. Both readings stay, with their times.
    """
    measured = _readings(readings)

    def work(conn: Connection) -> ScreenOutcome:
        session, patient = _session_for(conn, actor, session_id)
        plan_store.lock_plan(conn, session.plan_id)
        if session.version != expected_version:
            raise _session_conflict(session)
        if not _repeatable(conn, session):
            raise ValidationErrors(
                [ValidationError("repeat", "This screen cannot be repeated: it was already repeated, or it is not "
                 "a caution or a stop on a reading that can settle, or a later session exists.")]
            )  # fmt: skip
        thresholds = clinic_settings.thresholds_in(conn).thresholds
        now = now_utc()
        try:
            done = repeat_after_rest(
                first_answers(session),
                _first_result(session),
                measured,
                thresholds,
                first_at=session.created_at,
                repeat_at=now,
            )
        except ValidationError as exc:
            raise _labelled(exc) from None
        lines = _lines(done.result)
        plan_store.add_screen_repeat(
            conn,
            {
                "session_id": session.id,
                "screen_outcome": done.result.outcome,
                **{name: getattr(done.answers, name) for name in REMEASURED_FIELDS},
                "rest_minutes": done.rest_minutes,
                "screen_reasons": json.dumps([line.__dict__ for line in lines]),
                "screen_thresholds": json.dumps(thresholds.__dict__, sort_keys=True),
                "created_at": now,
                "created_by": actor.user_id,
            },
        )
        stop = not done.result.permits_session
        values: dict[str, Any] = {}
        if stop and session.status == "in_progress":
            values = {
                "status": "not_performed",
                "not_performed_reason": "Readiness screen repeated after rest said stop: "
                + " ".join(line.text for line in lines if line.outcome == "stop"),
            }
        elif not stop and session.status == "not_performed":
            values = {"status": "in_progress", "not_performed_reason": ""}  # the repeat passed: log the session
        if not plan_store.update_session_if_version(
            conn, session.id, expected_version=expected_version, values=values, user_id=actor.user_id, now=now
        ):
            raise _session_conflict(plan_store.get_session(conn, session.id) or session)
        if values.get("status") == "not_performed":
            _hold_after(conn, session, actor, now=now)
        audit.record(
            conn,
            actor,
            "update",
            "treatment_session",
            session.id,
            patient_id=patient.id,
            detail=f"readiness screen repeated after rest ({done.rest_minutes} min): "
            f"{session.first_screen_outcome} → {done.result.outcome}",
            at=now,
        )
        return ScreenOutcome(session.id, done.result.outcome, lines)

    return db.run(work)


def session_screens(session: SessionRecord, repeat: ScreenRepeatRecord | None) -> list[ScreenTaken]:
    """A repeated session's two screens, first then repeat, with their times and readings (empty if not repeated)."""
    if repeat is None:
        return []
    return [
        ScreenTaken(
            "First reading",
            session.created_at,
            session.first_screen_outcome or "",
            screen_readings(session),
            stored_screen_lines(session.first_screen_reasons),
        ),
        ScreenTaken(
            f"Repeated after {repeat.rest_minutes} min rest",
            repeat.created_at,
            repeat.screen_outcome,
            screen_readings(repeat),
            stored_screen_lines(repeat.screen_reasons),
        ),
    ]


def _session_conflict(session: SessionRecord) -> ConflictError:
    when = session.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    what = {"completed": "saved this session's sets", "not_performed": "recorded this session as not performed"}
    did = what.get(session.status, "changed this session")
    return ConflictError(
        f"{session.updated_by_name} {did} at {when}, after you opened it. Nothing was saved; "
        "the page now shows the saved session."
    )


def _session_for(conn: Connection, actor: Actor, session_id: int) -> tuple[SessionRecord, PatientRecord]:
    session = plan_store.get_session(conn, session_id)
    if session is None:
        raise NotFound("No such session.")
    return session, check_access(conn, actor, session.patient_id)


def save_log(
    db: Database, actor: Actor, session_id: int, *, expected_version: int, rows: Sequence[Mapping[str, Any]]
) -> LogResult:
    """Save the whole logging table in one transaction (all sets or none), then decide the next loads."""

    def work(conn: Connection) -> LogResult:
        session, patient = _session_for(conn, actor, session_id)
        if session.status != "in_progress" or session.version != expected_version:
            raise _session_conflict(session)
        plan = plan_store.get_plan(conn, session.plan_id)
        assert plan is not None
        ctx = load_plan(conn, plan)
        prescriptions = prescriptions_in(conn, ctx, session.week)
        logged = check_rows(prescriptions, rows)
        now = now_utc()
        if not plan_store.update_session_if_version(
            conn,
            session_id,
            expected_version=expected_version,
            values={"status": "completed"},
            user_id=actor.user_id,
            now=now,
        ):
            latest = plan_store.get_session(conn, session_id)
            raise _session_conflict(latest or session)
        plan_store.add_sets(conn, [set_values(r, session_id) for r in logged])
        actions = ", ".join(_log_on_plan(conn, ctx, session, actor, now=now, logged=logged))
        done = sum(1 for r in logged if r.reps is not None)
        audit.record(
            conn,
            actor,
            "update",
            "treatment_session",
            session_id,
            patient_id=patient.id,
            detail=f"logged {done} set(s); next loads: {actions}",
            at=now,
        )
        sessions = plan_store.plan_sessions(conn, plan.id)
        next_week = week_of(plan.start_date, next_session_day(now.date(), sessions))
        return LogResult(session_id, done, prescriptions_in(conn, ctx, next_week))

    return db.run(work)


def mark_not_performed(db: Database, actor: Actor, session_id: int, *, expected_version: int, reason: str) -> None:
    """An open session that did not go ahead after all (e.g. symptoms during warm-up): loads are held."""
    try:
        why = free_text(reason, "not_performed_reason")
    except ValidationError as exc:
        raise ValidationErrors([exc]) from None
    if not why:
        raise ValidationErrors([ValidationError("not_performed_reason", "Say why the session did not go ahead.")])

    def work(conn: Connection) -> None:
        session, patient = _session_for(conn, actor, session_id)
        if session.status != "in_progress" or session.version != expected_version:
            raise _session_conflict(session)
        now = now_utc()
        if not plan_store.update_session_if_version(
            conn,
            session_id,
            expected_version=expected_version,
            values={"status": "not_performed", "not_performed_reason": why},
            user_id=actor.user_id,
            now=now,
        ):
            raise _session_conflict(plan_store.get_session(conn, session_id) or session)
        _hold_after(conn, session, actor, now=now)
        audit.record(
            conn,
            actor,
            "update",
            "treatment_session",
            session_id,
            patient_id=patient.id,
            detail=f"not performed: {why}",
            at=now,
        )

    db.run(work)


# --- the treatment page ---------------------------------------------------------------------------------


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def screen_readings(s: SessionRecord | ScreenRepeatRecord) -> str:
    """A screen's readings in one line for session history: BP, heart rate and the optional ones recorded."""
    if s.systolic_mmhg is None:
        return "—"
    parts = [f"BP {_g(s.systolic_mmhg)}/{_g(s.diastolic_mmhg)}", f"HR {_g(s.resting_heart_rate_bpm)}"]
    if s.spo2_percent is not None:
        parts.append(f"SpO2 {_g(s.spo2_percent)} %")
    if s.standing_systolic_mmhg is not None:
        symptoms = " with symptoms" if s.orthostatic_symptoms else ""
        parts.append(f"standing {_g(s.standing_systolic_mmhg)}/{_g(s.standing_diastolic_mmhg)}{symptoms}")
    elif s.orthostatic_symptoms:
        parts.append("symptoms on standing")
    glucose = getattr(s, "glucose_mmol_l", None)  # not re-measured: a repeat has none of its own
    if glucose is not None:
        parts.append(f"glucose {_g(glucose)} mmol/L")
    if getattr(s, "pain_unsettled_next_morning", None):
        parts.append("pain not settled by the next morning")
    return " · ".join(parts)


SCREEN_TEXT = {"go": "Go", "caution": "Go with caution", "stop": "Stop"}


def _clock(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%H:%M") + (" UTC" if tz is UTC else "")


def history_screen(s: SessionRecord, repeat: ScreenRepeatRecord | None, tz: tzinfo = UTC) -> tuple[str, str]:
    """The session's screen verdict and readings for the history: both screens, with times, when repeated."""
    outcome = SCREEN_TEXT.get(s.screen_outcome or "", "—")
    if repeat is None:
        return outcome, screen_readings(s)
    first = SCREEN_TEXT.get(s.first_screen_outcome or "", "—").lower()
    return (
        f"{outcome} (on the repeat; first: {first})",
        f"{_clock(s.created_at, tz)} {screen_readings(s)} → repeated after {repeat.rest_minutes} min rest, "
        f"{_clock(repeat.created_at, tz)} {screen_readings(repeat)}",
    )


def _recent(
    sessions: Sequence[SessionRecord],
    repeats: Mapping[int, ScreenRepeatRecord] | None = None,
    tz: tzinfo = UTC,
    limit: int = 8,
) -> pd.DataFrame:
    status_text = {"completed": "Performed", "not_performed": "Not performed", "in_progress": "In progress"}
    rows = []
    for s in list(reversed(sessions))[:limit]:
        screen, readings = history_screen(s, (repeats or {}).get(s.id), tz)
        rows.append(
            {
                "Date": s.session_date,
                "Week": s.week,
                "Screen": screen,
                "Readings": readings,
                "Status": status_text.get(s.status, s.status),
                "Reason not performed": s.not_performed_reason,
                "By": s.updated_by_name,
            }
        )
    return pd.DataFrame(rows, columns=["Date", "Week", "Screen", "Readings", "Status", "Reason not performed", "By"])


def treatment_view(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    today: date | None = None,
    audit_view: bool = True,
    tz: tzinfo = UTC,
) -> TreatmentView:
    """The treatment page's data in one read: the open session and its table, or the next session's loads;
    the latest session's screens when repeated after rest, or the offer to repeat it (times shown in ``tz``)."""
    day = today or now_utc().date()

    def work(conn: Connection) -> TreatmentView:
        patient = check_access(conn, actor, patient_id)
        plan = plan_store.active_plan(conn, patient_id)
        if audit_view:
            audit.record(
                conn, actor, "view", "plan", plan.id if plan else None, patient_id=patient_id, detail="treatment page"
            )
        if plan is None:
            return TreatmentView(patient, None, 0, None, "", None, None, [], _recent([]))
        ctx = load_plan(conn, plan)
        sessions = plan_store.plan_sessions(conn, plan.id)
        open_record = plan_store.open_session(conn, plan.id)
        open_session = None
        next_day = None
        upcoming: list[ItemPrescription] = []
        if open_record is not None:
            prescriptions = prescriptions_in(conn, ctx, open_record.week)
            open_session = OpenSession(
                open_record, stored_screen_lines(open_record.screen_reasons), prescriptions, prefill_rows(prescriptions)
            )
        else:
            next_day = next_session_day(day, sessions)
            upcoming = prescriptions_in(conn, ctx, week_of(plan.start_date, max(next_day, plan.start_date)))
        shown = list(reversed(sessions))[:8]
        repeats = plan_store.session_repeats(conn, [s.id for s in shown])
        latest = open_record or (sessions[-1] if sessions else None)
        offer = None
        if latest is not None:
            rest = clinic_settings.thresholds_in(conn).thresholds.repeat_min_rest_minutes
            offer = _offer(conn, latest, rest, day=day)
        return TreatmentView(
            patient=patient,
            plan_id=plan.id,
            plan_version=plan.version,
            plan_start=plan.start_date,
            rule_text=RULE_LABELS.get(plan.rule, plan.rule),
            open_session=open_session,
            next_day=next_day,
            next_session=upcoming,
            recent=_recent(sessions, repeats, tz),
            repeat_offer=offer,
            screens=session_screens(latest, repeats.get(latest.id)) if latest is not None else [],
        )

    return db.run(work, write=audit_view)
