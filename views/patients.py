"""Find a patient by name or MRN and open their record."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain.patients import age_on
from rehab.services import patients
from rehab.ui import auth as ui_auth
from rehab.ui import nav
from rehab.ui.db import get_db
from rehab.ui.fmt import condition_label, side_label
from rehab.ui.tables import fitted

PAGE_SIZE = 50


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    st.title("Patients")
    total = patients.count(db, actor)
    scope = "all patients" if actor.is_admin else "patients on your care team"
    left, right = st.columns([3, 1])
    with left:
        query = st.text_input(
            "Search by name or MRN",
            key="patient_search",
            placeholder="e.g. smith, or MRN 10045",
            help=f"Searches {scope} ({total} active). Case does not matter; several words narrow the search.",
        )
    with right:
        include_archived = st.toggle("Include archived", key="patient_search_archived")
    found = patients.search(db, actor, query, include_archived=include_archived, limit=PAGE_SIZE + 1)
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    if not found:
        st.info("No patients match." if query else "No patients yet. Register one to get started.")
        if st.button("Register a patient", type="primary"):
            nav.go(nav.REGISTER)
        return

    today = pd.Timestamp.today().date()
    table = pd.DataFrame(
        {
            "MRN": [p.mrn for p in found],
            "Name": [p.display_name for p in found],
            "Age": [age_on(p.birth_date, today) for p in found],
            "Condition": [condition_label(p.condition) for p in found],
            "Affected side": [side_label(p.paretic_side) for p in found],
            "Days since event": [(today - p.event_date).days if p.event_date else None for p in found],
            "Status": [p.status for p in found],
        }
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=fitted(table),
        on_select="rerun",
        selection_mode="single-row",
        key="patient_rows",
    )
    rows = picked.selection.rows if picked is not None else []
    if rows:
        nav.open_patient(found[rows[0]].id)
    st.caption("Tick the box at the left of a patient's row to open their record, or choose the patient below.")
    if more:
        st.caption(f"Showing the first {PAGE_SIZE}; refine the search to see others.")
    labels = {p.id: f"{p.display_name} · MRN {p.mrn} · born {p.birth_date.isoformat()}" for p in found}
    choice = st.selectbox("Patient", list(labels), format_func=labels.__getitem__, key="patient_choice")
    if st.button("Open record", type="primary", key="open_record") and choice is not None:
        nav.open_patient(choice)
