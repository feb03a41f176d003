"""Checks and pictures shared by the browser tests of widths, zoom and tables: a page that scrolls sideways, a
table that scrolls sideways inside itself, chart text cut short, a full-length screenshot, and a page opened signed
in at a width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import sign_in_as, wait_for_app
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


def full_shot(page: Any, path: Path) -> None:
    """The whole main area in one picture: Streamlit scrolls inside its main area, so the screen is made as tall
    as the page for the shot (at the same width), then put back."""
    view = page.viewport_size
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    page.set_viewport_size({"width": view["width"], "height": max(view["height"], min(int(tall), 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(view)


def open_page(browser: Any, base: str, address: str, size: tuple[int, int], user: str = "casey", scale: int = 1) -> Any:
    """A new browser context of this size, signed in as ``user``, on ``address`` once the page has run."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
    page = context.new_page()
    sign_in_as(page, base, user, PASSWORD)
    page.goto(f"{base}/{address}")
    wait_for_app(page)
    return page


# Text in a visible chart cut short with "…" (Vega shortens a title wider than its chart) or running past the chart's
# right edge, where the chart clips it (a label Vega hid to avoid overlap, at opacity 0, is not drawn): each as its text
CHART_TEXT_CUT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .filter(svg => svg.getBoundingClientRect().width > 0)
    .flatMap(svg => { const right = svg.getBoundingClientRect().right;
        return [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).opacity !== '0')
        .filter(t => t.textContent.includes('…') || t.getBoundingClientRect().right > right + 1)
        .map(t => t.textContent) })"""
