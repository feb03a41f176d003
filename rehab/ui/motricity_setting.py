"""Clinic settings: the Motricity Index zero-sum convention, off (a zero sum reported as 0) until signed off."""

from __future__ import annotations

import streamlit as st

from rehab.services import motricity
from rehab.services.context import Actor
from rehab.store import Database
from rehab.ui import sign_off
from rehab.ui.fmt import md_text


def panel(db: Database, actor: Actor) -> None:
    st.subheader("Motricity Index: a sum of 0")
    st.caption(md_text(motricity.HELP))
    sign_off.switch(
        "mi_zero",
        "Report a Motricity Index sum of 0 as 1 (signed off by this clinic)",
        motricity.zero_plus_one(db),
        lambda on, version: motricity.save_zero_plus_one(db, actor, on, expected_version=version),
        "Saved; Motricity Index results entered from now on use it.",
    )
