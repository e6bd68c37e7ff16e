"""The Procfile's web process serves the whole application."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests


def register(base_url: str, name: str | None = None) -> dict:
    name = name or f"u{uuid.uuid4().hex[:10]}"
    response = requests.post(
        f"{base_url}/api/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": "Secr3tPass"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_web_process_serves_health(live_server):
    response = requests.get(f"{live_server.base_url}/api/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_register_login_and_me_over_http(live_server):
    name = f"u{uuid.uuid4().hex[:10]}"
    register(live_server.base_url, name)
    login = requests.post(
        f"{live_server.base_url}/api/auth/login",
        json={"login": name, "password": "Secr3tPass"},
        timeout=10,
    )
    token = login.json()["access_token"]
    me = requests.get(
        f"{live_server.base_url}/api/users/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert me.json()["username"] == name


def test_web_process_serves_socketio(live_server):
    response = requests.get(
        f"{live_server.base_url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5
    )
    assert response.status_code == 200
    assert response.text.startswith("0{")  # an Engine.IO open packet


def test_web_process_logs_json_in_production(live_server):
    requests.get(f"{live_server.base_url}/api/nothing", timeout=5)
    assert "Traceback" not in live_server.output()


def test_password_hashing_does_not_stall_other_requests(live_server):
    """bcrypt runs in native threads: a burst of logins leaves the loop free."""
    name = f"u{uuid.uuid4().hex[:10]}"
    register(live_server.base_url, name)
    finished: dict[str, float] = {}

    def slow_login(i: int) -> None:
        requests.post(
            f"{live_server.base_url}/api/auth/login",
            json={"login": name, "password": "Secr3tPass"},
            timeout=30,
        )
        finished[f"login{i}"] = time.monotonic()

    threads = [threading.Thread(target=slow_login, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.03)
    requests.get(f"{live_server.base_url}/api/health", timeout=30)
    health_done = time.monotonic()
    for thread in threads:
        thread.join()
    # Six hashes at 12 rounds keep the server's threads busy for a good while;
    # with the event loop blocked by them, health would come last.
    assert health_done < min(finished.values())


def negotiated_extensions(base_url: str) -> str:
    import websocket

    ws = websocket.create_connection(
        base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        header=["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"],
        timeout=5,
    )
    try:
        return ws.getheaders().get("sec-websocket-extensions", "")
    finally:
        ws.close()


def test_websocket_compression_is_off_by_default(live_server):
    assert "permessage-deflate" not in negotiated_extensions(live_server.base_url)


def test_websocket_compression_can_be_turned_on(start_server):
    server = start_server(WEBSOCKET_COMPRESSION="true")
    assert "permessage-deflate" in negotiated_extensions(server.base_url)


def open_engineio_websocket(base_url: str):
    import websocket

    ws = websocket.create_connection(
        base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=5
    )
    assert ws.recv().startswith("0{")  # Engine.IO's open packet
    return ws


def test_websockets_count_against_the_connection_limit(start_server):
    server = start_server(MAX_CONNECTIONS="2")
    first = open_engineio_websocket(server.base_url)
    second = open_engineio_websocket(server.base_url)
    try:
        # Both websockets hold the process's two connections: a third waits.
        with pytest.raises(requests.Timeout):
            requests.get(f"{server.base_url}/api/health", timeout=1.5)
        first.close()
        assert requests.get(f"{server.base_url}/api/health", timeout=5).status_code == 200
    finally:
        second.close()


def test_an_idle_websocket_keeps_answering_pings(start_server):
    server = start_server(SOCKETIO_PING_INTERVAL="1", SOCKETIO_PING_TIMEOUT="1")
    ws = open_engineio_websocket(server.base_url)
    try:
        for _ in range(3):
            assert ws.recv() == "2"  # Engine.IO ping
            ws.send("3")
        ws.send("40/chat,")
        assert ws.recv().startswith("44/chat,")  # refused without a token, answered all the same
    finally:
        ws.close()


def chunked_post(live_server, path: str, parts: list[bytes]) -> requests.Response:
    """A POST whose body goes out with Transfer-Encoding: chunked (requests does
    that for a generator), as streaming clients and some proxies send it."""
    token = register(live_server.base_url)["access_token"]
    return requests.post(
        f"{live_server.base_url}{path}",
        data=iter(parts),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_a_chunked_body_is_read_whole(live_server):
    name = f"chunked-{uuid.uuid4().hex[:8]}"
    response = chunked_post(live_server, "/api/rooms", [b'{"name": ', f'"{name}"'.encode(), b"}"])
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


def test_a_chunked_body_over_64_kib_is_too_large(live_server):
    response = chunked_post(live_server, "/api/rooms", [b'{"name": "', b"x" * 70_000, b'"}'])
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
