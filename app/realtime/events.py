"""Every broadcast the contract names, in one place.

Services call these after they commit, whether the write came over REST or
Socket.IO, so both paths emit the same events.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models import Membership, Message, Room, User
from app.realtime import channels
from app.rooms.views import render_room, room_views
from app.users.schemas import UserPublicSchema

USER = UserPublicSchema()


def message_created(payload: dict, skip_sid: str | None = None) -> None:
    """`message` to the room, from its rendered form (the row may be expired by now)."""
    channels.emit(
        "message", payload, to=channels.room_channel(payload["room_id"]), skip_sid=skip_sid
    )


def message_edited(payload: dict) -> None:
    """`message_edited` to the room, from the edited message's wire form."""
    channels.emit("message_edited", payload, to=channels.room_channel(payload["room_id"]))


def message_deleted(message: Message) -> None:
    channels.emit(
        "message_deleted",
        {"id": message.id, "room_id": message.room_id},
        to=channels.room_channel(message.room_id),
    )


def user_joined(room_id: int, user: User) -> None:
    channels.emit(
        "user_joined",
        {"room_id": room_id, "user": USER.dump(user)},
        to=channels.room_channel(room_id),
    )


def user_left(room_id: int, user: User) -> None:
    user_left_payload(room_id, USER.dump(user))


def user_left_payload(room_id: int, user: dict) -> None:
    """user_left for a user already rendered (a deleted account has no row left)."""
    channels.emit(
        "user_left", {"room_id": room_id, "user": user}, to=channels.room_channel(room_id)
    )


def room_updated(room: Room, member_ids: Iterable[int]) -> None:
    """Each member gets the room as they see it (their role, their unread count)."""
    for user_id, views in room_views([room], member_ids).items():
        channels.emit("room_updated", views[0], to=channels.user_room(user_id))


def room_added(room: Room, user_ids: Iterable[int]) -> None:
    """Subscribe the users' sockets first, so nothing sent next is missed."""
    for user_id in user_ids:
        channels.subscribe_user(user_id, room.id)
        channels.emit("room_added", render_room(room, user_id), to=channels.user_room(user_id))


def room_removed(room_id: int, user_ids: Iterable[int], reason: str) -> None:
    for user_id in user_ids:
        channels.unsubscribe_user(user_id, room_id)
        channels.emit(
            "room_removed", {"room_id": room_id, "reason": reason}, to=channels.user_room(user_id)
        )


def room_deleted(room_id: int, member_ids: Iterable[int]) -> None:
    room_removed(room_id, member_ids, "deleted")
    channels.close_room(room_id)


def presence(user: User, status: str) -> None:
    """`presence` to every room the user belongs to."""
    room_ids = db.session.scalars(select(Membership.room_id).where(Membership.user_id == user.id))
    targets = [channels.room_channel(room_id) for room_id in room_ids]
    if targets:
        channels.emit("presence", {"user": USER.dump(user), "status": status}, to=targets)
