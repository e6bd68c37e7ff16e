"""Storing a sent message: the hot path, in as few round trips as the database allows.

One INSERT stores the message only if the sender's credentials still hold
and the sender is a member of the room, so a send needs no reads before it.
With it go the room's last message and the sender's read marker, each moved
forward in SQL so that concurrent writers never move them back.

On PostgreSQL all of that is one statement (data-modifying CTEs), run in
autocommit on the driver's cursor: one round trip per send. Elsewhere
(SQLite, in process, where a round trip costs little) the same statements
run one by one in the session's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session

from app.auth import credentials as rules
from app.auth.credentials import Credentials
from app.database import DriverStatement
from app.models import Membership, Message, Room, User
from app.models.types import UTCDateTime
from app.rooms.access import is_member

_messages = Message.__table__
_rooms = Room.__table__
_memberships = Membership.__table__
_users = User.__table__


def advance(column: Any, value: Any) -> Any:
    """column := greatest(column, value), portable to SQLite."""
    return case((func.coalesce(column, 0) < value, value), else_=column)


@dataclass(frozen=True)
class Stored:
    id: int
    username: str
    display_name: str


def _insert(with_jti: bool) -> Any:
    """INSERT the message if the sender's credentials hold and they are a member."""
    sender_may_send = and_(
        rules.hold(with_jti=with_jti), is_member(bindparam("p_room_id"), _users.c.id)
    )
    return insert(_messages).from_select(
        ["room_id", "sender_id", "content", "client_id", "created_at", "deleted"],
        select(
            bindparam("p_room_id", type_=Integer),
            _users.c.id,
            bindparam("p_content", type_=Text),
            bindparam("p_client_id", type_=String),
            bindparam("p_created_at", type_=UTCDateTime()),
            bindparam("p_deleted", type_=_messages.c.deleted.type),
        ).where(sender_may_send),
    )


def _single_statement(with_jti: bool) -> Any:
    """PostgreSQL: insert, move the room's last message and the sender's marker,
    and read back what the broadcast needs, in one statement."""
    sent = (
        _insert(with_jti)
        .returning(_messages.c.id, _messages.c.room_id, _messages.c.sender_id)
        .cte("sent")
    )
    room_moved = (
        update(_rooms)
        .where(_rooms.c.id == sent.c.room_id)
        .values(last_message_id=advance(_rooms.c.last_message_id, sent.c.id))
        .cte("room_moved")
    )
    marker_moved = (
        update(_memberships)
        .where(
            _memberships.c.room_id == sent.c.room_id,
            _memberships.c.user_id == sent.c.sender_id,
        )
        .values(last_read_id=advance(_memberships.c.last_read_id, sent.c.id))
        .cte("marker_moved")
    )
    return (
        select(sent.c.id, _users.c.username, _users.c.display_name)
        .join_from(sent, _users, _users.c.id == sent.c.sender_id)
        .add_cte(room_moved, marker_moved)
    )


_SINGLE = {jti: _single_statement(jti) for jti in (True, False)}
_INSERT = {jti: _insert(jti).returning(_messages.c.id) for jti in (True, False)}
_ADVANCE_ROOM = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("p_room_id"))
    .values(last_message_id=advance(_rooms.c.last_message_id, bindparam("p_message_id")))
)
_ADVANCE_SENDER_MARKER = (
    update(_memberships)
    .where(
        _memberships.c.room_id == bindparam("p_room_id"),
        _memberships.c.user_id == bindparam("c_user_id"),
    )
    .values(last_read_id=advance(_memberships.c.last_read_id, bindparam("p_message_id")))
)
_SENDER_NAMES = select(_users.c.username, _users.c.display_name).where(
    _users.c.id == bindparam("c_user_id")
)


_SINGLE_ON_DRIVER = {with_jti: DriverStatement(_SINGLE[with_jti]) for with_jti in (False, True)}


def _on_postgresql(engine: Engine, with_jti: bool, params: dict[str, Any]) -> Stored | None:
    row = _SINGLE_ON_DRIVER[with_jti].first(engine, params)
    return Stored(*row) if row is not None else None


def store_message(
    session: scoped_session,
    sender: Credentials,
    room_id: int,
    content: str,
    client_id: str | None,
    created_at: datetime,
) -> Stored | None:
    """Store and commit a message; None when the sender may not send to the room.

    Raises IntegrityError, with nothing stored, for a repeated client_id.
    """
    params = {
        **sender.params(),
        "p_room_id": room_id,
        "p_content": content,
        "p_client_id": client_id,
        "p_created_at": created_at,
        "p_deleted": False,
    }
    with_jti = bool(sender.jti)
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        return _on_postgresql(engine, with_jti, params)
    try:
        stored = _store_stepwise(session.connection(), with_jti, params)
        if stored is None:
            session.rollback()
        else:
            session.commit()
    except IntegrityError:
        session.rollback()
        raise
    return stored


def _store_stepwise(connection: Connection, with_jti: bool, params: dict) -> Stored | None:
    message_id = connection.execute(_INSERT[with_jti], params).scalar()
    if message_id is None:
        return None
    params = {**params, "p_message_id": message_id}
    connection.execute(_ADVANCE_ROOM, params)
    connection.execute(_ADVANCE_SENDER_MARKER, params)
    username, display_name = connection.execute(_SENDER_NAMES, params).one()
    return Stored(message_id, username, display_name)
