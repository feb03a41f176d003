"""Clinic settings → Reports in Chromium at 1,440, 1,024 and 390 px: the letterhead form reads without sideways
scrolling, and an unknown time zone is refused at its field with nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.services import accounts, patients
from rehab.services import report_settings as reports
from rehab.store import open_database
from tests.e2e.conftest import sign_in_as, wait_for_app
from tests.helpers import PASSWORD, make_admin, patient_data

pytestmark = pytest.mark.browser


def test_reports_settings_read_at_three_widths(tmp_path: Path, browser, server_factory, artifacts) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    db = open_database(url)
    make_admin(db)
    db.dispose()
    server = server_factory(url)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in_as(page, server.url, "admin", PASSWORD)
    page.goto(f"{server.url}/settings")
    wait_for_app(page)
    page.get_by_role("tab", name="Reports").click()
    page.locator('input[aria-label="Clinic name"]').fill("Northfield Neuro-Rehabilitation Centre")
    page.locator('input[aria-label="Time zone (IANA name)"]').fill("Europe/Londn")
    page.get_by_role("button", name="Save report settings").click()
    page.get_by_text("is not a known IANA time zone").first.wait_for(timeout=30_000)
    db = open_database(url)
    assert reports.report_settings(db).version == 0
    db.dispose()
    for width in (1440, 1024, 390):
        page.set_viewport_size({"width": width, "height": 1000})
        wait_for_app(page)
        page.screenshot(path=str(artifacts / f"settings-reports-{width}.png"), full_page=True)
        main = page.get_by_test_id("stMain")
        assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), f"the page scrolls sideways at {width}"
    assert page.get_by_test_id("stException").count() == 0
    context.close()


def test_a_clinician_records_their_registration_on_the_reports_page(
    tmp_path: Path, browser, server_factory, artifacts
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'registration.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="REG-1"))
    db.dispose()
    server = server_factory(url)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in_as(page, server.url, "admin", PASSWORD)
    page.goto(f"{server.url}/exports?patient={pid}")
    wait_for_app(page)
    page.get_by_text("Your registration on reports: not recorded").first.click()
    page.locator('input[aria-label="Professional registration"]').fill("HCPC PH123456")
    page.locator('input[aria-label="Job title"]').fill("Specialist neurological physiotherapist")
    page.get_by_role("button", name="Save registration").click()
    page.get_by_text("Your registration on reports: HCPC PH123456").first.wait_for(timeout=30_000)
    db = open_database(url)
    assert accounts.own_account(db, admin).registration == "HCPC PH123456"
    db.dispose()
    page.get_by_text("Your registration on reports: HCPC PH123456").first.click()
    for width in (1440, 1024, 390):
        page.set_viewport_size({"width": width, "height": 1000})
        wait_for_app(page)
        page.screenshot(path=str(artifacts / f"exports-registration-{width}.png"), full_page=True)
        main = page.get_by_test_id("stMain")
        assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), f"the page scrolls sideways at {width}"
    assert page.get_by_test_id("stException").count() == 0
    context.close()
