"""WCAG 2.2 AA in a real browser (issue 15): axe-core on the sign-in form, caseload, dashboard, assessment, loading
plan and treatment pages at 1,440, 1,024 and 390 px, light theme, and the chart pages in the dark theme too. A
serious or critical violation fails unless tests/e2e/axe_allowlist.json lists it as Streamlit's own markup; no
page may scroll sideways. Screenshots and axe's findings are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.axe_check import audit, failures
from tests.e2e.conftest import SharedClinic, sign_in_as
from tests.e2e.page_checks import MAIN_PAGES, SIDEWAYS, full_shot, open_main_page
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844))
# Heading levels in reading order: h1 first, and never more than one level deeper than the heading before.
HEADINGS = """() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6,'
    + '[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')].filter(h => h.offsetParent !== null)
    .map(h => Number(h.tagName[1]))"""


def _heading_skips(levels: list[int]) -> list[str]:
    previous = 0
    skips = []
    for level in levels:
        if level > previous + 1:
            skips.append(f"h{previous} → h{level}" if previous else f"starts at h{level}")
        previous = level
    return skips


def _check(page, name: str, artifacts: Path) -> str:  # type: ignore[no-untyped-def]
    """Screenshot, sideways check and axe for the page as it is now; the problems found, as text."""
    full_shot(page, artifacts / f"{name}.png")
    found = failures(audit(page, artifacts / f"axe-{name}.json"))
    found += "".join(f"\n{name}: {e} scrolls sideways" for e in page.evaluate(SIDEWAYS))
    skips = _heading_skips(page.evaluate(HEADINGS))
    if skips:
        found += f"\nheading levels skip: {', '.join(skips)}"
    return f"--- {name}\n{found}" if found else ""


def test_pages_meet_wcag_aa_and_fit_three_widths(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    patient = shared_clinic.ids["fine"]  # Berg 44 → 54, a leg-press plan with two sessions
    problems: list[str] = []
    for width, height in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{server.url}/auth/signin")
        page.wait_for_selector("form[action='/auth/signin']")
        problems.append(_check(page, f"signin-{width}", artifacts))
        sign_in_as(page, server.url, "casey", PASSWORD)
        for name, address, tab in MAIN_PAGES:
            open_main_page(page, server.url, address, tab, patient)
            problems.append(_check(page, f"{name}-{width}", artifacts))
        context.close()
    dark = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme="dark")
    page = dark.new_page()
    sign_in_as(page, server.url, "casey", PASSWORD)
    for name, address, tab in MAIN_PAGES[1:4:2]:  # dashboard and plan: captions and charts
        open_main_page(page, server.url, address, tab, patient)
        problems.append(_check(page, f"{name}-dark", artifacts))
    dark.close()
    report = "\n".join(p for p in problems if p)
    assert not report, "axe-core (WCAG 2.2 AA) or layout problems:\n" + report
