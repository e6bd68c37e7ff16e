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
from typing import Any

import eventlet
from eventlet.hubs import get_hub
from eventlet.websocket import RFC6455WebSocket

from app.realtime.delivery import Frame, text_frame


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
            ws.write_nowait()


_flusher = _Flusher()


class OutboxWebSocket(RFC6455WebSocket):
    """An RFC 6455 websocket whose writes all go through one ordered outbox."""

    outbox: list[bytes]
    writer_idle: bool

    @classmethod
    def adopt(cls, ws: RFC6455WebSocket) -> OutboxWebSocket:
        ws.__class__ = cls
        assert isinstance(ws, cls)
        ws.outbox = []
        ws.writer_idle = False
        return ws

    @staticmethod
    def _apply_mask(data: bytes, mask: Any, length: int | None = None, offset: int = 0) -> bytes:
        """Unmask a client frame as one big-integer XOR (eventlet's goes byte by byte)."""
        length = len(data) if length is None else length
        key = bytes(mask[(offset + i) % 4] for i in range(4)) * (length // 4 + 1)
        value = int.from_bytes(data[:length], "big") ^ int.from_bytes(key[:length], "big")
        return value.to_bytes(length, "big")

    # The direct path (delivery.DirectWriter) -----------------------------

    def can_take_direct(self) -> bool:
        """True while Engine.IO's writer is waiting on an empty queue, so a
        frame pushed now cannot overtake a packet it is still holding."""
        return self.writer_idle and not self.websocket_closed

    def push(self, frame: Frame) -> None:
        """Queue a frame for the next flush; never blocks."""
        self.outbox.append(frame)
        if len(self.outbox) == 1 and not self._sendlock.locked():
            _flusher.mark(self)

    def write_nowait(self) -> None:
        if not self.outbox or self._sendlock.locked():
            return  # already written, or a greenlet is writing and will take it
        data = b"".join(self.outbox)
        self.outbox.clear()
        try:
            sent = self.socket.fd.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            return  # the peer has gone; the reader notices and closes the socket
        if sent < len(data):
            self.outbox.insert(0, data[sent:])
            self._sendlock.acquire(blocking=False)
            eventlet.spawn_n(self._finish_write)

    def _finish_write(self) -> None:
        try:
            self._write_outbox()
        except OSError:
            self.outbox.clear()
        finally:
            self._sendlock.release()

    # Engine.IO's writer greenlet -----------------------------------------

    def send(self, message: Any, **kw: Any) -> None:
        if isinstance(message, Frame):
            self._send(message)
        else:
            super().send(message, **kw)

    def _send(self, frame: bytes) -> None:
        """Write now, after whatever the outbox already holds."""
        self.outbox.append(frame)
        with self._sendlock:
            self._write_outbox()

    def _write_outbox(self) -> None:
        while self.outbox:
            data = self.outbox[0] if len(self.outbox) == 1 else b"".join(self.outbox)
            self.outbox.clear()
            self.socket.sendall(data)


def _tracked_poll(socket: Any, ws: OutboxWebSocket) -> list:
    """Engine.IO's poll, noting while the writer waits with nothing in hand."""
    ws.writer_idle = True
    try:
        return type(socket).poll(socket)
    finally:
        ws.writer_idle = False


def _direct_send(socket: Any, ws: OutboxWebSocket, pkt: Any) -> None:
    """Engine.IO's Socket.send for one socket (acks, pings): straight to the
    outbox when nothing is queued ahead of it, else through the queue."""
    if (
        socket.upgraded
        and not socket.upgrading
        and ws.can_take_direct()
        and socket.queue.empty()
        and socket.check_ping_timeout()
    ):
        encoded = pkt.encode()
        if isinstance(encoded, Frame):
            ws.push(encoded)
            return
        if isinstance(encoded, str):
            ws.push(text_frame(encoded))
            return
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
