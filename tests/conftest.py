"""Fixtures shared by every test.

The suite runs against one database per run: `pytest` uses SQLite,
`pytest --db=postgresql` starts a real PostgreSQL server for the run. The
schema is built once by the migrations; each test starts from empty tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.support.postgres import PostgresServer
from tests.support.redis import RedisServer

pytest_plugins = ["tests.support.fixtures", "tests.support.live"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database backend for the run (postgresql starts a throw-away server)",
    )
    parser.addoption(
        "--transport",
        choices=["outbox", "stock"],
        default="outbox",
        help="REALTIME_TRANSPORT of every app and server the run starts",
    )
    parser.addoption(
        "--update-screenshot",
        action="store_true",
        help="write docs/web-client.png from the browser tests' screenshot test",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "config(**settings): extra settings for the `app` fixture")


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def realtime_transport(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--transport")


@pytest.fixture(scope="session")
def postgres_server(db_backend: str) -> Iterator[PostgresServer | None]:
    if db_backend != "postgresql":
        yield None
        return
    # A failure to start is an error, never a skip: a green run must mean
    # the suite really ran on PostgreSQL.
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(
    db_backend: str,
    postgres_server: PostgresServer | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    if postgres_server is not None:
        url = postgres_server.url("parley_test")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'parley.db'}"
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    # A socket's disconnect handler may still be writing from its own thread;
    # PostgreSQL then picks one side of the lock cycle to abort: try again.
    for attempt in range(5):
        try:
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    db.session.execute(text(f"DELETE FROM {table}"))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == 4:
                raise
            time.sleep(0.2)


@pytest.fixture
def app(
    database_url: str, realtime_transport: str, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    settings: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REALTIME_TRANSPORT": realtime_transport,
    }
    for marker in reversed(list(request.node.iter_markers("config"))):
        settings.update(marker.kwargs)
    app = create_app(TestingConfig(**settings))
    yield app
    with app.app_context():
        db.session.remove()
        if app.config["SQLALCHEMY_DATABASE_URI"] == database_url:
            _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()
