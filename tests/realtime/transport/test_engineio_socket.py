"""Engine.IO's socket without its per-connection green threads."""

import time

import eventlet
import pytest
from engineio import packet as eio

from app.realtime.transport import engineio_socket
from app.realtime.transport.engineio_socket import OutboxSocket
from tests.realtime.transport.helpers import eventlet_frame, read_exactly, settle


def test_pings_are_timers_of_the_hub_not_green_threads(engine):

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

    socket = OutboxSocket(engine, "sid")
    for i in range(40):
        socket.queue.put(eio.Packet(eio.MESSAGE, str(i)))
    sizes = [len(socket.poll()) for _ in range(3)]
    assert sizes == [16, 16, 8]
    assert socket.queue.empty()


def test_packets_left_for_a_closed_websocket_do_not_hold_up_closing(engine, pair):

    ws, _far = pair
    socket = upgraded(engine, ws)
    ws.close()  # the connection is gone; Engine.IO's socket does not know yet
    for text in ("a", "b", "c"):
        socket.send(eio.Packet(eio.MESSAGE, text))
    with eventlet.Timeout(2):
        socket.close(wait=True)  # waits for the queue to be done with
    assert socket.queue.empty()
