"""The write side of eventlet's websocket: one ordered outbox per socket.

A broadcast appends a ready frame (see `broadcast.py`), and so does a packet
for this one socket (an ack, a ping) when nothing waits in the Engine.IO
queue ahead of it; once per turn of the event loop every outbox is written
with one non-blocking send. A socket that cannot take it all at once gets a
green thread that finishes the write, and until then its frames wait their
turn.
"""

from __future__ import annotations

import logging
from typing import Any

import eventlet
from eventlet.hubs import get_hub
from eventlet.websocket import RFC6455WebSocket

from app.realtime.transport.frames import Frame, unmask
from app.realtime.transport.reader import HubReading

log = logging.getLogger(__name__)


class Flusher:
    """Writes the outboxes that broadcasts filled, once per turn of the hub.

    With a gap, flushes come at most that often: under a stream of
    broadcasts several frames leave in one write per socket, while a
    broadcast after a quiet spell still leaves at once.
    """

    def __init__(self) -> None:
        self.dirty: list[OutboxWebSocket] = []
        self.scheduled = False
        self.gap = 0.0
        self.last = 0.0

    def mark(self, ws: OutboxWebSocket) -> None:
        self.dirty.append(ws)
        if not self.scheduled:
            self.scheduled = True
            hub = get_hub()
            wait = self.last + self.gap - hub.clock() if self.gap else 0.0
            hub.schedule_call_global(max(wait, 0.0), self.flush)

    def flush(self) -> None:
        # Runs in the hub: it must not block or switch greenlets.
        dirty, self.dirty = self.dirty, []
        self.scheduled = False
        if self.gap:
            self.last = get_hub().clock()
        for ws in dirty:
            try:
                ws.write_nowait()
            except Exception:
                # One socket's failure must not leave the others' outboxes unwritten.
                log.exception("writing a websocket outbox failed")
                ws.outbox.clear()


class OutboxWebSocket(HubReading, RFC6455WebSocket):
    """An RFC 6455 websocket whose writes all go through one ordered outbox.

    `websocket_class` makes a subclass per server, whose `flusher` is that
    server's.
    """

    flusher: Flusher

    outbox: list[bytes]
    # True while no packet waits in the Engine.IO socket's queue: a frame pushed
    # now cannot overtake a packet the writer still holds.
    direct: bool
    # True while a greenlet owns the socket's writes (or is about to).
    writing: bool

    @classmethod
    def adopt(cls, ws: RFC6455WebSocket) -> OutboxWebSocket:
        ws.__class__ = cls
        assert isinstance(ws, cls)
        ws.outbox = []
        ws.direct = False
        ws.writing = False
        ws._fd_send = ws.socket.fd.send
        return ws

    # eventlet's own reader (a websocket kept in its green thread) unmasks
    # byte by byte; the codec's is one XOR.
    _apply_mask = staticmethod(unmask)
    _closed = False

    # The direct path (broadcast.DirectWriter) -----------------------------

    def push(self, frame: bytes) -> None:
        """Queue a frame for the next flush; never blocks."""
        outbox = self.outbox
        outbox.append(frame)
        if len(outbox) == 1 and not self.writing:
            self.flusher.mark(self)

    def write_nowait(self) -> None:
        outbox = self.outbox
        if not outbox or self.writing:
            return  # already written, or a greenlet is writing and will take it
        data = outbox[0] if len(outbox) == 1 else b"".join(outbox)
        outbox.clear()
        try:
            sent = self._fd_send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            return  # the peer has gone; the reader notices and closes the socket
        if sent < len(data):
            outbox.insert(0, data[sent:])
            self.writing = True
            eventlet.spawn_n(self._finish_write)

    def _finish_write(self) -> None:
        try:
            self._send(None)
        except OSError:
            self.outbox.clear()

    # Blocking writes, in order (the queue's writer, control frames) ------

    def send(self, message: Any, **kw: Any) -> None:
        if isinstance(message, Frame):
            self._send(message)
        else:
            super().send(message, **kw)

    def _send(self, frame: bytes | None) -> None:
        """Write now, after whatever the outbox already holds."""
        if frame is not None:
            self.outbox.append(frame)
        with self._sendlock:
            self.writing = True
            try:
                while self.outbox:
                    data = self.outbox[0] if len(self.outbox) == 1 else b"".join(self.outbox)
                    self.outbox.clear()
                    self.socket.sendall(data)
            finally:
                self.writing = False

    def _send_closing_frame(self, *args: Any, **kwargs: Any) -> None:
        if self._skip_handlers_close:
            # eventlet's WSGI wrapper closes the websocket when the handler
            # returns; a socket read by the hub stays open.
            self._skip_handlers_close = False
            return
        self.direct = False
        super()._send_closing_frame(*args, **kwargs)

    def close(self, close_data: Any = None) -> None:
        # Both ends may ask: the reader on the client's close frame, Engine.IO's
        # writer when its socket closes.
        if self._closed:
            return
        self._closed = True
        self._stop_listening()
        try:
            super().close(close_data=close_data)
        finally:
            self._end_reading()


def websocket_class(base: type, flusher: Flusher) -> type:
    """Engine.IO's eventlet websocket WSGI class, handing out outbox websockets."""
    outbox_class = type("OutboxWebSocket", (OutboxWebSocket,), {"flusher": flusher})

    class OutboxWebSocketWSGI(base):  # type: ignore[misc, valid-type]
        def _handle_hybi_request(self, environ: dict[str, Any]) -> RFC6455WebSocket:
            ws = super()._handle_hybi_request(environ)
            if ws.extensions.get("permessage-deflate"):
                return ws  # compressed frames are built per socket; keep the stock path
            return outbox_class.adopt(ws)

    return OutboxWebSocketWSGI
