"""Framed broadcasts and the outbox websocket, below the Socket.IO layer."""

import os
import random
import socket as std_socket

import eventlet
import pytest
from eventlet.green import socket as green_socket
from eventlet.websocket import RFC6455WebSocket
from socketio import packet as stock

from app.realtime.delivery import Packet, text_frame
from app.realtime.websocket import OutboxWebSocket


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


def test_direct_sends_wait_while_the_writer_holds_packets(pair):
    ws, _far = pair

    class Socket:
        upgraded, upgrading = True, False
        queue = eventlet.queue.LightQueue()

        def poll(self):
            return [self.queue.get()]

    socket = Socket()
    from app.realtime.websocket import _tracked_poll

    poller = eventlet.spawn(_tracked_poll, socket, ws)
    eventlet.sleep(0)
    assert ws.direct  # waiting on an empty queue
    socket.queue.put("packet")
    assert poller.wait() == ["packet"]
    assert not ws.direct


class QuietSocket:
    """An Engine.IO socket whose queue stays empty for a while."""

    upgraded, upgrading, closing, closed = True, False, False, False

    def __init__(self, empty_waits: int):
        self.empty_waits = empty_waits

    def poll(self):
        from engineio import exceptions

        if self.empty_waits:
            self.empty_waits -= 1
            raise exceptions.QueueEmpty()
        return ["packet"]


def test_the_writer_outlives_a_quiet_queue(pair):
    # Pings and broadcasts skip the queue, so it may stay empty past Engine.IO's
    # poll timeout; that must not end the writer (and close the connection).
    ws, _far = pair
    from app.realtime.websocket import _tracked_poll

    assert _tracked_poll(QuietSocket(empty_waits=3), ws) == ["packet"]


def test_the_writer_ends_with_a_closed_socket(pair):
    from engineio import exceptions

    from app.realtime.websocket import _tracked_poll

    ws, _far = pair
    socket = QuietSocket(empty_waits=1)
    socket.closed = True
    with pytest.raises(exceptions.QueueEmpty):
        _tracked_poll(socket, ws)


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
