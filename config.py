"""Configuration classes.

Each class reads the environment once, when it is instantiated, through the
small parsing helpers below; nothing else in the project reads `os.environ`.
Tests build their own `TestingConfig` with explicit overrides.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """The environment does not describe a runnable server."""


class Env:
    """Typed access to an environment mapping."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get(name)
        return value if value not in (None, "") else default

    def int(self, name: str, default: int) -> int:
        value = self.str(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(f"{name} must be an integer, not {value!r}") from exc

    def bool(self, name: str, default: bool) -> bool:
        value = self.str(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, not {value!r}")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def list(self, name: str) -> list[str]:
        value = self.str(name)
        if value is None:
            return []
        return [item.strip() for item in value.split(",") if item.strip()]


def normalize_database_url(url: str) -> str:
    """Select psycopg2 for PostgreSQL URLs.

    PaaS add-ons hand out `postgres://` URLs, which SQLAlchemy rejects, and
    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, which is neither
    installed nor made cooperative by eventlet's monkey-patching.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    DEFAULT_HOST = "127.0.0.1"
    DEFAULT_LOG_FORMAT = "text"
    DEFAULT_PROXY_HOPS = 0
    DEFAULT_SECURE_COOKIES = False

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object):
        env = Env(os.environ if environ is None else environ)
        self.ENV_NAME = type(self).ENV_NAME

        self.SECRET_KEY = env.str("SECRET_KEY") or self.missing_secret("SECRET_KEY")
        self.JWT_SECRET_KEY = env.str("JWT_SECRET_KEY") or self.missing_secret("JWT_SECRET_KEY")

        default_db = f"sqlite:///{BASE_DIR / 'instance' / 'parley.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(env.str("DATABASE_URL", default_db))
        # A ping on every checkout costs a round trip per socket event. Without
        # it, a connection lost to a database restart fails one statement, and
        # SQLAlchemy then replaces every pooled connection; recycling keeps
        # connections younger than the idle timeouts of proxies in between.
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": env.bool("DATABASE_PRE_PING", False),
            "pool_recycle": env.int("DATABASE_POOL_RECYCLE", 1800),
        }
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False

        self.HOST = env.str("HOST", self.DEFAULT_HOST)
        self.PORT = env.int("PORT", 8000)
        # threading serves the tests' in-process clients; production is eventlet.
        self.ASYNC_MODE = env.choice("ASYNC_MODE", "eventlet", ("eventlet", "threading"))
        # outbox: Parley's faster websocket path (app/realtime/transport);
        # stock: python-engineio's, python-socketio's and eventlet's own.
        self.REALTIME_TRANSPORT = env.choice("REALTIME_TRANSPORT", "outbox", ("outbox", "stock"))
        self.REDIS_URL = env.str("REDIS_URL")
        self.CORS_ORIGINS = env.list("CORS_ORIGINS")

        self.MAX_CONTENT_LENGTH = 64 * 1024
        # permessage-deflate costs far more CPU than it saves on small chat frames.
        self.WEBSOCKET_COMPRESSION = env.bool("WEBSOCKET_COMPRESSION", False)
        self.WEBSOCKET_FLUSH_MS = env.int("WEBSOCKET_FLUSH_MS", 0)
        # Simultaneous connections, HTTP requests and websockets together.
        self.MAX_CONNECTIONS = env.int("MAX_CONNECTIONS", 10_000)
        # Engine.IO heartbeat: a client that has not answered a ping within
        # interval + timeout is gone. Keep the interval below any proxy's idle timeout.
        self.SOCKETIO_PING_INTERVAL = env.int("SOCKETIO_PING_INTERVAL", 25)
        self.SOCKETIO_PING_TIMEOUT = env.int("SOCKETIO_PING_TIMEOUT", 20)

        # Presence across processes: a dead process's users go offline after
        # at most TTL + HEARTBEAT seconds.
        self.PRESENCE_TTL_SECONDS = env.int("PRESENCE_TTL_SECONDS", 30)
        self.PRESENCE_HEARTBEAT_SECONDS = env.int("PRESENCE_HEARTBEAT_SECONDS", 10)
        self.QUEUE_PING_SECONDS = env.int("QUEUE_PING_SECONDS", 5)

        # Behind a router: how many proxies' X-Forwarded-* headers to trust.
        self.PROXY_HOPS = env.int("PROXY_HOPS", self.DEFAULT_PROXY_HOPS)
        self.FORCE_HTTPS = env.bool("FORCE_HTTPS", False)
        self.COOKIE_SECURE_ALWAYS = env.bool("COOKIE_SECURE_ALWAYS", self.DEFAULT_SECURE_COOKIES)
        self.BCRYPT_ROUNDS = env.int("BCRYPT_ROUNDS", 12)

        # flask-jwt-extended
        self.JWT_TOKEN_LOCATION = ["headers", "cookies"]
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=env.int("ACCESS_TOKEN_MINUTES", 15))
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=env.int("REFRESH_TOKEN_DAYS", 30))
        self.JWT_COOKIE_CSRF_PROTECT = True
        self.JWT_COOKIE_SAMESITE = "Lax"
        self.JWT_ACCESS_COOKIE_PATH = "/"
        self.JWT_REFRESH_COOKIE_PATH = "/api/auth"

        # flask-limiter, plus the contract's named budgets
        self.RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_STRATEGY = "moving-window"
        self.RATELIMIT_DEFAULT = env.str("RATELIMIT_DEFAULT", "300/minute")
        self.RATELIMIT_AUTH_PER_IP = env.str("RATELIMIT_AUTH_PER_IP", "10/minute")
        self.RATELIMIT_AUTH_PER_LOGIN = env.str("RATELIMIT_AUTH_PER_LOGIN", "5/minute")
        self.RATELIMIT_CONVERSATIONS = env.str("RATELIMIT_CONVERSATIONS", "10/minute")
        self.RATELIMIT_SEND_MESSAGE = env.str("RATELIMIT_SEND_MESSAGE", "20/10 seconds")

        self.LOG_LEVEL = env.str("LOG_LEVEL", "INFO").upper()
        self.LOG_FORMAT = env.str("LOG_FORMAT", self.DEFAULT_LOG_FORMAT)
        self.METRICS_TOKEN = env.str("METRICS_TOKEN")

        # flask-smorest serves the OpenAPI document at /api/openapi.json
        self.API_TITLE = "Parley"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.API_SPEC_OPTIONS = {"security": [{"bearer": []}, {"cookie": []}]}

        for key, value in overrides.items():
            setattr(self, key, value)

    def missing_secret(self, name: str) -> str:
        # A random key per process keeps development zero-setup; tokens simply
        # stop working across restarts.
        return secrets.token_urlsafe(48)


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEFAULT_HOST = "0.0.0.0"  # noqa: S104 - a PaaS routes traffic to every interface
    DEFAULT_LOG_FORMAT = "json"
    DEFAULT_PROXY_HOPS = 1
    DEFAULT_SECURE_COOKIES = True

    def missing_secret(self, name: str) -> str:
        raise ConfigError(f"{name} must be set in production")


class TestingConfig(Config):
    ENV_NAME = "testing"

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object):
        defaults: dict[str, object] = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "ASYNC_MODE": "threading",
            "BCRYPT_ROUNDS": 4,
            "RATELIMIT_ENABLED": False,
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOG_LEVEL": "WARNING",
        }
        defaults.update(overrides)
        super().__init__(environ if environ is not None else {}, **defaults)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """The configuration named by PARLEY_ENV (development by default)."""
    environ = os.environ if environ is None else environ
    name = Env(environ).str("PARLEY_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"PARLEY_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    return CONFIGS[name](environ)
