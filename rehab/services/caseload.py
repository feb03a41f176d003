"""Who needs attention: the caseload with its flags, computed in the database and judged by the domain rules.

The database returns one row per patient with the figures (newest Berg and TUG, the value of each main
measure 6 weeks ago, sessions in the last two 4-week windows, the last session's screen...); the flags are
then the domain's judgements of those figures (``rehab.domain.trends``), each with its reason and source.
Clinicians see the patients on their care team, administrators everyone. Opening the caseload writes one
audit entry (not one per patient listed).

Triage (issue 13, ``rehab.domain.triage``): each raised flag is new, standing or acknowledged, and patients
with new flags are listed first. A clinician may acknowledge a flag with a note (audited, append-only); it
then sorts below standing flags until the patient's data change.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection

from rehab.domain import falls, measures, trends, triage
from rehab.domain.context import PatientContext, patient_context
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.goals import TREND_RULE, Trend
from rehab.domain.patients import age_on
from rehab.domain.planning import DEFAULT_TEMPLATE
from rehab.domain.units import fmt
from rehab.services import audit, goals, recent
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor, now_utc
from rehab.services.patients import check_access
from rehab.services.plan_context import week_of
from rehab.store import Database
from rehab.store import caseload as store
from rehab.store.caseload import CaseloadRow, OpenGoal

FALL_RISK = "fall_risk"
RETEST_OVERDUE = "retest_overdue"
PLATEAU = "plateau"
SAFETY_STOP = "safety_stop"
FALLING_ATTENDANCE = "falling_attendance"
GOAL_AT_RISK = "goal_at_risk"
FLAGS = (FALL_RISK, RETEST_OVERDUE, PLATEAU, SAFETY_STOP, FALLING_ATTENDANCE, GOAL_AT_RISK)
FLAG_LABELS = {
    FALL_RISK: "Fall risk",
    RETEST_OVERDUE: "Re-test overdue",
    PLATEAU: "Plateau",
    SAFETY_STOP: "Safety stop",
    FALLING_ATTENDANCE: "Falling attendance",
    GOAL_AT_RISK: "Goal at risk",
}
FLAG_HELP = {
    FALL_RISK: "Newest Berg or TUG on the wrong side of the catalogue's fall-risk cut-off: for stroke, Berg < 50.5 "
    "or TUG ≥ 15 s (Matsumoto 2024 scoping review); for other conditions from age 65 the older-adult cut-offs, "
    "Berg < 45 (mdapp, secondary source) or TUG ≥ 12 s (CDC STEADI, adults 65 and over), by the age on the day of "
    "each result. Younger patients without a stroke are not flagged: no cut-off in the catalogue was derived in "
    "their population. A prompt to look closer, not a diagnosis.",
    RETEST_OVERDUE: "The main measures were last tested more than the plan's re-test interval ago (default every "
    "4 weeks; clinical reference §7.5: every 4–6 weeks), counted from the later of the last test and the plan "
    "start; without a plan, 4 weeks. Also when a load at the newest session has reached 80 % of the latest 1RM "
    "(the AHA/ASA upper bound, Billinger 2014), where the plan holds the load until the 1RM is re-tested; a 1RM "
    "re-test recorded after that session (a later day, or the same day after the hold) clears it.",
    PLATEAU: f"No change reaching the MDC in any main measure (Berg, TUG, 10MWT, FGA; 6MWT has no verified MDC) "
    f"between the newest result and the newest one from {trends.PLATEAU_WEEKS} or more weeks ago, judged with the "
    "MDCs derived in the patient's own population on the day of the newer result (stroke by phase after the "
    "event, Bernhardt 2017; other conditions from age 65 the older-adult figures; none otherwise), which the "
    "reason names. "
    f"{trends.PLATEAU_SOURCE}. Judged only in active treatment (an active plan, or a session in the last "
    f"{trends.PLATEAU_WEEKS} weeks), on a result from the last {trends.PLATEAU_WEEKS} weeks and one taken "
    f"{trends.PLATEAU_WEEKS} or more weeks before it.",
    SAFETY_STOP: "The readiness screen said stop at the patient's most recent session (clinic thresholds; a screen "
    "repeated after rest is judged by the repeat; see the treatment page for the reasons and sources).",
    FALLING_ATTENDANCE: f"At least {trends.ATTENDANCE_MIN_DROP} fewer sessions performed in the last "
    f"{trends.ATTENDANCE_WINDOW_WEEKS} weeks than in the {trends.ATTENDANCE_WINDOW_WEEKS} weeks before, and below "
    "the plan's minimum a week. "
    f"{trends.ATTENDANCE_SOURCE}. Judged once a plan is {2 * trends.ATTENDANCE_WINDOW_WEEKS} weeks old.",
    GOAL_AT_RISK: f"An active measure target is at risk: {TREND_RULE} The MDC is the one the catalogue has for "
    "the patient's own population on the day of the newest result, and the reason names it; a target whose "
    "date has passed unreached is at risk too. Goal Attainment Scales are reviewed on the Goals page, not "
    "flagged here.",
}
# Fall history (issue 18) joins the balance cut-offs: said here, apart from the text above, which it extends.
FLAG_HELP[FALL_RISK] += " " + falls.FLAG_HELP
LATEST = ("bbs", "tug")
# The most pressing first: the order a patient's flags are listed and the next action is chosen in.
SEVERITY = (SAFETY_STOP, FALL_RISK, RETEST_OVERDUE, FALLING_ATTENDANCE, GOAL_AT_RISK, PLATEAU)
NEXT_ACTION = {  # short, to fit beside the name and flags on a tablet
    SAFETY_STOP: "Check readiness",
    FALL_RISK: "Fall-risk review",
    RETEST_OVERDUE: "Re-test",
    FALLING_ATTENDANCE: "Attendance call",
    PLATEAU: "Review the plan",
    GOAL_AT_RISK: "Review goals",
}
# a flag's label as a badge: short, since several share a narrow column (the full label is in "Why")
BADGE_LABELS = {
    FALL_RISK: "Fall risk",
    RETEST_OVERDUE: "Re-test",
    PLATEAU: "Plateau",
    SAFETY_STOP: "Safety stop",
    FALLING_ATTENDANCE: "Attendance",
    GOAL_AT_RISK: "Goal at risk",
}
STATUS_HELP = (
    f"NEW: raised in the last {triage.NEW_FLAG_DAYS} days, or since the patient was last reviewed (the newest "
    "acknowledgement of any of their flags). Standing: raised earlier and not acknowledged. Ack'd: a clinician "
    "acknowledged it with a note and the patient's data have not changed since; any new result, session, plan "
    "or edit of the record brings it back. A flag is dated by the figures it judges: the newest Berg or TUG "
    "(fall risk), the newest main-measure result (plateau), the day after the re-test fell due (or after "
    "the last session whose load was not yet held at the ceiling), the last session (safety stop), the newest "
    "result of the goal's measure (goal at risk; the day after its target date once that has passed); falling "
    "attendance is new when it was not raised a week ago."
)
BADGE = {triage.NEW: "NEW · {}", triage.STANDING: "{}", triage.ACKNOWLEDGED: "Ack'd · {}"}
COLUMNS = [
    "patient_id",
    "Patient",
    "Flags",
    "Next action",
    "MRN",
    "Age",
    "Days since event",
    "Plan week",
    "Last session",
    "Sessions/week (4 wk)",
    "Berg",
    "TUG (s)",
    "Goals",
    *[FLAG_LABELS[f] for f in FLAGS],
    "New",
    "Standing",
    "Acknowledged",
    "Why",
]


@dataclass(frozen=True)
class Caseload:
    """The caseload table (one row per patient, ``COLUMNS``) and what the listing covered."""

    table: pd.DataFrame
    scope: str
    today: date


@functools.lru_cache(maxsize=256)
def _template_numbers(every: int | None, minimum: int | None) -> tuple[int, int]:
    return (every or DEFAULT_TEMPLATE.reassessment_every_weeks, minimum or DEFAULT_TEMPLATE.sessions_per_week[0])


def judge(row: CaseloadRow, today: date, overrides: trends.Overrides | None = None) -> dict[str, trends.Judgement]:
    """Every flag for one patient's figures, with the clinic's threshold values where it has set them."""
    every, minimum = _template_numbers(row.retest_every_weeks, row.minimum_per_week)
    due = trends.retest_due(
        last_test=row.last_test_at.date() if row.last_test_at else None,
        plan_start=row.plan_start,
        registered=row.registered.date(),
        every_weeks=every,
    )
    stopped = row.last_session_status == "not_performed" and row.last_screen_outcome == "stop"

    # Each result is judged in the patient's context on its own day (condition, age that day, phase after the
    # event that day), not today's: a few date sums per result, and the MDC rules a context selects are cached
    # per group (a handful of groups), so the listing stays cheap.
    def context_on(day: date) -> PatientContext:
        return patient_context(row.condition, row.birth_date, row.event_date, day)

    ages = {k: context_on(day).age_years for k in LATEST if (day := _latest_day(row, k)) is not None}
    return {
        FALL_RISK: _fall_risk(row, today, overrides, ages),
        RETEST_OVERDUE: trends.retest_flag(
            trends.retest_overdue(due, today, every),
            load_at_ceiling=row.load_at_ceiling and not row.retest_after_hold,
        ),
        PLATEAU: trends.plateau_in_treatment(
            {k: (_dated(row.earlier, row.earlier_at, k), _dated(row.recent, row.recent_at, k)) for k in row.earlier},
            today=today,
            active_plan=row.plan_start is not None,
            last_session=row.last_session_date,
            overrides=overrides,
            context_on=context_on,
        ),
        SAFETY_STOP: trends.Judgement(
            stopped,
            f"Readiness screen said stop on {row.last_session_date.isoformat()}."
            if stopped and row.last_session_date
            else "",
        ),
        FALLING_ATTENDANCE: _attendance(row, today, minimum),
        GOAL_AT_RISK: _goal_at_risk(row, today),
    }


def _goal_verdicts(row: CaseloadRow, today: date) -> list[tuple[OpenGoal, Trend]]:
    """Each active measure target with the domain's verdict for this patient's population, and its basis."""
    out = []
    for goal in row.goals:
        trend, basis = goals.target_verdict(row, goal, [(day, value) for day, value, _ in goal.results], today)
        if trend is not None:
            out.append((goal, Trend(trend.at_risk, f"{trend.reason} {basis}", trend.projected)))
    return out


def _goal_at_risk(row: CaseloadRow, today: date) -> trends.Judgement:
    """Raised when any active measure target is at risk; the reason names each, the rule and the MDC used."""
    risky = [(g, t) for g, t in _goal_verdicts(row, today) if t.at_risk]
    if not risky:
        return trends.Judgement(False, "")
    parts = []
    for goal, trend in risky:
        measure = measures.get(str(goal.measure_key))
        reviewed = f"last reviewed {goal.last_review.date().isoformat()}" if goal.last_review else "not reviewed yet"
        target = fmt(goal.target_value) if goal.target_value is not None else "?"
        parts.append(
            f"{measure.name} target {target} {measure.unit_label} by {goal.target_date.isoformat()} "
            f"({reviewed}): {trend.reason}"
        )
    return trends.Judgement(True, " ".join(parts))


def _goal_raised(row: CaseloadRow, today: date) -> date | None:
    """Dated by the newest result of an at-risk goal's measure, or the day after a passed target date."""
    days = []
    for goal, trend in _goal_verdicts(row, today):
        if trend.at_risk:
            days.append(goal.target_date + timedelta(days=1) if today > goal.target_date else None)
            days.append(max((d for d, _, _ in goal.results), default=goal.set_on))
    return max((d for d in days if d is not None), default=None)


def _fall_risk(
    row: CaseloadRow, today: date, overrides: trends.Overrides | None, ages: dict[str, int | None]
) -> trends.Judgement:
    """Berg and TUG against the cut-offs of the population on each result's day, joined by falls in the last
    12 months (§13.13)."""
    balance = trends.fall_risk(row.condition, row.latest, overrides, ages=ages)
    flagged, why = falls.history_flag(row.condition, falls.fall_history(row.fall_dates, today))
    if not why:
        return balance
    reasons = " ".join(r for r in (balance.reason, why) if r)
    return trends.Judgement(balance.flagged or flagged, reasons)


def _fall_risk_raised(row: CaseloadRow, today: date, balance_day: date | None) -> date | None:
    """Dated by the newest Berg or TUG, or by the newest fall when falls raise the flag and it is later."""
    history = falls.fall_history(row.fall_dates, today)
    fell = history.newest if falls.history_flag(row.condition, history)[0] else None
    return max((d for d in (balance_day, fell) if d is not None), default=None)


def _latest_day(row: CaseloadRow, key: str) -> date | None:
    """The day the newest result of a measure was taken: the newest after the comparison date, else before it."""
    at = row.recent_at.get(key) or row.earlier_at.get(key)
    return at.date() if at is not None else None


def _attendance(row: CaseloadRow, day: date, minimum: int, *, week_ago: bool = False) -> trends.Judgement:
    if not row.plan_start:
        return trends.Judgement(False, "")
    return trends.falling_attendance(
        recent=row.sessions_recent_week_ago if week_ago else row.sessions_recent,
        previous=row.sessions_previous_week_ago if week_ago else row.sessions_previous,
        minimum_per_week=minimum,
        plan_days=(day - row.plan_start).days,
    )


def _dated(values: dict[str, float | None], taken: dict[str, datetime | None], key: str) -> trends.Dated | None:
    value, at = values.get(key), taken.get(key)
    return None if value is None or at is None else (value, at.date())


def raised_on(row: CaseloadRow, today: date, flag: str) -> date | None:
    """The day a raised flag is dated by: the figures it judges (``STATUS_HELP``)."""

    def newest(keys: tuple[str, ...]) -> date | None:
        days = [at.date() for k in keys for at in (row.recent_at.get(k), row.earlier_at.get(k)) if at is not None]
        return max(days, default=None)

    if flag == FALL_RISK:
        return _fall_risk_raised(row, today, newest(LATEST))
    if flag == PLATEAU:
        return newest(tuple(row.recent))
    if flag == RETEST_OVERDUE:
        every, _ = _template_numbers(row.retest_every_weeks, row.minimum_per_week)
        due = trends.retest_due(
            last_test=row.last_test_at.date() if row.last_test_at else None,
            plan_start=row.plan_start,
            registered=row.registered.date(),
            every_weeks=every,
        )
        if today > due:
            return due + timedelta(days=1)
        # raised by a load held at its ceiling: since the session after the last one that was not held
        if row.last_unheld_session is not None:
            return row.last_unheld_session + timedelta(days=1)
        return row.plan_start
    if flag == GOAL_AT_RISK:
        return _goal_raised(row, today)
    if flag == FALLING_ATTENDANCE:
        # the windows slide day by day: new when it was not raised a week ago, else at least a week old
        _, minimum = _template_numbers(row.retest_every_weeks, row.minimum_per_week)
        if _attendance(row, today - timedelta(weeks=1), minimum, week_ago=True).flagged:
            return today - timedelta(weeks=1)
        return today
    return row.last_session_date or row.plan_start


NO_GOALS = "none set"


def _goals_cell(row: CaseloadRow) -> str:
    """The patient's active goals in a few words: how many, or "none set"."""
    if not row.goals:
        return NO_GOALS
    return f"{len(row.goals)} active"


@dataclass(frozen=True)
class _Judged:
    """One patient's figures for the table and their raised flags (flag → (raised on, reason)), in
    ``SEVERITY`` order: what is kept per patient for the day."""

    figures: list[object]
    raised: dict[str, tuple[date | None, str]]


def _judged(r: CaseloadRow, today: date, overrides: trends.Overrides) -> _Judged:
    weeks = trends.ATTENDANCE_WINDOW_WEEKS
    flags = judge(r, today, overrides)
    figures: list[object] = [
        r.patient_id,
        f"{r.family_name.upper()}, {r.given_name}",
        r.mrn,
        age_on(r.birth_date, today),
        (today - r.event_date).days if r.event_date else None,
        week_of(r.plan_start, max(today, r.plan_start)) if r.plan_start else None,
        r.last_session_date,
        round(r.sessions_recent / weeks, 1) if r.plan_start else None,
        r.latest.get("bbs"),
        r.latest.get("tug"),
        _goals_cell(r),
    ]
    raised = {f: (raised_on(r, today, f), flags[f].reason) for f in SEVERITY if flags[f].flagged}
    return _Judged(figures, raised)


def _record(judged: _Judged, today: date, generation: int, acks: dict[str, store.Acknowledgement]) -> list[object]:
    """One patient's table row (``COLUMNS``): figures, each flag with its triage status, and why."""
    reviewed = max((a.at for a in acks.values()), default=None)
    statuses = {
        flag: triage.status(
            raised_on=day,
            today=today,
            reviewed_on=reviewed.date() if reviewed else None,
            acknowledged=flag in acks and acks[flag].generation == generation,
        )
        for flag, (day, _) in judged.raised.items()
    }
    order = sorted(judged.raised, key=lambda f: (triage.STATUSES.index(statuses[f]), SEVERITY.index(f)))
    badges = [BADGE[statuses[f]].format(BADGE_LABELS[f]) for f in order]
    waiting = [f for f in order if statuses[f] != triage.ACKNOWLEDGED]
    why = []
    for f in order:
        day, reason = judged.raised[f]
        text = f"{FLAG_LABELS[f]} ({triage.STATUS_LABELS[statuses[f]]}" + (f", since {day.isoformat()}" if day else "")
        text += f"): {reason}"
        if statuses[f] == triage.ACKNOWLEDGED:
            ack = acks[f]
            text += f" Acknowledged by {ack.by} on {ack.at.date().isoformat()}: {ack.note}"
        why.append(text)
    new, standing, acknowledged = triage.priority(statuses.values())
    pid, name, *rest = judged.figures
    return [
        pid,
        name,
        badges,
        NEXT_ACTION[waiting[0]] if waiting else None,
        *rest,
        *[f in judged.raised for f in FLAGS],
        new,
        standing,
        acknowledged,
        " ".join(why),
    ]


def _read(
    conn: Connection,
    day: date,
    overrides: trends.Overrides,
    *,
    visible_to: int | None = None,
    only: list[int] | None = None,
) -> list[CaseloadRow]:
    weeks = trends.ATTENDANCE_WINDOW_WEEKS
    return store.caseload(
        conn,
        visible_to=visible_to,
        today=day,
        recent_from=day - timedelta(weeks=weeks),
        previous_from=day - timedelta(weeks=2 * weeks),
        compare_before=datetime.combine(day - timedelta(weeks=trends.PLATEAU_WEEKS), time.max, tzinfo=UTC),
        latest_measures=LATEST,
        # a measure without an MDC cannot show a plateau, so its values 6 weeks apart are not read
        compared_measures=trends.judgeable(trends.PLATEAU_MEASURES, overrides),
        only=only,
    )


# Patients whose figures are read again in one statement at most (a bound on the statement's IN list).
READ_BATCH = 500


def _current_records(conn: Connection, kept: _Kept, day: date, visible_to: int | None) -> list[list[object]]:
    """Today's rows for the listed patients, reading again only those whose data changed.

    A patient's judged figures are kept under the stamp (day, the clinic's thresholds, the generation of
    their data), and the finished row under that stamp and their acknowledgements.
    """
    overrides = clinic_settings.measure_settings_in(conn).overrides
    thresholds = tuple(sorted(overrides.items()))
    # generations first: a write committed after this read shows up as a newer generation next time
    generations = dict(store.listed(conn, visible_to=visible_to))
    stamps = {pid: (day, thresholds, gen) for pid, gen in generations.items()}
    # acknowledgements are read on every view: they are few, and writing one is not a change of the
    # patient's data (it would lapse at once), so the data stamp does not know of them
    acks: dict[int, dict[str, store.Acknowledgement]] = {}
    for ack in store.acknowledgements(conn, visible_to=visible_to):
        acks.setdefault(ack.patient_id, {})[ack.flag] = ack
    full = {
        pid: (stamp, tuple(sorted((f, a.generation, a.at) for f, a in acks[pid].items())) if pid in acks else ())
        for pid, stamp in stamps.items()
    }
    out = {pid: kept.rows.get(pid, stamp) for pid, stamp in full.items()}
    need = [pid for pid, record in out.items() if record is None]
    judged = {pid: kept.judged.get(pid, stamps[pid]) for pid in need}
    stale = [pid for pid, found in judged.items() if found is None]
    # most of the list stale (the first view of the day): one pass over the listing, no id lists
    batches = (
        [None]
        if len(stale) > len(stamps) // 2
        else [stale[i : i + READ_BATCH] for i in range(0, len(stale), READ_BATCH)]
    )
    for only in batches:
        # an id list is already within the listing
        for row in _read(conn, day, overrides, visible_to=visible_to if only is None else None, only=only):
            if row.patient_id in stamps:  # listed (a patient registered since is listed next time)
                fresh = _judged(row, day, overrides)
                kept.judged.put(row.patient_id, stamps[row.patient_id], fresh)
                if row.patient_id in judged:
                    judged[row.patient_id] = fresh
    for pid, found in judged.items():
        if found is not None:
            record = _record(found, day, generations[pid], acks.get(pid, {}))
            out[pid] = record
            kept.rows.put(pid, full[pid], record)
    return [record for record in out.values() if record is not None]  # in the listing's name order


# One kept row per patient (about 1 kB each); a clinic larger than this reads the rest on each view.
KEPT_ROWS = 50_000


@dataclass(frozen=True)
class _Kept:
    """Per patient: the judged figures (under the data stamp) and the finished row (also under their
    acknowledgements), so a view after the first of the day rebuilds neither."""

    judged: recent.Recent[_Judged]
    rows: recent.Recent[list[object]]


def _known(db: Database) -> _Kept:
    return _Kept(
        recent.store_for(db, "caseload", max_entries=KEPT_ROWS),
        recent.store_for(db, "caseload_rows", max_entries=KEPT_ROWS),
    )


def caseload(db: Database, actor: Actor, *, today: date | None = None, audit_view: bool = True) -> Caseload:
    """The actor's caseload: their care team's active patients (all active patients for administrators).

    Each patient's judged row is kept for the day (and the clinic's thresholds) with the generation of
    their data it was read under (``patient_changes``, counted by database triggers on every write); a
    view re-reads only the patients whose generation moved, so after the first view of the day the cost is
    the listing and whatever changed, not the whole caseload's history seeks.
    """
    day = today or now_utc().date()
    known = _known(db)

    def work(conn: Connection) -> list[list[object]]:
        records = _current_records(conn, known, day, None if actor.is_admin else actor.user_id)
        if audit_view:
            scope = "all patients" if actor.is_admin else "care team"
            audit.record(
                conn, actor, "view", "caseload", None, detail=json.dumps({"scope": scope, "patients": len(records)})
            )
        return records

    records = db.run(work, write=audit_view)
    scope = "active patients in the clinic" if actor.is_admin else "active patients on your care team"
    return Caseload(table=pd.DataFrame(records, columns=COLUMNS), scope=scope, today=day)


def prepare(db: Database, *, today: date | None = None) -> int:
    """Read and judge every active patient's row for the day before anyone opens the caseload.

    Nobody sees anything here, so nothing is audited; a view later the same day finds the rows ready and
    reads only what changed since. Returns the number of patients prepared.
    """
    day = today or now_utc().date()
    return len(db.run(lambda conn: _current_records(conn, _known(db), day, None), write=False))


def filtered(
    table: pd.DataFrame,
    *,
    text: str = "",
    flags: list[str] | None = None,
    sort: str = "flags",
    no_goals: bool = False,
) -> pd.DataFrame:
    """Rows matching the search text (name or MRN) and any of ``flags`` (and, with ``no_goals``, only patients
    with no active goal), in the chosen order."""
    out = table
    if no_goals:
        out = out[out["Goals"] == NO_GOALS]
    words = text.lower().split()
    if words:
        haystack = (out["Patient"] + " " + out["MRN"]).str.lower()
        mask = pd.Series(True, index=out.index)
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
        out = out[mask]
    if flags:
        mask = pd.Series(False, index=out.index)
        for flag in flags:
            mask |= out[FLAG_LABELS[flag]]
        out = out[mask]
    order = SORTS.get(sort, SORTS["flags"])
    return out.sort_values(list(order[0]), ascending=list(order[1]), na_position="last", kind="stable")


# sort key → (columns, ascending per column)
SORTS: dict[str, tuple[tuple[str, ...], tuple[bool, ...]]] = {
    "flags": (("New", "Standing", "Acknowledged", "Patient"), (False, False, False, True)),
    "name": (("Patient",), (True,)),
    "last_session": (("Last session", "Patient"), (True, True)),
    "berg": (("Berg", "Patient"), (True, True)),
    "tug": (("TUG (s)", "Patient"), (False, True)),
    "event": (("Days since event", "Patient"), (True, True)),
}
SORT_LABELS = {
    "flags": "New flags first",
    "name": "Name",
    "last_session": "Last session (longest ago first)",
    "berg": "Berg (lowest first)",
    "tug": "TUG (slowest first)",
    "event": "Days since event (most recent event first)",
}


NOTE_MAX = 1000


def acknowledge(db: Database, actor: Actor, patient_id: int, flag: str, note: str, *, today: date | None = None) -> int:
    """Acknowledge one raised flag of a patient with a note: audited, append-only. It sorts below standing
    flags until the patient's data next change (the generation it was written under moves)."""
    text = note.strip()
    errors = []
    if flag not in FLAGS:
        errors.append(ValidationError("flag", "Choose one of the patient's flags."))
    if not text:
        errors.append(ValidationError("note", "Write a note: why the flag can wait, or what was done."))
    elif len(text) > NOTE_MAX:
        errors.append(ValidationError("note", f"The note is {len(text)} characters; at most {NOTE_MAX}."))
    if errors:
        raise ValidationErrors(errors)
    day = today or now_utc().date()

    def work(conn: Connection) -> int:
        check_access(conn, actor, patient_id)
        generation = store.generation(conn, patient_id)
        overrides = clinic_settings.measure_settings_in(conn).overrides
        rows = _read(conn, day, overrides, only=[patient_id])
        if not rows or not judge(rows[0], day, overrides)[flag].flagged:
            raise ValidationError("flag", f"{FLAG_LABELS[flag]} is not raised for this patient now.")
        ack_id = store.add_acknowledgement(
            conn, patient_id=patient_id, flag=flag, generation=generation, note=text, by=actor.user_id, at=now_utc()
        )
        audit.record(
            conn,
            actor,
            "acknowledge",
            "caseload_flag",
            ack_id,
            patient_id=patient_id,
            detail=json.dumps({"flag": flag, "generation": generation}),
        )
        return ack_id

    return db.run(work)
