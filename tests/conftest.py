"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL.

Each test process migrates one template database per engine once, and every test gets its own copy of it
(a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL): the same schema and triggers as
migrating afresh, without running every migration again for each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text
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


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, once per test process."""
    path = tmp_path_factory.mktemp("template") / "rehab.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing checkpoints the write-ahead log into the file
    assert not path.with_name("rehab.db-wal").exists()
    return path


def migrated_sqlite_url(template: Path, tmp_path: Path) -> str:
    """This test's own copy of the migrated template, at ``sqlite_url(tmp_path)``."""
    shutil.copy2(template, tmp_path / "rehab.db")
    return sqlite_url(tmp_path)


def _create_database(admin: Engine, template: str | None = None) -> str:
    name = f"rehab_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return name


def _drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres_dropper(_postgres_admin: Engine) -> Iterator[ThreadPoolExecutor]:
    """Drops each test's database in the background (PostgreSQL 15 checkpoints on every DROP DATABASE), all
    of them before the session ends."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-test-database") as dropper:
        yield dropper


@pytest.fixture(scope="session")
def _postgres_template(_postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL database migrated to the newest revision, once per test process; copied, never opened again."""
    name = _create_database(_postgres_admin)
    try:
        engine = make_engine(_database_url(name))
        upgrade(engine)
        engine.dispose()  # a template is copied only while nobody is connected to it
        yield name
    finally:
        _drop_database(_postgres_admin, name)


@pytest.fixture
def postgres_database_url(_postgres_admin: Engine, _postgres_dropper: ThreadPoolExecutor) -> Iterator[str]:
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    name = _create_database(_postgres_admin)
    try:
        yield _database_url(name)
    finally:
        _postgres_dropper.submit(_drop_database, _postgres_admin, name)


@pytest.fixture
def migrated_postgres_url(
    _postgres_admin: Engine, _postgres_template: str, _postgres_dropper: ThreadPoolExecutor
) -> Iterator[str]:
    """A PostgreSQL database of one's own, already at the newest revision (a copy of the template)."""
    name = _create_database(_postgres_admin, _postgres_template)
    try:
        yield _database_url(name)
    finally:
        _postgres_dropper.submit(_drop_database, _postgres_admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each engine."""
    if request.param == "sqlite":
        url = migrated_sqlite_url(request.getfixturevalue("_sqlite_template"), tmp_path)
    else:
        url = request.getfixturevalue("migrated_postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    database = Database(engine)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, _sqlite_template: Path) -> Iterator[Database]:
    engine = make_engine(migrated_sqlite_url(_sqlite_template, tmp_path))
    upgrade(engine)
    database = Database(engine)
    yield database
    database.dispose()


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _sqlite_template: Path) -> Iterator[Database]:
    """The database the app under AppTest opens (through REHAB_DATABASE_URL), fresh SQLite per test."""
    from rehab.ui import auth as ui_auth
    from tests.app import cookies

    url = migrated_sqlite_url(_sqlite_template, tmp_path)
    monkeypatch.setenv("REHAB_DATABASE_URL", url)
    # AppTest cannot send cookies: the app reads this test's browser cookie jar instead.
    cookies.JAR.clear()
    monkeypatch.setattr(ui_auth, "browser_token", lambda: cookies.JAR.get("token"))
    database = open_database(url)
    yield database
    database.dispose()
