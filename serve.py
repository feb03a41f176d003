"""The server: Streamlit's ASGI app (app.py) with the sign-in routes and the session guard in front of it.

`streamlit run serve.py` finds ``app`` and serves it with uvicorn; so does `uvicorn serve:app`.
`python -m rehab serve` (what `make run` uses) runs one such process per core behind a sticky proxy.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from rehab import turns, workers
from rehab.config import settings
from rehab.web.guard import SessionGuard
from rehab.web.routes import routes

# PDFs and chart images are made in worker processes, off the interpreter that serves pages.
workers.enable(settings().report_processes)
# At most this many page scripts run at once in this process; the others wait their turn (rehab.turns).
turns.configure(settings().pages_at_once)
app = st.App(Path(__file__).with_name("app.py"), routes=routes(), middleware=[Middleware(SessionGuard)])
