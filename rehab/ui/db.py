"""The process-wide database handle (an engine, never a connection or session)."""

from __future__ import annotations

import logging

import streamlit as st

from rehab.config import settings
from rehab.services import daily
from rehab.store import Database, open_database
from rehab.store.db import MigrationNotPermitted
from rehab.store.integrity import DatabaseTampered
from rehab.store.roles import UnsafeDatabaseRole

log = logging.getLogger("rehab")

TAMPERED_MESSAGE = (
    "The app will not open its database: it is not as this application's migrations left it (someone may "
    "have changed it outside the app). Nothing was read or changed. Your administrator can see what is wrong "
    "in the server log or by running `python -m rehab init-db`."
)
MIGRATION_MESSAGE = (
    "The app will not open its database: the schema needs upgrading and the app's database account may not "
    "do that. Your administrator runs `python -m rehab init-db` as the owner role (see the server log)."
)
UNSAFE_ROLE_MESSAGE = (
    "The app will not open its database: its database account could switch off the audit log's protection, "
    "and this installation is set to refuse that (REHAB_REQUIRE_APP_ROLE). Nothing was read or changed. Your "
    "administrator can see what to change in the server log or by running `python -m rehab init-db`."
)


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    db = open_database(url)
    if settings().prepare_caseload:
        daily.start(db)  # today's caseload read in the background, so the first view does not wait
    return db


def process_database() -> Database:
    """The handle for work outside a page run (the sign-in routes); raises what opening the database raises."""
    return _database(settings().database_url)


def get_db() -> Database:
    try:
        return _database(settings().database_url)
    except DatabaseTampered as exc:
        # Not cached: once the database is restored, the next page load opens it. The details name
        # triggers and tables, so they go to the log, not to a visitor who may not be signed in.
        log.error("%s", exc)
        st.error(TAMPERED_MESSAGE, icon=":material/gpp_bad:")
        st.stop()
        raise AssertionError("unreachable") from None
    except (UnsafeDatabaseRole, MigrationNotPermitted) as exc:
        log.error("%s", exc)
        message = UNSAFE_ROLE_MESSAGE if isinstance(exc, UnsafeDatabaseRole) else MIGRATION_MESSAGE
        st.error(message, icon=":material/gpp_bad:")
        st.stop()
        raise AssertionError("unreachable") from None
