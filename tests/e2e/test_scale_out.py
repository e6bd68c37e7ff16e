"""Several server processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import signal
import threading
import time

import requests

from tests.e2e.helpers import CLUSTER_ENV, new_account, open_socket


def connect(server, account, sockets, transport="websocket", **auth):
    live = open_socket(server.base_url, transport, {"token": account.access_token, **auth})
    sockets.append(live)
    live.wait_for("session")
    return live


def shared_room(server):
    ada, bob = new_account(server.base_url), new_account(server.base_url)
    room = ada.post("/api/rooms", {"name": f"room-{ada.username}"}).json()
    bob.post(f"/api/rooms/{room['id']}/join")
    return ada, bob, room


def test_users_on_two_processes_chat_in_a_room(cluster, sockets):
    a, b = cluster
    ada, bob, room = shared_room(a)
    on_a, on_b = connect(a, ada, sockets), connect(b, bob, sockets, transport="polling")
    sent = on_a.call("send_message", {"room_id": room["id"], "content": "from A"})
    assert on_b.wait_for("message") == sent["message"]
    reply = on_b.call("send_message", {"room_id": room["id"], "content": "from B"})
    assert on_a.wait_for("message") == reply["message"]


def test_rest_write_on_one_process_reaches_sockets_on_the_other(cluster, sockets):
    a, b = cluster
    ada, bob, room = shared_room(a)
    on_b = connect(b, bob, sockets)
    message = requests.post(
        f"{a.base_url}/api/rooms/{room['id']}/messages",
        json={"content": "rest on A"},
        headers=ada.headers,
        timeout=10,
    ).json()
    assert on_b.wait_for("message") == message


def test_direct_conversation_across_processes(cluster, sockets):
    a, b = cluster
    ada, bob = new_account(a.base_url), new_account(a.base_url)
    on_a, on_b = connect(a, ada, sockets), connect(b, bob, sockets)
    code = ada.post("/api/chat-codes").json()["code"]
    room = requests.post(
        f"{b.base_url}/api/conversations", json={"code": code}, headers=bob.headers, timeout=10
    ).json()
    assert on_a.wait_for("room_added")["id"] == room["id"]
    assert on_b.wait_for("room_added")["id"] == room["id"]
    sent = on_b.call("send_message", {"room_id": room["id"], "content": "psst"})
    assert on_a.wait_for("message") == sent["message"]


def test_presence_and_member_lists_agree_on_both(cluster, sockets):
    a, b = cluster
    ada, bob, room = shared_room(a)
    watcher = connect(b, bob, sockets)
    connect(a, ada, sockets)
    online = watcher.wait_for("presence", lambda p: p["user"]["id"] == ada.id)
    assert online["status"] == "online"
    for server in (a, b):
        members = requests.get(
            f"{server.base_url}/api/rooms/{room['id']}/members", headers=bob.headers, timeout=10
        ).json()["members"]
        assert {m["user"]["id"]: m["online"] for m in members} == {ada.id: True, bob.id: True}


def test_login_limit_holds_across_processes(cluster):
    a, b = cluster
    ada = new_account(a.base_url)

    def login(server):
        return requests.post(
            f"{server.base_url}/api/auth/login",
            json={"login": ada.username, "password": "Wrong0pass"},
            timeout=10,
        ).status_code

    assert [login(a), login(a), login(a)] == [401, 401, 401]
    assert login(b) == 429


def test_send_limit_holds_across_processes(cluster, sockets):
    a, b = cluster
    ada, _bob, room = shared_room(a)
    on_a, on_b = connect(a, ada, sockets), connect(b, ada, sockets)
    acks = [on_a.call("send_message", {"room_id": room["id"], "content": str(i)}) for i in range(5)]
    assert all(ack["ok"] for ack in acks)
    assert (
        on_b.call("send_message", {"room_id": room["id"], "content": "6"})["error"]
        == "rate_limited"
    )


def test_logout_on_one_process_disconnects_sockets_on_the_other(cluster, sockets):
    a, b = cluster
    ada = new_account(a.base_url)
    on_b = connect(b, ada, sockets)
    requests.post(f"{a.base_url}/api/auth/logout", headers=ada.headers, timeout=10)
    deadline = time.monotonic() + 10
    while on_b.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not on_b.client.connected


def test_health_reports_the_queue_on_every_process(cluster):
    for server in cluster:
        body = requests.get(f"{server.base_url}/api/health", timeout=5).json()
        assert body["checks"] == {"database": "ok", "message_queue": "ok"}


def test_killed_process_users_go_offline_and_reconnect_without_loss(
    cluster, shared, start_server, sockets
):
    a, _b = cluster
    doomed = start_server(shared["DATABASE_URL"], REDIS_URL=shared["REDIS_URL"], **CLUSTER_ENV)
    carol, dave, room = shared_room(a)
    watcher = connect(a, dave, sockets)
    on_doomed = connect(doomed, carol, sockets)
    watcher.wait_for("presence", lambda p: p["user"]["id"] == carol.id and p["status"] == "online")
    acked = [
        on_doomed.call("send_message", {"room_id": room["id"], "content": f"acked {i}"})["message"]
        for i in range(3)
    ]
    last_seen = acked[0]["id"]

    killed_at = time.monotonic()
    doomed.stop(signal.SIGKILL)
    offline = watcher.wait_for(
        "presence", lambda p: p["user"]["id"] == carol.id and p["status"] == "offline", timeout=60
    )
    assert offline["status"] == "offline"
    assert time.monotonic() - killed_at <= 60

    meanwhile = watcher.call("send_message", {"room_id": room["id"], "content": "while away"})
    back = connect(a, carol, sockets, since=last_seen)
    caught_up = [back.wait_for("message") for _ in range(3)]
    assert [m["id"] for m in caught_up] == [
        acked[1]["id"],
        acked[2]["id"],
        meanwhile["message"]["id"],
    ]


def test_concurrent_sends_on_two_processes_arrive_in_id_order(cluster, sockets):
    a, b = cluster
    ada, bob, room = shared_room(a)
    watcher_a, watcher_b = connect(a, ada, sockets), connect(b, bob, sockets)
    senders = [connect(a, ada, sockets), connect(b, bob, sockets)]

    acks = []

    def burst(live):
        for i in range(15):
            acks.append(live.call("send_message", {"room_id": room["id"], "content": str(i)}))

    threads = [threading.Thread(target=burst, args=(live,)) for live in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A third user's message after the bursts: a room's messages reach every
    # socket in id order, so each watcher has had every burst message before it.
    carol = new_account(b.base_url)
    carol.post(f"/api/rooms/{room['id']}/join")
    closing = connect(b, carol, sockets).call(
        "send_message", {"room_id": room["id"], "content": "after the bursts"}
    )
    # The send limit (5 per 10 s per user here) lets 10 of the 30 through.
    assert sum(ack["ok"] for ack in acks) == 10
    for watcher in (watcher_a, watcher_b):
        before = watcher.until("message", lambda m: m["id"] == closing["message"]["id"])
        ids = [m["id"] for name, m in before if name == "message"]
        assert len(ids) == 10
        assert ids == sorted(ids)
