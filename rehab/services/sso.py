"""Single sign-on: who an identity provider's verified identity signs in as, and the administrator's decisions.

An identity is the provider's issuer and subject (OpenID Connect Core 1.0 §2: the pair is the stable, unique
key; names and e-mail addresses can change hands). The first sign-in of an identity waits for an
administrator, unless the clinic maps a group claim to a role, in which case the account is made at once.
The same rules as a password sign-in apply afterwards: a deactivated or locked account is refused with the
same message, and the browser session then has the same idle time-out and lifetime.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection

from rehab.config import settings
from rehab.domain.accounts import USERNAME_RE, Role, clean_display_name, clean_role
from rehab.domain.errors import ValidationError
from rehab.services import audit
from rehab.services.auth import WRONG_CREDENTIALS, actor_from
from rehab.services.context import AccessDenied, Actor, NotFound, now_utc
from rehab.store import Database
from rehab.store import identities as identity_store
from rehab.store import users as user_store

# Accounts made for single sign-on have no password: this is no argon2 hash, so no password ever matches it.
NO_PASSWORD = "!single-sign-on"
AWAITING = "Your sign-in is waiting for an administrator to approve it. Try again once they have."


class IdentityStatus(StrEnum):
    PENDING = "pending"
    LINKED = "linked"
    REFUSED = "refused"


@dataclass(frozen=True)
class SsoConfig:
    """The identity provider, from the ``[auth]`` table of the secrets file (Streamlit's own key names)."""

    server_metadata_url: str
    client_id: str
    client_secret: str
    redirect_uri: str
    cookie_secret: str
    label: str = "single sign-on"
    scope: str = "openid profile email"
    groups_claim: str = "groups"
    role_groups: dict[str, Role] = field(default_factory=dict)


def _text(table: dict[str, object], key: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"[auth] {key} is missing from the single sign-on settings")
    return value.strip()


def load_config(path: Path | None = None) -> SsoConfig | None:
    """The provider settings, or None when single sign-on is not set up (no ``[auth]`` client_id)."""
    source = path or settings().sso_config
    if not source.is_file():
        return None
    table = tomllib.loads(source.read_text(encoding="utf-8")).get("auth")
    if not isinstance(table, dict) or not table.get("client_id"):
        return None
    groups = table.get("role_groups", {})
    if not isinstance(groups, dict):
        raise ValueError("[auth.role_groups] must map group names to admin or clinician")
    return SsoConfig(
        server_metadata_url=_text(table, "server_metadata_url"),
        client_id=_text(table, "client_id"),
        client_secret=_text(table, "client_secret"),
        redirect_uri=_text(table, "redirect_uri"),
        cookie_secret=_text(table, "cookie_secret"),
        label=str(table.get("provider_label") or "single sign-on"),
        scope=str(table.get("scope") or "openid profile email"),
        groups_claim=str(table.get("groups_claim") or "groups"),
        role_groups={str(g): clean_role(r) for g, r in groups.items()},
    )


@dataclass(frozen=True)
class Claims:
    """What the provider said about the person, after its signature and audience were checked."""

    issuer: str
    subject: str
    name: str
    username: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    actor: Actor | None
    message: str = ""


def _role_from_groups(config: SsoConfig, groups: tuple[str, ...]) -> Role | None:
    roles = {config.role_groups[g] for g in groups if g in config.role_groups}
    if Role.ADMIN in roles:
        return Role.ADMIN
    return Role.CLINICIAN if roles else None


def _suggested_username(claims: Claims) -> str:
    base = (claims.username or claims.subject).split("@", 1)[0].strip().lower()
    base = re.sub(r"[^a-z0-9._-]+", "-", base).strip("-._")[:56]
    return base if USERNAME_RE.match(base) else "sso-user"


def _free_username(conn: Connection, wanted: str) -> str:
    name, n = wanted, 1
    while user_store.by_username(conn, name) is not None:
        n += 1
        name = f"{wanted[:56]}-{n}"
    return name


def _display_name(claims: Claims) -> str:
    try:
        return clean_display_name(claims.name)
    except ValidationError:
        return clean_display_name(f"Single sign-on user {claims.subject[:40]}")


def _signed_in(conn: Connection, user_id: int, now: datetime, issuer: str) -> Outcome:
    user = user_store.by_id(conn, user_id)
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    if user is None or not user.active or locked:
        detail = "account deactivated" if user is not None and not user.active else "locked"
        audit.record(conn, None, "sign-in failed", "user", user_id, detail=f"single sign-on: {detail}", at=now)
        return Outcome(None, WRONG_CREDENTIALS)
    user_store.record_success(conn, user.id, now=now, password_hash=None, set_the_lock=False)
    actor = actor_from(user)
    audit.record(conn, actor, "sign-in", "user", user.id, detail=f"single sign-on ({issuer})", at=now)
    return Outcome(actor)


def complete_sign_in(db: Database, config: SsoConfig, claims: Claims, *, now: datetime | None = None) -> Outcome:
    """The account a verified identity signs in as, a wait for approval, or a refusal (same message as a
    wrong password, so a refused identity learns nothing about the accounts)."""
    stamp = now or now_utc()

    def work(conn: Connection) -> Outcome:
        known = identity_store.find(conn, claims.issuer, claims.subject)
        if known is None:
            return _first_sign_in(conn, config, claims, stamp)
        if known.status == IdentityStatus.LINKED and known.user_id is not None:
            return _signed_in(conn, known.user_id, stamp, claims.issuer)
        if known.status == IdentityStatus.PENDING:
            return Outcome(None, AWAITING)
        audit.record(conn, None, "sign-in failed", "sso identity", known.id, detail="identity refused", at=stamp)
        return Outcome(None, WRONG_CREDENTIALS)

    return db.run(work)


def _first_sign_in(conn: Connection, config: SsoConfig, claims: Claims, now: datetime) -> Outcome:
    role = _role_from_groups(config, claims.groups)
    display = _display_name(claims)
    wanted = _suggested_username(claims)
    user_id: int | None = None
    decision: str | None = None
    if role is not None:
        group = next(g for g in claims.groups if config.role_groups.get(g) == role)
        decision = f"group {group} gives the {role.value} role"
        user_id = user_store.add(
            conn,
            username=_free_username(conn, wanted),
            display_name=display,
            role=role.value,
            password_hash=NO_PASSWORD,
            now=now,
        )
        audit.record(conn, None, "create", "user", user_id, username="single sign-on", detail=decision, at=now)
    identity_id = identity_store.add(
        conn,
        issuer=claims.issuer,
        subject=claims.subject,
        claimed_name=display,
        claimed_username=wanted,
        status=IdentityStatus.PENDING if user_id is None else IdentityStatus.LINKED,
        user_id=user_id,
        now=now,
        decision=decision,
    )
    if user_id is None:
        audit.record(conn, None, "sign-in failed", "sso identity", identity_id, detail="awaiting approval", at=now)
        return Outcome(None, AWAITING)
    return _signed_in(conn, user_id, now, claims.issuer)


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise AccessDenied("Only an administrator can decide on single sign-on identities.")


def list_identities(db: Database, actor: Actor) -> list[identity_store.IdentityRecord]:
    _require_admin(actor)
    return db.run(identity_store.all_identities, write=False)


Decision = Callable[[Connection, identity_store.IdentityRecord, datetime], tuple[int | None, str]]


def _decide(db: Database, actor: Actor, identity_id: int, version: int, status: IdentityStatus, make: Decision) -> None:
    _require_admin(actor)

    def work(conn: Connection) -> None:
        identity = identity_store.by_id(conn, identity_id)
        if identity is None:
            raise NotFound("No such single sign-on identity.")
        now = now_utc()
        user_id, decision = make(conn, identity, now)
        if not identity_store.decide(
            conn,
            identity_id,
            expected_version=version,
            status=status,
            user_id=user_id,
            decided_by=actor.user_id,
            decision=decision,
            now=now,
        ):
            raise ValidationError("identity", "Someone else decided on this identity first; reload the page.")
        audit.record(conn, actor, "update", "sso identity", identity_id, detail=f"{status.value}: {decision}", at=now)

    db.run(work)


def approve_as_new_account(db: Database, actor: Actor, identity_id: int, version: int, role: str) -> None:
    """Let a waiting identity in, as a new account with the role the administrator chose (no password)."""
    chosen = clean_role(role)

    def make(conn: Connection, identity: identity_store.IdentityRecord, now: datetime) -> tuple[int, str]:
        username = _free_username(conn, identity.claimed_username)
        user_id = user_store.add(
            conn,
            username=username,
            display_name=identity.claimed_name,
            role=chosen.value,
            password_hash=NO_PASSWORD,
            now=now,
        )
        audit.record(conn, actor, "create", "user", user_id, detail=f"role={chosen.value}, single sign-on", at=now)
        return user_id, f"new {chosen.value} account {username}"

    _decide(db, actor, identity_id, version, IdentityStatus.LINKED, make)


def link_to_account(db: Database, actor: Actor, identity_id: int, version: int, user_id: int) -> None:
    """Let a waiting identity sign in as an existing account (a clinician who had a password account)."""

    def make(conn: Connection, identity: identity_store.IdentityRecord, now: datetime) -> tuple[int, str]:
        user = user_store.by_id(conn, user_id)
        if user is None:
            raise ValidationError("user_id", "Choose an existing account.")
        return user.id, f"linked to account {user.username}"

    _decide(db, actor, identity_id, version, IdentityStatus.LINKED, make)


def refuse(db: Database, actor: Actor, identity_id: int, version: int) -> None:
    _decide(db, actor, identity_id, version, IdentityStatus.REFUSED, lambda conn, identity, now: (None, "refused"))
