"""The caseload at three widths in a real browser (issues 13 and 15): the name, the flag labels and the next
action are on screen without the page scrolling sideways, and acknowledging a flag works at tablet width.
Screenshots are kept in the test artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import seeded_server, sign_in_as, wait_for_app
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (390, 844))


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
        grid = page.get_by_test_id("stDataFrame")
        grid.wait_for()
        page.screenshot(path=str(artifacts / f"caseload-{width}.png"))
        sideways = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not sideways, f"the page scrolls sideways at {width} px"
        box = grid.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, f"the table runs off screen at {width} px"
        if width == 1024:
            page.get_by_role("heading", name="Acknowledge a flag").scroll_into_view_if_needed()
            page.get_by_role("textbox", name="Note").fill("Seen today; plan in place")
            page.get_by_role("button", name="Acknowledge").click()
            wait_for_app(page)
            page.get_by_text("acknowledged for").wait_for()
            page.screenshot(path=str(artifacts / "caseload-1024-acknowledged.png"))
        context.close()
