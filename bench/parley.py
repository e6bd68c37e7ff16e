"""Parley as the benchmarks run it: a throw-away PostgreSQL and the Procfile's web line."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import PostgresServer, free_port  # noqa: E402
from tests.support.server import procfile_command, run_release, server_environment  # noqa: E402


@contextmanager
def parley_on_postgres(
    command: Callable[[str], list[str]],
    bcrypt_rounds: int = 4,
    settings: dict[str, str] | None = None,
    root: Path = ROOT,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Migrate a fresh PostgreSQL, start Parley with `command(web_line)`, yield it and its URL.

    Limits are off and bcrypt is cheap unless asked otherwise: the benchmarks
    measure the chat path. `root`: the checkout whose web line runs (another
    revision's, to compare), with this checkout's virtualenv.
    """
    postgres = PostgresServer()
    server = None
    try:
        database_url = postgres.start()
        port = free_port()
        env = server_environment(
            database_url,
            port,
            RATELIMIT_ENABLED="false",
            BCRYPT_ROUNDS=str(bcrypt_rounds),
            LOG_LEVEL="WARNING",
            **(settings or {}),
        )
        run_release(env, root)
        web = procfile_command("web").replace("--host 0.0.0.0", "--host 127.0.0.1")
        server = subprocess.Popen(command(web), cwd=root, env=env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield server, url
    finally:
        if server is not None:
            server.terminate()
            server.wait(60)
        postgres.stop()
