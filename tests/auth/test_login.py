from datetime import datetime

import bcrypt
import pytest

from app.extensions import db
from app.models import User
from app.schemas import format_timestamp


def login(client, **body):
    return client.post("/api/auth/login", json=body)


def test_login_by_username(client, user):
    response = login(client, login="ada", password=user.password)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["id"] == user.id
    assert body["access_token"] and body["refresh_token"]


def test_login_by_email_ignores_case(client, user):
    response = login(client, login=user.email.upper(), password=user.password)
    assert response.status_code == 200


def test_login_by_username_ignores_case(client, user):
    assert login(client, login="ADA", password=user.password).status_code == 200


@pytest.mark.parametrize("key", ["username", "email"])
def test_username_or_email_may_stand_in_for_login(client, user, key):
    value = user.username if key == "username" else user.email
    assert login(client, **{key: value, "password": user.password}).status_code == 200


def test_wrong_password_is_invalid_credentials(client, user):
    response = login(client, login="ada", password="Wrong0pass")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_credentials"


def test_unknown_user_answers_like_a_wrong_password(client, user):
    wrong = login(client, login="ada", password="Wrong0pass")
    unknown = login(client, login="nobody", password="Wrong0pass")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_unknown_user_costs_a_bcrypt_check_like_a_known_one(client, user, monkeypatch):
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    login(client, login="ada", password="Wrong0pass")
    login(client, login="nobody", password="Wrong0pass")
    assert len(calls) == 2
    # Same cost factor for both: the dummy hash uses the configured rounds.
    assert calls[0][:7] == calls[1][:7]


def test_over_long_password_is_refused_without_error(client, user):
    response = login(client, login="ada", password="Aa1" + "x" * 200)
    assert response.status_code == 401


def test_deactivated_account_with_right_password_is_disabled(client, make_user):
    make_user(username="sleepy", active=False)
    response = login(client, login="sleepy", password="Passw0rd!")
    assert response.status_code == 403
    assert response.get_json()["error"] == "account_disabled"


def test_deactivated_account_with_wrong_password_is_invalid_credentials(client, make_user):
    make_user(username="sleepy", active=False)
    response = login(client, login="sleepy", password="Wrong0pass")
    assert response.status_code == 401


def test_login_requires_a_login_name(client):
    response = login(client, password="Passw0rd!")
    assert response.status_code == 422
    assert "login" in response.get_json()["fields"]


def test_login_records_last_seen(app, client, user):
    login(client, login="ada", password=user.password)
    with app.app_context():
        seen = db.session.get(User, user.id).last_seen_at
    assert isinstance(seen, datetime)


def test_login_answers_with_the_stored_sign_in_time(app, client, user):
    body = login(client, login="ada", password=user.password).get_json()["user"]
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert body["last_seen_at"] == format_timestamp(stored.last_seen_at)
        assert body["updated_at"] == format_timestamp(stored.updated_at)


def test_sign_in_holds_no_database_connection_while_hashing(client, user, monkeypatch):
    from app.auth import services

    held = []

    def check(password, password_hash):
        held.append((db.engine.pool.checkedout(), db.session().get_transaction() is not None))
        return True

    monkeypatch.setattr(services, "check_password", check)
    assert login(client, login="ada", password=user.password).status_code == 200
    assert held == [(0, False)]
