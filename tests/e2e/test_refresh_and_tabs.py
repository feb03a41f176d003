"""In Chromium: a refresh, a bookmark and a second tab keep the clinician signed in on the same page and patient;
sign-out ends every tab; another browser without the cookie gets nothing (issue 14 row 4, issue 15 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.services import patients
from rehab.store import open_database
from tests.e2e.conftest import fill_sign_in_form, wait_for_app
from tests.helpers import PASSWORD, make_admin, patient_data

pytestmark = pytest.mark.browser


def _heading(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stHeading").first.inner_text().strip()


def test_refresh_bookmark_second_tab_and_sign_out_everywhere(
    tmp_path: Path, browser, server_factory, artifacts
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'tabs.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="TAB-1", given_name="Rosalind", family_name="Franklin"))
    other = patients.register(db, admin, patient_data(mrn="TAB-2", given_name="Marie", family_name="Curie"))
    db.dispose()
    server = server_factory(url)

    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    # A bookmarked patient page: sign in, and land on it.
    page.goto(f"{server.url}/dashboard?patient={pid}")
    for width in (1440, 1024, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"sign-in-form-{width}.png"))
    page.set_viewport_size({"width": 1024, "height": 900})
    fill_sign_in_form(page, "admin", PASSWORD)
    wait_for_app(page)
    assert "FRANKLIN, Rosalind" in _heading(page)
    assert page.url.endswith(f"/dashboard?patient={pid}")
    # The session cookie is out of reach of page scripts.
    assert "rehab_session" not in page.evaluate("document.cookie")
    cookie = next(c for c in context.cookies() if c["name"] == "rehab_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"

    # F5: still signed in, same page, same patient, and no dialog in the way.
    page.reload()
    wait_for_app(page)
    assert "FRANKLIN, Rosalind" in _heading(page)
    assert page.get_by_role("dialog").count() == 0

    # A second tab on another patient's plan: signed in, that patient.
    second = context.new_page()
    second.goto(f"{server.url}/plan?patient={other}")
    wait_for_app(second)
    assert "CURIE, Marie" in _heading(second)
    # Moving to another patient page keeps the patient in the address.
    second.get_by_role("link", name="Dashboard").first.click()
    wait_for_app(second)
    assert "CURIE, Marie" in _heading(second)
    assert second.url.endswith(f"?patient={other}"), second.url

    # Another browser (no cookie) following the same link gets the sign-in form and nothing of the patient.
    stranger = browser.new_context().new_page()
    stranger.goto(f"{server.url}/dashboard?patient={pid}")
    assert "/auth/signin" in stranger.url and "Franklin" not in stranger.inner_text("body")

    # Sign out in the first tab: the second tab is signed out at its next step, and a refresh asks to sign in.
    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    assert page.get_by_text("You have signed out.").is_visible()
    page.screenshot(path=str(artifacts / "signed-out.png"))
    second.get_by_role("link", name="Patient record").first.click()
    wait_for_app(second)
    assert "CURIE" not in second.inner_text("[data-testid='stMain']")
    second.reload()
    second.wait_for_selector("form[action='/auth/signin']")
    context.close()
