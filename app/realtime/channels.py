"""What services may do to live sockets: the realtime interface.

Services call these functions after they commit; REST and Socket.IO writes
therefore emit the same events. Sockets join `user:<id>` and `token:<jti>`
channels so that a user or a token can be reached on every socket it has,
on every process: with a message queue, subscriptions and disconnections
travel as control operations on the queue (see `message_queue.py`).
The Socket.IO binding (`binding.py`, `namespace.py`) sits above this module:
nothing here imports it.
"""

from __future__ import annotations

import logging
from typing import Any

from app.extensions import socketio

NAMESPACE = "/chat"
log = logging.getLogger(__name__)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def token_room(jti: str) -> str:
    return f"token:{jti}"


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def _server() -> Any:
    return getattr(socketio, "server", None)


def emit(
    event: str,
    payload: Any,
    *,
    to: str | list[str],
    skip_sid: str | None = None,
    local: bool = False,
) -> None:
    """Send an event to channels (rooms, a user's sockets, or one socket).

    `local` skips the message queue, for a socket known to be on this process.
    """
    if _server() is None:
        return
    extra = {"ignore_queue": True} if local else {}
    socketio.emit(event, payload, to=to, namespace=NAMESPACE, skip_sid=skip_sid, **extra)


def _local_sids(channel: str) -> list[str]:
    server = _server()
    if server is None:
        return []
    return [sid for sid, _eio in server.manager.get_participants(NAMESPACE, channel)]


def apply_control(op: dict[str, Any]) -> None:
    """Carry out a control operation on this process's own sockets."""
    server = _server()
    if server is None:
        return
    kind = op.get("op")
    if kind == "subscribe":
        for sid in _local_sids(user_room(op["user_id"])):
            server.manager.enter_room(sid, NAMESPACE, room_channel(op["room_id"]))
    elif kind == "unsubscribe":
        for sid in _local_sids(user_room(op["user_id"])):
            server.manager.leave_room(sid, NAMESPACE, room_channel(op["room_id"]))
    elif kind == "disconnect":
        for sid in _local_sids(op["channel"]):
            server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)


def _control(op: dict[str, Any]) -> None:
    from app.realtime.message_queue import ParleyRedisManager

    server = _server()
    manager = getattr(server, "manager", None)
    if isinstance(manager, ParleyRedisManager):
        manager.publish_control(op)
    else:
        apply_control(op)


def subscribe_user(user_id: int, room_id: int) -> None:
    """Put every socket of the user, on every process, into the room's channel."""
    _control({"op": "subscribe", "user_id": user_id, "room_id": room_id})


def unsubscribe_user(user_id: int, room_id: int) -> None:
    _control({"op": "unsubscribe", "user_id": user_id, "room_id": room_id})


def disconnect_user(user_id: int) -> None:
    _control({"op": "disconnect", "channel": user_room(user_id)})


def disconnect_token(jti: str) -> None:
    _control({"op": "disconnect", "channel": token_room(jti)})


def close_room(room_id: int) -> None:
    server = _server()
    if server is not None:
        server.close_room(room_channel(room_id), namespace=NAMESPACE)
