"""Router: page set-up, the sign-in gate and the pages this user's role may open."""

from __future__ import annotations

import streamlit as st

from rehab import turns
from rehab.ui import auth as ui_auth
from rehab.ui import layout, nav
from rehab.ui.errors import run_page
from views import accounts, assess, audit, clinic_settings, patient_record, patients, register, signin
from views import caseload as caseload_page
from views import dashboard as dashboard_page
from views import exports as exports_page
from views import goals as goals_page
from views import import_data as import_page
from views import plan as plan_page
from views import treatment as treatment_page

# One of the process's turns for page runs (rehab.turns), given back however the run ends; the sessions that
# began first are served first.
with turns.page_run(began=ui_auth.session_began()):
    st.set_page_config(page_title="Rehab dashboard", page_icon=":material/exercise:", layout="wide")

    actor = ui_auth.current_actor()
    if actor is None:
        page = st.navigation(
            [st.Page(signin.render, title="Sign in", url_path="signin", default=True)], position="hidden"
        )
    else:
        sections = {
            "Clinic": [
                st.Page(
                    caseload_page.render,
                    title="Caseload",
                    url_path=nav.CASELOAD,
                    icon=":material/monitor_heart:",
                    default=True,
                ),
                st.Page(patients.render, title="Patients", url_path=nav.PATIENTS, icon=":material/groups:"),
                st.Page(register.render, title="Register patient", url_path=nav.REGISTER, icon=":material/person_add:"),
                st.Page(import_page.render, title="Import", url_path=nav.IMPORT, icon=":material/upload_file:"),
            ],
            # Pages about the patient chosen on Caseload or Patients.
            "Patient": [
                st.Page(dashboard_page.render, title="Dashboard", url_path=nav.DASHBOARD, icon=":material/dashboard:"),
                st.Page(patient_record.render, title="Patient record", url_path=nav.PATIENT, icon=":material/person:"),
                st.Page(
                    assess.render, title="Record assessment", url_path=nav.ASSESS, icon=":material/assignment_add:"
                ),
                st.Page(plan_page.render, title="Loading plan", url_path=nav.PLAN, icon=":material/fitness_center:"),
                st.Page(treatment_page.render, title="Treatment", url_path=nav.TREATMENT, icon=":material/exercise:"),
                st.Page(goals_page.render, title="Goals", url_path=nav.GOALS, icon=":material/flag:"),
                st.Page(
                    exports_page.render, title="Reports & export", url_path=nav.EXPORTS, icon=":material/download:"
                ),
            ],
        }
        if actor.is_admin:
            sections["Administration"] = [
                st.Page(accounts.render, title="Accounts", url_path=nav.ACCOUNTS, icon=":material/manage_accounts:"),
                st.Page(audit.render, title="Audit log", url_path=nav.AUDIT, icon=":material/history:"),
                st.Page(
                    clinic_settings.render,
                    title="Clinic settings",
                    url_path=nav.CLINIC_SETTINGS,
                    icon=":material/tune:",
                ),
            ]
        ui_auth.sidebar(actor)
        layout.narrow_screens()
        page = st.navigation(sections, expanded=True)
    with ui_auth.checked(actor):
        run_page(page)
