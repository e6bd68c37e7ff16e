"""The real server, driven by python-socketio over websocket and polling."""

from __future__ import annotations

import functools
import gc
import threading

import pytest
import socketio

from tests.e2e.helpers import NS, new_account, open_socket

TRANSPORTS = ["websocket", "polling"]


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def pair(live_server):
    """Two accounts sharing a fresh public room."""
    ada, bob = new_account(live_server.base_url), new_account(live_server.base_url)
    room = ada.post("/api/rooms", {"name": f"room-{ada.username}"}).json()
    bob.post(f"/api/rooms/{room['id']}/join")
    return ada, bob, room


def connect(live_server, transport, sockets, account, **auth):
    live = open_socket(live_server.base_url, transport, {"token": account.access_token, **auth})
    sockets.append(live)
    return live


def test_session_is_the_first_event(live_server, transport, sockets, pair):
    ada, _bob, room = pair
    live = connect(live_server, transport, sockets, ada)
    name, session = live.events.get(timeout=10)
    assert name == "session"
    assert session["user"]["id"] == ada.id
    assert [r["id"] for r in session["rooms"]] == [room["id"]]


def test_two_users_chat_in_a_room(live_server, transport, sockets, pair):
    ada, bob, room = pair
    ada_socket = connect(live_server, transport, sockets, ada)
    bob_socket = connect(live_server, transport, sockets, bob)
    ack = ada_socket.call("send_message", {"room_id": room["id"], "content": "hi bob"})
    assert ack["ok"] is True
    assert bob_socket.wait_for("message") == ack["message"]
    reply = bob_socket.call("send_message", {"room_id": room["id"], "content": "hi ada"})
    assert ada_socket.wait_for("message") == reply["message"]
    assert "message" not in [name for name, _ in ada_socket.settled()]


def test_direct_conversation_by_chat_code(live_server, transport, sockets):
    ada, bob = new_account(live_server.base_url), new_account(live_server.base_url)
    ada_socket = connect(live_server, transport, sockets, ada)
    bob_socket = connect(live_server, transport, sockets, bob)
    code = ada.post("/api/chat-codes").json()["code"]
    room = bob.post("/api/conversations", {"code": code}).json()
    assert ada_socket.wait_for("room_added")["id"] == room["id"]
    assert bob_socket.wait_for("room_added")["id"] == room["id"]
    ack = bob_socket.call("send_message", {"room_id": room["id"], "content": "psst"})
    assert ada_socket.wait_for("message") == ack["message"]


def test_reconnect_catches_up(live_server, transport, sockets, pair):
    ada, bob, room = pair
    bob_socket = connect(live_server, transport, sockets, bob)
    first = bob_socket.call("send_message", {"room_id": room["id"], "content": "seen"})["message"]
    bob_socket.close()
    missed = [
        ada.post(f"/api/rooms/{room['id']}/messages", {"content": f"m{i}"}).json() for i in range(3)
    ]
    again = connect(live_server, transport, sockets, bob, since=first["id"])
    session = again.wait_for("session")
    assert session["catch_up"] == {"count": 3, "has_more": False}
    assert [again.wait_for("message") for _ in missed] == missed
    page = again.call("history", {"room_id": room["id"], "after": first["id"]})
    assert page["messages"] == missed


def test_presence_goes_online_and_offline(live_server, transport, sockets, pair):
    ada, bob, _room = pair
    watcher = connect(live_server, transport, sockets, bob)
    watcher.wait_for("session")
    ada_socket = connect(live_server, transport, sockets, ada)
    online = watcher.wait_for("presence", lambda p: p["user"]["id"] == ada.id)
    assert online["status"] == "online"
    ada_socket.close()
    offline = watcher.wait_for("presence", lambda p: p["user"]["id"] == ada.id)
    assert offline["status"] == "offline"


def test_refused_connection_carries_the_error_object(live_server, transport):
    client = socketio.Client(reconnection=False)
    errors = []
    client.on("connect_error", lambda data: errors.append(data), namespace=NS)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            live_server.base_url, namespaces=[NS], auth={"token": "junk"},
            transports=[transport], wait_timeout=5,
        )  # fmt: skip
    # python-socketio hands over the whole CONNECT_ERROR payload: the human
    # text as `message`, the contract's error object as `data`.
    assert errors[0]["message"].startswith("The token is invalid")
    assert errors[0]["data"]["error"] == "unauthorized"
    assert errors[0]["data"]["message"] == errors[0]["message"]


# The server drops the connection; the python-socketio client then leaves its
# TCP socket for the garbage collector, which Python reports as a warning.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_packet_over_64_kib_is_refused(live_server, transport, sockets, pair):
    ada, _bob, room = pair
    live = connect(live_server, transport, sockets, ada)
    live.wait_for("session")
    with pytest.raises((socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError)):
        live.call("send_message", {"room_id": room["id"], "content": "x" * (65 * 1024)}, timeout=3)
    history = ada.get(f"/api/rooms/{room['id']}/messages").json()["messages"]
    assert history == []
    live.close()
    gc.collect()


def test_a_sockets_sends_are_stored_and_acked_in_the_order_sent(
    live_server, transport, sockets, pair
):
    ada, _bob, room = pair
    live = connect(live_server, transport, sockets, ada)
    acks: list[tuple[int, dict]] = []
    done = threading.Event()

    def on_ack(index: int, ack: dict) -> None:
        acks.append((index, ack))
        if len(acks) == 10:
            done.set()

    for index in range(10):  # without waiting for the acks in between
        live.client.emit(
            "send_message",
            {"room_id": room["id"], "content": f"message {index}"},
            namespace=NS,
            callback=functools.partial(on_ack, index),
        )
    assert done.wait(10)
    assert [index for index, _ack in acks] == list(range(10))
    ids = [ack["message"]["id"] for _index, ack in acks]
    assert ids == sorted(ids)
    assert [ack["message"]["content"] for _index, ack in acks] == [
        f"message {index}" for index in range(10)
    ]


def test_concurrent_senders_messages_arrive_in_id_order(live_server, transport, sockets, pair):
    ada, _bob, room = pair
    watcher = connect(live_server, transport, sockets, ada)
    senders = []
    for _ in range(4):
        account = new_account(live_server.base_url)
        account.post(f"/api/rooms/{room['id']}/join")
        senders.append(connect(live_server, "websocket", sockets, account))

    def burst(live) -> None:
        for i in range(15):  # within the per-user send limit
            live.client.emit(
                "send_message", {"room_id": room["id"], "content": str(i)}, namespace=NS
            )

    threads = [threading.Thread(target=burst, args=(live,)) for live in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = []
    while len(ids) < 60:
        message = watcher.wait_for("message", timeout=10)
        ids.append(message["id"])
    assert ids == sorted(ids)
    assert len(set(ids)) == 60


@pytest.mark.parametrize("value", ["NaN", "Infinity", "[" * 3000 + "]" * 3000])
def test_a_packet_that_is_not_json_stores_nothing_and_the_socket_stays(
    live_server, transport, sockets, pair, value
):
    ada, _bob, room = pair
    live = connect(live_server, transport, sockets, ada)
    # A Socket.IO EVENT packet with an ack id, written by hand: Python's
    # encoder would not write this.
    live.client.eio.send(
        f'2{NS},7["send_message",{{"room_id":{room["id"]},"content":"x","n":{value}}}]'
    )
    ack = live.call("send_message", {"room_id": room["id"], "content": "after"})
    assert ack["ok"] is True
    history = ada.get(f"/api/rooms/{room['id']}/messages").json()["messages"]
    assert [m["content"] for m in history] == ["after"]
