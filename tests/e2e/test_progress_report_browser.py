"""The progress report in a real browser against `serve.py`: built in a report worker process, steps shown in a
status box, then downloaded as a PDF; the page read at 1,440, 1,024 and 390 px (screenshots in the artifacts).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from rehab.store import open_database
from tests.e2e.conftest import SharedClinic, wait_for_app
from tests.e2e.page_checks import open_page

pytestmark = pytest.mark.browser

# This page's wording, or the make-then-download buttons that every export has on main
BUILD = re.compile(r"^(Build progress report \(PDF\)|Progress report \(PDF\))$")
READY = re.compile(r"^Progress report (ready \(|\(PDF\) made \()")
DOWNLOAD = re.compile(r"^Download progress report", re.IGNORECASE)


def test_progress_report_is_built_with_its_steps_then_downloaded_at_every_width(
    shared_clinic: SharedClinic,
    browser,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    server = shared_clinic.server  # making a report changes no record: it only adds its audit entry
    db = open_database(server.database_url)
    pid = db.run(lambda c: c.execute(text("SELECT id FROM patients WHERE mrn = 'CL-PLATEAU'")).scalar_one())
    db.dispose()
    for width in (1440, 1024, 390):
        page = open_page(browser, server.url, f"exports?patient={pid}", (width, 1000), accept_downloads=True)
        page.get_by_role("button", name=BUILD).click()
        ready = page.get_by_text(READY)
        ready.wait_for(timeout=90_000)
        wait_for_app(page)
        assert page.get_by_test_id("stException").count() == 0
        sideways = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert sideways <= 1, f"the page scrolls sideways by {sideways} px at {width} px"
        page.screenshot(path=str(artifacts / f"progress-report-{width}.png"), full_page=True)
        if width == 1440:
            with page.expect_download(timeout=30_000) as download:
                page.get_by_role("button", name=DOWNLOAD).click()
            saved = artifacts / "progress-report.pdf"
            download.value.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF-")
        page.context.close()
