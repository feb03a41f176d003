"""Issue 14, row 4 (part): the shipped nginx config never writes a Streamlit session id to its access log.

Streamlit's upload URLs are ``/_stcore/upload_file/<session id>/<file id>``, and the session id is a bearer
credential: a logged URL alone took over a signed-in session. This runs ``deploy/nginx.conf`` itself (ports,
certificate and log paths swapped for temporary ones) in front of two stub replicas that record what reaches
them, sends the requests a browser sends for an upload, and reads the access log. It fails on the config that
logged ``$request``.
"""

from __future__ import annotations

import http.server
import signal
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.nginx_config import NGINX, NOT_INSTALLED, SHIPPED, nginx_config, self_signed

SEEN: list[tuple[str, str]] = []  # (method, path) as the stub replicas received them


class _Stub(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        SEEN.append((self.command, self.path))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:  # quiet
        pass


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if not Path(NGINX).exists():
        pytest.fail(NOT_INSTALLED)
    stubs = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stub) for _ in range(2)]
    for stub in stubs:
        threading.Thread(target=stub.serve_forever, daemon=True).start()
    https_port, http_port = _free_port(), _free_port()
    self_signed(tmp_path)
    main = nginx_config(tmp_path, https_port, http_port, [s.server_address[1] for s in stubs])
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                _send("GET", f"{base}/_stcore/health")
                break
            except OSError:
                assert time.monotonic() < deadline and nginx.poll() is None, "nginx did not start"
                time.sleep(0.1)
        yield base, tmp_path / "access.log"
    finally:
        nginx.send_signal(signal.SIGTERM)
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
        for stub in stubs:
            stub.shutdown()
            stub.server_close()


def _send(method: str, url: str, body: bytes | None = None) -> int:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_upload_urls_reach_the_app_whole_but_are_logged_without_the_session_id(proxied: tuple[str, Path]) -> None:
    base, access_log = proxied
    session, file_id = str(uuid.uuid4()), str(uuid.uuid4())
    upload = f"/_stcore/upload_file/{session}/{file_id}"
    SEEN.clear()
    assert _send("PUT", base + upload, b"mrn,measure,taken_at\r\n") == 200
    assert _send("DELETE", base + upload) == 200
    assert _send("PUT", base + f"/rehab/_STCORE/Upload_File/{session}/{file_id}?x=1", b"x") == 200
    assert _send("GET", base + "/patients?tab=history") == 200
    # the app still receives the real URL: only the log is redacted
    assert ("PUT", upload) in SEEN and ("DELETE", upload) in SEEN

    deadline = time.monotonic() + 5
    while access_log.read_text().count("\n") < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    log = access_log.read_text()
    assert session not in log and file_id not in log, log
    assert '"PUT /_stcore/upload_file/<redacted> HTTP/1.1" 200' in log
    assert '"DELETE /_stcore/upload_file/<redacted> HTTP/1.1" 200' in log
    assert '"GET /patients?tab=history HTTP/1.1" 200' in log  # other requests are logged as they came


def test_the_access_log_format_never_writes_the_raw_request_line() -> None:
    fmt = SHIPPED.read_text().split("log_format rehab", 1)[1].split(";", 1)[0]
    assert "$request " not in fmt and '$request"' not in fmt and "$request_uri" not in fmt
    assert "$rehab_logged_uri" in fmt
