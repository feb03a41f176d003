"""Page addresses, so pages can link to each other without importing each other.

The patient a page is about is named in its address (``?patient=<id>``), so a refresh, a bookmark, a second
tab or a link from the caseload lands on the same patient; opening the record still goes through the care-team
check in the services like every access.
"""

from __future__ import annotations

import streamlit as st

from rehab.ui.fmt import md_escape

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
GOALS = "goals"

_SELECTED = "_rehab_patient_id"
PATIENT_PARAM = "patient"
# Pages about one patient: they carry ``?patient=`` in their address.
PATIENT_PAGES = frozenset({DASHBOARD, PATIENT, ASSESS, PLAN, TREATMENT, GOALS, EXPORTS})


def _noop() -> None:
    return None


def go(url_path: str) -> None:
    """Switch to a page declared in app.py (pages are matched by their url path); patient pages keep the patient."""
    chosen = st.session_state.get(_SELECTED)
    params = {PATIENT_PARAM: str(chosen)} if url_path in PATIENT_PAGES and isinstance(chosen, int) else None
    st.switch_page(st.Page(_noop, url_path=url_path, title=url_path), query_params=params)


def open_patient(patient_id: int) -> None:
    st.session_state[_SELECTED] = int(patient_id)
    go(PATIENT)


def open_dashboard(patient_id: int) -> None:
    st.session_state[_SELECTED] = int(patient_id)
    go(DASHBOARD)


def patient_link(url_path: str, patient_id: int) -> str:
    """The address of a patient page for this patient (for links and bookmarks)."""
    return f"/{url_path}?{PATIENT_PARAM}={int(patient_id)}"


def patient_page_link(url_path: str, patient_id: int, label: str) -> None:
    """A link to a patient page for this patient (``?patient=<id>``), opened in this tab like the menu's."""
    st.page_link(
        st.Page(_noop, url_path=url_path, title=url_path),
        label=label,
        query_params={PATIENT_PARAM: str(int(patient_id))},
    )


def _from_address() -> int | str | None:
    """The patient named in the address: an id, None when none is named, or the text when it is no id."""
    raw = st.query_params.get(PATIENT_PARAM)
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else str(raw)


def selected_patient() -> int | None:
    """The patient this page is about: the address's ``?patient=`` if it names one, else this tab's choice.

    Whichever it is, the address is set to name it, so what the browser shows can be refreshed or bookmarked.
    An address that names no valid id is not guessed at: the page says so and shows no patient.
    """
    named = _from_address()
    if isinstance(named, str):
        st.warning(f"The address names no patient (“{md_escape(named[:40])}”). Choose a patient on the Patients page.")
        return None
    if named is not None:
        st.session_state[_SELECTED] = named
    value = st.session_state.get(_SELECTED)
    if not isinstance(value, int):
        return None
    if named != value:
        st.query_params[PATIENT_PARAM] = str(value)
    return value
