"""Password hashing with argon2id."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (argon2-cffi defaults, RFC 9106 "second choice")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the cost parameters (tests use a cheaper setting; hashes stay argon2id)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-used-for-timing-only")


def verify(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one uses outdated parameters).

    An unknown user is checked against a dummy hash so that a wrong username takes as long
    as a wrong password and the response time does not reveal which accounts exist.
    """
    target = password_hash or _dummy_hash()
    try:
        # surrogatepass: whatever a browser or script sends is checked (and fails), never an encoding error
        _hasher.verify(target, password.encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if password_hash is None:
        return False, None
    return True, _hasher.hash(password) if _hasher.check_needs_rehash(password_hash) else None
