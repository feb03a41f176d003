"""The dashboard's load-plan chart in a real browser: every legend entry ("Prescribed load", "Performed load",
"Estimated 1RM") is drawn whole inside its chart at 1,440, 1,024 and 390 px. At 1,024 px the legend stood side by
side under a half-width panel and "Performed load" was cut to "Performec". Screenshots are kept in the test
artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab.charts import SERIES
from tests.e2e.conftest import SharedClinic
from tests.e2e.page_checks import open_page

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844))
# Each legend label of the chart that names the load series: its text and whether it is drawn inside the chart
LEGEND = """(names) => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(c => [...c.querySelectorAll('.role-legend-label text')].some(t => names.includes(t.textContent)))
    .flatMap(c => { const box = c.querySelector('svg.marks').getBoundingClientRect();
        return [...c.querySelectorAll('.role-legend-label text')].map(t => { const r = t.getBoundingClientRect();
            return [t.textContent, r.left >= box.left - 1 && r.right <= box.right + 1] }) })"""

SHOW_LEGEND = """(names) => [...document.querySelectorAll('.role-legend-label text')]
    .find(t => names.includes(t.textContent))?.closest('[data-testid="stVegaLiteChart"]')
    ?.scrollIntoView({block: 'center'})"""


def test_the_load_chart_legend_is_whole_at_three_widths(
    shared_clinic: SharedClinic,
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = shared_clinic.server
    patient = shared_clinic.ids["fine"]  # a leg-press plan: prescribed, performed and the baseline 1RM
    problems: list[str] = []
    for width, height in WIDTHS:
        page = open_page(browser, server.url, f"dashboard?patient={patient}", (width, height))
        heading = page.get_by_role("heading", name="Load plan")
        heading.scroll_into_view_if_needed()
        page.wait_for_function(f"() => ({LEGEND})({list(SERIES)}).length > 0", timeout=30_000)
        labels = page.evaluate(LEGEND, list(SERIES))
        page.evaluate(SHOW_LEGEND, list(SERIES))
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / f"dashboard-load-{width}.png"))
        shown = sorted({text for text, _ in labels})  # the layers' legends are drawn one over another
        if shown != sorted(SERIES):
            problems.append(f"{width} px: the legend reads {shown}, not every series whole")
        cut = {text for text, inside in labels if not inside}
        problems += [f"{width} px: {text!r} runs past the chart's edge" for text in sorted(cut)]
        page.context.close()
    assert not problems, "\n".join(problems)
