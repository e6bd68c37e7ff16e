"""Fixtures for the outbox transport's tests: socket pairs and an Engine.IO server."""

import pytest
from eventlet.green import socket as green_socket
from eventlet.websocket import RFC6455WebSocket

from tests.realtime.transport.helpers import OutboxWebSocket


@pytest.fixture
def pair():
    near, far = green_socket.socketpair()
    ws = OutboxWebSocket.adopt(RFC6455WebSocket(near, {}, 13))
    yield ws, far
    near.close()
    far.close()


@pytest.fixture
def hub_pair():
    near, far = green_socket.socketpair()
    ws = OutboxWebSocket.adopt(RFC6455WebSocket(near, {}, 13, max_frame_length=1000))
    yield ws, far
    ws.close()
    far.close()


@pytest.fixture
def engine():
    import engineio

    server = engineio.Server(async_mode="eventlet")

    def no_tasks(*args, **kwargs):
        raise AssertionError("a green thread was started for the socket")

    server.start_background_task = no_tasks
    return server
