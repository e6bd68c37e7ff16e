from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import RevokedToken, User
from tests.support.fixtures import register


def test_token_in_auth_connects_and_session_comes_first(ada, connect):
    room = ada.create_room("general")
    socket = connect(ada)
    assert socket.connected
    received = socket.received()
    assert received[0]["name"] == "session"
    session = received[0]["args"][0]
    assert session["user"]["id"] == ada.user.id
    assert session["user"]["email"] == ada.user.email
    assert [r["id"] for r in session["rooms"]] == [room["id"]]
    assert session["rooms"][0]["my_role"] == "owner"
    assert "catch_up" not in session


def test_bearer_header_connects(ada, connect, tokens_for):
    socket = connect(auth={}, headers={"Authorization": f"Bearer {tokens_for(ada.user)[0]}"})
    assert socket.connected


def test_access_cookie_connects(app, client, connect):
    register(client)
    socket = connect(auth={}, flask_test_client=client)
    assert socket.connected
    assert socket.events("session")[0]["user"]["username"] == "grace"


def test_login_and_password_connect(ada, connect):
    socket = connect(auth={"login": "ada", "password": ada.user.password})
    assert socket.connected


def _seen_long_ago(app, user_id):
    with app.app_context():
        db.session.get(User, user_id).last_seen_at = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.commit()


def _last_seen(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).last_seen_at


def test_connecting_with_a_token_records_last_seen(app, ada, connect):
    _seen_long_ago(app, ada.user.id)
    assert connect(ada).connected
    assert _last_seen(app, ada.user.id) > datetime(2025, 1, 1, tzinfo=UTC)


def test_connecting_with_login_and_password_records_last_seen(app, ada, connect):
    _seen_long_ago(app, ada.user.id)
    assert connect(auth={"login": "ada", "password": ada.user.password}).connected
    assert _last_seen(app, ada.user.id) > datetime(2025, 1, 1, tzinfo=UTC)


def test_wrong_password_is_refused(ada, connect):
    refusal = connect(auth={"login": "ada", "password": "Wrong0pass"}).refusal
    assert refusal == {"error": "unauthorized", "message": "The login or password is wrong."}


def test_no_credentials_are_refused(connect):
    assert connect(auth={}).refusal == {
        "error": "unauthorized",
        "message": "Authentication is required: pass auth.token.",
    }


def test_refresh_token_is_refused(ada, connect, tokens_for):
    assert connect(auth={"token": tokens_for(ada.user)[1]}).refusal == {
        "error": "unauthorized",
        "message": "An access token is required.",
    }


def test_revoked_token_is_refused(app, ada, connect, tokens_for):
    import jwt as pyjwt

    token = tokens_for(ada.user)[0]
    jti = pyjwt.decode(token, options={"verify_signature": False})["jti"]
    with app.app_context():
        db.session.add(RevokedToken(jti=jti, expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
        db.session.commit()
    assert connect(auth={"token": token}).refusal == {
        "error": "unauthorized",
        "message": "The token has been revoked.",
    }


def test_first_match_wins(ada, connect, tokens_for):
    # A bad auth.token is not rescued by a good header behind it.
    socket = connect(
        auth={"token": "junk"}, headers={"Authorization": f"Bearer {tokens_for(ada.user)[0]}"}
    )
    assert socket.refusal["error"] == "unauthorized"
    assert socket.refusal["message"].startswith("The token is invalid:")


def test_socket_is_subscribed_to_its_rooms(ada, bob, connect):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    socket = connect(ada)
    bob.send(room["id"], "hi")
    assert [m["content"] for m in socket.events("message")] == ["hi"]


def test_catch_up_sends_missed_messages_after_session(ada, bob, connect):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    seen = bob.send(room["id"], "seen")
    bob.send(room["id"], "missed 1")
    bob.send(room["id"], "missed 2")
    socket = connect(auth={"token": ada.headers["Authorization"][7:], "since": seen["id"]})
    received = socket.received()
    assert received[0]["name"] == "session"
    assert received[0]["args"][0]["catch_up"] == {"count": 2, "has_more": False}
    assert [r["args"]["content"] for r in received[1:] if r["name"] == "message"] == [
        "missed 1",
        "missed 2",
    ]


def test_catch_up_stops_at_500(ada, connect, make_room, make_messages):
    room = {"id": make_room(ada.user)}
    make_messages(room["id"], ada.user, 501)
    socket = connect(auth={"token": ada.headers["Authorization"][7:], "since": 0})
    session = socket.events("session")[0]
    assert session["catch_up"] == {"count": 500, "has_more": True}
    assert len(socket.events("message")) == 500


def test_catch_up_covers_only_my_rooms(ada, bob, connect):
    mine = ada.create_room("mine")
    theirs = bob.create_room("theirs")
    bob.send(theirs["id"], "not for ada")
    ada.send(mine["id"], "for ada")
    socket = connect(auth={"token": ada.headers["Authorization"][7:], "since": 0})
    assert [m["content"] for m in socket.events("message")] == ["for ada"]


def test_connect_updates_online_presence(ada, bob, connect):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    watcher = connect(bob)
    watcher.clear()
    connect(ada)
    presence = watcher.events("presence")
    assert presence == [{"user": presence[0]["user"], "status": "online"}]
    assert presence[0]["user"]["id"] == ada.user.id


def test_offline_only_when_the_last_socket_goes(ada, bob, connect):
    room = ada.create_room("general")
    bob.post(f"/api/rooms/{room['id']}/join")
    watcher = connect(bob)
    first, second = connect(ada), connect(ada)
    watcher.clear()
    first.disconnect()
    assert watcher.events("presence") == []
    second.disconnect()
    assert [p["status"] for p in watcher.events("presence")] == ["offline"]


def test_members_list_shows_socket_presence(ada, bob, connect):
    room = ada.create_room("general")
    connect(ada)
    members = bob.get(f"/api/rooms/{room['id']}/members").get_json()["members"]
    assert members[0]["online"] is True


def test_connection_count_metric(client, ada, connect):
    def gauge():
        for line in client.get("/metrics").get_data(as_text=True).splitlines():
            if line.startswith("parley_socketio_connections "):
                return float(line.split()[1])
        raise AssertionError("series missing")

    before = gauge()
    socket = connect(ada)
    assert gauge() == before + 1
    socket.disconnect()
    assert gauge() == before


@pytest.mark.config(
    SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 2}
)
def test_a_connect_needs_one_pooled_connection(ada, connect):
    # A connect that took a second connection while its session held one would
    # wait for itself here; under a burst of connects it empties the pool.
    assert connect(ada).connected
    assert connect(auth={"login": "ada", "password": ada.user.password}).connected
