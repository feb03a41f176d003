"""Which browser session each Streamlit session was last drawn for, so its upload URL needs that cookie too.

Streamlit's upload URL carries the websocket session id (``/_stcore/upload_file/<session id>/<file id>``) and
that id ends up in logs and browser history. The page run records here the hash of the cookie's token that
signed it in; the guard accepts an upload only from a request that carries the same cookie.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_bound: dict[str, str] = {}


def bind(streamlit_session_id: str, token_hash: str) -> None:
    with _lock:
        _bound[streamlit_session_id] = token_hash


def unbind(streamlit_session_id: str) -> None:
    with _lock:
        _bound.pop(streamlit_session_id, None)


def bound_to(streamlit_session_id: str) -> str | None:
    with _lock:
        return _bound.get(streamlit_session_id)
