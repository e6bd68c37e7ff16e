"""Who may see and act on a room."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from app.errors import ApiError, not_found
from app.extensions import db
from app.models import Membership, Room, User
from app.schemas import is_row_id


@dataclass
class RoomAccess:
    room: Room
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def can_manage(self) -> bool:
        return self.membership is not None and self.membership.can_manage


def is_member(room_id: Any, user_id: Any) -> Any:
    """SQL: the user is a member of the room. Members, and only they, may post.

    `member_room` and the message store (one INSERT that checks it) both ask
    this; the store passes bind parameters and columns.
    """
    memberships = Membership.__table__
    return exists().where(memberships.c.room_id == room_id, memberships.c.user_id == user_id)


def get_membership(room_id: int, user_id: int) -> Membership | None:
    return db.session.get(Membership, (room_id, user_id))


def can_see(user: User, room: Room, membership: Membership | None) -> bool:
    """Public rooms are open to everyone signed in; private rooms to members and
    global staff (who moderate them); direct rooms to their two members only."""
    if room.kind == "public" or membership is not None:
        return True
    return room.kind == "private" and user.is_moderator


def visible_room(user: User, room_id: int, *, lock: bool = False) -> RoomAccess:
    """The room and the caller's membership, or 404 if the caller may not see it."""
    if not is_row_id(room_id):
        raise not_found("room")
    query = select(Room).where(Room.id == room_id)
    if lock:
        query = query.with_for_update()
    room = db.session.execute(query).scalar_one_or_none()
    membership = get_membership(room_id, user.id) if room is not None else None
    if room is None or not can_see(user, room, membership):
        raise not_found("room")
    return RoomAccess(room, membership)


def member_room(user: User, room_id: int) -> RoomAccess:
    """As visible_room, and the caller must be a member (403 otherwise)."""
    access = visible_room(user, room_id)
    if access.membership is None:
        raise not_a_member()
    return access


def not_a_member() -> ApiError:
    return ApiError("forbidden", "Join the room first.")


def require_manager(user: User, access: RoomAccess, *, staff: bool = False) -> None:
    """Room owner or admin; global admins too, and moderators where `staff` allows."""
    if access.can_manage or user.is_admin or (staff and user.is_moderator):
        return
    raise ApiError("forbidden", "Only the room's owner or admins may do that.")
