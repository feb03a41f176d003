"""`python -m rehab serve --workers 2`: one browser's requests stay on one worker; a reconnect elsewhere keeps going.

A Streamlit session, its uploads and its downloads live in one worker's memory, so the sticky proxy keeps a
browser (its ``rehab_worker`` cookie) on one worker. When that worker dies, the browser's reconnect lands on
another process that never saw it: the sign-in (a cookie checked against the database) and the page and
patient (the address) must carry over. Over HTTP and Streamlit's websocket, without a browser.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from bench import load
from rehab.services import patients
from rehab.store import open_database
from rehab.web import sticky
from tests.helpers import PASSWORD, make_admin, patient_data
from tests.web_client import Client, Tab

pytestmark = pytest.mark.browser  # real server processes, like the browser tests


class _At:
    def __init__(self, url: str) -> None:
        self.url = url


def _worker_pid(supervisor: int, port: int) -> int:
    for pid in load.process_tree(supervisor):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and str(port).encode() in args:
            return pid
    raise AssertionError(f"no worker on port {port}")


def _wait_until_dead(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state == "Z":  # exited, not yet reaped by the supervisor: its sockets are closed
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not die")


def _upload(client: Client, session_id: str) -> int:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="in.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\nmrn,measure,taken_at\r\n\r\n--{boundary}--\r\n"
    ).encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-Xsrftoken": client.jar.get("_streamlit_xsrf", ""),
    }
    return client.request(
        "PUT", f"/_stcore/upload_file/{session_id}/file-1", html=False, body=body, headers=headers
    ).status


def test_a_browser_stays_on_its_worker_and_a_reconnect_on_another_keeps_the_clinician_and_patient(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    db = open_database(url)
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data(mrn="WRK-1", given_name="Grace", family_name="Hopper"))
    db.dispose()
    server = load.start(url, 2, tmp_path / "serve.log")
    try:
        port = int(server.url.rsplit(":", 1)[1])
        browser = Client(_At(server.url))
        assert browser.sign_in("admin", PASSWORD, f"/dashboard?patient={pid}").status == 303
        route = browser.jar[sticky.ROUTE_COOKIE]
        assert browser.request("GET", f"/dashboard?patient={pid}").status == 200  # the app page
        assert sticky.ROUTE_COOKIE not in browser.request("GET", "/_stcore/health", html=False).cookies()
        assert "_streamlit_xsrf" in browser.jar  # Streamlit's XSRF cookie, sent back with uploads
        home, other = (port + 1 + n for n in sticky.worker_order(route, 2))

        tab = Tab(server.url, cookies=browser.jar)
        drawn = tab.run("dashboard", f"patient={pid}")
        assert drawn.finished and any("HOPPER" in h for h in drawn.headings), drawn.headings
        first_session = tab.session_id

        # An upload through the proxy reaches the worker that holds the tab's session ...
        assert _upload(browser, first_session) in (200, 204)
        # ... and the same request sent straight to the other worker is refused: the session is not there.
        stray = Client(_At(f"http://127.0.0.1:{other}"), jar=dict(browser.jar))
        assert _upload(stray, first_session) in (400, 403)

        # The tab's worker dies; the browser reconnects (asking to resume its session) and asks for its page.
        victim = _worker_pid(server.process.pid, home)
        os.kill(victim, signal.SIGKILL)
        tab.close()
        _wait_until_dead(victim)  # as the browser's own retry would (a connection to a dying process just fails)
        again = Tab(server.url, cookies=browser.jar, resume=first_session)
        seen = again.run("dashboard", f"patient={pid}")
        assert again.session_id != first_session  # another process: the old session is not there
        assert seen.finished and any("HOPPER" in h for h in seen.headings), seen.headings
        assert "Sign in" not in seen.headings
        again.close()

        # The supervisor starts the dead worker again on its port.
        deadline = time.monotonic() + 90
        while load.health(f"http://127.0.0.1:{home}", timeout=2) is None:
            assert time.monotonic() < deadline, server.log.read_text()[-3000:]
            time.sleep(0.5)
        assert _worker_pid(server.process.pid, home) != victim
    finally:
        load.stop(server)
