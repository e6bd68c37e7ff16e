"""Memory of idle sockets: RSS of one Parley process before and after N sockets.

    .venv/bin/python bench/capacity.py [--sockets 10000]

Starts a throw-away PostgreSQL and Parley by its Procfile line (file limits
raised for both sides), opens N authenticated websocket connections to /chat
from one Node process, and prints the server's RSS growth per socket.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import PostgresServer, free_port  # noqa: E402
from tests.support.server import procfile_command, run_release, server_environment  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    args = parser.parse_args()

    postgres = PostgresServer()
    server = client = None
    try:
        database_url = postgres.start()
        port = free_port()
        env = server_environment(
            database_url, port, RATELIMIT_ENABLED="false", BCRYPT_ROUNDS="4", LOG_LEVEL="WARNING"
        )
        run_release(env)
        web = procfile_command("web").replace("--host 0.0.0.0", "--host 127.0.0.1")
        server = subprocess.Popen(
            ["bash", "-c", f"ulimit -n $(ulimit -Hn) && exec {web}"], cwd=ROOT, env=env
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(f"{url}/api/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        token = requests.post(
            f"{url}/api/auth/register",
            json={"username": "idle", "email": "idle@example.com", "password": "Idle12345"},
            timeout=10,
        ).json()["access_token"]
        requests.get(f"{url}/api/health", timeout=5)
        time.sleep(1)
        before = rss_kib(server.pid)
        clients = f"node bench/idle_sockets.mjs {url} {token} {args.sockets}"
        client = subprocess.Popen(
            ["bash", "-c", f"ulimit -n $(ulimit -Hn) && exec {clients}"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        outcome = json.loads(client.stdout.readline())
        time.sleep(3)
        after = rss_kib(server.pid)
        per_socket = (after - before) * 1024 / max(outcome["connected"], 1)
        print(
            f"sockets connected: {outcome['connected']}, failed: {outcome['failed']}, "
            f"in {outcome['seconds']:.1f} s"
        )
        print(f"server RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after")
        print(f"per socket: {per_socket / 1024:.1f} KiB ({per_socket:.0f} bytes)")
    finally:
        if client is not None:
            client.stdin.close()
            client.wait(30)
        if server is not None:
            server.terminate()
            server.wait(30)
        postgres.stop()


if __name__ == "__main__":
    main()
