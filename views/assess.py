"""Record an assessment: one measure or a preset battery, checked together, then what it means."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from rehab.domain import measures
from rehab.domain.errors import ValidationErrors
from rehab.services import assessments
from rehab.ui import assessment_results
from rehab.ui import auth as ui_auth
from rehab.ui.assessment_form import entry_fields, measure_help
from rehab.ui.db import get_db
from rehab.ui.fmt import md_text
from rehab.ui.patient_context import current_patient, header
from rehab.ui.timezones import clinic_timezone, to_utc

_LAST = "_rehab_last_assessment"
_NONCE = "_rehab_assess_entry"


def render() -> None:
    actor = ui_auth.require()
    db = get_db()
    view = current_patient(actor, title="Record an assessment")
    if view is None:
        return
    patient = view.record
    header(view, prefix="Assess · ")
    last = st.session_state.get(_LAST)
    if last and last[0] == patient.id:
        st.success("Saved. What the results mean:")
        assessment_results.show(assessments.results(db, actor, patient.id, last[1]))
        st.divider()

    # Widget keys carry a per-entry number, so a saved entry's fields start empty for the next one.
    nonce = st.session_state.setdefault(_NONCE, 0)
    tz = clinic_timezone()
    now = datetime.now(tz)
    c1, c2, c3 = st.columns([1, 1, 2])
    day = c1.date_input("Date", value=now.date(), max_value=now.date(), key="as_date", format="YYYY-MM-DD")
    clock = c2.time_input("Time", value=now.time().replace(second=0, microsecond=0), key="as_time", step=300)
    mode = c3.radio(
        "Enter",
        ["measure", "battery"],
        key="as_mode",
        horizontal=True,
        format_func=lambda m: "One measure" if m == "measure" else "A preset battery",
    )
    taken_slot = st.empty()
    if mode == "battery":
        sets = {b.key: b for b in measures.batteries()}
        chosen = st.selectbox(
            "Battery",
            list(sets),
            key="as_battery",
            format_func=lambda b: f"{sets[b].name} ({', '.join(measures.get(k).name for k in sets[b].measures)})",
        )
        keys = list(sets[chosen].measures)
    else:
        every = sorted(measures.all_measures(), key=lambda m: (m.construct, m.name))
        keys = [
            st.selectbox(
                "Measure",
                [m.key for m in every],
                key="as_measure",
                format_func=lambda k: f"{measures.get(k).construct.capitalize()} · {measures.get(k).name}",
            )
        ]

    entries = {}
    slots = {}
    for key in keys:
        measure = measures.get(key)
        with st.container(border=True):
            st.header(measure.name, help=measure_help(measure))
            entries[key] = entry_fields(measure, patient, f"as{nonce}_{key}")
            slots[key] = st.empty()
    note = st.text_area("Note (optional)", key=f"as{nonce}_note", max_chars=2000)
    if not st.button("Save assessment", type="primary", key="as_save"):
        return
    try:
        results = assessments.record(db, actor, patient.id, taken_at=to_utc(day, clock, tz), entries=entries, note=note)
    except ValidationErrors as exc:
        errors = exc.by_field()
        for field, message in errors.items():
            key, _, sub = field.partition(".")
            if key in slots:
                slots[key].error(md_text(f"{sub.replace('_', ' ')}: {message}" if sub else message))
            elif field == "taken_at":
                taken_slot.error(md_text(message))
            else:
                st.error(md_text(message))
        st.error("Nothing was saved. Correct the fields marked above.")
        return
    st.session_state[_LAST] = (patient.id, [r.record.id for r in results])
    st.session_state[_NONCE] = nonce + 1
    for key in ("as_date", "as_time"):  # the next entry starts at now, never silently backdated like this one
        st.session_state.pop(key, None)
    st.rerun()
