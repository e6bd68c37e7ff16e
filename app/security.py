"""Running behind a router: forwarded headers, HTTPS, CORS, security headers."""

from __future__ import annotations

from flask import Flask, Response, redirect, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

# An API response is data, never a document: nothing in it may load or frame.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def trust_proxy(app: Flask) -> None:
    """Trust exactly the router's X-Forwarded-For/Proto/Host, so request.is_secure,
    remote_addr (rate limits) and the origin check of Socket.IO see the client.

    Applied last, around the Socket.IO middleware too.
    """
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    origins = app.config["CORS_ORIGINS"]
    if origins:
        CORS(
            app,
            resources={r"/api/*": {"origins": "*" if origins == ["*"] else origins}},
            supports_credentials=origins != ["*"],
            expose_headers=["Retry-After", "X-Request-ID"],
        )

    @app.before_request
    def require_https() -> Response | None:
        if app.config["FORCE_HTTPS"] and not request.is_secure:
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path == "/api" or request.path.startswith("/api/"):
            response.headers["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
