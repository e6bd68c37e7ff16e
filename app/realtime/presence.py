"""Who is online: a user is online while any socket of theirs is connected."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable


class LocalPresence:
    """Presence for a single server process."""

    def __init__(self) -> None:
        self._sockets: dict[int, set[str]] = defaultdict(set)
        self._lock = threading.Lock()

    def connect(self, user_id: int, sid: str) -> bool:
        """Record a socket; True when the user just came online."""
        with self._lock:
            sockets = self._sockets[user_id]
            was_online = bool(sockets)
            sockets.add(sid)
            return not was_online

    def disconnect(self, user_id: int, sid: str) -> bool:
        """Forget a socket; True when the user just went offline."""
        with self._lock:
            sockets = self._sockets.get(user_id)
            if not sockets or sid not in sockets:
                return False
            sockets.discard(sid)
            if sockets:
                return False
            del self._sockets[user_id]
            return True

    def online_among(self, user_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {uid for uid in user_ids if self._sockets.get(uid)}

    def count(self) -> int:
        with self._lock:
            return len(self._sockets)

    def clear(self) -> None:
        with self._lock:
            self._sockets.clear()


_backend = LocalPresence()


def backend() -> LocalPresence:
    return _backend


def is_online(user_id: int) -> bool:
    return bool(_backend.online_among([user_id]))


def online_among(user_ids: Iterable[int]) -> set[int]:
    return _backend.online_among(user_ids)


def online_count() -> int:
    return _backend.count()
