import re

from app.extensions import db
from app.models import User

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_me_is_the_private_form(client, user, user_headers):
    body = client.get("/api/users/me", headers=user_headers).get_json()
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert set(body) == {
        "id", "username", "display_name", "bio", "role", "created_at",
        "email", "active", "updated_at", "last_seen_at",
    }  # fmt: skip


def test_timestamps_are_utc_with_milliseconds(client, user_headers):
    body = client.get("/api/users/me", headers=user_headers).get_json()
    assert TIMESTAMP.match(body["created_at"])
    assert TIMESTAMP.match(body["updated_at"])


def test_update_profile_fields(client, user_headers):
    response = client.patch(
        "/api/users/me", headers=user_headers, json={"display_name": "  Ada  ", "bio": "math"}
    )
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Ada"
    assert response.get_json()["bio"] == "math"


def test_update_rejects_an_over_long_display_name(client, user_headers):
    response = client.patch("/api/users/me", headers=user_headers, json={"display_name": "x" * 65})
    assert response.status_code == 422
    assert "display_name" in response.get_json()["fields"]


def test_username_change_needs_current_password(client, user_headers):
    response = client.patch("/api/users/me", headers=user_headers, json={"username": "countess"})
    assert response.status_code == 422
    assert "current_password" in response.get_json()["fields"]


def test_email_change_with_wrong_password_is_invalid_credentials(client, user_headers):
    response = client.patch(
        "/api/users/me",
        headers=user_headers,
        json={"email": "new@example.com", "current_password": "Wrong0pass"},
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_credentials"


def test_username_change_with_password_succeeds(client, user, user_headers):
    response = client.patch(
        "/api/users/me",
        headers=user_headers,
        json={"username": "countess", "current_password": user.password},
    )
    assert response.status_code == 200
    assert response.get_json()["username"] == "countess"


def test_email_change_is_lower_cased(client, user, user_headers):
    response = client.patch(
        "/api/users/me",
        headers=user_headers,
        json={"email": "NEW@Example.com", "current_password": user.password},
    )
    assert response.get_json()["email"] == "new@example.com"


def test_unchanged_username_needs_no_password(client, user_headers):
    response = client.patch("/api/users/me", headers=user_headers, json={"username": "ada"})
    assert response.status_code == 200


def test_taking_another_users_email_is_a_conflict(client, user, make_user, user_headers):
    make_user(username="eve", email="eve@example.com")
    response = client.patch(
        "/api/users/me",
        headers=user_headers,
        json={"email": "EVE@example.com", "current_password": user.password},
    )
    assert response.status_code == 409
    assert "email" in response.get_json()["fields"]


def test_failed_update_changes_nothing(client, user_headers):
    client.patch(
        "/api/users/me",
        headers=user_headers,
        json={"bio": "changed", "username": "countess", "current_password": "Wrong0pass"},
    )
    assert client.get("/api/users/me", headers=user_headers).get_json()["bio"] == ""


def test_delete_account(app, client, user, user_headers):
    response = client.delete(
        "/api/users/me", headers=user_headers, json={"password": user.password}
    )
    assert response.status_code == 204
    with app.app_context():
        assert db.session.get(User, user.id) is None
    assert client.get("/api/users/me", headers=user_headers).status_code == 401


def test_delete_account_with_wrong_password_keeps_it(app, client, user, user_headers):
    response = client.delete("/api/users/me", headers=user_headers, json={"password": "Wrong0pass"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(User, user.id) is not None


def test_delete_account_requires_the_password(client, user_headers):
    response = client.delete("/api/users/me", headers=user_headers, json={})
    assert response.status_code == 422
    assert "password" in response.get_json()["fields"]
