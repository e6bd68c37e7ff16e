"""Message rules: history, sending, editing, deleting, read markers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.auth.credentials import Credentials, revoked, still_valid
from app.errors import ApiError, conflict, not_found, validation_error
from app.extensions import db
from app.messages import store
from app.messages.views import Sender, SentMessage, render_message
from app.metrics import MESSAGES_STORED
from app.models import Membership, Message, Room, User
from app.models.types import utcnow
from app.realtime import events
from app.rooms.access import can_see, get_membership, member_room, not_a_member, visible_room
from app.rooms.views import unread_counts
from app.schemas import MAX_MESSAGE_ID, is_row_id
from app.state import process_state


@dataclass
class History:
    messages: list[Message]
    has_more: bool
    next_cursor: int | None


def history(
    user: User,
    room_id: int,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> History:
    """One page of a room's messages, oldest first, by keyset on (room_id, id).

    No cursor: the newest page, continuing back. `before`: the page just older,
    continuing back. `after`: the page just newer, continuing forward.
    """
    visible_room(user, room_id)
    query = select(Message).where(Message.room_id == room_id)
    if after is not None:
        rows = list(
            db.session.scalars(
                query.where(Message.id > after).order_by(Message.id).limit(limit + 1)
            )
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        return History(rows, has_more, rows[-1].id if has_more else None)
    if before is not None:
        query = query.where(Message.id < before)
    rows = list(db.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return History(rows, has_more, rows[0].id if has_more else None)


def _existing_send(user_id: int, client_id: str, room_id: int) -> Message | None:
    existing = db.session.scalars(
        select(Message).where(Message.sender_id == user_id, Message.client_id == client_id)
    ).first()
    if existing is not None and existing.room_id != room_id:
        raise conflict(
            "client_id", "That client_id was already used for a message in another room."
        )
    return existing


def post_message(
    sender: Credentials,
    room_id: int,
    content: str,
    client_id: str | None = None,
    origin_sid: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store a message, then broadcast it. Returns its wire form and whether it is new.

    The store checks the sender's credentials and membership itself; only a
    refused send reads more, to say why. A repeat of a client_id returns the
    original and stores nothing: repeats are rare, so the send is tried first
    and the original looked up when the database refuses a second one.
    """
    if not is_row_id(room_id):
        raise not_found("room")
    with process_state().sends.send(room_id) as publish:
        created_at = utcnow()
        try:
            stored = store.store_message(
                db.session, sender, room_id, content, client_id, created_at
            )
        except IntegrityError:
            existing = _existing_send(sender.user_id, client_id, room_id) if client_id else None
            if existing is None:
                raise
            return render_message(existing), False
        if stored is None:
            raise _refusal(sender, room_id)
        payload = render_message(
            SentMessage(
                stored.id,
                room_id,
                Sender(sender.user_id, stored.username, stored.display_name),
                content,
                created_at,
                client_id,
            )
        )
        MESSAGES_STORED.inc()
        publish(stored.id, lambda: events.message_created(payload, skip_sid=origin_sid))
    return payload, True


def _refusal(sender: Credentials, room_id: int) -> ApiError:
    """Why the store refused a send: revoked credentials, or not a member."""
    user = still_valid(sender)
    if user is None:
        return revoked()
    member_room(user, room_id)  # raises 404 or 403
    return not_a_member()  # joined and left meanwhile


def _own_message(user: User, message_id: int) -> tuple[Message, Any]:
    message = db.session.get(Message, message_id) if is_row_id(message_id, MAX_MESSAGE_ID) else None
    if message is None:
        raise not_found("message")
    room = db.session.get(Room, message.room_id)
    membership = get_membership(room.id, user.id)
    if not can_see(user, room, membership):
        raise not_found("message")
    return message, membership


def edit_message(user: User, message_id: int, content: str) -> dict[str, Any]:
    """Change the text of one's own message; returns its wire form, as a send does."""
    message, _membership = _own_message(user, message_id)
    if message.sender_id != user.id:
        raise ApiError("forbidden", "Only the author may edit a message.")
    if message.deleted:
        raise conflict(None, "A deleted message cannot be edited.")
    message.content = content
    message.edited_at = utcnow()
    db.session.commit()
    payload = render_message(message)
    events.message_edited(payload)
    return payload


def delete_message(user: User, message_id: int) -> None:
    """Tombstone a message: its text is erased, its place in history stays."""
    message, membership = _own_message(user, message_id)
    allowed = (
        message.sender_id == user.id
        or (membership is not None and membership.can_manage)
        or user.is_moderator
    )
    if not allowed:
        raise ApiError("forbidden", "You may not delete this message.")
    if message.deleted:
        return
    message.deleted = True
    message.content = ""
    db.session.commit()
    events.message_deleted(message)


def mark_read(user: User, room_id: int, message_id: int) -> int:
    """Move the caller's read marker forward (never back); returns the unread count."""
    member_room(user, room_id)
    in_room = db.session.execute(
        select(Message.id).where(Message.id == message_id, Message.room_id == room_id)
    ).first()
    if in_room is None:
        raise validation_error("message_id", "is not a message of this room")
    db.session.execute(
        update(Membership)
        .where(Membership.room_id == room_id, Membership.user_id == user.id)
        .values(last_read_id=store.advance(Membership.last_read_id, message_id))
    )
    db.session.commit()
    return unread_counts([room_id], [user.id]).get((room_id, user.id), 0)


CATCH_UP_LIMIT = 500


def catch_up(user: User, since: int, limit: int = CATCH_UP_LIMIT) -> tuple[list[Message], bool]:
    """Messages of the user's rooms with an id above `since`, oldest first."""
    mine = select(Membership.room_id).where(Membership.user_id == user.id)
    rows = list(
        db.session.scalars(
            select(Message)
            .where(Message.room_id.in_(mine), Message.id > since)
            .order_by(Message.id)
            .limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit
