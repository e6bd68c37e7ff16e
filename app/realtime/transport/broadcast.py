"""Broadcast delivery: one encoded frame, written to every recipient's socket.

python-socketio's manager encodes a broadcast once, then hands each
recipient the packet through its Engine.IO queue: a queue put, a wake-up
of that socket's writer greenlet, and a WebSocket frame built again for
every recipient. For a chat room that is most of the server's work.

Here a broadcast builds its WebSocket frame once. A recipient whose
websocket transport can take frames directly (see `outbox.py`) gets the
frame appended to its outbox, and outboxes are written with one system call
per socket per turn of the event loop, so a burst of messages costs one
write per recipient, not one per message. Everyone else (long-polling
clients, other async modes, a socket whose writer is busy) gets the packet
through its queue as before, so a socket's packets always leave in the
order they were sent.
"""

from __future__ import annotations

from typing import Any, Protocol

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from app.realtime import strict_json
from app.realtime.transport.frames import Frame, text_frame


class DirectWriter(Protocol):
    """What a websocket transport offers for frames that skip the queue."""

    # True while nothing waits in the socket's queue or writer: a frame
    # pushed now cannot overtake a packet sent before it.
    direct: bool

    def push(self, frame: Frame) -> None: ...


class Packet(strict_json.Packet):
    """Socket.IO's packet (strict JSON), with the binary check every packet runs made cheap.

    The stock check builds a list at every level of the payload and folds it
    with a lambda; this one answers the same by short-circuiting.
    """

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        if isinstance(data, (bytes, bytearray)):
            return True
        if isinstance(data, list):
            return any(cls.data_is_binary(item) for item in data)
        if isinstance(data, dict):
            return any(cls.data_is_binary(item) for item in data.values())
        return False


class FramedPacket(eio_packet.Packet):
    """An Engine.IO message whose encoding is already a WebSocket frame.

    Queued only for websocket transports that take frames, so that the
    socket's writer passes the frame through without building it again.
    """

    def __init__(self, frame: Frame):
        super().__init__(eio_packet.MESSAGE)
        self.frame = frame

    def encode(self, b64: bool = False) -> Frame:
        return self.frame


class FramedBroadcast:
    """Manager mixin: `emit` without callbacks writes one frame to every recipient.

    Put it before python-socketio's `Manager` in the bases; the Redis
    manager's remote emits arrive through the same `emit`.
    """

    server: Any

    def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if callback is not None or namespace not in self.rooms:  # type: ignore[attr-defined]
            super().emit(  # type: ignore[misc]
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
            return
        args = list(data) if isinstance(data, tuple) else ([] if data is None else [data])
        encoded = self.server.packet_class(
            sio_packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        if isinstance(encoded, list):  # binary attachments: leave them to the stock path
            super().emit(  # type: ignore[misc]
                event, data, namespace, room=room, skip_sid=skip_sid, **kwargs
            )
            return
        plain = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        skip = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        engine = self.server.eio
        frame: Frame | None = None
        framed: FramedPacket | None = None
        for sid, eio_sid in self.get_participants(namespace, room):  # type: ignore[attr-defined]
            if sid in skip:
                continue
            socket = engine.sockets.get(eio_sid)
            writer: DirectWriter | None = getattr(socket, "direct_writer", None)
            if writer is not None and writer.direct:
                if frame is None:
                    frame = text_frame("4" + encoded)
                writer.push(frame)
            elif writer is None or not socket.upgraded or socket.upgrading:
                self.server._send_eio_packet(eio_sid, plain)
            elif not (socket.closing or socket.closed):
                if framed is None:
                    frame = frame or text_frame("4" + encoded)
                    framed = FramedPacket(frame)
                socket.send(framed)


class Manager(FramedBroadcast, socketio.Manager):
    """The in-process manager, with framed broadcasts."""


def framed(manager_class: type) -> type:
    """A pub/sub manager class whose local deliveries are framed broadcasts.

    The framing sits below the queue: what arrives from it (and what is
    delivered without it) goes through `FramedBroadcast.emit`.
    """
    if manager_class is socketio.Manager:
        return Manager
    return type(manager_class.__name__, (manager_class, Manager), {})
