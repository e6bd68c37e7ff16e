"""Flask-SocketIO bound to the app: manager, transport, namespace, presence."""

from __future__ import annotations

from typing import Any

import socketio
from flask import Flask

from app.extensions import socketio as flask_socketio
from app.realtime import channels, strict_json, transport
from app.realtime.message_queue import ParleyRedisManager
from app.realtime.namespace import register_namespace
from app.realtime.presence import make_presence
from app.state import ProcessState


def init_app(app: Flask) -> None:
    """Bind Flask-SocketIO, with Parley's Redis manager when REDIS_URL is set."""
    outbox = app.config["REALTIME_TRANSPORT"] == transport.OUTBOX
    if outbox:
        transport.require_compatible(app.config["ASYNC_MODE"])
    register_namespace()
    # Flask-SocketIO accumulates options across init_app calls; a queue from
    # an earlier app (tests build many) must not leak into this one.
    flask_socketio.server_options.pop("client_manager", None)
    flask_socketio.server_options.pop("serializer", None)
    options: dict[str, Any] = {
        "client_manager": _manager(app, outbox),
        "serializer": transport.packet_class() if outbox else strict_json.Packet,
    }
    cors = app.config["CORS_ORIGINS"]
    flask_socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        cors_allowed_origins="*" if cors == ["*"] else (cors or None),
        max_http_buffer_size=app.config["MAX_CONTENT_LENGTH"],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        # A client's events run one after another in its reader, in the order
        # sent, instead of a new green thread each.
        async_handlers=False,
        **options,
    )
    if outbox and app.config["ASYNC_MODE"] == "eventlet":
        transport.install(flask_socketio.server.eio, app.config["WEBSOCKET_FLUSH_MS"] / 1000)
    ProcessState.of(app).presence = make_presence(
        app.config["REDIS_URL"], app.config["PRESENCE_TTL_SECONDS"]
    )
    if not app.config["WEBSOCKET_COMPRESSION"]:
        app.wsgi_app = WithoutCompression(app.wsgi_app)  # type: ignore[method-assign]


def _manager(app: Flask, outbox: bool) -> Any:
    url = app.config["REDIS_URL"]
    if url:
        cls = transport.manager_class(ParleyRedisManager) if outbox else ParleyRedisManager
        return cls(url, channel="parley-socketio", apply=channels.apply_control)
    return transport.manager_class(socketio.Manager)() if outbox else socketio.Manager()


class WithoutCompression:
    """Hide the client's WebSocket extension offer, so no permessage-deflate is agreed.

    Browsers and socket.io-client offer it on every connection; compressing
    small chat frames costs much more CPU per delivery than it saves.
    """

    def __init__(self, wsgi_app: Any):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)
