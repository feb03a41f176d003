"""Hostile input into the plan, session, settings, note and import services, on both engines.

The same contract as ``test_hostile_services``: each call either saves whole, valid records or raises a
validation error naming the field (or a conflict), and a refused call changes no row of any table.
"""

from __future__ import annotations

import contextlib
import csv
import io
import uuid
from datetime import date, timedelta
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from rehab.services import commands, exercise_library, exports, imports, plan_overview, plans, sessions, set_rows
from rehab.services import settings as clinic_settings
from rehab.services.context import ConflictError
from rehab.store import Database
from tests.plan_helpers import go_answers, leg_press_plan, new_patient, prefilled
from tests.reliability.test_hostile_services import (
    ANYTHING,
    HOSTILE,
    NUMBER,
    REFUSED,
    TEXT,
    _actor,
    _admin,
    _counts,
    _either,
    _grew,
    _shown_as_text,
)

TODAY = date.today()
START = TODAY - timedelta(days=10)  # week 2 of a plan: one logged session is possible today

BASELINE = st.fixed_dictionaries(
    {
        "exercise_key": _either(st.sampled_from(["leg_press", "knee_extension", "seated_row", "no_such"])),
        "side": _either(st.sampled_from([None, "paretic", "non_paretic"])),
        "method": _either(st.sampled_from(["tested_1rm", "estimated_submaximal"])),
        "one_rm_kg": _either(st.sampled_from([80.0, 5.0]), NUMBER),
        "load_kg": _either(st.sampled_from([40.0, 10.0]), NUMBER),
        "reps": _either(st.sampled_from([8, 12, 13]), NUMBER),
    }
)
ANSWERS = st.fixed_dictionaries(
    {
        "systolic_mmhg": _either(st.sampled_from([128, 205]), NUMBER),
        "diastolic_mmhg": _either(st.sampled_from([78, 112]), NUMBER),
        "resting_heart_rate_bpm": _either(st.sampled_from([72, 125]), NUMBER),
        "pain_now": _either(st.sampled_from([1, 6]), NUMBER),
        "new_neuro_symptoms": _either(st.booleans()),
        "chest_pain": _either(st.booleans()),
        "unwell_or_fever": _either(st.booleans()),
    }
)
CELL = st.one_of(NUMBER, TEXT, st.none(), st.booleans(), st.sampled_from(["12", " 7 ", "", "ten", "1e9"]))
COLUMNS = [set_rows.LOAD, set_rows.REPS, set_rows.EFFORT, set_rows.PAIN_DURING, set_rows.PAIN_AFTER, set_rows.SET]


def _patient(db: Database) -> tuple[Any, int]:
    """The clinician and a new patient (each generated example gets its own; the database is shared)."""
    return _actor(db), new_patient(db, _actor(db), f"H-{uuid.uuid4().hex[:10]}")


def _plan(db: Database) -> tuple[Any, int, int]:
    cara, pid = _patient(db)
    return cara, pid, leg_press_plan(db, cara, pid, start=START)


@HOSTILE
@given(baselines=st.lists(BASELINE, max_size=3), start=st.one_of(st.none(), st.dates(), ANYTHING), notes=TEXT)
@example(baselines=[{"exercise_key": "leg_press", "method": "tested_1rm", "one_rm_kg": 80}], start=None, notes="\udcff")
def test_create_plan_saves_a_whole_plan_or_nothing(db: Database, baselines: Any, start: Any, notes: Any) -> None:
    cara, pid = _patient(db)
    before = _counts(db)
    try:
        entries = commands.baseline_entries(baselines)  # the builder's one parser, as the page calls it
        plan_id = plans.create_plan(db, cara, pid, baselines=entries, start_date=start, notes=notes)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew.pop("plans") == 1 and grew.pop("plan_items") == len(baselines) >= 1
    assert grew.pop("load_decisions") == len(baselines) and grew.pop("audit_log") == 1
    assert grew == {}
    shown = plan_overview.overview(db, cara, pid, audit_view=False)
    assert shown.plan is not None and shown.plan.id == plan_id and _shown_as_text(shown.plan.notes)


@HOSTILE
@given(answers=ANSWERS, day=st.one_of(st.none(), st.dates(), ANYTHING))
@example(answers=go_answers(pain_now=float("nan")), day=None)
@example(answers=go_answers(systolic_mmhg=10**30), day=TODAY)
def test_readiness_screen_records_a_session_or_nothing(db: Database, answers: Any, day: Any) -> None:
    cara, pid, _ = _plan(db)
    before = _counts(db)
    try:
        outcome = sessions.start_session(db, cara, pid, answers=answers, session_date=day)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew.pop("treatment_sessions") == 1 and grew.pop("audit_log") == 1
    assert outcome.outcome in ("go", "caution", "stop")
    if outcome.outcome == "stop":  # a stop holds every load, with the screen's reason, at once
        assert grew.pop("load_decisions") == 1
    assert grew == {}


@HOSTILE
@given(edits=st.lists(st.tuples(st.sampled_from(COLUMNS), CELL), max_size=4), extra=st.booleans())
@example(edits=[(set_rows.REPS, float("inf"))], extra=False)
@example(edits=[(set_rows.LOAD, -2.5)], extra=False)
@example(edits=[(set_rows.PAIN_AFTER, "\ud800")], extra=True)
@example(edits=[(set_rows.SET, 2_147_483_648)], extra=False)  # beyond a database integer: refused at the field
def test_logging_saves_the_whole_table_or_nothing(db: Database, edits: Any, extra: bool) -> None:
    cara, pid, _ = _plan(db)
    sessions.start_session(db, cara, pid, answers=go_answers(), session_date=TODAY)
    session_id, version, rows = prefilled(db, cara, pid, today=TODAY)
    for column, value in edits:
        rows[0][column] = value
    if extra:
        rows.append(dict(rows[0]))  # a row the prescription does not have
    before = _counts(db)
    try:
        sessions.save_log(db, cara, session_id, expected_version=version, rows=rows)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew.pop("session_sets") == len(rows) and grew.pop("load_decisions") == 1
    assert grew.pop("audit_log") == 1 and grew == {}


@HOSTILE
@given(
    data=st.fixed_dictionaries(
        {
            "name": _either(st.sampled_from(["Wall squat", "Pallof press"]), TEXT),
            "body_region": _either(st.sampled_from(["lower_limb", "upper_limb", "trunk"])),
            "unilateral": _either(st.booleans()),
            "equipment": _either(st.sampled_from(["machine", "free_weight", "band", "body_weight"])),
            "load_step_kg": _either(st.sampled_from([1.0, 2.5]), NUMBER),
        }
    )
)
@example(data={"name": "Squat\x00", "body_region": "lower_limb", "unilateral": False, "equipment": "machine"})
def test_custom_exercises_are_saved_whole_or_refused(db: Database, data: Any) -> None:
    cara = _actor(db)
    before = _counts(db)
    try:
        key = exercise_library.add_custom_exercise(db, cara, data)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew == {"custom_exercises": 1, "audit_log": 1}
    saved = exercise_library.library(db)[key]
    assert _shown_as_text(saved.name)


@HOSTILE
@given(
    values=st.dictionaries(
        st.one_of(st.sampled_from(["tug.cutoff.stroke_andersson", "fga.mdc.stroke", "bbs.cutoff.older_adults"]), TEXT),
        st.one_of(NUMBER, TEXT, st.none()),
        max_size=3,
    ),
    screen=st.dictionaries(st.sampled_from(list(clinic_settings.THRESHOLD_FIELDS)), ANYTHING, max_size=3),
)
def test_clinic_settings_save_a_version_or_nothing(db: Database, values: Any, screen: Any) -> None:
    admin = _admin(db)
    for save, payload, version in (
        (clinic_settings.save_measure_overrides, values, clinic_settings.measure_settings(db).version),
        (clinic_settings.save_screen_thresholds, screen, clinic_settings.screen_thresholds(db).version),
    ):
        before = _counts(db)
        try:
            save(db, admin, payload, expected_version=version)
        except REFUSED:
            assert _counts(db) == before
            continue
        assert _grew(before, _counts(db)) == {"clinic_settings": 1, "audit_log": 1}


@HOSTILE
@given(note=_either(st.just("Tolerated well."), TEXT))
@example(note="\ud800")
@example(note="x" * 100_000)
def test_session_notes_are_saved_or_refused(db: Database, note: Any) -> None:
    cara, pid, _ = _plan(db)
    sessions.start_session(db, cara, pid, answers=go_answers(), session_date=TODAY)
    session_id, version, rows = prefilled(db, cara, pid, today=TODAY)
    sessions.save_log(db, cara, session_id, expected_version=version, rows=rows)
    before = _counts(db)
    try:
        exports.save_session_note(db, cara, session_id, note)
    except (*REFUSED, ConflictError):
        assert _counts(db) == before
        return
    assert _grew(before, _counts(db)) == {"session_notes": 1, "audit_log": 1}
    assert exports.session_note(db, cara, session_id) == note.strip()


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mrn", "measure", "taken_at", "side", "site", "value", "unit", "items", "note"])
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8", "surrogatepass")


IMPORT_ROW = st.lists(
    st.one_of(
        st.sampled_from(["P-100", "tug", "grip", "bbs", "2026-10-01 09:30", "left", "12.5", "s", "3;3;3"]),
        TEXT,
        NUMBER.map(str),
        st.just(""),
    ),
    min_size=0,
    max_size=11,
)


@HOSTILE
@given(
    content=st.one_of(
        st.lists(IMPORT_ROW, max_size=4).map(_csv),
        st.binary(max_size=300),
        st.sampled_from([b"", b"\xef\xbb\xbf", b"mrn\n", b'=HYPERLINK("x")\n', b"\x00\x00"]),
    ),
    filename=_either(st.just("assessments.csv"), TEXT),
)
@example(content=_csv([["P-100", "tug", "2026-10-01 09:30", "", "", "12.5", "s", "", "ok"]]), filename="a\x00b.csv")
@example(content=_csv([["P-100", "tug", "2026-10-01 09:30", "", "", "12.5", "s", "", "\ud800"]]), filename="x.csv")
def test_imports_write_every_row_or_nothing(db: Database, content: bytes, filename: Any) -> None:
    cara = _actor(db)
    if not hasattr(db, "_import_patient"):
        db._import_patient = new_patient(db, cara)  # type: ignore[attr-defined]  # P-100, stroke on 2026-09-01
    with contextlib.suppress(*REFUSED):
        imports.preview(db, cara, content)  # the preview may refuse, but never fails otherwise
    before = _counts(db)
    try:
        done = imports.import_assessments(db, cara, content, filename=filename if isinstance(filename, str) else "")
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew.pop("assessments", 0) == done.values_written
    assert grew.pop("audit_log", 0) == done.patients and grew == {}
