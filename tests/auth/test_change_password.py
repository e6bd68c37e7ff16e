def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def change(client, token, old="Passw0rd!", new="N3wPassword"):
    return client.post(
        "/api/auth/change-password",
        headers=bearer(token),
        json={"old_password": old, "new_password": new},
    )


def test_change_password_returns_working_tokens(client, user, tokens_for):
    access, _ = tokens_for(user)
    response = change(client, access)
    assert response.status_code == 200
    body = response.get_json()
    assert client.get("/api/users/me", headers=bearer(body["access_token"])).status_code == 200
    assert (
        client.post("/api/auth/refresh", headers=bearer(body["refresh_token"])).status_code == 200
    )


def test_earlier_tokens_stop_working_even_within_the_same_second(client, user, tokens_for):
    access, refresh = tokens_for(user)
    other_access, _ = tokens_for(user)
    change(client, access)
    assert client.get("/api/users/me", headers=bearer(access)).status_code == 401
    assert client.get("/api/users/me", headers=bearer(other_access)).status_code == 401
    assert client.post("/api/auth/refresh", headers=bearer(refresh)).status_code == 401


def test_new_password_logs_in_and_old_one_does_not(client, user, tokens_for):
    change(client, tokens_for(user)[0])
    old = client.post("/api/auth/login", json={"login": "ada", "password": "Passw0rd!"})
    new = client.post("/api/auth/login", json={"login": "ada", "password": "N3wPassword"})
    assert old.status_code == 401
    assert new.status_code == 200


def test_wrong_old_password_is_invalid_credentials_and_changes_nothing(client, user, tokens_for):
    access, _ = tokens_for(user)
    response = change(client, access, old="Wrong0pass")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_credentials"
    assert client.get("/api/users/me", headers=bearer(access)).status_code == 200


def test_weak_new_password_is_a_validation_error(client, user, tokens_for):
    response = change(client, tokens_for(user)[0], new="weak")
    assert response.status_code == 422
    assert "new_password" in response.get_json()["fields"]
