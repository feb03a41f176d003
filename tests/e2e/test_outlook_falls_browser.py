"""Issue 18 in a real browser: the dashboard's Outlook panel and the patient record's falls entry at a desktop,
a tablet and a phone width, kept as screenshots for a person to look at; neither scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, start_server, stop_server, wait_for_app
from tests.e2e.page_checks import open_page

pytestmark = pytest.mark.browser


def _seeded(path: Path) -> tuple[str, int]:
    """A stroke patient 20 days after the event with PREP2 (SAFE 2 + 1 on day 3, MEP+ on day 4 → Good), TWIST
    (TCT 36 and hip extension 3 on day 8 → 12 weeks) with a disagreement, and one fall."""
    from rehab.services import assessments, falls, prognosis
    from rehab.store import open_database
    from tests.caseload_helpers import TODAY
    from tests.helpers import make_admin, make_clinician
    from tests.plan_helpers import new_patient

    url = f"sqlite:///{path}"
    db = open_database(url)
    admin = make_admin(db)
    casey = make_clinician(db, admin, "casey")
    event = TODAY - timedelta(days=20)
    pid = new_patient(db, admin, "OUT-1", family_name="Hopper", event_date=event, care_team=[casey.user_id])

    def at(day: int) -> datetime:
        return datetime.combine(event + timedelta(days=day), time(10), tzinfo=UTC)

    for day, site, grade in ((3, "shoulder abduction", "2"), (3, "finger extension", "1"), (8, "hip extension", "3")):
        assessments.record(db, casey, pid, taken_at=at(day), entries={"mmt": {"site": site, "sides": {"left": grade}}})
    assessments.record(db, casey, pid, taken_at=at(8), entries={"tct": {"items": [12, 12, 12, 0]}})
    assessments.record(db, casey, pid, taken_at=at(15), entries={"fac": {"value": 2}})
    prognosis.record_finding(
        db, casey, pid, {"kind": "mep", "found_on": event + timedelta(days=4), "value": "positive"}
    )
    prognosis.disagree(db, casey, pid, "twist", reason="Strong sitting balance and motivation; expect sooner")
    fall = {
        "fell_on": TODAY - timedelta(days=3),
        "place": "indoor",
        "circumstances": "Turning from the bed to the chair without the frame",
        "injury": "minor",
        "injury_note": "bruised elbow",
        "reported_by": "incident_report",
    }
    falls.record(db, casey, pid, fall)
    db.dispose()
    return url, pid


@pytest.fixture(scope="module")
def outlook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    """One server for the three widths: they open the Outlook panel and the falls form, and save nothing."""
    folder = tmp_path_factory.mktemp("outlook")
    url, pid = _seeded(folder / "outlook.db")
    server = start_server(url, folder / "streamlit.log")
    yield server, pid
    stop_server(server)


@pytest.mark.parametrize("width", [1440, 1024, 390])
def test_outlook_and_falls_entry_fit_every_width(
    width: int,
    outlook: tuple[Server, int],
    browser,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    server, pid = outlook
    page = open_page(browser, server.url, f"dashboard?patient={pid}", (width, 1000))
    page.get_by_role("heading", name="Outlook").wait_for()
    main = page.locator("[data-testid='stMain']")
    assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), "the dashboard scrolls sideways"
    assert page.get_by_text("Predicted: Good").count() == 1
    assert page.get_by_text("disagrees with this prediction").count() == 1
    panel = page.locator("[data-testid='stVerticalBlock']", has=page.get_by_role("heading", name="Outlook"))
    panel.last.screenshot(path=str(artifacts / f"outlook-{width}.png"))
    page.goto(f"{server.url}/patient?patient={pid}")
    wait_for_app(page)
    page.get_by_role("tab", name="Falls").click()
    page.get_by_text("Record a fall").click()
    page.get_by_text("Save fall").wait_for()
    assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1"), "the patient record scrolls sideways"
    assert page.get_by_text("Falls: 1 in the last 6 months, 1 in the last 12 months").count() == 1
    page.screenshot(path=str(artifacts / f"falls-{width}.png"), full_page=True)
    assert page.get_by_test_id("stException").count() == 0
    page.context.close()
