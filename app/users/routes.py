"""/api/users: the caller's profile, the directory, and administration."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_jwt_extended import current_user, jwt_required

from app.auth.decorators import admin_required
from app.models import User
from app.rest import Blueprint
from app.users import services
from app.users.schemas import (
    AdminUserUpdateArgs,
    DeleteAccountArgs,
    ProfileUpdateArgs,
    StatisticsSchema,
    UserListArgs,
    UserPageSchema,
    UserPrivateSchema,
    UserPublicSchema,
)

bp = Blueprint("users", __name__, url_prefix="/api/users", description="Users")

PRIVATE = UserPrivateSchema()
PUBLIC = UserPublicSchema()


def dump_for(viewer: User, user: User) -> dict[str, Any]:
    # Chosen per viewer, so these routes render themselves rather than
    # through the documented (public) response schema.
    return (PRIVATE if services.can_see_private(viewer, user) else PUBLIC).dump(user)


@bp.route("/me", methods=["GET"])
@jwt_required()
@bp.response(200, UserPrivateSchema)
def get_me() -> User:
    """The caller's own profile."""
    return current_user


@bp.route("/me", methods=["PATCH"])
@jwt_required()
@bp.arguments(ProfileUpdateArgs)
@bp.response(200, UserPrivateSchema)
def update_me(changes: dict[str, Any]) -> User:
    """Edit the caller's profile; username and email need current_password."""
    return services.update_profile(current_user, changes)


@bp.route("/me", methods=["DELETE"])
@jwt_required()
@bp.arguments(DeleteAccountArgs)
@bp.response(204)
def delete_me(data: dict[str, Any]) -> Response:
    """Delete the caller's account; their messages stay without a sender."""
    services.delete_account(current_user, data["password"])
    return Response(status=204)


@bp.route("", methods=["GET"])
@jwt_required()
@bp.arguments(UserListArgs, location="query")
@bp.response(200, UserPageSchema)
def list_users(args: dict[str, Any]) -> Response:
    """Search users by username or display-name prefix (private forms for admins)."""
    page = services.list_users(current_user, args)
    return jsonify(page.render("users", lambda user: dump_for(current_user, user)))


@bp.route("/statistics", methods=["GET"])
@admin_required
@bp.response(200, StatisticsSchema)
def statistics() -> dict[str, Any]:
    """Counts of users by state and role (admins)."""
    return services.statistics()


@bp.route("/<id:user_id>", methods=["GET"])
@jwt_required()
@bp.response(200, UserPublicSchema)
def get_user(user_id: int) -> Response:
    """A user: public form, private for themself and admins."""
    return jsonify(dump_for(current_user, services.get_user(user_id)))


@bp.route("/<id:user_id>", methods=["PATCH"])
@admin_required
@bp.arguments(AdminUserUpdateArgs)
@bp.response(200, UserPrivateSchema)
def update_user(changes: dict[str, Any], user_id: int) -> User:
    """Change a user's role, state or profile (admins)."""
    return services.admin_update_user(current_user, services.get_user(user_id), changes)


@bp.route("/<id:user_id>", methods=["DELETE"])
@admin_required
@bp.response(204)
def delete_user(user_id: int) -> Response:
    """Delete a user (admins)."""
    services.admin_delete_user(current_user, services.get_user(user_id))
    return Response(status=204)
