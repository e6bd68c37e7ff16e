import pytest


def test_admin_changes_a_role(client, user, admin_headers):
    response = client.patch(
        f"/api/users/{user.id}", headers=admin_headers, json={"role": "moderator"}
    )
    assert response.status_code == 200
    assert response.get_json()["role"] == "moderator"
    assert "email" in response.get_json()


def test_unknown_role_is_a_validation_error(client, user, admin_headers):
    response = client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"role": "king"})
    assert response.status_code == 422
    assert "role" in response.get_json()["fields"]


@pytest.mark.parametrize(
    ("method", "body"),
    [("patch", {"role": "admin"}), ("delete", None)],
)
def test_non_admins_may_not_administer_users(client, make_user, user_headers, method, body):
    other = make_user(username="bob")
    response = getattr(client, method)(f"/api/users/{other.id}", headers=user_headers, json=body)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_moderators_may_not_administer_users(client, make_user, headers_for):
    moderator = make_user(username="mod", role="moderator")
    other = make_user(username="bob")
    response = client.patch(
        f"/api/users/{other.id}", headers=headers_for(moderator), json={"role": "admin"}
    )
    assert response.status_code == 403


def test_deactivation_invalidates_the_users_tokens(client, user, user_headers, admin_headers):
    client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"active": False})
    assert client.get("/api/users/me", headers=user_headers).status_code == 401


def test_deactivated_user_cannot_log_in(client, user, admin_headers):
    client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"active": False})
    response = client.post("/api/auth/login", json={"login": "ada", "password": user.password})
    assert response.get_json()["error"] == "account_disabled"


def test_reactivation_does_not_revive_old_tokens(client, user, user_headers, admin_headers):
    client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"active": False})
    client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"active": True})
    assert client.get("/api/users/me", headers=user_headers).status_code == 401


def test_active_must_be_a_boolean(client, user, admin_headers):
    response = client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"active": "no"})
    assert response.status_code == 422
    assert "active" in response.get_json()["fields"]


def test_admin_edits_profile_fields(client, user, admin_headers):
    response = client.patch(
        f"/api/users/{user.id}", headers=admin_headers, json={"display_name": "A. Lovelace"}
    )
    assert response.get_json()["display_name"] == "A. Lovelace"


def test_last_admin_cannot_be_demoted(client, admin, admin_headers):
    response = client.patch(f"/api/users/{admin.id}", headers=admin_headers, json={"role": "user"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"


def test_an_admin_can_be_demoted_while_another_remains(client, make_user, admin, admin_headers):
    other = make_user(username="root2", role="admin")
    response = client.patch(f"/api/users/{other.id}", headers=admin_headers, json={"role": "user"})
    assert response.status_code == 200


def test_admin_deletes_a_user(client, user, user_headers, admin_headers):
    assert client.delete(f"/api/users/{user.id}", headers=admin_headers).status_code == 204
    assert client.get(f"/api/users/{user.id}", headers=admin_headers).status_code == 404
    assert client.get("/api/users/me", headers=user_headers).status_code == 401


def test_deleting_an_unknown_user_is_not_found(client, admin_headers):
    assert client.delete("/api/users/9999", headers=admin_headers).status_code == 404


def test_statistics(client, make_user, admin_headers):
    make_user(username="mod", role="moderator")
    make_user(username="sleepy", active=False)
    body = client.get("/api/users/statistics", headers=admin_headers).get_json()
    assert body == {
        "total": 3,
        "active": 2,
        "inactive": 1,
        "online": 0,
        "by_role": {"user": 1, "moderator": 1, "admin": 1},
    }


def test_statistics_count_online_users(app, client, user, admin_headers):
    from app.state import ProcessState

    ProcessState.of(app).presence.connect(user.id, "sid-1")
    body = client.get("/api/users/statistics", headers=admin_headers).get_json()
    assert body["online"] == 1


def test_statistics_are_for_admins_only(client, user_headers):
    assert client.get("/api/users/statistics", headers=user_headers).status_code == 403


def test_admin_changes_a_username_and_email(client, user, admin_headers):
    response = client.patch(
        f"/api/users/{user.id}",
        headers=admin_headers,
        json={"username": "countess", "email": "Countess@Example.com"},
    )
    assert response.status_code == 200
    assert response.get_json()["username"] == "countess"
    assert response.get_json()["email"] == "countess@example.com"


def test_admin_cannot_give_a_taken_username(client, user, make_user, admin_headers):
    make_user(username="bob")
    response = client.patch(
        f"/api/users/{user.id}", headers=admin_headers, json={"username": "BOB"}
    )
    assert response.status_code == 409
    assert "username" in response.get_json()["fields"]
