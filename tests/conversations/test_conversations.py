from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import ChatCode


def code_of(user):
    return user.post("/api/chat-codes").get_json()["code"]


def start(user, code):
    return user.post("/api/conversations", {"code": code})


def test_a_code_starts_a_direct_room(ada, bob):
    response = start(bob, code_of(ada))
    assert response.status_code == 201
    room = response.get_json()
    assert room["kind"] == "direct"
    assert room["name"] is None
    assert room["member_count"] == 2
    assert room["my_role"] == "member"
    assert sorted(u["username"] for u in room["members"]) == ["ada", "bob"]
    assert all("email" not in u for u in room["members"])


def test_the_code_is_used_up(ada, bob, eve):
    code = code_of(ada)
    start(bob, code)
    assert start(eve, code).status_code == 404
    assert ada.get("/api/chat-codes").get_json()["codes"] == []


def test_both_users_see_the_room(ada, bob):
    room = start(bob, code_of(ada)).get_json()
    assert ada.get(f"/api/rooms/{room['id']}").get_json()["kind"] == "direct"
    assert room["id"] in [r["id"] for r in ada.get("/api/rooms").get_json()["rooms"]]


def test_direct_rooms_are_not_found_for_others_even_admins(ada, bob, root):
    room = start(bob, code_of(ada)).get_json()
    assert root.get(f"/api/rooms/{room['id']}").status_code == 404
    assert root.get(f"/api/rooms/{room['id']}/messages").status_code == 404


def test_existing_pair_gets_their_room_back_and_the_code_stays(ada, bob):
    first = start(bob, code_of(ada)).get_json()
    code = code_of(ada)
    again = start(bob, code)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert code in [c["code"] for c in ada.get("/api/chat-codes").get_json()["codes"]]


def test_the_pair_is_the_same_whoever_starts(ada, bob):
    first = start(bob, code_of(ada)).get_json()
    assert start(ada, code_of(bob)).get_json()["id"] == first["id"]


def test_own_code_is_a_validation_error(ada):
    response = start(ada, code_of(ada))
    assert response.status_code == 422
    assert "code" in response.get_json()["fields"]


def test_unknown_code_is_not_found(ada):
    assert start(ada, "00000").status_code == 404


def test_expired_code_is_not_found(app, ada, bob):
    with app.app_context():
        db.session.add(
            ChatCode(
                code="55555",
                user_id=ada.user.id,
                expires_at=datetime.now(UTC) - timedelta(seconds=1),
            )
        )
        db.session.commit()
    assert start(bob, "55555").status_code == 404


@pytest.mark.parametrize("code", ["1234", "123456", "abcde", 12345])
def test_malformed_code_is_a_validation_error(ada, code):
    response = ada.post("/api/conversations", {"code": code})
    assert response.status_code == 422
    assert "code" in response.get_json()["fields"]


def test_database_allows_one_direct_room_per_pair(app, ada, bob):
    from sqlalchemy.exc import IntegrityError

    from app.models import Room, direct_key

    start(bob, code_of(ada))
    with app.app_context():
        db.session.add(Room(kind="direct", direct_key=direct_key(bob.user.id, ada.user.id)))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_both_users_get_room_added(ada, bob, emitted):
    room = start(bob, code_of(ada)).get_json()
    added = {e.to: e.payload for e in emitted if e.event == "room_added"}
    assert added[f"user:{ada.user.id}"]["id"] == room["id"]
    assert added[f"user:{bob.user.id}"]["id"] == room["id"]


def test_direct_rooms_take_messages_and_history(ada, bob):
    room = start(bob, code_of(ada)).get_json()
    bob.send(room["id"], "hi ada")
    history = ada.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]
    assert [m["content"] for m in history] == ["hi ada"]
    assert ada.get(f"/api/rooms/{room['id']}").get_json()["unread_count"] == 1


def test_direct_rooms_refuse_new_members(ada, bob, eve):
    room = start(bob, code_of(ada)).get_json()
    response = ada.post(f"/api/rooms/{room['id']}/members", {"user_id": eve.user.id})
    assert response.status_code == 409


def test_direct_rooms_cannot_be_renamed(ada, bob):
    room = start(bob, code_of(ada)).get_json()
    assert ada.patch(f"/api/rooms/{room['id']}", {"name": "ours"}).status_code == 409


def test_a_member_who_left_comes_back_through_a_new_code(ada, bob):
    room = start(bob, code_of(ada)).get_json()
    bob.send(room["id"], "before")
    bob.post(f"/api/rooms/{room['id']}/leave")
    again = start(bob, code_of(ada))
    assert again.status_code == 201
    assert again.get_json()["id"] == room["id"]
    history = bob.get(f"/api/rooms/{room['id']}/messages").get_json()["messages"]
    assert [m["content"] for m in history] == ["before"]


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_CONVERSATIONS="3/minute")
def test_conversations_are_rate_limited_per_user(ada, bob, eve):
    statuses = [start(bob, "00000").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert start(eve, "00000").status_code == 404
