"""Every chart says what it shows in words and offers its data as a table (issue 15, WCAG 1.1.1): the words are
the chart's accessible description, its caption, and the same judgement against the MDC as the key figures."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from rehab.store import Database
from rehab.ui import chart_view
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.caseload_helpers import TODAY, add_results
from tests.helpers import make_admin
from tests.plan_helpers import new_patient

FIRST, LATEST = TODAY - timedelta(days=60), TODAY - timedelta(days=5)


def _captions(at) -> list[str]:  # type: ignore[no-untyped-def]
    """Caption texts as read (the page escapes Markdown: "2026\\-12\\-02" reads "2026-12-02")."""
    return [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]


def _dashboard(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    # Chronic stroke (400 days since the event), so the chronic MDCs apply (Alghadir 2018, clinical.md §2):
    # Berg 40 → 48 is +8 points, beyond the MDC of 2.7 points; TUG 20 → 18 s is −2 s, within the MDC of 3.2 s.
    pid = new_patient(db, admin, mrn="WORDS-1", family_name="Hopper", event_date=TODAY - timedelta(days=400))
    add_results(db, admin, pid, [("bbs", 40, FIRST), ("tug", 20, FIRST)])
    add_results(db, admin, pid, [("bbs", 48, LATEST), ("tug", 18, LATEST)])
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "dashboard")
    assert_no_crash(at)
    return at


def test_each_dashboard_chart_has_words_and_a_data_table(app_db: Database) -> None:
    at = _dashboard(app_db)
    captions = _captions(at)
    berg = next(c for c in captions if c.startswith("Berg Balance Scale:"))
    assert berg.startswith(f"Berg Balance Scale: 40 points on {FIRST.isoformat()}, latest 48 points on {LATEST}")
    assert "Since the first result: +8 points, beyond the MDC of 2.7 points: a real change." in berg
    tug = next(c for c in captions if c.startswith("Timed Up and Go:"))
    assert "Since the first result: −2 s, within the MDC (measurement error) of 3.2 s: not a real change." in tug
    # the same words are the chart's accessible description (a screen reader otherwise hears "Vega visualization")
    descriptions = [json.loads(c.proto.spec).get("description", "") for c in at.get("vega_lite_chart")]
    assert berg in descriptions and tug in descriptions
    # and the data, as a table under each chart, drawn once its expander is opened (not sent while closed)
    labels = [e.label for e in at.expander]
    assert "Show data: Berg Balance Scale" in labels and "Show data: Timed Up and Go" in labels
    assert len(at.table) == 0
    at.session_state[chart_view.data_key("bbs")] = True  # the clinician opens the Berg chart's data
    at = at.run()
    assert_no_crash(at)
    tables = [t.value for t in at.table]
    assert len(tables) == 1  # only the one opened
    berg_table = next(t for t in tables if "Berg Balance Scale" in t["Series"].tolist())
    assert berg_table.index.tolist() == [FIRST.isoformat(), LATEST.isoformat()]
    assert berg_table["Value"].tolist() == ["40", "48"] and berg_table["Unit"].tolist() == ["points", "points"]


def test_the_dashboard_reads_with_one_result(app_db: Database) -> None:
    admin = make_admin(app_db)
    pid = new_patient(app_db, admin, mrn="WORDS-2", family_name="Lamarr", event_date=TODAY - timedelta(days=400))
    add_results(app_db, admin, pid, [("bbs", 41, LATEST)])
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "dashboard")
    assert_no_crash(at)
    # one result: no change and no MDC judgement to tell, and the fall-risk cut-off (stroke, Matsumoto 2024)
    expected = f"Berg Balance Scale: one result, 41 points on {LATEST.isoformat()}. Cut-off line: Fall risk < 50.5"
    assert any(c.startswith(expected) for c in _captions(at))
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    x = next(layer["encoding"]["x"] for layer in spec["layer"] if layer.get("name") == "bbs_lines")
    assert len(x["scale"]["domain"]) == 2 and len(x["axis"]["values"]) == 1  # a week around the day, labelled
