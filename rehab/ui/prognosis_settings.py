"""Clinic settings: sign off (or withdraw) the prognosis figures the clinical reference marks unverified."""

from __future__ import annotations

import streamlit as st

from rehab.domain.errors import ValidationErrors
from rehab.services import prognosis
from rehab.services.context import Actor, ConflictError
from rehab.store import Database
from rehab.ui.fmt import md_text


def panel(db: Database, actor: Actor) -> None:
    current = prognosis.sign_offs(db)
    st.caption(
        "These figures are believed but not confirmed in a source found for the clinical reference: they are not "
        "shown until the clinic signs them off here. Each change is a new version and is audited."
    )
    with st.form(f"prognosis_sign_offs_{current.version}"):
        chosen = {
            ident
            for ident, label in prognosis.SIGN_OFF_LABELS.items()
            if st.checkbox(label, value=ident in current.ids, key=f"sign_off_{ident}_{current.version}")
        }
        submitted = st.form_submit_button("Save sign-offs", type="primary")
    if not submitted:
        return
    try:
        prognosis.save_sign_offs(db, actor, chosen, expected_version=current.version)
    except (ValidationErrors, ConflictError) as exc:
        st.error(md_text(str(exc)))
        return
    st.toast("Sign-offs saved.")
    st.rerun()
