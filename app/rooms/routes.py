"""/api/rooms: rooms and their members."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_jwt_extended import current_user, jwt_required

from app.rest import Blueprint
from app.rooms import services
from app.rooms.schemas import (
    AddMemberArgs,
    CreateRoomArgs,
    MemberPageSchema,
    MemberRoleArgs,
    MemberSchema,
    RoomListArgs,
    RoomPageSchema,
    RoomSchema,
    UpdateRoomArgs,
)
from app.rooms.views import render_room, render_rooms
from app.schemas import PageArgs

bp = Blueprint("rooms", __name__, url_prefix="/api/rooms", description="Rooms and members")


def room_response(room: Any, status: int = 200) -> Response:
    response = jsonify(render_room(room, current_user.id))
    response.status_code = status
    return response


@bp.route("", methods=["POST"])
@jwt_required()
@bp.arguments(CreateRoomArgs)
@bp.response(201, RoomSchema)
def create_room(data: dict[str, Any]) -> Response:
    """Create a public or private room; the caller becomes its owner."""
    return room_response(services.create_room(current_user, data), 201)


@bp.route("", methods=["GET"])
@jwt_required()
@bp.arguments(RoomListArgs, location="query")
@bp.response(200, RoomPageSchema)
def list_rooms(args: dict[str, Any]) -> Response:
    """Every public room and every room the caller belongs to."""
    page = services.list_rooms(current_user, args)
    return jsonify(
        {
            "rooms": render_rooms(page.items, current_user.id),
            "has_more": page.has_more,
            "next_cursor": page.next_cursor,
        }
    )


@bp.route("/<id:room_id>", methods=["GET"])
@jwt_required()
@bp.response(200, RoomSchema)
def get_room(room_id: int) -> Response:
    """One room, as the caller sees it."""
    return room_response(services.get_room(current_user, room_id))


@bp.route("/<id:room_id>", methods=["PATCH"])
@jwt_required()
@bp.arguments(UpdateRoomArgs)
@bp.response(200, RoomSchema)
def update_room(changes: dict[str, Any], room_id: int) -> Response:
    """Rename, describe, or switch between public and private (room owner/admin, admins)."""
    return room_response(services.update_room(current_user, room_id, changes))


@bp.route("/<id:room_id>", methods=["DELETE"])
@jwt_required()
@bp.response(204)
def delete_room(room_id: int) -> Response:
    """Delete a room and its messages (room owner, admins)."""
    services.delete_room(current_user, room_id)
    return Response(status=204)


@bp.route("/<id:room_id>/join", methods=["POST"])
@jwt_required()
@bp.response(200, RoomSchema)
def join_room(room_id: int) -> Response:
    """Join a public room; joining again changes nothing."""
    room, _new = services.join_room(current_user, room_id)
    return room_response(room)


@bp.route("/<id:room_id>/leave", methods=["POST"])
@jwt_required()
@bp.response(204)
def leave_room(room_id: int) -> Response:
    """Leave a room; an owner's ownership passes on."""
    services.leave_room(current_user, room_id)
    return Response(status=204)


@bp.route("/<id:room_id>/members", methods=["GET"])
@jwt_required()
@bp.arguments(PageArgs, location="query")
@bp.response(200, MemberPageSchema)
def list_members(args: dict[str, Any], room_id: int) -> dict[str, Any]:
    """The room's members, with their roles and presence."""
    return services.list_members(current_user, room_id, args)


@bp.route("/<id:room_id>/members", methods=["POST"])
@jwt_required()
@bp.arguments(AddMemberArgs)
@bp.response(201, MemberSchema)
def add_member(data: dict[str, Any], room_id: int) -> dict[str, Any]:
    """Add a user to the room (room owner/admin, admins)."""
    return services.member_view(services.add_member(current_user, room_id, data["user_id"]))


@bp.route("/<id:room_id>/members/<id:user_id>", methods=["PATCH"])
@jwt_required()
@bp.arguments(MemberRoleArgs)
@bp.response(200, MemberSchema)
def set_member_role(data: dict[str, Any], room_id: int, user_id: int) -> dict[str, Any]:
    """Make a member an admin, or an admin a member (room owner)."""
    membership = services.set_member_role(current_user, room_id, user_id, data["role"])
    return services.member_view(membership)


@bp.route("/<id:room_id>/members/<id:user_id>", methods=["DELETE"])
@jwt_required()
@bp.response(204)
def remove_member(room_id: int, user_id: int) -> Response:
    """Remove a member (room owner/admin, global moderators and admins)."""
    services.remove_member(current_user, room_id, user_id)
    return Response(status=204)
