"""The caseload at three widths in a real browser (issues 13 and 15): the name, the flag labels and the next
action are on screen without the page or the table scrolling sideways, and acknowledging a flag works at tablet
width. On a wide screen the caseload is a table; beside the sidebar on a tablet and on a phone one card a patient,
whose link opens the patient's dashboard. Screenshots are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import seeded_server, sign_in_as, wait_for_app
from tests.e2e.page_checks import TABLES_SCROLLING
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844))
# The caseload's cards on screen: each one's text, whole and inside the screen
CARDS = """() => [...document.querySelectorAll('.st-key-readable_caseload_cards [data-testid="stVerticalBlock"]')]
    .filter(c => c.offsetParent !== null && c.querySelector('[data-testid="stMarkdownContainer"]'))
    .map(c => [c.innerText, c.getBoundingClientRect()])
    .filter(([t, r]) => r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1)
    .map(([t, r]) => t)"""


def test_caseload_name_flags_and_next_action_fit_and_a_flag_can_be_acknowledged(
    tmp_path: Path,
    browser,
    server_factory,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = seeded_server(tmp_path, server_factory, "widths.db")
    for width, height in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        sign_in_as(page, server.url, "casey", PASSWORD)
        page.get_by_role("heading", name="Caseload").wait_for()
        page.screenshot(path=str(artifacts / f"caseload-{width}.png"))
        sideways = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not sideways, f"the page scrolls sideways at {width} px"
        if width == 1440:
            grid = page.get_by_test_id("stDataFrame")
            grid.wait_for()
            box = grid.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, f"the table runs off screen at {width} px"
        else:
            assert page.evaluate(TABLES_SCROLLING) == [], f"a table scrolls sideways inside itself at {width} px"
            cards = page.evaluate(CARDS)
            falls = [c for c in cards if c.startswith("FALLRISK, Ada")]
            assert len(cards) == 5 and len(falls) == 1, f"at {width} px the cards on screen are {cards}"
            for shown in ("Flags: Fall risk", "Next action: Fall-risk review", "Open dashboard: FALLRISK, Ada"):
                assert shown in falls[0], f"{shown!r} is not on FALLRISK, Ada's card at {width} px: {falls[0]!r}"
        if width == 1024:
            page.get_by_role("heading", name="Acknowledge a flag").scroll_into_view_if_needed()
            page.get_by_role("textbox", name="Note").fill("Seen today; plan in place")
            page.get_by_role("button", name="Acknowledge").click()
            wait_for_app(page)
            page.get_by_text("acknowledged for").wait_for()
            page.screenshot(path=str(artifacts / "caseload-1024-acknowledged.png"))
        if width == 390:  # a card's link opens that patient's dashboard, named in the address
            page.get_by_role("link", name="Open dashboard: FALLRISK, Ada").click()
            wait_for_app(page)
            page.get_by_role("heading", name="Dashboard · FALLRISK, Ada").wait_for(timeout=15_000)
            assert "/dashboard?patient=" in page.url
            page.screenshot(path=str(artifacts / "caseload-390-card-opened.png"))
        context.close()
