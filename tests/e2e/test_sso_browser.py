"""Single sign-on in Chromium against a real OpenID provider (npm `oidc-provider`, started here on loopback).

The app and the provider run as separate processes; the browser goes to the provider and back as it would
to a hospital's identity provider. Covered: the sign-in button, a first sign-in waiting for an administrator,
an approved identity landing on the page it asked for, a group claim making the account at once, a refused
identity, sign-out, and a session that runs out (the idle time-out) sending the clinician back to sign in.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from rehab.services import patients, sso
from rehab.services.auth import current_actor
from rehab.store import open_database
from tests.e2e.conftest import ROOT, _free_port, sign_in_as, wait_for_app
from tests.helpers import PASSWORD, make_admin, patient_data

pytestmark = pytest.mark.browser

PROVIDER = ROOT / "tests" / "e2e" / "oidc"
ACCOUNTS = {
    "grace": {"name": "Grace Hopper", "groups": ["staff"]},
    "ada": {"name": "Ada Byron", "groups": ["rehab-clinicians"]},
    "mallory": {"name": "Mallory Intruder", "groups": []},
}


def _provider(port: int, redirect_uri: str, log: Path) -> subprocess.Popen[bytes]:
    if not (PROVIDER / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("the test OpenID provider is not installed: run `make test` (it runs npm ci there)")
    env = dict(
        os.environ,
        OIDC_PORT=str(port),
        OIDC_CLIENT_ID="rehab",
        OIDC_CLIENT_SECRET="test-client-secret",
        OIDC_REDIRECT_URI=redirect_uri,
        OIDC_ACCOUNTS=json.dumps(ACCOUNTS),
    )
    process = subprocess.Popen(
        ["node", str(PROVIDER / "provider.mjs")], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the OpenID provider did not start: {log.read_text()}")


@pytest.fixture
def clinic(tmp_path: Path, server_factory, monkeypatch) -> Iterator[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'sso.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="SSO-1", given_name="Rosalind", family_name="Franklin"))
    db.dispose()
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("REHAB_SSO_CONFIG", str(secrets))
    monkeypatch.setenv("REHAB_IDLE_MINUTES", "30")
    server = server_factory(url)
    port = _free_port()
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{server.url}/auth/oidc/callback"\n'
        'cookie_secret = "a test secret that is long enough to sign"\n'
        'client_id = "rehab"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{port}/.well-known/openid-configuration"\n'
        'provider_label = "Test Hospital"\n'
        'scope = "openid profile groups"\n'
        '[auth.role_groups]\n"rehab-clinicians" = "clinician"\n'
    )
    provider = _provider(port, f"{server.url}/auth/oidc/callback", tmp_path / "provider.log")
    try:
        yield server.url, url, pid
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def _through_provider(page, login: str) -> None:  # type: ignore[no-untyped-def]
    """Via the provider's own pages: type the login (any password) and allow the app, where it asks.

    A browser already signed in at the provider is sent straight back, as with a hospital's single sign-on.
    """
    page.get_by_role("link", name="Sign in with Test Hospital").click()
    for _ in range(4):
        page.wait_for_load_state()
        if "/interaction/" not in page.url:
            return
        if page.locator("input[name='login']").count():
            page.fill("input[name='login']", login)
            page.fill("input[name='password']", "anything")
            page.get_by_role("button", name="Sign-in").click()
        else:
            page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def test_single_sign_on_against_a_real_provider(clinic, browser, artifacts) -> None:  # type: ignore[no-untyped-def]
    base, url, pid = clinic
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/dashboard?patient={pid}")
    page.get_by_role("link", name="Sign in with Test Hospital").wait_for()
    for width in (1440, 1024, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"sign-in-with-sso-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), width
    page.set_viewport_size({"width": 1024, "height": 900})

    # Grace's first sign-in: verified by the provider, but nobody has let her in yet.
    _through_provider(page, "grace")
    page.get_by_text(sso.AWAITING).wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "sso-awaiting-approval.png"))
    assert "rehab_session" not in {c["name"] for c in context.cookies()}

    # The administrator sees her waiting on Accounts → Single sign-on.
    office = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    sign_in_as(office, base, "admin", PASSWORD)
    office.goto(f"{base}/accounts")
    wait_for_app(office)
    office.get_by_role("tab", name="Single sign-on").click()
    office.get_by_text("Grace Hopper: waiting since").wait_for(timeout=30_000)
    for width in (1440, 1024, 390):
        office.set_viewport_size({"width": width, "height": 1000})
        wait_for_app(office)
        office.screenshot(path=str(artifacts / f"accounts-sso-{width}.png"), full_page=True)

    db = open_database(url)
    admin = current_actor(db, 1)
    assert admin is not None
    [identity] = sso.list_identities(db, admin)
    assert identity.claimed_name == "Grace Hopper" and identity.issuer.startswith("http://127.0.0.1:")
    sso.approve_as_new_account(db, admin, identity.id, identity.version, "clinician")

    # Approved: she signs in again and lands on the page she had bookmarked, signed in as herself.
    page.goto(f"{base}/patients")
    _through_provider(page, "grace")
    wait_for_app(page)
    page.get_by_role("heading", name="Patients").first.wait_for(timeout=30_000)
    assert page.url.endswith("/patients"), page.url
    assert "Grace Hopper" in page.get_by_test_id("stSidebar").inner_text()
    cookie = next(c for c in context.cookies() if c["name"] == "rehab_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.screenshot(path=str(artifacts / "sso-signed-in.png"))

    # Sign-out ends the app's session (the provider's own session is the hospital's to end).
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    page.reload()
    page.get_by_role("link", name="Sign in with Test Hospital").wait_for()

    # A session that runs out: signed in again, then idle past the time-out.
    _through_provider(page, "grace")
    wait_for_app(page)
    page.get_by_role("heading", name="Caseload").wait_for(timeout=30_000)
    _age_sessions(db, minutes=31)
    page.reload()
    page.get_by_role("link", name="Sign in with Test Hospital").wait_for()
    assert "30 minutes without activity" in page.inner_text("body")

    # Ada carries the mapped group: her account is made at once, as a clinician.
    other = browser.new_context().new_page()
    other.goto(base)
    _through_provider(other, "ada")
    wait_for_app(other)
    other.get_by_role("heading", name="Caseload").wait_for(timeout=30_000)
    assert "Ada Byron (clinician)" in other.get_by_test_id("stSidebar").inner_text()

    # Mallory is refused by an administrator: the same message as a wrong password, and no session.
    stranger = browser.new_context()
    intruder = stranger.new_page()
    intruder.goto(base)
    _through_provider(intruder, "mallory")
    intruder.get_by_text(sso.AWAITING).wait_for(timeout=30_000)
    waiting = next(i for i in sso.list_identities(db, admin) if i.claimed_name == "Mallory Intruder")
    sso.refuse(db, admin, waiting.id, waiting.version)
    intruder.goto(base)
    _through_provider(intruder, "mallory")
    intruder.get_by_text("The username or password is not right").wait_for(timeout=30_000)
    assert "rehab_session" not in {c["name"] for c in stranger.cookies()}
    db.dispose()
    context.close()


def _age_sessions(db, minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Every open browser session last used ``minutes`` ago, as if the clinician had walked away."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from rehab.services.context import now_utc
    from rehab.store.tables import browser_sessions as table

    then = now_utc() - timedelta(minutes=minutes)
    db.run(lambda c: c.execute(update(table).where(table.c.ended_at.is_(None)).values(last_seen_at=then)))
    assert db.run(lambda c: c.execute(select(table.c.id).where(table.c.ended_at.is_(None))).first(), write=False)
