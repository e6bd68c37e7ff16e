"""Password hashing with bcrypt, off the event loop."""

from __future__ import annotations

import functools
import secrets

import bcrypt
from flask import current_app

from app.concurrency import run_blocking

MAX_PASSWORD_BYTES = 72


def hash_password(password: str) -> str:
    rounds = current_app.config["BCRYPT_ROUNDS"]
    salt = bcrypt.gensalt(rounds)
    return run_blocking(bcrypt.hashpw, password.encode("utf-8"), salt).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; costs one bcrypt check whatever the input.

    With no hash (unknown user) or an over-long password, a dummy hash of the
    same cost is checked, so a caller cannot tell the cases apart by timing.
    """
    encoded = password.encode("utf-8")
    usable = password_hash is not None and len(encoded) <= MAX_PASSWORD_BYTES
    target = password_hash.encode("ascii") if usable else _dummy_hash(_rounds())
    candidate = encoded if len(encoded) <= MAX_PASSWORD_BYTES else encoded[:MAX_PASSWORD_BYTES]
    matched = run_blocking(bcrypt.checkpw, candidate, target)
    return bool(matched and usable)


def _rounds() -> int:
    return current_app.config["BCRYPT_ROUNDS"]


@functools.cache
def _dummy_hash(rounds: int) -> bytes:
    return run_blocking(bcrypt.hashpw, secrets.token_hex(16).encode(), bcrypt.gensalt(rounds))
