"""Section 1 of the contract: bodies, errors and their shape."""

import pytest
from flask import abort

from app.extensions import db
from app.models import User


def test_malformed_json_is_bad_request(client):
    response = client.post(
        "/api/auth/register", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_non_json_content_type_is_bad_request(client):
    response = client.post(
        "/api/auth/register",
        data="username=grace",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_bad_request(client, body):
    response = client.post(
        "/api/auth/register", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_body_over_64_kib_is_payload_too_large(client):
    response = client.post("/api/auth/register", json={"bio": "x" * (65 * 1024)})
    assert response.status_code == 413
    assert response.get_json()["error"] == "payload_too_large"


def test_unknown_fields_are_ignored(client):
    response = client.post(
        "/api/auth/register",
        json={
            "username": "grace",
            "email": "grace@example.com",
            "password": "Secr3tPass",
            "role": "admin",
            "flavour": "vanilla",
        },
    )
    assert response.status_code == 201
    assert response.get_json()["user"]["role"] == "user"


def test_unknown_api_route_is_a_json_not_found(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert response.get_json()["message"]


def test_wrong_method_is_method_not_allowed(client):
    response = client.delete("/api/auth/login")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_validation_errors_name_their_fields(client):
    response = client.post("/api/auth/register", json={"username": "x"})
    body = response.get_json()
    assert set(body) == {"error", "message", "fields"}
    assert body["fields"]["username"]


def test_unexpected_error_is_internal_error_without_a_trace(app, client):
    @app.route("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side.",
    }


def test_unexpected_error_rolls_back_the_session(app, client):
    @app.route("/api/half-done", methods=["POST"])
    def half_done():
        db.session.add(
            User(username="ghost", email="g@example.com", password_hash="x", display_name="g")
        )
        db.session.flush()
        raise RuntimeError("after a write")

    client.post("/api/half-done")
    with app.app_context():
        assert db.session.query(User).filter_by(username="ghost").count() == 0


def test_http_errors_from_abort_use_the_contract_shape(app, client):
    @app.route("/api/teapot")
    def teapot():
        abort(403)

    response = client.get("/api/teapot")
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_responses_carry_a_request_id(client):
    assert len(client.get("/api/health").headers["X-Request-ID"]) == 32


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_an_unsafe_incoming_request_id_is_replaced(client):
    response = client.get("/api/health", headers={"X-Request-ID": "bad id; with spaces"})
    assert response.headers["X-Request-ID"] != "bad id; with spaces"
