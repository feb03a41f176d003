"""Clinic settings → Reports in Chromium at 1,440, 1,024 and 390 px: the letterhead form reads without sideways
scrolling, and an unknown time zone is refused at its field with nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.services import accounts, patients
from rehab.services import report_settings as reports
from rehab.store import open_database
from tests.e2e.page_checks import open_page, reads_at_three_widths
from tests.helpers import make_admin, patient_data

pytestmark = pytest.mark.browser


def test_reports_settings_read_at_three_widths(tmp_path: Path, browser, server_factory, artifacts) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    db = open_database(url)
    make_admin(db)
    db.dispose()
    server = server_factory(url)
    page = open_page(browser, server.url, "settings", (1440, 1000), user="admin")
    page.get_by_role("tab", name="Reports").click()
    page.locator('input[aria-label="Clinic name"]').fill("Northfield Neuro-Rehabilitation Centre")
    page.locator('input[aria-label="Time zone (IANA name)"]').fill("Europe/Londn")
    page.get_by_role("button", name="Save report settings").click()
    page.get_by_text("is not a known IANA time zone").first.wait_for(timeout=30_000)
    db = open_database(url)
    assert reports.report_settings(db).version == 0
    db.dispose()
    reads_at_three_widths(page, artifacts, "settings-reports")
    page.context.close()


def test_a_clinician_records_their_registration_on_the_reports_page(
    tmp_path: Path, browser, server_factory, artifacts
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'registration.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="REG-1"))
    db.dispose()
    server = server_factory(url)
    page = open_page(browser, server.url, f"exports?patient={pid}", (1440, 1000), user="admin")
    page.get_by_text("Your registration on reports: not recorded").first.click()
    page.locator('input[aria-label="Professional registration"]').fill("HCPC PH123456")
    page.locator('input[aria-label="Job title"]').fill("Specialist neurological physiotherapist")
    page.get_by_role("button", name="Save registration").click()
    page.get_by_text("Your registration on reports: HCPC PH123456").first.wait_for(timeout=30_000)
    db = open_database(url)
    assert accounts.own_account(db, admin).registration == "HCPC PH123456"
    db.dispose()
    page.get_by_text("Your registration on reports: HCPC PH123456").first.click()
    reads_at_three_widths(page, artifacts, "exports-registration")
    page.context.close()
