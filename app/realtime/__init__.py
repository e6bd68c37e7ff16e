"""The seam between the services and live sockets.

Services call these functions after they commit; REST and Socket.IO writes
therefore emit the same events. Sockets join `user:<id>` and `token:<jti>`
rooms so that a user or a token can be reached on every socket it has.
"""

from __future__ import annotations

from typing import Any

from app.extensions import socketio

NAMESPACE = "/chat"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def token_room(jti: str) -> str:
    return f"token:{jti}"


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def _server() -> Any:
    return getattr(socketio, "server", None)


def emit(event: str, payload: Any, *, to: str | list[str], skip_sid: str | None = None) -> None:
    """Send an event to channels (rooms, a user's sockets, or one socket)."""
    if _server() is None:
        return
    socketio.emit(event, payload, to=to, namespace=NAMESPACE, skip_sid=skip_sid)


def _local_sids(channel: str) -> list[str]:
    server = _server()
    if server is None:
        return []
    return [sid for sid, _eio in server.manager.get_participants(NAMESPACE, channel)]


def disconnect_channel(channel: str) -> None:
    for sid in _local_sids(channel):
        socketio.server.disconnect(sid, namespace=NAMESPACE)


def disconnect_user(user_id: int) -> None:
    disconnect_channel(user_room(user_id))


def disconnect_token(jti: str) -> None:
    disconnect_channel(token_room(jti))


def subscribe_user(user_id: int, room_id: int) -> None:
    """Put every socket of the user into the room's channel."""
    server = _server()
    for sid in _local_sids(user_room(user_id)):
        server.enter_room(sid, room_channel(room_id), namespace=NAMESPACE)


def unsubscribe_user(user_id: int, room_id: int) -> None:
    server = _server()
    for sid in _local_sids(user_room(user_id)):
        server.leave_room(sid, room_channel(room_id), namespace=NAMESPACE)


def close_room(room_id: int) -> None:
    server = _server()
    if server is not None:
        server.close_room(room_channel(room_id), namespace=NAMESPACE)
