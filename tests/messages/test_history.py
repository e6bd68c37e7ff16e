import pytest

from app.extensions import db


@pytest.fixture
def room(ada):
    return ada.create_room("general")


@pytest.fixture
def fill(ada, make_messages):
    """Store n messages of ada's straight into the database; returns their ids in order."""
    return lambda room_id, n: make_messages(room_id, ada.user, n)


def page(user, room, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = user.get(f"/api/rooms/{room['id']}/messages?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body):
    return [m["id"] for m in body["messages"]]


def test_empty_room(ada, room):
    assert page(ada, room) == {"messages": [], "has_more": False, "next_cursor": None}


def test_no_cursor_gives_the_newest_page_oldest_first(ada, room, fill):
    all_ids = fill(room["id"], 5)
    body = page(ada, room, limit=3)
    assert ids(body) == all_ids[2:]
    assert body["has_more"] is True
    assert body["next_cursor"] == all_ids[2]


def test_default_limit_is_50(ada, room, fill):
    fill(room["id"], 60)
    assert len(page(ada, room)["messages"]) == 50


def test_before_pages_back_to_the_start(ada, room, fill):
    all_ids = fill(room["id"], 7)
    seen = []
    body = page(ada, room, limit=3)
    seen = ids(body) + seen
    while body["has_more"]:
        body = page(ada, room, limit=3, before=body["next_cursor"])
        seen = ids(body) + seen
    assert seen == all_ids
    assert body["next_cursor"] is None


def test_after_pages_forward_to_the_end(ada, room, fill):
    all_ids = fill(room["id"], 7)
    seen = []
    body = page(ada, room, limit=3, after=0)
    seen += ids(body)
    while body["has_more"]:
        body = page(ada, room, limit=3, after=body["next_cursor"])
        seen += ids(body)
    assert seen == all_ids


def test_exact_page_boundary(ada, room, fill):
    all_ids = fill(room["id"], 4)
    first = page(ada, room, limit=2)
    second = page(ada, room, limit=2, before=first["next_cursor"])
    assert ids(second) == all_ids[:2]
    assert second["has_more"] is False
    assert second["next_cursor"] is None
    assert page(ada, room, limit=4)["has_more"] is False


def test_after_the_newest_message_is_empty(ada, room, fill):
    all_ids = fill(room["id"], 3)
    assert page(ada, room, after=all_ids[-1]) == {
        "messages": [],
        "has_more": False,
        "next_cursor": None,
    }


def test_cursor_of_a_deleted_message_still_works(ada, room, fill):
    all_ids = fill(room["id"], 5)
    ada.delete(f"/api/messages/{all_ids[2]}")
    assert ids(page(ada, room, before=all_ids[2])) == all_ids[:2]
    assert ids(page(ada, room, after=all_ids[2])) == all_ids[3:]


def test_history_only_holds_the_rooms_messages(ada, room, fill):
    other = ada.create_room("random")
    fill(other["id"], 3)
    mine = fill(room["id"], 2)
    assert ids(page(ada, room)) == mine


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"),
     ("before=x", "before"), ("before=0", "before"), ("after=-1", "after"),
     ("before=5&after=1", "after")],
)  # fmt: skip
def test_invalid_parameters_are_named(ada, room, query, field):
    response = ada.get(f"/api/rooms/{room['id']}/messages?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_public_history_is_readable_by_non_members(bob, room, fill):
    fill(room["id"], 2)
    assert len(page(bob, room)["messages"]) == 2


def test_private_history_is_not_found_for_outsiders(ada, bob):
    room = ada.create_room("secret", kind="private")
    assert bob.get(f"/api/rooms/{room['id']}/messages").status_code == 404


def test_history_uses_the_room_id_index(app, room):
    """The page query is a range scan on (room_id, id), whatever the table holds."""
    from sqlalchemy import text

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            plan = db.session.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT * FROM messages WHERE room_id = :r AND id < :b "
                    "ORDER BY id DESC LIMIT 51"
                ),
                {"r": room["id"], "b": 1000},
            ).all()
            detail = " ".join(str(row[-1]) for row in plan)
        else:
            db.session.execute(text("SET enable_seqscan = off"))
            plan = db.session.execute(
                text(
                    "EXPLAIN SELECT * FROM messages WHERE room_id = :r AND id < :b "
                    "ORDER BY id DESC LIMIT 51"
                ),
                {"r": room["id"], "b": 1000},
            ).all()
            detail = " ".join(row[0] for row in plan)
    assert "ix_messages_room_id_id" in detail
