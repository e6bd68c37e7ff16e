"""The database models; importing this package registers every table."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.models.chat_code import ChatCode
from app.models.message import Message
from app.models.room import MEMBER_ROLES, ROOM_KINDS, Membership, Room, direct_key
from app.models.token import RevokedToken
from app.models.user import ROLES, User

__all__ = [
    "MEMBER_ROLES",
    "ROLES",
    "ROOM_KINDS",
    "ChatCode",
    "Membership",
    "Message",
    "RevokedToken",
    "Room",
    "User",
    "direct_key",
]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # SQLite leaves foreign keys (and so ON DELETE rules) off unless asked;
    # WAL and a busy timeout let the server's readers and writer overlap.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
