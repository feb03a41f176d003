"""Signing in, first-run set-up and the lockout policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from rehab.config import settings
from rehab.domain.accounts import (
    USERNAME_RE,
    LockoutPolicy,
    Role,
    check_new_password,
    clean_display_name,
    clean_username,
)
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services import audit, passwords
from rehab.services.context import Actor, now_utc
from rehab.store import Database
from rehab.store import users as user_store
from rehab.store.users import UserRecord

# One message for every failed sign-in (wrong password, unknown name, locked or deactivated account), so the
# answer never tells whether an account exists or is locked.
WRONG_CREDENTIALS = (
    "The username or password is not right, or the account is locked after repeated failed sign-ins. "
    "Try again later, or ask an administrator to reset the password."
)


@dataclass(frozen=True)
class SignInResult:
    actor: Actor | None
    message: str = ""


def actor_from(user: UserRecord) -> Actor:
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role))


def policy() -> LockoutPolicy:
    cfg = settings()
    return LockoutPolicy(attempts=cfg.lockout_attempts, minutes=cfg.lockout_minutes)


def needs_first_admin(db: Database) -> bool:
    return db.run(user_store.count, write=False) == 0


def validate_new_account(
    username: object, display_name: object, password: object, confirm: object
) -> tuple[str, str, str]:
    errors: list[ValidationError] = []
    values: list[str] = []
    for fn, args in (
        (clean_username, (username,)),
        (clean_display_name, (display_name,)),
        (check_new_password, (password, confirm)),
    ):
        try:
            values.append(fn(*args))
        except ValidationError as err:
            errors.append(err)
    if errors:
        raise ValidationErrors(errors)
    return values[0], values[1], values[2]


def create_first_admin(db: Database, *, username: str, display_name: str, password: str, confirm: str) -> Actor:
    """The first account on an empty database; refused once any account exists."""
    name, display, secret = validate_new_account(username, display_name, password, confirm)
    password_hash = passwords.hash_password(secret)

    def work(conn: Connection) -> Actor:
        user_store.lock_accounts(conn)  # two first-administrator forms sent at once: the second is refused
        if user_store.count(conn) > 0:
            raise ValidationError("username", "An administrator already exists. Sign in instead.")
        now = now_utc()
        user_id = user_store.add(
            conn, username=name, display_name=display, role=Role.ADMIN.value, password_hash=password_hash, now=now
        )
        actor = Actor(user_id=user_id, username=name, display_name=display, role=Role.ADMIN)
        audit.record(conn, actor, "create", "user", user_id, detail="first administrator", at=now)
        audit.record(conn, actor, "sign-in", "user", user_id, at=now)
        return actor

    return db.run(work)


def sign_in(db: Database, username: str, password: str, *, now: datetime | None = None) -> SignInResult:
    """Check a password; attempts are counted in the database so a new browser tab does not reset them.

    Each attempt on an existing account first reserves one of the policy's attempts in the database (one
    UPDATE that counts it and sets the lock when the limit is reached); only a reserved attempt checks the
    real hash. A locked account or an unknown username checks a dummy hash instead, and every failure gets
    the same message, so neither the answer nor its cost tells which accounts exist or are locked.
    """
    now = now or now_utc()
    typed = (username or "").strip().lower()[:64]
    # Only a well-formed username is looked up or written to the audit log (no NUL or stray bytes reach SQL).
    name = typed if USERNAME_RE.match(typed) else ""
    user = db.run(lambda conn: user_store.by_username(conn, name), write=False) if name else None
    lockout = policy()

    if user is None:
        passwords.verify(None, password or "")  # same cost as a real check
        db.run(
            lambda conn: audit.record(
                conn,
                None,
                "sign-in failed",
                "user",
                None,
                username=name or ("(blank)" if not typed else "(not a valid username)"),
                detail="unknown username",
                at=now,
            )
        )
        return SignInResult(None, WRONG_CREDENTIALS)

    until = now + timedelta(minutes=lockout.minutes)
    reserved = db.run(
        lambda conn: user_store.reserve_attempt(conn, user.id, now=now, limit=lockout.attempts, lock_until=until)
    )
    if reserved is None:
        passwords.verify(None, password or "")  # same cost as a real check
        db.run(
            lambda conn: audit.record(
                conn, None, "sign-in failed", "user", user.id, username=name, detail="locked", at=now
            )
        )
        return SignInResult(None, WRONG_CREDENTIALS)

    ok, new_hash = passwords.verify(user.password_hash, password or "")
    if ok and user.active:

        def success(conn: Connection) -> Actor:
            user_store.record_success(conn, user.id, now=now, password_hash=new_hash, set_the_lock=reserved)
            actor = actor_from(user)
            audit.record(conn, actor, "sign-in", "user", user.id, at=now)
            return actor

        return SignInResult(db.run(success))

    def failure(conn: Connection) -> None:
        # The attempt was counted when it was reserved: nothing here writes the count or the lock.
        detail = "wrong password" if not ok else "account deactivated"
        audit.record(conn, None, "sign-in failed", "user", user.id, username=name, detail=detail, at=now)
        if reserved:
            audit.record(
                conn,
                None,
                "lockout",
                "user",
                user.id,
                username=name,
                detail=f"locked for {lockout.minutes} minutes after {lockout.attempts} failed attempts",
                at=now,
            )

    db.run(failure)
    return SignInResult(None, WRONG_CREDENTIALS)


def current_actor(db: Database, user_id: int) -> Actor | None:
    """Re-read the account on every page run, so a deactivation or role change applies at once."""
    user = db.run(lambda conn: user_store.by_id(conn, user_id), write=False)
    if user is None or not user.active:
        return None
    return actor_from(user)


def sign_out(db: Database, actor: Actor, *, reason: str = "") -> None:
    db.run(lambda conn: audit.record(conn, actor, "sign-out", "user", actor.user_id, detail=reason))
