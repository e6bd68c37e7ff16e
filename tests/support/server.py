"""Run the real server the way production does: the Procfile's commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            return command.strip()
    raise KeyError(f"no {name!r} process in the Procfile")


def server_environment(database_url: str, port: int, **extra: str) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARLEY_", "DATABASE_", "REDIS_", "RATELIMIT_"))
    }
    env.update(
        PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        PORT=str(port),
        PARLEY_ENV="production",
        SECRET_KEY="e2e-secret-key-" + "x" * 32,
        JWT_SECRET_KEY="e2e-jwt-secret-key-" + "x" * 32,
        DATABASE_URL=database_url,
        RATELIMIT_ENABLED="false",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_release(env: dict[str, str], root: Path = ROOT) -> None:
    """The Procfile's release phase: apply migrations (of the checkout at `root`)."""
    result = subprocess.run(
        ["bash", "-c", procfile_command("release")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"release failed:\n{result.stdout}\n{result.stderr}")


class ServerProcess:
    """One `web:` process on a port of this machine."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.port = int(env["PORT"])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="parley-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {procfile_command('web')}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if requests.get(f"{self.base_url}/api/health", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become healthy:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int | None:
        try:
            if self.process is None or self.process.poll() is not None:
                return self.process.returncode if self.process else None
            os.killpg(self.process.pid, sig)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                return self.process.wait(timeout)
        finally:
            self.log.close()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
