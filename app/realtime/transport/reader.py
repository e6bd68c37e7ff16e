"""Reading a websocket from the hub instead of from a parked green thread.

A connection's green thread would wait in recv() for as long as the socket
is open, and a parked green thread keeps its stack: some 15 KiB per idle
socket. Handed to the hub, the socket costs a listener; when bytes arrive a
short-lived green thread reads them, parses them (`frames.FrameParser`),
handles the messages in order, and ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlet
from eventlet.hubs import get_hub
from eventlet.websocket import ConnectionClosedError

from app.realtime.transport.frames import FrameParser, ProtocolError
from app.realtime.transport.protocol import KEEP_CONNECTION

RECV_BYTES = 65536


def _nothing(*_args: Any) -> None:
    pass


class HubReading:
    """Mixin for eventlet's RFC6455WebSocket: `read_in_hub` hands reading to the hub."""

    environ: dict[str, Any]
    socket: Any
    max_frame_length: int
    _handle_control_frame: Callable[[int, bytes], None]
    close: Callable[..., None]

    _skip_handlers_close = False
    _listener: Any = None
    _release: Callable[[], None] | None = None
    _on_message: Callable[[str | bytes], bool]
    _on_end: Callable[[], None] | None = None
    _parser: FrameParser

    def read_in_hub(
        self, on_message: Callable[[str | bytes], bool], on_end: Callable[[], None]
    ) -> bool:
        """Let the hub watch this socket from now on, if the server allows it.

        Each message goes to `on_message`, in order, from a short-lived green
        thread; it returns False to stop reading. `on_end` runs once, when
        the peer has gone, the connection failed, or the websocket closed.
        Returns False, changing nothing, when the server keeps the connection
        in its green thread (see `protocol.py`).
        """
        keep = self.environ.pop(KEEP_CONNECTION, None)
        release = keep() if keep is not None else None
        if release is None:
            return False
        self._release = release
        self._on_message = on_message
        self._on_end = on_end
        self._parser = FrameParser(self.max_frame_length, self._handle_control_frame)
        self._skip_handlers_close = True
        self._listen()
        return True

    def _listen(self) -> None:
        hub = get_hub()
        self._listener = hub.add(
            hub.READ, self.socket.fileno(), self._readable, self._gone, _nothing
        )

    def _stop_listening(self) -> None:
        if self._listener is not None:
            get_hub().remove(self._listener)
            self._listener = None

    def _readable(self, _fileno: int) -> None:
        # Runs in the hub. The hub's polling is level-triggered: stop watching
        # until the reader has taken what is there.
        self._stop_listening()
        eventlet.spawn_n(self._read)

    def _gone(self, *_args: Any) -> None:
        self._listener = None
        eventlet.spawn_n(self._end_reading)

    def _read(self) -> None:
        while self._on_end is not None:
            try:
                data = self.socket.fd.recv(RECV_BYTES)
            except BlockingIOError:
                self._listen()
                return
            except OSError:
                data = b""
            if not data:
                self._end_reading()
                return
            try:
                messages = self._parser.feed(data)
            except ProtocolError as e:
                self.close(close_data=(e.status, e.message))
                return
            except ConnectionClosedError:
                self._end_reading()  # the client's close frame, answered
                return
            for message in messages:
                if not self._on_message(message):
                    self._end_reading()
                    return

    def _end_reading(self) -> None:
        on_end, self._on_end = self._on_end, None
        if on_end is None:
            return
        release, self._release = self._release, None
        if release is not None:
            release()
        on_end()
