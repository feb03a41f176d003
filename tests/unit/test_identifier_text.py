"""Identifier text (issue 14, row 10), as properties: whatever is typed, a stored MRN or name is NFKC, holds
no invisible or direction-changing character, and is exactly what was typed (after trimming spaces); anything
else is refused with a message naming the field."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain.errors import ValidationErrors
from rehab.domain.patients import validate_patient
from rehab.domain.text import identifier_problem, identity_key, invisible_character

TODAY = date(2026, 11, 23)
BASE = {
    "mrn": "AB12",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "birth_date": "1950-03-14",
    "sex": "female",
    "condition": "ischaemic_stroke",
    "event_date": date(2026, 9, 1),
    "paretic_side": "left",
}
TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(["mrn", "given_name", "family_name"]), typed=TEXT)
def test_stored_identifiers_are_clean_and_as_typed(field: str, typed: str) -> None:
    try:
        details = validate_patient(dict(BASE, **{field: typed}), today=TODAY)
    except ValidationErrors as exc:
        assert set(exc.by_field()) == {field}
        return
    stored = getattr(details, field)
    assert stored == " ".join(typed.split())
    assert unicodedata.normalize("NFKC", stored) == stored
    assert not any(unicodedata.category(ch) == "Cf" for ch in stored if ch not in "\u200c\u200d")
    assert invisible_character(stored, allow_joiners=field != "mrn") is None


@settings(max_examples=300, deadline=None)
@given(typed=TEXT)
def test_the_message_names_the_character_or_the_normalised_spelling(typed: str) -> None:
    message = identifier_problem(typed, "MRN", single_script=True, allow_joiners=False)
    if message is None:
        return
    assert message.startswith("MRN ")
    ch = invisible_character(typed)
    if ch is not None:
        assert f"U+{ord(ch):04X}" in message
    elif unicodedata.normalize("NFKC", typed) != typed:
        assert unicodedata.normalize("NFKC", typed) in message
    else:
        assert "letters of one script" in message


def test_identity_key_folds_case_and_compatibility_forms() -> None:
    assert identity_key("STRASSE-1") == identity_key("stra\u00dfe-1") == identity_key("\uff33TRASSE-1")
