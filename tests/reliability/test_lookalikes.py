"""Look-alike patients (issue 14, row 10): two records that draw the same on screen must not both exist.

An attacker registered ``ALICE-XSS`` and ``ALICE-XSS`` + U+200B side by side and the picker opened the wrong
one. Every way in is checked on SQLite and PostgreSQL: registering, editing, a colleague's display name, the
CSV importer, and the duplicate check. Nothing typed is silently changed: the text is refused with the
character named, or with the normalised (NFKC) spelling to type instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, imports, patients
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store import assessments as assessment_store
from rehab.store import patients as patient_store
from tests.helpers import PASSWORD, make_admin, make_clinician, patient_data
from tests.reliability.races import meet_or_pass
from tests.reliability.test_races import _race

INVISIBLE = [
    ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
    ("\u200d", "U+200D (ZERO WIDTH JOINER)"),
    ("\u200c", "U+200C (ZERO WIDTH NON-JOINER)"),
    ("\u2060", "U+2060 (WORD JOINER)"),
    ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\u00ad", "U+00AD (SOFT HYPHEN)"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2067", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    ("\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
    ("\u3164", "U+3164 (HANGUL FILLER)"),
    ("\ufe0f", "U+FE0F (VARIATION SELECTOR-16)"),
]
# (typed, what to type instead)
NOT_NFKC = [
    ("Jose\u0301", "Jos\u00e9"),  # e + combining acute: looks like é
    ("\uff21\uff2c\uff29\uff23\uff25", "ALICE"),  # full-width letters
    ("\ufb01ona", "fiona"),  # the fi ligature
]
LEGITIMATE_NAMES = [
    "Jos\u00e9",
    "O'Brien",
    "O\u2019Brien",
    "Smith-Jones",
    "M\u00fcller",
    "\u00c5sa",
    "Nguy\u1ec5n",
    "\u5f20\u4f1f",  # 张伟
    "\u0395\u03bb\u03ad\u03bd\u03b7",  # Ελένη
    "\u0418\u0432\u0430\u043d",  # Иван
    "\u05d3\u05d5\u05d3",  # דוד
    "\u0645\u0647\u0631\u200c\u0622\u0633\u0627",  # Persian Mehrāsā, with its zero-width non-joiner between letters
    "\u0928\u093f\u0924\u093f\u0928",  # नितिन
    "\u3055\u304f\u3089",  # さくら
    "\ud55c\uc9c0\ubbfc",  # 한지민
]


Clinic = tuple[Database, Actor, Actor]


@pytest.fixture
def clinic(db: Database) -> Clinic:
    admin = make_admin(db)
    return db, admin, make_clinician(db, admin, "cara")


def _refusal(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationErrors) as caught:
        call()
    return caught.value.by_field()


@pytest.mark.parametrize(("char", "named"), INVISIBLE)
def test_an_mrn_with_an_invisible_or_bidi_character_is_refused_naming_it(clinic: Clinic, char: str, named: str) -> None:
    db, admin, cara = clinic
    patients.register(db, cara, patient_data(mrn="ALICE-XSS"))
    message = _refusal(lambda: patients.register(db, cara, patient_data(mrn=f"ALICE{char}-XSS", given_name="Eve")))[
        "mrn"
    ]
    assert named in message, message
    assert [p.mrn for p in patients.search(db, admin, include_archived=True)] == ["ALICE-XSS"]


@pytest.mark.parametrize(("char", "named"), INVISIBLE)
@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_a_name_with_an_invisible_or_bidi_character_is_refused_naming_it(
    clinic: Clinic, field: str, char: str, named: str
) -> None:
    db, _, cara = clinic
    errors = _refusal(lambda: patients.register(db, cara, patient_data(**{field: f"Ad{char}a"})))
    assert named in errors[field], errors


@pytest.mark.parametrize(("typed", "normal"), NOT_NFKC)
@pytest.mark.parametrize("field", ["mrn", "family_name"])
def test_text_not_in_nfkc_is_refused_with_the_spelling_to_type(
    clinic: Clinic, field: str, typed: str, normal: str
) -> None:
    db, admin, cara = clinic
    errors = _refusal(lambda: patients.register(db, cara, patient_data(**{field: typed})))
    assert "NFKC" in errors[field] and f"\u201c{normal}\u201d" in errors[field], errors
    assert patients.search(db, admin, include_archived=True) == []  # nothing stored, nothing silently normalised


def test_an_mrn_mixing_latin_and_cyrillic_look_alikes_is_refused(clinic: Clinic) -> None:
    db, _, cara = clinic
    message = _refusal(lambda: patients.register(db, cara, patient_data(mrn="AL\u0406CE-XSS")))["mrn"]
    assert "Latin and Cyrillic" in message and "U+0406" in message, message


@pytest.mark.parametrize("name", LEGITIMATE_NAMES)
def test_real_names_in_any_script_are_stored_exactly_as_typed(clinic: Clinic, name: str) -> None:
    db, admin, cara = clinic
    pid = patients.register(db, cara, patient_data(given_name=name, family_name=name))
    record = patients.open_record(db, admin, pid, audit_view=False).record
    assert (record.given_name, record.family_name) == (name, name)
    from rehab.domain.text import identifier_problem  # imported here so the other tests run on older code

    assert identifier_problem(name, "Name") is None


def test_editing_into_a_look_alike_is_refused(clinic: Clinic) -> None:
    db, admin, cara = clinic
    pid = patients.register(db, cara, patient_data(mrn="ALICE-XSS"))
    errors = _refusal(
        lambda: patients.update(
            db, cara, pid, expected_version=1, data=patient_data(mrn="ALICE-XSS", family_name="Love\u202elace")
        )
    )
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in errors["family_name"]
    assert patients.open_record(db, admin, pid, audit_view=False).record.version == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("STRASSE-1", "stra\u00dfe-1"),  # ß case-folds to ss
        ("stra\u00dfe-2", "STRASSE-2"),
        ("\u039f\u0394\u039f\u03a3-3", "\u03bf\u03b4\u03bf\u03c2-3"),  # ΟΔΟΣ and οδος: final sigma folds to σ
    ],
)
def test_an_mrn_equal_after_nfkc_and_casefold_is_a_duplicate(clinic: Clinic, first: str, second: str) -> None:
    db, admin, cara = clinic
    patients.register(db, cara, patient_data(mrn=first))
    errors = _refusal(lambda: patients.register(db, cara, patient_data(mrn=second, given_name="Eve")))
    assert "already used" in errors["mrn"], errors
    assert [p.mrn for p in patients.search(db, admin, include_archived=True)] == [first]


def _legacy_patient(db: Database, actor: Actor, mrn: str) -> int:
    """A record saved before these checks existed (straight into the store, as an old version did)."""
    details = patient_data(mrn=mrn)

    def work(conn):  # type: ignore[no-untyped-def]
        now = datetime.now(UTC)
        pid = patient_store.add(conn, details, search_key=mrn.casefold(), user_id=actor.user_id, now=now)
        patient_store.set_team(conn, pid, {actor.user_id}, now=now)
        return pid

    return db.run(work)


def test_a_new_mrn_that_only_looks_different_from_a_stored_one_is_a_duplicate(clinic: Clinic) -> None:
    """A full-width MRN kept from before: the same MRN typed normally is the same patient, not a new one."""
    db, _, cara = clinic
    _legacy_patient(db, cara, "\uff2d\uff32\uff2e\uff17")  # ＭＲＮ７
    errors = _refusal(lambda: patients.register(db, cara, patient_data(mrn="mrn7")))
    assert "already used" in errors["mrn"], errors


def test_the_importer_refuses_a_look_alike_mrn_naming_the_character(clinic: Clinic) -> None:
    """A stored look-alike (from before the checks) cannot be reached by a file either: the row is refused
    with the character named instead of being written to whichever record matches byte for byte."""
    db, _, cara = clinic
    patients.register(db, cara, patient_data(mrn="ALICE-XSS"))
    twin = _legacy_patient(db, cara, "ALICE-XSS\u200b")
    data = "mrn,measure,taken_at,value\r\nALICE-XSS\u200b,tug,2026-10-01 09:30,14.2\r\n".encode()
    preview = imports.preview(db, cara, data)
    assert [(p.row, p.column) for p in preview.problems] == [(2, "mrn")]
    assert "U+200B (ZERO WIDTH SPACE)" in preview.problems[0].message
    with pytest.raises(ValidationErrors):
        imports.import_assessments(db, cara, data)
    assert db.run(lambda c: assessment_store.for_patient(c, twin), write=False) == []


def test_a_colleague_display_name_with_an_invisible_character_is_refused(clinic: Clinic) -> None:
    db, admin, _ = clinic
    errors = _refusal(
        lambda: accounts.create_user(
            db,
            admin,
            username="cara2",
            display_name="Cara\u200b",
            role="clinician",
            password=PASSWORD,
            confirm=PASSWORD,
        )
    )
    assert "U+200B (ZERO WIDTH SPACE)" in errors["display_name"], errors


def test_mrns_equal_after_casefold_registered_at_once_make_one_record(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique index compares lower(mrn), which keeps "STRASSE-1" and "straße-1" apart; registered at the
    same moment on PostgreSQL both passed the duplicate check. A lock on the MRN's identity key, taken
    before the check, makes the second wait and be refused."""
    admin = make_admin(db)
    cara, dev = make_clinician(db, admin, "cara"), make_clinician(db, admin, "dev")
    meet_or_pass(monkeypatch, db, patient_store, "add")
    outcomes = _race(
        [
            lambda: patients.register(db, cara, patient_data(mrn="STRASSE-1", given_name="Carla")),
            lambda: patients.register(db, dev, patient_data(mrn="stra\u00dfe-1", given_name="Devi")),
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    [refused] = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(refused, ValidationErrors) and "already used" in refused.by_field()["mrn"], repr(refused)
    assert len(patients.search(db, admin, include_archived=True)) == 1
