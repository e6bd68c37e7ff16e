"""Engine.IO's socket, without its per-connection green threads.

Stock Engine.IO keeps three green threads per websocket: the request's,
blocked reading; a writer, fed through a queue; and a ping timer. Each
parked green thread keeps its stack, some 8 KiB and more. `OutboxSocket`
sends pings from timers of the hub, the first at a random time so that
sockets which connected together do not ping together; runs a writer only
while packets wait in its queue (during an upgrade, at close); and writes
every other packet straight to its websocket's outbox (`outbox.py`), which
the hub reads (`reader.py`).
"""

from __future__ import annotations

import random
import time
from typing import Any

import eventlet
import eventlet.queue
from engineio import exceptions as engineio_exceptions
from engineio import packet as engineio_packet
from engineio import socket as engineio_socket
from eventlet.hubs import get_hub

from app.realtime.transport.frames import Frame, text_frame
from app.realtime.transport.outbox import OutboxWebSocket

# python-engineio's client refuses a long-polling payload of more packets.
MAX_PACKETS_PER_POLL = 16
# A socket's first ping goes out at a random point between this fraction of
# the ping interval and the whole of it (not at once: the client is still
# connecting, maybe upgrading).
FIRST_PING_SPREAD = 0.25


class OutboxSocket(engineio_socket.Socket):
    """Engine.IO's socket, without its per-connection green threads.

    Pings are timers of the hub, and a writer runs only while packets wait
    in the queue (during an upgrade, at close). Every other packet goes
    straight to the outbox of the socket's websocket.
    """

    direct_writer: OutboxWebSocket | None = None
    _writer: Any = None
    _pinged = False

    @classmethod
    def adopt(cls, socket: engineio_socket.Socket) -> None:
        if type(socket) is engineio_socket.Socket:
            socket.__class__ = cls

    def poll(self) -> list:
        """Engine.IO's poll, giving a long-polling response at most
        MAX_PACKETS_PER_POLL packets: python-engineio clients refuse a
        payload with more; the rest go with the next poll."""
        queue_empty = self.server.get_queue_empty_exception()
        try:
            packets = [self.queue.get(timeout=self.server.ping_interval + self.server.ping_timeout)]
            self.queue.task_done()
        except queue_empty:
            raise engineio_exceptions.QueueEmpty() from None
        if packets == [None]:
            return []
        while len(packets) < MAX_PACKETS_PER_POLL:
            try:
                pkt = self.queue.get(block=False)
            except queue_empty:
                break
            self.queue.task_done()
            if pkt is None:
                self.queue.put(None)
                break
            packets.append(pkt)
        return packets

    def schedule_ping(self) -> None:
        # Only schedule a new ping if the previous ping wait cycle completed.
        if self.last_ping:
            self.last_ping = None
            delay = self.server.ping_interval
            if not self._pinged:
                # Sockets that connect together (after a restart, or a deploy)
                # would ping together for as long as they stay: every
                # interval, one burst of pings and pongs holding up the
                # messages behind it. A random first ping spreads them out;
                # early is always safe, clients only time out a late one.
                self._pinged = True
                delay *= random.uniform(FIRST_PING_SPREAD, 1.0)
            get_hub().schedule_call_global(delay, eventlet.spawn_n, self._ping)

    def _ping(self) -> None:
        if not self.closing and not self.closed:
            self.last_ping = time.time()
            self.send(engineio_packet.Packet(engineio_packet.PING))

    def send(self, pkt: Any) -> None:
        ws = self.direct_writer
        if ws is not None and ws.direct:
            if not self.check_ping_timeout():
                return
            encoded = pkt.encode()
            if isinstance(encoded, str):
                ws.push(text_frame(encoded))
                return
            if isinstance(encoded, Frame):
                ws.push(encoded)
                return
        super().send(pkt)
        self._wake_writer()

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if self.direct_writer is None:
            super().close(wait=wait, abort=abort, reason=reason)
            return
        super().close(wait=False, abort=abort, reason=reason)
        self._wake_writer()
        if wait:
            self.queue.join()

    def _wake_writer(self) -> None:
        ws = self.direct_writer
        if ws is None or self._writer is not None or self.queue.empty():
            return
        ws.direct = False
        self._writer = eventlet.spawn(self._write_queued, ws)

    def _write_queued(self, ws: OutboxWebSocket) -> None:
        """Write what waits in the queue, in order; the close marker closes."""
        try:
            while self._take_queued(ws):
                pass
        except Exception:
            ws.close()
        finally:
            self._writer = None
            if ws._closed:
                self._discard_queued()  # nobody will write it; let close(wait) return
        ws.direct = not (self.closing or self.closed or ws._closed)

    def _take_queued(self, ws: OutboxWebSocket) -> bool:
        try:
            pkt = self.queue.get(block=False)
        except eventlet.queue.Empty:
            return False
        self.queue.task_done()
        if pkt is None:
            ws.close()
            return False
        ws.send(pkt.encode())
        return True

    def _discard_queued(self) -> None:
        while True:
            try:
                self.queue.get(block=False)
            except eventlet.queue.Empty:
                return
            self.queue.task_done()

    def _websocket_handler(self, ws: Any) -> list:
        """Engine.IO's websocket handler, without a writer per connection, and
        without a reader once the hub can watch the socket."""
        if not isinstance(ws, OutboxWebSocket):
            return super()._websocket_handler(ws)
        ws.socket.settimeout(self.server.ping_interval + self.server.ping_timeout)
        if self.connected and not self._upgrade(ws):
            return []
        self.connected = self.upgraded = True
        self.direct_writer = ws
        self._wake_writer()
        if self._writer is None:
            ws.direct = True
        if not ws.read_in_hub(self._receive, self._transport_closed):
            self._read_in_green_thread(ws)
        return []

    def _read_in_green_thread(self, ws: OutboxWebSocket) -> None:
        while True:
            try:
                data = ws.wait()
            except Exception as e:
                if not self.closed:
                    self.server.logger.info(
                        '%s: Unexpected error "%s", closing connection', self.sid, e
                    )
                break
            if data is None or len(data) > self.server.max_http_buffer_size:
                break
            if not self._receive(data):
                break
        self._transport_closed()
        if self._writer is not None:
            self._writer.wait()

    def _upgrade(self, ws: OutboxWebSocket) -> bool:
        """The upgrade from long-polling, as Engine.IO does it."""
        self.upgrading = True  # hold packet sends during the upgrade
        try:
            pkt = engineio_packet.Packet(encoded_packet=ws.wait())
            if pkt.packet_type != engineio_packet.PING or pkt.data != "probe":
                return False
            ws.send(engineio_packet.Packet(engineio_packet.PONG, data="probe").encode())
            self.queue.put(engineio_packet.Packet(engineio_packet.NOOP))  # end poll
            pkt = engineio_packet.Packet(encoded_packet=ws.wait())
            return pkt.packet_type == engineio_packet.UPGRADE
        finally:
            self.upgrading = False

    def _receive(self, data: str | bytes) -> bool:
        """Handle one message from the websocket; False when reading must stop."""
        try:
            self.receive(engineio_packet.Packet(encoded_packet=data))
        except engineio_exceptions.UnknownPacketError:
            pass
        except engineio_exceptions.SocketIsClosedError:
            return False
        except Exception:
            self.server.logger.exception("Unknown receive error")
            return False
        return True

    def _transport_closed(self) -> None:
        if self.direct_writer is not None:
            self.direct_writer.direct = False
        # Closing puts the end marker in the queue, and the writer closes the
        # websocket after what waits ahead of it.
        self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)
        self.server.sockets.pop(self.sid, None)
