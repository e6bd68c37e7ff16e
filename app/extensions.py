"""Flask extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import current_app
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.schemas import ErrorSchema

# Named constraints keep Alembic migrations deterministic on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Api(flask_smorest.Api):
    """flask-smorest, minus its own error rendering: app.errors renders every error,
    in the contract's shape, which the document describes."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None

    def init_app(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)


# Every route needs an access token, in the header or the cookie (with
# X-CSRF-TOKEN on writes), unless its operation says `security: []`.
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "access_token_cookie",
        "description": "with the csrf_access_token cookie's value in X-CSRF-TOKEN on writes",
    },
}


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
jwt = JWTManager()
# The default budget is read per request, so each app's configuration counts.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]],
)
api = Api()
socketio = SocketIO()
