from flask import session


def test_requests_get_no_cookie_session(app, client):
    response = client.get("/api/health")
    assert "session=" not in response.headers.get("Set-Cookie", "")
    with app.test_request_context("/api/health"):
        assert session.__class__.__name__ == "NullSession"


def test_socketio_paths_skip_url_matching(app):
    with app.test_request_context("/socket.io/?EIO=4&transport=websocket") as ctx:
        assert ctx.url_adapter is None
        assert ctx.request.routing_exception is None


def test_rest_paths_are_still_routed(app):
    with app.test_request_context("/api/health") as ctx:
        assert ctx.url_adapter is not None
        assert ctx.request.url_rule.rule == "/api/health"
