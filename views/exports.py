"""Reports & export for the selected patient: session summaries, a progress report, CSV and FHIR R4."""

from __future__ import annotations

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import exports
from rehab.services.context import AccessDenied, Actor, NotFound
from rehab.store import Database
from rehab.ui import auth as ui_auth
from rehab.ui import export_widgets as buttons
from rehab.ui import nav, report_widgets
from rehab.ui.db import get_db
from rehab.ui.fmt import md_escape

_VIEWED = "_rehab_viewed_exports"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    patient_id = nav.selected_patient()
    if patient_id is None:
        st.title("Reports & export")
        st.info("Choose a patient on the Patients page first.")
        if st.button("Go to Patients"):
            nav.go(nav.PATIENTS)
        return
    first_view = st.session_state.get(_VIEWED) != patient_id
    try:
        options = exports.export_options(db, actor, patient_id, audit_view=first_view)
    except (AccessDenied, NotFound) as exc:
        st.title("Reports & export")
        st.error(md_escape(str(exc)))
        return
    st.session_state[_VIEWED] = patient_id
    patient = options.patient
    st.title(f"Reports & export · {md_escape(patient.display_name)}")
    st.caption(
        md_escape(f"MRN {patient.mrn}. ")
        + "Each file is made when you click its button, then offered for download; making it is recorded in the "
        "audit log with the file's SHA-256 fingerprint. If a file cannot be made, the page says why and nothing "
        "is exported."
    )
    page = st.radio("PDF page size", ["A4", "Letter"], horizontal=True, key="export_page_size")
    report_widgets.own_registration(db, actor)

    st.header("Session summary")
    if not options.sessions:
        st.info("No treatment session recorded yet.")
    else:
        labels = {c.id: c.label for c in options.sessions}
        chosen = st.selectbox("Session", list(labels), format_func=lambda i: labels[i], key="export_session")
        choice = next(c for c in options.sessions if c.id == chosen)
        _note_editor(db, actor, chosen)
        left, right = st.columns(2)
        with left:
            buttons.download(db, actor, patient_id, patient.mrn, "pdf", key="dl_pdf", primary=True,
                             session_date=choice.session_date, session_id=chosen, page_size=page)  # fmt: skip
        with right:
            buttons.download(db, actor, patient_id, patient.mrn, "pdf-patient", key="dl_pdf_patient",
                             session_date=choice.session_date, session_id=chosen, page_size=page)  # fmt: skip
        buttons.download(db, actor, patient_id, patient.mrn, "fhir-document", key="dl_fhir_document",
                         session_date=choice.session_date, session_id=chosen)  # fmt: skip
        st.caption(
            "The clinical version is for the notes and referrers; the patient version says the same in plain "
            "language: what was done, what improved, what comes next and why strength rises before muscles grow. "
            "The FHIR document is the same session for an EHR to file."
        )

    st.header("Progress report")
    if options.first_day is None or options.last_day is None:
        st.info("No sessions or assessments recorded yet.")
    else:
        picked = st.date_input(
            "Period", value=(options.first_day, options.last_day), key="export_period", format="YYYY-MM-DD"
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
            buttons.download(db, actor, patient_id, patient.mrn, "progress-pdf", key="dl_progress",
                             start=start, end=end, page_size=page)  # fmt: skip
            st.caption("Baseline versus latest for each measure, exercise loads, phase history and charts. "
                       "Drawing the charts takes a few seconds; the page shows its progress meanwhile.")  # fmt: skip
        else:
            st.caption("Choose the first and the last day of the period.")

    st.header("Data for other systems")
    rows = (("csv", "csv-sessions"), ("csv-goals", "csv-falls"), ("fhir", "fhir-transaction"))
    for pair in rows:  # two a row: labels stay whole at 1,024 px
        for col, kind in zip(st.columns(2), pair, strict=True):
            with col:
                buttons.download(db, actor, patient_id, patient.mrn, kind, key=f"dl_{kind}")
    st.caption(
        "CSV files open in spreadsheets (UTF-8); cells that a spreadsheet would run as a formula are prefixed "
        "with an apostrophe. The assessments CSV uses the Import page's columns, so it can be imported "
        "elsewhere. The goals CSV has a row per goal and a row per review. FHIR R4: the bundle holds the whole "
        "record (assessments, goals, falls and predictions included) to read or archive; the transaction holds "
        "the same, to post to the hospital's FHIR server, which creates each patient and record only once."
    )
    if st.button("Import assessments from a file", key="to_import"):
        nav.go(nav.IMPORT)


def _note_editor(db: Database, actor: Actor, session_id: int) -> None:
    """The clinician's note printed on the summary; saving adds a version, the earlier wording is kept."""
    current = exports.session_note(db, actor, session_id)
    with st.form(f"note_{session_id}", border=False):
        text = st.text_area("Clinician's note for this session", value=current, max_chars=exports.NOTE_MAX)
        if st.form_submit_button("Save note"):
            try:
                exports.save_session_note(db, actor, session_id, text)
            except ValidationErrors as exc:
                messages = exc.messages()
                st.error("\n".join(md_escape(m) for m in messages))
                return
            except (AccessDenied, NotFound) as exc:
                st.error(md_escape(str(exc)))
                return
            st.success("Note saved; it is printed on the session summary.")
