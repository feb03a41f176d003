"""A rule the clinic signs off before it applies: one checkbox, saved as a new version of the setting."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from rehab.services.context import ConflictError
from rehab.ui.fmt import md_escape


def switch(form: str, label: str, state: tuple[bool, int], save: Callable[[bool, int], object], done: str) -> None:
    """``state`` is (on, version); ``save(on, expected_version)`` stores the choice; ``done`` is said after."""
    on, version = state
    with st.form(f"{form}_{version}"):
        chosen = st.checkbox(label, value=on)
        saved = st.form_submit_button("Save")
    if saved:
        try:
            save(chosen, version)
        except ConflictError as exc:
            st.error(md_escape(str(exc)))
            return
        st.toast(done)
        st.rerun()
