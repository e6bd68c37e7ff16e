"""Websockets read by the hub, without a parked green thread each."""

import eventlet
import pytest

from app.realtime.transport.protocol import KEEP_CONNECTION
from tests.realtime.transport.helpers import HubReader, client_frame, read_exactly, settle


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
