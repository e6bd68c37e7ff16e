"""JWT issue, revocation and the flask-jwt-extended callbacks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, request
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.config import config as jwt_config
from jwt import PyJWTError
from jwt.utils import base64url_decode
from sqlalchemy import delete

from app.auth.credentials import Credentials, still_valid
from app.errors import ApiError, render
from app.extensions import db, jwt
from app.models import RevokedToken, User
from app.models.types import utcnow


def _claims(user: User) -> dict[str, Any]:
    return {"name": user.username, "role": user.role, "ver": user.token_version}


def issue_tokens(user: User) -> tuple[str, str]:
    identity = str(user.id)
    return (
        create_access_token(identity=identity, additional_claims=_claims(user)),
        create_refresh_token(identity=identity, additional_claims=_claims(user)),
    )


def issue_access_token(user: User) -> str:
    return create_access_token(identity=str(user.id), additional_claims=_claims(user))


def revoke_token(payload: dict[str, Any]) -> None:
    """Remember a token's jti until it expires; forget revocations that have."""
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if db.session.get(RevokedToken, payload["jti"]) is None:
        expires_at = datetime.fromtimestamp(payload["exp"], UTC)
        db.session.add(RevokedToken(jti=payload["jti"], expires_at=expires_at))


def decode_refresh_token(encoded: str, user_id: int) -> dict[str, Any] | None:
    """The payload of the caller's own refresh token, or None if it is not one."""
    try:
        payload = decode_token(encoded)
    except PyJWTError:
        return None
    if payload.get("type") != "refresh" or payload.get("sub") != str(user_id):
        return None
    return payload


def token_credentials(payload: dict[str, Any]) -> Credentials | None:
    """What a decoded token claims; None for claims no token of ours carries."""
    try:
        return Credentials(int(payload["sub"]), str(payload["jti"]), int(payload.get("ver", -1)))
    except (KeyError, TypeError, ValueError):
        return None


def token_user(payload: dict[str, Any]) -> User | None:
    """The user a token speaks for, if the token is still good for them.

    The rule is `credentials.still_valid`'s. flask-jwt-extended asks twice per
    request (is it revoked, whose is it): the answer is kept for the request.
    """
    credentials = token_credentials(payload)
    if credentials is None:
        return None
    checked = g.setdefault("token_users", {})
    if credentials not in checked:
        checked[credentials] = still_valid(credentials)
    return checked[credentials]


def is_revoked(payload: dict[str, Any]) -> bool:
    return token_user(payload) is None


def set_auth_cookies(response: Response, access_token: str, refresh_token: str | None) -> None:
    """Set the token and CSRF cookies; Secure over HTTPS, and always in production."""
    secure = request.is_secure or current_app.config["COOKIE_SECURE_ALWAYS"]
    access_age = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())
    _set_pair(response, access_token, "access", access_age, secure)
    if refresh_token is not None:
        refresh_age = int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds())
        _set_pair(response, refresh_token, "refresh", refresh_age, secure)


def _set_pair(response: Response, token: str, kind: str, max_age: int, secure: bool) -> None:
    common = {"max_age": max_age, "secure": secure, "samesite": "Lax"}
    response.set_cookie(
        getattr(jwt_config, f"{kind}_cookie_name"),
        token,
        httponly=True,
        path=getattr(jwt_config, f"{kind}_cookie_path"),
        **common,
    )
    response.set_cookie(
        getattr(jwt_config, f"{kind}_csrf_cookie_name"),
        _csrf_claim(token),
        httponly=False,
        path=getattr(jwt_config, f"{kind}_csrf_cookie_path"),
        **common,
    )


def _csrf_claim(token: str) -> str:
    # The token was signed a moment ago in this request: its claims need no
    # verification (get_csrf_token would verify it again), only reading.
    return json.loads(base64url_decode(token.split(".")[1]))["csrf"]


def clear_auth_cookies(response: Response) -> None:
    for kind in ("access", "refresh"):
        response.delete_cookie(
            getattr(jwt_config, f"{kind}_cookie_name"),
            path=getattr(jwt_config, f"{kind}_cookie_path"),
        )
        response.delete_cookie(
            getattr(jwt_config, f"{kind}_csrf_cookie_name"),
            path=getattr(jwt_config, f"{kind}_csrf_cookie_path"),
        )


def _unauthorized(message: str) -> Response:
    return render(ApiError("unauthorized", message))


def register_jwt_callbacks() -> None:
    """Every JWT failure renders as the contract's 401 unauthorized."""

    @jwt.token_in_blocklist_loader
    def check_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        return is_revoked(payload)

    @jwt.user_lookup_loader
    def load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
        return token_user(payload)

    @jwt.unauthorized_loader
    def missing_token(reason: str) -> Response:
        return _unauthorized(f"Authentication is required: {reason}.")

    @jwt.invalid_token_loader
    def invalid_token(reason: str) -> Response:
        return _unauthorized(f"The token is invalid: {reason}.")

    @jwt.expired_token_loader
    def expired_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has expired.")

    @jwt.revoked_token_loader
    def revoked_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token has been revoked.")

    @jwt.user_lookup_error_loader
    def unknown_user(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token's account no longer exists.")

    @jwt.token_verification_failed_loader
    def failed_verification(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("The token was refused.")

    @jwt.needs_fresh_token_loader
    def needs_fresh(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
        return _unauthorized("A fresh login is required.")
