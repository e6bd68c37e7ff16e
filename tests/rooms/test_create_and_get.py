import pytest


def test_create_room_makes_the_creator_owner(ada):
    room = ada.create_room("general", description="  chat  ")
    assert room["kind"] == "public"
    assert room["name"] == "general"
    assert room["description"] == "chat"
    assert room["created_by"] == ada.user.id
    assert room["my_role"] == "owner"
    assert room["is_member"] is True
    assert room["member_count"] == 1
    assert room["unread_count"] == 0
    assert room["last_message"] is None
    assert "members" not in room


def test_create_private_room(ada):
    assert ada.create_room("secret", kind="private")["kind"] == "private"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": "ok", "kind": "direct"}, "kind"),
        ({"name": "ok", "description": "x" * 501}, "description"),
        ({}, "name"),
    ],
)
def test_create_room_validates(ada, body, field):
    response = ada.post("/api/rooms", body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_room_names_are_unique_ignoring_case(ada, bob):
    ada.create_room("General")
    response = bob.post("/api/rooms", {"name": "general"})
    assert response.status_code == 409
    assert "name" in response.get_json()["fields"]


def test_get_public_room_as_non_member(ada, bob):
    room = ada.create_room("general")
    body = bob.get(f"/api/rooms/{room['id']}").get_json()
    assert body["is_member"] is False
    assert body["my_role"] is None
    assert body["unread_count"] == 0


def test_private_room_is_not_found_for_outsiders(ada, bob):
    room = ada.create_room("secret", kind="private")
    response = bob.get(f"/api/rooms/{room['id']}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_private_room_is_visible_to_global_staff(ada, staff):
    room = ada.create_room("secret", kind="private")
    assert staff.get(f"/api/rooms/{room['id']}").status_code == 200


def test_unknown_room_is_not_found(ada):
    assert ada.get("/api/rooms/999").status_code == 404


def test_room_timestamps_have_milliseconds(ada):
    created_at = ada.create_room()["created_at"]
    assert created_at.endswith("Z") and len(created_at) == 24


def test_rooms_need_authentication(client):
    assert client.get("/api/rooms").status_code == 401


@pytest.mark.parametrize(
    ("first", "second"),
    [("Ärger", "Ärger"), ("Ärger", "ärger"), ("ärger", "ÄRGER"), ("Straße", "STRASSE"),
     ("Ωmega", "ωMEGA"), ("ﬁle", "FILE")],
    ids=["same", "lower", "upper", "sharp-s", "greek", "ligature"],
)  # fmt: skip
def test_room_names_are_unique_ignoring_case_in_any_script(ada, bob, first, second):
    assert ada.post("/api/rooms", {"name": first}).status_code == 201
    response = bob.post("/api/rooms", {"name": second})
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"name": ["A room with that name exists."]}


def test_a_lost_race_for_a_room_name_is_the_named_conflict(ada, bob, monkeypatch):
    from app.rooms import services

    ada.post("/api/rooms", {"name": "Ärger"})
    # As if the other request had committed between the check and the insert.
    monkeypatch.setattr(services, "_name_taken", lambda name, exclude_id=None: False)
    response = bob.post("/api/rooms", {"name": "ärger"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert [r["name"] for r in bob.get("/api/rooms").get_json()["rooms"]] == ["Ärger"]
