"""The Goals page in Chromium at 1,440, 1,024 and 390 px: goals with their verdicts, no sideways scrolling."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rehab.services import assessments, goals, patients
from rehab.store import open_database
from tests.e2e.page_checks import open_page, reads_at_three_widths
from tests.helpers import make_admin, patient_data

pytestmark = pytest.mark.browser


def test_goals_page_reads_at_three_widths(tmp_path: Path, browser, server_factory, artifacts, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'goals.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="GB-1", event_date=date(2025, 1, 1)))
    set_on = date.today() - timedelta(days=42)
    monkeypatch.setattr(goals, "today", lambda: set_on)
    goals.set_measure_goal(
        db,
        admin,
        pid,
        {
            "statement": "Walk to the corner shop and back with a stick",
            "measure_key": "bbs",
            "target_value": 55.0,  # the line reaches 48 by the date: 7 short, beyond the chronic MDC of 2.7
            "target_date": set_on + timedelta(days=84),
        },
    )
    levels = {2: "alone, carrying a tray", 1: "alone", 0: "with supervision", -1: "with one helper", -2: "cannot"}
    gas_id = goals.set_gas_goal(
        db,
        admin,
        pid,
        {"statement": "Make a hot drink", "levels": levels, "baseline": -1, "target_date": set_on + timedelta(days=84)},
    )
    monkeypatch.undo()
    for days, items in ((0, [3] * 10), (14, [3] * 11), (28, [3] * 12)):
        taken = datetime.combine(set_on + timedelta(days=days), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
        assessments.record(db, admin, pid, taken_at=taken, entries={"bbs": {"items": items + [0] * (14 - len(items))}})
    goals.review(db, admin, gas_id, rating=-1, note="needs a helper to carry")
    db.dispose()
    server = server_factory(url)

    page = open_page(browser, server.url, f"goals?patient={pid}", (1440, 1000), user="admin")
    page.get_by_text("At risk: the trend reaches 48.0").first.wait_for(timeout=30_000)
    reads_at_three_widths(page, artifacts, "goals")
    page.context.close()
