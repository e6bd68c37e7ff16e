"""A real server process, started by the Procfile's commands."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.e2e.helpers import CLUSTER_ENV
from tests.support.postgres import PostgresServer, free_port
from tests.support.server import ServerProcess, run_release, server_environment


@pytest.fixture(scope="session")
def fresh_database_url(
    postgres_server: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """A new, empty database on the run's backend, for a server of its own."""

    def make() -> str:
        name = f"parley_e2e_{uuid.uuid4().hex[:8]}"
        if postgres_server is not None:
            return postgres_server.create_database(name)
        return f"sqlite:///{tmp_path_factory.mktemp('e2e') / f'{name}.db'}"

    return make


@pytest.fixture(scope="session")
def start_server(fresh_database_url: Callable[[], str]) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(database_url: str | None = None, **env: str) -> ServerProcess:
        environment = server_environment(database_url or fresh_database_url(), free_port(), **env)
        if database_url is None:
            run_release(environment)
        server = ServerProcess(environment).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_server: Callable[..., ServerProcess]) -> ServerProcess:
    return start_server(BCRYPT_ROUNDS="12")


@pytest.fixture(scope="session")
def shared(db_backend, redis_server, fresh_database_url):
    if db_backend != "postgresql":
        pytest.skip("several processes share PostgreSQL; this runs in the --db=postgresql pass")
    url = fresh_database_url()
    run_release(server_environment(url, 0))
    return {"DATABASE_URL": url, "REDIS_URL": redis_server.url}


@pytest.fixture(scope="session")
def cluster(shared, start_server):
    """Processes A and B."""
    return [
        start_server(shared["DATABASE_URL"], REDIS_URL=shared["REDIS_URL"], **CLUSTER_ENV)
        for _ in range(2)
    ]


@pytest.fixture
def sockets():
    """python-socketio clients opened by a test, closed after it."""
    opened = []
    yield opened
    for live in opened:
        live.close()
