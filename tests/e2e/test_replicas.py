"""More than one app process, as in a deployment with several replicas.

Two replicas on one PostgreSQL database: what one saves, the other shows; one is killed and restarted
on the same port, and both carry on. Then deploy/nginx.conf run for real (Debian's nginx, TLS, only
ports and paths swapped for temporary loopback ones) in front of two replicas: health, the app in a
browser (websocket included), one browser kept on one replica, new browsers spread over both, metrics
closed, plain HTTP redirected, and a killed replica's browsers taken over by the other.
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tests.e2e.conftest as e2e
from rehab.store import open_database
from tests.e2e.conftest import (
    ROOT,
    Server,
    _free_port,
    fill_registration,
    sign_in_as,
    start_server,
    stop_server,
    wait_for_app,
)
from tests.helpers import PASSWORD, make_admin
from tests.nginx_config import NGINX, nginx_config, self_signed

pytestmark = pytest.mark.browser


def _sign_in(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(page, base_url, "admin", PASSWORD)
    page.get_by_role("heading", name="Caseload").wait_for(timeout=15_000)


def _register(page) -> None:  # type: ignore[no-untyped-def]
    fill_registration(page, "REP-200")
    page.get_by_role("button", name="Register patient").click()
    wait_for_app(page)
    page.get_by_role("heading", name="FRANKLIN, Rosalind").wait_for(timeout=15_000)


def _find(page) -> None:  # type: ignore[no-untyped-def]
    """Search from the Patients page and open the record: the replica reads the shared database."""
    page.get_by_role("link", name="Patients").first.click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search by name or MRN").fill("rep-200")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Open record").click()
    wait_for_app(page)
    page.get_by_role("heading", name="FRANKLIN, Rosalind").wait_for(timeout=15_000)
    assert page.get_by_test_id("stException").count() == 0


@pytest.mark.postgres
def test_two_replicas_share_one_database_and_survive_a_killed_replica(
    postgres_database_url: str,
    browser,  # type: ignore[no-untyped-def]
    server_factory,  # type: ignore[no-untyped-def]
    artifacts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = open_database(postgres_database_url)
    make_admin(db)
    db.dispose()
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", "one-secret-shared-by-both-replicas")
    first = server_factory(postgres_database_url)
    second = server_factory(postgres_database_url)

    on_first = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(on_first, first.url)
    _register(on_first)
    on_first.screenshot(path=str(artifacts / "registered-on-first.png"), full_page=True)

    on_second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(on_second, second.url)
    _find(on_second)
    on_second.screenshot(path=str(artifacts / "found-on-second.png"), full_page=True)

    # The first replica dies without warning and comes back on the same port.
    port = int(first.url.rsplit(":", 1)[1])
    first.process.send_signal(signal.SIGKILL)
    assert first.process.wait(timeout=10) == -signal.SIGKILL
    monkeypatch.setattr(e2e, "_free_port", lambda: port)
    restarted = server_factory(postgres_database_url)
    assert restarted.url == first.url

    # A browser on the restarted replica signs in again (its session died with the process) and finds the patient.
    again = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(again, restarted.url)
    _find(again)
    again.screenshot(path=str(artifacts / "found-on-restarted.png"), full_page=True)
    # The other replica's session was never interrupted.
    _find(on_second)
    on_second.screenshot(path=str(artifacts / "still-working-on-second.png"), full_page=True)
    for page in (on_first, on_second, again):
        page.context.close()


# --- the shipped nginx configuration ---------------------------------------------------------------------

ARTIFACTS = ROOT / "tests" / "artifacts" / "nginx"
COOKIE_SECRET = "same-secret-on-every-replica-for-this-test"


@dataclass
class Proxy:
    https: str
    http: str
    access_log: Path
    replicas: list[Server]


def _client() -> urllib.request.OpenerDirector:
    """A browser-like HTTP client: its own cookie jar, trusting the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), urllib.request.HTTPSHandler(context=context)
    )


def _get(client: urllib.request.OpenerDirector, url: str) -> tuple[int, bytes]:
    try:
        with client.open(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _routes(log: Path) -> dict[str, Counter[str]]:
    """For each route key in the access log, how many requests each replica served."""
    out: dict[str, Counter[str]] = {}
    for line in log.read_text().splitlines():
        match = re.search(r"route=(\S+) upstream=(.+?) rt=", line)  # "a, b" when a failed and b answered
        if match and match.group(2) != "-":
            out.setdefault(match.group(1), Counter())[match.group(2).split(",")[-1].strip()] += 1
    return out


def _healthy(proxy: Proxy) -> bool:
    try:
        return _get(_client(), f"{proxy.https}/_stcore/health")[0] == 200
    except OSError:
        return False


@pytest.fixture
def proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed; .ci/run installs Debian's nginx-light")
    url = f"sqlite:///{tmp_path / 'shared.db'}"  # one host: the replicas may share a SQLite file here
    db = open_database(url)
    make_admin(db)
    db.dispose()
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", COOKIE_SECRET)
    replicas: list[Server] = []
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for n in range(2):
            replicas.append(start_server(url, tmp_path / f"replica-{n}.log"))
        ports = [int(r.url.rsplit(":", 1)[1]) for r in replicas]
        https_port = _free_port()
        http_port = next(p for p in iter(_free_port, None) if p != https_port)
        self_signed(tmp_path)
        main = nginx_config(tmp_path, https_port, http_port, ports)
        check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        with (tmp_path / "nginx-stderr.log").open("wb") as stderr:
            nginx = subprocess.Popen(
                [NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        proxy = Proxy(
            f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", tmp_path / "access.log", replicas
        )
        deadline = time.monotonic() + 20
        while not _healthy(proxy):
            assert time.monotonic() < deadline and nginx.poll() is None, (tmp_path / "nginx-stderr.log").read_text()
            time.sleep(0.2)
        yield proxy
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGTERM)  # fast stop of this nginx only (a graceful one waits for websockets)
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
        for replica in replicas:
            stop_server(replica)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in ("access.log", "error.log"):
            if (tmp_path / name).exists():
                shutil.copy(tmp_path / name, ARTIFACTS / name)


def test_two_replicas_behind_the_shipped_nginx_config(proxy: Proxy, browser) -> None:  # type: ignore[no-untyped-def]
    # Health and the HTTP side.
    client = _client()
    status, body = _get(client, f"{proxy.https}/_stcore/health")
    assert (status, body.strip()) == (200, b"ok")
    assert _get(client, f"{proxy.https}/_stcore/metrics")[0] == 403
    redirect = urllib.request.build_opener(_NoRedirect())
    assert _get(redirect, f"{proxy.http}/patients")[0] == 301

    # One client stays on one replica; new clients are spread over both.
    for _ in range(10):
        assert _get(client, f"{proxy.https}/_stcore/health")[0] == 200
    for _ in range(20):
        assert _get(_client(), f"{proxy.https}/_stcore/health")[0] == 200
    routes = _routes(proxy.access_log)
    assert all(len(served) == 1 for served in routes.values()), routes
    assert max(sum(s.values()) for s in routes.values()) >= 11  # the first client's 11 requests, on one replica
    used = {upstream for served in routes.values() for upstream in served}
    assert len(used) == 2, routes

    # The app itself through the proxy, in a real browser: page, scripts, websocket, sign-in.
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, proxy.https)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "through-nginx.png"), full_page=True)

    # An upload goes to /_stcore/upload_file/<session id>/<file id>; the session id is a bearer credential and
    # must not reach the access log (issue 14, row 4).
    page.get_by_role("link", name="Import", exact=True).click()
    wait_for_app(page)
    page.locator('input[type="file"]').first.set_input_files(
        files=[{"name": "in.csv", "mimeType": "text/csv", "buffer": b"mrn,measure,taken_at\r\nX-1,tug,2026-10-01\r\n"}]
    )
    deadline = time.monotonic() + 15
    while "PUT /_stcore/upload_file/" not in proxy.access_log.read_text():
        assert time.monotonic() < deadline, "the upload never reached the proxy"
        time.sleep(0.2)
    logged = proxy.access_log.read_text()
    assert re.search(r"upload_file/[0-9a-fA-F-]{8,}", logged) is None, logged
    assert re.search(r'"PUT /_stcore/upload_file/<redacted> HTTP/[0-9.]+" 20[04] ', logged), logged
    route = next(c["value"] for c in context.cookies() if c["name"] == "rehab_route")
    browser_routes = _routes(proxy.access_log)[route]
    assert len(browser_routes) == 1 and sum(browser_routes.values()) >= 3, browser_routes
    [home] = browser_routes

    # That browser's replica dies: the proxy sends it to the other one, where the session cookie (kept in the
    # shared database, not in the dead process) still signs the clinician in, on the page the address names.
    victim = next(r for r in proxy.replicas if r.url.endswith(home.rsplit(":", 1)[1]))
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)
    page.goto(f"{proxy.https}/patients")
    wait_for_app(page)
    page.get_by_role("heading", name="Patients").wait_for(timeout=15_000)
    assert page.get_by_role("heading", name="Sign in").count() == 0
    page.screenshot(path=str(ARTIFACTS / "after-replica-killed.png"), full_page=True)
    moved = _routes(proxy.access_log)[route]
    assert len(moved) == 2, moved
    context.close()
    # A websocket is logged when it closes: the session's stream went through the proxy, on its replica.
    streams = [line for line in proxy.access_log.read_text().splitlines() if "/_stcore/stream" in line]
    assert any(f"route={route}" in line and " 101 " in line for line in streams), streams


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
