"""Markup in patient names and notes, in a real browser: shown as typed, never run, never a link."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.services import patients
from rehab.store import open_database
from tests.e2e.conftest import sign_in_as, wait_for_app
from tests.helpers import PASSWORD, make_admin, patient_data

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
BOLD = "**bold**"
FORMULA = '=HYPERLINK("http://x")'
IMAGE = "<img src=x onerror=alert(2)>"

# Everything a page could have made of the user's text, found in the live DOM.
DOM_PROBE = r"""() => ({
  scripts: Array.from(document.querySelectorAll('script'))
    .map(s => (s.textContent || '') + ' ' + (s.src || ''))
    .filter(t => t.includes('alert(')),
  jsLinks: Array.from(document.querySelectorAll('[href],[src],[action],[formaction]'))
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
              || e.getAttribute('formaction') || '')
    .filter(v => v.trim().toLowerCase().startsWith('javascript:')),
  handlers: Array.from(document.querySelectorAll('[onerror],[onload],[onclick]')).length,
  userImages: Array.from(document.querySelectorAll('img')).filter(i => i.getAttribute('src') === 'x').length,
  userLinks: Array.from(document.querySelectorAll('a[href]'))
    .map(a => a.getAttribute('href')).filter(h => /^https?:\/\/x\/?$/i.test(h)),
  boldFromUser: Array.from(document.querySelectorAll('strong, b'))
    .map(b => b.textContent).filter(t => /bold/i.test(t)),
  html: document.documentElement.outerHTML,
})"""


def test_markup_in_names_and_notes_is_inert_in_the_browser(
    tmp_path: Path,
    browser,  # type: ignore[no-untyped-def]
    server_factory,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    db = open_database(url)
    admin = make_admin(db)
    notes = "\n".join([SCRIPT, LINK, BOLD, FORMULA, IMAGE])
    patients.register(
        db,
        admin,
        patient_data(mrn="XSS-1", given_name=f"{BOLD} {FORMULA}", family_name=f"{SCRIPT} {IMAGE}", notes=notes),
    )
    db.dispose()
    server = server_factory(url)

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in_as(page, server.url, "admin", PASSWORD)
    page.get_by_role("textbox", name="Search by name or MRN").fill("xss-1")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.screenshot(path=str(artifacts / "patients-list.png"), full_page=True)
    page.get_by_role("button", name="Open record").click()
    wait_for_app(page)
    page.get_by_test_id("stHeading").first.wait_for(timeout=15_000)
    page.screenshot(path=str(artifacts / "record-with-markup.png"), full_page=True)

    found = page.evaluate(DOM_PROBE)
    assert dialogs == []
    assert found["scripts"] == [], found["scripts"]
    assert found["jsLinks"] == [], found["jsLinks"]
    assert found["handlers"] == 0 and found["userImages"] == 0
    assert "<script>alert(1)" not in found["html"].lower()  # text nodes are serialised escaped; elements are not
    # What the clinician sees is what was typed: the notes and the record's heading, characters and all.
    body = page.inner_text("body")
    for line in notes.splitlines():
        assert line in body, line
    heading = page.get_by_test_id("stHeading").first.inner_text()
    assert f"{SCRIPT.upper()} {IMAGE.upper()}, {BOLD} {FORMULA}" in heading, heading
    assert found["boldFromUser"] == [] and found["userLinks"] == [], (found["boldFromUser"], found["userLinks"])
    context.close()
