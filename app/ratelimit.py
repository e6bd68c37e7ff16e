"""Rate-limit keys beyond the client IP."""

from __future__ import annotations

import math
import time

from flask import request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter.util import get_remote_address

from app.auth.services import account_id_for
from app.models.types import folded


def login_name_key() -> str:
    """The account a sign-in or sign-up is for, whichever of its names is used;
    a name no account has is a budget of its own, case-folded."""
    from app.errors import ApiError
    from app.rest import json_object_body

    try:
        body = json_object_body(request)
    except ApiError:
        body = None  # the request is refused with that error once it is parsed
    if isinstance(body, dict):
        for field in ("login", "username", "email"):
            value = body.get(field)
            if isinstance(value, str) and value.strip():
                account = account_id_for(value)
                return f"account:{account}" if account is not None else folded(value.strip())
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
