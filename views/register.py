"""Register a new patient."""

from __future__ import annotations

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, patients
from rehab.ui import auth as ui_auth
from rehab.ui import nav
from rehab.ui.db import get_db
from rehab.ui.forms import FieldErrors
from rehab.ui.patient_form import patient_fields


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    st.title("Register a patient")
    st.caption("Fields are checked together when you save; nothing is stored unless everything is valid.")
    errors = FieldErrors()
    with st.form("register_patient"):
        data, team = patient_fields("new", errors, team_options=accounts.clinicians(db), team_current=[actor.user_id])
        submitted = st.form_submit_button("Register patient", type="primary")
    if submitted:
        try:
            patient_id = patients.register(db, actor, data, care_team=team)
        except ValidationErrors as exc:
            errors.show(exc)
            return
        for key in [k for k in st.session_state if str(k).startswith("new_")]:
            del st.session_state[key]
        nav.open_patient(patient_id)
