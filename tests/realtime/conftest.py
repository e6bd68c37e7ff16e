"""Flask-SocketIO's test client, speaking for the test users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.extensions import socketio

NS = "/chat"


def payload(item: dict) -> Any:
    # The test client unwraps the arguments of events named "message".
    return item["args"] if item["name"] == "message" else item["args"][0]


class Socket:
    """One /chat connection, with helpers for acks and received events."""

    def __init__(self, client: Any):
        self.client = client
        self.inbox: list[dict] = []

    @property
    def connected(self) -> bool:
        return self.client.is_connected(NS)

    def call(self, event: str, payload: Any = None) -> dict:
        return self.client.emit(event, payload, namespace=NS, callback=True)

    def received(self) -> list[dict]:
        """Everything received since the last clear(), in order."""
        if self.connected:
            self.inbox.extend(self.client.get_received(NS))
        return list(self.inbox)

    def events(self, name: str) -> list[Any]:
        return [payload(item) for item in self.received() if item["name"] == name]

    def clear(self) -> None:
        self.received()
        self.inbox.clear()

    def disconnect(self) -> None:
        self.client.disconnect(NS)


@pytest.fixture
def connect(app: Flask, tokens_for: Callable) -> Callable[..., Socket]:
    sockets: list[Socket] = []

    def open_socket(user: Any = None, *, auth: dict | None = None, **kwargs: Any) -> Socket:
        if auth is None and user is not None:
            auth = {"token": tokens_for(user.user if hasattr(user, "user") else user)[0]}
        client = socketio.test_client(app, namespace=NS, auth=auth, **kwargs)
        socket = Socket(client)
        sockets.append(socket)
        return socket

    yield open_socket
    for socket in sockets:
        if socket.connected:
            socket.disconnect()
