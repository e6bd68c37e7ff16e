"""/api/rooms/{id}/messages, /api/messages/{id}, /api/rooms/{id}/read."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_jwt_extended import current_user, jwt_required

from app.auth.credentials import Credentials
from app.messages import services
from app.messages.schemas import (
    EditMessageArgs,
    HistoryArgs,
    MarkReadArgs,
    MessagePageSchema,
    MessageSchema,
    PostMessageArgs,
)
from app.rest import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/api", description="Messages")


@bp.route("/rooms/<id:room_id>/messages", methods=["GET"])
@jwt_required()
@bp.arguments(HistoryArgs, location="query")
@bp.response(200, MessagePageSchema)
def history(args: dict[str, Any], room_id: int) -> services.History:
    """A page of history, oldest first; page back with before=, catch up with after=."""
    return services.history(current_user, room_id, **args)


@bp.route("/rooms/<id:room_id>/messages", methods=["POST"])
@jwt_required()
@bp.arguments(PostMessageArgs)
@bp.response(201, MessageSchema)
@bp.alt_response(200, schema=MessageSchema, description="A repeated client_id: the original")
def post_message(data: dict[str, Any], room_id: int) -> Response:
    """Send a message to a room (members); a repeated client_id returns the original."""
    sender = Credentials(current_user.id, None, current_user.token_version)
    message, created = services.post_message(
        sender, room_id, data["content"], data.get("client_id")
    )
    response = jsonify(message)
    response.status_code = 201 if created else 200
    return response


@bp.route("/messages/<message_id:message_id>", methods=["PATCH"])
@jwt_required()
@bp.arguments(EditMessageArgs)
@bp.response(200, MessageSchema)
def edit_message(data: dict[str, Any], message_id: int) -> Response:
    """Edit the text of your own message."""
    return jsonify(services.edit_message(current_user, message_id, data["content"]))


@bp.route("/messages/<message_id:message_id>", methods=["DELETE"])
@jwt_required()
@bp.response(204)
def delete_message(message_id: int) -> Response:
    """Delete a message, leaving a tombstone (author, room owner/admin, global staff)."""
    services.delete_message(current_user, message_id)
    return Response(status=204)


@bp.route("/rooms/<id:room_id>/read", methods=["POST"])
@jwt_required()
@bp.arguments(MarkReadArgs)
@bp.response(204)
def mark_read(data: dict[str, Any], room_id: int) -> Response:
    """Move your read marker forward to a message of this room."""
    services.mark_read(current_user, room_id, data["message_id"])
    return Response(status=204)
