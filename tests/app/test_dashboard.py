"""The dashboard page: latest values with verdicts, charts with cut-off rule and MDC band, one audit entry."""

from __future__ import annotations

import json
from datetime import timedelta

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from rehab.services import audit, auth
from rehab.store import Database
from tests.app import cookies
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.caseload_helpers import TODAY, add_results
from tests.helpers import make_admin
from tests.plan_helpers import new_patient


def _seeded(db: Database) -> tuple[int, int]:
    admin = make_admin(db)
    # Chronic stroke (400 days): the chronic figures apply (issue 13; phases after Bernhardt 2017).
    pid = new_patient(db, admin, mrn="DASH-1", family_name="Hopper", event_date=TODAY - timedelta(days=400))
    # Berg 40 → 48: +8 reaches the chronic MDC 2.7 (Alghadir 2018) and MCID > 2 (2024) → real and meaningful.
    # TUG 20 → 18 s: −2 s is below the chronic MDC 3.2 s (Alghadir 2018) → within measurement error.
    add_results(db, admin, pid, [("bbs", 40, TODAY - timedelta(days=60)), ("tug", 20, TODAY - timedelta(days=60))])
    add_results(db, admin, pid, [("bbs", 48, TODAY - timedelta(days=5)), ("tug", 18, TODAY - timedelta(days=5))])
    return admin.user_id, pid


def _open(user_id: int, pid: int):  # type: ignore[no-untyped-def]
    at = signed_in_app(user_id)
    at.session_state["_rehab_patient_id"] = pid
    return goto(at.run(), "dashboard")


def test_dashboard_shows_latest_values_with_verdicts(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid)
    assert_no_crash(at)
    assert titles(at) == ["Dashboard · HOPPER, Ada"]
    metrics = {m.label: m for m in at.metric}
    assert metrics["Berg"].value == "48 points" and metrics["TUG"].value == "18 s"
    captions = " ".join(c.value for c in at.caption)
    assert "real and meaningful improvement" in captions and "within measurement error" in captions
    assert "400 days since the event" in captions


def test_balance_chart_spec_carries_the_stroke_cutoff_rule_and_mdc_band(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid)
    charts = at.get("vega_lite_chart")
    assert charts, "no charts drawn"
    found = {}
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        data = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets}
        assert spec["width"] == "container", "each panel fills its column, whatever the screen"
        for layer in spec["layer"]:
            if layer.get("name") in ("bbs_cutoff_0", "bbs_mdc_band", "tug_cutoff_0"):
                found[layer["name"]] = data[layer["data"]["name"]].iloc[0].to_dict()
    assert found["bbs_cutoff_0"]["value"] == 50.5 and "Matsumoto 2024" in found["bbs_cutoff_0"]["source"]
    assert found["tug_cutoff_0"]["value"] == 15
    # 40 ± 2.7, the chronic MDC (Alghadir 2018), not the inpatient 6 (Stevenson 2001)
    assert (found["bbs_mdc_band"]["low"], found["bbs_mdc_band"]["high"]) == (37.3, 42.7)


def test_dashboard_view_is_audited_once_per_patient_per_session(app_db: Database) -> None:
    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid)
    at.run()  # a rerun (e.g. a widget change) is not a new view
    actor = auth.current_actor(app_db, user_id)
    assert actor is not None
    views = [e for e in audit.entries(app_db, actor, action="view") if e.entity == "dashboard"]
    assert [(e.entity_id, e.patient_id) for e in views] == [(str(pid), pid)]


def test_the_sign_in_is_checked_against_the_database_once_a_page_run(app_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The router checks the cookie's session and the page goes on that check; a session ended in between is
    caught by the next run's check, which shows the sign-in page."""
    from rehab.services import browser_sessions

    user_id, pid = _seeded(app_db)
    at = _open(user_id, pid)
    checks: list[str] = []
    real = browser_sessions.resolve
    monkeypatch.setattr(browser_sessions, "resolve", lambda *a, **k: checks.append("check") or real(*a, **k))
    at.run()
    assert checks == ["check"] and titles(at) == ["Dashboard · HOPPER, Ada"]
    assert browser_sessions.sign_out(app_db, cookies.JAR["token"])  # ended elsewhere (another tab signed out)
    at.run()
    assert checks == ["check", "check"] and "Dashboard · HOPPER, Ada" not in titles(at)
    assert not at.metric
