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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parley import ROOT, parley_on_postgres

# Each side holds one descriptor per socket; take the machine's hard limit.
RAISE_FILE_LIMIT = "ulimit -n $(ulimit -Hn)"


HOLD_SECONDS = 60


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    args = parser.parse_args()

    with parley_on_postgres(lambda web: ["bash", "-c", f"{RAISE_FILE_LIMIT} && exec {web}"]) as (
        server,
        url,
    ):
        measure(server, url, args.sockets)


def measure(server: subprocess.Popen[bytes], url: str, sockets: int) -> None:
    token = requests.post(
        f"{url}/api/auth/register",
        json={"username": "idle", "email": "idle@example.com", "password": "Idle12345"},
        timeout=10,
    ).json()["access_token"]
    time.sleep(1)
    before = rss_kib(server.pid)
    clients = f"node bench/idle_sockets.mjs {url} {token} {sockets}"
    client = subprocess.Popen(
        ["bash", "-c", f"{RAISE_FILE_LIMIT} && exec {clients}"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        outcome = json.loads(client.stdout.readline())
        # Past Engine.IO's ping interval plus timeout (45 s): the sockets must
        # still be there, answering pings, when the memory is read.
        time.sleep(HOLD_SECONDS)
        after = rss_kib(server.pid)
        client.stdin.write("?\n")
        client.stdin.flush()
        still = json.loads(client.stdout.readline())["still_connected"]
    finally:
        client.stdin.close()
        client.wait(30)
    per_socket = (after - before) * 1024 / max(still, 1)
    print(
        f"sockets connected: {outcome['connected']}, failed: {outcome['failed']}, "
        f"in {outcome['seconds']:.1f} s; still connected {HOLD_SECONDS} s later: {still}"
    )
    print(f"server RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after")
    print(f"per socket: {per_socket / 1024:.1f} KiB ({per_socket:.0f} bytes)")


if __name__ == "__main__":
    main()
