"""Eventlet's websocket transport, lean enough for ten thousand idle sockets.

Stock Engine.IO keeps three green threads per websocket: the request's,
blocked reading; a writer, fed through a queue; and a ping timer. Each
parked green thread keeps its stack, some 8 KiB and more. Here:

- `OutboxWebSocket` writes through one ordered outbox. A broadcast appends
  a ready frame (see `delivery.py`), and so does a packet for this one
  socket (an ack, a ping) when nothing waits in the queue ahead of it; once
  per turn of the event loop every outbox is written with one non-blocking
  send. A socket that cannot take it all at once gets a green thread that
  finishes the write, and until then its frames wait their turn.
- It is read by the hub: once connected, the request's green thread ends
  (the server keeps the connection open, see `app.server`); when bytes
  arrive a short-lived green thread reads them, handles the messages in
  order, and ends.
- `OutboxSocket`, Engine.IO's socket, sends pings from timers of the hub,
  the first at a random time so that sockets which connected together do
  not ping together, and runs a writer only while packets wait in its
  queue (during an upgrade, at close).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import eventlet
import eventlet.queue
from engineio import exceptions as engineio_exceptions
from engineio import packet as engineio_packet
from engineio import socket as engineio_socket
from eventlet.hubs import get_hub
from eventlet.websocket import ConnectionClosedError, FailedConnectionError, RFC6455WebSocket

from app.realtime.delivery import Frame, text_frame

log = logging.getLogger(__name__)

# The WSGI environ key under which the server offers to keep a websocket's
# connection open after its request handler returns (see app.server): a
# callable that returns a release function, or None when the connection
# budget is spent.
KEEP_CONNECTION = "parley.keep_connection"

RECV_BYTES = 65536
# python-engineio's client refuses a long-polling payload of more packets.
MAX_PACKETS_PER_POLL = 16
# A socket's first ping goes out at a random point between this fraction of
# the ping interval and the whole of it (not at once: the client is still
# connecting, maybe upgrading).
FIRST_PING_SPREAD = 0.25


class _Flusher:
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


_flusher = _Flusher()


class OutboxWebSocket(RFC6455WebSocket):
    """An RFC 6455 websocket whose writes all go through one ordered outbox."""

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

    # Reading in the hub ----------------------------------------------------
    #
    # A connection's green thread would wait in recv() for as long as the
    # socket is open, and a parked green thread keeps its stack: some 15 KiB
    # per idle socket. Handed to the hub, the socket costs a listener; when
    # bytes arrive a green thread reads them, handles the messages in order,
    # and ends.

    _skip_handlers_close = False
    _closed = False
    _listener: Any = None
    _release: Callable[[], None] | None = None
    _on_message: Callable[[str | bytes], bool]
    _on_end: Callable[[], None] | None = None

    def read_in_hub(
        self, on_message: Callable[[str | bytes], bool], on_end: Callable[[], None]
    ) -> bool:
        """Let the hub watch this socket from now on, if the server allows it.

        Each message goes to `on_message`, in order, from a short-lived green
        thread; it returns False to stop reading. `on_end` runs once, when
        the peer has gone, the connection failed, or the websocket closed.
        Returns False, changing nothing, when the server keeps the connection
        in its green thread (see `app.server`).
        """
        keep = self.environ.pop(KEEP_CONNECTION, None)
        release = keep() if keep is not None else None
        if release is None:
            return False
        self._release = release
        self._on_message = on_message
        self._on_end = on_end
        self._inbuf = b""
        self._fragments: list[bytes] | None = None
        self._fragment_opcode = 0
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
                messages = self._parse(data)
            except FailedConnectionError as e:
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

    def _parse(self, data: bytes) -> list[str | bytes]:
        """The complete messages in what has arrived; the rest waits for more."""
        buf = self._inbuf + data if self._inbuf else data
        messages: list[str | bytes] = []
        pos, size = 0, len(buf)
        while size - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            if not second & 0x80:
                raise FailedConnectionError(
                    1002, "A client MUST mask all frames that it sends to the server"
                )
            length, head = second & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if length > self.max_frame_length:
                raise FailedConnectionError(1009, f"Incoming frame of {length} bytes is too long.")
            start = pos + head + 4
            if size < start + length:
                break
            payload = self._apply_mask(buf[start : start + length], buf[pos + head : start], length)
            pos = start + length
            message = self._frame(first, payload)
            if message is not None:
                messages.append(message)
        self._inbuf = buf[pos:]
        return messages

    def _frame(self, first: int, payload: bytes) -> str | bytes | None:
        """One unmasked frame: a whole message, None for a fragment or control frame."""
        final, opcode = first & 0x80, first & 0x0F
        if first & 0x70 or opcode not in (0, 1, 2, 8, 9, 10):
            raise FailedConnectionError(1002, "Reserved bits or an unknown opcode received.")
        if not opcode & 8:
            return self._data_frame(opcode, payload, bool(final))
        if not final or len(payload) > 125:
            raise FailedConnectionError(
                1002, "Control frames must not be fragmented and carry at most 125 bytes."
            )
        self._handle_control_frame(opcode, payload)
        return None

    def _data_frame(self, opcode: int, payload: bytes, final: bool) -> str | bytes | None:
        if bool(opcode) == (self._fragments is not None):
            raise FailedConnectionError(
                1002, "Continuation frames, and only they, follow a fragmented message's first."
            )
        if opcode:
            self._fragments, self._fragment_opcode = [], opcode
        fragments = self._fragments
        assert fragments is not None
        fragments.append(payload)
        if not final:
            if sum(map(len, fragments)) > self.max_frame_length:
                raise FailedConnectionError(1009, "Incoming message is above the length limit.")
            return None
        data = payload if len(fragments) == 1 else b"".join(fragments)
        self._fragments = None
        if self._fragment_opcode == 2:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FailedConnectionError(1007, "Text data must be valid utf-8") from None


def _nothing(*_args: Any) -> None:
    pass


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


def websocket_class(base: type) -> type:
    """Engine.IO's eventlet websocket WSGI class, handing out outbox websockets."""

    class OutboxWebSocketWSGI(base):  # type: ignore[misc, valid-type]
        def _handle_hybi_request(self, environ: dict[str, Any]) -> RFC6455WebSocket:
            ws = super()._handle_hybi_request(environ)
            if ws.extensions.get("permessage-deflate"):
                return ws  # compressed frames are built per socket; keep the stock path
            return OutboxWebSocket.adopt(ws)

    return OutboxWebSocketWSGI


def install(engineio_server: Any, flush_gap: float = 0.0) -> None:
    """Give this Engine.IO server outbox websockets (eventlet only).

    `flush_gap`: the least time in seconds between two writes of the outboxes.
    """
    _flusher.gap = flush_gap
    engineio_server._async = {
        **engineio_server._async,
        "websocket": websocket_class(engineio_server._async["websocket"]),
    }
    on_connect = engineio_server.handlers["connect"]

    def adopting_connect(sid: str, *args: Any) -> Any:
        OutboxSocket.adopt(engineio_server.sockets[sid])
        return on_connect(sid, *args)

    engineio_server.on("connect", adopting_connect)
