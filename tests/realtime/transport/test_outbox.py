"""The outbox: ordered, batched, non-blocking writes of a websocket's frames."""

import socket as std_socket

import eventlet
from eventlet.green import socket as green_socket
from eventlet.websocket import RFC6455WebSocket

from app.realtime.transport.frames import text_frame
from tests.realtime.transport.helpers import (
    HubReader,
    OutboxWebSocket,
    client_frame,
    eventlet_frame,
    read_exactly,
    settle,
)


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


def test_closing_twice_sends_one_closing_frame(hub_pair):
    ws, far = hub_pair
    reader = HubReader(ws)
    far.sendall(client_frame((1000).to_bytes(2, "big"), opcode=8))  # the client closes
    settle()
    ws.close()  # and Engine.IO's writer closes too
    assert read_exactly(far, 4) == b"\x88\x02" + (1000).to_bytes(2, "big")
    assert far.recv(16) == b""
    assert reader.ended == 1


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
