"""Hostile entry through the pages (issue 15): what is typed is saved exactly as typed, or nothing is saved and
a message at the field says what is wrong and what is allowed. Never a silent change.

The examples first (each one issue 15 found), then a property test for every assessment form and for the
patient register and edit forms.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rehab.domain import measures
from rehab.services import assessments, patients
from rehab.store import Database
from rehab.store.assessments import AssessmentRecord
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.helpers import make_admin, patient_data

NOTHING_SAVED = "Nothing was saved"
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _assess(db: Database, measure: str) -> tuple[Any, int, AppTest]:
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())  # female, born 1950, left paretic, stroke 2026-09-01
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "assess")
    at.selectbox(key="as_measure").set_value(measure).run()
    return admin, pid, at


def _nonce(at: AppTest) -> int:
    return int(at.session_state["_rehab_assess_entry"])


def _save(at: AppTest) -> AppTest:
    return at.button(key="as_save").click().run()


def _messages(at: AppTest) -> list[str]:
    """Every error and warning shown, with Markdown escapes removed (user text is escaped before display)."""
    return [str(e.value).replace("\\", "") for e in (*at.error, *at.warning)]


def _field_messages(at: AppTest) -> list[str]:
    return [m for m in _messages(at) if NOTHING_SAVED not in m]


# --- what issue 15 found ----------------------------------------------------------------------------------------


def test_a_negative_grip_trial_is_refused_at_its_field_not_dropped(app_db: Database) -> None:
    admin, pid, at = _assess(app_db, "grip")
    for i, typed in enumerate(["20", "-3", "22"]):
        at.text_input(key=f"as0_grip_left_{i}").input(typed)
    at = _save(at)
    assert_no_crash(at)
    assert assessments.history(app_db, admin, pid) == []  # not "mean of 2 trials"
    assert any("Left (paretic) trial 2: must be at least 0 kg" in m for m in _field_messages(at)), _messages(at)
    assert any(NOTHING_SAVED in m for m in _messages(at))


@pytest.mark.parametrize("typed", ["abc", "12,5", "1e3", "٣"])
def test_letters_in_a_number_field_are_refused_not_emptied(app_db: Database, typed: str) -> None:
    admin, pid, at = _assess(app_db, "tug")
    at.text_input(key="as0_tug_value").input(typed)
    at = _save(at)
    assert assessments.history(app_db, admin, pid) == []
    assert any("Result: must be a number" in m for m in _field_messages(at)), _messages(at)
    assert at.text_input(key="as0_tug_value").value == typed  # still shown as typed, to correct


def test_a_negative_time_says_what_is_allowed(app_db: Database) -> None:
    admin, pid, at = _assess(app_db, "tug")
    at.text_input(key="as0_tug_value").input("-5")
    at = _save(at)
    assert assessments.history(app_db, admin, pid) == []
    assert any("Result: must be more than 0 s" in m for m in _field_messages(at)), _messages(at)


def test_unscored_berg_items_are_named_with_what_they_may_score(app_db: Database) -> None:
    admin, pid, at = _assess(app_db, "bbs")
    for number in range(1, 13):
        at.segmented_control(key=f"as0_bbs_item_{number}").set_value(4)
    at = _save(at)
    assert assessments.history(app_db, admin, pid) == []
    assert any("score each item 0–4; items 13 and 14 are not scored yet" in m for m in _field_messages(at)), _messages(
        at
    )
    assert not any("must be a number" in m for m in _messages(at))


def test_a_tug_of_900_s_needs_yes_this_is_right_then_is_saved_as_typed(app_db: Database) -> None:
    admin, pid, at = _assess(app_db, "tug")
    at.text_input(key="as0_tug_value").input("900")
    at = _save(at)
    assert assessments.history(app_db, admin, pid) == []
    # Asked beside the field, with the range and its source (TUG ≤ 120 s: 4 × Podsiadlo's > 30 s [R31])
    assert any("900 s is outside the plausible range ≤ 120 s" in m and "Podsiadlo" in m for m in _messages(at))
    [yes] = [c for c in at.checkbox if str(c.key).startswith("as0_ok_")]
    assert at.text_input(key="as0_tug_value").value == "900"  # the typed value is kept for the second save
    yes.check()
    at = _save(at)
    assert_no_crash(at)
    [saved] = assessments.history(app_db, admin, pid)
    assert saved.value == 900.0 and "Confirmed as typed" in (saved.plausibility_confirmed or "")
    assert at.metric[0].value == "900 s"
    assert any("Confirmed as typed" in m.value for m in at.markdown)  # in the result panel
    # The history shows the confirmation with the value.
    at = goto(at, "patient")
    table = at.dataframe[-1].value
    assert list(table["Checked"]) == ["confirmed as typed"]
    assert any("900 s is outside the plausible range" in m.value for m in at.markdown)


def test_a_future_assessment_date_is_refused_and_kept_as_typed(app_db: Database) -> None:
    admin, pid, at = _assess(app_db, "tug")
    future = date.today() + timedelta(days=2)
    at.date_input(key="as_date").set_value(future)
    at.text_input(key="as0_tug_value").input("14")
    at = _save(at)
    assert assessments.history(app_db, admin, pid) == []
    assert any("cannot be in the future" in m for m in _messages(at)), _messages(at)
    assert at.date_input(key="as_date").value == future  # never replaced by today


def test_berg_items_are_in_the_entry_form_so_a_click_does_not_rerun_the_page(app_db: Database) -> None:
    """A widget inside st.form sends nothing to the server until the form is submitted (reference streamlit.md):
    all 14 Berg items and the Save button share one form, so scoring the grid costs one run, at Save."""
    _, _, at = _assess(app_db, "bbs")
    items = [w for w in at.segmented_control if str(w.key).startswith("as0_bbs_item_")]
    save = at.button(key="as_save")
    assert len(items) == 14
    assert save.form_id and {w.form_id for w in items} == {save.form_id}
    # Anchors and their source on each item: item 8's as the reference quotes them (NINDS CDE "reach forward"
    # [R23]); items 11 and 14 from their NINDS CDE elements C14703 and C17394 (Berg et al. 1989), read by hand.
    assert "25 cm (10 in)" in (items[7].help or "") and "NINDS CDE" in (items[7].help or "")
    assert "4: able to turn 360 degrees safely in 4 seconds or less" in (items[10].help or "")
    assert "C14703" in (items[10].help or "")
    assert "2: able to lift leg independently and hold ≥ 3 seconds" in (items[13].help or "")
    # Item 1 has no published anchors in either source: it says so and shows only the general ones.
    assert "gives this item's own published descriptions" in (items[0].help or "")
    assert "0: unable / needs help" in (items[0].help or "")


def test_measure_help_lists_only_this_patients_population(app_db: Database) -> None:
    """Stroke 2026-09-01, assessed today: a stroke patient; the older-adult Berg < 45 (no stroke) is not listed."""
    _, _, at = _assess(app_db, "bbs")
    [heading] = [h for h in at.header if h.value == "Berg Balance Scale"]
    text = heading.proto.help
    assert "Figures for this patient: ischaemic stroke" in text
    assert "Matsumoto 2024" in text  # stroke fall-risk cut-offs
    assert "< 45" not in text and "figure(s) derived in other populations are not listed" in text


# --- property tests: every assessment form -------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
NUMBER_TEXT = st.one_of(
    st.just(""),
    st.integers(-50, 1500).map(str),
    st.decimals(min_value=-50, max_value=1500, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["abc", "12,5", "1e3", "−3", "nan", "inf", "+4", ".5", "5.", " 7 ", "0x10", "٣", "1_000", "--1"]),
    st.text(max_size=6),
)
SITE_TEXT = st.one_of(st.sampled_from(["knee extension", "leg press", ""]), st.text(max_size=20))


def _typed_number(text: str) -> float | None:
    """What the test reads as a number typed: digits with an optional point and sign, spaces around ignored."""
    cleaned = text.strip()
    return float(cleaned) if _NUMBER.fullmatch(cleaned) else None


def _stored_numbers(records: list[AssessmentRecord]) -> list[float]:
    out: list[float] = []
    for r in records:
        out += [r.value, *(r.trials or []), *(r.items or [])]
        for v in r.context.values():
            if isinstance(v, int | float) and not isinstance(v, bool):
                out.append(float(v))
            elif isinstance(v, list):
                out += [float(x) for x in v if isinstance(x, int | float)]
    return out


def _fill(at: AppTest, key: str, data: st.DataObject) -> tuple[list[float], list[object]]:
    """Type into every field of one measure; returns the numbers typed and the item scores chosen."""
    prefix = f"as{_nonce(at)}_{key}_"
    typed: list[float] = []
    for box in [t for t in at.text_input if str(t.key).startswith(prefix)]:
        name = str(box.key)
        if name.endswith(("_device", "_variant")):
            continue
        if name.endswith("_site"):
            box.input(data.draw(SITE_TEXT))
            continue
        text = data.draw(NUMBER_TEXT)
        box.input(text)
        number = _typed_number(text)
        if number is not None:
            typed.append(number)
    chosen: list[object] = []
    for seg in [s for s in at.segmented_control if str(s.key).startswith(prefix)]:
        number = int(str(seg.key).rsplit("_", 1)[1])
        item = measures.get(key).items[number - 1]
        score = data.draw(st.one_of(st.none(), st.sampled_from([int(c) for c in item.choices])))
        seg.set_value(score)
        chosen.append(score)
    for box in [s for s in at.selectbox if str(s.key).startswith(prefix)]:
        if not str(box.key).endswith(("_unit", "_assist", "_formula")):  # units stay SI, so typed = stored
            box.select_index(data.draw(st.integers(0, len(box.options) - 1)))
    if key == "one_rm":
        at.radio(key=f"{prefix}method").set_value(data.draw(st.sampled_from(["tested", "estimated"])))
    return typed, chosen


def _confirm_all(at: AppTest) -> AppTest:
    boxes = [c for c in at.checkbox if "_ok_" in str(c.key)]
    for box in boxes:
        box.check()
    return _save(at) if boxes else at


ALL_KEYS = sorted(m.key for m in measures.all_measures())


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_assessment_form_saves_as_typed_or_nothing_with_a_field_message(app_db: Database, key: str) -> None:
    admin, pid, at = _assess(app_db, key)

    @EXAMPLES
    @given(data=st.data())
    def entry(data: st.DataObject) -> None:
        nonlocal at
        before = len(assessments.history(app_db, admin, pid))
        typed, chosen = _fill(at, key, data)
        at = _save(at)
        assert_no_crash(at)
        if len(assessments.history(app_db, admin, pid)) == before:
            at = _confirm_all(at)  # only questions about implausible values: "yes, this is right"
        rows = assessments.history(app_db, admin, pid)
        new = rows[: len(rows) - before]
        if not new:
            assert _field_messages(at), f"nothing saved and no field message for {key}"
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            return
        stored = _stored_numbers(new)
        for number in typed:  # every number typed is stored exactly: none dropped, clamped or rounded
            assert any(math.isclose(number, s, rel_tol=0, abs_tol=0) or number == s for s in stored), (
                key,
                number,
                stored,
            )
        if chosen and key != "arat":
            assert new[0].items == [float(c) for c in chosen]  # type: ignore[arg-type]
        elif chosen:  # ARAT: items left empty are credited by Lyle's shortcut; every chosen score is kept
            assert all(c is None or float(c) == s for c, s in zip(chosen, new[0].items or [], strict=True))  # type: ignore[arg-type]

    entry()


# --- property tests: the patient register and edit forms ---------------------------------------------------------

GOOD_NAME = st.sampled_from(["Ann", "O'Neil", "  Ann  Marie ", "José", "Nguyễn", "Smith-Jones"])
NAME_TEXT = st.one_of(GOOD_NAME, GOOD_NAME, GOOD_NAME, st.just(""), st.text(max_size=24))
GOOD_MRN_SHAPE = re.compile(r"[A-Z]{2,4}-?[0-9]{1,6}")
GOOD_MRN = st.from_regex(r"[A-Z]{2,4}-?[0-9]{1,6}", fullmatch=True)
MRN_TEXT = st.one_of(GOOD_MRN, GOOD_MRN, GOOD_MRN, st.just(""), st.text(max_size=12))
ANY_DATE = st.dates(min_value=date(1890, 1, 1), max_value=date.today() + timedelta(days=400))
BIRTH = st.one_of(*[st.dates(date(1925, 1, 1), date(2005, 12, 31))] * 3, ANY_DATE, st.none())
GOOD_NOTES = st.sampled_from(["", "Lives alone.\nStairs at home: 12.", "  <b>bold</b> & **not** markdown  "])
NOTES_TEXT = st.one_of(GOOD_NOTES, GOOD_NOTES, GOOD_NOTES, st.text(max_size=40))
EVENT = st.one_of(*[st.dates(date(2020, 1, 1), date.today())] * 3, ANY_DATE, st.none())


def _normalised(text: str) -> str:
    """One-line names are stored with surrounding spaces trimmed and runs of spaces made one (documented in
    rehab.domain.patients); every other character is kept."""
    return " ".join(text.split())


def _fill_patient(at: AppTest, prefix: str, data: st.DataObject, serial: int) -> dict[str, Any]:
    """Half the examples draw only well-formed values (so saves are exercised), half anything at all."""
    clean = data.draw(st.booleans())
    mrn = data.draw(GOOD_MRN if clean else MRN_TEXT)
    typed = {
        "mrn": f"{mrn}{serial}" if mrn and GOOD_MRN_SHAPE.fullmatch(mrn) else mrn,  # unique, or hostile as drawn
        "given_name": data.draw(GOOD_NAME if clean else NAME_TEXT),
        "family_name": data.draw(GOOD_NAME if clean else NAME_TEXT),
        "birth_date": data.draw(st.dates(date(1925, 1, 1), date(2005, 12, 31)) if clean else BIRTH),
        "event_date": data.draw(st.dates(date(2020, 1, 1), date.today()) if clean else EVENT),
        "notes": data.draw(GOOD_NOTES if clean else NOTES_TEXT),
    }
    at.text_input(key=f"{prefix}_mrn").input(typed["mrn"])
    at.text_input(key=f"{prefix}_given").input(typed["given_name"])
    at.text_input(key=f"{prefix}_family").input(typed["family_name"])
    at.date_input(key=f"{prefix}_birth").set_value(typed["birth_date"])
    at.date_input(key=f"{prefix}_event").set_value(typed["event_date"])
    at.selectbox(key=f"{prefix}_sex").set_value(data.draw(st.sampled_from(["female", "male"])))
    at.selectbox(key=f"{prefix}_condition").set_value(data.draw(st.sampled_from(["ischaemic_stroke", "orthopaedic"])))
    at.selectbox(key=f"{prefix}_side").set_value(data.draw(st.sampled_from(["left", "right"])))
    at.text_area(key=f"{prefix}_notes").input(typed["notes"])
    return typed


def _saved_as_typed(record: Any, typed: dict[str, Any]) -> None:
    assert record.mrn == _normalised(typed["mrn"])
    assert record.given_name == _normalised(typed["given_name"])
    assert record.family_name == _normalised(typed["family_name"])
    assert record.birth_date == typed["birth_date"]
    assert record.event_date == typed["event_date"]
    assert record.notes == typed["notes"].strip()


def test_the_register_form_saves_as_typed_or_nothing_with_a_field_message(app_db: Database) -> None:
    admin = make_admin(app_db)

    @EXAMPLES
    @given(data=st.data())
    def entry(data: st.DataObject) -> None:
        at = goto(signed_in_app(admin.user_id).run(), "register")
        before = {p.id for p in patients.search(app_db, admin, include_archived=True)}
        typed = _fill_patient(at, "new", data, len(before))
        at.button(key="FormSubmitter:register_patient-Register patient").click()
        at = at.run()
        assert_no_crash(at)
        new = [p for p in patients.search(app_db, admin, include_archived=True) if p.id not in before]
        if not new:
            assert _field_messages(at) or len(at.error) > 1, _messages(at)
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            return
        _saved_as_typed(patients.open_record(app_db, admin, new[0].id, audit_view=False).record, typed)

    entry()


def test_the_edit_form_saves_as_typed_or_nothing_with_a_field_message(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data())

    @EXAMPLES
    @given(data=st.data())
    def entry(data: st.DataObject) -> None:
        at = signed_in_app(admin.user_id)
        at.session_state["_rehab_patient_id"] = pid
        at = goto(at.run(), "patient")
        before = patients.open_record(app_db, admin, pid, audit_view=False).record
        prefix = f"edit_{pid}_{before.version}"
        typed = _fill_patient(at, prefix, data, before.version)
        at.button(key=f"FormSubmitter:edit_patient_{pid}-Save changes").click()
        at = at.run()
        assert_no_crash(at)
        after = patients.open_record(app_db, admin, pid, audit_view=False).record
        if after.version == before.version:
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            assert after == before
            return
        _saved_as_typed(after, typed)

    entry()


def test_measure_help_for_a_patient_without_a_stroke_lists_no_stroke_figures(app_db: Database) -> None:
    """An orthopaedic patient born 1950 (76): the stroke TUG figures (Alghadir 2018 MDC, Matsumoto 2024 cut-offs)
    are not listed; the older-adult CDC STEADI TUG ≥ 12 s (adults 65 and over without a stroke) is."""
    admin = make_admin(app_db)
    pid = patients.register(
        app_db, admin, patient_data(mrn="ORTHO-9", condition="orthopaedic", event_date=None, paretic_side="right")
    )
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "assess")
    at.selectbox(key="as_measure").set_value("tug").run()
    [heading] = [h for h in at.header if h.value == "Timed Up and Go"]
    text = heading.proto.help
    assert "Figures for this patient: orthopaedic" in text
    assert "CDC STEADI" in text
    assert "Alghadir" not in text and "Matsumoto" not in text


def test_an_amendment_outside_the_plausible_range_is_asked_about_then_saved_as_typed(app_db: Database) -> None:
    """Single-leg stance 45 s: PhenX times up to 30 s (LOINC 64388-2 [R62]), so the correction is questioned."""
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data())
    [first] = assessments.record(
        app_db, admin, pid, taken_at=datetime(2026, 10, 1, 9, tzinfo=UTC), entries={"sls": {"sides": {"left": [12]}}}
    )
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "patient")
    ref = first.record.id
    at.text_input(key=f"fix_{ref}_left_0").input("45")
    at.text_input(key=f"fix_reason_{ref}").input("stopwatch misread")
    at = at.button(key=f"fix_save_{ref}").click().run()
    assert [r.value for r in assessments.history(app_db, admin, pid)] == [12.0]
    assert any("45 s is outside the plausible range ≤ 30 s" in m for m in _messages(at)), _messages(at)
    [yes] = [c for c in at.checkbox if str(c.key).startswith(f"fix_ok_{ref}")]
    yes.check()
    at = at.button(key=f"fix_save_{ref}").click().run()
    assert_no_crash(at)
    rows = assessments.history(app_db, admin, pid)
    assert [(r.value, r.status) for r in rows] == [(45.0, "final"), (12.0, "amended")]
    assert "Confirmed as typed" in (rows[0].plausibility_confirmed or "")
