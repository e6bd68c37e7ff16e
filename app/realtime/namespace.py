"""The /chat Socket.IO namespace: thin handlers over the shared services."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, join_room
from sqlalchemy.exc import OperationalError

from app.auth.credentials import Credentials, revoked, still_valid
from app.auth.services import record_seen
from app.errors import ApiError, flatten_webargs_messages
from app.extensions import db, socketio
from app.messages import services as messages
from app.messages.views import render_message, render_messages
from app.metrics import SOCKET_CONNECTIONS, SOCKET_EVENTS
from app.models import User
from app.ratelimit import hit_socket_limit
from app.realtime import channels, events
from app.realtime.schemas import (
    ConnectAuth,
    EditMessagePayload,
    HistoryPayload,
    MarkReadPayload,
    MessageRef,
    RoomRef,
    SendMessagePayload,
    TypingPayload,
)
from app.realtime.sockets import authenticate_socket
from app.rooms import services as rooms
from app.rooms.access import member_room
from app.rooms.views import render_room, render_rooms
from app.schemas import unstorable_fields
from app.state import process_state
from app.users.schemas import UserPrivateSchema, UserPublicSchema

log = logging.getLogger(__name__)
PUBLIC_USER = UserPublicSchema()
PRIVATE_USER = UserPrivateSchema()

Handler = Callable[[Any, dict[str, Any]], dict[str, Any]]


def error_ack(error: ApiError) -> dict[str, Any]:
    return {"ok": False, **error.to_dict()}


def _disconnect_later(sid: str) -> None:
    """Disconnect once the refusing ack is on its way."""

    def task() -> None:
        socketio.sleep(0.05)
        socketio.server.disconnect(sid, namespace=channels.NAMESPACE)

    socketio.start_background_task(task)


def event(
    name: str, schema: type[ma.Schema], *, checks_credentials: bool = False
) -> Callable[[Handler], Callable[..., dict]]:
    """Authorise, validate, run, and turn every outcome into an ack.

    A bad payload is a validation_error ack and never drops the connection;
    a revoked token is an unauthorized ack, then the socket is disconnected.
    A handler that `checks_credentials` itself, inside the statement that
    does its work, gets the socket's Credentials instead of the User.
    """

    def decorate(handler: Handler) -> Callable[..., dict]:
        loader = schema()
        counted = SOCKET_EVENTS.labels(name)

        @functools.wraps(handler)
        def on_event(self: Namespace, data: Any = None, *_extra: Any) -> dict[str, Any]:
            counted.inc()
            sid = request.sid
            try:
                user = current_identity(sid) if checks_credentials else current_socket_user(sid)
                if not isinstance(data, dict):
                    raise ApiError("validation_error", "The payload must be an object.")
                try:
                    if unstorable := unstorable_fields(data):
                        raise ma.ValidationError(unstorable)
                    args = loader.load(data)
                except ma.ValidationError as exc:
                    fields = (
                        exc.messages
                        if isinstance(exc.messages, dict)
                        else {"_payload": exc.messages}
                    )
                    names = ", ".join(sorted(fields))
                    raise ApiError(
                        "validation_error", f"Invalid value for {names}.", fields=fields
                    ) from exc
                return {"ok": True, **handler(user, args)}
            except ApiError as error:
                db.session.rollback()
                if error.error == "unauthorized":
                    _disconnect_later(sid)
                return error_ack(error)
            except OperationalError as exc:
                # As over REST: the database is down or unreachable; nothing was stored.
                db.session.rollback()
                log.error("socket event %s: database unavailable: %s", name, exc.orig)
                return error_ack(ApiError("unavailable", "The database is unavailable."))
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", name)
                return error_ack(ApiError("internal_error"))

        return on_event

    return decorate


def current_identity(sid: str) -> Credentials:
    identity = process_state().sockets.get(sid)
    if identity is None:
        raise revoked()
    return identity


def current_socket_user(sid: str) -> User:
    user = still_valid(current_identity(sid))
    if user is None:
        raise revoked()
    return user


def session_payload(user: User, since: int | None) -> tuple[dict[str, Any], list]:
    my_rooms = rooms.rooms_of(user.id)
    payload: dict[str, Any] = {
        "user": PRIVATE_USER.dump(user),
        "rooms": render_rooms(my_rooms, user.id),
    }
    missed: list = []
    if since is not None:
        missed, has_more = messages.catch_up(user, since)
        payload["catch_up"] = {"count": len(missed), "has_more": has_more}
    return payload, missed


def connect_since(auth: Any) -> int | None:
    """auth.since, the largest message id the client has seen, if given."""
    raw = auth.get("since") if isinstance(auth, dict) else None
    try:
        return ConnectAuth().load({"since": raw})["since"]
    except ma.ValidationError as exc:
        raise ApiError(
            "validation_error",
            "auth.since must be a message id.",
            fields=flatten_webargs_messages({"auth": exc.messages}),
        ) from exc


def online_members(room_id: int) -> list[dict[str, Any]]:
    member_ids = rooms.member_ids(room_id)
    online = process_state().presence.online_among(member_ids)
    users = db.session.query(User).filter(User.id.in_(online)).order_by(User.id) if online else []
    return [PUBLIC_USER.dump(u) for u in users]


class ChatNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> None:
        # Any error must become a refusal here: Flask-SocketIO answers a
        # TypeError from this handler by calling it again without `auth`.
        try:
            self._connect(request.sid, auth)
        except ApiError as error:
            db.session.rollback()
            raise ConnectionRefusedError(error.message, error.to_dict()) from error
        except Exception as exc:
            db.session.rollback()
            log.exception("socket connect failed")
            error = ApiError("internal_error")
            raise ConnectionRefusedError(error.message, error.to_dict()) from exc

    def _connect(self, sid: str, auth: Any) -> None:
        user, identity = authenticate_socket(auth, request)
        since = connect_since(auth)
        self._subscribe(sid, user, identity)
        payload, missed = session_payload(user, since)
        # These go out ahead of the CONNECT packet; Socket.IO clients buffer
        # them and deliver them right after `connect`, `session` first.
        channels.emit("session", payload, to=sid, local=True)
        for message in missed:
            channels.emit("message", render_message(message), to=sid, local=True)
        if identity.jti:  # a sign-in with login and password has recorded it
            record_seen(user.id)
        else:
            db.session.commit()
        SOCKET_CONNECTIONS.inc()
        if process_state().presence.connect(user.id, sid):
            events.presence(user, "online")

    def _subscribe(self, sid: str, user: User, identity: Credentials) -> None:
        """Subscribe before reading the catch-up, so nothing falls in between."""
        process_state().sockets.add(sid, identity)
        join_room(channels.user_room(user.id))
        if identity.jti:
            join_room(channels.token_room(identity.jti))
        for room_id in rooms.room_ids_of(user.id):
            join_room(channels.room_channel(room_id))

    def on_disconnect(self, reason: Any = None) -> None:
        state = process_state()
        identity = state.sockets.pop(request.sid)
        if identity is None:
            return
        SOCKET_CONNECTIONS.dec()
        state.typing.forget(identity.user_id)
        went_offline = state.presence.disconnect(identity.user_id, request.sid)
        try:
            record_seen(identity.user_id)
            user = db.session.get(User, identity.user_id)
            if went_offline and user is not None:
                events.presence(user, "offline")
        except Exception:
            # The account may be gone (deleted while connected); nothing to record.
            db.session.rollback()
            log.exception("socket disconnect bookkeeping failed")

    def on_invalid_packet(self, *_args: Any) -> dict[str, Any]:
        """A packet whose data is not JSON (see strict_json)."""
        return error_ack(ApiError("bad_request", "The packet's data is not JSON (RFC 8259)."))

    @event("join", RoomRef)
    def on_join(user: User, args: dict[str, Any]) -> dict[str, Any]:
        room, _new = rooms.join_room(user, args["room_id"])
        join_room(channels.room_channel(room.id))
        return {"room": render_room(room, user.id), "online": online_members(room.id)}

    @event("leave", RoomRef)
    def on_leave(user: User, args: dict[str, Any]) -> dict[str, Any]:
        rooms.leave_room(user, args["room_id"])
        return {}

    @event("send_message", SendMessagePayload, checks_credentials=True)
    def on_send_message(sender: Credentials, args: dict[str, Any]) -> dict[str, Any]:
        retry_after = hit_socket_limit(
            "send_message", current_app.config["RATELIMIT_SEND_MESSAGE"], sender.user_id
        )
        if retry_after is not None:
            raise ApiError("rate_limited", f"Too many messages; retry in {retry_after} s.")
        message, _created = messages.post_message(
            sender, args["room_id"], args["content"], args.get("client_id"), origin_sid=request.sid
        )
        return {"message": message}

    @event("edit_message", EditMessagePayload)
    def on_edit_message(user: User, args: dict[str, Any]) -> dict[str, Any]:
        return {"message": messages.edit_message(user, args["message_id"], args["content"])}

    @event("delete_message", MessageRef)
    def on_delete_message(user: User, args: dict[str, Any]) -> dict[str, Any]:
        messages.delete_message(user, args["message_id"])
        return {}

    @event("typing", TypingPayload)
    def on_typing(user: User, args: dict[str, Any]) -> dict[str, Any]:
        member_room(user, args["room_id"])
        if process_state().typing.should_relay(user.id, args["room_id"], args["typing"]):
            channels.emit(
                "typing",
                {
                    "room_id": args["room_id"],
                    "user": PUBLIC_USER.dump(user),
                    "typing": args["typing"],
                },
                to=channels.room_channel(args["room_id"]),
                skip_sid=request.sid,
            )
        return {}

    @event("mark_read", MarkReadPayload)
    def on_mark_read(user: User, args: dict[str, Any]) -> dict[str, Any]:
        return {"unread_count": messages.mark_read(user, args["room_id"], args["message_id"])}

    @event("history", HistoryPayload)
    def on_history(user: User, args: dict[str, Any]) -> dict[str, Any]:
        room_id = args.pop("room_id")
        page = messages.history(user, room_id, **args)
        return {
            "messages": render_messages(page.messages),
            "has_more": page.has_more,
            "next_cursor": page.next_cursor,
        }


def register_namespace() -> None:
    """Register /chat once, before the first init_app binds the server."""
    if not any(isinstance(h, ChatNamespace) for h in socketio.namespace_handlers):
        socketio.on_namespace(ChatNamespace(channels.NAMESPACE))
