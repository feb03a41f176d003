"""The caseload page: flags for a seeded clinic, care-team scope, filter and open a patient's dashboard."""

from __future__ import annotations

from rehab.services import caseload
from rehab.store import Database
from tests.app.conftest import assert_no_crash, goto, signed_in_app, titles
from tests.caseload_helpers import seeded_clinic


def test_caseload_flags_the_seeded_clinic_and_shows_only_the_care_team(app_db: Database) -> None:
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    assert_no_crash(at)
    assert titles(at) == ["Caseload"]
    table = at.dataframe[0].value
    # patients without a plan have no plan week: the table shows a dash, not "None"
    assert table["Plan week"].isna().any() and at.dataframe[0].proto.placeholder == "—"
    assert sorted(table["MRN"]) == ["CL-FALLRISK", "CL-FINE", "CL-OVERDUE", "CL-PLATEAU", "CL-STOP"]
    flagged = {
        mrn: {f for f in caseload.FLAGS if row[caseload.FLAG_LABELS[f]]}
        for mrn, (_, row) in zip(table["MRN"], table.iterrows(), strict=True)
    }
    assert flagged == {
        "CL-FALLRISK": {caseload.FALL_RISK},
        "CL-OVERDUE": {caseload.RETEST_OVERDUE},
        "CL-PLATEAU": {caseload.PLATEAU},
        "CL-STOP": {caseload.SAFETY_STOP},
        "CL-FINE": set(),
    }
    at.multiselect(key="caseload_flags").set_value([caseload.PLATEAU]).run()
    assert list(at.dataframe[0].value["MRN"]) == ["CL-PLATEAU"]
    at.button(key="caseload_dashboard").click().run()
    assert_no_crash(at)
    assert titles(at) == ["Dashboard · PLATEAU, Ada"]


def test_admin_sees_every_patient(app_db: Database) -> None:
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.admin.user_id).run(), "caseload")
    assert_no_crash(at)
    assert "CL-ELSEWHERE" in set(at.dataframe[0].value["MRN"])


def test_flags_are_labels_beside_the_name_and_a_flag_can_be_acknowledged_with_a_note(app_db: Database) -> None:
    """Issue 13 item 4: flags read as labels (new ones marked), no checkbox columns; acknowledging one with a
    note is audited and shows it as acknowledged, listed below the patients whose flags still wait."""
    from rehab.services import audit

    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    assert_no_crash(at)
    frame = at.dataframe[0]
    table = frame.value
    shown = list(frame.proto.column_order)
    assert shown[:3] == ["Patient", "Flags", "Next action"]  # what fits a tablet, name first
    assert not any(caseload.FLAG_LABELS[f] in shown for f in caseload.FLAGS)  # no checkbox columns
    by_mrn = dict(zip(table["MRN"], table["Flags"], strict=True))
    assert list(by_mrn["CL-STOP"]) == ["NEW · Safety stop"]  # the screen said stop 2 days ago
    assert list(by_mrn["CL-FALLRISK"]) == ["Fall risk"]  # Berg 40 a week ago: standing
    assert list(by_mrn["CL-FINE"]) == []
    mrns = list(table["MRN"])
    assert mrns[0] == "CL-STOP" and list(table["MRN"])[-1] == "CL-FINE"  # new first, none last
    assert "with a new flag" in at.caption[0].value

    at.selectbox(key="caseload_choice").set_value(clinic.ids["fallrisk"]).run()
    at.text_area(key="caseload_ack_note").input("Walks with a frame; falls plan in place")
    at.button(key="caseload_ack").click().run()
    assert_no_crash(at)
    assert any("Fall risk acknowledged" in s.value for s in at.success), [e.value for e in at.error]
    table = at.dataframe[0].value
    row = table[table["MRN"] == "CL-FALLRISK"].iloc[0]
    assert list(row["Flags"]) == ["Ack'd · Fall risk"] and "falls plan in place" in row["Why"]
    mrns = list(table["MRN"])
    assert mrns.index("CL-FALLRISK") > max(mrns.index("CL-PLATEAU"), mrns.index("CL-OVERDUE"))  # below waiting ones
    entries = audit.entries(app_db, clinic.admin, action="acknowledge")
    assert [(e.patient_id, e.username) for e in entries] == [(clinic.ids["fallrisk"], "casey")]


def test_an_acknowledgement_without_a_note_is_refused_at_the_field(app_db: Database) -> None:
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    at.selectbox(key="caseload_choice").set_value(clinic.ids["stop"]).run()
    at.button(key="caseload_ack").click().run()
    assert_no_crash(at)
    assert any("Write a note" in e.value for e in at.error)
    assert not at.success


def test_goal_at_risk_and_no_goals_set_filter_the_caseload(app_db: Database) -> None:
    """A chronic-stroke patient's Berg target of 46 is at risk (trend 42 by the target date, 4 short, beyond the
    chronic MDC 2.7, Alghadir 2018); the seeded patients have no goals set."""
    from datetime import date

    import pytest

    from tests.services.test_goals import _goal, _patient_with_bergs

    clinic = seeded_clinic(app_db)
    pid = _patient_with_bergs(app_db, clinic.clinician, date(2025, 1, 1), "CL-GOAL")
    with pytest.MonkeyPatch.context() as patch:  # its own: _goal undoes every patch it was given
        _goal(app_db, clinic.clinician, pid, 46, patch)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    assert_no_crash(at)
    assert "Goal at risk: 1" in at.caption[0].value
    at.multiselect(key="caseload_flags").set_value([caseload.GOAL_AT_RISK]).run()
    table = at.dataframe[0].value
    assert list(table["MRN"]) == ["CL-GOAL"] and "Alghadir 2018" in table["Why"].iloc[0]
    assert any("Goal at risk" in badge for badge in table["Flags"].iloc[0])
    at.multiselect(key="caseload_flags").set_value([]).run()
    at.toggle(key="caseload_no_goals").set_value(True).run()
    assert_no_crash(at)
    table = at.dataframe[0].value
    assert sorted(table["MRN"]) == ["CL-FALLRISK", "CL-FINE", "CL-OVERDUE", "CL-PLATEAU", "CL-STOP"]
    assert set(table["Goals"]) == {caseload.NO_GOALS}


def test_each_patient_is_also_a_card_with_flags_next_action_and_a_link_to_the_dashboard(app_db: Database) -> None:
    """The cards a narrow screen shows instead of the table (tests/e2e/test_caseload_widths.py shows which one
    the browser draws): one a patient, headed by the name, with the flags and next action, linking to the
    patient's dashboard by address."""
    clinic = seeded_clinic(app_db)
    at = goto(signed_in_app(clinic.clinician.user_id).run(), "caseload")
    assert_no_crash(at)
    cards = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**") and "Flags:" in m.value]
    falls = [c for c in cards if c.startswith("**FALLRISK, Ada**")]
    assert len(cards) == 4 and len(falls) == 1  # FINE, Ada has no flag: a card without a Flags line
    assert "Flags: Fall risk" in falls[0] and "Next action: Fall-risk review" in falls[0]
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    opened = links["Open dashboard: FALLRISK, Ada"]
    assert opened.page == "dashboard" and opened.query_string == f"patient={clinic.ids['fallrisk']}"
    assert len([label for label in links if label.startswith("Open dashboard: ")]) == 5
