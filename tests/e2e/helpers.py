"""REST and Socket.IO helpers for driving a live server."""

from __future__ import annotations

import queue
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

NS = "/chat"

# Settings for the multi-process tests: limits low enough to hit, bcrypt cheap.
CLUSTER_ENV = {
    "RATELIMIT_ENABLED": "true",
    "RATELIMIT_DEFAULT": "100000/minute",
    "RATELIMIT_AUTH_PER_IP": "100000/minute",
    "RATELIMIT_AUTH_PER_LOGIN": "3/minute",
    "RATELIMIT_SEND_MESSAGE": "5/10 seconds",
    "BCRYPT_ROUNDS": "4",
}


@dataclass
class Account:
    base_url: str
    id: int
    username: str
    password: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return requests.post(f"{self.base_url}{path}", json=body, headers=self.headers, timeout=10)

    def get(self, path: str) -> requests.Response:
        return requests.get(f"{self.base_url}{path}", headers=self.headers, timeout=10)


def new_account(base_url: str) -> Account:
    name = f"u{uuid.uuid4().hex[:10]}"
    body = requests.post(
        f"{base_url}/api/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": "Secr3tPass"},
        timeout=10,
    ).json()
    return Account(base_url, body["user"]["id"], name, "Secr3tPass", body["access_token"])


@dataclass
class LiveSocket:
    """A python-socketio client on /chat that records every event in order."""

    client: socketio.Client
    events: queue.Queue = field(default_factory=queue.Queue)
    seen: list[tuple[str, Any]] = field(default_factory=list)

    def call(self, event: str, payload: dict, timeout: float = 10) -> dict:
        return self.client.call(event, payload, namespace=NS, timeout=timeout)

    def wait_for(self, name: str, predicate: Any = None, timeout: float = 10) -> Any:
        """The next event of that name (matching predicate), from those not yet taken."""
        deadline = time.monotonic() + timeout
        for index, (seen_name, data) in enumerate(self.seen):
            if seen_name == name and (predicate is None or predicate(data)):
                del self.seen[index]
                return data
        while time.monotonic() < deadline:
            try:
                seen_name, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if seen_name == name and (predicate is None or predicate(data)):
                return data
            self.seen.append((seen_name, data))
        raise AssertionError(
            f"no {name!r} event within {timeout}s; saw {[n for n, _ in self.seen]}"
        )

    def until(self, name: str, predicate: Any = None, timeout: float = 10) -> list[tuple[str, Any]]:
        """Every event before the next one of that name (matching predicate), which is
        taken too; what came after it stays for later."""
        self.wait_for(name, predicate, timeout)
        taken, self.seen = self.seen, []
        return taken

    def settled(self) -> list[tuple[str, Any]]:
        """Every event the server sent this socket before answering a round trip.

        A socket's packets leave in the order they were sent, so an ack comes
        after everything queued for the socket ahead of it.
        """
        answer = self.call("history", {})  # refused (no room_id): a round trip, nothing else
        assert answer["error"] == "validation_error"
        while not self.events.empty():
            self.seen.append(self.events.get())
        taken, self.seen = self.seen, []
        return taken

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def open_socket(base_url: str, transport: str, auth: dict) -> LiveSocket:
    client = socketio.Client(reconnection=False)
    live = LiveSocket(client)

    @client.on("*", namespace=NS)
    def any_event(name: str, data: Any = None) -> None:
        live.events.put((name, data))

    client.connect(base_url, namespaces=[NS], auth=auth, transports=[transport], wait_timeout=10)
    return live
