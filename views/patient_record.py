"""One patient's record: details, care team, edits and their history, archive."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import accounts, patients
from rehab.services.context import Actor, ConflictError
from rehab.store import Database
from rehab.ui import assessment_history, falls_panel, nav
from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db
from rehab.ui.fmt import condition_label, md_escape, md_text, side_label, when
from rehab.ui.forms import FieldErrors
from rehab.ui.patient_context import current_patient, header
from rehab.ui.patient_form import patient_fields


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    view = current_patient(actor, title="Patient record")
    if view is None:
        return
    record = view.record
    header(view)
    if record.status != "active":
        st.warning("This record is archived: it is hidden from patient lists and cannot be edited until restored.")
    elif st.button("Record an assessment", type="primary", icon=":material/add:"):
        nav.go(nav.ASSESS)

    overview, tested, fell, edit, history = st.tabs(["Overview", "Assessments", "Falls", "Edit details", "History"])
    with overview:
        if st.button("Open the dashboard", icon=":material/dashboard:", key="record_to_dashboard"):
            nav.go(nav.DASHBOARD)
        st.header("Care team")
        st.dataframe(pd.DataFrame({"Clinician": [name for _, name in view.team]}), hide_index=True)
        st.header("Notes")
        st.text(record.notes or "No notes.")
        st.caption(
            f"Record version {record.version}, last changed {when(record.updated_at)} "
            f"by {md_escape(record.updated_by_name)}."
        )
    with tested:
        assessment_history.show(db, actor, view.record)
    with fell:
        falls_panel.show(db, actor, view.record)
    with edit:
        _edit_form(db, actor, view)
    with history:
        _history(db, actor, record.id)


def _edit_form(db: Database, actor: Actor, view: patients.PatientView) -> None:
    record = view.record
    if record.status != "active":
        if st.button("Restore record", key="restore_patient"):
            _archive(db, actor, record.id, record.version, archived=False)
        return
    errors = FieldErrors()
    # Edits are checked against the version the form was opened on, not whatever is newest at save time.
    base_key = f"_rehab_edit_base_{record.id}"
    base = st.session_state.setdefault(base_key, record.version)
    prefix = f"edit_{record.id}_{base}"
    with st.form(f"edit_patient_{record.id}"):
        data, team = patient_fields(
            prefix,
            errors,
            current=record,
            team_options=accounts.clinicians(db),
            team_current=[uid for uid, _ in view.team],
        )
        submitted = st.form_submit_button("Save changes", type="primary")
    if submitted:
        try:
            new_version = patients.update(db, actor, record.id, expected_version=base, data=data, care_team=team)
        except ValidationErrors as exc:
            errors.show(exc)
            return
        except ConflictError as exc:
            st.error(md_text(str(exc)))
            return
        st.session_state[base_key] = new_version
        st.toast("Changes saved.")
        st.rerun()
    if base != record.version:
        st.warning(f"{md_escape(record.updated_by_name)} saved a newer version of this record while you had it open.")
        if st.button("Discard my unsaved edits and load the latest version", key="reload_latest"):
            del st.session_state[base_key]
            st.rerun()
    with st.expander("Archive this record"):
        st.write("Archiving hides the patient from lists. Nothing is deleted and the record can be restored.")
        if st.button("Archive record", key="archive_patient"):
            _archive(db, actor, record.id, record.version, archived=True)


def _archive(db: Database, actor: Actor, patient_id: int, version: int, *, archived: bool) -> None:
    try:
        patients.set_archived(db, actor, patient_id, expected_version=version, archived=archived)
    except ConflictError as exc:
        st.error(md_text(str(exc)))
        return
    st.rerun()


def _history(db: Database, actor: Actor, patient_id: int) -> None:
    revisions = patients.revisions(db, actor, patient_id)
    if not revisions:
        st.info("No changes since the record was registered.")
        return
    rows = []
    for rev in revisions:
        snap = rev["snapshot"]
        rows.append(
            {
                "Version": rev["version"],
                "Replaced at": when(rev["replaced_at"]),
                "Replaced by": rev["replaced_by_name"],
                "MRN": snap.get("mrn"),
                "Name": f"{snap.get('family_name', '').upper()}, {snap.get('given_name', '')}",
                "Born": snap.get("birth_date"),
                "Condition": condition_label(str(snap.get("condition"))),
                "Event date": snap.get("event_date"),
                "Side": side_label(str(snap.get("paretic_side"))),
                "Status": snap.get("status"),
                "Care team": "not recorded" if rev["care_team_names"] is None else ", ".join(rev["care_team_names"]),
            }
        )
    st.caption("Earlier versions of this record, newest first. They are kept for ever.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
