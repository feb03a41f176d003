"""The caseload and dashboard in a real browser: open a patient from the caseload and see the charts drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SharedClinic, sign_in_as, wait_for_app
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_open_a_patient_from_the_caseload_and_the_dashboard_charts_render(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in_as(page, server.url, "casey", PASSWORD)
    page.get_by_role("link", name="Caseload").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Caseload").wait_for()
    assert page.get_by_test_id("stDataFrame").count() == 1
    page.screenshot(path=str(artifacts / "caseload.png"))
    page.get_by_role("button", name="Open dashboard").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Dashboard").first.wait_for()
    # every chart element holds a drawn Vega view with a non-zero size
    page.wait_for_function(
        """() => {
            const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
            return charts.length >= 1 && charts.every(c => {
                const view = c.querySelector('svg.marks, canvas.marks');
                return view && view.getBoundingClientRect().width > 100 && view.getBoundingClientRect().height > 100;
            });
        }""",
        timeout=30_000,
    )
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    # The key figures, waited for as a clinician waits: once (in a fresh-clone run on a loaded machine) none were
    # in the page the moment the charts were drawn, which could not be made to happen again; the screenshot above
    # shows what the page held then.
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 2", timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
    # Each chart's data table is drawn only once asked for: none is in the page until "Show data" is opened,
    # here from the keyboard as a screen-reader user would, and then its rows are a real table.
    assert page.locator("table").count() == 0
    show_data = page.locator("summary", has_text="Show data:").first
    show_data.focus()
    page.keyboard.press("Enter")
    page.locator("table").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.locator("table").count() == 1 and page.locator("table tbody tr").count() >= 1
    assert page.get_by_test_id("stException").count() == 0
    context.close()


@pytest.mark.parametrize("width", [1024, 390])
def test_the_dashboard_charts_fit_a_tablet_and_a_phone(
    width: int,
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    """Each chart is drawn inside the screen's width: nothing is cut off, the page never scrolls sideways
    (at 390 px a two-panel section used to be 952 px wide, issue 15)."""
    server = shared_clinic.server
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in_as(page, server.url, "casey", PASSWORD)
    if page.get_by_test_id("stExpandSidebarButton").count():
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("link", name="Caseload").click()
    wait_for_app(page)
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count() and collapse.first.is_visible():  # a phone's sidebar covers the page until closed
        collapse.first.click()
    page.get_by_role("button", name="Open dashboard").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Dashboard").first.wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].length >= 1 &&
                 [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(
                     c => c.querySelector('svg.marks, canvas.marks'))""",
        timeout=30_000,
    )
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks,'
                                               + '[data-testid="stVegaLiteChart"] canvas.marks')]
                 .map(v => v.getBoundingClientRect().right)
                 .filter(right => right > window.innerWidth + 1).length"""
    )
    assert overflow == 0, f"{overflow} chart(s) run past the {width} px screen"
    main = page.locator("[data-testid='stMain']")
    assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), "the page scrolls sideways"
    page.screenshot(path=str(artifacts / f"dashboard-{width}.png"))
    context.close()
