import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import ChatCode


def test_create_code(ada):
    response = ada.post("/api/chat-codes")
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(r"\d{5}", body["code"])
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(hours=23, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=24)


def test_codes_are_drawn_from_a_secure_source(ada, monkeypatch):
    import secrets

    drawn = []
    real = secrets.randbelow
    monkeypatch.setattr(secrets, "randbelow", lambda n: drawn.append(n) or real(n))
    ada.post("/api/chat-codes")
    assert drawn == [100_000]


def test_list_my_live_codes(ada, bob):
    mine = {ada.post("/api/chat-codes").get_json()["code"] for _ in range(2)}
    bob.post("/api/chat-codes")
    listed = {c["code"] for c in ada.get("/api/chat-codes").get_json()["codes"]}
    assert listed == mine


def test_at_most_five_live_codes(ada):
    statuses = [ada.post("/api/chat-codes").status_code for _ in range(6)]
    assert statuses == [201] * 5 + [409]
    assert ada.post("/api/chat-codes").get_json()["error"] == "conflict"


def test_expired_codes_do_not_count_and_are_not_listed(app, ada):
    with app.app_context():
        for i in range(5):
            db.session.add(
                ChatCode(code=f"9999{i}", user_id=ada.user.id,
                         expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )  # fmt: skip
        db.session.commit()
    assert ada.get("/api/chat-codes").get_json()["codes"] == []
    assert ada.post("/api/chat-codes").status_code == 201


def test_codes_are_unique_among_live_codes(ada, bob, monkeypatch):
    import secrets

    first = ada.post("/api/chat-codes").get_json()["code"]
    draws = iter([int(first), int(first), 12345])
    monkeypatch.setattr(secrets, "randbelow", lambda n: next(draws))
    assert bob.post("/api/chat-codes").get_json()["code"] == "12345"


def test_revoke_code(ada):
    code = ada.post("/api/chat-codes").get_json()["code"]
    assert ada.delete(f"/api/chat-codes/{code}").status_code == 204
    assert ada.get("/api/chat-codes").get_json()["codes"] == []


def test_revoking_someone_elses_code_is_not_found(ada, bob):
    code = ada.post("/api/chat-codes").get_json()["code"]
    assert bob.delete(f"/api/chat-codes/{code}").status_code == 404
    assert len(ada.get("/api/chat-codes").get_json()["codes"]) == 1
