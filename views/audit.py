"""The audit trail: who created, changed, viewed or exported what, and when."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from rehab.services import audit
from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db
from rehab.ui.fmt import when
from rehab.ui.forms import number_field


def render() -> None:
    actor = ui_auth.require(admin=True)
    db = get_db()
    st.title("Audit log")
    st.caption("Every sign-in, record creation, change, archive, view and export. Entries cannot be edited or deleted.")
    cols = st.columns(4)
    username = cols[0].text_input("Username", key="audit_user").strip().lower() or None
    action = cols[1].selectbox("Action", ["(any)", *audit.ACTIONS], key="audit_action")
    today = datetime.now(UTC).date()
    dates = cols[2].date_input(
        "Between", value=(today - timedelta(days=30), today), key="audit_dates", format="YYYY-MM-DD"
    )
    patient = number_field("Patient id", "audit_patient", where=cols[3], help="Leave empty for any patient.")
    if patient is not None and (isinstance(patient, bool) or not isinstance(patient, int) or patient < 1):
        cols[3].error("Patient id: a whole number from 1, or empty for any patient.")  # read as typed, never 0
        return
    since = until = None
    if isinstance(dates, tuple) and len(dates) == 2:
        since = datetime.combine(dates[0], time.min, tzinfo=UTC)
        until = datetime.combine(dates[1] + timedelta(days=1), time.min, tzinfo=UTC)
    entries = audit.entries(
        db,
        actor,
        username=username,
        action=None if action == "(any)" else action,
        patient_id=patient,
        since=since,
        until=until,
        limit=1000,
    )
    if not entries:
        st.info("No entries match these filters.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "When": [when(e.at) for e in entries],
                "User": [e.username for e in entries],
                "Action": [e.action for e in entries],
                "Record": [f"{e.entity} {e.entity_id or ''}".strip() for e in entries],
                "Patient id": [e.patient_id for e in entries],
                "Detail": [e.detail for e in entries],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"{len(entries)} most recent matching entries (up to 1,000).")
