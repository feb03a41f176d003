"""Patient and account validation: clear messages naming the field, and never any other error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.accounts import LockoutPolicy, check_new_password, clean_username
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.domain.patients import age_on, validate_patient

TODAY = date(2026, 11, 23)
GOOD = {
    "mrn": " AB 12 ",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "birth_date": "1950-03-14",
    "sex": "female",
    "condition": "ischaemic_stroke",
    "event_date": date(2026, 9, 1),
    "paretic_side": "left",
}


def test_valid_patient_is_normalised() -> None:
    details = validate_patient(GOOD, today=TODAY)
    assert details.mrn == "AB 12"
    assert details.birth_date == date(1950, 3, 14)
    assert details.search_key == "ab 12 ada lovelace"


def test_event_date_required_for_stroke_but_not_deconditioning() -> None:
    with pytest.raises(ValidationErrors) as info:
        validate_patient(dict(GOOD, event_date=None), today=TODAY)
    assert info.value.by_field() == {"event_date": "Event date is required."}
    assert validate_patient(dict(GOOD, event_date=None, condition="deconditioning"), today=TODAY).event_date is None


def test_birth_today_is_allowed_and_tomorrow_is_not() -> None:
    assert validate_patient(dict(GOOD, birth_date=TODAY, event_date=TODAY), today=TODAY).birth_date == TODAY
    with pytest.raises(ValidationErrors) as info:
        validate_patient(
            dict(GOOD, birth_date=TODAY + timedelta(days=1), event_date=None, condition="orthopaedic"), today=TODAY
        )
    assert info.value.by_field() == {"birth_date": "Date of birth cannot be in the future."}


def test_age_on_birthday_boundary() -> None:
    assert age_on(date(1950, 3, 14), date(2026, 3, 13)) == 75
    assert age_on(date(1950, 3, 14), date(2026, 3, 14)) == 76


FIELDS = ["mrn", "given_name", "family_name", "birth_date", "sex", "condition", "event_date", "paretic_side", "notes"]
garbage = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(),
    st.sampled_from(["\x00", "a\x07b", "<script>alert(1)</script>", "'; DROP TABLE patients;--", "\u202e", "💪" * 50]),
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=garbage)
def test_any_field_value_validates_or_names_the_field(field: str, value: object) -> None:
    data = dict(GOOD, **{field: value})
    try:
        details = validate_patient(data, today=TODAY)
    except ValidationErrors as exc:
        assert exc.errors, "an empty error list would save nothing and say nothing"
        for err in exc.errors:
            assert err.field in FIELDS and err.message
        return
    # Accepted values are stored cleanly.
    assert details.birth_date <= TODAY
    assert all(ord(ch) >= 32 for ch in details.mrn + details.given_name + details.family_name)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=100), st.integers(), st.binary(max_size=10)))
def test_username_rules_never_crash(value: object) -> None:
    try:
        name = clean_username(value)
    except ValidationError as exc:
        assert exc.field == "username"
        return
    assert name == name.strip().lower() and 2 <= len(name) <= 64


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=300), st.integers()))
def test_password_rules_never_crash(value: object) -> None:
    try:
        check_new_password(value)
    except ValidationError as exc:
        assert exc.field == "password"


def test_lockout_policy_counts_to_five() -> None:
    policy = LockoutPolicy(attempts=5, minutes=15)
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    count, until = 0, None
    for _ in range(4):
        count, until = policy.after_failure(count, now)
        assert until is None
    count, until = policy.after_failure(count, now)
    assert until == datetime(2026, 1, 1, 12, 15, tzinfo=UTC)
    assert policy.is_locked(until, now + timedelta(minutes=14, seconds=59))
    assert not policy.is_locked(until, now + timedelta(minutes=15))
