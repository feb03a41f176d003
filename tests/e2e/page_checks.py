"""Checks and pictures shared by the browser tests of widths, zoom and tables: a page that scrolls sideways, a
table that scrolls sideways inside itself, chart text cut short, a full-length screenshot, a page opened signed in
at a width, a tab opened, and one page read at the three widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import fill_sign_in_form, wait_for_app
from tests.helpers import PASSWORD

# The page, its body or Streamlit's main area wider inside than on screen: what scrolls sideways
SIDEWAYS = """() => [document.documentElement, document.body, document.querySelector('[data-testid="stMain"]')]
    .filter(e => e !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.tagName + ' ' + (e.dataset.testid || ''))"""
# Each visible table's own scroller: wider inside than its box means the table scrolls sideways in itself
TABLES_SCROLLING = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .filter(t => t.offsetParent !== null)
    .map(t => t.querySelector('.dvn-scroller'))
    .filter(s => s !== null && s.scrollWidth > s.clientWidth + 1)
    .map(s => `${s.scrollWidth} > ${s.clientWidth}`)"""
# Every running transition or animation that ends (a focus ring, a tab's underline, a tooltip fading in), ended.
# Reading the page's animations applies any pending style change first, so one only just begun is waited for too.
SETTLED = """() => Promise.all(document.getAnimations()
    .filter(a => a.playState === 'running' && Number.isFinite(a.effect?.getComputedTiming().endTime))
    .map(a => a.finished.catch(() => null)))"""
# Two animation frames: the layout and paint that follow a change of the screen's size have happened
FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Desktop, tablet and phone, as the width tests read a page
THREE_WIDTHS = (1440, 1024, 390)
# The main pages of a clinic day for the accessibility and reflow tests: (name, address, tab to open); the caseload
# is the default page, served at "/"
MAIN_PAGES = (("caseload", "", ""), ("dashboard", "dashboard", ""), ("assess", "assess", ""),
              ("plan", "plan", "Progress"), ("treatment", "treatment", ""))  # fmt: skip
# Every chart on screen has been drawn by Vega
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(c => c.offsetParent !== null).every(c => c.querySelector('svg.marks, canvas.marks'))"""


def full_shot(page: Any, path: Path) -> None:
    """The whole main area in one picture: Streamlit scrolls inside its main area, so the screen is made as tall
    as the page for the shot (at the same width), then put back."""
    view = page.viewport_size
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    resize(page, view["width"], max(view["height"], min(int(tall), 8000)))
    page.screenshot(path=str(path))
    resize(page, view["width"], view["height"])


def resize(page: Any, width: int, height: int) -> None:
    """Make the screen this size and wait until the page has laid itself out again: two animation frames (the
    browser's layout and Streamlit's own response to the resize), then any transition that began (a sidebar
    sliding shut on a narrow screen). Streamlit does not run the page again for a new size; CSS alone reflows it."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(FRAMES)
    page.evaluate(SETTLED)


# The sign-in cookie of each (server, user) once signed in, for the next page opened: a browser context of another
# size starts signed in as a second tab would, without running the caseload it would land on first
_SIGNED_IN: dict[tuple[str, str], list[Any]] = {}


def open_page(
    browser: Any, base: str, address: str, size: tuple[int, int], user: str = "casey", scale: int = 1, **options: Any
) -> Any:
    """A new browser context of this size (and Playwright's context ``options``), signed in as ``user``, on
    ``address`` once the page has run. The first time (or once that sign-in has ended) the address leads to the
    sign-in form, which is filled and brings the browser back to the address; after that the context starts with
    the sign-in cookie."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale, **options)
    context.add_cookies(_SIGNED_IN.get((base, user), []))
    page = context.new_page()
    page.goto(f"{base}/{address}")
    if "/auth/signin" in page.url:
        fill_sign_in_form(page, user, PASSWORD)
        _SIGNED_IN[(base, user)] = context.cookies()
    wait_for_app(page)
    return page


def open_tab(page: Any, name: str) -> None:
    """Click the tab and wait until it is the selected one and its underline has finished moving."""
    page.get_by_role("tab", name=name).click()
    page.get_by_role("tab", name=name, selected=True).wait_for()
    page.evaluate(SETTLED)


def reads_at_three_widths(page: Any, artifacts: Path, name: str) -> None:
    """The page as it stands, at 1,440, 1,024 and 390 px (1,000 high): a full-page picture at each width (kept as
    ``{name}-{width}.png``), the main area never scrolls sideways, and no error is shown."""
    for width in THREE_WIDTHS:
        resize(page, width, 1000)
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
        main = page.get_by_test_id("stMain")
        assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), f"{name}: the page scrolls sideways at {width}"
    assert page.get_by_test_id("stException").count() == 0


def open_main_page(page: Any, base: str, address: str, tab: str, patient: int) -> None:
    """One of MAIN_PAGES for the patient, run, its tab (if any) open and every chart on screen drawn."""
    page.goto(f"{base}/{address}?patient={patient}" if address else f"{base}/")
    wait_for_app(page)
    if tab:
        open_tab(page, tab)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)


# Text in a visible chart cut short with "…" (Vega shortens a title wider than its chart) or running past the chart's
# right edge, where the chart clips it (a label Vega hid to avoid overlap, at opacity 0, is not drawn): each as its text
CHART_TEXT_CUT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .filter(svg => svg.getBoundingClientRect().width > 0)
    .flatMap(svg => { const right = svg.getBoundingClientRect().right;
        return [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).opacity !== '0')
        .filter(t => t.textContent.includes('…') || t.getBoundingClientRect().right > right + 1)
        .map(t => t.textContent) })"""
