import pytest


@pytest.fixture
def room(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    return room


@pytest.fixture
def message(bob, room):
    return bob.send(room["id"], "original")


def test_author_edits(bob, message, emitted):
    response = bob.patch(f"/api/messages/{message['id']}", {"content": "changed"})
    assert response.status_code == 200
    assert response.get_json()["content"] == "changed"
    assert response.get_json()["edited_at"].endswith("Z")
    edited = [e for e in emitted if e.event == "message_edited"]
    assert edited[0].payload == response.get_json()


def test_only_the_author_edits(ada, message):
    response = ada.patch(f"/api/messages/{message['id']}", {"content": "changed"})
    assert response.status_code == 403


def test_edit_validates_content(bob, message):
    response = bob.patch(f"/api/messages/{message['id']}", {"content": "  "})
    assert response.status_code == 422


def test_editing_a_deleted_message_is_a_conflict(bob, message):
    bob.delete(f"/api/messages/{message['id']}")
    assert bob.patch(f"/api/messages/{message['id']}", {"content": "x"}).status_code == 409


def test_unknown_message_is_not_found(bob):
    assert bob.patch("/api/messages/999", {"content": "x"}).status_code == 404


def test_messages_of_private_rooms_are_not_found_for_outsiders(ada, eve):
    room = ada.create_room("secret", kind="private")
    message = ada.send(room["id"])
    assert eve.delete(f"/api/messages/{message['id']}").status_code == 404


def test_author_deletes_leaving_a_tombstone(app, ada, bob, room, message, emitted):
    assert bob.delete(f"/api/messages/{message['id']}").status_code == 204
    history = ada.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]
    assert history[0]["id"] == message["id"]
    assert history[0]["deleted"] is True
    assert history[0]["content"] == ""
    deleted = [e for e in emitted if e.event == "message_deleted"]
    assert deleted[0].payload == {"id": message["id"], "room_id": room["id"]}


def test_deleted_text_is_erased_from_the_database(app, bob, message):
    from app.extensions import db
    from app.models import Message

    bob.delete(f"/api/messages/{message['id']}")
    with app.app_context():
        assert db.session.get(Message, message["id"]).content == ""


def test_room_owner_deletes_others_messages(ada, message):
    assert ada.delete(f"/api/messages/{message['id']}").status_code == 204


def test_global_moderator_deletes_others_messages(staff, message):
    assert staff.delete(f"/api/messages/{message['id']}").status_code == 204


def test_plain_member_may_not_delete_others_messages(eve, room, message):
    eve.post(f"/api/rooms/{room['id']}/join")
    assert eve.delete(f"/api/messages/{message['id']}").status_code == 403
