"""The sign-in form, its cookie and the guard in front of Streamlit, over HTTP against a real `serve.py` server.

Issue 14 row 4: the Streamlit session id was the bearer credential (it appears in upload URLs and logs, and a
closed tab could be resumed by it). Now a signed-in browser holds a random token in an HttpOnly, Secure,
SameSite=Strict cookie; the database keeps only its SHA-256; page loads without a live session go to the
sign-in form, and an upload needs the cookie of the tab it is for.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rehab.services import browser_sessions, patients
from rehab.store import browser_sessions as session_store
from rehab.store import open_database
from rehab.store import users as user_store
from tests.e2e.conftest import Server
from tests.helpers import PASSWORD, make_admin, make_clinician, patient_data
from tests.web_client import Client, Tab

pytestmark = pytest.mark.browser  # a real server process, like the browser tests


def _server(tmp_path: Path, server_factory, seed: bool = True) -> Server:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    db = open_database(url)
    if seed:
        make_admin(db)
    db.dispose()
    return server_factory(url)


def test_first_administrator_is_created_on_the_form_with_field_messages_and_csrf(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    server = _server(tmp_path, server_factory, seed=False)
    browser = Client(server)
    # Any page of a new installation leads to the set-up form.
    first = browser.request("GET", "/patients")
    assert first.status == 303 and first.header("location") == "/auth/signin?next=%2Fpatients"
    assert "Create the administrator account" in browser.request("GET", "/auth/signin").body
    # A post from another site carries no CSRF cookie: refused, nothing created.
    stranger = Client(server)
    forged = stranger.request(
        "POST",
        "/auth/setup",
        {"csrf": "x", "username": "evil", "display_name": "E", "password": "p" * 12, "confirm": "p" * 12},
    )
    assert forged.status == 400
    # Bad fields: each named at its field, nothing saved.
    token = browser.csrf()
    bad = browser.request(
        "POST",
        "/auth/setup",
        {"csrf": token, "username": "x", "display_name": "", "password": "short", "confirm": "other"},
    )
    assert bad.status == 400
    assert (
        'id="username-error"' in bad.body
        and 'id="password-error"' in bad.body
        and 'id="display_name-error"' in bad.body
    )
    db = open_database(server.database_url)
    assert db.run(user_store.count, write=False) == 0
    token = browser.csrf()
    done = browser.request(
        "POST",
        "/auth/setup",
        {"csrf": token, "username": "chief", "display_name": "Dr Chief", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert done.status == 303 and done.header("location") == "/"
    line = done.cookies()[browser_sessions.COOKIE]
    flags = {part.strip().lower() for part in line.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags, line
    token_value = browser.jar[browser_sessions.COOKIE]
    assert len(token_value) >= 40  # 32 random bytes, URL-safe
    # The database holds the token's SHA-256, never the token.
    record = db.run(
        lambda c: session_store.by_token_hash(c, hashlib.sha256(token_value.encode()).hexdigest()), write=False
    )
    assert record is not None and record.ended_at is None
    raw = db.run(lambda c: c.exec_driver_sql("SELECT token_hash FROM browser_sessions").scalars().all(), write=False)
    assert token_value not in raw
    db.dispose()
    # The cookie opens pages; the set-up form is gone for good.
    assert browser.request("GET", "/patients").status == 200
    assert "Create the administrator account" not in Client(server).request("GET", "/auth/signin").body


def test_sign_in_form_wrong_password_lockout_next_and_guarded_pages(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    server = _server(tmp_path, server_factory)
    browser = Client(server)
    # A bookmark to a patient page is kept through the sign-in.
    bounced = browser.request("GET", "/dashboard?patient=7")
    assert bounced.status == 303 and bounced.header("location") == "/auth/signin?next=%2Fdashboard%3Fpatient%3D7"
    wrong = browser.sign_in("admin", "not the password", "/dashboard?patient=7")
    assert wrong.status == 401 and "The username or password is not right" in wrong.body
    assert browser_sessions.COOKIE not in browser.jar
    ok = browser.sign_in("admin", PASSWORD, "/dashboard?patient=7")
    assert ok.status == 303 and ok.header("location") == "/dashboard?patient=7"
    assert browser.request("GET", "/dashboard?patient=7").status == 200
    # Signed in already: the form sends the browser on.
    assert browser.request("GET", "/auth/signin?next=%2Fplan").header("location") == "/plan"
    # Never an open redirect.
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/auth/signin"):
        other = Client(server)
        assert other.sign_in("admin", PASSWORD, evil).header("location") == "/", evil
    # Five wrong passwords from new browsers lock the account: then even the right one is refused.
    for _ in range(5):
        assert Client(server).sign_in("admin", "wrong again").status == 401
    locked = Client(server).sign_in("admin", PASSWORD)
    assert locked.status == 401 and browser_sessions.COOKIE not in locked.cookies()


def test_uploads_need_the_cookie_of_their_own_tab(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    server = _server(tmp_path, server_factory)
    # A session id read from a log, with no cookie, or with a cookie that never drew that session: refused.
    stranger = Client(server)
    assert stranger.request("PUT", "/_stcore/upload_file/0f0e0d0c-aaaa/1", html=False).status == 403
    signed = Client(server)
    assert signed.sign_in("admin", PASSWORD).status == 303
    assert signed.request("PUT", "/_stcore/upload_file/0f0e0d0c-aaaa/1", html=False).status == 403
    # Streamlit's own health route is not behind the guard (load balancers probe it).
    assert stranger.request("GET", "/_stcore/health", html=False).status == 200


def test_an_ended_session_cookie_opens_nothing(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    server = _server(tmp_path, server_factory)
    browser = Client(server)
    assert browser.sign_in("admin", PASSWORD).status == 303
    token = browser.jar[browser_sessions.COOKIE]
    db = open_database(server.database_url)
    assert browser_sessions.sign_out(db, token)
    db.dispose()
    assert browser.request("GET", "/patients").status == 303
    page = browser.request("GET", "/auth/signin")
    assert "You have signed out." in page.body
    assert browser_sessions.COOKIE not in browser.jar  # the stale cookie is cleared


def test_a_stolen_session_id_resumes_nothing(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    """Row 4 over the real websocket: a closed tab's session id, as read from a log, is resumed by someone else.

    Before, sign-in lived in that session's state, so resuming it within Streamlit's 120 s window opened the
    clinician's caseload and the patient they had chosen. Now the resumed tab has no cookie: it is signed out
    and its state cleared; with another clinician's cookie it starts clean, without the first one's patient.
    """
    url = f"sqlite:///{tmp_path / 'resume.db'}"
    db = open_database(url)
    admin = make_admin(db)
    make_clinician(db, admin, "ben")  # on no care team
    pid = patients.register(db, admin, patient_data(mrn="RES-1", given_name="Grace", family_name="Hopper"))
    db.dispose()
    server = server_factory(url)

    victim = Client(server)
    assert victim.sign_in("admin", PASSWORD).status == 303
    tab = Tab(server.url, cookies=victim.jar)
    drawn = tab.run("dashboard", f"patient={pid}")
    assert drawn.finished and any("HOPPER" in h for h in drawn.headings), drawn.headings
    stolen = tab.session_id
    assert stolen
    tab.close()

    thief = Tab(server.url, resume=stolen)  # no cookie: only the id from the log
    seen = thief.run("dashboard")
    assert thief.session_id == stolen  # Streamlit did resume that session ...
    assert seen.headings == ["Sign in"], seen.headings  # ... and it signs nobody in
    assert not seen.says("HOPPER") and not seen.says("Ada Admin")
    thief.close()

    colleague = Client(server)
    assert colleague.sign_in("ben", PASSWORD).status == 303
    other = Tab(server.url, cookies=colleague.jar, resume=stolen)
    seen = other.run("dashboard")
    assert other.session_id == stolen
    assert not seen.says("HOPPER"), seen.headings + seen.texts
    other.close()


def test_the_caseloads_own_address_is_the_app_root(tmp_path, server_factory) -> None:  # type: ignore[no-untyped-def]
    """A bookmark of /caseload opened Streamlit's "Page not found" dialog: the default page lives at "/"."""
    server = _server(tmp_path, server_factory)
    browser = Client(server)
    moved = browser.request("GET", "/caseload?x=1")
    assert moved.status == 308 and moved.header("location") == "/?x=1"
    assert browser.sign_in("admin", PASSWORD, "/caseload").header("location") == "/caseload"
    assert browser.request("GET", "/caseload").header("location") == "/"
    assert browser.request("GET", "/").status == 200
