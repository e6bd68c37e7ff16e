"""Flask-SocketIO's test client, speaking for the test users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio.test_client import SocketIOTestClient
from socketio import packet

from app.extensions import socketio

NS = "/chat"


def payload(item: dict) -> Any:
    # The test client unwraps the arguments of events named "message".
    return item["args"] if item["name"] == "message" else item["args"][0]


class RefusalRecordingClient(SocketIOTestClient):
    """Flask-SocketIO's test client, keeping what a refused connect was told.

    The stock client only marks the namespace disconnected.
    """

    refusal: Any = None

    def connect(self, *args: Any, **kwargs: Any) -> None:
        server = self.socketio.server
        send = server._send_packet

        def recording(eio_sid: str, pkt: packet.Packet) -> None:
            if eio_sid == self.eio_sid and pkt.packet_type == packet.CONNECT_ERROR:
                self.refusal = pkt.data
            send(eio_sid, pkt)

        server._send_packet = recording
        try:
            super().connect(*args, **kwargs)
        finally:
            server._send_packet = send


class Socket:
    """One /chat connection, with helpers for acks and received events."""

    def __init__(self, client: RefusalRecordingClient):
        self.client = client
        self.inbox: list[dict] = []

    @property
    def connected(self) -> bool:
        return self.client.is_connected(NS)

    @property
    def refusal(self) -> dict[str, Any]:
        """The error object of a refused connect (the contract's error shape)."""
        assert not self.connected, "the connection was accepted"
        assert self.client.refusal is not None, "no CONNECT_ERROR was sent"
        return self.client.refusal["data"]

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
        client = RefusalRecordingClient(app, socketio, namespace=NS, auth=auth, **kwargs)
        socket = Socket(client)
        sockets.append(socket)
        return socket

    yield open_socket
    for socket in sockets:
        if socket.connected:
            socket.disconnect()
