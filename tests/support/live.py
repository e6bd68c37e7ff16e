"""Fixtures that run the real server: the Procfile's commands on free ports."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

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
def start_server(
    fresh_database_url: Callable[[], str], realtime_transport: str
) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(database_url: str | None = None, **env: str) -> ServerProcess:
        environment = server_environment(
            database_url or fresh_database_url(),
            free_port(),
            **{"REALTIME_TRANSPORT": realtime_transport, **env},
        )
        if database_url is None:
            run_release(environment)
        server = ServerProcess(environment).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
