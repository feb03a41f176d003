"""Page addresses, so pages can link to each other without importing each other."""

from __future__ import annotations

import streamlit as st

PATIENTS = "patients"
PATIENT = "patient"
REGISTER = "register"
ASSESS = "assess"
PLAN = "plan"
TREATMENT = "treatment"
ACCOUNTS = "accounts"
AUDIT = "audit"
CLINIC_SETTINGS = "settings"
DASHBOARD = "dashboard"
CASELOAD = "caseload"
EXPORTS = "exports"
IMPORT = "import"

_SELECTED = "_rehab_patient_id"


def _noop() -> None:
    return None


def go(url_path: str) -> None:
    """Switch to a page declared in app.py (pages are matched by their url path)."""
    st.switch_page(st.Page(_noop, url_path=url_path, title=url_path))


def open_patient(patient_id: int) -> None:
    st.session_state[_SELECTED] = int(patient_id)
    go(PATIENT)


def open_dashboard(patient_id: int) -> None:
    st.session_state[_SELECTED] = int(patient_id)
    go(DASHBOARD)


def selected_patient() -> int | None:
    value = st.session_state.get(_SELECTED)
    return int(value) if isinstance(value, int) else None
