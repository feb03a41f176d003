"""Single sign-on over OpenID Connect: the authorization code flow with PKCE, ending in the app's own session.

`/auth/oidc/start` sends the browser to the hospital's identity provider with a fresh state, nonce and PKCE
challenge (RFC 7636), kept in a signed, short-lived, HttpOnly cookie scoped to `/auth/oidc/`. It must be
SameSite=Lax: the provider's redirect back is a cross-site navigation, which never carries a Strict cookie.
`/auth/oidc/callback` checks the state, exchanges the code (client secret, the PKCE verifier), verifies the ID
token's signature against the provider's published keys and its issuer, audience, expiry and nonce (OpenID
Connect Core §3.1.3.7), reads the name and groups from the userinfo endpoint, and then opens the same browser
session a password sign-in opens. The session cookie is SameSite=Strict, so the last step to the app is a
same-site navigation from a page of this site rather than a redirect chained to the provider's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.parse
import urllib.request
from html import escape
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from rehab.config import settings
from rehab.services import browser_sessions, sso
from rehab.web import pages
from rehab.web.routes import database, safe_next, set_session_cookie

log = logging.getLogger("rehab")

START = "/auth/oidc/start"
CALLBACK = "/auth/oidc/callback"
STATE_COOKIE = "rehab_oidc"
STATE_MAX_AGE_S = 600
_METADATA_TTL_S = 3600
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def _id_token_claims(
    id_token: str, key_set: dict[str, Any], metadata: dict[str, Any], config: sso.SsoConfig, held: dict[str, str]
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, subject, nonce and expiry check out.

    joserfc (with the cryptography library, about 9 MB a process) is loaded here, on the first sign-on, not
    by every server process at start: most clinics sign in with passwords.
    """
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        token = jwt.decode(id_token, KeySet.import_key_set(key_set))  # type: ignore[arg-type]
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": config.client_id},
            sub={"essential": True},
            nonce={"essential": True, "value": held["nonce"]},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        log.error("single sign-on: ID token refused: %s", exc)
        raise SignOnError("The identity provider's answer could not be verified.") from exc
    return dict(token.claims)


class SignOnError(Exception):
    """Something in the exchange with the provider failed; the message is safe to show."""


def _fetch(url: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # only the configured provider
            parsed = json.loads(reply.read().decode("utf-8"))
    except Exception as exc:  # the provider down, a refusal, or no JSON
        log.error("single sign-on: %s %s failed: %s", "POST" if body else "GET", url, exc)
        raise SignOnError("The identity provider could not be reached or refused the request.") from exc
    if not isinstance(parsed, dict):
        raise SignOnError("The identity provider sent an answer this app cannot read.")
    return parsed


def provider_metadata(config: sso.SsoConfig) -> dict[str, Any]:
    """The provider's discovery document, fetched at most hourly per process."""
    with _lock:
        cached = _metadata.get(config.server_metadata_url)
    if cached and time.monotonic() - cached[0] < _METADATA_TTL_S:
        return cached[1]
    document = _fetch(config.server_metadata_url)
    with _lock:
        _metadata[config.server_metadata_url] = (time.monotonic(), document)
    return document


def _signer(config: sso.SsoConfig) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config.cookie_secret, salt="rehab-oidc-state")


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def _refusal(message: str, status: int = 403) -> HTMLResponse:
    html = pages.sign_on_refused(message, waiting=message == sso.AWAITING)
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc/")
    return response


async def start(request: Request) -> Response:
    config = await run_in_threadpool(sso.load_config)
    if config is None:
        return _refusal("Single sign-on is not set up on this server.", status=404)
    try:
        metadata = await run_in_threadpool(provider_metadata, config)
    except SignOnError as exc:
        return _refusal(str(exc), status=502)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": config.redirect_uri,
            "scope": config.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    response = RedirectResponse(f"{metadata['authorization_endpoint']}?{query}", status_code=303)
    held = {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(request.query_params.get("next"))}
    response.set_cookie(
        STATE_COOKIE,
        _signer(config).dumps(held),
        max_age=STATE_MAX_AGE_S,
        path="/auth/oidc/",
        secure=settings().cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return response


def _verified_claims(config: sso.SsoConfig, code: str, held: dict[str, str]) -> sso.Claims:
    metadata = provider_metadata(config)
    basic = base64.b64encode(
        f"{urllib.parse.quote(config.client_id)}:{urllib.parse.quote(config.client_secret)}".encode()
    ).decode()
    tokens = _fetch(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": config.redirect_uri,
            "code_verifier": held["verifier"],
        },
        headers={"Authorization": f"Basic {basic}"},
    )
    claims = _id_token_claims(str(tokens.get("id_token", "")), _fetch(metadata["jwks_uri"]), metadata, config, held)
    if metadata.get("userinfo_endpoint") and tokens.get("access_token"):
        info = _fetch(metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
        if info.get("sub") == claims["sub"]:  # userinfo about someone else is ignored (Core §5.3.2)
            claims = {**info, **claims}
    groups = claims.get(config.groups_claim) or []
    return sso.Claims(
        issuer=str(metadata["issuer"]),
        subject=str(claims["sub"]),
        name=str(claims.get("name") or ""),
        username=str(claims.get("preferred_username") or claims.get("email") or ""),
        groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
    )


def _continue_to(next_path: str) -> str:
    """A page of this site that moves on to the app: a same-site step, so the Strict session cookie goes too."""
    target = escape(next_path, quote=True)
    return pages.page(
        "Signing in",
        f'<meta http-equiv="refresh" content="0;url={target}">'
        f'<h1>Signing in</h1><p>Opening the app… <a href="{target}">Continue</a></p>',
    )


async def callback(request: Request) -> Response:
    config = await run_in_threadpool(sso.load_config)
    if config is None:
        return _refusal("Single sign-on is not set up on this server.", status=404)
    try:
        held = _signer(config).loads(request.cookies.get(STATE_COOKIE, ""), max_age=STATE_MAX_AGE_S)
    except BadSignature:
        return _refusal("The sign-in took too long or was started in another browser. Please try again.", 400)
    if request.query_params.get("error"):
        return _refusal("The identity provider did not sign you in.")
    if not hmac.compare_digest(str(held.get("state", "")), request.query_params.get("state", "")):
        return _refusal("The sign-in could not be matched to this browser. Please try again.", 400)
    try:
        claims = await run_in_threadpool(_verified_claims, config, request.query_params.get("code", ""), held)
        db = await run_in_threadpool(database)
        outcome = await run_in_threadpool(sso.complete_sign_in, db, config, claims)
        token = await run_in_threadpool(browser_sessions.open_session, db, outcome.actor) if outcome.actor else ""
    except SignOnError as exc:
        return _refusal(str(exc), status=502)
    if not token:
        return _refusal(outcome.message)
    response = HTMLResponse(_continue_to(safe_next(held.get("next"))), headers={"Cache-Control": "no-store"})
    set_session_cookie(response, token)
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc/")
    return response


def routes() -> list[Route]:
    return [Route(START, start, methods=["GET"]), Route(CALLBACK, callback, methods=["GET"])]
