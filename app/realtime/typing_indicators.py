"""Typing indicators: relayed, throttled, never stored."""

from __future__ import annotations

import threading
import time

# A client that keeps typing sends `typing: true` on every key press; others
# need to hear it only often enough to keep their indicator alive.
RELAY_INTERVAL_S = 2.0


class TypingRelay:
    """Which typing changes this process passes on: the throttle's memory."""

    def __init__(self) -> None:
        self._last: dict[tuple[int, int], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def should_relay(
        self, user_id: int, room_id: int, typing: bool, now: float | None = None
    ) -> bool:
        """A change of state is always relayed; a repeated `true` once per interval."""
        now = time.monotonic() if now is None else now
        key = (user_id, room_id)
        with self._lock:
            previous = self._last.get(key)
            relay = (
                previous is None
                or previous[0] != typing
                or (typing and now - previous[1] >= RELAY_INTERVAL_S)
            )
            if relay:
                self._last[key] = (typing, now)
            return relay

    def forget(self, user_id: int) -> None:
        with self._lock:
            for key in [k for k in self._last if k[0] == user_id]:
                del self._last[key]
