import pytest


def test_health_is_ok(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "message_queue": "disabled"}
    assert body["version"]
    assert body["uptime_s"] >= 0
    assert "system" not in body


def test_health_adds_system_details_for_admins(client, admin_headers):
    body = client.get("/api/health", headers=admin_headers).get_json()
    assert set(body["system"]) >= {"cpu", "memory", "hostname", "versions"}


def test_health_hides_system_details_from_users(client, user_headers):
    assert "system" not in client.get("/api/health", headers=user_headers).get_json()


def test_health_ignores_a_bad_token(client):
    response = client.get("/api/health", headers={"Authorization": "Bearer junk"})
    assert response.status_code == 200


@pytest.mark.config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody@127.0.0.1:1/none")
def test_health_is_degraded_when_the_database_is_down(client):
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "failed"


@pytest.mark.config(REDIS_URL="redis://127.0.0.1:1/0")
def test_health_is_degraded_when_the_message_queue_is_down(app):
    # socketio.init_app would connect to the queue; ask the check directly.
    with app.test_request_context():
        from app.ops.health import health_report

        report = health_report()
    assert report["status"] == "degraded"
    assert report["checks"]["message_queue"] == "failed"


@pytest.mark.config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody@127.0.0.1:1/none")
def test_requests_answer_unavailable_when_the_database_is_down(client):
    response = client.post("/api/auth/login", json={"login": "ada", "password": "Passw0rd!"})
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"
