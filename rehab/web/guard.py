"""ASGI middleware in front of Streamlit: pages need a live browser session, uploads need the tab's own cookie.

- A page load (an HTML GET outside Streamlit's own routes) without a live session is sent to the sign-in form,
  with the page and its query (``?patient=``) kept in ``next`` so the clinician lands where they were.
- An upload to ``/_stcore/upload_file/<session id>/...`` is accepted only with the cookie whose page run drew
  that session, so a session id read from a log or a URL cannot push files into someone's tab.
The websocket itself is left to Streamlit: every page run re-checks the cookie it was opened with.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool

from rehab.services import browser_sessions
from rehab.ui.nav import CASELOAD
from rehab.web import bindings
from rehab.web.routes import SIGN_IN, database

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Streamlit's own routes and this app's sign-in routes; everything else that asks for HTML is a page.
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/auth/", "/app/static/")
_UPLOAD = "/_stcore/upload_file/"
DEFAULT_PAGE = f"/{CASELOAD}"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            if name in jar:
                return jar[name].value
    return None


def _wants_html(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"accept":
            return b"text/html" in value
    return False


def is_page_load(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return (
        scope.get("type") == "http"
        and scope.get("method") in ("GET", "HEAD")
        and not path.startswith(_NOT_PAGES)
        and "." not in path.rsplit("/", 1)[-1]  # favicon.png, robots.txt, manifest.json: static files
        and _wants_html(scope)
    )


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SessionGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope.get("type") == "http" and path.startswith(_UPLOAD):
            if not await self._upload_allowed(scope, path):
                await _respond(send, 403, [(b"content-type", b"text/plain")], b"Sign in again to upload files.")
                return
        elif is_page_load(scope) and path.rstrip("/") == DEFAULT_PAGE:
            # Streamlit serves the default page (the caseload) at "/" only; its own address, from a bookmark or a
            # link, would open a "Page not found" dialog. The same page at "/", with the query kept.
            query = scope.get("query_string", b"").decode("latin-1")
            target = "/" + (f"?{query}" if query else "")
            await _respond(send, 308, [(b"location", target.encode("latin-1")), (b"cache-control", b"no-store")])
            return
        elif is_page_load(scope) and not await self._signed_in(scope):
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            location = f"{SIGN_IN}?next={quote(target, safe='')}"
            await _respond(send, 303, [(b"location", location.encode("latin-1")), (b"cache-control", b"no-store")])
            return
        await self.app(scope, receive, send)

    async def _signed_in(self, scope: Scope) -> bool:
        token = _cookie(scope, browser_sessions.COOKIE)
        if not token:
            return False
        db = await run_in_threadpool(database)
        resolved = await run_in_threadpool(browser_sessions.resolve, db, token, activity=False)
        return resolved.actor is not None

    async def _upload_allowed(self, scope: Scope, path: str) -> bool:
        if scope.get("method") == "OPTIONS":
            return True
        session_id = path[len(_UPLOAD) :].split("/", 1)[0]
        token = _cookie(scope, browser_sessions.COOKIE)
        bound = bindings.bound_to(session_id)
        return (
            bool(token and bound) and browser_sessions.token_hash(str(token)) == bound and await self._signed_in(scope)
        )
