import pytest


def test_metrics_count_http_requests_by_route_method_and_status(client):
    client.get("/api/health")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'parley_http_requests_total{method="GET",route="/api/health",status="200"}' in text


def test_metrics_have_a_request_duration_histogram(client):
    client.get("/api/health")
    text = client.get("/metrics").get_data(as_text=True)
    assert (
        'parley_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/health"}'
        in text
    )


@pytest.mark.parametrize(
    "series",
    [
        "parley_socketio_connections",
        "parley_socketio_events_total",
        "parley_chat_messages_stored_total",
    ],
)
def test_metrics_expose_the_realtime_series(client, series):
    assert f"# TYPE {series}" in client.get("/metrics").get_data(as_text=True)


def test_metrics_are_prometheus_text(client):
    assert client.get("/metrics").mimetype == "text/plain"


@pytest.mark.config(METRICS_TOKEN="s3cret")
def test_metrics_token_is_required_when_set(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
