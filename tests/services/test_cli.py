"""The command line: init-db, create-user and demo against a temporary database."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from rehab.cli import main
from rehab.services import auth, patients
from rehab.store import open_database
from rehab.store import users as user_store


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REHAB_DATABASE_URL", value)
    return value


def test_init_db_then_create_user(url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["init-db"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert main(["create-user", "--username", "Head", "--role", "admin", "--name", "Dr Head", "--password-stdin"]) == 0
    db = open_database(url)
    user = db.run(lambda c: user_store.by_username(c, "head"))
    assert user is not None and user.role == "admin" and user.display_name == "Dr Head"
    assert auth.sign_in(db, "head", "a long enough secret").actor is not None
    db.dispose()
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["create-user", "--username", "x2", "--role", "clinician", "--name", "X Two", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err


def test_demo_creates_patients_visible_to_demo_clinician(url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--patients", "300", "--seed", "4", "--plan-history-days", "60"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "Created 300 fictional patients (" in out and "with loading plans)" in out
    assert "Demo clinic: 100%" in captured.err and "300/300" in captured.err  # the progress bar, on stderr
    password = out.split("password '")[1].split("'")[0]
    db = open_database(url)
    actor = auth.sign_in(db, "demo.clinician", password).actor
    assert actor is not None
    assert patients.count(db, actor) == 300
    sample = patients.search(db, actor, "DEMO04-000001")
    assert len(sample) == 1 and sample[0].notes == "Fictional demo patient."
    # Running again with the same seed adds nothing twice.
    assert main(["demo", "--patients", "300", "--seed", "4", "--plan-history-days", "60"]) == 0
    assert patients.count(db, actor) == 300
    db.dispose()


def test_create_user_needs_a_full_name_so_exports_never_show_the_login_name(url: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # Issue 14 row 11: without --name the login name became the display name that exports print.
    assert main(["init-db"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    with pytest.raises(SystemExit) as refused:
        main(["create-user", "--username", "head", "--role", "admin", "--password-stdin"])
    assert refused.value.code == 2 and "--name" in capsys.readouterr().err
    db = open_database(url)
    assert db.run(lambda c: user_store.by_username(c, "head")) is None
    db.dispose()
