"""Narrow screens and the Patients list in a real browser (issue 15): below 900 px the sidebar closes after a
page is chosen and the dashboard's chart grid is one column; a patient's row on the Patients list opens the
record. Screenshots are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SharedClinic, sign_in_as, wait_for_app
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

SIDEBAR_OPEN = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
    return s !== null && s.getAttribute('aria-expanded') !== 'false' && s.getBoundingClientRect().right > 10 }"""
COLUMN_LEFTS = """() => [...document.querySelectorAll('[class*="st-key-grid_"] [data-testid="stColumn"]')]
    .map(c => Math.round(c.getBoundingClientRect().left))"""


def _open_sidebar(page) -> None:  # type: ignore[no-untyped-def]
    if not page.evaluate(SIDEBAR_OPEN):
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function(SIDEBAR_OPEN)


def test_narrow_screens_close_the_sidebar_and_stack_the_charts_and_a_patient_row_opens_the_record(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    patient = shared_clinic.ids["fine"]
    for width in (390, 820):
        context = browser.new_context(viewport={"width": width, "height": 1000})
        page = context.new_page()
        sign_in_as(page, server.url, "casey", PASSWORD)
        _open_sidebar(page)
        page.screenshot(path=str(artifacts / f"sidebar-open-{width}.png"))
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Dashboard").click()
        wait_for_app(page)
        page.wait_for_function(f"() => !({SIDEBAR_OPEN})()", timeout=10_000)
        page.goto(f"{server.url}/dashboard?patient={patient}")
        wait_for_app(page)
        page.get_by_role("heading", name="Balance", level=2).scroll_into_view_if_needed()
        lefts = page.evaluate(COLUMN_LEFTS)
        assert lefts and len(set(lefts)) == 1, f"the chart grid has columns side by side at {width} px: {lefts}"
        page.screenshot(path=str(artifacts / f"dashboard-charts-{width}.png"))
        context.close()
    # Wide: the sidebar stays (Streamlit's own behaviour) and the charts stand two by two.
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    sign_in_as(page, server.url, "casey", PASSWORD)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Patients").click()
    wait_for_app(page)
    assert page.evaluate(SIDEBAR_OPEN)
    grid = page.get_by_test_id("stDataFrame")
    grid.wait_for()
    page.screenshot(path=str(artifacts / "patients-1440.png"))
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # the first row's selection box, under the header
    wait_for_app(page)
    page.get_by_role("heading", name="FALLRISK, Ada").wait_for(timeout=15_000)
    assert "/patient?patient=" in page.url
    page.screenshot(path=str(artifacts / "patient-opened-from-row.png"))
    context.close()
