import pytest


@pytest.fixture
def room(ada):
    return ada.create_room("general")


def test_send_returns_the_stored_message(ada, room):
    response = ada.post(f"/api/rooms/{room['id']}/messages", {"content": "hello"})
    assert response.status_code == 201
    message = response.get_json()
    assert message["room_id"] == room["id"]
    assert message["content"] == "hello"
    assert message["sender"] == {"id": ada.user.id, "username": "ada", "display_name": "Ada L."}
    assert message["edited_at"] is None
    assert message["deleted"] is False
    assert message["client_id"] is None
    assert message["created_at"].endswith("Z")


def test_content_is_kept_exactly_as_sent(ada, room):
    assert ada.send(room["id"], "  spaced out \n")["content"] == "  spaced out \n"


@pytest.mark.parametrize("content", ["", "   \n\t", "x" * 4001])
def test_invalid_content_is_refused(ada, room, content):
    response = ada.post(f"/api/rooms/{room['id']}/messages", {"content": content})
    assert response.status_code == 422
    assert "content" in response.get_json()["fields"]


def test_content_of_4000_characters_is_accepted(ada, room):
    assert ada.post(f"/api/rooms/{room['id']}/messages", {"content": "é" * 4000}).status_code == 201


def test_client_id_longer_than_64_is_refused(ada, room):
    response = ada.post(
        f"/api/rooms/{room['id']}/messages", {"content": "x", "client_id": "c" * 65}
    )
    assert response.status_code == 422
    assert "client_id" in response.get_json()["fields"]


def test_server_sets_sender_ids_and_time(ada, room):
    message = ada.send(
        room["id"], "hi", id=1, sender={"id": 99}, created_at="2000-01-01T00:00:00.000Z"
    )
    assert message["sender"]["id"] == ada.user.id
    assert not message["created_at"].startswith("2000")


def test_ids_grow_across_rooms(ada, room):
    other = ada.create_room("random")
    ids = [ada.send(r["id"])["id"] for r in (room, other, room, other)]
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_non_members_may_not_send(bob, room):
    response = bob.post(f"/api/rooms/{room['id']}/messages", {"content": "hi"})
    assert response.status_code == 403


def test_outsiders_may_not_send_to_private_rooms(ada, bob):
    room = ada.create_room("secret", kind="private")
    assert bob.post(f"/api/rooms/{room['id']}/messages", {"content": "hi"}).status_code == 404


def test_repeated_client_id_returns_the_original(app, ada, room):
    first = ada.post(f"/api/rooms/{room['id']}/messages", {"content": "hi", "client_id": "c-1"})
    again = ada.post(f"/api/rooms/{room['id']}/messages", {"content": "hi", "client_id": "c-1"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert len(ada.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]) == 1


def test_repeated_client_id_is_not_broadcast_again(ada, room, emitted):
    ada.send(room["id"], client_id="c-1")
    ada.send(room["id"], client_id="c-1")
    assert len([e for e in emitted if e.event == "message"]) == 1


def test_client_ids_are_per_sender(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    a = ada.send(room["id"], "a", client_id="same")
    b = bob.send(room["id"], "b", client_id="same")
    assert a["id"] != b["id"]


def test_client_id_reused_in_another_room_is_a_conflict(ada, room):
    other = ada.create_room("random")
    ada.send(room["id"], client_id="c-1")
    response = ada.post(f"/api/rooms/{other['id']}/messages", {"content": "x", "client_id": "c-1"})
    assert response.status_code == 409
    assert "client_id" in response.get_json()["fields"]


def test_database_enforces_one_client_id_per_sender(app, ada, room):
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db
    from app.models import Message

    ada.send(room["id"], client_id="c-1")
    with app.app_context():
        db.session.add(
            Message(room_id=room["id"], sender_id=ada.user.id, content="x", client_id="c-1")
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_send_is_broadcast_to_the_room(ada, room, emitted):
    message = ada.send(room["id"], "hi")
    broadcast = [e for e in emitted if e.event == "message"]
    assert broadcast[0].to == f"room:{room['id']}"
    assert broadcast[0].payload == message


def test_send_moves_the_senders_read_marker(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    bob.send(room["id"], "one")
    ada.send(room["id"], "mine")
    assert ada.get(f"/api/rooms/{room['id']}").get_json()["unread_count"] == 0


def test_send_updates_last_message(ada, room):
    ada.send(room["id"], "first")
    ada.send(room["id"], "second")
    assert ada.get(f"/api/rooms/{room['id']}").get_json()["last_message"]["content"] == "second"


def test_sending_counts_in_metrics(client, ada, room):
    def stored():
        for line in client.get("/metrics").get_data(as_text=True).splitlines():
            if line.startswith("parley_chat_messages_stored_total "):
                return float(line.split()[1])
        raise AssertionError("series missing")

    before = stored()
    ada.send(room["id"])
    assert stored() == before + 1


def test_deleted_senders_messages_stay_without_a_sender(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    bob.send(room["id"], "still here")
    bob.delete("/api/users/me", {"password": bob.user.password})
    messages = ada.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]
    assert messages[0]["content"] == "still here"
    assert messages[0]["sender"] is None
