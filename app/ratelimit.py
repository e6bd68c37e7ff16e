"""Rate-limit keys beyond the client IP."""

from __future__ import annotations

import math
import time

from flask import request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter.util import get_remote_address


def login_name_key() -> str:
    """The login name a sign-in or sign-up is for, case-folded."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        for field in ("login", "username", "email"):
            value = body.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return f"ip:{get_remote_address()}"


def user_key() -> str:
    """The signed-in user, or the client IP for anonymous requests."""
    verify_jwt_in_request(optional=True)
    identity = get_jwt_identity()
    return f"user:{identity}" if identity else f"ip:{get_remote_address()}"


def hit_socket_limit(name: str, limit_value: str, user_id: int) -> int | None:
    """Count one event against a per-user budget in flask-limiter's storage.

    Returns None when allowed, else the seconds until the budget frees up.
    """
    from limits import parse

    from app.extensions import limiter

    if not limiter.enabled:
        return None
    strategy = limiter.limiter
    limit = parse(limit_value)
    key = ("socketio", name, f"user:{user_id}")
    if strategy.hit(limit, *key):
        return None
    reset_at = strategy.get_window_stats(limit, *key).reset_time
    return max(1, math.ceil(reset_at - time.time()))
