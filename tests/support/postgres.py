"""A throw-away PostgreSQL server for the test run.

initdb refuses to run as root, so under root the cluster belongs to the
`postgres` account (or `nobody`) and the server runs as that account.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(os.path.realpath(initdb)).parent))
    for candidate in candidates:
        if (
            candidate
            and (Path(candidate) / "initdb").exists()
            and (Path(candidate) / "pg_ctl").exists()
        ):
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install the `postgresql` package"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _service_account() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and no `postgres` or `nobody` account to run as")


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.account = _service_account()
        self.root = Path(tempfile.mkdtemp(prefix="parley-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {"capture_output": True, "text": True, "check": False, "cwd": self.root}
        if self.account is not None:
            kwargs.update(user=self.account.pw_uid, group=self.account.pw_gid, extra_groups=[])
        return subprocess.run(list(args), **kwargs)

    def start(self) -> str:
        os.chmod(self.root, 0o755)
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        initdb = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            "parley",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        )
        if initdb.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {initdb.stderr or initdb.stdout}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        started = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        if started.returncode != 0:
            log = (
                (self.root / "server.log").read_text()
                if (self.root / "server.log").exists()
                else ""
            )
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr}\n{log}")
        self.started = True
        self._create_database("parley_test")
        return self.url("parley_test")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://parley@127.0.0.1:{self.port}/{database}"

    def _create_database(self, name: str) -> None:
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(
                    host="127.0.0.1", port=self.port, user="parley", dbname="postgres"
                )
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    def create_database(self, name: str) -> str:
        self._create_database(name)
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"
            )
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
