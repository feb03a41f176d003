"""Builders shared by tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rehab.services import accounts, auth, passwords
from rehab.services.context import Actor
from rehab.store import Database

PASSWORD = "correct horse battery"


def patient_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mrn": "MRN1001",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "birth_date": date(1950, 3, 14),
        "sex": "female",
        "condition": "ischaemic_stroke",
        "event_date": date(2026, 9, 1),
        "paretic_side": "left",
        "notes": "",
    }
    data.update(overrides)
    return data


def make_admin(db: Database, username: str = "admin") -> Actor:
    return auth.create_first_admin(db, username=username, display_name="Ada Admin", password=PASSWORD, confirm=PASSWORD)


def make_clinician(db: Database, admin: Actor, username: str) -> Actor:
    accounts.create_user(
        db,
        admin,
        username=username,
        display_name=username.title(),
        role="clinician",
        password=PASSWORD,
        confirm=PASSWORD,
    )
    result = auth.sign_in(db, username, PASSWORD)
    assert result.actor is not None
    return result.actor


def spy_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Record the stored hash each password check is made against (None: the dummy check for no account)."""
    calls: list[str | None] = []
    real = passwords.verify

    def spy(password_hash: str | None, password: str) -> tuple[bool, str | None]:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify", spy)
    return calls
