"""A browser reduced to HTTP with a cookie jar (`Client`) and a tab reduced to Streamlit's websocket (`Tab`).

`Tab` speaks Streamlit 1.67's own protocol (protobuf ``BackMsg``/``ForwardMsg`` on ``/_stcore/stream``), so tests
can do what an attacker with a stolen session id or a load driver would do, and read the page that was drawn:
its headings, texts and the session id the server gave the tab.
"""

from __future__ import annotations

import http.client
import re
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


class HasUrl(Protocol):
    url: str


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        """Set-Cookie lines by name (the whole line, flags included)."""
        return {v.split("=", 1)[0]: v for k, v in self.headers if k.lower() == "set-cookie"}


@dataclass
class Client:
    """A browser reduced to what matters here: it keeps cookies (Secure ones too: the server is loopback)."""

    server: HasUrl
    jar: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        html: bool = True,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        host = urlsplit(self.server.url)
        conn = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=30)
        headers = {"Accept": "text/html" if html else "*/*", **(headers or {})}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        sent: str | bytes | None = body
        if form is not None:
            sent = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=sent, headers=headers)
        resp = conn.getresponse()
        reply = Reply(resp.status, resp.getheaders(), resp.read().decode("utf-8", "replace"))
        conn.close()
        for name, line in reply.cookies().items():
            value = line.split(";", 1)[0].split("=", 1)[1].strip('"')
            if "max-age=0" in line.lower() or "expires=thu, 01 jan 1970" in line.lower() or not value:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return reply

    def csrf(self, path: str = "/auth/signin") -> str:
        page = self.request("GET", path)
        match = re.search(r'name="csrf" value="([^"]+)"', page.body)
        assert match, page.body[:500]
        return match.group(1)

    def sign_in(self, username: str, password: str, next_path: str = "/") -> Reply:
        token = self.csrf()
        return self.request(
            "POST", "/auth/signin", {"csrf": token, "username": username, "password": password, "next": next_path}
        )


@dataclass
class Drawn:
    """One script run as the tab saw it."""

    session_id: str = ""
    headings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    buttons: dict[str, str] = field(default_factory=dict)  # label -> widget id, for ``Tab.click``
    statuses: list[str] = field(default_factory=list)  # st.status labels, as last drawn
    finished: bool = False

    def says(self, words: str) -> bool:
        return any(words in text for text in self.headings + self.texts)


def _texts(msg: ForwardMsg, drawn: Drawn) -> None:
    if msg.WhichOneof("type") != "delta":
        return
    if msg.delta.WhichOneof("type") == "add_block" and msg.delta.add_block.WhichOneof("type") == "expandable":
        block = msg.delta.add_block.expandable
        if block.state:  # st.status (an expander has no state)
            drawn.statuses.append(block.label)
        return
    if msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "heading":
        drawn.headings.append(element.heading.body)
    elif kind == "markdown":
        drawn.texts.append(element.markdown.body)
    elif kind == "alert":
        drawn.texts.append(element.alert.body)
    elif kind == "html":
        drawn.texts.append(element.html.body)
    elif kind == "button":
        drawn.buttons[element.button.label] = element.button.id


class Tab:
    """One connection to ``/_stcore/stream``, with the cookies a browser would send (or none)."""

    def __init__(self, base_url: str, *, cookies: dict[str, str] | None = None, resume: str = "") -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        # Streamlit reads [selected subprotocol, XSRF token, session id to resume] from this header.
        protocols = ["streamlit", "x", resume] if resume else ["streamlit"]
        self._open = ExitStack()
        self.ws: ClientConnection = self._open.enter_context(
            connect(
                f"{scheme}://{parts.netloc}/_stcore/stream",
                additional_headers=headers,
                subprotocols=protocols,  # type: ignore[arg-type]
                max_size=None,
                open_timeout=30,
            )
        )
        self.session_id = ""

    def run(self, page: str = "", query: str = "", *, timeout: float = 60.0, click: str = "") -> Drawn:
        """Ask for a script run of ``page`` (its url path) and collect what it draws until it finishes.

        ``click``: the widget id of a button (``Drawn.buttons``) pressed for this run, as a browser sends it.
        """
        msg = BackMsg()
        state = msg.rerun_script
        if click:
            pressed = state.widget_states.widgets.add()
            pressed.id = click
            pressed.trigger_value = True
        state.query_string = query
        state.page_name = page
        state.context_info.url = f"{self.base_url}/{page}" + (f"?{query}" if query else "")
        state.context_info.timezone = "UTC"
        self.ws.send(msg.SerializeToString())
        return self.collect(timeout=timeout)

    def collect(self, *, timeout: float = 60.0) -> Drawn:
        drawn = Drawn(session_id=self.session_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                raw = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            except (TimeoutError, ConnectionClosed):
                break
            msg = ForwardMsg()
            msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = drawn.session_id = msg.new_session.initialize.session_id
            elif kind == "script_finished" and msg.script_finished in _DONE:
                # A run that switches page or reruns ends early and starts again: wait for the real end.
                drawn.finished = True
                break
            _texts(msg, drawn)
        return drawn

    def close(self) -> None:
        self._open.close()
