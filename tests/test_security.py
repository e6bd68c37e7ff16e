"""Behind a router: forwarded headers, HTTPS, CORS, security headers."""

import pytest

from tests.support.fixtures import register

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def set_cookies(response):
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


@pytest.mark.config(PROXY_HOPS=1)
def test_forwarded_https_makes_cookies_secure(client):
    response = client.post(
        "/api/auth/register",
        json={"username": "grace", "email": "grace@example.com", "password": "Secr3tPass"},
        headers=FORWARDED_HTTPS,
    )
    assert "Secure" in set_cookies(response)["access_token_cookie"]


def test_forwarded_headers_are_ignored_without_a_proxy(client):
    response = client.post(
        "/api/auth/register",
        json={"username": "grace", "email": "grace@example.com", "password": "Secr3tPass"},
        headers=FORWARDED_HTTPS,
    )
    assert "Secure" not in set_cookies(response)["access_token_cookie"]


@pytest.mark.config(PROXY_HOPS=1, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2/minute")
def test_rate_limits_count_the_forwarded_client_address(client):
    def hit(ip):
        return client.get("/api/users/me", headers={"X-Forwarded-For": ip}).status_code

    assert [hit("203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert hit("203.0.113.2") == 401


@pytest.mark.config(COOKIE_SECURE_ALWAYS=True)
def test_production_cookies_are_https_only(client):
    assert "Secure" in set_cookies(register(client))["access_token_cookie"]


@pytest.mark.config(FORCE_HTTPS=True, PROXY_HOPS=1)
def test_force_https_redirects_plain_http(client):
    response = client.get("/api/health?x=1")
    assert response.status_code == 308
    assert response.headers["Location"] == "https://localhost/api/health?x=1"
    assert client.get("/api/health", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_security_headers(client):
    headers = client.get("/api/health").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_hsts_over_https(client):
    assert (
        "Strict-Transport-Security"
        in client.get("/api/health", base_url="https://localhost").headers
    )
    assert "Strict-Transport-Security" not in client.get("/api/health").headers


def test_no_cors_by_default(client):
    response = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.config(CORS_ORIGINS=["https://app.example"])
def test_cors_allows_configured_origins_with_credentials(client):
    response = client.options(
        "/api/auth/login",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.config(CORS_ORIGINS=["https://app.example"])
def test_cors_refuses_other_origins(client):
    response = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.config(CORS_ORIGINS=["https://app.example"])
def test_socketio_accepts_configured_origins_only(app):
    from app.extensions import socketio

    assert socketio.server.eio.cors_allowed_origins == ["https://app.example"]


def test_health_reports_a_draining_process(app, client):
    from app.state import ProcessState

    ProcessState.of(app).draining.set()
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["checks"]["process"] == "draining"
