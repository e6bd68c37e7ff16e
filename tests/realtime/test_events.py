import pytest

from app.realtime.namespace import ChatNamespace

CLIENT_EVENTS = [
    "join", "leave", "send_message", "edit_message", "delete_message", "typing", "mark_read",
    "history",
]  # fmt: skip


@pytest.fixture
def room(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    return room


@pytest.mark.parametrize("name", CLIENT_EVENTS)
def test_every_contract_event_has_a_handler(name):
    # Flask-SocketIO silently ignores events without an on_<name> method.
    assert callable(getattr(ChatNamespace, f"on_{name}", None))


def test_join_public_room(ada, eve, room, connect):
    watcher = connect(ada)
    socket = connect(eve)
    watcher.clear()
    ack = socket.call("join", {"room_id": room["id"]})
    assert ack["ok"] is True
    assert ack["room"]["is_member"] is True
    assert {u["id"] for u in ack["online"]} == {ada.user.id, eve.user.id}
    joined = watcher.events("user_joined")
    assert joined == [{"room_id": room["id"], "user": joined[0]["user"]}]
    assert joined[0]["user"]["id"] == eve.user.id


def test_join_subscribes_the_socket(ada, eve, room, connect):
    socket = connect(eve)
    socket.call("join", {"room_id": room["id"]})
    ada.send(room["id"], "welcome")
    assert [m["content"] for m in socket.events("message")] == ["welcome"]


def test_joining_again_announces_nothing(ada, bob, room, connect):
    watcher = connect(ada)
    socket = connect(bob)
    watcher.clear()
    assert socket.call("join", {"room_id": room["id"]})["ok"] is True
    assert watcher.events("user_joined") == []


def test_join_private_room_as_outsider_is_not_found(ada, eve, connect):
    private = ada.create_room("secret", kind="private")
    ack = connect(eve).call("join", {"room_id": private["id"]})
    assert ack == {"ok": False, "error": "not_found", "message": "No such room."}


def test_leave(ada, bob, room, connect):
    watcher = connect(ada)
    socket = connect(bob)
    watcher.clear()
    assert socket.call("leave", {"room_id": room["id"]}) == {"ok": True}
    left = watcher.events("user_left")
    assert left[0]["user"]["id"] == bob.user.id
    ada.send(room["id"], "after")
    assert socket.events("message") == []


def test_send_message_acks_the_stored_message(bob, room, connect):
    ack = connect(bob).call("send_message", {"room_id": room["id"], "content": "hi"})
    assert ack["ok"] is True
    assert ack["message"]["content"] == "hi"
    assert ack["message"]["sender"]["id"] == bob.user.id
    history = bob.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]
    assert history[0]["id"] == ack["message"]["id"]


def test_message_goes_to_others_and_my_other_sockets_not_the_sender(ada, bob, room, connect):
    receiver = connect(ada)
    sender, other_tab = connect(bob), connect(bob)
    ack = sender.call("send_message", {"room_id": room["id"], "content": "hi"})
    assert receiver.events("message") == [ack["message"]]
    assert other_tab.events("message") == [ack["message"]]
    assert sender.events("message") == []


def test_server_ignores_client_supplied_sender_and_ids(bob, room, connect):
    ack = connect(bob).call(
        "send_message",
        {"room_id": room["id"], "content": "hi", "id": 1, "sender": {"id": 999}, "created_at": "x"},
    )
    assert ack["message"]["sender"]["id"] == bob.user.id
    assert ack["message"]["created_at"] != "x"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"room_id": 1}, "content"),
        ({"content": "hi"}, "room_id"),
        ({"room_id": "1", "content": "hi"}, "room_id"),
        ({"room_id": 1, "content": "  "}, "content"),
        ({"room_id": 1, "content": 5}, "content"),
    ],
)
def test_bad_payloads_are_validation_errors_and_keep_the_connection(
    bob, room, connect, payload, field
):
    socket = connect(bob)
    ack = socket.call("send_message", payload)
    assert ack["ok"] is False
    assert ack["error"] == "validation_error"
    assert field in ack["fields"]
    assert socket.connected


@pytest.mark.parametrize("payload", [None, "text", [1, 2], 42])
def test_payload_that_is_not_an_object_is_a_validation_error(bob, connect, payload):
    socket = connect(bob)
    ack = socket.call("send_message", payload)
    assert ack["error"] == "validation_error"
    assert socket.connected


def test_send_to_a_room_i_am_not_in_is_forbidden(eve, room, connect):
    ack = connect(eve).call("send_message", {"room_id": room["id"], "content": "hi"})
    assert ack["error"] == "forbidden"


def test_send_with_a_repeated_client_id_returns_the_original(ada, bob, room, connect):
    receiver = connect(ada)
    sender = connect(bob)
    first = sender.call("send_message", {"room_id": room["id"], "content": "hi", "client_id": "c1"})
    again = sender.call("send_message", {"room_id": room["id"], "content": "hi", "client_id": "c1"})
    assert again["message"] == first["message"]
    assert len(receiver.events("message")) == 1


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_SEND_MESSAGE="2/10 seconds")
def test_send_message_is_rate_limited_per_user(bob, room, connect):
    first, second = connect(bob), connect(bob)
    acks = [
        socket.call("send_message", {"room_id": room["id"], "content": str(i)})
        for i, socket in enumerate((first, second, first))
    ]
    assert [a["ok"] for a in acks] == [True, True, False]
    assert acks[2]["error"] == "rate_limited"
    assert first.connected


def test_edit_message(ada, bob, room, connect):
    receiver = connect(ada)
    socket = connect(bob)
    sent = socket.call("send_message", {"room_id": room["id"], "content": "typo"})
    ack = socket.call("edit_message", {"message_id": sent["message"]["id"], "content": "fixed"})
    assert ack["ok"] is True
    assert ack["message"]["content"] == "fixed"
    assert receiver.events("message_edited") == [ack["message"]]


def test_edit_someone_elses_message_is_forbidden(ada, bob, room, connect):
    message = ada.send(room["id"])
    ack = connect(bob).call("edit_message", {"message_id": message["id"], "content": "mine now"})
    assert ack["error"] == "forbidden"


def test_delete_message(ada, bob, room, connect):
    receiver = connect(ada)
    socket = connect(bob)
    sent = socket.call("send_message", {"room_id": room["id"], "content": "oops"})
    assert socket.call("delete_message", {"message_id": sent["message"]["id"]}) == {"ok": True}
    assert receiver.events("message_deleted") == [
        {"id": sent["message"]["id"], "room_id": room["id"]}
    ]


def test_typing_reaches_others_only(ada, bob, room, connect):
    receiver = connect(ada)
    socket = connect(bob)
    receiver.clear()
    assert socket.call("typing", {"room_id": room["id"], "typing": True}) == {"ok": True}
    typing = receiver.events("typing")
    assert typing == [{"room_id": room["id"], "user": typing[0]["user"], "typing": True}]
    assert typing[0]["user"]["id"] == bob.user.id
    assert socket.events("typing") == []


def test_typing_is_throttled(ada, bob, room, connect):
    receiver = connect(ada)
    socket = connect(bob)
    for _ in range(5):
        socket.call("typing", {"room_id": room["id"], "typing": True})
    socket.call("typing", {"room_id": room["id"], "typing": False})
    assert [t["typing"] for t in receiver.events("typing")] == [True, False]


def test_typing_needs_a_boolean(bob, room, connect):
    ack = connect(bob).call("typing", {"room_id": room["id"], "typing": "yes"})
    assert "typing" in ack["fields"]


def test_typing_in_a_room_i_am_not_in_is_refused(eve, room, connect):
    assert connect(eve).call("typing", {"room_id": room["id"], "typing": True})["ok"] is False


def test_mark_read(ada, bob, room, connect):
    first = bob.send(room["id"], "one")
    bob.send(room["id"], "two")
    ack = connect(ada).call("mark_read", {"room_id": room["id"], "message_id": first["id"]})
    assert ack == {"ok": True, "unread_count": 1}


def test_history(ada, bob, room, connect):
    ids = [bob.send(room["id"], str(i))["id"] for i in range(3)]
    socket = connect(ada)
    ack = socket.call("history", {"room_id": room["id"], "limit": 2})
    assert [m["id"] for m in ack["messages"]] == ids[1:]
    assert ack["has_more"] is True
    older = socket.call("history", {"room_id": room["id"], "before": ack["next_cursor"]})
    assert [m["id"] for m in older["messages"]] == ids[:1]
    newer = socket.call("history", {"room_id": room["id"], "after": ids[0]})
    assert [m["id"] for m in newer["messages"]] == ids[1:]


def test_history_limit_is_checked(ada, room, connect):
    ack = connect(ada).call("history", {"room_id": room["id"], "limit": 0})
    assert "limit" in ack["fields"]


def test_events_are_counted_by_name(client, ada, room, connect):
    def count():
        for line in client.get("/metrics").get_data(as_text=True).splitlines():
            if line.startswith('parley_socketio_events_total{event="history"}'):
                return float(line.split()[1])
        return 0.0

    before = count()
    connect(ada).call("history", {"room_id": room["id"]})
    assert count() == before + 1
