"""A patient's loading plan: build it, see its phases, next loads with reasons, and progress charts."""

from __future__ import annotations

from datetime import date

import streamlit as st

from rehab.services import plan_overview
from rehab.services.context import AccessDenied, NotFound
from rehab.ui import auth as ui_auth
from rehab.ui import narrow_tables, nav
from rehab.ui import plan_widgets as widgets
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_VIEWED = "_rehab_viewed_plan"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title("Loading plan")
        st.info("Choose a patient on the Patients page first.")
        if st.button("Go to Patients"):
            nav.go(nav.PATIENTS)
        return
    today = date.today()
    try:
        first_view = st.session_state.get(_VIEWED) != patient_id
        ov = plan_overview.overview(db, actor, patient_id, today=today, audit_view=first_view)
    except (AccessDenied, NotFound) as exc:
        st.title("Loading plan")
        st.error(md_escape(str(exc)))
        return
    st.session_state[_VIEWED] = patient_id
    st.title(f"Loading plan · {md_escape(ov.patient.display_name)}")
    widgets.show_flash()
    if ov.plan is None:
        st.info("No active plan yet. Choose exercises and enter each baseline to create one.")
        widgets.plan_builder(db, actor, patient_id, ov, today=today)
        with st.expander("Add an exercise to the clinic's library"):
            widgets.custom_exercise_form(db, actor)
        return
    plan = ov.plan
    st.caption(
        md_escape(
            f"Started {plan.start_date.isoformat()} · now in week {ov.week_now} · {ov.rule_text} · "
            f"version {plan.version}, last changed by {plan.updated_by_name}"
        )
    )
    overview, charts, history, new = st.tabs(["Plan", "Progress", "Sessions", "New plan"])
    with overview:
        if st.button("Go to the treatment session", type="primary", key="to_treatment"):
            nav.go(nav.TREATMENT)
        widgets.next_session(db, actor, plan.id, plan.version, ov.next_session, day=ov.next_day or today)
        widgets.plan_summary(ov)
    with charts:
        widgets.progress_charts(ov)
    with history:
        if ov.sessions.empty:
            st.info("No sessions recorded yet.")
        else:
            narrow_tables.table(ov.sessions, key="plan_sessions", title=("Date", "Status"))
    with new:
        widgets.plan_builder(db, actor, patient_id, ov, today=today)
        with st.expander("Add an exercise to the clinic's library"):
            widgets.custom_exercise_form(db, actor)
