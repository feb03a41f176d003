"""The Reports & export page in Chromium at 1,440, 1,024 and 390 px with the goals and falls CSV beside the other
data exports: every button label whole, no sideways scrolling; the goals CSV is made and offered for download."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from rehab.services import goals, patients
from rehab.store import open_database
from tests.e2e.conftest import wait_for_app
from tests.e2e.page_checks import open_page, reads_at_three_widths
from tests.helpers import make_admin, patient_data

pytestmark = pytest.mark.browser


def test_data_exports_read_at_three_widths(tmp_path: Path, browser, server_factory, artifacts) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'exports.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="EB-1", event_date=date(2025, 1, 1)))
    levels = {2: "alone, carrying a tray", 1: "alone", 0: "with supervision", -1: "with one helper", -2: "cannot"}
    gas_id = goals.set_gas_goal(
        db,
        admin,
        pid,
        {"statement": "Make a hot drink", "levels": levels, "baseline": -1,
         "target_date": date.today() + timedelta(days=60)},
    )  # fmt: skip
    goals.review(db, admin, gas_id, rating=1, note="made tea alone")
    db.dispose()
    server = server_factory(url)

    page = open_page(browser, server.url, f"exports?patient={pid}", (1440, 1000), user="admin")
    page.get_by_text("Data for other systems").first.wait_for(timeout=30_000)
    reads_at_three_widths(page, artifacts, "exports")
    page.get_by_role("button", name="Goals and reviews (CSV)").click()
    wait_for_app(page)
    page.get_by_text("Download Goals and reviews (CSV)").first.wait_for(timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
    page.context.close()
