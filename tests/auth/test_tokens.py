from datetime import timedelta

import jwt as pyjwt
from flask_jwt_extended import create_access_token

from app.extensions import db
from app.models import User
from tests.support.fixtures import cookie, register


def decode(app, token):
    return pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"])


def test_access_token_carries_the_contract_claims(app, client):
    body = register(client).get_json()
    claims = decode(app, body["access_token"])
    assert claims["sub"] == str(body["user"]["id"])
    assert claims["name"] == "grace"
    assert claims["role"] == "user"
    assert claims["type"] == "access"
    assert claims["jti"]
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_refresh_token_lives_thirty_days(app, client):
    claims = decode(app, register(client).get_json()["refresh_token"])
    assert claims["type"] == "refresh"
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600


def test_tokens_are_signed_with_hs256(client):
    token = register(client).get_json()["access_token"]
    assert pyjwt.get_unverified_header(token)["alg"] == "HS256"


def test_missing_token_is_unauthorized(client):
    response = client.get("/api/users/me")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_garbage_token_is_unauthorized(client):
    response = client.get("/api/users/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_token_signed_with_another_key_is_unauthorized(client, user):
    forged = pyjwt.encode(
        {"sub": str(user.id), "type": "access", "jti": "x", "ver": 0},
        "another-key-of-at-least-thirty-two-bytes",
        algorithm="HS256",
    )
    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_expired_token_is_unauthorized(app, client, user):
    with app.app_context():
        token = create_access_token(
            str(user.id), expires_delta=timedelta(seconds=-1), additional_claims={"ver": 0}
        )
    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_refresh_token_is_not_an_access_token(client, user, tokens_for):
    _, refresh = tokens_for(user)
    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {refresh}"})
    assert response.status_code == 401


def test_access_token_is_not_a_refresh_token(client, user, tokens_for):
    access, _ = tokens_for(user)
    response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 401


def test_refresh_by_bearer_returns_a_working_access_token(client, user, tokens_for):
    _, refresh = tokens_for(user)
    response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {refresh}"})
    assert response.status_code == 200
    access = response.get_json()["access_token"]
    me = client.get("/api/users/me", headers={"Authorization": f"Bearer {access}"})
    assert me.get_json()["id"] == user.id


def test_refresh_by_cookie_needs_the_refresh_csrf_header(client):
    register(client)
    refused = client.post("/api/auth/refresh")
    accepted = client.post(
        "/api/auth/refresh", headers={"X-CSRF-TOKEN": cookie(client, "csrf_refresh_token")}
    )
    assert refused.status_code == 401
    assert accepted.status_code == 200


def test_refresh_sets_a_new_access_cookie(client):
    register(client)
    before = cookie(client, "access_token_cookie")
    response = client.post(
        "/api/auth/refresh", headers={"X-CSRF-TOKEN": cookie(client, "csrf_refresh_token")}
    )
    assert cookie(client, "access_token_cookie") == response.get_json()["access_token"] != before


def test_deactivated_users_token_stops_working(app, client, user, user_headers):
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/api/users/me", headers=user_headers).status_code == 401


def test_deleted_users_token_stops_working(app, client, user, user_headers):
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/api/users/me", headers=user_headers).status_code == 401
