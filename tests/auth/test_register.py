import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User
from tests.support.fixtures import register


def test_register_returns_private_user_and_tokens(client):
    response = register(client, display_name="Grace H.")
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "grace"
    assert body["user"]["display_name"] == "Grace H."
    assert body["user"]["role"] == "user"
    assert body["user"]["active"] is True
    assert set(body["user"]) == {
        "id", "username", "display_name", "bio", "role", "created_at",
        "email", "active", "updated_at", "last_seen_at",
    }  # fmt: skip
    assert body["access_token"] and body["refresh_token"]


def test_register_trims_strings_but_not_the_password(client):
    response = register(client, username="  grace ", bio="  compilers  ", password=" Secr3tPass ")
    assert response.status_code == 201
    assert response.get_json()["user"]["username"] == "grace"
    assert response.get_json()["user"]["bio"] == "compilers"
    ok = client.post("/api/auth/login", json={"login": "grace", "password": " Secr3tPass "})
    trimmed = client.post("/api/auth/login", json={"login": "grace", "password": "Secr3tPass"})
    assert ok.status_code == 200
    assert trimmed.status_code == 401


def test_register_lower_cases_the_email(client):
    response = register(client, email="Grace@Example.COM")
    assert response.get_json()["user"]["email"] == "grace@example.com"


def test_display_name_defaults_to_username(client):
    assert register(client).get_json()["user"]["display_name"] == "grace"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sh0rt", "must be at least 8 characters"),
        ("alllowercase1", "must contain an upper-case letter"),
        ("ALLUPPERCASE1", "must contain a lower-case letter"),
        ("NoDigitsHere", "must contain a digit"),
        ("Aa1" + "é" * 35, "must be at most 72 bytes in UTF-8"),
    ],
)
def test_register_rejects_weak_passwords(client, password, problem):
    response = register(client, password=password)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert problem in body["fields"]["password"]


def test_password_of_exactly_72_bytes_is_accepted(client):
    assert register(client, password="Aa1" + "x" * 69).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "x" * 33),
        ("username", "has space"),
        ("username", "émile"),
        ("email", "not-an-email"),
        ("display_name", "x" * 65),
        ("bio", "x" * 501),
        ("username", 42),
    ],
)
def test_register_rejects_invalid_fields(client, field, value):
    response = register(client, **{field: value})
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_register_names_every_missing_field(client):
    response = client.post("/api/auth/register", json={})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"username", "email", "password"}


def test_taken_username_is_a_conflict_ignoring_case(client):
    register(client)
    response = register(client, username="GRACE", email="other@example.com")
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict"
    assert "username" in body["fields"]


def test_taken_email_is_a_conflict_ignoring_case(client):
    register(client)
    response = register(client, username="other", email="GRACE@example.com")
    assert response.status_code == 409
    assert "email" in response.get_json()["fields"]


def test_conflict_creates_nothing(app, client):
    register(client)
    register(client, username="Grace")
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_database_enforces_case_insensitive_username(app, make_user):
    make_user(username="linus")
    with app.app_context():
        db.session.add(
            User(username="LINUS", email="x@example.com", password_hash="x", display_name="x")
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_database_enforces_case_insensitive_email(app, make_user):
    make_user(username="linus", email="linus@example.com")
    with app.app_context():
        db.session.add(
            User(username="other", email="LINUS@example.com", password_hash="x", display_name="x")
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_lost_race_on_the_unique_index_is_still_a_named_conflict(client, monkeypatch):
    register(client)
    # Skip the friendly pre-check so that only the database can refuse.
    monkeypatch.setattr("app.auth.services.find_clash", lambda *a, **k: None)
    response = register(client, username="GRACE", email="new@example.com")
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
