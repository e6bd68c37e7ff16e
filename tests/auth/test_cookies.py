from tests.support.fixtures import cookie, register


def set_cookie_headers(response):
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_register_sets_httponly_lax_token_cookies(client):
    headers = set_cookie_headers(register(client))
    for name in ("access_token_cookie", "refresh_token_cookie"):
        assert "HttpOnly" in headers[name]
        assert "SameSite=Lax" in headers[name]
        assert "Secure" not in headers[name]


def test_csrf_cookies_are_readable_by_scripts(client):
    headers = set_cookie_headers(register(client))
    assert "HttpOnly" not in headers["csrf_access_token"]
    assert "HttpOnly" not in headers["csrf_refresh_token"]


def test_cookies_are_secure_over_https(client):
    response = client.post(
        "/api/auth/register",
        json={"username": "grace", "email": "grace@example.com", "password": "Secr3tPass"},
        base_url="https://localhost",
    )
    headers = set_cookie_headers(response)
    assert "Secure" in headers["access_token_cookie"]
    assert "Secure" in headers["refresh_token_cookie"]


def test_login_sets_cookies(client, user):
    client.post("/api/auth/login", json={"login": "ada", "password": user.password})
    assert cookie(client, "access_token_cookie")


def test_cookie_authenticates_reads(client):
    register(client)
    assert client.get("/api/users/me").get_json()["username"] == "grace"


def test_cookie_write_without_csrf_header_is_unauthorized(client):
    register(client)
    response = client.patch("/api/users/me", json={"bio": "hi"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_cookie_write_with_wrong_csrf_header_is_unauthorized(client):
    register(client)
    response = client.patch("/api/users/me", json={"bio": "hi"}, headers={"X-CSRF-TOKEN": "nope"})
    assert response.status_code == 401


def test_cookie_write_with_matching_csrf_header_succeeds(client):
    register(client)
    response = client.patch(
        "/api/users/me",
        json={"bio": "hi"},
        headers={"X-CSRF-TOKEN": cookie(client, "csrf_access_token")},
    )
    assert response.status_code == 200
    assert response.get_json()["bio"] == "hi"


def test_bearer_header_needs_no_csrf(client, user_headers):
    response = client.patch("/api/users/me", json={"bio": "hi"}, headers=user_headers)
    assert response.status_code == 200
