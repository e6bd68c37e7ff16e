"""Room and membership rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.errors import ApiError, conflict, not_found
from app.extensions import db
from app.models import Membership, Room, User
from app.models.types import folded
from app.pagination import Page, keyset_page, starts_with
from app.realtime import events
from app.rooms.access import RoomAccess, member_room, require_manager, visible_room
from app.state import process_state


def member_ids(room_id: int) -> list[int]:
    return list(db.session.scalars(select(Membership.user_id).where(Membership.room_id == room_id)))


def room_ids_of(user_id: int) -> list[int]:
    return list(db.session.scalars(select(Membership.room_id).where(Membership.user_id == user_id)))


def rooms_of(user_id: int) -> list[Room]:
    mine = select(Membership.room_id).where(Membership.user_id == user_id)
    return list(db.session.scalars(select(Room).where(Room.id.in_(mine)).order_by(Room.id)))


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = select(Room.id).where(Room.name_key == folded(name))
    if exclude_id is not None:
        query = query.where(Room.id != exclude_id)
    return db.session.execute(query).first() is not None


def _commit_named(name: str | None, *, flush_only: bool = False) -> None:
    """Commit (or flush); a lost race on the unique room name becomes a 409 naming it."""
    try:
        if flush_only:
            db.session.flush()
        else:
            db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if name is not None:
            raise conflict("name", "A room with that name exists.") from exc
        raise


def create_room(user: User, data: dict[str, Any]) -> Room:
    if _name_taken(data["name"]):
        raise conflict("name", "A room with that name exists.")
    room = Room(
        kind=data["kind"], name=data["name"], description=data["description"], created_by=user.id
    )
    db.session.add(room)
    _commit_named(room.name, flush_only=True)
    db.session.add(Membership(room_id=room.id, user_id=user.id, role="owner"))
    _commit_named(room.name)
    events.room_added(room, [user.id])
    return room


def list_rooms(user: User, args: dict[str, Any]) -> Page:
    mine = select(Membership.room_id).where(Membership.user_id == user.id)
    query = select(Room)
    joined = args.get("joined")
    if joined is True:
        query = query.where(Room.id.in_(mine))
    elif joined is False:
        query = query.where(Room.kind == "public", Room.id.not_in(mine))
    else:
        query = query.where(or_(Room.kind == "public", Room.id.in_(mine)))
    if "kind" in args:
        query = query.where(Room.kind == args["kind"])
    if args.get("q"):
        query = query.where(starts_with(Room.name, args["q"]))
    return keyset_page(query, Room.id, args["limit"], args.get("cursor"))


def get_room(user: User, room_id: int) -> Room:
    return visible_room(user, room_id).room


def update_room(user: User, room_id: int, changes: dict[str, Any]) -> Room:
    access = visible_room(user, room_id)
    room = access.room
    if room.is_direct:
        raise conflict(None, "Direct conversations have no name, description or kind to change.")
    require_manager(user, access)
    if "name" in changes and _name_taken(changes["name"], exclude_id=room.id):
        raise conflict("name", "A room with that name exists.")
    for field in ("name", "description", "kind"):
        if field in changes:
            setattr(room, field, changes[field])
    _commit_named(changes.get("name"))
    events.room_updated(room, member_ids(room.id))
    return room


def delete_room(user: User, room_id: int) -> None:
    access = visible_room(user, room_id)
    owner = access.membership is not None and access.membership.role == "owner"
    if not (owner or user.is_admin):
        raise ApiError("forbidden", "Only the room's owner or a global admin may delete it.")
    members = member_ids(room_id)
    db.session.delete(access.room)
    db.session.commit()
    events.room_deleted(room_id, members)


def join_room(user: User, room_id: int) -> tuple[Room, bool]:
    """Join a public room (idempotent); members of any room simply stay members.

    Returns the room and whether the caller is a new member.
    """
    access = visible_room(user, room_id)
    if access.is_member:
        return access.room, False
    if access.room.kind != "public":
        raise ApiError("forbidden", "Private rooms are joined by invitation.")
    db.session.add(Membership(room_id=room_id, user_id=user.id, role="member"))
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent join of the same user won the race; that is still a join.
        db.session.rollback()
        return visible_room(user, room_id).room, False
    events.user_joined(room_id, user)
    events.room_added(access.room, [user.id])
    return access.room, True


def _pass_ownership(room_id: int, leaving_user_id: int) -> None:
    """The longest-standing admin, else member, becomes the owner."""
    heir = db.session.scalars(
        select(Membership)
        .where(Membership.room_id == room_id, Membership.user_id != leaving_user_id)
        .order_by((Membership.role == "admin").desc(), Membership.joined_at, Membership.user_id)
        .limit(1)
    ).first()
    if heir is not None:
        heir.role = "owner"


def _end_membership(access: RoomAccess, member: Membership) -> bool:
    """Remove a membership, passing ownership on; True when the room was emptied and removed."""
    room = access.room
    if member.role == "owner":
        _pass_ownership(room.id, member.user_id)
    db.session.delete(member)
    db.session.flush()
    # A private or direct room nobody belongs to can never be reached again.
    if room.kind != "public" and not member_ids(room.id):
        db.session.delete(room)
        return True
    return False


def leave_room(user: User, room_id: int) -> None:
    access = member_room(user, room_id)
    _remove(access, access.membership, user, "left")


def _remove(access: RoomAccess, member: Membership, target: User, reason: str) -> None:
    room_id = access.room.id
    was_owner = member.role == "owner"
    emptied = _end_membership(access, member)
    db.session.commit()
    events.room_removed(room_id, [target.id], reason)
    if emptied:
        events.room_deleted(room_id, [])
        return
    events.user_left(room_id, target)
    if was_owner:
        # The new owner's my_role changed.
        events.room_updated(access.room, member_ids(room_id))


def list_members(user: User, room_id: int, args: dict[str, Any]) -> dict[str, Any]:
    visible_room(user, room_id)
    query = select(Membership).where(Membership.room_id == room_id)
    page = keyset_page(query, Membership.user_id, args["limit"], args.get("cursor"))
    ids = [m.user_id for m in page.items]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    online = process_state().presence.online_among(users)
    return page.render(
        "members",
        lambda m: {
            "user": users[m.user_id],
            "role": m.role,
            "joined_at": m.joined_at,
            "online": m.user_id in online,
        },
    )


def add_member(user: User, room_id: int, new_user_id: int) -> Membership:
    access = visible_room(user, room_id)
    if access.room.is_direct:
        raise conflict(None, "Direct conversations have exactly two members.")
    require_manager(user, access)
    new_user = db.session.get(User, new_user_id)
    if new_user is None or not new_user.active:
        raise not_found("user")
    if db.session.get(Membership, (room_id, new_user_id)) is not None:
        raise conflict("user_id", "That user is already a member.")
    member = Membership(room_id=room_id, user_id=new_user_id, role="member")
    db.session.add(member)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise conflict("user_id", "That user is already a member.") from exc
    events.user_joined(room_id, new_user)
    events.room_added(access.room, [new_user_id])
    return member


def set_member_role(user: User, room_id: int, target_id: int, role: str) -> Membership:
    access = visible_room(user, room_id)
    if access.membership is None or access.membership.role != "owner":
        raise ApiError("forbidden", "Only the room's owner may change member roles.")
    member = db.session.get(Membership, (room_id, target_id))
    if member is None:
        raise not_found("member")
    if member.role == "owner":
        raise conflict("role", "The owner's role passes on only when the owner leaves.")
    member.role = role
    db.session.commit()
    events.room_updated(access.room, [target_id])
    return member


def remove_member(user: User, room_id: int, target_id: int) -> None:
    """Kick a member: room owner or admin, or global staff. Removing yourself is leaving."""
    if target_id == user.id:
        leave_room(user, room_id)
        return
    access = visible_room(user, room_id)
    if access.room.is_direct:
        raise conflict(None, "Direct conversations have exactly two members.")
    require_manager(user, access, staff=True)
    member = db.session.get(Membership, (room_id, target_id))
    if member is None:
        raise not_found("member")
    outranked = access.membership is not None and access.membership.role == "admin"
    if outranked and member.role != "member" and not user.is_moderator:
        raise ApiError("forbidden", "Room admins may remove members only.")
    _remove(access, member, db.session.get(User, target_id), "kicked")


def member_view(membership: Membership) -> dict[str, Any]:
    user = db.session.get(User, membership.user_id)
    return {
        "user": user,
        "role": membership.role,
        "joined_at": membership.joined_at,
        "online": bool(process_state().presence.online_among([membership.user_id])),
    }


def forget_user(user: User) -> list[int]:
    """Before an account is deleted: pass on its ownerships and drop the rooms
    only it belonged to. Returns the ids of the rooms it leaves behind."""
    memberships = list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)))
    left = []
    for member in memberships:
        access = RoomAccess(db.session.get(Room, member.room_id), member)
        if not _end_membership(access, member):
            left.append(member.room_id)
    return left
