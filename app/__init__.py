"""Parley: a real-time chat server."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from app.application import Parley
from config import Config, load_config

__version__ = "0.1.0"


def create_app(config: Config | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    app = Parley(
        __name__,
        instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
        static_folder=None,  # the web client serves its own files
    )
    app.config.from_object(config or load_config())
    app.config["STARTED_AT"] = time.time()
    Path(app.instance_path).mkdir(exist_ok=True)

    register_logging(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_proxy(app)
    return app


def register_logging(app: Flask) -> None:
    from app import log, metrics

    log.init_app(app)
    metrics.init_app(app)


def register_security(app: Flask) -> None:
    from app import security

    security.init_app(app)


def register_proxy(app: Flask) -> None:
    from app import security

    security.trust_proxy(app)


def register_extensions(app: Flask) -> None:
    from app import concurrency, models, state  # noqa: F401 - models registers the tables
    from app.auth.tokens import register_jwt_callbacks
    from app.extensions import api, db, jwt, limiter, migrate
    from app.realtime import binding

    state.init_app(app)
    concurrency.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db)
    jwt.init_app(app)
    register_jwt_callbacks()
    limiter.init_app(app)
    api.init_app(app)
    binding.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.auth.routes import bp as auth_bp
    from app.conversations.routes import bp as conversations_bp
    from app.extensions import api
    from app.messages.routes import bp as messages_bp
    from app.ops.routes import bp as ops_bp
    from app.rest import register_converters
    from app.rooms.routes import bp as rooms_bp
    from app.users.routes import bp as users_bp
    from app.web.routes import bp as web_bp

    register_converters(app, api)
    for bp in (auth_bp, users_bp, rooms_bp, messages_bp, conversations_bp, ops_bp):
        api.register_blueprint(bp)
    app.register_blueprint(web_bp)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from app import cli

    cli.init_app(app)
