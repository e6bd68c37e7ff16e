"""Rooms as each caller sees them, computed in a fixed number of queries.

A page of rooms costs five queries whatever its size: member counts, the
caller's memberships, unread counts, last messages and direct-room members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, or_, select

from app.extensions import db
from app.models import Membership, Message, Room, User
from app.rooms.schemas import RoomSchema

ROOM_SCHEMA = RoomSchema()


def _member_counts(room_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Membership.room_id, func.count())
        .where(Membership.room_id.in_(room_ids))
        .group_by(Membership.room_id)
    )
    return {room_id: count for room_id, count in rows}


def _memberships(room_ids: list[int], user_ids: Iterable[int]) -> dict[tuple[int, int], Membership]:
    rows = db.session.scalars(
        select(Membership).where(
            Membership.room_id.in_(room_ids), Membership.user_id.in_(list(user_ids))
        )
    )
    return {(m.room_id, m.user_id): m for m in rows}


def unread_counts(room_ids: list[int], user_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Other users' live messages after each member's read marker."""
    rows = db.session.execute(
        select(Membership.room_id, Membership.user_id, func.count(Message.id))
        .join(
            Message,
            and_(
                Message.room_id == Membership.room_id,
                Message.id > Membership.last_read_id,
                or_(Message.sender_id.is_(None), Message.sender_id != Membership.user_id),
                Message.deleted.is_(False),
            ),
        )
        .where(Membership.room_id.in_(room_ids), Membership.user_id.in_(list(user_ids)))
        .group_by(Membership.room_id, Membership.user_id)
    )
    return {(room_id, user_id): count for room_id, user_id, count in rows}


def _last_messages(rooms: list[Room]) -> dict[int, Message]:
    ids = [room.last_message_id for room in rooms if room.last_message_id]
    if not ids:
        return {}
    return {m.room_id: m for m in db.session.scalars(select(Message).where(Message.id.in_(ids)))}


def _direct_members(rooms: list[Room]) -> dict[int, list[User]]:
    direct_ids = [room.id for room in rooms if room.is_direct]
    members: dict[int, list[User]] = defaultdict(list)
    if direct_ids:
        rows = db.session.execute(
            select(Membership.room_id, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.room_id.in_(direct_ids))
            .order_by(Membership.room_id, User.id)
        )
        for room_id, user in rows:
            members[room_id].append(user)
    return members


def room_views(rooms: list[Room], viewer_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each viewer's rendering of each room: {viewer_id: [Room, ...]} in room order."""
    viewer_ids = list(viewer_ids)
    if not rooms or not viewer_ids:
        return {viewer_id: [] for viewer_id in viewer_ids}
    room_ids = [room.id for room in rooms]
    counts = _member_counts(room_ids)
    memberships = _memberships(room_ids, viewer_ids)
    unread = unread_counts(room_ids, viewer_ids)
    last = _last_messages(rooms)
    direct = _direct_members(rooms)

    views: dict[int, list[dict[str, Any]]] = {}
    for viewer_id in viewer_ids:
        rendered = []
        for room in rooms:
            membership = memberships.get((room.id, viewer_id))
            data: dict[str, Any] = {
                "id": room.id,
                "kind": room.kind,
                "name": room.name,
                "description": room.description,
                "created_by": room.created_by,
                "created_at": room.created_at,
                "member_count": counts.get(room.id, 0),
                "is_member": membership is not None,
                "my_role": membership.role if membership else None,
                "unread_count": unread.get((room.id, viewer_id), 0) if membership else 0,
                "last_message": last.get(room.id),
            }
            if room.is_direct:
                data["members"] = direct.get(room.id, [])
            rendered.append(ROOM_SCHEMA.dump(data))
        views[viewer_id] = rendered
    return views


def render_rooms(rooms: list[Room], viewer_id: int) -> list[dict[str, Any]]:
    return room_views(rooms, [viewer_id])[viewer_id]


def render_room(room: Room, viewer_id: int) -> dict[str, Any]:
    return render_rooms([room], viewer_id)[0]
