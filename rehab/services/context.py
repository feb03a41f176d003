"""Who is acting, and the errors a use case reports to the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rehab.domain.accounts import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in user a service acts for; built only after a verified password."""

    user_id: int
    username: str
    display_name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class AccessDenied(PermissionError):
    """The actor may not see or change this record."""


class NotFound(LookupError):
    """The record does not exist (or is not visible to the actor)."""


class ConflictError(RuntimeError):
    """Someone else saved a newer version first; the caller's change was not applied."""


def now_utc() -> datetime:
    return datetime.now(UTC)
