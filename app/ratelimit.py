"""Rate-limit keys beyond the client IP."""

from __future__ import annotations

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
