"""Eventlet's websocket transport, with an outbox that broadcasts write into.

Engine.IO hands every outgoing packet to a writer greenlet per socket,
through a queue. `OutboxWebSocket` adds `push()`: a broadcast appends a
ready frame (see `delivery.py`) to the outbox, and so does a packet for
this one socket (an ack, a ping) when nothing waits in the queue ahead of
it; once per turn of the event loop every outbox is written with a single
non-blocking send. The queue and its writer remain for what must wait its
turn. A socket that cannot take
it all at once gets a greenlet that finishes the write, and until then its
frames wait their turn in the outbox. Every write goes through the outbox,
so frames leave in the order they were pushed or sent.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import eventlet
from engineio import exceptions as engineio_exceptions
from eventlet.hubs import get_hub
from eventlet.websocket import RFC6455WebSocket

from app.realtime.delivery import Frame, text_frame

log = logging.getLogger(__name__)


class _Flusher:
    """Writes the outboxes that broadcasts filled, once per turn of the hub."""

    def __init__(self) -> None:
        self.dirty: list[OutboxWebSocket] = []
        self.scheduled = False

    def mark(self, ws: OutboxWebSocket) -> None:
        self.dirty.append(ws)
        if not self.scheduled:
            self.scheduled = True
            get_hub().schedule_call_global(0, self.flush)

    def flush(self) -> None:
        # Runs in the hub: it must not block or switch greenlets.
        dirty, self.dirty = self.dirty, []
        self.scheduled = False
        for ws in dirty:
            try:
                ws.write_nowait()
            except Exception:
                # One socket's failure must not leave the others' outboxes unwritten.
                log.exception("writing a websocket outbox failed")
                ws.outbox.clear()


_flusher = _Flusher()


class OutboxWebSocket(RFC6455WebSocket):
    """An RFC 6455 websocket whose writes all go through one ordered outbox."""

    outbox: list[bytes]
    # True while Engine.IO's writer waits on an empty queue: a frame pushed
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

    @staticmethod
    def _apply_mask(data: bytes, mask: Any, length: int | None = None, offset: int = 0) -> bytes:
        """Unmask a client frame as one big-integer XOR (eventlet's goes byte by byte)."""
        length = len(data) if length is None else length
        key = bytes(mask[(offset + i) % 4] for i in range(4)) * (length // 4 + 1)
        value = int.from_bytes(data[:length], "big") ^ int.from_bytes(key[:length], "big")
        return value.to_bytes(length, "big")

    # The direct path (delivery.DirectWriter) -----------------------------

    def push(self, frame: bytes) -> None:
        """Queue a frame for the next flush; never blocks."""
        outbox = self.outbox
        outbox.append(frame)
        if len(outbox) == 1 and not self.writing:
            _flusher.mark(self)

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

    # Engine.IO's writer greenlet -----------------------------------------

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
        self.direct = False
        super()._send_closing_frame(*args, **kwargs)


def _tracked_poll(socket: Any, ws: OutboxWebSocket) -> list:
    """Engine.IO's poll, noting while the writer waits with nothing in hand.

    Engine.IO's writer gives up, and closes the connection, when its queue
    stays empty for a ping interval plus timeout; with pings and broadcasts
    going straight to the outbox, an empty queue is normal. The socket's
    close puts None in the queue, and ping timeouts close it, so waiting on
    is safe.
    """
    while True:
        ws.direct = socket.upgraded and not socket.upgrading and not ws.websocket_closed
        try:
            return type(socket).poll(socket)
        except engineio_exceptions.QueueEmpty:
            if socket.closing or socket.closed:
                raise
        finally:
            ws.direct = False


def _direct_send(socket: Any, ws: OutboxWebSocket, pkt: Any) -> None:
    """Engine.IO's Socket.send for one socket (acks, pings): straight to the
    outbox when nothing is queued ahead of it, else through the queue."""
    if ws.direct and socket.check_ping_timeout():
        encoded = pkt.encode()
        if isinstance(encoded, Frame):
            ws.push(encoded)
            return
        if isinstance(encoded, str):
            ws.push(text_frame(encoded))
            return
    ws.direct = False  # the writer has a packet to send now
    type(socket).send(socket, pkt)


def websocket_class(base: type) -> type:
    """Engine.IO's eventlet websocket WSGI class, handing out outbox websockets."""

    class OutboxWebSocketWSGI(base):  # type: ignore[misc, valid-type]
        def _handle_hybi_request(self, environ: dict[str, Any]) -> RFC6455WebSocket:
            ws = super()._handle_hybi_request(environ)
            socket = getattr(self.handler, "__self__", None)
            if socket is None or ws.extensions.get("permessage-deflate"):
                return ws  # compressed frames are built per socket; keep the stock path
            ws = OutboxWebSocket.adopt(ws)
            socket.poll = functools.partial(_tracked_poll, socket, ws)
            socket.send = functools.partial(_direct_send, socket, ws)
            socket.direct_writer = ws
            return ws

    return OutboxWebSocketWSGI


def install(engineio_server: Any) -> None:
    """Give this Engine.IO server outbox websockets (eventlet only)."""
    engineio_server._async = {
        **engineio_server._async,
        "websocket": websocket_class(engineio_server._async["websocket"]),
    }
