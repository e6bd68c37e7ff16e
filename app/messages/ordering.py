"""Per-room ordering of sends: every subscriber sees a room's messages in id order.

Within one process, sends to a room run side by side: each stores its
message on its own database connection, and a sequencer lets the
broadcasts leave in id order. A message waits only for the sends that
began before it was stored (one of those may yet get a smaller id); a send
that begins later gets a larger one, since ids come from one ascending
sequence. When several processes share PostgreSQL (REDIS_URL set), a
PostgreSQL advisory lock on the room is held across the store, the commit
and the broadcast instead, on its own connection.
"""

from __future__ import annotations

import heapq
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from weakref import WeakValueDictionary

from flask import current_app
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger(__name__)

# The first key of the two-key advisory lock, so room locks never collide
# with other advisory locks in the same database.
LOCK_SPACE = 0x50_61


@dataclass(order=True)
class _Stored:
    message_id: int
    # Sends that began before this one was stored; it waits for them.
    barrier: int = field(compare=False)
    broadcast: Callable[[], None] = field(compare=False)
    sent: bool = field(compare=False, default=False)
    # Made only for a broadcast that has to wait, for its sender to wait on.
    done: threading.Event | None = field(compare=False, default=None)


class RoomSequencer:
    """Hands out a ticket per send; releases broadcasts in message id order."""

    def __init__(self) -> None:
        self._guard = threading.Lock()  # green under eventlet's monkey-patching
        self._next_ticket = 0
        self._in_flight: set[int] = set()
        self._stored: list[_Stored] = []

    @contextmanager
    def send(self) -> Iterator[Callable[[int, Callable[[], None]], None]]:
        """A send's turn: store inside the block, then call the yielded function
        with the new id and the broadcast; it returns once the broadcast has
        gone out. A send that leaves the block without publishing (refused,
        failed) gives up its turn."""
        with self._guard:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._in_flight.add(ticket)
        published: list[_Stored] = []

        def publish(message_id: int, broadcast: Callable[[], None]) -> None:
            with self._guard:
                stored = _Stored(message_id, self._next_ticket, broadcast)
                heapq.heappush(self._stored, stored)
                self._in_flight.discard(ticket)
                published.append(stored)
                self._release()
                if not stored.sent:
                    stored.done = threading.Event()
            if stored.done is not None:
                stored.done.wait()

        try:
            yield publish
        finally:
            if not published:
                with self._guard:
                    self._in_flight.discard(ticket)
                    self._release()

    def held(self) -> int:
        """How many stored messages wait for their broadcast."""
        with self._guard:
            return len(self._stored)

    def _release(self) -> None:
        # Under the guard: broadcasts leave one at a time, in order.
        while self._stored:
            first = self._stored[0]
            if any(ticket < first.barrier for ticket in self._in_flight):
                return  # an earlier send may still get a smaller id
            heapq.heappop(self._stored)
            try:
                first.broadcast()
            except Exception:
                # The message is stored; its sender is answered all the same,
                # and the broadcasts after it still go.
                log.exception("broadcasting message %s failed", first.message_id)
            finally:
                first.sent = True
                if first.done is not None:
                    first.done.set()


def _across_processes() -> bool:
    return bool(current_app.config.get("REDIS_URL")) and db.engine.dialect.name == "postgresql"


def _broadcast_now(_message_id: int, broadcast: Callable[[], None]) -> None:
    broadcast()


class RoomSends:
    """This process's sequencers and locks, one per room with a send in progress."""

    def __init__(self) -> None:
        self._sequencers: WeakValueDictionary[int, RoomSequencer] = WeakValueDictionary()
        self._locks: WeakValueDictionary[int, threading.Lock] = WeakValueDictionary()
        self._guard = threading.Lock()

    def _sequencer(self, room_id: int) -> RoomSequencer:
        with self._guard:
            sequencer = self._sequencers.get(room_id)
            if sequencer is None:
                sequencer = self._sequencers[room_id] = RoomSequencer()
            return sequencer

    def _process_lock(self, room_id: int) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(room_id)
            if lock is None:
                lock = self._locks[room_id] = threading.Lock()
            return lock

    @contextmanager
    def send(self, room_id: int) -> Iterator[Callable[[int, Callable[[], None]], None]]:
        """Order one send to a room among the others; see the module's docstring.

        Yields `publish(message_id, broadcast)`, to call once the message is stored.
        """
        if not _across_processes():
            with self._sequencer(room_id).send() as publish:
                yield publish
            return
        with self._process_lock(room_id), db.engine.connect() as connection:
            key = {"space": LOCK_SPACE, "room": room_id}
            connection.execute(text("SELECT pg_advisory_lock(:space, :room)"), key)
            try:
                yield _broadcast_now
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:space, :room)"), key)
