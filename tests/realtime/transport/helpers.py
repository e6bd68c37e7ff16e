"""Helpers for the outbox transport's tests: frames as clients send them, a hub reader."""

import os

import eventlet
from eventlet.green import socket as green_socket
from eventlet.websocket import RFC6455WebSocket

from app.realtime.transport.outbox import Flusher
from app.realtime.transport.outbox import OutboxWebSocket as ServersOutboxWebSocket
from app.realtime.transport.protocol import KEEP_CONNECTION


class OutboxWebSocket(ServersOutboxWebSocket):
    """The outbox websocket as one server's `websocket_class` makes it."""

    flusher = Flusher()


def eventlet_frame(text: str) -> bytes:
    return RFC6455WebSocket(None, {}, 13)._pack_message(text)


def read_exactly(sock: green_socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 65536))
        assert chunk, "connection closed early"
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def client_frame(payload: bytes, opcode: int = 1, final: bool = True, masked: bool = True) -> bytes:
    """A frame as a client sends it (RFC 6455 section 5.2): masked."""
    mask = os.urandom(4) if masked else b""
    first = (0x80 if final else 0) | opcode
    length = len(payload)
    if length <= 125:
        head = bytes([first, (0x80 if masked else 0) | length])
    elif length <= 0xFFFF:
        head = bytes([first, (0x80 if masked else 0) | 126]) + length.to_bytes(2, "big")
    else:
        head = bytes([first, (0x80 if masked else 0) | 127]) + length.to_bytes(8, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if masked else payload
    return head + mask + body


class HubReader:
    """An outbox websocket handed to the hub, with what it reported."""

    def __init__(self, ws: OutboxWebSocket, keep: bool = True):
        self.ws = ws
        self.messages: list = []
        self.ended = 0
        self.released = 0
        if keep:
            ws.environ[KEEP_CONNECTION] = lambda: self.release
        self.reading = ws.read_in_hub(self.on_message, self.on_end)
        if self.reading:
            # The request handler returns, and eventlet's WSGI wrapper would
            # close the websocket.
            ws._send_closing_frame(True)

    def release(self) -> None:
        self.released += 1

    def on_message(self, message) -> bool:
        self.messages.append(message)
        return True

    def on_end(self) -> None:
        self.ended += 1


def settle() -> None:
    for _ in range(5):
        eventlet.sleep(0.01)
