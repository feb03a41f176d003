"""The last line of defence: an unexpected error becomes a calm message and a log entry, never a traceback."""

from __future__ import annotations

import logging
import uuid

import streamlit as st
from streamlit.navigation.page import StreamlitPage

log = logging.getLogger("rehab")

CRASH_MESSAGE = (
    "This page hit an unexpected problem (reference {ref}). Every save is all-or-nothing, so nothing is "
    "half-saved. The details were written to the server log: please pass the reference to your administrator. "
    "Reload the page to continue."
)


def run_page(page: StreamlitPage) -> None:
    """Run the chosen page; st.rerun/st.stop pass through (they are not Exceptions)."""
    try:
        page.run()
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("page %r failed (reference %s)", page.url_path, ref)
        st.error(CRASH_MESSAGE.format(ref=ref), icon=":material/error:")
