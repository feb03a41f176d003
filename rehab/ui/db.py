"""The process-wide database handle (an engine, never a connection or session)."""

from __future__ import annotations

import streamlit as st

from rehab.config import settings
from rehab.services import daily
from rehab.store import Database, open_database


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    db = open_database(url)
    if settings().prepare_caseload:
        daily.start(db)  # today's caseload read in the background, so the first view does not wait
    return db


def get_db() -> Database:
    return _database(settings().database_url)
