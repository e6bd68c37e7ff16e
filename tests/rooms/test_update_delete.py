import pytest


@pytest.fixture
def room(ada):
    return ada.create_room("general")


def test_owner_renames_the_room(ada, room):
    response = ada.patch(f"/api/rooms/{room['id']}", {"name": "lobby", "description": "hi"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "lobby"
    assert response.get_json()["description"] == "hi"


def test_owner_switches_public_to_private(ada, room):
    assert (
        ada.patch(f"/api/rooms/{room['id']}", {"kind": "private"}).get_json()["kind"] == "private"
    )


def test_kind_cannot_become_direct(ada, room):
    response = ada.patch(f"/api/rooms/{room['id']}", {"kind": "direct"})
    assert response.status_code == 422
    assert "kind" in response.get_json()["fields"]


def test_room_admin_may_update(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "admin"})
    assert bob.patch(f"/api/rooms/{room['id']}", {"description": "x"}).status_code == 200


def test_plain_member_may_not_update(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    response = bob.patch(f"/api/rooms/{room['id']}", {"description": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_global_admin_may_update(root, room):
    assert root.patch(f"/api/rooms/{room['id']}", {"description": "x"}).status_code == 200


def test_rename_to_a_taken_name_is_a_conflict(ada, room):
    ada.create_room("random")
    response = ada.patch(f"/api/rooms/{room['id']}", {"name": "RANDOM"})
    assert response.status_code == 409
    assert "name" in response.get_json()["fields"]


def test_update_is_broadcast_to_each_member_in_their_view(ada, bob, room, emitted):
    bob.post(f"/api/rooms/{room['id']}/join")
    emitted.clear()
    ada.patch(f"/api/rooms/{room['id']}", {"description": "new"})
    updates = {e.to: e.payload for e in emitted if e.event == "room_updated"}
    assert updates[f"user:{ada.user.id}"]["my_role"] == "owner"
    assert updates[f"user:{bob.user.id}"]["my_role"] == "member"
    assert updates[f"user:{bob.user.id}"]["description"] == "new"


def test_owner_deletes_the_room_and_its_messages(app, ada, room):
    ada.send(room["id"], "bye")
    assert ada.delete(f"/api/rooms/{room['id']}").status_code == 204
    assert ada.get(f"/api/rooms/{room['id']}").status_code == 404
    from app.extensions import db
    from app.models import Message

    with app.app_context():
        assert db.session.query(Message).count() == 0


def test_room_admin_may_not_delete(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "admin"})
    assert bob.delete(f"/api/rooms/{room['id']}").status_code == 403


def test_global_admin_may_delete(root, room):
    assert root.delete(f"/api/rooms/{room['id']}").status_code == 204


def test_delete_tells_members_the_room_is_gone(ada, bob, room, emitted):
    bob.post(f"/api/rooms/{room['id']}/join")
    emitted.clear()
    ada.delete(f"/api/rooms/{room['id']}")
    removed = [e for e in emitted if e.event == "room_removed"]
    assert {e.to for e in removed} == {f"user:{ada.user.id}", f"user:{bob.user.id}"}
    assert all(e.payload == {"room_id": room["id"], "reason": "deleted"} for e in removed)
