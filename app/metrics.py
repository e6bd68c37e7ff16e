"""Prometheus metrics, per process, served at /metrics.

Each server process exposes its own series; Prometheus scrapes every
process and sums them (see docs).
"""

from __future__ import annotations

import hmac
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from app.errors import ApiError
from app.extensions import limiter

HTTP_REQUESTS = Counter(
    "parley_http_requests_total",
    "HTTP requests by route, method and status.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "parley_http_request_duration_seconds",
    "HTTP request duration by route and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SOCKET_CONNECTIONS = Gauge(
    "parley_socketio_connections",
    "Live Socket.IO connections on /chat in this process.",
)
SOCKET_EVENTS = Counter(
    "parley_socketio_events_total",
    "Socket.IO events received, by event name.",
    ["event"],
)
MESSAGES_STORED = Counter(
    "parley_chat_messages_stored_total",
    "Chat messages stored.",
)

bp = Blueprint("metrics", __name__)
limiter.exempt(bp)


@bp.route("/metrics")
def metrics() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        supplied = request.headers.get("Authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
            raise ApiError("unauthorized", "A metrics token is required.")
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        started = g.pop("request_started", None)
        route = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        if started is not None:
            HTTP_DURATION.labels(route, request.method).observe(time.perf_counter() - started)
        return response
