"""Account administration: only administrators may use these."""

from __future__ import annotations

from sqlalchemy import Connection

from rehab.domain.accounts import JOB_TITLE_MAX, Role, check_new_password, clean_registration, clean_role
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services import audit, browser_sessions, passwords
from rehab.services.auth import validate_new_account
from rehab.services.context import AccessDenied, Actor, NotFound, now_utc
from rehab.store import Database
from rehab.store import users as user_store
from rehab.store.users import UserRecord


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied("Only administrators can manage accounts.")


def list_users(db: Database, actor: Actor) -> list[UserRecord]:
    _require_admin(actor)
    return db.run(user_store.all_users, write=False)


def clinicians(db: Database) -> list[tuple[int, str]]:
    """Active accounts a patient's care team can include, as (id, name)."""
    return [(u.id, f"{u.display_name} ({u.username})") for u in db.run(user_store.all_users, write=False) if u.active]


def create_user(
    db: Database, actor: Actor, *, username: str, display_name: str, role: str, password: str, confirm: str
) -> int:
    _require_admin(actor)
    return _add_user(db, actor, username, display_name, role, password, confirm)


def create_user_unchecked(db: Database, *, username: str, display_name: str, role: str, password: str) -> int:
    """Scripted set-up from the command line, where no one is signed in yet."""
    return _add_user(db, None, username, display_name, role, password, password)


def _add_user(
    db: Database, actor: Actor | None, username: str, display_name: str, role: str, password: str, confirm: str
) -> int:
    name, display, secret = validate_new_account(username, display_name, password, confirm)
    chosen = clean_role(role)
    password_hash = passwords.hash_password(secret)

    def work(conn: Connection) -> int:
        if user_store.by_username(conn, name) is not None:
            raise ValidationError("username", f"The username {name!r} is already in use.")
        now = now_utc()
        user_id = user_store.add(
            conn, username=name, display_name=display, role=chosen.value, password_hash=password_hash, now=now
        )
        audit.record(
            conn, actor, "create", "user", user_id, username="command line", detail=f"role={chosen.value}", at=now
        )
        return user_id

    return db.run(work)


def _load(conn: Connection, user_id: int) -> UserRecord:
    user = user_store.by_id(conn, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def _other_active_admins(conn: Connection, user_id: int) -> int:
    return sum(1 for u in user_store.all_users(conn) if u.active and u.role == Role.ADMIN and u.id != user_id)


def set_active(db: Database, actor: Actor, user_id: int, active: bool) -> None:
    _require_admin(actor)

    def work(conn: Connection) -> None:
        user_store.lock_accounts(conn)  # two administrators deactivating each other: the second sees the first
        user = _load(conn, user_id)
        if not active and user.role == Role.ADMIN and _other_active_admins(conn, user_id) == 0:
            raise ValidationError("active", "This is the last active administrator; add another one first.")
        now = now_utc()
        user_store.set_fields(conn, user_id, now=now, active=active)
        if not active:  # signed out of every browser at once, not at their next click
            browser_sessions.end_for_user(conn, user_id, now=now)
        audit.record(conn, actor, "update", "user", user_id, detail="reactivated" if active else "deactivated")

    db.run(work)


def set_role(db: Database, actor: Actor, user_id: int, role: str) -> None:
    _require_admin(actor)
    chosen = clean_role(role)

    def work(conn: Connection) -> None:
        user_store.lock_accounts(conn)
        user = _load(conn, user_id)
        if user.role == Role.ADMIN and chosen != Role.ADMIN and _other_active_admins(conn, user_id) == 0:
            raise ValidationError("role", "This is the last active administrator; add another one first.")
        user_store.set_fields(conn, user_id, now=now_utc(), role=chosen.value)
        audit.record(conn, actor, "update", "user", user_id, detail=f"role={chosen.value}")

    db.run(work)


def own_account(db: Database, actor: Actor) -> UserRecord:
    """The signed-in clinician's own account (for the registration printed on reports)."""
    return db.run(lambda conn: _load(conn, actor.user_id), write=False)


def set_registration(db: Database, actor: Actor, user_id: int, registration: object, job_title: object) -> None:
    """The professional registration and job title printed in a report's sign-off: the clinician's own, or
    anyone's by an administrator. Both are checked before anything is saved."""
    if not actor.is_admin and actor.user_id != user_id:
        raise AccessDenied("Only administrators can change another clinician's registration.")
    errors: list[ValidationError] = []
    values: dict[str, str] = {}
    for name, raw, limit in (("registration", registration, 64), ("job_title", job_title, JOB_TITLE_MAX)):
        try:
            values[name] = clean_registration(raw, name, limit)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)

    def work(conn: Connection) -> None:
        user = _load(conn, user_id)
        if (user.registration, user.job_title) == (values["registration"], values["job_title"]):
            return
        user_store.set_fields(
            conn, user_id, now=now_utc(), registration=values["registration"], job_title=values["job_title"]
        )
        audit.record(conn, actor, "update", "user", user_id,
                     detail=f"registration: {user.registration or '—'} → {values['registration'] or '—'}; "
                     f"job title: {user.job_title or '—'} → {values['job_title'] or '—'}")  # fmt: skip

    db.run(work)


def reset_password(db: Database, actor: Actor, user_id: int, password: str, confirm: str) -> None:
    """Set a new password and lift any lockout."""
    _require_admin(actor)
    password_hash = passwords.hash_password(check_new_password(password, confirm))

    def work(conn: Connection) -> None:
        _load(conn, user_id)
        now = now_utc()
        user_store.set_fields(conn, user_id, now=now, password_hash=password_hash, failed_attempts=0, locked_until=None)
        # whoever signed in with the old password (perhaps not its owner) is signed out everywhere
        browser_sessions.end_for_user(conn, user_id, now=now, reason=browser_sessions.EndReason.PASSWORD_RESET)
        audit.record(conn, actor, "update", "user", user_id, detail="password reset")

    db.run(work)
