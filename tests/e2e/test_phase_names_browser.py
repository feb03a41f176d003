"""The load chart in a real browser: the names written over its phases never run into each other, at 1,440, 1,024,
390 and 320 px. On a phone a short phase is only a few dozen pixels wide: in a 24-week plan "Early (neural) phase"
was written over "Strength phase" at 390 px. A name that would run into the next is left out (the phase's shading
and tooltip still say which it is). Checked on a page drawing that plan's chart alone and on the loading plan's
Progress tab. Screenshots are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SharedClinic, start_server, stop_server
from tests.e2e.page_checks import CHARTS_DRAWN, open_page, open_tab

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844), (320, 640))
# The text marks drawn over each visible chart (not its axes, legend or title): text and box on screen
NAMES = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .filter(svg => svg.getBoundingClientRect().width > 0)
    .map(svg => [...svg.querySelectorAll('.mark-text text')]
        .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0' && t.textContent)
        .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right, r.top, r.bottom] }))"""


def _overlaps(names: list[list[object]]) -> list[str]:
    found = []
    for n, (text, left, right, top, bottom) in enumerate(names):
        for other, o_left, o_right, o_top, o_bottom in names[n + 1 :]:
            if left < o_right - 1 and o_left < right - 1 and top < o_bottom - 1 and o_top < bottom - 1:  # type: ignore[operator]
                found.append(f"{text!r} runs into {other!r}")
    return found


def test_phase_names_never_run_into_each_other(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    patient = shared_clinic.ids["fine"]  # a leg-press plan: familiarisation, early (neural) and strength phases
    problems: list[str] = []
    named = 0
    for width, height in WIDTHS:
        page = open_page(browser, server.url, f"plan?patient={patient}", (width, height))
        open_tab(page, "Progress")
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        page.wait_for_selector('[data-testid="stVegaLiteChart"] .mark-text text')
        charts = page.evaluate(NAMES)
        page.screenshot(path=str(artifacts / f"plan-phase-names-{width}.png"))
        named += sum(len(c) for c in charts)
        problems += [f"{width} px: {p}" for chart in charts for p in _overlaps(chart)]
        page.context.close()
    assert named > 0, "no phase was named at any width"
    assert not problems, "\n".join(problems)


def test_a_short_phases_name_is_left_out_rather_than_written_over_the_next(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = start_server(shared_clinic.server.database_url, artifacts / "phase-names-page.log",
                          Path(__file__).with_name("phase_names_page.py"))  # fmt: skip
    problems: list[str] = []
    shown: dict[int, list[str]] = {}
    try:
        for width, height in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(server.url)
            page.wait_for_selector('[data-testid="stVegaLiteChart"] .mark-text text', timeout=30_000)
            [chart] = page.evaluate(NAMES)
            page.screenshot(path=str(artifacts / f"phase-names-{width}.png"))
            shown[width] = [text for text, *_ in chart]
            problems += [f"{width} px: {p}" for p in _overlaps(chart)]
            page.close()
    finally:
        stop_server(server)
    assert not problems, "\n".join(problems)
    assert "Strength phase" in shown[320] and "Neural phase (weeks 1–8)" in shown[320]  # still named on a phone
