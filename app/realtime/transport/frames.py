"""The RFC 6455 frame codec: bytes in, messages out, no sockets.

`text_frame` builds the server's frames (unmasked, final, uncompressed);
`FrameParser` takes whatever bytes have arrived from a client and returns
the complete messages in them, keeping the rest for the next call. Control
frames go to a callback, so the I/O around the parser decides how to answer
a ping or a close.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any


class Frame(bytes):
    """A complete WebSocket frame, ready for the wire."""


class ProtocolError(Exception):
    """The client broke RFC 6455; close the connection with this status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def text_frame(text: str) -> Frame:
    """An unmasked, uncompressed, final text frame (RFC 6455 section 5.2)."""
    payload = text.encode("utf-8")
    length = len(payload)
    if length <= 125:
        header = struct.pack("!BB", 0x81, length)
    elif length <= 0xFFFF:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return Frame(header + payload)


def unmask(data: bytes, mask: Any, length: int | None = None, offset: int = 0) -> bytes:
    """Unmask a client frame as one big-integer XOR (byte by byte is far slower)."""
    length = len(data) if length is None else length
    key = bytes(mask[(offset + i) % 4] for i in range(4)) * (length // 4 + 1)
    value = int.from_bytes(data[:length], "big") ^ int.from_bytes(key[:length], "big")
    return value.to_bytes(length, "big")


class FrameParser:
    """Client frames to whole messages: text as str, binary as bytes."""

    __slots__ = ("_buffer", "_fragment_opcode", "_fragments", "max_length", "on_control")

    def __init__(self, max_length: int, on_control: Callable[[int, bytes], None]):
        self.max_length = max_length
        # Called with (opcode, payload) for ping, pong and close frames.
        self.on_control = on_control
        self._buffer = b""
        self._fragments: list[bytes] | None = None
        self._fragment_opcode = 0

    def feed(self, data: bytes) -> list[str | bytes]:
        """The complete messages in what has arrived; the rest waits for more."""
        buf = self._buffer + data if self._buffer else data
        messages: list[str | bytes] = []
        pos, size = 0, len(buf)
        while size - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            if not second & 0x80:
                raise ProtocolError(
                    1002, "A client MUST mask all frames that it sends to the server"
                )
            length, head = second & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if length > self.max_length:
                raise ProtocolError(1009, f"Incoming frame of {length} bytes is too long.")
            start = pos + head + 4
            if size < start + length:
                break
            payload = unmask(buf[start : start + length], buf[pos + head : start], length)
            pos = start + length
            message = self._frame(first, payload)
            if message is not None:
                messages.append(message)
        self._buffer = buf[pos:]
        return messages

    def _frame(self, first: int, payload: bytes) -> str | bytes | None:
        """One unmasked frame: a whole message, None for a fragment or control frame."""
        final, opcode = first & 0x80, first & 0x0F
        if first & 0x70 or opcode not in (0, 1, 2, 8, 9, 10):
            raise ProtocolError(1002, "Reserved bits or an unknown opcode received.")
        if not opcode & 8:
            return self._data_frame(opcode, payload, bool(final))
        if not final or len(payload) > 125:
            raise ProtocolError(
                1002, "Control frames must not be fragmented and carry at most 125 bytes."
            )
        self.on_control(opcode, payload)
        return None

    def _data_frame(self, opcode: int, payload: bytes, final: bool) -> str | bytes | None:
        if bool(opcode) == (self._fragments is not None):
            raise ProtocolError(
                1002, "Continuation frames, and only they, follow a fragmented message's first."
            )
        if opcode:
            self._fragments, self._fragment_opcode = [], opcode
        fragments = self._fragments
        assert fragments is not None
        fragments.append(payload)
        if len(fragments) > 1 and sum(map(len, fragments)) > self.max_length:
            raise ProtocolError(1009, "Incoming message is above the length limit.")
        if not final:
            return None
        data = payload if len(fragments) == 1 else b"".join(fragments)
        self._fragments = None
        if self._fragment_opcode == 2:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(1007, "Text data must be valid utf-8") from None
