"""The sets grid on a laptop, a tablet in landscape and portrait, and a phone (issue 15, item 3).

One exercise at a time; reps, effort and pain within the screen's width without the page scrolling
sideways; touch targets at least 44 px high; and a refused cell (pain 15) is said at its set, then corrected
and saved, on the phone. Screenshots are kept in the test artifacts.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_for_app
from tests.e2e.page_checks import open_page

pytestmark = pytest.mark.browser

WIDTHS = ((1440, 900), (1024, 768), (768, 1024), (390, 844))
TOUCH_PX = 44
CELLS = ("Reps", "Load (kg)", "Effort 0–10", "Pain during", "Pain after")


def _open_session(tmp_path: Path) -> tuple[str, int]:
    """A clinic with one patient whose plan (leg press, hip abduction with a band, seated row) is in week 3,
    with a session screened and waiting for its sets."""
    from rehab.services import plans, sessions
    from rehab.store import open_database
    from tests.helpers import make_admin
    from tests.plan_helpers import go_answers, measured_1rm, new_patient

    url = f"sqlite:///{tmp_path / 'grid.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="GRID-1")
    baselines = [
        measured_1rm("leg_press", 100),
        measured_1rm("hip_abduction", 5, "paretic"),
        measured_1rm("seated_row", 40),
    ]
    today = date.today()
    plans.create_plan(db, admin, pid, baselines=baselines, start_date=today - timedelta(days=15))
    sessions.start_session(db, admin, pid, answers=go_answers(), session_date=today)
    db.dispose()
    return url, pid


def _visible_cells(page, label: str):  # type: ignore[no-untyped-def]
    return [c for c in page.get_by_label(label, exact=True).all() if c.is_visible()]


def test_the_sets_grid_fits_each_width_one_exercise_at_a_time(
    tmp_path: Path,
    browser,
    server_factory,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    url, pid = _open_session(tmp_path)
    server = server_factory(url)
    for width, height in WIDTHS:
        page = open_page(
            browser, server.url, f"treatment?patient={pid}", (width, height), "admin", has_touch=width < 1440
        )
        collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
        if width < 1024 and collapse.count() and collapse.first.is_visible():
            collapse.first.click()
        page.get_by_role("tab", name="Leg press").wait_for()
        page.get_by_role("heading", name="Log the session").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(artifacts / f"sets-grid-{width}.png"))

        sideways = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not sideways, f"the page scrolls sideways at {width} px"
        # one exercise at a time: the leg press's sets are on screen, the seated row's are not
        reps = _visible_cells(page, "Reps")
        assert len(reps) == 2, f"{len(reps)} visible 'Reps' cells at {width} px"  # week 3: 2 sets of one exercise
        if width >= 768:  # a set's cells on one line wherever the screen allows it
            tops = {round(c.bounding_box()["y"]) for c in [reps[0], *(_visible_cells(page, x)[0] for x in CELLS[1:])]}
            assert len(tops) == 1, f"set 1's cells are on {len(tops)} lines at {width} px"
        for label in ("Reps", "Effort 0–10", "Pain during", "Pain after"):
            for cell in _visible_cells(page, label):
                box = cell.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (label, width, box)
                assert box["height"] >= TOUCH_PX, (label, width, box)
        for target in [*page.get_by_role("tab").all(), page.get_by_role("button", name="Save session (all sets)")]:
            box = target.bounding_box()
            assert box is not None and box["height"] >= TOUCH_PX, (width, box)

        page.get_by_role("tab", name="Seated row").click()
        assert len(_visible_cells(page, "Reps")) == 2
        assert _visible_cells(page, "Reps")[0].input_value() == "10"  # the seated row's own target
        for tab in page.get_by_role("tab").all():  # every exercise's tab is on screen: none hidden sideways
            box = tab.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        if width == 390:
            page.get_by_role("tab", name="Leg press").click()
            _visible_cells(page, "Pain during")[0].fill("15")
            page.get_by_role("button", name="Save session (all sets)").click()
            wait_for_app(page)
            page.get_by_text("15 is outside the range; pain is 0–10").first.wait_for()
            page.screenshot(path=str(artifacts / "sets-grid-390-refused.png"))
            assert _visible_cells(page, "Pain during")[0].input_value() == "15"  # kept as typed, for correction
            _visible_cells(page, "Pain during")[0].fill("3")
            page.get_by_role("button", name="Save session (all sets)").click()
            wait_for_app(page)
            page.get_by_text("Session saved: 6 set(s).").wait_for()
            page.screenshot(path=str(artifacts / "sets-grid-390-saved.png"))
        page.context.close()
