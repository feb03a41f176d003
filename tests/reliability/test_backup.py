"""`python -m rehab backup` and `restore`: an online copy, checked, restored row for row, nothing deleted."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rehab.cli import main
from rehab.services import assessments, patients
from rehab.store import open_database
from tests.helpers import make_admin, make_clinician, patient_data

TAKEN_AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def _populate(url: str, count: int = 30) -> None:
    db = open_database(url)
    admin = make_admin(db)
    cara = make_clinician(db, admin, "cara")
    for n in range(count):
        pid = patients.register(db, cara, patient_data(mrn=f"B-{n:03d}", notes=f"note {n} «ünïcode» 🙂"))
        assessments.record(
            db, cara, pid, taken_at=TAKEN_AT, entries={"tug": {"value": 10.0 + n}, "grip": {"sides": {"left": [9]}}}
        )
        if n % 3 == 0:
            patients.update(db, cara, pid, expected_version=1, data=patient_data(mrn=f"B-{n:03d}", notes="edited"))
    db.dispose()


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            width = len(conn.execute(f'PRAGMA table_info("{name}")').fetchall())
            order = ", ".join(str(i) for i in range(1, width + 1))
            out[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "live" / "rehab.db"
    monkeypatch.setenv("REHAB_DATABASE_URL", f"sqlite:///{path}")
    _populate(f"sqlite:///{path}")
    return path


def test_backup_then_restore_elsewhere_matches_every_row(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "backups" / "rehab-1.db"
    assert main(["backup", "--out", str(copy)]) == 0
    assert "integrity check ok" in capsys.readouterr().out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # patient data: owner only
    assert not Path(f"{copy}-wal").exists()  # one self-contained file

    fresh = tmp_path / "elsewhere" / "restored.db"
    monkeypatch.setenv("REHAB_DATABASE_URL", f"sqlite:///{fresh}")
    assert main(["restore", str(copy)]) == 0
    original, restored = _tables(live), _tables(fresh)
    assert set(original) == set(restored) and len(original) >= 10
    for name, rows in original.items():
        assert restored[name] == rows, name
    assert len(original["patients"]) == 30 and len(original["patient_revisions"]) == 10
    # The restored database is a working one.
    db = open_database(f"sqlite:///{fresh}")
    assert len(patients.search(db, _admin(db), "B-0", limit=100)) == 30
    db.dispose()


def _admin(db):  # type: ignore[no-untyped-def]
    from rehab.services import auth

    result = auth.sign_in(db, "admin", "correct horse battery")
    assert result.actor is not None
    return result.actor


def test_backup_while_clinicians_keep_saving(live: Path, tmp_path: Path, report: Callable[[str], None]) -> None:
    """The copy is one consistent snapshot: whole sittings only, and it passes the integrity check."""
    url = f"sqlite:///{live}"
    db = open_database(url)
    admin = _admin(db)
    pid = patients.register(db, admin, patient_data(mrn="BUSY"))
    stop = threading.Event()
    saved: list[int] = []

    def keep_saving() -> None:
        while not stop.is_set() and len(saved) < 2000:
            assessments.record(
                db, admin, pid, taken_at=TAKEN_AT, entries={"grip": {"sides": {"left": [9], "right": [19]}}}
            )
            saved.append(1)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    copies = []
    try:
        for n in range(3):
            out = tmp_path / f"during-{n}.db"
            assert main(["backup", "--out", str(out)]) == 0
            copies.append(out)
    finally:
        stop.set()
        writer.join(timeout=30)
    db.dispose()
    for out in copies:
        conn = sqlite3.connect(out)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sizes = {n for (n,) in conn.execute("SELECT count(*) FROM assessments GROUP BY entry_group")}
        conn.close()
        assert sizes == {2}, sizes  # every sitting saved two values together, and the copy holds them whole
    report(f"online backup sqlite: 3 backups taken while {len(saved)} sittings were being saved; all consistent")


def test_restore_refuses_to_overwrite_without_force_then_keeps_the_replaced_file(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    assert main(["backup", "--out", str(copy)]) == 0
    before = _tables(live)
    # Something happens after the backup: restoring would roll it back, so it needs --force.
    db = open_database(f"sqlite:///{live}")
    patients.register(db, _admin(db), patient_data(mrn="AFTER-BACKUP"))
    db.dispose()
    after = _tables(live)
    capsys.readouterr()
    assert main(["restore", str(copy)]) == 1
    assert "--force" in capsys.readouterr().err
    assert _tables(live) == after  # untouched

    assert main(["restore", str(copy), "--force"]) == 0
    kept = sorted(live.parent.glob("rehab.db.replaced-*"))
    assert len(kept) == 1 and kept[0].name.startswith("rehab.db.replaced-20")
    assert _tables(kept[0]) == after  # the replaced database, whole, including the newer patient
    assert _tables(live) == before
    # A second forced restore keeps another copy; nothing is ever deleted.
    assert main(["restore", str(copy), "--force"]) == 0
    assert len(list(live.parent.glob("rehab.db.replaced-*"))) == 2


def test_backup_never_overwrites(live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exists.db"
    out.write_bytes(b"precious")
    assert main(["backup", "--out", str(out)]) == 1
    assert "never overwrites" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all" * 50, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "cannot be read"),
        (None, "not one of this application"),
        ("wrong-revision", "does not know"),
        ("damaged", "integrity"),
    ],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | str | None, message: str
) -> None:
    bad = tmp_path / "bad.db"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is None:
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE notes (x TEXT)")
        conn.commit()
        conn.close()
    else:
        assert main(["backup", "--out", str(bad)]) == 0
        conn = sqlite3.connect(bad)
        if content == "wrong-revision":
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        else:
            _damage(conn)
        conn.commit()
        conn.close()
    before = _tables(live)
    capsys.readouterr()
    assert main(["restore", str(bad), "--force"]) == 1
    assert message in capsys.readouterr().err
    assert _tables(live) == before
    assert list(live.parent.glob("*.replaced-*")) == []


def _damage(conn: sqlite3.Connection) -> None:
    """An index that no longer matches its table: what a torn write or a bad disk leaves behind."""
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, '(search_key)', '(mrn)') WHERE name = 'ix_patients_search_key'"
    )
    conn.execute("PRAGMA writable_schema=OFF")


def test_postgresql_gets_advice_and_nothing_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REHAB_DATABASE_URL", "postgresql+psycopg://rehab:s3cret@db.internal:5432/rehab")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "pg.db"
    assert main(["backup", "--out", str(out)]) != 0
    advice = capsys.readouterr().err
    assert "pg_dump" in advice and "pg_restore" in advice and "s3cret" not in advice
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert main(["restore", str(out)]) != 0
    assert "pg_restore" in capsys.readouterr().err
