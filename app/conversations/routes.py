"""/api/chat-codes and /api/conversations."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from flask_jwt_extended import current_user, jwt_required

from app.conversations import services
from app.conversations.schemas import ChatCodeListSchema, ChatCodeSchema, StartConversationArgs
from app.extensions import limiter
from app.models import ChatCode
from app.ratelimit import user_key
from app.rest import Blueprint
from app.rooms.schemas import RoomSchema
from app.rooms.views import render_room

bp = Blueprint("conversations", __name__, url_prefix="/api", description="Direct conversations")


@bp.route("/chat-codes", methods=["POST"])
@jwt_required()
@bp.response(201, ChatCodeSchema)
def create_code() -> ChatCode:
    """A five-digit code to give someone; it lives 24 hours (5 live at most)."""
    return services.create_code(current_user)


@bp.route("/chat-codes", methods=["GET"])
@jwt_required()
@bp.response(200, ChatCodeListSchema)
def list_codes() -> dict[str, Any]:
    """The caller's live codes."""
    return {"codes": services.list_codes(current_user)}


@bp.route("/chat-codes/<code>", methods=["DELETE"])
@jwt_required()
@bp.response(204)
def revoke_code(code: str) -> Response:
    """Withdraw one of the caller's codes."""
    services.revoke_code(current_user, code)
    return Response(status=204)


@bp.route("/conversations", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_CONVERSATIONS"], key_func=user_key)
@jwt_required()
@bp.arguments(StartConversationArgs)
@bp.response(201, RoomSchema)
@bp.alt_response(200, schema=RoomSchema, description="The two already share a direct room")
def start_conversation(data: dict[str, Any]) -> Response:
    """Open a direct conversation with the owner of a chat code."""
    room, created = services.start_conversation(current_user, data["code"])
    response = jsonify(render_room(room, current_user.id))
    response.status_code = 201 if created else 200
    return response
