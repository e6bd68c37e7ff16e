import pytest


@pytest.fixture
def room(ada):
    return ada.create_room("general")


def test_members_list(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    body = ada.get(f"/api/rooms/{room['id']}/members").get_json()
    assert [(m["user"]["username"], m["role"]) for m in body["members"]] == [
        ("ada", "owner"),
        ("bob", "member"),
    ]
    assert body["members"][0]["online"] is False
    assert body["members"][0]["joined_at"].endswith("Z")
    assert "email" not in body["members"][0]["user"]
    assert body["has_more"] is False


def test_members_list_shows_presence(app, ada, bob, room):
    from app.state import ProcessState

    ProcessState.of(app).presence.connect(ada.user.id, "sid-1")
    body = bob.get(f"/api/rooms/{room['id']}/members").get_json()
    assert body["members"][0]["online"] is True


def test_members_list_is_paged(ada, make_user, as_user, room):
    for i in range(3):
        as_user(make_user(username=f"m{i}")).post(f"/api/rooms/{room['id']}/join")
    first = ada.get(f"/api/rooms/{room['id']}/members?limit=2").get_json()
    second = ada.get(
        f"/api/rooms/{room['id']}/members?limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert len(first["members"]) == 2 and first["has_more"] is True
    assert len(second["members"]) == 2 and second["has_more"] is False


def test_private_members_are_hidden_from_outsiders(ada, bob):
    room = ada.create_room("secret", kind="private")
    assert bob.get(f"/api/rooms/{room['id']}/members").status_code == 404


def test_owner_adds_a_member(ada, bob, room, emitted):
    response = ada.post(f"/api/rooms/{room['id']}/members", {"user_id": bob.user.id})
    assert response.status_code == 201
    assert response.get_json()["user"]["id"] == bob.user.id
    assert response.get_json()["role"] == "member"
    added = [e for e in emitted if e.event == "room_added"]
    assert added[-1].to == f"user:{bob.user.id}"
    assert added[-1].payload["my_role"] == "member"


def test_owner_adds_a_member_to_a_private_room(ada, bob):
    room = ada.create_room("secret", kind="private")
    ada.post(f"/api/rooms/{room['id']}/members", {"user_id": bob.user.id})
    assert bob.get(f"/api/rooms/{room['id']}").status_code == 200


def test_adding_an_existing_member_is_a_conflict(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    response = ada.post(f"/api/rooms/{room['id']}/members", {"user_id": bob.user.id})
    assert response.status_code == 409
    assert "user_id" in response.get_json()["fields"]


def test_adding_an_unknown_user_is_not_found(ada, room):
    assert ada.post(f"/api/rooms/{room['id']}/members", {"user_id": 999}).status_code == 404


def test_user_id_must_be_an_integer(ada, room):
    response = ada.post(f"/api/rooms/{room['id']}/members", {"user_id": "7"})
    assert response.status_code == 422
    assert "user_id" in response.get_json()["fields"]


def test_plain_members_may_not_add(ada, bob, eve, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    response = bob.post(f"/api/rooms/{room['id']}/members", {"user_id": eve.user.id})
    assert response.status_code == 403


def test_owner_promotes_and_demotes(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    promoted = ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "admin"})
    assert promoted.get_json()["role"] == "admin"
    demoted = ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "member"})
    assert demoted.get_json()["role"] == "member"


def test_only_the_owner_changes_roles(ada, bob, eve, room):
    for member in (bob, eve):
        member.post(f"/api/rooms/{room['id']}/join")
    ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "admin"})
    response = bob.patch(f"/api/rooms/{room['id']}/members/{eve.user.id}", {"role": "admin"})
    assert response.status_code == 403


def test_role_owner_cannot_be_given(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    response = ada.patch(f"/api/rooms/{room['id']}/members/{bob.user.id}", {"role": "owner"})
    assert response.status_code == 422


def test_owner_kicks_a_member(ada, bob, room, emitted):
    bob.post(f"/api/rooms/{room['id']}/join")
    assert ada.delete(f"/api/rooms/{room['id']}/members/{bob.user.id}").status_code == 204
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["is_member"] is False
    removed = [e for e in emitted if e.event == "room_removed"]
    assert removed[-1].to == f"user:{bob.user.id}"
    assert removed[-1].payload == {"room_id": room["id"], "reason": "kicked"}


def test_room_admin_may_not_kick_another_admin(ada, bob, eve, room):
    for member in (bob, eve):
        member.post(f"/api/rooms/{room['id']}/join")
        ada.patch(f"/api/rooms/{room['id']}/members/{member.user.id}", {"role": "admin"})
    assert bob.delete(f"/api/rooms/{room['id']}/members/{eve.user.id}").status_code == 403


def test_global_moderator_may_kick(ada, bob, staff, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    assert staff.delete(f"/api/rooms/{room['id']}/members/{bob.user.id}").status_code == 204


def test_plain_member_may_not_kick(ada, bob, eve, room):
    for member in (bob, eve):
        member.post(f"/api/rooms/{room['id']}/join")
    assert bob.delete(f"/api/rooms/{room['id']}/members/{eve.user.id}").status_code == 403


def test_kicking_a_non_member_is_not_found(ada, bob, room):
    assert ada.delete(f"/api/rooms/{room['id']}/members/{bob.user.id}").status_code == 404


def test_removing_yourself_is_leaving(ada, bob, room):
    bob.post(f"/api/rooms/{room['id']}/join")
    assert bob.delete(f"/api/rooms/{room['id']}/members/{bob.user.id}").status_code == 204
    assert bob.get(f"/api/rooms/{room['id']}").get_json()["is_member"] is False
