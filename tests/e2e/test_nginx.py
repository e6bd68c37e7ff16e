"""The sample nginx config of docs/deploy.md, checked and driven for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.helpers import CLUSTER_ENV, new_account, open_socket
from tests.support.postgres import free_port
from tests.support.server import ROOT

SAMPLE = ROOT / "deploy" / "nginx.conf"


def render(upstream_ports: list[int], listen_port: int) -> str:
    """The sample, with this machine's ports in place of 80, 8001 and 8002."""
    text = SAMPLE.read_text()
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    for sample_port, port in zip((8001, 8002), upstream_ports, strict=True):
        text = text.replace(f"127.0.0.1:{sample_port} ", f"127.0.0.1:{port} ")
    assert not re.search(r":800[12]\b", text), "the sample's upstream ports moved; update the test"
    return text


class Nginx:
    def __init__(self, site: str):
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        assert os.path.exists(self.binary), "nginx is required (.ci/run installs it)"
        self.dir = Path(tempfile.mkdtemp(prefix="parley-nginx-"))
        self.dir.chmod(0o755)
        (self.dir / "parley.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        temp = " ".join(
            f"{kind}_temp_path {self.dir}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.dir}/nginx.pid;\n"
            f"error_log {self.dir}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{ access_log {self.dir}/access.log; {temp}\n"
            f"  include {self.dir}/parley.conf; }}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def command(self, *args: str) -> list[str]:
        return [self.binary, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), *args]

    def check(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command("-t"), capture_output=True, text=True, check=False)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def test_sample_config_passes_nginx_t():
    nginx = Nginx(render([free_port(), free_port()], free_port()))
    try:
        result = nginx.check()
    finally:
        nginx.stop()
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.fixture(scope="module")
def proxy(cluster):
    port = free_port()
    nginx = Nginx(render([server.port for server in cluster], port))
    nginx.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.05)
    yield base_url
    nginx.stop()


def test_rest_through_nginx(proxy):
    ada = new_account(proxy)
    me = requests.get(f"{proxy}/api/users/me", headers=ada.headers, timeout=5)
    assert me.json()["username"] == ada.username


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_socketio_through_nginx(proxy, sockets, transport):
    ada = new_account(proxy)
    room = ada.post("/api/rooms", {"name": f"room-{ada.username}"}).json()
    live = open_socket(proxy, transport, {"token": ada.access_token})
    sockets.append(live)
    assert live.wait_for("session")["user"]["id"] == ada.id
    assert live.call("send_message", {"room_id": room["id"], "content": "via nginx"})["ok"]


def socket_count(server) -> float:
    for line in requests.get(f"{server.base_url}/metrics", timeout=5).text.splitlines():
        if line.startswith("parley_socketio_connections "):
            return float(line.split()[1])
    return 0.0


def test_js_client_survives_a_graceful_stop_through_nginx(proxy, cluster, shared, start_server):
    """Draining one process sends its JavaScript clients to another."""
    node = shutil.which("node")
    assert node, "Node.js is required (.ci/run installs it)"
    runner = subprocess.Popen(
        [node, str(ROOT / "tests/e2e/js/scenario.mjs"), "drain", proxy, "websocket"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert json.loads(runner.stdout.readline()) == {"progress": "connected"}
        holder = next(server for server in cluster if socket_count(server) >= 1)
        holder.stop(signal.SIGTERM)
        assert holder.process.returncode == 0
        out, _ = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
    outcome = json.loads(out.strip().splitlines()[-1])
    assert outcome["ok"], outcome.get("error")
    assert outcome["facts"]["reason"] == "transport close"
    assert outcome["facts"]["sent_after"] is True
    # Put a process back on the stopped one's port for whatever runs next.
    cluster[cluster.index(holder)] = start_server(
        shared["DATABASE_URL"], REDIS_URL=shared["REDIS_URL"], PORT=str(holder.port), **CLUSTER_ENV
    )
