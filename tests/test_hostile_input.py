"""What a fuzzer sends: each gets the contract's error, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User

HUGE = "99999999999999999999"  # beyond any integer column


def post_raw(client, path, body: bytes, headers=None):
    return client.post(
        path, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "path",
    [
        f"/api/users/{HUGE}",
        "/api/users/2147483648",  # one past PostgreSQL's integer
        f"/api/rooms/{HUGE}",
        f"/api/rooms/{HUGE}/members",
    ],
)
def test_an_id_no_row_can_have_is_not_found(client, user_headers, path):
    response = client.get(path, headers=user_headers)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_removing_a_member_id_no_row_can_have_is_not_found(client, user_headers):
    response = client.delete("/api/rooms/1/members/2147483648", headers=user_headers)
    assert response.status_code == 404


def test_a_message_to_a_room_id_no_row_can_have_is_not_found(client, user_headers):
    response = client.post(
        f"/api/rooms/{HUGE}/messages", json={"content": "hi"}, headers=user_headers
    )
    assert response.status_code == 404


def test_editing_a_message_id_beyond_64_bits_is_not_found(client, user_headers):
    response = client.patch(
        "/api/messages/9223372036854775808", json={"content": "x"}, headers=user_headers
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"/api/rooms?cursor={HUGE}", "cursor"),
        (f"/api/users?cursor={HUGE}", "cursor"),
        (f"/api/rooms/1/messages?before={HUGE}", "before"),
        ("/api/users?q=%00", "q"),
    ],
)
def test_a_parameter_no_row_can_match_is_a_validation_error_naming_it(
    client, user_headers, path, name
):
    response = client.get(path, headers=user_headers)
    assert response.status_code == 422
    assert name in response.get_json()["fields"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"login": "\\ud800", "password": "Passw0rd!"}',  # a lone surrogate, escaped
        b'{"login": "\xed\xa0\x80", "password": "Passw0rd!"}',  # the same, as raw bytes
        b'{"login": "ada", "password": "\\udfff"}',
        b'{"login": "a\\u0000b", "password": "Passw0rd!"}',  # PostgreSQL stores no NUL
    ],
    ids=["escaped-surrogate", "raw-surrogate", "surrogate-password", "nul"],
)
def test_text_no_database_can_store_is_a_validation_error(client, user, body):
    response = post_raw(client, "/api/auth/login", body)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) <= {"login", "password"} and fields


def test_a_register_with_unstorable_text_creates_nothing(app, client):
    before = user_count(app)
    body = b'{"username": "ada\\u0000", "email": "a@example.com", "password": "Secr3tPass"}'
    response = post_raw(client, "/api/auth/register", body)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "username": ["must be Unicode text without NUL characters or lone surrogates"]
    }
    assert user_count(app) == before


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/register", "/api/rooms"])
def test_a_deeply_nested_body_is_a_bad_request(client, user_headers, path):
    body = b"[" * 5000 + b"]" * 5000
    response = post_raw(client, path, body, headers=user_headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_numbers_are_a_bad_request(client, user_headers, constant):
    response = post_raw(
        client, "/api/rooms", b'{"name": "x", "n": ' + constant + b"}", user_headers
    )
    assert response.status_code == 400


def test_method_not_allowed_names_the_allowed_methods(client, user_headers):
    response = client.put("/api/rooms", headers=user_headers)
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("path", ["/api/health", "/api/nowhere", "/api/openapi.json"])
def test_api_responses_forbid_loading_and_framing_anything(client, path):
    response = client.get(path)
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
