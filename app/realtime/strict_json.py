"""The JSON of Socket.IO packets: strict, as the contract's JSON is.

python-socketio parses packets with Python's json module, which takes
`NaN` and `Infinity` (not JSON) and recurses once per nesting level. A
packet whose data is not JSON decodes here as the event `invalid_packet`
(the ack id, read before the data, is kept), which the namespace answers
with `bad_request`: nothing else runs, and the socket stays connected.
"""

from __future__ import annotations

import json
from typing import Any

from socketio import packet as socketio_packet

INVALID_PACKET = "invalid_packet"


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """Strict JSON; ValueError for anything else, deep nesting included."""
    try:
        return json.loads(text, parse_constant=_not_json, **kwargs)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


class _PacketJSON:
    """The json module python-socketio's Packet calls."""

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return json.dumps(value, **kwargs)

    @staticmethod
    def loads(text: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads(text, **kwargs)
        except ValueError:
            return [INVALID_PACKET]


class Packet(socketio_packet.Packet):
    """Socket.IO's packet, decoding its data as strict JSON."""

    json = _PacketJSON
