"""Password hashing with argon2id."""

from __future__ import annotations

import threading
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet, argon2id: m = 7 MiB, t = 5, p = 1, one of the five settings it lists as
# equivalent in the defence they give (the others: 46 MiB/t=1, 19 MiB/t=2, 12 MiB/t=3, 9 MiB/t=4). The least
# memory: every check holds MEMORY_KIB while it runs, so with ten clinicians signing in at once on two server
# processes, the server's summed memory peaked at 481 MB with 19 MiB and at 445 MB with 7 MiB (bench/memory.py);
# here it is also the fastest (28 ms against 37 ms a check). Hashes stored with 19 MiB are re-hashed with this
# at their next sign-in (``verify``).
MEMORY_KIB = 7 * 1024
TIME_COST = 5
PARALLELISM = 1
# At most this many hashes are computed at once, so a burst of sign-ins queues instead of taking every
# core and MEMORY_KIB each.
CONCURRENT_HASHES = 2


def production_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)


_hasher = production_hasher()
_slots = threading.BoundedSemaphore(CONCURRENT_HASHES)


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the cost parameters (tests use a cheaper setting; hashes stay argon2id)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-used-for-timing-only")


def verify(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one uses outdated parameters).

    An unknown user is checked against a dummy hash so that a wrong username takes as long
    as a wrong password and the response time does not reveal which accounts exist.
    Hash computations wait for one of CONCURRENT_HASHES slots.
    """
    if password_hash is not None and not password_hash.startswith("$argon2"):
        password_hash = None  # an account without a password (single sign-on): the same cost, never a match
    target = password_hash or _dummy_hash()
    try:
        with _slots:
            # surrogatepass: whatever a browser or script sends is checked (and fails), never an encoding error
            _hasher.verify(target, password.encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if password_hash is None:
        return False, None
    return True, hash_password(password) if _hasher.check_needs_rehash(password_hash) else None
