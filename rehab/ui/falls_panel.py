"""The patient record's Falls tab: the ProFaNE definition as help, the counts, the falls, and entry.

Falls are recorded on the patient record, not the assessment page: a fall is an event in the patient's history,
usually reported between sessions (diary, interview, incident report), not a result measured at a session.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rehab.domain import falls as domain
from rehab.domain.errors import ValidationErrors
from rehab.services import falls
from rehab.services.context import Actor
from rehab.store import Database
from rehab.store.patients import PatientRecord
from rehab.ui import export_widgets
from rehab.ui.fmt import md_text, when
from rehab.ui.forms import LATEST, OLDEST, FieldErrors


def show(db: Database, actor: Actor, patient: PatientRecord) -> None:
    view = falls.view(db, actor, patient.id)
    st.caption(md_text(domain.FALL_DEFINITION))
    h = view.history
    st.markdown(f"**Falls: {h.last_6_months} in the last 6 months, {h.last_12_months} in the last 12 months**")
    if view.current:
        st.dataframe(_table(view.current), hide_index=True, width="stretch")
    else:
        st.info("No falls recorded.")
    if patient.status == "active":
        _entry(db, actor, patient)
        if view.current:
            _correct(db, actor, view.current)
    if len(view.versions) > len(view.current):
        with st.expander("Every version (corrections and falls entered in error)"):
            st.dataframe(_table(view.versions, versions=True), hide_index=True, width="stretch")
    if view.versions:
        export_widgets.download(db, actor, patient.id, patient.mrn, "csv-falls", key="dl_csv_falls")


def _table(rows: list[falls.FallRecord], *, versions: bool = False) -> pd.DataFrame:
    data = [
        {
            "Date": f.fell_on,
            "Where": f.place_label,
            "Circumstances": f.circumstances,
            "Injury": f.injury_label + (f": {f.injury_note}" if f.injury_note else ""),
            "Reported by": f.reported_label,
            **(
                {"Version": f.version, "Status": f.status.replace("_", " "), "Why changed": f.status_reason}
                if versions
                else {}
            ),
            "Recorded": f"{when(f.recorded_at)} by {f.recorded_by_name}",
        }
        for f in rows
    ]
    return pd.DataFrame(data)


def _fields(prefix: str, errors: FieldErrors, current: falls.FallRecord | None = None) -> dict[str, object]:
    fell_on = st.date_input(
        "Date of the fall",
        value=current.fell_on if current else None,
        min_value=OLDEST,
        max_value=LATEST,
        key=f"{prefix}_date",
    )
    errors.slot("fell_on")
    place = st.radio(
        "Where",
        list(domain.Place),
        format_func=domain.PLACE_LABELS.__getitem__,
        horizontal=True,
        key=f"{prefix}_place",
        index=list(domain.Place).index(domain.Place(current.place)) if current else None,
    )
    errors.slot("place")
    circumstances = st.text_area(
        "Circumstances",
        value=current.circumstances if current else "",
        max_chars=domain.CIRCUMSTANCES_MAX,
        placeholder="What the patient was doing, how they fell, where they landed",
        key=f"{prefix}_circumstances",
    )
    errors.slot("circumstances")
    injury = st.selectbox(
        "Injury",
        list(domain.Injury),
        format_func=domain.INJURY_LABELS.__getitem__,
        key=f"{prefix}_injury",
        index=list(domain.Injury).index(domain.Injury(current.injury)) if current else None,
    )
    errors.slot("injury")
    injury_note = st.text_input(
        "Injury details (optional)", value=current.injury_note if current else "", key=f"{prefix}_note"
    )
    errors.slot("injury_note")
    reported_by = st.selectbox(
        "Reported by",
        list(domain.ReportedBy),
        format_func=domain.REPORTED_LABELS.__getitem__,
        key=f"{prefix}_reported",
        index=list(domain.ReportedBy).index(domain.ReportedBy(current.reported_by)) if current else None,
    )
    errors.slot("reported_by")
    return {
        "fell_on": fell_on,
        "place": place,
        "circumstances": circumstances,
        "injury": injury,
        "injury_note": injury_note,
        "reported_by": reported_by,
    }


def _entry(db: Database, actor: Actor, patient: PatientRecord) -> None:
    with st.expander("Record a fall", icon=":material/add:"):
        st.caption(md_text(domain.ASK_THE_PATIENT))
        errors = FieldErrors()
        with st.form("record_fall", clear_on_submit=True):
            raw = _fields("fall_new", errors)
            saved = st.form_submit_button("Save fall", type="primary")
        if saved:
            try:
                falls.record(db, actor, patient.id, raw)
            except ValidationErrors as exc:
                errors.show(exc)
                return
            st.toast("Fall saved.")
            st.rerun()


def _correct(db: Database, actor: Actor, current: list[falls.FallRecord]) -> None:
    with st.expander("Correct a fall, or mark it entered in error"):
        chosen = st.selectbox(
            "Fall",
            current,
            format_func=lambda f: f"{f.fell_on.isoformat()} · {f.place_label} · {f.circumstances[:40]}",
            key="fall_to_correct",
        )
        if chosen is None:
            return
        errors = FieldErrors()
        with st.form(f"correct_fall_{chosen.id}_{chosen.version}"):
            raw = _fields(f"fall_{chosen.id}_{chosen.version}", errors, chosen)
            reason = st.text_input("Reason for the change (required)", key=f"fall_reason_{chosen.id}")
            errors.slot("reason")
            correct = st.form_submit_button("Save correction")
            in_error = st.form_submit_button("Mark entered in error")
        if in_error:
            errors.save(
                lambda: falls.mark_entered_in_error(
                    db, actor, chosen.id, expected_version=chosen.version, reason=reason
                )
            )
        elif correct:
            errors.save(
                lambda: falls.correct(db, actor, chosen.id, raw, expected_version=chosen.version, reason=reason)
            )
