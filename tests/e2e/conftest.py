"""A real server process, started by the Procfile's commands."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.helpers import CLUSTER_ENV
from tests.support.server import ServerProcess, run_release, server_environment


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
