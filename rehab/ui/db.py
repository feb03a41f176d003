"""The process-wide database handle (an engine, never a connection or session)."""

from __future__ import annotations

import streamlit as st

from rehab.config import settings
from rehab.store import Database, open_database


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return open_database(url)


def get_db() -> Database:
    return _database(settings().database_url)
