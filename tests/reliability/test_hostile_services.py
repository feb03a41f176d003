"""Hostile and malformed input straight into the services, on both engines.

Whatever arrives (very long text, control characters, markup, SQL, bidi overrides, zero-width and
astral characters, lone surrogates, NaN, huge numbers, dates from year 1 to 9999, wrong types), each
call either saves a whole, valid record or raises a validation error naming the field. Never another
exception, and never a partial write: every table's row count is compared before and after.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rehab.domain import measures
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services import accounts, assessments, auth, patients
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store.schema import metadata
from tests.helpers import PASSWORD, make_admin, make_clinician, patient_data

EXAMPLES = 100
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
REFUSED = (ValidationError, ValidationErrors)
TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "**bold** _it_ `code` # heading",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "'; DROP TABLE patients; --",
    '" OR 1=1 --',
    "%_\\",
    "\u202eevil\u202c",
    "zero\u200bwidth\u200d\ufeff",
    "🙂👩🏽‍⚕️🏳️‍🌈",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "e\u0301" * 40,
    "\ud800",
    "lone \udcff surrogate",
    "line\nbreak\r\ntab\t",
    "del\x7f c1\x85 ls\u2028",
    "NaN",
    "-Infinity",
    "1e309",
    "x" * 10_000,
    "é" * 101,
]
ANY_CHAR_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)
TEXT = st.one_of(
    st.sampled_from(NASTY_TEXT),
    ANY_CHAR_TEXT,
    st.text(min_size=1, max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "🙂", "\u202e", "<", "é", " "]), st.integers(0, 6000)),
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 2**63, float("nan"), float("inf")]),
)
AWARE = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=14))]),
)
WHEN = st.one_of(
    AWARE,
    st.datetimes(),  # naive
    st.sampled_from([TAKEN_AT, datetime.now(UTC) + timedelta(days=3650)]),
    st.dates(),
    TEXT,
    NUMBER,
    st.none(),
)
DAY = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(1900, 1, 1), date.today()]),
    st.datetimes(),
    st.builds(lambda d: d.isoformat(), st.dates()),
    TEXT,
    NUMBER,
    st.none(),
)
ANYTHING = st.one_of(
    TEXT, NUMBER, DAY, st.none(), st.booleans(), st.binary(max_size=8), st.lists(NUMBER, max_size=4), st.just({})
)


def _either(valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any] = ANYTHING) -> st.SearchStrategy[Any]:
    """Mostly hostile, sometimes valid, so that saves happen too and get checked."""
    return st.one_of(valid, hostile)


PATIENT = st.fixed_dictionaries(
    {
        "mrn": _either(st.uuids().map(lambda u: u.hex[:12])),
        "given_name": _either(st.sampled_from(["Ada", "Émile", "Nguyễn", "O'Brien"]), TEXT),
        "family_name": _either(st.sampled_from(["Lovelace", "Zola", "van der Berg"]), TEXT),
        "birth_date": _either(st.just(date(1950, 3, 14)), DAY),
        "sex": _either(st.sampled_from(["female", "male", "other", "unknown"])),
        "condition": _either(st.sampled_from(["ischaemic_stroke", "orthopaedic", "tbi"])),
        "event_date": _either(st.sampled_from([date(2026, 9, 1), None]), DAY),
        "paretic_side": _either(st.sampled_from(["left", "right", "none"])),
        "notes": _either(st.just(""), TEXT),
    }
)
ENTRY_FIELDS = [
    *("value", "items", "sides", "trials", "site", "unit", "method", "rule", "side", "reps", "load_kg"),
    *("formula", "distance_m", "pace", "paretic_kg", "non_paretic_kg", "lever_arm_m"),
    *("assistance", "assistive_device", "protocol_variant"),
]
ENTRY_VALUE = st.one_of(
    ANYTHING,
    st.lists(st.one_of(NUMBER, st.integers(0, 4), st.none(), TEXT), max_size=16),
    st.dictionaries(
        st.sampled_from(["left", "right", "both", "\u202eleft"]),
        st.one_of(ANYTHING, st.lists(NUMBER, max_size=4)),
        max_size=3,
    ),
)
ENTRY = st.one_of(st.dictionaries(st.sampled_from(ENTRY_FIELDS), ENTRY_VALUE, max_size=6), ANYTHING)
MEASURE_KEY = st.one_of(st.sampled_from([m.key for m in measures.all_measures()]), TEXT)
ENTRIES = st.one_of(
    st.dictionaries(MEASURE_KEY, ENTRY, max_size=3),
    st.sampled_from([{"tug": {"value": 12.5}}, {"grip": {"sides": {"left": [10, 11]}}}, {"bbs": {"items": [3] * 14}}]),
)


def _counts(db: Database) -> dict[str, int]:
    """Rows in every table: the whole database, so a stray write anywhere shows."""

    def work(conn: Any) -> dict[str, int]:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in metadata.sorted_tables
        }

    return db.run(work, write=False)


def _shown_as_text(value: Any) -> bool:
    """Saved text must be real Unicode text: pages send it to the browser as UTF-8 (lone surrogates cannot be)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_shown_as_text(k) and _shown_as_text(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_shown_as_text(v) for v in value)
    return True


def _grew(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def _setup(db: Database) -> tuple[Actor, Actor]:
    admin = make_admin(db)
    return admin, make_clinician(db, admin, "cara")


@HOSTILE
@given(data=PATIENT, team=st.one_of(st.none(), st.lists(st.integers(-5, 2**70), max_size=3)))
@example(data=patient_data(given_name="\ud800"), team=None)
@example(data=patient_data(notes="lone \udcff surrogate"), team=None)
@example(data=patient_data(family_name="<script>alert(1)</script>", notes="[x](javascript:alert(1))"), team=None)
def test_register_saves_a_whole_record_or_refuses(db: Database, data: dict[str, Any], team: list[int] | None) -> None:
    actor = _actor(db)
    before = _counts(db)
    try:
        pid = patients.register(db, actor, data, care_team=team)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew.pop("patients") == 1 and grew.pop("audit_log") == 1 and grew.pop("care_team") >= 1
    assert grew.pop("patient_changes") == 1  # the new patient's change counter (a database trigger)
    assert grew == {}
    record = patients.open_record(db, actor, pid, audit_view=False).record
    assert _shown_as_text(vars(record))
    assert record.mrn == " ".join(str(data["mrn"]).split())
    assert isinstance(record.birth_date, date) and record.given_name.strip() == record.given_name


@HOSTILE
@given(data=PATIENT)
@example(data=patient_data(mrn="EDIT-1", given_name="a\udcffb"))
def test_update_saves_a_whole_version_or_refuses(db: Database, data: dict[str, Any]) -> None:
    actor = _actor(db)
    pid = _existing_patient(db, actor)
    version = patients.open_record(db, actor, pid, audit_view=False).record.version
    before = _counts(db)
    try:
        assert patients.update(db, actor, pid, expected_version=version, data=data) == version + 1
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew == {"patient_revisions": 1, "audit_log": 1}


@HOSTILE
@given(entries=ENTRIES, taken_at=WHEN, note=_either(st.just(""), TEXT))
@example(entries={"tug": {"value": 12.0, "assistive_device": "stick \ud800"}}, taken_at=TAKEN_AT, note="")
@example(entries={"tug": {"value": 12.0}}, taken_at=TAKEN_AT, note="\udcff")
@example(entries={"hhd": {"site": "knee\ud800", "sides": {"left": [100.0]}, "unit": "N"}}, taken_at=TAKEN_AT, note="")
@example(entries={"tug": {"value": float("nan")}}, taken_at=datetime(1, 1, 2, tzinfo=UTC), note="")
@example(entries={"tug": {"value": 1e308}}, taken_at=datetime(9999, 12, 30, tzinfo=UTC), note="")
def test_record_saves_a_whole_sitting_or_nothing(db: Database, entries: Any, taken_at: Any, note: Any) -> None:
    actor = _actor(db)
    pid = _existing_patient(db, actor)
    before = _counts(db)
    try:
        results = assessments.record(db, actor, pid, taken_at=taken_at, entries=entries, note=note)
    except REFUSED:
        assert _counts(db) == before
        return
    grew = _grew(before, _counts(db))
    assert grew == {"assessments": len(results), "audit_log": 1} and results
    assert all(math.isfinite(r.record.value) for r in results)
    assert all(_shown_as_text(vars(r.record)) for r in results), [r.record for r in results]


@HOSTILE
@given(entry=ENTRY, reason=_either(st.just("re-measured"), TEXT), taken_at=st.one_of(st.none(), WHEN))
@example(entry={"value": 11.0}, reason="typo \ud800", taken_at=None)
@example(entry={"value": float("inf")}, reason="x", taken_at=None)
def test_amend_saves_a_whole_correction_or_nothing(db: Database, entry: Any, reason: Any, taken_at: Any) -> None:
    actor = _actor(db)
    pid = _existing_patient(db, actor)
    [first] = assessments.record(db, actor, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 20.0}})
    before = _counts(db)
    try:
        result = assessments.amend(
            db, actor, first.record.id, expected_version=1, entry=entry, reason=reason, taken_at=taken_at
        )
    except REFUSED:
        assert _counts(db) == before
        assert assessments.history(db, actor, pid, measure_key="tug")[-1].status in ("final", "amended")
        return
    assert _grew(before, _counts(db)) == {"assessments": 1, "audit_log": 1}
    assert result.record.supersedes_id == first.record.id and math.isfinite(result.record.value)


@HOSTILE
@given(reason=_either(st.just("wrong patient"), TEXT))
@example(reason="\ud800")
@example(reason="a\x00b")
def test_entered_in_error_saves_or_refuses(db: Database, reason: Any) -> None:
    actor = _actor(db)
    pid = _existing_patient(db, actor)
    [first] = assessments.record(db, actor, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 20.0}})
    before = _counts(db)
    try:
        assessments.mark_entered_in_error(db, actor, first.record.id, expected_version=1, reason=reason)
    except REFUSED:
        assert _counts(db) == before
        return
    assert _grew(before, _counts(db)) == {"audit_log": 1}


ROLE = _either(st.sampled_from(["admin", "clinician"]), TEXT)


@HOSTILE
@given(username=_either(st.uuids().map(lambda u: f"u{u.hex[:10]}"), TEXT), display=TEXT, role=ROLE, password=TEXT)
@example(username="ok.name", display="Dr \ud800", role="clinician", password="a long enough secret")
@example(username="ok.name2", display="Dr\x85Who", role="clinician", password="a long enough secret")
@example(username="ok.name3", display="Dr Who", role="clinician", password="long enough \udcff secret")
def test_create_user_saves_an_account_or_refuses(
    db: Database, username: Any, display: Any, role: Any, password: Any
) -> None:
    admin = _admin(db)
    before = _counts(db)
    try:
        accounts.create_user(
            db, admin, username=username, display_name=display, role=role, password=password, confirm=password
        )
    except REFUSED:
        assert _counts(db) == before
        return
    assert _grew(before, _counts(db)) == {"users": 1, "audit_log": 1}


@HOSTILE
@given(username=_either(st.sampled_from(["cara", "CARA ", "admin"]), TEXT), password=_either(st.just(PASSWORD), TEXT))
@example(username="cara\x00", password="x")
@example(username="\ud800", password="x")
@example(username="cara", password="\ud800")
@example(username="x" * 10_000, password="y" * 100_000)
def test_sign_in_never_fails_with_an_error(db: Database, username: Any, password: Any) -> None:
    _actor(db)
    before = _counts(db)
    result = auth.sign_in(db, username, password)
    assert (result.actor is None) == bool(result.message)
    grew = _grew(before, _counts(db))
    assert set(grew) <= {"audit_log"} and 1 <= grew.get("audit_log", 0) <= 2


# --- one set of accounts and one patient per database, reused by every example -----------------------------


def _admin(db: Database) -> Actor:
    if not hasattr(db, "_hostile_admin"):
        db._hostile_admin, db._hostile_clinician = _setup(db)  # type: ignore[attr-defined]
    return db._hostile_admin  # type: ignore[attr-defined]


def _actor(db: Database) -> Actor:
    _admin(db)
    return db._hostile_clinician  # type: ignore[attr-defined]


def _existing_patient(db: Database, actor: Actor) -> int:
    if not hasattr(db, "_hostile_patient"):
        db._hostile_patient = patients.register(db, actor, patient_data(mrn="HOSTILE-1"))  # type: ignore[attr-defined]
    return db._hostile_patient  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", ["mrn", "given_name", "family_name", "notes"])
def test_text_that_cannot_be_stored_is_refused_by_name(db: Database, field: str) -> None:
    """Lone surrogates (e.g. from undecodable command-line bytes or an import) are refused like other bad text."""
    actor = _actor(db)
    data = patient_data(mrn="SURR-1")
    data[field] = "a\udcffb"
    with pytest.raises(ValidationErrors) as info:
        patients.register(db, actor, data)
    assert field in info.value.by_field()


def test_sign_in_with_a_nul_in_the_username_is_a_failed_sign_in(db: Database) -> None:
    """A crafted client can send any string; PostgreSQL refuses NUL in text, which must not become an error page."""
    _actor(db)
    result = auth.sign_in(db, "cara\x00", PASSWORD)
    assert result.actor is None and result.message
