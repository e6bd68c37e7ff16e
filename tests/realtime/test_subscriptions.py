"""REST writes reach sockets, and keep each socket's subscriptions right."""

import time

import pytest


@pytest.fixture
def room(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    return room


def test_rest_send_reaches_every_socket_in_the_room(ada, bob, room, connect):
    ada_socket, bob_socket = connect(ada), connect(bob)
    message = bob.send(room["id"], "from rest")
    assert ada_socket.events("message") == [message]
    assert bob_socket.events("message") == [message]


def test_messages_arrive_in_id_order(ada, bob, room, connect):
    socket = connect(ada)
    sent = [bob.send(room["id"], str(i))["id"] for i in range(5)]
    assert [m["id"] for m in socket.events("message")] == sent


def test_chat_code_conversation_reaches_both_users(ada, bob, connect):
    ada_socket, bob_socket = connect(ada), connect(bob)
    code = ada.post("/api/chat-codes").get_json()["code"]
    room = bob.post("/api/conversations", {"code": code}).get_json()
    assert [r["id"] for r in ada_socket.events("room_added")] == [room["id"]]
    assert [r["id"] for r in bob_socket.events("room_added")] == [room["id"]]
    assert ada_socket.events("room_added")[0]["kind"] == "direct"
    sent = bob_socket.call("send_message", {"room_id": room["id"], "content": "psst"})
    assert ada_socket.events("message") == [sent["message"]]


def test_added_member_is_subscribed(ada, eve, room, connect):
    socket = connect(eve)
    ada.post(f"/api/rooms/{room['id']}/members", {"user_id": eve.user.id})
    assert socket.events("room_added")[0]["id"] == room["id"]
    ada.send(room["id"], "welcome")
    assert [m["content"] for m in socket.events("message")] == ["welcome"]


def test_kicked_member_is_unsubscribed(ada, bob, room, connect):
    socket = connect(bob)
    ada.delete(f"/api/rooms/{room['id']}/members/{bob.user.id}")
    assert socket.events("room_removed") == [{"room_id": room["id"], "reason": "kicked"}]
    ada.send(room["id"], "without bob")
    assert socket.events("message") == []


def test_deleted_room_is_removed_from_sockets(ada, bob, room, connect):
    socket = connect(bob)
    ada.delete(f"/api/rooms/{room['id']}")
    assert socket.events("room_removed") == [{"room_id": room["id"], "reason": "deleted"}]


def test_room_update_reaches_members(ada, bob, room, connect):
    socket = connect(bob)
    ada.patch(f"/api/rooms/{room['id']}", {"description": "new topic"})
    updated = socket.events("room_updated")
    assert updated[0]["description"] == "new topic"
    assert updated[0]["my_role"] == "member"


def wait_disconnected(socket, timeout=2.0):
    deadline = time.monotonic() + timeout
    while socket.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    return not socket.connected


def test_logout_disconnects_only_that_tokens_sockets(ada, connect, tokens_for):
    token, _ = tokens_for(ada.user)
    other = connect(ada)
    doomed = connect(auth={"token": token})
    ada.client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert wait_disconnected(doomed)
    assert other.connected


def test_password_change_disconnects_all_the_users_sockets(ada, connect):
    first, second = connect(ada), connect(ada)
    ada.post(
        "/api/auth/change-password",
        {"old_password": ada.user.password, "new_password": "N3wPassword"},
    )
    assert wait_disconnected(first) and wait_disconnected(second)


def test_deactivation_disconnects(ada, root, connect):
    socket = connect(ada)
    root.patch(f"/api/users/{ada.user.id}", {"active": False})
    assert wait_disconnected(socket)


def test_account_deletion_disconnects(ada, connect):
    socket = connect(ada)
    ada.delete("/api/users/me", {"password": ada.user.password})
    assert wait_disconnected(socket)


def test_event_from_a_revoked_token_is_refused_and_disconnects(app, ada, room, connect):
    from app.extensions import db
    from app.models import User

    socket = connect(ada)
    with app.app_context():  # revoke behind the sockets' back
        db.session.get(User, ada.user.id).token_version += 1
        db.session.commit()
    ack = socket.call("send_message", {"room_id": room["id"], "content": "hi"})
    assert ack["ok"] is False
    assert ack["error"] == "unauthorized"
    assert wait_disconnected(socket)


@pytest.mark.parametrize("revoke", ["token_version", "active", "logout"])
def test_a_send_from_revoked_credentials_stores_nothing(
    app, ada, room, connect, tokens_for, revoke
):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Message, RevokedToken, User
    from app.models.types import utcnow

    token, _ = tokens_for(ada.user)
    socket = connect(auth={"token": token})
    with app.app_context():  # behind the sockets' back: only the database knows
        if revoke == "logout":
            from flask_jwt_extended import decode_token

            db.session.add(RevokedToken(jti=decode_token(token)["jti"], expires_at=utcnow()))
        else:
            user = db.session.get(User, ada.user.id)
            setattr(user, revoke, user.token_version + 1 if revoke == "token_version" else False)
        db.session.commit()
    ack = socket.call("send_message", {"room_id": room["id"], "content": "hi"})
    assert ack["error"] == "unauthorized"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
