"""A patient's goals: measure targets with their trend verdict, Goal Attainment Scales, reviews and the T-score."""

from __future__ import annotations

import streamlit as st

from rehab.services import goals
from rehab.services.context import AccessDenied, NotFound
from rehab.ui import auth as ui_auth
from rehab.ui import goal_widgets as widgets
from rehab.ui import nav
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title("Goals")
        st.info("Choose a patient on the Patients page first.")
        return
    try:
        found = goals.patient_goals(db, actor, patient_id)
    except (AccessDenied, NotFound) as exc:
        st.title("Goals")
        st.error(md_escape(str(exc)))
        return
    st.title(f"Goals · {md_escape(found.patient_name)}")
    widgets.show_flash()
    widgets.summary(found)
    for view in found.goals:
        widgets.goal_card(db, actor, view)
    widgets.new_goal(db, actor, patient_id)
