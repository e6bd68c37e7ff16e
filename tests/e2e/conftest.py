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


@pytest.fixture(scope="session", autouse=True)
def python_clients_accept_stock_long_polls(realtime_transport):
    """python-engineio's client refuses a long-poll of more than 16 packets;
    python-engineio's own server (the stock transport) sends every packet it
    has queued in one. The outbox transport caps a poll at 16, and is tested
    for it (tests/realtime/test_delivery.py); under the stock transport the
    test clients take what the library's server sends, as browsers do."""
    if realtime_transport != "stock":
        yield
        return
    from engineio.payload import Payload

    limit = Payload.max_decode_packets
    Payload.max_decode_packets = 1024
    yield
    Payload.max_decode_packets = limit
