"""`/auth/signin` and `/auth/setup`: the only places a password is checked or a cookie set.

Each form carries a CSRF token that must match a SameSite=Strict cookie set with the form, so another site
cannot post a sign-in in the clinician's browser. The session cookie is HttpOnly (page scripts
cannot read it), SameSite=Strict and Secure (the browser sends it over HTTPS, and to http://localhost).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from rehab import turns
from rehab.config import settings
from rehab.domain.errors import ValidationErrors
from rehab.services import auth, browser_sessions
from rehab.store import Database
from rehab.web import pages

log = logging.getLogger("rehab")

CSRF_COOKIE = "rehab_csrf"
SIGN_IN = "/auth/signin"


def database() -> Database:
    from rehab.ui.db import process_database  # the page runs' own handle: one engine per process

    return process_database()


def safe_next(raw: object) -> str:
    """Only a path on this site: a sign-in must never send the browser elsewhere (an open redirect)."""
    text = str(raw or "/")
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    if parts.path.startswith("/auth/"):
        return "/"
    return text


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        browser_sessions.COOKIE,
        token,
        max_age=settings().session_hours * 3600,
        path="/",
        secure=settings().cookie_secure,
        httponly=True,
        samesite="strict",
    )


def _form_page(html: str, csrf: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        CSRF_COOKIE, csrf, path="/auth/", secure=settings().cookie_secure, httponly=True, samesite="strict"
    )
    return response


def _csrf_ok(request: Request, sent: object) -> bool:
    held = request.cookies.get(CSRF_COOKIE, "")
    return bool(held) and isinstance(sent, str) and hmac.compare_digest(held, sent)


def _unavailable(exc: Exception) -> HTMLResponse:
    log.error("%s", exc)
    return HTMLResponse(
        pages.unavailable("The database could not be opened. Your administrator can see why in the server log."),
        status_code=503,
    )


def _sso_button(next_path: str) -> tuple[str, str] | None:
    """(label, address) of the single sign-on button, when the server has a provider configured."""
    from rehab.services.sso import load_config

    try:
        config = load_config()
    except (ValueError, OSError) as exc:  # a broken [auth] table: password sign-in still works; the log says why
        log.error("single sign-on settings: %s", exc)
        return None
    if config is None:
        return None
    return config.label, "/auth/oidc/start" + (f"?next={quote(next_path, safe='')}" if next_path != "/" else "")


async def sign_in_page(request: Request) -> Response:
    try:
        db = await run_in_threadpool(database)
        first_run = await run_in_threadpool(auth.needs_first_admin, db)
        current = await run_in_threadpool(
            browser_sessions.resolve, db, request.cookies.get(browser_sessions.COOKIE), activity=False
        )
    except Exception as exc:
        return _unavailable(exc)
    next_path = safe_next(request.query_params.get("next"))
    if current.actor is not None:
        return RedirectResponse(next_path, status_code=303)
    csrf = secrets.token_urlsafe(24)
    if first_run:
        return _form_page(pages.first_admin(csrf=csrf), csrf)
    html = pages.sign_in(csrf=csrf, next_path=next_path, notice=current.notice, sso=_sso_button(next_path))
    response = _form_page(html, csrf)
    if request.cookies.get(browser_sessions.COOKIE):
        response.delete_cookie(browser_sessions.COOKIE, path="/")  # a stale token is dropped, not resent
    return response


def _check_password(db: Database, username: str, password: str, arrived: float) -> tuple[auth.SignInResult, str]:
    """Check the password and open the session in a page turn, as of when the form arrived (``rehab.turns``), and
    keep that moment for the pages this sign-in opens: clinicians arriving together are served through in order."""
    with turns.page_run(began=arrived):
        result = auth.sign_in(db, username, password)
        token = browser_sessions.open_session(db, result.actor) if result.actor else ""
    if token:
        turns.signed_in(token, arrived)
    return result, token


async def sign_in_submit(request: Request) -> Response:
    arrived = time.monotonic()
    form = await request.form()
    next_path = safe_next(form.get("next"))
    csrf = secrets.token_urlsafe(24)
    if not _csrf_ok(request, form.get("csrf")):
        html = pages.sign_in(
            csrf=csrf,
            next_path=next_path,
            error="The form had expired. Please sign in again.",
            sso=_sso_button(next_path),
        )
        return _form_page(html, csrf, status=400)
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    try:
        db = await run_in_threadpool(database)
        result, token = await run_in_threadpool(_check_password, db, username, password, arrived)
    except Exception as exc:
        return _unavailable(exc)
    if not token:
        html = pages.sign_in(
            csrf=csrf, next_path=next_path, error=result.message, username=username[:64], sso=_sso_button(next_path)
        )
        return _form_page(html, csrf, status=401)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, token)
    response.delete_cookie(CSRF_COOKIE, path="/auth/")
    return response


async def setup_submit(request: Request) -> Response:
    form = await request.form()
    csrf = secrets.token_urlsafe(24)
    values = {k: str(form.get(k) or "") for k in ("username", "display_name", "password", "confirm")}
    shown = {k: values[k] for k in ("username", "display_name")}
    if not _csrf_ok(request, form.get("csrf")):
        html = pages.first_admin(csrf=csrf, errors={"username": "The form had expired. Please try again."})
        return _form_page(html, csrf, status=400)
    try:
        db = await run_in_threadpool(database)
        actor = await run_in_threadpool(
            lambda: auth.create_first_admin(
                db,
                username=values["username"],
                display_name=values["display_name"],
                password=values["password"],
                confirm=values["confirm"],
            )
        )
        token = await run_in_threadpool(browser_sessions.open_session, db, actor)
    except ValidationErrors as exc:
        return _form_page(pages.first_admin(csrf=csrf, errors=exc.by_field(), values=shown), csrf, status=400)
    except Exception as exc:
        return _unavailable(exc)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, token)
    return response


def routes() -> list[Route]:
    from rehab.web import oidc  # it builds on this module's cookie and database helpers

    return [
        Route(SIGN_IN, sign_in_page, methods=["GET"]),
        Route(SIGN_IN, sign_in_submit, methods=["POST"]),
        Route("/auth/setup", setup_submit, methods=["POST"]),
        *oidc.routes(),
    ]
