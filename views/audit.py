"""The audit trail: who created, changed, viewed or exported what, and when."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from rehab.services import audit
from rehab.ui import auth as ui_auth
from rehab.ui.db import get_db
from rehab.ui.fmt import when


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
    patient = cols[3].number_input(
        "Patient id", min_value=0, step=1, value=0, key="audit_patient", help="0 means any patient."
    )
    since = until = None
    if isinstance(dates, tuple) and len(dates) == 2:
        since = datetime.combine(dates[0], time.min, tzinfo=UTC)
        until = datetime.combine(dates[1] + timedelta(days=1), time.min, tzinfo=UTC)
    entries = audit.entries(
        db,
        actor,
        username=username,
        action=None if action == "(any)" else action,
        patient_id=int(patient) or None,
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
