"""What one server process keeps in memory, owned by the app that `create_app` built.

Each app gets its own: a test's app starts empty, and two apps in one
process (as the tests make) share nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app

from app.messages.ordering import RoomSends
from app.realtime.presence import LocalPresence, Presence
from app.realtime.registry import SocketRegistry
from app.realtime.typing_indicators import TypingRelay

EXTENSION = "parley"


@dataclass
class ProcessState:
    # The live sockets of this process: sid -> credentials.
    sockets: SocketRegistry = field(default_factory=SocketRegistry)
    presence: Presence = field(default_factory=LocalPresence)
    typing: TypingRelay = field(default_factory=TypingRelay)
    # Per-room ordering of this process's sends.
    sends: RoomSends = field(default_factory=RoomSends)
    # Set once SIGTERM has begun a drain: health then reports it.
    draining: threading.Event = field(default_factory=threading.Event)
    # Set when the server stops: the background loops end.
    stopping: threading.Event = field(default_factory=threading.Event)

    @staticmethod
    def of(app: Flask) -> ProcessState:
        return app.extensions[EXTENSION]


def init_app(app: Flask) -> ProcessState:
    state = app.extensions[EXTENSION] = ProcessState()
    return state


def process_state() -> ProcessState:
    """The current app's process state."""
    return current_app.extensions[EXTENSION]
