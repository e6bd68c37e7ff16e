"""Serves the single-page client and the Socket.IO client it imports."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

from app.extensions import limiter

STATIC = Path(__file__).resolve().parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
# Installed from npm at set-up time (package.json), never committed.
SOCKET_IO_DIST = NODE_MODULES / "socket.io-client" / "dist"

# Everything the page loads comes from this server; no inline scripts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

bp = Blueprint("web", __name__, static_folder=str(STATIC), static_url_path="/static")
limiter.exempt(bp)


@bp.route("/")
def index() -> Response:
    response = send_from_directory(STATIC, "index.html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/vendor/socket.io.esm.min.js")
def socket_io_client() -> Response:
    if not (SOCKET_IO_DIST / "socket.io.esm.min.js").exists():
        abort(404, description="Run `npm ci` (make does) to install the Socket.IO client.")
    return send_from_directory(SOCKET_IO_DIST, "socket.io.esm.min.js", mimetype="text/javascript")
