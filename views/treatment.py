"""A treatment session: readiness screen, then the sets logged one exercise at a time, then the next session's loads."""

from __future__ import annotations

from datetime import date

import streamlit as st

from rehab.services import sessions
from rehab.services.context import AccessDenied, NotFound
from rehab.ui import auth as ui_auth
from rehab.ui import export_widgets as export_buttons
from rehab.ui import narrow_tables, nav, sets_grid
from rehab.ui import plan_widgets as widgets
from rehab.ui import readiness_widgets as readiness
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape
from rehab.ui.timezones import clinic_timezone

_VIEWED = "_rehab_viewed_treatment"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title("Treatment session")
        st.info("Choose a patient on the Patients page first.")
        if st.button("Go to Patients"):
            nav.go(nav.PATIENTS)
        return
    today = date.today()
    tz = clinic_timezone()
    first_view = st.session_state.get(_VIEWED) != patient_id
    try:
        view = sessions.treatment_view(db, actor, patient_id, today=today, audit_view=first_view, tz=tz)
    except (AccessDenied, NotFound) as exc:
        st.title("Treatment session")
        st.error(md_escape(str(exc)))
        return
    st.session_state[_VIEWED] = patient_id
    st.title(f"Treatment session · {md_escape(view.patient.display_name)}")
    widgets.show_flash()
    widgets.show_remembered_screen()
    if view.plan_id is None or view.plan_start is None:
        st.info("This patient has no loading plan yet. Create one on the plan page first.")
        if st.button("Go to the plan", type="primary"):
            nav.go(nav.PLAN)
        return
    st.caption(md_escape(f"Progression rule: {view.rule_text}"))
    if view.screens and view.screens[0].at.astimezone(tz).date() == today:
        readiness.screens_panel(view.screens, tz)
    if view.repeat_offer is not None:
        with st.expander("Repeat the readiness screen after rest", expanded=True):
            readiness.repeat_form(db, actor, view.repeat_offer, tz)
    if view.open_session is not None:
        sets_grid.log_session(db, actor, view.open_session)
    else:
        saved = widgets.just_logged()
        if saved:  # the session summary, one click after saving (built and audited on click)
            export_buttons.download(db, actor, patient_id, view.patient.mrn, "pdf", key="dl_summary", primary=True)
        with st.expander("Before exercising: readiness screen", expanded=not saved):
            widgets.readiness_form(db, actor, patient_id, today=today, earliest=min(view.plan_start, today))
        widgets.next_session(db, actor, view.plan_id, view.plan_version, view.next_session, day=view.next_day or today)
    st.header("Recent sessions")
    if view.recent.empty:
        st.caption("None yet.")
    else:
        narrow_tables.table(view.recent, key="recent_sessions", title=("Date", "Status"))
    with st.expander("Screening thresholds (clinic setting)"):
        widgets.thresholds_panel(db, actor)
