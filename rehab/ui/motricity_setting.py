"""Clinic settings: the Motricity Index zero-sum convention, off (a zero sum reported as 0) until signed off."""

from __future__ import annotations

import streamlit as st

from rehab.services import motricity
from rehab.services.context import Actor, ConflictError
from rehab.store import Database
from rehab.ui.fmt import md_escape, md_text


def panel(db: Database, actor: Actor) -> None:
    on, version = motricity.zero_plus_one(db)
    st.subheader("Motricity Index: a sum of 0")
    st.caption(md_text(motricity.HELP))
    with st.form(f"mi_zero_{version}"):
        chosen = st.checkbox("Report a Motricity Index sum of 0 as 1 (signed off by this clinic)", value=on)
        saved = st.form_submit_button("Save")
    if saved:
        try:
            motricity.save_zero_plus_one(db, actor, chosen, expected_version=version)
        except ConflictError as exc:
            st.error(md_escape(str(exc)))
            return
        st.toast("Saved; Motricity Index results entered from now on use it.")
        st.rerun()
