"""How a socket proves whom it speaks for, when it connects."""

from __future__ import annotations

from typing import Any

from flask import Request
from flask_jwt_extended import decode_token
from flask_jwt_extended.config import config as jwt_config
from jwt import PyJWTError

from app.auth.credentials import Credentials, still_valid
from app.auth.services import authenticate
from app.auth.tokens import token_credentials
from app.errors import ApiError
from app.models import User
from app.schemas import UNSTORABLE_TEXT, is_storable


def _from_token(token: str) -> tuple[User, Credentials]:
    try:
        payload = decode_token(token)
    except PyJWTError as exc:
        raise ApiError("unauthorized", f"The token is invalid: {exc}.") from exc
    if payload.get("type") != "access":
        raise ApiError("unauthorized", "An access token is required.")
    identity = token_credentials(payload)
    user = still_valid(identity) if identity is not None else None
    if identity is None or user is None:
        raise ApiError("unauthorized", "The token has been revoked.")
    return user, identity


def authenticate_socket(auth: Any, request: Request) -> tuple[User, Credentials]:
    """The contract's four ways, first match wins: auth.token, Bearer header,
    access cookie, auth.login with auth.password."""
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("token")
    if isinstance(token, str) and token:
        return _from_token(token)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return _from_token(header[len("Bearer ") :].strip())
    cookie = request.cookies.get(jwt_config.access_cookie_name)
    if cookie:
        return _from_token(cookie)
    login, password = auth.get("login"), auth.get("password")
    if isinstance(login, str) and isinstance(password, str) and login:
        if not (is_storable(login) and is_storable(password)):
            raise ApiError("unauthorized", "auth.login and auth.password: " + UNSTORABLE_TEXT)
        try:
            user = authenticate(login.strip(), password)
        except ApiError as exc:
            raise ApiError("unauthorized", exc.message) from exc
        return user, Credentials(user.id, None, user.token_version)
    raise ApiError("unauthorized", "Authentication is required: pass auth.token.")
