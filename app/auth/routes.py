"""/api/auth: register, login, refresh, logout, change-password."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_jwt_extended.config import config as jwt_config

from app.auth import services
from app.auth.schemas import (
    AccessTokenSchema,
    AuthResponseSchema,
    ChangePasswordArgs,
    LoginArgs,
    LogoutArgs,
    RegisterArgs,
    TokenPairSchema,
)
from app.auth.tokens import clear_auth_cookies, issue_access_token, issue_tokens, set_auth_cookies
from app.extensions import limiter
from app.models import User
from app.ratelimit import login_name_key
from app.rest import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Accounts and tokens")


def auth_limits(view: Any) -> Any:
    """The contract's budgets for login and register: per IP and per login name."""
    per_ip = limiter.limit(lambda: current_app.config["RATELIMIT_AUTH_PER_IP"])
    per_login = limiter.limit(
        lambda: current_app.config["RATELIMIT_AUTH_PER_LOGIN"],
        key_func=login_name_key,
        scope="login-name",
    )
    return per_ip(per_login(view))


# Built once: a marshmallow schema copies its declared fields when it is built.
_AUTH_RESPONSE = AuthResponseSchema()


def auth_response(user: User, status: int) -> Response:
    access_token, refresh_token = issue_tokens(user)
    body = _AUTH_RESPONSE.dump(
        {"user": user, "access_token": access_token, "refresh_token": refresh_token}
    )
    response = jsonify(body)
    response.status_code = status
    set_auth_cookies(response, access_token, refresh_token)
    return response


@bp.route("/register", methods=["POST"])
@bp.doc(security=[])
@auth_limits
@bp.arguments(RegisterArgs)
@bp.response(201, AuthResponseSchema)
def register(data: dict[str, Any]) -> Response:
    """Create an account and sign in."""
    return auth_response(services.register_user(data), 201)


@bp.route("/login", methods=["POST"])
@bp.doc(security=[])
@auth_limits
@bp.arguments(LoginArgs)
@bp.response(200, AuthResponseSchema)
def login(data: dict[str, Any]) -> Response:
    """Sign in with a username or e-mail and a password."""
    return auth_response(services.authenticate(data["login"], data["password"]), 200)


@bp.route("/refresh", methods=["POST"])
@jwt_required(refresh=True)
@bp.response(200, AccessTokenSchema)
def refresh() -> Response:
    """Trade a refresh token for a new access token."""
    services.record_seen(current_user.id)
    access_token = issue_access_token(current_user)
    response = jsonify({"access_token": access_token})
    set_auth_cookies(response, access_token, None)
    return response


@bp.route("/logout", methods=["POST"])
@jwt_required()
@bp.arguments(LogoutArgs)
@bp.response(204)
def logout(data: dict[str, Any]) -> Response:
    """Revoke the access token (and the refresh token, when presented)."""
    services.logout(
        current_user,
        get_jwt(),
        body_refresh_token=data.get("refresh_token"),
        cookie_refresh_token=request.cookies.get(jwt_config.refresh_cookie_name),
    )
    response = Response(status=204)
    clear_auth_cookies(response)
    return response


@bp.route("/change-password", methods=["POST"])
@jwt_required()
@bp.arguments(ChangePasswordArgs)
@bp.response(200, TokenPairSchema)
def change_password(data: dict[str, Any]) -> Response:
    """Change the password; every earlier token stops working."""
    access_token, refresh_token = services.change_password(
        current_user, data["old_password"], data["new_password"]
    )
    response = jsonify({"access_token": access_token, "refresh_token": refresh_token})
    set_auth_cookies(response, access_token, refresh_token)
    return response
