"""Pages fed hostile text: a field message or a save, never a crash; and user text is shown as text.

Streamlit renders Markdown (not raw HTML) in titles, captions, alerts, metric labels and st.markdown.
A name like ``**bold**`` or ``[x](javascript:alert(1))`` must arrive there escaped, so that it shows as
typed; only st.text, dataframes and widget values carry text verbatim.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from rehab.services import accounts, assessments, auth, patients
from rehab.services.context import Actor
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.helpers import PASSWORD, make_admin, patient_data

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
BOLD = "**bold**"
FORMULA = '=HYPERLINK("http://x")'
MARKUP = [SCRIPT, LINK, BOLD, FORMULA]
ADVERSARIAL = [
    SCRIPT,
    LINK,
    BOLD,
    FORMULA,
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE patients; --",
    "\u202eevil\u202c",
    "zero\u200bwidth",
    "🙂👩🏽‍⚕️",
    "a\x00b",
    "tab\tand\x7fdel",
    "x" * 5000,
    "   ",
    "$x^2$ :red[red] :material/delete:",
]


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer, sidebar included."""
    bodies: list[str] = []
    for group in (at.title, at.header, at.subheader, at.markdown, at.caption, at.error, at.warning, at.info):
        bodies += [e.value for e in group]
    bodies += [e.value for e in at.success] + [e.value for e in at.toast]
    bodies += [m.label for m in at.metric]
    bodies += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return [str(b) for b in bodies]


def assert_shown_as_text(at: AppTest, *payloads: str) -> None:
    leaked = [
        (payload, body) for body in markdown_bodies(at) for payload in payloads if payload.lower() in body.lower()
    ]
    assert leaked == [], f"user text reached Markdown unescaped: {leaked}"


def _fill(at: AppTest, *, mrn: str, given: str, family: str, notes: str) -> AppTest:
    at.text_input(key="new_mrn").input(mrn)
    at.text_input(key="new_given").input(given)
    at.text_input(key="new_family").input(family)
    at.date_input(key="new_birth").set_value(date(1948, 12, 9))
    at.selectbox(key="new_sex").set_value("female")
    at.selectbox(key="new_condition").set_value("haemorrhagic_stroke")
    at.date_input(key="new_event").set_value(date(2026, 10, 2))
    at.selectbox(key="new_side").set_value("right")
    at.text_area(key="new_notes").input(notes)
    at.button(key="FormSubmitter:register_patient-Register patient").click()
    return at.run()


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[f"text{i}" for i in range(len(ADVERSARIAL))])
def test_registration_page_saves_or_explains_never_crashes(app_db: Database, text: str) -> None:
    admin = make_admin(app_db)
    at = goto(signed_in_app(admin.user_id).run(), "register")
    at = _fill(at, mrn=text[:32], given=text, family=f"Family {text}", notes=f"Note: {text}")
    assert_no_crash(at)
    saved = patients.search(app_db, admin, include_archived=True)
    if saved:
        assert [t.value for t in at.title] != ["Register a patient"]  # moved on to the new record
        assert saved[0].notes == f"Note: {text}".strip()
    else:
        assert any("Nothing was saved" in e.value for e in at.error), [e.value for e in at.error]
    assert_shown_as_text(at, *MARKUP)


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[f"text{i}" for i in range(len(ADVERSARIAL))])
def test_assessment_page_saves_or_explains_never_crashes(app_db: Database, text: str) -> None:
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data())
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "assess")
    at.selectbox(key="as_measure").set_value("one_rm").run()
    at.text_input(key="as0_one_rm_site").input(text[:64])
    at.text_input(key="as0_one_rm_tested").input("60")
    at.text_input(key="as0_one_rm_device").input(text)
    at.text_input(key="as0_one_rm_variant").input(text)
    at.text_area(key="as0_note").input(text)
    at.button(key="as_save").click().run()
    assert_no_crash(at)
    saved = assessments.history(app_db, admin, pid)
    if not saved:
        assert any("Nothing was saved" in e.value for e in at.error), [e.value for e in at.error]
    assert_shown_as_text(at, *MARKUP)


def _clinician_with_markup_name(db: Database) -> Actor:
    admin = make_admin(db)
    accounts.create_user(
        db,
        admin,
        username="mallory",
        display_name=f"Dr {BOLD} {LINK}",
        role="clinician",
        password=PASSWORD,
        confirm=PASSWORD,
    )
    actor = auth.sign_in(db, "mallory", PASSWORD).actor
    assert actor is not None
    return actor


def test_names_and_notes_with_markup_are_shown_as_typed_on_every_page(app_db: Database) -> None:
    """A patient (and a clinician) whose names carry HTML, Markdown links, bold and a spreadsheet formula."""
    mallory = _clinician_with_markup_name(app_db)
    notes = f"{SCRIPT}\n{LINK}\n{BOLD}\n{FORMULA}"
    pid = patients.register(
        app_db, mallory, patient_data(mrn="XSS-1", given_name=f"{BOLD} {FORMULA}", family_name=f"{SCRIPT}", notes=notes)
    )
    [result] = assessments.record(
        app_db,
        mallory,
        pid,
        taken_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
        entries={"hhd": {"site": f"{BOLD} {LINK}", "sides": {"left": [100.0]}, "unit": "N"}},
        note=notes,
    )
    pages = {}
    at = signed_in_app(mallory.user_id).run()
    pages["caseload"] = at  # the landing page
    assert list(at.dataframe[0].value["Patient"]) == [f"{SCRIPT.upper()}, {BOLD} {FORMULA}"]
    at = goto(at, "patients")
    pages["patients"] = at
    table = at.dataframe[0].value
    assert list(table["Name"]) == [f"{SCRIPT.upper()}, {BOLD} {FORMULA}"]  # the table carries the text verbatim
    at.session_state["_rehab_patient_id"] = pid
    pages["patient"] = goto(at, "patient")
    assert notes in [t.value for t in pages["patient"].text]  # notes are shown with st.text
    at.session_state["_rehab_last_assessment"] = (pid, [result.record.id])
    pages["assess"] = goto(at, "assess")  # the result panel, as straight after saving
    pages["plan"] = goto(at, "plan")
    pages["treatment"] = goto(at, "treatment")
    pages["dashboard"] = goto(at, "dashboard")
    pages["exports"] = goto(at, "exports")
    for name, page in pages.items():
        assert_no_crash(page)
        try:
            assert_shown_as_text(page, *MARKUP)
        except AssertionError as exc:
            raise AssertionError(f"page {name}: {exc}") from None


def test_a_conflict_message_names_the_other_clinician_as_text(app_db: Database) -> None:
    mallory = _clinician_with_markup_name(app_db)
    admin_actor = auth.sign_in(app_db, "admin", PASSWORD).actor
    assert admin_actor is not None
    pid = patients.register(app_db, mallory, patient_data(), care_team=[mallory.user_id, admin_actor.user_id])
    at = signed_in_app(admin_actor.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "patient")
    patients.update(app_db, mallory, pid, expected_version=1, data=patient_data(notes="saved first"))
    at.text_input(key=f"edit_{pid}_1_given").input("Augusta")
    at.button(key=f"FormSubmitter:edit_patient_{pid}-Save changes").click().run()
    assert_no_crash(at)
    assert any("after you opened it" in e.value for e in at.error)
    assert_shown_as_text(at, *MARKUP)


def test_a_field_message_that_repeats_what_was_typed_shows_it_as_text(app_db: Database) -> None:
    """The duplicate-MRN message quotes the MRN as typed, so it must reach the page escaped."""
    admin = make_admin(app_db)
    patients.register(app_db, admin, patient_data(mrn="[X](javascript:1)"))
    at = goto(signed_in_app(admin.user_id).run(), "register")
    at = _fill(at, mrn="[x](javascript:1)", given="Grace", family="Hopper", notes="")
    assert_no_crash(at)
    assert any("already used" in e.value for e in at.error), [e.value for e in at.error]
    assert_shown_as_text(at, "[x](javascript:1)")
