"""The live sockets of one process, and whom each speaks for."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.auth.credentials import Credentials


class SocketRegistry:
    """The sockets of this process: sid -> identity."""

    def __init__(self) -> None:
        self._by_sid: dict[str, Credentials] = {}
        self._lock = threading.Lock()

    def add(self, sid: str, identity: Credentials) -> None:
        with self._lock:
            self._by_sid[sid] = identity

    def pop(self, sid: str) -> Credentials | None:
        with self._lock:
            return self._by_sid.pop(sid, None)

    def get(self, sid: str) -> Credentials | None:
        return self._by_sid.get(sid)

    def count(self) -> int:
        return len(self._by_sid)

    def clear(self) -> None:
        with self._lock:
            self._by_sid.clear()
