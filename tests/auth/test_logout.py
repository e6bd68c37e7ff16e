from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import RevokedToken
from tests.support.fixtures import cookie, register


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_logout_revokes_the_access_token(client, user, tokens_for):
    access, _ = tokens_for(user)
    assert client.post("/api/auth/logout", headers=bearer(access)).status_code == 204
    response = client.get("/api/users/me", headers=bearer(access))
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_logout_leaves_other_tokens_working(client, user, tokens_for):
    first, _ = tokens_for(user)
    second, _ = tokens_for(user)
    client.post("/api/auth/logout", headers=bearer(first))
    assert client.get("/api/users/me", headers=bearer(second)).status_code == 200


def test_logout_revokes_a_refresh_token_in_the_body(client, user, tokens_for):
    access, refresh = tokens_for(user)
    client.post("/api/auth/logout", headers=bearer(access), json={"refresh_token": refresh})
    assert client.post("/api/auth/refresh", headers=bearer(refresh)).status_code == 401


def test_logout_revokes_the_refresh_cookie(client):
    body = register(client).get_json()
    csrf = cookie(client, "csrf_access_token")
    assert client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    assert (
        client.post("/api/auth/refresh", headers=bearer(body["refresh_token"])).status_code == 401
    )


def test_logout_clears_the_cookies(client):
    register(client)
    client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": cookie(client, "csrf_access_token")})
    assert cookie(client, "access_token_cookie") is None
    assert cookie(client, "refresh_token_cookie") is None


def test_someone_elses_refresh_token_is_refused_and_nothing_is_revoked(
    client, user, make_user, tokens_for
):
    other = make_user(username="eve")
    access, _ = tokens_for(user)
    _, other_refresh = tokens_for(other)
    response = client.post(
        "/api/auth/logout", headers=bearer(access), json={"refresh_token": other_refresh}
    )
    assert response.status_code == 422
    assert "refresh_token" in response.get_json()["fields"]
    assert client.get("/api/users/me", headers=bearer(access)).status_code == 200


def test_logout_needs_a_token(client):
    assert client.post("/api/auth/logout").status_code == 401


def test_revocations_are_forgotten_once_the_token_has_expired(app, client, user, tokens_for):
    with app.app_context():
        db.session.add(RevokedToken(jti="old", expires_at=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
    access, _ = tokens_for(user)
    client.post("/api/auth/logout", headers=bearer(access))
    with app.app_context():
        assert db.session.get(RevokedToken, "old") is None
        assert db.session.query(RevokedToken).count() == 1
