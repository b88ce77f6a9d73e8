"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_default = PasswordHasher()
# For the test suite only (PASSWORD_HASH_FAST): still argon2id, with minimal cost.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher():
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _default


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """Return (ok, new_hash): new_hash is set when the stored hash should be upgraded."""
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None
