import pytest


@pytest.fixture
def room(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    return room


def unread(user, room):
    return user.get(f"/api/rooms/{room['id']}").get_json()["unread_count"]


def test_unread_counts_other_users_messages(ada, bob, room):
    bob.send(room["id"], "one")
    bob.send(room["id"], "two")
    ada.send(room["id"], "mine")
    assert unread(ada, room) == 0  # sending moved ada's marker past bob's messages
    bob.send(room["id"], "three")
    assert unread(ada, room) == 1


def test_mark_read_moves_the_marker(ada, bob, room):
    first = bob.send(room["id"], "one")
    bob.send(room["id"], "two")
    assert ada.post(f"/api/rooms/{room['id']}/read", {"message_id": first["id"]}).status_code == 204
    assert unread(ada, room) == 1


def test_mark_read_never_moves_back(ada, bob, room):
    first = bob.send(room["id"], "one")
    second = bob.send(room["id"], "two")
    ada.post(f"/api/rooms/{room['id']}/read", {"message_id": second["id"]})
    ada.post(f"/api/rooms/{room['id']}/read", {"message_id": first["id"]})
    assert unread(ada, room) == 0


def test_deleted_messages_are_not_unread(ada, bob, room):
    message = bob.send(room["id"], "oops")
    bob.delete(f"/api/messages/{message['id']}")
    assert unread(ada, room) == 0


def test_unread_is_zero_for_non_members(ada, eve, room):
    ada.send(room["id"], "hello")
    assert unread(eve, room) == 0


def test_mark_read_needs_a_message_of_the_room(ada, room):
    other = ada.create_room("random")
    foreign = ada.send(other["id"])
    response = ada.post(f"/api/rooms/{room['id']}/read", {"message_id": foreign["id"]})
    assert response.status_code == 422
    assert "message_id" in response.get_json()["fields"]


def test_mark_read_validates_the_id(ada, room):
    response = ada.post(f"/api/rooms/{room['id']}/read", {"message_id": "1"})
    assert response.status_code == 422


def test_mark_read_requires_membership(ada, eve, room):
    message = ada.send(room["id"])
    response = eve.post(f"/api/rooms/{room['id']}/read", {"message_id": message["id"]})
    assert response.status_code == 403
