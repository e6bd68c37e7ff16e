"""Hostile payloads over Socket.IO: the same error codes as REST, and the socket stays."""

import pytest

HUGE = 99999999999999999999


@pytest.fixture
def room(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    return room


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("join", {"room_id": HUGE}),
        ("leave", {"room_id": 2**31}),
        ("send_message", {"room_id": HUGE, "content": "hi"}),
        ("typing", {"room_id": HUGE, "typing": True}),
        ("history", {"room_id": HUGE}),
        ("edit_message", {"message_id": HUGE, "content": "x"}),
        ("delete_message", {"message_id": 2**63}),
    ],
)
def test_an_id_no_row_can_have_is_not_found_as_over_rest(ada, connect, event, payload):
    socket = connect(ada)
    ack = socket.call(event, payload)
    assert (ack["ok"], ack["error"]) == (False, "not_found")
    assert socket.connected


def test_a_cursor_no_row_can_match_is_a_validation_error(ada, room, connect):
    socket = connect(ada)
    ack = socket.call("history", {"room_id": room["id"], "before": HUGE})
    assert ack["error"] == "validation_error"
    assert "before" in ack["fields"]


@pytest.mark.parametrize("content", ["\ud800", "a\x00b", "\udfffx"])
def test_unstorable_content_is_a_validation_error_and_stores_nothing(
    ada, bob, room, connect, content
):
    socket = connect(ada)
    ack = socket.call("send_message", {"room_id": room["id"], "content": content})
    assert ack["error"] == "validation_error"
    assert list(ack["fields"]) == ["content"]
    assert socket.connected
    assert bob.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"] == []


def test_a_login_no_database_can_store_is_refused_as_unauthorized(connect):
    refusal = connect(auth={"login": "\ud800", "password": "Passw0rd!"}).refusal
    assert refusal["error"] == "unauthorized"


def test_a_send_while_the_database_is_down_acks_unavailable(ada, room, connect, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from app.messages import store

    def database_down(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    socket = connect(ada)
    monkeypatch.setattr(store, "store_message", database_down)
    ack = socket.call("send_message", {"room_id": room["id"], "content": "hi"})
    assert (ack["ok"], ack["error"]) == (False, "unavailable")
    assert socket.connected


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_packet_that_is_not_json_is_answered_bad_request(ada, bob, room, connect, number):
    socket = connect(ada)
    # Python's encoder writes NaN and Infinity; JSON has neither.
    ack = socket.call("send_message", {"room_id": room["id"], "content": "x", "n": number})
    assert (ack["ok"], ack["error"]) == (False, "bad_request")
    assert socket.connected
    assert bob.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"] == []
