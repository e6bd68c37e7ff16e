import pytest

LIMITED = {"RATELIMIT_ENABLED": True}


def login(client, name="ada", ip="10.0.0.1"):
    return client.post(
        "/api/auth/login",
        json={"login": name, "password": "Wrong0pass"},
        environ_base={"REMOTE_ADDR": ip},
    )


@pytest.mark.config(**LIMITED, RATELIMIT_AUTH_PER_LOGIN="100/minute")
def test_login_is_limited_per_ip(client):
    statuses = [login(client, name=f"user{i}").status_code for i in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


@pytest.mark.config(**LIMITED)
def test_login_is_limited_per_login_name_across_ips(client):
    statuses = [login(client, ip=f"10.0.0.{i}").status_code for i in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429


@pytest.mark.config(**LIMITED)
def test_login_name_limit_ignores_case(client):
    for i in range(5):
        login(client, name="ada", ip=f"10.0.0.{i}")
    assert login(client, name="ADA", ip="10.0.1.1").status_code == 429


@pytest.mark.config(**LIMITED)
def test_register_is_limited_per_ip(client):
    statuses = [
        client.post(
            "/api/auth/register",
            json={"username": f"u{i}"},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        ).status_code
        for i in range(11)
    ]
    assert statuses[10] == 429


@pytest.mark.config(**LIMITED)
def test_rate_limited_answer_has_the_contract_shape_and_retry_after(client):
    for i in range(5):
        login(client, ip=f"10.0.0.{i}")
    response = login(client, ip="10.0.0.99")
    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 61


@pytest.mark.config(**LIMITED, RATELIMIT_DEFAULT="3/minute")
def test_general_limit_applies_per_route(client, user_headers):
    statuses = [client.get("/api/users/me", headers=user_headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/users", headers=user_headers).status_code == 200


@pytest.mark.config(**LIMITED, RATELIMIT_DEFAULT="1/minute")
def test_health_and_metrics_are_not_limited(client):
    assert [client.get("/api/health").status_code for _ in range(3)] == [200] * 3
    assert [client.get("/metrics").status_code for _ in range(3)] == [200] * 3


@pytest.mark.config(RATELIMIT_ENABLED=False)
def test_limits_can_be_switched_off(client):
    assert all(login(client).status_code == 401 for _ in range(12))


@pytest.mark.config(**LIMITED)
def test_an_accounts_names_share_one_login_budget(client, user):
    names = ["ada", "ada@example.com", "ADA", "Ada@Example.com", "ada"]
    for i, name in enumerate(names):
        assert login(client, name=name, ip=f"10.0.0.{i}").status_code == 401
    assert login(client, name="ada@example.com", ip="10.0.1.1").status_code == 429


@pytest.mark.config(**LIMITED)
def test_an_unknown_name_has_a_budget_of_its_own(client, user):
    for i in range(5):
        login(client, name="nobody", ip=f"10.0.0.{i}")
    assert login(client, name="nobody", ip="10.0.1.1").status_code == 429
    assert login(client, name="ada", ip="10.0.1.2").status_code == 401
