import pytest


@pytest.fixture
def room(ada):
    return ada.create_room("general")


def test_join_public_room(bob, room):
    response = bob.post(f"/api/rooms/{room['id']}/join")
    assert response.status_code == 200
    assert response.get_json()["is_member"] is True
    assert response.get_json()["my_role"] == "member"
    assert response.get_json()["member_count"] == 2


def test_join_is_idempotent(bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    response = bob.post(f"/api/rooms/{room['id']}/join")
    assert response.status_code == 200
    assert response.get_json()["member_count"] == 2


def test_join_announces_a_new_member_once(bob, room, emitted):
    bob.post(f"/api/rooms/{room['id']}/join")
    bob.post(f"/api/rooms/{room['id']}/join")
    joined = [e for e in emitted if e.event == "user_joined"]
    assert len(joined) == 1
    assert joined[0].to == f"room:{room['id']}"
    assert joined[0].payload["user"]["id"] == bob.user.id


def test_private_room_cannot_be_joined_by_outsiders(ada, bob):
    room = ada.create_room("secret", kind="private")
    assert bob.post(f"/api/rooms/{room['id']}/join").status_code == 404


def test_staff_cannot_join_private_rooms_uninvited(ada, staff):
    room = ada.create_room("secret", kind="private")
    assert staff.post(f"/api/rooms/{room['id']}/join").status_code == 403


def test_leave_ends_membership(bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    assert bob.post(f"/api/rooms/{room['id']}/leave").status_code == 204
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["is_member"] is False


def test_leave_announces_user_left(bob, room, emitted):
    bob.post(f"/api/rooms/{room['id']}/join")
    bob.post(f"/api/rooms/{room['id']}/leave")
    left = [e for e in emitted if e.event == "user_left"]
    assert left[0].payload["user"]["id"] == bob.user.id
    removed = [e for e in emitted if e.event == "room_removed"]
    assert removed[0].payload == {"room_id": room["id"], "reason": "left"}


def test_leave_as_non_member_is_forbidden(bob, room):
    assert bob.post(f"/api/rooms/{room['id']}/leave").status_code == 403


def test_owner_leaving_passes_ownership_to_the_longest_standing_admin(
    ada, bob, eve, make_user, as_user, room
):
    carol = as_user(make_user(username="carol"))
    for member in (bob, eve, carol):
        member.post(f"/api/rooms/{room['id']}/join")
    ada.patch(f"/api/rooms/{room['id']}/members/{carol.user.id}", {"role": "admin"})
    ada.post(f"/api/rooms/{room['id']}/leave")
    assert carol.get(f"/api/rooms/{room['id']}").get_json()["my_role"] == "owner"
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["my_role"] == "member"


def test_owner_leaving_passes_ownership_to_the_longest_standing_member(ada, bob, eve, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    eve.post(f"/api/rooms/{room['id']}/join")
    ada.post(f"/api/rooms/{room['id']}/leave")
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["my_role"] == "owner"
    assert eve.get(f"/api/rooms/{room['id']}").get_json()["my_role"] == "member"


def test_last_member_leaving_a_private_room_removes_it(ada, staff):
    room = ada.create_room("secret", kind="private")
    ada.post(f"/api/rooms/{room['id']}/leave")
    assert staff.get(f"/api/rooms/{room['id']}").status_code == 404


def test_last_member_leaving_a_public_room_keeps_it(ada, bob, room):
    ada.post(f"/api/rooms/{room['id']}/leave")
    body = bob.get(f"/api/rooms/{room['id']}").get_json()
    assert body["member_count"] == 0


def test_deleted_owner_passes_ownership_on(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    ada.delete("/api/users/me", {"password": ada.user.password})
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["my_role"] == "owner"


def test_deleted_accounts_only_private_room_goes_with_it(ada, staff):
    room = ada.create_room("secret", kind="private")
    ada.delete("/api/users/me", {"password": ada.user.password})
    assert staff.get(f"/api/rooms/{room['id']}").status_code == 404
