"""Record an assessment: one measure or a preset battery, checked together, then what it means."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from rehab.domain import measures
from rehab.domain.context import patient_context
from rehab.domain.errors import ValidationErrors
from rehab.services import assessments
from rehab.ui import assessment_results
from rehab.ui import auth as ui_auth
from rehab.ui.assessment_entry import chosen_measures, refusal_of, show_refusal
from rehab.ui.assessment_form import entry_fields, measure_help
from rehab.ui.db import get_db
from rehab.ui.forms import LATEST, OLDEST, confirmations
from rehab.ui.patient_context import current_patient, header
from rehab.ui.timezones import clinic_timezone, to_utc

_LAST = "_rehab_last_assessment"
_NONCE = "_rehab_assess_entry"
_REFUSED = "_rehab_assess_refused"


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
    # Wide widget limits: a future date typed here is refused with a message by the service, never replaced by
    # today or clamped by the browser; any minute can be typed.
    day = c1.date_input(
        "Date", value=now.date(), min_value=OLDEST, max_value=LATEST, key="as_date", format="YYYY-MM-DD"
    )
    clock = c2.time_input("Time", value=now.time().replace(second=0, microsecond=0), key="as_time", step=60)
    mode = c3.radio(
        "Enter",
        ["measure", "battery"],
        key="as_mode",
        horizontal=True,
        format_func=lambda m: "One measure" if m == "measure" else "A preset battery",
    )
    taken_slot = st.empty()
    keys = chosen_measures(mode)
    ctx = patient_context(patient.condition, patient.birth_date, patient.event_date, now.date())
    sex = patient.sex if patient.sex in ("male", "female") else None
    # A refused save is shown again only for the entry it was about (same patient, entry and measures).
    entry_id = (patient.id, nonce, tuple(keys))
    refusal = st.session_state.get(_REFUSED, {})
    refusal = refusal if refusal.get("at") == entry_id else {}

    # One form: choosing item scores, typing trials and ticking boxes do not rerun the page; Save does.
    entries, slots = {}, {}
    with st.form(f"as_form_{nonce}", border=False, enter_to_submit=False):
        for key in keys:
            measure = measures.get(key)
            with st.container(border=True):
                st.header(measure.name, help=measure_help(measure, ctx, sex))
                entries[key] = entry_fields(measure, patient, f"as{nonce}_{key}")
                slots[key] = st.empty()
        note = st.text_area("Note (optional)", key=f"as{nonce}_note", max_chars=2000)
        confirmed = confirmations(refusal.get("asked", {}), f"as{nonce}_ok")
        submitted = st.form_submit_button("Save assessment", type="primary", key="as_save")
    if not submitted:
        show_refusal(refusal, slots, taken_slot)
        return
    try:
        results = assessments.record(
            db, actor, patient.id, taken_at=to_utc(day, clock, tz), entries=entries, note=note, confirmed=confirmed
        )
    except ValidationErrors as exc:
        # Kept for the next run, where the questions' "yes, this is right" boxes are drawn inside the form.
        st.session_state[_REFUSED] = dict(refusal_of(exc, patient, set(keys)), at=entry_id)
        st.rerun()
    st.session_state[_LAST] = (patient.id, [r.record.id for r in results])
    st.session_state[_NONCE] = nonce + 1
    st.session_state.pop(_REFUSED, None)
    for key in ("as_date", "as_time"):  # the next entry starts at now, never silently backdated like this one
        st.session_state.pop(key, None)
    st.rerun()
