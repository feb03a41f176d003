"""The patient a page is about: chosen on the Patients page, opened once per session with an audit entry."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain.patients import age_on
from rehab.services import patients
from rehab.services.context import AccessDenied, Actor, NotFound
from rehab.ui import nav
from rehab.ui.db import get_db
from rehab.ui.fmt import condition_label, day, md_escape, md_text, sex_label, side_label

_VIEWED = "_rehab_viewed_patient"


def current_patient(actor: Actor, *, title: str) -> patients.PatientView | None:
    """The selected patient's record, or a friendly message (and None) when there is none to show."""
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title(title)
        st.info("Choose a patient on the Patients page first.")
        if st.button("Go to Patients", key="go_patients"):
            nav.go(nav.PATIENTS)
        return None
    first_view = st.session_state.get(_VIEWED) != patient_id
    try:
        view = patients.open_record(get_db(), actor, patient_id, audit_view=first_view)
    except (AccessDenied, NotFound) as exc:
        st.title(title)
        st.error(md_text(str(exc)))
        return None
    st.session_state[_VIEWED] = patient_id
    return view


def header(view: patients.PatientView, *, prefix: str = "") -> None:
    record = view.record
    today = pd.Timestamp.today().date()
    st.title(f"{prefix}{md_escape(record.display_name)}")
    facts = [
        f"MRN {record.mrn}",
        f"{age_on(record.birth_date, today)} years (born {day(record.birth_date)})",
        sex_label(record.sex),
        condition_label(record.condition),
        f"affected side: {side_label(record.paretic_side)}",
    ]
    if record.event_date:
        facts.append(f"{(today - record.event_date).days} days since the event ({day(record.event_date)})")
    st.caption(md_escape(" · ".join(facts)))
