"""Reflow (WCAG 2.2 1.4.10) in a real browser: the sign-in form, caseload, dashboard, assessment, loading plan and
treatment pages at a 1,280-px window zoomed to 200 % (a 640-CSS-px viewport drawn at device scale 2, as Chromium
zooms) and at 320 CSS px (1,280 px at 400 %). No page scrolls sideways, and no control (button, field, link, tab,
choice) is cut off at either edge of the screen. A data table may scroll inside itself (1.4.10 excepts
two-dimensional content), but the caseload and the treatment page's "Recent sessions" do not: each patient or
session is a card there. The plan's load chart keeps its title, subtitle and phase names whole (nothing cut short
with "…" or drawn past the chart's edge). Screenshots are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SharedClinic, sign_in_as
from tests.e2e.page_checks import CHART_TEXT_CUT, MAIN_PAGES, SIDEWAYS, TABLES_SCROLLING, full_shot, open_main_page
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

VIEWS = (("200pc", 640, 400, 2), ("320", 320, 640, 1))  # (name, CSS px wide, CSS px high, device scale)
# Every control on screen (not inside a table's or chart's own canvas): the ones whose box leaves the viewport
CLIPPED = """() => { const bar = document.querySelector('[data-testid="stSidebar"]');
    const barShut = bar === null || bar.getBoundingClientRect().right <= 10;  // slid off screen: not there to use
    return [...document.querySelectorAll(
        'button, a[href], input, textarea, select, [role="tab"], [role="radio"], [role="checkbox"], [role="combobox"]')]
    .filter(e => e.offsetParent !== null && !e.closest('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]'))
    .filter(e => !(barShut && e.closest('[data-testid="stSidebar"]')))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1))
    .map(([e, r]) => `${e.tagName.toLowerCase()} "${(e.innerText || e.getAttribute('aria-label') || e.name || '')
        .replace(/\\s+/g, ' ').trim().slice(0, 40)}" ${Math.round(r.left)}–${Math.round(r.right)} px`) }"""


def _check(page, name: str, artifacts: Path) -> list[str]:  # type: ignore[no-untyped-def]
    found = [f"{name}: {e} scrolls sideways" for e in page.evaluate(SIDEWAYS)]
    found += [f"{name}: cut off: {c}" for c in page.evaluate(CLIPPED)]
    if name.startswith(("caseload", "treatment")):
        found += [f"{name}: a table scrolls sideways inside itself ({s})" for s in page.evaluate(TABLES_SCROLLING)]
    if name.startswith("plan"):  # the Progress tab's load chart: its title and phase names whole
        page.wait_for_selector('[data-testid="stVegaLiteChart"] svg text')
        found += [f"{name}: chart text cut short: {t!r}" for t in page.evaluate(CHART_TEXT_CUT)]
    full_shot(page, artifacts / f"{name}.png")
    return found


def test_main_pages_reflow_at_200_percent_zoom_and_320_px(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    patient = shared_clinic.ids["fine"]  # Berg 44 → 54, a leg-press plan with two sessions
    problems: list[str] = []
    for view, width, height, scale in VIEWS:
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
        page = context.new_page()
        page.goto(f"{server.url}/auth/signin")
        page.wait_for_selector("form[action='/auth/signin']")
        problems += _check(page, f"signin-{view}", artifacts)
        sign_in_as(page, server.url, "casey", PASSWORD)
        for name, address, tab in MAIN_PAGES:
            open_main_page(page, server.url, address, tab, patient)
            problems += _check(page, f"{name}-{view}", artifacts)
        context.close()
    assert not problems, "Reflow problems (WCAG 1.4.10):\n" + "\n".join(problems)
