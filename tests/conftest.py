"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rehab.services import passwords
from rehab.store import Database, open_database
from rehab.store.db import make_engine
from rehab.store.migrate import upgrade

POSTGRES_URL = os.environ.get("REHAB_TEST_POSTGRES_URL", "").strip()
# Pages and browser servers under test read the caseload themselves, so what a test sees never depends on
# when a background thread ran; the daily preparation has its own tests (tests/services/test_daily.py).
os.environ.setdefault("REHAB_PREPARE_CASELOAD", "0")
POSTGRES_SKIP = "REHAB_TEST_POSTGRES_URL is not set; PostgreSQL store tests need a running server"


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Tests hash many passwords; keep argon2id but with a small cost so the suite stays fast."""
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    yield
    passwords.use_hasher(passwords.production_hasher())


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rehab.db'}"


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"rehab_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each engine."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
    else:
        url = request.getfixturevalue("postgres_database_url")
    engine = make_engine(url)
    upgrade(engine)
    database = Database(engine)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    database = Database(engine)
    yield database
    database.dispose()


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The database the app under AppTest opens (through REHAB_DATABASE_URL), fresh SQLite per test."""
    from rehab.ui import auth as ui_auth
    from tests.app import cookies

    url = sqlite_url(tmp_path)
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    # AppTest cannot send cookies: the app reads this test's browser cookie jar instead.
    cookies.JAR.clear()
    monkeypatch.setattr(ui_auth, "browser_token", lambda: cookies.JAR.get("token"))
    database = open_database(url)
    yield database
    database.dispose()
