"""SIGTERM: stop accepting, finish in-flight requests, close sockets, exit."""

from __future__ import annotations

import signal
import threading
import time

import pytest
import requests
import socketio

from tests.e2e.helpers import NS, new_account


@pytest.fixture
def server(start_server):
    # bcrypt at 14 rounds makes a login slow (about a second here) enough to
    # be surely in flight when the signal comes.
    return start_server(BCRYPT_ROUNDS="14")


def test_sigterm_drains_and_exits_cleanly(server):
    ada = new_account(server.base_url)
    client = socketio.Client(reconnection=False)
    reasons: list[str] = []
    client.on("disconnect", lambda reason=None: reasons.append(reason), namespace=NS)
    client.connect(server.base_url, namespaces=[NS], auth={"token": ada.access_token},
                   transports=["websocket"], wait_timeout=10)  # fmt: skip

    in_flight: dict[str, int] = {}

    def slow_login() -> None:
        response = requests.post(
            f"{server.base_url}/api/auth/login",
            json={"login": ada.username, "password": ada.password},
            timeout=30,
        )
        in_flight["status"] = response.status_code

    login = threading.Thread(target=slow_login)
    login.start()
    time.sleep(0.4)
    server.process.send_signal(signal.SIGTERM)
    login.join(30)

    assert in_flight["status"] == 200  # the request that was running finished
    assert server.process.wait(30) == 0  # and the process exited by itself
    deadline = time.monotonic() + 5
    while client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    # The Engine.IO session was closed (python-socketio calls that "server
    # disconnect"); that JavaScript clients then reconnect elsewhere by
    # themselves is shown through nginx in test_nginx.py.
    assert not client.connected
    assert len(reasons) == 1
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.base_url}/api/health", timeout=2)


def test_an_idle_server_stops_at_once(start_server):
    server = start_server()
    requests.get(f"{server.base_url}/api/health", timeout=5)
    time.sleep(1)  # nothing to do: the event loop waits on its longest timer
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(30) == 0
    # A routing platform kills at 30 s; the signal must not wait for a timer.
    assert time.monotonic() - started < 5


def test_a_server_with_open_websockets_stops_at_once(start_server):
    import websocket

    server = start_server()
    url = server.base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    sockets = [websocket.create_connection(url, timeout=5) for _ in range(3)]
    try:
        for ws in sockets:
            assert ws.recv().startswith("0{")
        requests.get(f"{server.base_url}/api/health", timeout=5)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) == 0
        # The drain waits for requests in flight, not for the open websockets
        # (it closes those), and does not run into its 20 s cap.
        assert time.monotonic() - started < 5
        for ws in sockets:
            assert ws.recv() == "1"  # Engine.IO's close packet
    finally:
        for ws in sockets:
            ws.close()
    assert "Bad file descriptor" not in server.output()


def open_polling_sessions(server, count: int) -> list[requests.Session]:
    """Engine.IO long-polling sessions, handshaken, whose clients are between polls."""
    sessions = []
    for _ in range(count):
        http = requests.Session()  # keeps its connection alive, as a browser does
        opened = http.get(f"{server.base_url}/socket.io/?EIO=4&transport=polling", timeout=5)
        assert opened.text.startswith("0{")
        sessions.append(http)
    return sessions


@pytest.mark.parametrize("transports", [["polling"], ["websocket"], ["polling", "websocket"]])
def test_sigterm_with_idle_sessions_exits_within_two_seconds(start_server, transports):
    server = start_server()
    ada = new_account(server.base_url)
    clients = []
    for transport in transports:
        client = socketio.Client(reconnection=False)
        client.connect(server.base_url, namespaces=[NS], auth={"token": ada.access_token},
                       transports=[transport], wait_timeout=10)  # fmt: skip
        clients.append(client)
    idle = open_polling_sessions(server, 3)
    try:
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) == 0
        assert time.monotonic() - started < 2
    finally:
        for http in idle:
            http.close()
        for client in clients:
            client.disconnect()
