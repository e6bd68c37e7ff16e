"""Per-room ordering of sends.

Ids are assigned, committed and broadcast under one lock per room, so every
subscriber sees a room's messages in id order. The lock is per process; with
several processes the broadcast order across them follows commit order only
as far as the message queue preserves it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakValueDictionary

_locks: WeakValueDictionary[int, threading.Lock] = WeakValueDictionary()
_guard = threading.Lock()


@contextmanager
def room_send_lock(room_id: int) -> Iterator[None]:
    # threading locks are green under eventlet's monkey-patching.
    with _guard:
        lock = _locks.get(room_id)
        if lock is None:
            lock = threading.Lock()
            _locks[room_id] = lock
    with lock:
        yield
