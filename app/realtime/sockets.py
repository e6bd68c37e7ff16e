"""Who each live socket of this process speaks for, and how it proved it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from flask import Request
from flask_jwt_extended import decode_token
from flask_jwt_extended.config import config as jwt_config
from jwt import PyJWTError
from sqlalchemy import literal, select

from app.auth.services import authenticate
from app.errors import ApiError
from app.extensions import db
from app.models import RevokedToken, User


@dataclass(frozen=True)
class SocketIdentity:
    user_id: int
    # None when the socket signed in with login and password rather than a token.
    jti: str | None
    token_version: int


class SocketRegistry:
    """The sockets of this process: sid -> identity."""

    def __init__(self) -> None:
        self._by_sid: dict[str, SocketIdentity] = {}
        self._lock = threading.Lock()

    def add(self, sid: str, identity: SocketIdentity) -> None:
        with self._lock:
            self._by_sid[sid] = identity

    def pop(self, sid: str) -> SocketIdentity | None:
        with self._lock:
            return self._by_sid.pop(sid, None)

    def get(self, sid: str) -> SocketIdentity | None:
        return self._by_sid.get(sid)

    def count(self) -> int:
        return len(self._by_sid)

    def clear(self) -> None:
        with self._lock:
            self._by_sid.clear()


registry = SocketRegistry()


def _from_token(token: str) -> tuple[User, SocketIdentity]:
    try:
        payload = decode_token(token)
    except PyJWTError as exc:
        raise ApiError("unauthorized", f"The token is invalid: {exc}.") from exc
    if payload.get("type") != "access":
        raise ApiError("unauthorized", "An access token is required.")
    identity = SocketIdentity(int(payload["sub"]), payload["jti"], payload.get("ver", -1))
    user = still_valid(identity)
    if user is None:
        raise ApiError("unauthorized", "The token has been revoked.")
    return user, identity


def authenticate_socket(auth: Any, request: Request) -> tuple[User, SocketIdentity]:
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
        try:
            user = authenticate(login.strip(), password)
        except ApiError as exc:
            raise ApiError("unauthorized", exc.message) from exc
        return user, SocketIdentity(user.id, None, user.token_version)
    raise ApiError("unauthorized", "Authentication is required: pass auth.token.")


def still_valid(identity: SocketIdentity) -> User | None:
    """The user, if the socket's credentials have not been revoked since; one query."""
    revoked = (
        select(RevokedToken.jti).where(RevokedToken.jti == identity.jti).exists()
        if identity.jti
        else literal(False)
    )
    row = db.session.execute(select(User, revoked).where(User.id == identity.user_id)).first()
    if row is None:
        return None
    user, is_revoked = row
    if is_revoked or not user.active or user.token_version != identity.token_version:
        return None
    return user
