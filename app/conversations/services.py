"""Chat codes, and the direct conversations they start."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.errors import ApiError, conflict, not_found, validation_error
from app.extensions import db
from app.models import ChatCode, Membership, Room, User, direct_key
from app.models.types import utcnow
from app.realtime import events
from app.rooms.services import member_ids

CODE_LIFETIME = timedelta(hours=24)
MAX_LIVE_CODES = 5
CODE_ATTEMPTS = 20


def _purge_expired() -> None:
    db.session.execute(delete(ChatCode).where(ChatCode.expires_at <= utcnow()))


def _random_code() -> str:
    return f"{secrets.randbelow(100_000):05d}"


def create_code(user: User) -> ChatCode:
    """A fresh five-digit code, unique among live codes (the table holds only those)."""
    for _attempt in range(CODE_ATTEMPTS):
        _purge_expired()
        live = db.session.scalar(
            select(func.count()).select_from(ChatCode).where(ChatCode.user_id == user.id)
        )
        if live >= MAX_LIVE_CODES:
            raise conflict(None, f"You already have {MAX_LIVE_CODES} live chat codes.")
        code = _random_code()
        if db.session.get(ChatCode, code) is not None:
            continue
        chat_code = ChatCode(code=code, user_id=user.id, expires_at=utcnow() + CODE_LIFETIME)
        db.session.add(chat_code)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the same code was drawn concurrently; draw again
            continue
        return chat_code
    raise ApiError("unavailable", "No free chat code could be found; try again.")


def list_codes(user: User) -> list[ChatCode]:
    return list(
        db.session.scalars(
            select(ChatCode)
            .where(ChatCode.user_id == user.id, ChatCode.expires_at > utcnow())
            .order_by(ChatCode.created_at)
        )
    )


def _live_code(code: str) -> ChatCode | None:
    chat_code = db.session.get(ChatCode, code)
    if chat_code is None or chat_code.expires_at <= utcnow():
        return None
    return chat_code


def revoke_code(user: User, code: str) -> None:
    chat_code = _live_code(code)
    if chat_code is None or chat_code.user_id != user.id:
        raise not_found("chat code")
    db.session.delete(chat_code)
    db.session.commit()


def start_conversation(user: User, code: str) -> tuple[Room, bool]:
    """Open (or reopen) the direct room with the code's owner.

    Returns the room and whether anything changed: a new room, or a member
    who had left coming back (both use the code up). When both already share
    the room, the code stays live.
    """
    chat_code = _live_code(code)
    if chat_code is None:
        raise not_found("chat code")
    if chat_code.user_id == user.id:
        raise validation_error("code", "is your own chat code")
    other = db.session.get(User, chat_code.user_id)
    if other is None or not other.active:
        raise not_found("chat code")

    pair = (user.id, other.id)
    room = db.session.scalars(select(Room).where(Room.direct_key == direct_key(*pair))).first()
    if room is None:
        room = Room(kind="direct", direct_key=direct_key(*pair), created_by=user.id)
        db.session.add(room)
        db.session.flush()
    present = set(member_ids(room.id))
    joining = [uid for uid in pair if uid not in present]
    if not joining:
        return room, False
    for uid in joining:
        db.session.add(Membership(room_id=room.id, user_id=uid, role="member"))
    db.session.delete(chat_code)
    try:
        db.session.commit()
    except IntegrityError:
        # The same pair opened their room concurrently: theirs is the room.
        db.session.rollback()
        room = db.session.scalars(select(Room).where(Room.direct_key == direct_key(*pair))).one()
        return room, False
    events.room_added(room, joining)
    return room, True
