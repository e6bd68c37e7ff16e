"""Per-room ordering of sends.

A send assigns the message id, commits and broadcasts under one lock per
room, so every subscriber sees a room's messages in id order. Within a
process that is a lock in memory; when several processes share PostgreSQL
(REDIS_URL set), also a PostgreSQL advisory lock on the room, held on its
own connection across the commit and the broadcast.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakValueDictionary

from flask import current_app
from sqlalchemy import text

from app.extensions import db

# The first key of the two-key advisory lock, so room locks never collide
# with other advisory locks in the same database.
LOCK_SPACE = 0x50_61

_locks: WeakValueDictionary[int, threading.Lock] = WeakValueDictionary()
_guard = threading.Lock()


def _process_lock(room_id: int) -> threading.Lock:
    with _guard:
        lock = _locks.get(room_id)
        if lock is None:
            lock = threading.Lock()  # green under eventlet's monkey-patching
            _locks[room_id] = lock
        return lock


def _across_processes() -> bool:
    return bool(current_app.config.get("REDIS_URL")) and db.engine.dialect.name == "postgresql"


@contextmanager
def room_send_lock(room_id: int) -> Iterator[None]:
    with _process_lock(room_id):
        if not _across_processes():
            yield
            return
        with db.engine.connect() as connection:
            key = {"space": LOCK_SPACE, "room": room_id}
            connection.execute(text("SELECT pg_advisory_lock(:space, :room)"), key)
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:space, :room)"), key)
