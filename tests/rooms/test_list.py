def names(response):
    return [room["name"] for room in response.get_json()["rooms"]]


def test_list_shows_public_rooms_and_my_private_rooms(ada, bob):
    ada.create_room("general")
    ada.create_room("ada-only", kind="private")
    bob.create_room("bob-only", kind="private")
    assert names(ada.get("/api/rooms")) == ["general", "ada-only"]
    assert names(bob.get("/api/rooms")) == ["general", "bob-only"]


def test_list_filters_by_joined(ada, bob):
    ada.create_room("general")
    bob.create_room("random")
    assert names(ada.get("/api/rooms?joined=true")) == ["general"]
    assert names(ada.get("/api/rooms?joined=false")) == ["random"]


def test_list_filters_by_kind(ada):
    ada.create_room("general")
    ada.create_room("secret", kind="private")
    assert names(ada.get("/api/rooms?kind=private")) == ["secret"]


def test_list_filters_by_name_prefix_ignoring_case(ada):
    ada.create_room("General")
    ada.create_room("genome")
    ada.create_room("the general")
    assert names(ada.get("/api/rooms?q=GEN")) == ["General", "genome"]


def test_list_is_paged_by_cursor(ada):
    for i in range(5):
        ada.create_room(f"room{i}")
    first = ada.get("/api/rooms?limit=2").get_json()
    second = ada.get(f"/api/rooms?limit=2&cursor={first['next_cursor']}").get_json()
    third = ada.get(f"/api/rooms?limit=2&cursor={second['next_cursor']}").get_json()
    assert [r["name"] for p in (first, second, third) for r in p["rooms"]] == [
        f"room{i}" for i in range(5)
    ]
    assert (first["has_more"], second["has_more"], third["has_more"]) == (True, True, False)
    assert third["next_cursor"] is None


def test_list_has_caller_view_fields(ada, bob):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    bob.send(room["id"], "one")
    bob.send(room["id"], "two")
    listed = ada.get("/api/rooms").get_json()["rooms"][0]
    assert listed["member_count"] == 2
    assert listed["unread_count"] == 2
    assert listed["my_role"] == "owner"
    assert listed["last_message"]["content"] == "two"


def test_listing_costs_a_fixed_number_of_queries(app, ada, bob):
    from sqlalchemy import event

    from app.extensions import db

    def count_queries(path):
        statements = []
        with app.app_context():
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert ada.get(path).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    first = ada.create_room("r0")
    ada.send(first["id"], "hi")
    one_room = count_queries("/api/rooms")
    for i in range(1, 8):
        room = ada.create_room(f"r{i}")
        bob.post(f"/api/rooms/{room['id']}/join")
        bob.send(room["id"], "hi")
    assert count_queries("/api/rooms") == one_room


def test_invalid_list_parameters_are_named(ada):
    response = ada.get("/api/rooms?kind=weird")
    assert response.status_code == 422
    assert "kind" in response.get_json()["fields"]
