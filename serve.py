"""The server: Streamlit's ASGI app (app.py) with the sign-in routes and the session guard in front of it.

`streamlit run serve.py` finds ``app`` and serves it with uvicorn; so does `uvicorn serve:app`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from rehab.web.guard import SessionGuard
from rehab.web.routes import routes

app = st.App(Path(__file__).with_name("app.py"), routes=routes(), middleware=[Middleware(SessionGuard)])
