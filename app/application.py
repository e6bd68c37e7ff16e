"""Parley's Flask class: Flask, minus the work a Socket.IO event does not need.

Flask-SocketIO runs every event inside a request context built from the
connection's environ. Flask would then bind the URL map and try to match
`/socket.io/` (no Flask route serves it), and open a cookie session, on
every event. Parley keeps no Flask session (its tokens are JWTs), and
Socket.IO paths need no URL matching.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SessionInterface
from werkzeug.routing import MapAdapter

SOCKETIO_PATH = "/socket.io"


class NoSessions(SessionInterface):
    """Every request gets Flask's empty null session; nothing is signed or set."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        return None


class Parley(Flask):
    session_interface = NoSessions()

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        # A chunked body has no Content-Length, and Werkzeug then reads it
        # as empty unless the server says the input ends by itself. eventlet's
        # does (it decodes the chunks and stops at the last), but says nothing.
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input_terminated"] = True
        return super().wsgi_app(environ, start_response)

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        if request is not None and request.environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
            return None
        return super().create_url_adapter(request)
