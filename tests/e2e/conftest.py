"""A real `streamlit run` server on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("REHAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(database_url: str, log: Path, script: Path = ROOT / "serve.py") -> Server:
    """The app (or another Streamlit ``script``) served on a free loopback port, once it answers its health check."""
    port = _free_port()
    env = dict(os.environ, REHAB_DATABASE_URL=database_url)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    handle = log.open("wb")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return Server(url=url, database_url=database_url, process=process, log=log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package (done by .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for_app(page) -> None:  # type: ignore[no-untyped-def]
    """Connected, script finished, no skeleton left: the page shows what it is going to show."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=30_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=30_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    servers: list[Server] = []

    def make(database_url: str) -> Server:
        server = start_server(database_url, tmp_path / f"streamlit-{len(servers)}.log")
        servers.append(server)
        return server

    yield make
    for server in servers:
        stop_server(server)


@dataclass
class SharedClinic:
    server: Server
    ids: dict[str, int]  # the seeded patients by name (tests/caseload_helpers.py)


@pytest.fixture(scope="session")
def shared_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedClinic]:
    """One server per test process on the seeded test clinic, for the tests that only sign in and look: they leave
    its records as they found them. A test that saves, acknowledges or records anything starts its own server."""
    from rehab.store import open_database
    from tests.caseload_helpers import seeded_clinic

    folder = tmp_path_factory.mktemp("shared-clinic")
    url = f"sqlite:///{folder / 'clinic.db'}"
    db = open_database(url)
    ids = seeded_clinic(db).ids
    db.dispose()
    server = start_server(url, folder / "streamlit.log")
    yield SharedClinic(server=server, ids=ids)
    stop_server(server)


def seeded_server(tmp_path: Path, server_factory, name: str = "clinic.db"):  # type: ignore[no-untyped-def]
    """A server on a new SQLite file holding the seeded test clinic (tests/caseload_helpers.py)."""
    from rehab.store import open_database
    from tests.caseload_helpers import seeded_clinic

    url = f"sqlite:///{tmp_path / name}"
    db = open_database(url)
    seeded_clinic(db)
    db.dispose()
    return server_factory(url)


def fill_sign_in_form(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the sign-in form at /auth/signin (a plain page that the app sends a browser to) and send it."""
    page.wait_for_selector("form[action='/auth/signin']", timeout=30_000)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_as(page, url: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Open the app and sign in through its own form."""
    page.goto(url)
    fill_sign_in_form(page, username, password)
    wait_for_app(page)


def fill_registration(page, mrn: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the Register patient form as a clinician types it (Rosalind Franklin, born 1950-07-25)."""
    page.get_by_role("link", name="Register patient").click()
    wait_for_app(page)
    page.get_by_label("MRN (hospital number)").fill(mrn)
    page.get_by_label("Given name").fill("Rosalind")
    page.get_by_label("Family name").fill("Franklin")
    for label, value in (("Date of birth", "1950-07-25"), ("Event date (onset or injury)", "2026-10-02")):
        year, month, day = value.split("-")
        for part, digits in (("year", year), ("month", month), ("day", day)):
            page.get_by_role("spinbutton", name=f"{part}, {label}").click()
            page.keyboard.type(digits)
    for label, option in (("Sex", "Female"), ("Condition", "Ischaemic stroke"), ("Paretic / affected side", "Left")):
        page.get_by_label(label).click()
        page.get_by_role("option", name=option, exact=True).click()
