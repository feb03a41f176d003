"""Issue 14, row 13: the database, its -wal/-shm files and backups are owner-only (0600) from creation.

A backup used to be written by SQLite at the umask's mode (0644) and chmod-ed afterwards; a reader that
opened it in that window read the patient data. Each test runs under umask 022, the common default, and
fails on that version.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from rehab import backup
from rehab.cli import main
from rehab.store import open_database
from tests.helpers import make_admin


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "live" / "rehab.db"
    monkeypatch.setenv("REHAB_DATABASE_URL", f"sqlite:///{path}")
    db = open_database(f"sqlite:///{path}")
    make_admin(db)
    db.dispose()
    return path


def _watch_sqlite_opens(monkeypatch: pytest.MonkeyPatch, wanted: str) -> list[tuple[int, int]]:
    """Record (mode, size) of each file whose name contains ``wanted`` as SQLite opens it, before any page of
    data is written into it."""
    seen: list[tuple[int, int]] = []
    real = sqlite3.connect

    def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real(database, *args, **kwargs)
        if wanted in str(database) and not str(database).startswith("file:"):  # not the read-back checks
            path = Path(str(database))
            seen.append((_mode(path), path.stat().st_size))
        return conn

    monkeypatch.setattr(backup.sqlite3, "connect", connect)
    return seen


def test_a_staged_backup_is_owner_only_before_any_data_is_written(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _watch_sqlite_opens(monkeypatch, ".partial-")
    copy = tmp_path / "backups" / "rehab-1.db"
    assert main(["backup", "--out", str(copy)]) == 0
    assert seen == [(0o600, 0)]  # empty and already owner-only when SQLite starts writing
    assert _mode(copy) == 0o600


def test_a_restore_into_a_new_file_is_owner_only_before_any_data_is_written(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "backups" / "rehab-1.db"
    assert main(["backup", "--out", str(copy)]) == 0
    fresh = tmp_path / "elsewhere" / "restored.db"
    monkeypatch.setenv("REHAB_DATABASE_URL", f"sqlite:///{fresh}")
    seen = _watch_sqlite_opens(monkeypatch, "restored.db")
    assert main(["restore", str(copy)]) == 0
    assert seen and seen[0] == (0o600, 0)
    assert _mode(fresh) == 0o600


def test_a_new_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "rehab.db"
    db = open_database(f"sqlite:///{path}")
    try:
        make_admin(db)
        with db.engine.connect():  # a pooled connection holds the WAL files open
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists()
            assert (_mode(path), _mode(wal), _mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        db.dispose()


def test_init_db_creates_an_owner_only_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "rehab.db"
    monkeypatch.setenv("REHAB_DATABASE_URL", f"sqlite:///{path}")
    assert main(["init-db"]) == 0
    assert _mode(path) == 0o600
    assert "Permissions" not in capsys.readouterr().out  # nothing to tighten on a new file


def test_init_db_tightens_an_existing_database_and_says_so(live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chmod(live, 0o644)
    wal = Path(f"{live}-wal")
    wal.touch()
    os.chmod(wal, 0o664)
    assert main(["init-db"]) == 0
    out = capsys.readouterr().out
    assert f"{live} was readable or writable by other accounts (mode 0644); it is now 0600 (owner only)." in out
    assert f"{wal} was readable or writable by other accounts (mode 0664); it is now 0600" in out
    assert _mode(live) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{live}{suffix}")
        if companion.exists():
            assert _mode(companion) == 0o600
    assert main(["init-db"]) == 0
    assert "Permissions" not in capsys.readouterr().out  # already owner-only: said once, not every time
