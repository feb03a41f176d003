"""Account rules: roles, usernames, password strength and the lockout policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rehab.domain.errors import ValidationError
from rehab.domain.text import identifier_problem, unstorable


class Role(StrEnum):
    ADMIN = "admin"
    CLINICIAN = "clinician"


ROLE_LABELS = {Role.ADMIN: "Administrator", Role.CLINICIAN: "Clinician"}

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def clean_username(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("username", "Enter a username.")
    username = raw.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "username",
            "Use 2-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.",
        )
    return username


def clean_display_name(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("display_name", "Enter the person's name as colleagues know it.")
    name = " ".join(raw.split())
    if len(name) > 120:
        raise ValidationError("display_name", "Keep the name to 120 characters or fewer.")
    if unstorable(name):
        raise ValidationError("display_name", "The name contains characters that cannot be stored.")
    problem = identifier_problem(name, "The name")
    if problem:
        raise ValidationError("display_name", problem)
    return name


REGISTRATION_MAX = 64
JOB_TITLE_MAX = 80


def clean_registration(raw: object, field: str = "registration", limit: int = REGISTRATION_MAX) -> str:
    """A professional registration (e.g. "HCPC PH123456") or job title as printed on reports; blank is allowed
    (the report then says it is not recorded)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, "Enter text.")
    value = " ".join(raw.split())
    if len(value) > limit:
        raise ValidationError(field, f"Keep it to {limit} characters or fewer.")
    if unstorable(value) or any(ord(ch) < 32 for ch in value):
        raise ValidationError(field, "It contains characters that cannot be stored.")
    return value


def clean_role(raw: object) -> Role:
    try:
        return Role(str(raw))
    except ValueError:
        raise ValidationError("role", "Choose administrator or clinician.") from None


def check_new_password(password: object, confirm: object | None = None) -> str:
    """A new password must be long enough to resist guessing; length beats composition rules."""
    if not isinstance(password, str) or not password:
        raise ValidationError("password", "Enter a password.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("password", f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if unstorable(password):
        raise ValidationError("password", "The password contains characters that cannot be typed or stored.")
    if password.strip() != password or not password.strip():
        raise ValidationError("password", "The password must not start or end with spaces.")
    if confirm is not None and confirm != password:
        raise ValidationError("confirm", "The two passwords do not match.")
    return password


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 5
    minutes: int = 15

    def after_failure(self, failed_attempts: int, now: datetime) -> tuple[int, datetime | None]:
        """New failure count and, when the limit is reached, the time the lock ends."""
        count = failed_attempts + 1
        if count >= self.attempts:
            return 0, now + timedelta(minutes=self.minutes)
        return count, None

    @staticmethod
    def is_locked(locked_until: datetime | None, now: datetime) -> bool:
        return locked_until is not None and locked_until > now
