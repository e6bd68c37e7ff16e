"""Framed broadcasts and the outbox websocket, below the Socket.IO layer."""

import os
import random
import socket as std_socket
import time

import eventlet
import pytest
from eventlet.green import socket as green_socket
from eventlet.websocket import RFC6455WebSocket
from socketio import packet as stock

from app.realtime.transport import engineio_socket
from app.realtime.transport.broadcast import Packet
from app.realtime.transport.engineio_socket import OutboxSocket
from app.realtime.transport.frames import text_frame
from app.realtime.transport.outbox import Flusher
from app.realtime.transport.outbox import OutboxWebSocket as ServersOutboxWebSocket
from app.realtime.transport.protocol import KEEP_CONNECTION


class OutboxWebSocket(ServersOutboxWebSocket):
    """The outbox websocket as one server's `websocket_class` makes it."""

    flusher = Flusher()


def eventlet_frame(text: str) -> bytes:
    return RFC6455WebSocket(None, {}, 13)._pack_message(text)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_text_frames_match_eventlets_framing(size):
    text = "é" * (size // 2) + "x" * (size % 2)
    assert text_frame(text) == eventlet_frame(text)


@pytest.mark.parametrize(
    "data",
    [
        ["message", {"id": 1, "sender": {"id": 2}, "tags": ["a", None, 3.5]}],
        ["message", {"blob": b"\x00"}],
        [{"deep": [[{"x": bytearray(b"y")}]]}],
        [],
        ["typing", {"typing": False}],
    ],
)
def test_binary_check_agrees_with_socketio(data):
    assert Packet.data_is_binary(data) == stock.Packet.data_is_binary(data)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 130, 4096])
@pytest.mark.parametrize("offset", [0, 1, 2, 3])
def test_client_frames_unmask_like_eventlet(size, offset):
    data = os.urandom(size)
    mask = [random.randrange(256) for _ in range(4)]
    expected = RFC6455WebSocket._apply_mask(data, mask, offset=offset)
    assert OutboxWebSocket._apply_mask(data, mask, offset=offset) == expected


def read_exactly(sock: green_socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 65536))
        assert chunk, "connection closed early"
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


@pytest.fixture
def pair():
    near, far = green_socket.socketpair()
    ws = OutboxWebSocket.adopt(RFC6455WebSocket(near, {}, 13))
    yield ws, far
    near.close()
    far.close()


def test_pushed_frames_and_writer_sends_leave_in_order(pair):
    ws, far = pair
    ws.push(text_frame("one"))
    ws.send("two")  # Engine.IO's writer: written at once, after what waits
    ws.push(text_frame("three"))
    eventlet.sleep(0)  # one turn of the hub: the flush
    expected = b"".join(eventlet_frame(t) for t in ("one", "two", "three"))
    assert read_exactly(far, len(expected)) == expected


def test_pushes_in_one_turn_go_out_in_one_write(pair):
    ws, _far = pair
    writes = []
    send = ws._fd_send
    ws._fd_send = lambda data: writes.append(data) or send(data)
    for text in ("a", "b", "c"):
        ws.push(text_frame(text))
    eventlet.sleep(0)
    assert writes == [b"".join(eventlet_frame(t) for t in ("a", "b", "c"))]


def test_a_write_the_socket_cannot_take_at_once_finishes_in_order(pair):
    ws, far = pair
    ws.socket.setsockopt(std_socket.SOL_SOCKET, std_socket.SO_SNDBUF, 4096)
    big = "x" * 1_000_000
    ws.push(text_frame(big))
    ws.push(text_frame("after"))
    eventlet.sleep(0)
    assert ws.writing  # the rest is left to a green thread
    ws.push(text_frame("later"))
    expected = b"".join(eventlet_frame(t) for t in (big, "after", "later"))
    reader = eventlet.spawn(read_exactly, far, len(expected))
    assert reader.wait() == expected
    assert not ws.outbox


def test_one_failing_socket_does_not_hold_up_the_others(pair):
    ws, far = pair
    near, other = green_socket.socketpair()
    broken = OutboxWebSocket.adopt(RFC6455WebSocket(near, {}, 13))

    def fail(data):
        raise ValueError("broken")

    broken._fd_send = fail
    try:
        broken.push(text_frame("lost"))
        ws.push(text_frame("delivered"))
        eventlet.sleep(0)
        expected = eventlet_frame("delivered")
        assert read_exactly(far, len(expected)) == expected
    finally:
        near.close()
        other.close()


# Reading in the hub -----------------------------------------------------


def client_frame(payload: bytes, opcode: int = 1, final: bool = True, masked: bool = True) -> bytes:
    """A frame as a client sends it (RFC 6455 section 5.2): masked."""
    mask = os.urandom(4) if masked else b""
    first = (0x80 if final else 0) | opcode
    length = len(payload)
    if length <= 125:
        head = bytes([first, (0x80 if masked else 0) | length])
    elif length <= 0xFFFF:
        head = bytes([first, (0x80 if masked else 0) | 126]) + length.to_bytes(2, "big")
    else:
        head = bytes([first, (0x80 if masked else 0) | 127]) + length.to_bytes(8, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if masked else payload
    return head + mask + body


class HubReader:
    """An outbox websocket handed to the hub, with what it reported."""

    def __init__(self, ws: OutboxWebSocket, keep: bool = True):
        self.ws = ws
        self.messages: list = []
        self.ended = 0
        self.released = 0
        if keep:
            ws.environ[KEEP_CONNECTION] = lambda: self.release
        self.reading = ws.read_in_hub(self.on_message, self.on_end)
        if self.reading:
            # The request handler returns, and eventlet's WSGI wrapper would
            # close the websocket.
            ws._send_closing_frame(True)

    def release(self) -> None:
        self.released += 1

    def on_message(self, message) -> bool:
        self.messages.append(message)
        return True

    def on_end(self) -> None:
        self.ended += 1


@pytest.fixture
def hub_pair():
    near, far = green_socket.socketpair()
    ws = OutboxWebSocket.adopt(RFC6455WebSocket(near, {}, 13, max_frame_length=1000))
    yield ws, far
    ws.close()
    far.close()


def settle() -> None:
    for _ in range(5):
        eventlet.sleep(0.01)


def test_an_idle_socket_read_by_the_hub_holds_no_green_thread(hub_pair):
    ws, far = hub_pair
    spawned = []
    reader = HubReader(ws)
    assert reader.reading
    original = eventlet.spawn_n
    try:
        eventlet.spawn_n = lambda *a, **k: spawned.append(a) or original(*a, **k)
        settle()
        assert spawned == []  # nothing arrived, nothing runs
        far.sendall(client_frame(b"hello"))
        settle()
    finally:
        eventlet.spawn_n = original
    assert reader.messages == ["hello"]
    assert len(spawned) == 1  # one reader for what arrived, which has ended


def test_messages_split_across_reads_arrive_whole_and_in_order(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    data = client_frame(b"first") + client_frame("sécond".encode()) + client_frame(b"x" * 300)
    for i in range(len(data)):
        far.sendall(data[i : i + 1])
        eventlet.sleep(0)
    settle()
    assert reader.messages == ["first", "sécond", "x" * 300]


def test_fragmented_and_binary_messages_are_joined(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.sendall(
        client_frame(b"ab", opcode=1, final=False)
        + client_frame(b"cd", opcode=0, final=False)
        + client_frame(b"ef", opcode=0)
        + client_frame(b"\x00\x01", opcode=2)
    )
    settle()
    assert reader.messages == ["abcdef", b"\x00\x01"]


def test_a_ping_from_the_client_is_answered_with_a_pong(hub_pair):
    ws, far = hub_pair
    HubReader(ws)
    far.sendall(client_frame(b"hi", opcode=9))
    settle()
    assert read_exactly(far, 4) == b"\x8a\x02hi"


def test_the_clients_close_frame_is_answered_and_ends_reading_once(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.sendall(client_frame((1000).to_bytes(2, "big"), opcode=8))
    settle()
    assert read_exactly(far, 4) == b"\x88\x02" + (1000).to_bytes(2, "big")
    assert (reader.ended, reader.released) == (1, 1)


def test_a_peer_that_goes_away_ends_reading_and_releases_the_connection(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.close()
    settle()
    assert (reader.ended, reader.released) == (1, 1)


@pytest.mark.parametrize(
    ("frame", "status"),
    [
        (client_frame(b"plain", masked=False), 1002),
        (client_frame(b"x" * 1001), 1009),  # above max_frame_length
        (client_frame(b"\xff\xfe"), 1007),  # not UTF-8
        (client_frame(b"b", opcode=0), 1002),  # continuation of nothing
        (client_frame(b"c", opcode=3), 1002),  # reserved opcode
    ],
)
def test_a_broken_frame_closes_with_its_status(hub_pair, frame, status):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.sendall(frame)
    settle()
    assert read_exactly(far, 4)[2:] == status.to_bytes(2, "big")
    assert reader.messages == []
    assert reader.ended == 1


def test_without_the_servers_consent_the_socket_is_not_handed_over(hub_pair):
    ws, _far = hub_pair
    assert not HubReader(ws, keep=False).reading
    ws.environ[KEEP_CONNECTION] = lambda: None  # the connection budget is spent
    assert not HubReader(ws, keep=False).reading
    assert ws._listener is None


def test_the_request_handlers_return_does_not_close_a_handed_over_socket(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)  # the handler has returned
    far.sendall(client_frame(b"still open"))
    settle()
    assert reader.messages == ["still open"]
    ws.close()
    assert read_exactly(far, 2) == b"\x88\x00"  # a later close does send it
    assert (reader.ended, reader.released) == (1, 1)


# Engine.IO's socket ------------------------------------------------------


@pytest.fixture
def engine():
    import engineio

    server = engineio.Server(async_mode="eventlet")

    def no_tasks(*args, **kwargs):
        raise AssertionError("a green thread was started for the socket")

    server.start_background_task = no_tasks
    return server


def test_pings_are_timers_of_the_hub_not_green_threads(engine):
    from engineio import packet as eio

    engine.ping_interval = 0.02
    socket = OutboxSocket(engine, "sid")
    socket.schedule_ping()
    assert socket.queue.empty()
    settle()
    assert socket.queue.get_nowait().packet_type == eio.PING


class TimerLog:
    """Stands in for the hub's timer list: records each timer's delay."""

    def __init__(self):
        self.delays = []

    def schedule_call_global(self, delay, *args):
        self.delays.append(delay)


@pytest.fixture
def ping_timers(engine, monkeypatch):
    """The delays of the ping timers that sockets of `engine` (a 25 s
    interval) schedule."""
    timers = TimerLog()
    monkeypatch.setattr(engineio_socket, "get_hub", lambda: timers)
    engine.ping_interval = 25
    return timers


def test_first_pings_of_sockets_that_connect_together_are_spread(engine, ping_timers):
    timers = ping_timers
    for n in range(20):
        OutboxSocket(engine, f"sid{n}").schedule_ping()
    assert all(25 * engineio_socket.FIRST_PING_SPREAD <= d <= 25 for d in timers.delays)
    assert max(timers.delays) - min(timers.delays) > 5


def test_pings_after_the_first_keep_the_interval(engine, ping_timers):
    timers = ping_timers
    socket = OutboxSocket(engine, "sid")
    socket.schedule_ping()
    for _pong in range(3):
        socket.last_ping = time.time()  # as when a ping went out
        socket.schedule_ping()  # as when its pong came back
    assert timers.delays[1:] == [25, 25, 25]


def upgraded(engine, ws):
    socket = OutboxSocket(engine, "sid")
    socket.connected = socket.upgraded = True
    socket.direct_writer = ws
    ws.direct = True
    return socket


def test_a_packet_queued_during_an_upgrade_goes_out_before_later_ones(engine, pair):
    from engineio import packet as eio

    ws, far = pair
    socket = upgraded(engine, ws)
    ws.direct = False  # as while the upgrade held packets back
    socket.send(eio.Packet(eio.MESSAGE, "queued"))
    assert socket._writer is not None  # a writer only while packets wait
    ws.direct = False
    socket.send(eio.Packet(eio.MESSAGE, "next"))
    socket._writer.wait()
    assert ws.direct and socket._writer is None
    socket.send(eio.Packet(eio.MESSAGE, "direct"))
    eventlet.sleep(0)
    expected = b"".join(eventlet_frame(t) for t in ("4queued", "4next", "4direct"))
    assert read_exactly(far, len(expected)) == expected


def test_closing_an_engineio_socket_closes_its_websocket(engine, pair):
    ws, far = pair
    socket = upgraded(engine, ws)
    socket.close(wait=True)
    expected = eventlet_frame("1") + b"\x88\x00"  # Engine.IO's close, then the websocket's
    assert read_exactly(far, len(expected)) == expected
    assert far.recv(1) == b""


def test_a_long_poll_carries_at_most_sixteen_packets(engine):
    # python-engineio's client refuses a payload of more ("Too many packets").
    from engineio import packet as eio

    socket = OutboxSocket(engine, "sid")
    for i in range(40):
        socket.queue.put(eio.Packet(eio.MESSAGE, str(i)))
    sizes = [len(socket.poll()) for _ in range(3)]
    assert sizes == [16, 16, 8]
    assert socket.queue.empty()


def test_closing_twice_sends_one_closing_frame(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.sendall(client_frame((1000).to_bytes(2, "big"), opcode=8))  # the client closes
    settle()
    ws.close()  # and Engine.IO's writer closes too
    assert read_exactly(far, 4) == b"\x88\x02" + (1000).to_bytes(2, "big")
    assert far.recv(16) == b""
    assert reader.ended == 1


def test_packets_left_for_a_closed_websocket_do_not_hold_up_closing(engine, pair):
    from engineio import packet as eio

    ws, _far = pair
    socket = upgraded(engine, ws)
    ws.close()  # the connection is gone; Engine.IO's socket does not know yet
    for text in ("a", "b", "c"):
        socket.send(eio.Packet(eio.MESSAGE, text))
    with eventlet.Timeout(2):
        socket.close(wait=True)  # waits for the queue to be done with
    assert socket.queue.empty()


def test_with_a_flush_gap_a_stream_of_frames_is_written_together(pair, monkeypatch):
    ws, _far = pair
    monkeypatch.setattr(OutboxWebSocket.flusher, "gap", 0.05)
    monkeypatch.setattr(OutboxWebSocket.flusher, "last", 0.0)
    writes = []
    send = ws._fd_send
    ws._fd_send = lambda data: writes.append(data) or send(data)
    ws.push(text_frame("first"))  # after a quiet spell: at once
    eventlet.sleep(0)
    assert writes == [eventlet_frame("first")]
    ws.push(text_frame("second"))
    ws.push(text_frame("third"))
    eventlet.sleep(0.01)
    assert len(writes) == 1  # within the gap: held back
    eventlet.sleep(0.06)
    assert writes[1:] == [eventlet_frame("second") + eventlet_frame("third")]
