"""Caseload triage on both engines (issue 13 item 4): new flags first, acknowledgement with a note (audited,
append-only) until the patient's data change, and plateau only in active treatment."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rehab.domain.errors import ValidationErrors
from rehab.services import audit, caseload
from rehab.services.context import AccessDenied
from rehab.store import Database
from tests.caseload_helpers import TODAY, add_results, seeded_clinic
from tests.plan_helpers import leg_press_plan, new_patient, run_session

DAY = timedelta(days=1)


def _row(table, patient_id: int):  # type: ignore[no-untyped-def]
    return table[table["patient_id"] == patient_id].iloc[0]


def test_a_new_flag_is_labelled_new_and_listed_before_standing_ones(db: Database) -> None:
    clinic = seeded_clinic(db)
    team = [clinic.clinician.user_id]
    # both fall risk for stroke (Berg < 50.5, Matsumoto 2024): one tested 3 days ago, one 20 days ago
    fresh = new_patient(db, clinic.admin, "TR-FRESH", family_name="Zed", care_team=team)
    old = new_patient(db, clinic.admin, "TR-OLD", family_name="Abel", care_team=team)
    add_results(db, clinic.clinician, fresh, [("bbs", 40, TODAY - 3 * DAY)])
    add_results(db, clinic.clinician, old, [("bbs", 40, TODAY - 20 * DAY)])
    table = caseload.caseload(db, clinic.clinician).table
    assert list(_row(table, fresh)["Flags"]) == ["NEW · Fall risk"]
    assert list(_row(table, old)["Flags"]) == ["Fall risk"]  # standing: a plain label
    assert _row(table, fresh)["Next action"] == "Fall-risk review"
    assert f"(NEW, since {(TODAY - 3 * DAY).isoformat()})" in _row(table, fresh)["Why"]
    order = list(caseload.filtered(table)["patient_id"])
    assert order.index(fresh) < order.index(old)  # new first, although "Zed" sorts after "Abel"
    assert order.index(clinic.ids["fine"]) == len(order) - 1  # no flags: last


def test_acknowledging_a_flag_is_audited_drops_it_and_the_next_data_change_brings_it_back(db: Database) -> None:
    clinic = seeded_clinic(db)
    team = [clinic.clinician.user_id]
    pid = new_patient(db, clinic.admin, "TR-ACK", family_name="Ack", care_team=team)
    add_results(db, clinic.clinician, pid, [("bbs", 40, TODAY - 20 * DAY)])
    other = new_patient(db, clinic.admin, "TR-OTHER", family_name="Zulu", care_team=team)
    add_results(db, clinic.clinician, other, [("bbs", 40, TODAY - 20 * DAY)])

    with pytest.raises(AccessDenied):
        caseload.acknowledge(db, clinic.other, pid, caseload.FALL_RISK, "not mine")
    with pytest.raises(ValidationErrors) as blank:
        caseload.acknowledge(db, clinic.clinician, pid, caseload.FALL_RISK, "   ")
    assert "note" in blank.value.by_field()
    with pytest.raises(ValidationErrors) as unraised:
        caseload.acknowledge(db, clinic.clinician, pid, caseload.PLATEAU, "no plateau here")
    assert "flag" in unraised.value.by_field()

    before = _row(caseload.caseload(db, clinic.clinician).table, pid)  # kept for the day from here on
    assert list(before["Flags"]) == ["Fall risk"] and before["Standing"] == 1
    caseload.acknowledge(db, clinic.clinician, pid, caseload.FALL_RISK, "Walks with frame; falls plan in place")
    entries = [e for e in audit.entries(db, clinic.admin, action="acknowledge") if e.patient_id == pid]
    assert len(entries) == 1 and entries[0].username == "casey" and '"flag": "fall_risk"' in entries[0].detail
    table = caseload.caseload(db, clinic.clinician).table
    row = _row(table, pid)
    assert list(row["Flags"]) == ["Ack'd · Fall risk"] and pd.isna(row["Next action"])
    assert (row["New"], row["Standing"], row["Acknowledged"]) == (0, 0, 1)
    assert "Acknowledged by casey" in row["Why"] and "falls plan in place" in row["Why"]
    order = list(caseload.filtered(table)["patient_id"])
    assert order.index(other) < order.index(pid)  # the unacknowledged standing flag comes first

    # the patient's data change (a session is logged): the acknowledgement lapses and the flag is back
    leg_press_plan(db, clinic.clinician, pid, start=TODAY - 7 * DAY)
    run_session(db, clinic.clinician, pid, TODAY - DAY)
    row = _row(caseload.caseload(db, clinic.clinician).table, pid)
    assert list(row["Flags"]) == ["Fall risk"] and row["Standing"] == 1 and row["Acknowledged"] == 0


def test_a_flag_raised_after_the_last_review_is_new_even_when_older_than_a_week(db: Database) -> None:
    clinic = seeded_clinic(db)
    team = [clinic.clinician.user_id]
    reviewed = new_patient(db, clinic.admin, "TR-REVIEWED", care_team=team)
    never = new_patient(db, clinic.admin, "TR-NEVER", care_team=team)
    for pid in (reviewed, never):
        add_results(db, clinic.clinician, pid, [("bbs", 40, TODAY - 20 * DAY)])
    caseload.acknowledge(db, clinic.clinician, reviewed, caseload.FALL_RISK, "seen")  # reviewed today
    # a new Berg ten days from now, the caseload looked at twenty days from now: 10 days old, but raised
    # after the review, so new for the reviewed patient; the never-reviewed one counts only the last week
    for pid in (reviewed, never):
        add_results(db, clinic.clinician, pid, [("bbs", 38, TODAY + 10 * DAY)])
    table = caseload.caseload(db, clinic.clinician, today=TODAY + 20 * DAY).table
    assert list(_row(table, reviewed)["Flags"]) == ["NEW · Fall risk"]
    assert list(_row(table, never)["Flags"]) == ["Fall risk"]


def test_acknowledgements_are_append_only(db: Database) -> None:
    clinic = seeded_clinic(db)
    caseload.acknowledge(db, clinic.clinician, clinic.ids["fallrisk"], caseload.FALL_RISK, "seen")
    for statement in ("UPDATE flag_acknowledgements SET note = 'changed'", "DELETE FROM flag_acknowledgements"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.run(lambda conn, s=statement: conn.execute(text(s)))


def test_plateau_only_in_active_treatment_on_results_six_weeks_apart(db: Database) -> None:
    clinic = seeded_clinic(db)
    team = [clinic.clinician.user_id]
    week = timedelta(weeks=1)
    chronic = {"event_date": TODAY - 730 * DAY}  # stroke 2 years ago: the chronic Berg MDC applies
    flat = [("bbs", 52, TODAY - 8 * week), ("tug", 9.0, TODAY - 8 * week), ("bbs", 53, TODAY - week)]
    idle = new_patient(db, clinic.admin, "TR-IDLE", care_team=team, **chronic)  # no plan, no session
    add_results(db, clinic.clinician, idle, flat)
    treated = new_patient(
        db, clinic.admin, "TR-TREATED", care_team=team, **chronic
    )  # an active plan, a session 2 weeks ago
    add_results(db, clinic.clinician, treated, flat)
    leg_press_plan(db, clinic.clinician, treated, start=TODAY - 3 * week)
    run_session(db, clinic.clinician, treated, TODAY - 2 * week)
    close = new_patient(db, clinic.admin, "TR-CLOSE", care_team=team, **chronic)  # in treatment, results 2 days apart
    leg_press_plan(db, clinic.clinician, close, start=TODAY - 3 * week)
    add_results(db, clinic.clinician, close, [("bbs", 52, TODAY - 43 * DAY), ("bbs", 53, TODAY - 41 * DAY)])
    # the judged reasons say why
    judged = {
        pid: caseload.judge(r, TODAY)[caseload.PLATEAU].reason
        for pid in (idle, treated, close)
        for r in db.run(lambda conn, p=pid: caseload._read(conn, TODAY, {}, only=[p]), write=False)
    }
    assert "not in active treatment" in judged[idle]
    assert "6 or more weeks before it" in judged[close]
    table = caseload.caseload(db, clinic.clinician).table
    label = caseload.FLAG_LABELS[caseload.PLATEAU]
    assert not _row(table, idle)[label]
    assert _row(table, treated)[label], judged[treated]
    assert not _row(table, close)[label]
